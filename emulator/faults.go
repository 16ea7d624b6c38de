package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"
)

// Fault is a scripted failure: requests matching Method and Path answer
// Status with Body (after Delay) instead of reaching the emulator, Count
// times (0: until cleared). A fault with Status 0 and a Delay only slows
// matching requests down.
type Fault struct {
	ID     string          `json:"id"`
	Method string          `json:"method"` // "" or "*": any
	Path   string          `json:"path"`   // exact, or * per segment and trailing **
	Status int             `json:"status"`
	Body   json.RawMessage `json:"body,omitempty"`
	Count  int             `json:"count"`
	Delay  time.Duration   `json:"-"`
	// Remaining counts down from Count; it is reported, not set.
	Remaining int `json:"remaining"`
}

// faults is the instance's queue of scripted failures.
type faults struct {
	mu   sync.Mutex
	list []*Fault
	seq  int
	n    atomic.Int64 // len(list), readable without mu
}

// AddFault queues a fault and returns it with its id.
func (s *Server) AddFault(f Fault) (Fault, error) {
	if f.Path == "" || !strings.HasPrefix(f.Path, "/") {
		return Fault{}, invalidParams(FieldError{Field: "path", Code: "must_start_with_slash"})
	}
	if strings.HasPrefix(f.Path, "/_emulator") {
		return Fault{}, invalidParams(FieldError{Field: "path", Code: "control_plane_cannot_fail"})
	}
	if f.Status == 0 && f.Delay == 0 {
		return Fault{}, invalidParams(FieldError{Field: "status", Code: "status_or_delay_required"})
	}
	if f.Status != 0 && (f.Status < 200 || f.Status > 599) {
		return Fault{}, invalidParams(FieldError{Field: "status", Code: "must_be_200_to_599"})
	}
	if f.Count < 0 || f.Delay < 0 || f.Delay > time.Minute {
		return Fault{}, invalidParams(FieldError{Field: "count", Code: "count_and_delay_must_be_non_negative_and_delay_at_most_1m"})
	}
	if len(f.Body) > 0 && !json.Valid(f.Body) {
		return Fault{}, invalidParams(FieldError{Field: "body", Code: "must_be_json"})
	}
	if f.Method == "*" {
		f.Method = ""
	}
	f.Method = strings.ToUpper(f.Method)
	s.faultq.mu.Lock()
	defer s.faultq.mu.Unlock()
	s.faultq.seq++
	f.ID = fmt.Sprintf("fault_%d", s.faultq.seq)
	f.Remaining = f.Count
	s.faultq.list = append(s.faultq.list, &f)
	s.faultq.n.Store(int64(len(s.faultq.list)))
	return f, nil
}

// Faults lists the queued faults.
func (s *Server) Faults() []Fault {
	s.faultq.mu.Lock()
	defer s.faultq.mu.Unlock()
	out := make([]Fault, len(s.faultq.list))
	for i, f := range s.faultq.list {
		out[i] = *f
	}
	return out
}

// ClearFaults removes every queued fault.
func (s *Server) ClearFaults() {
	s.faultq.mu.Lock()
	defer s.faultq.mu.Unlock()
	s.faultq.list = nil
	s.faultq.n.Store(0)
}

// empty reports, without taking the lock, whether no fault is queued: the
// common case costs an atomic load.
func (fs *faults) empty() bool { return fs.n.Load() == 0 }

// take returns the first fault matching the request, consuming one use.
func (fs *faults) take(method, path string) (Fault, bool) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for i, f := range fs.list {
		if (f.Method == "" || f.Method == method) && pathMatches(f.Path, path) {
			got := *f
			if f.Count > 0 {
				f.Remaining--
				if f.Remaining == 0 {
					fs.list = append(fs.list[:i:i], fs.list[i+1:]...)
					fs.n.Store(int64(len(fs.list)))
				}
			}
			return got, true
		}
	}
	return Fault{}, false
}

// applyFault answers a matching request with its scripted failure (done),
// after the fault's delay; a delay-only fault lets the request go on.
func (s *Server) applyFault(c echo.Context) (done bool, err error) {
	r := c.Request()
	if s.faultq.empty() || isControl(r.URL.Path) {
		return false, nil
	}
	f, ok := s.faultq.take(r.Method, r.URL.Path)
	if !ok {
		return false, nil
	}
	if f.Delay > 0 {
		if err := sleep(r.Context(), f.Delay); err != nil {
			return true, apiError(http.StatusRequestTimeout, "request_cancelled", "The client went away during the fault's delay.")
		}
	}
	if f.Status == 0 {
		return false, nil
	}
	body := f.Body
	if len(body) == 0 {
		body, _ = marshalNoEscape(object{{"code", "fault_injected"}, {"message", fmt.Sprintf("Injected by the emulator (%s): %d for %s %s.", f.ID, f.Status, r.Method, r.URL.Path)}})
	}
	e := &Error{Status: f.Status, Code: "fault_injected", Raw: body}
	if f.Status == http.StatusTooManyRequests {
		e = e.WithHeader("Retry-After", "1")
	}
	return true, e
}

func isControl(path string) bool {
	return path == "/_emulator" || strings.HasPrefix(path, "/_emulator/")
}
