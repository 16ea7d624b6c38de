package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
)

// CheckFault validates a scripted failure before it is queued (the Go API
// and the control plane both add faults through it) and normalizes its
// method.
func CheckFault(f store.Fault) (store.Fault, error) {
	if f.Path == "" || !strings.HasPrefix(f.Path, "/") {
		return f, Invalid(Field("path", "must_start_with_slash"))
	}
	if IsControl(f.Path) || strings.HasPrefix(f.Path, "/_emulator") {
		return f, Invalid(Field("path", "control_plane_cannot_fail"))
	}
	if f.Status == 0 && f.Delay == 0 {
		return f, Invalid(Field("status", "status_or_delay_required"))
	}
	if f.Status != 0 && (f.Status < 200 || f.Status > 599) {
		return f, Invalid(Field("status", "must_be_200_to_599"))
	}
	if f.Count < 0 || f.Delay < 0 || f.Delay > time.Minute {
		return f, Invalid(Field("count", "count_and_delay_must_be_non_negative_and_delay_at_most_1m"))
	}
	if len(f.Body) > 0 && !json.Valid(f.Body) {
		return f, Invalid(Field("body", "must_be_json"))
	}
	if f.Method == "*" {
		f.Method = ""
	}
	f.Method = strings.ToUpper(f.Method)
	return f, nil
}

// applyFault answers a matching request with its scripted failure (done),
// after the fault's delay; a delay-only fault lets the request go on.
func applyFault(c echo.Context, fs *store.Faults) (done bool, err error) {
	r := c.Request()
	if fs.Empty() || IsControl(r.URL.Path) {
		return false, nil
	}
	f, ok := fs.Take(r.Method, r.URL.Path)
	if !ok {
		return false, nil
	}
	if f.Delay > 0 {
		if err := store.Sleep(r.Context(), f.Delay); err != nil {
			return true, APIError(http.StatusRequestTimeout, "request_cancelled", "The client went away during the fault's delay.")
		}
	}
	if f.Status == 0 {
		return false, nil
	}
	body := f.Body
	if len(body) == 0 {
		body, _ = wire.Marshal(wire.Object{{"code", "fault_injected"}, {"message", fmt.Sprintf("Injected by the emulator (%s): %d for %s %s.", f.ID, f.Status, r.Method, r.URL.Path)}})
	}
	e := &Error{Status: f.Status, Code: "fault_injected", Raw: body}
	if f.Status == http.StatusTooManyRequests {
		e = e.WithHeader("Retry-After", "1")
	}
	return true, e
}
