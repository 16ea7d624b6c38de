package emulator

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
)

// TestPanicBecomesLogged500: a handler that panics answers a JSON 500 with
// the request id, the log names the panic and the request id, and the
// server keeps serving. (The hostile suite proves no input reaches this.)
func TestPanicBecomesLogged500(t *testing.T) {
	var logs bytes.Buffer
	srv, err := New(Config{Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, "/oauth2/jwks", nil)
	req.Header.Set("X-Request-ID", "trace-panic")
	rec := httptest.NewRecorder()
	c := srv.echo.NewContext(req, rec)
	h := web.FrontDoor(srv.log, srv.env, nil)(func(echo.Context) error { panic("boom") })
	if err := h(c); err != nil {
		t.Fatalf("frontDoor returned %v: it must render the error itself", err)
	}
	body := rec.Body.String()
	if rec.Code != 500 || rec.Header().Get("X-Request-ID") != "trace-panic" || !strings.Contains(body, `"error":"server_error"`) || strings.Contains(body, "boom") {
		t.Fatalf("%d %v %s", rec.Code, rec.Header(), body)
	}
	if !strings.Contains(logs.String(), `"request_id":"trace-panic"`) || !strings.Contains(logs.String(), "panic: boom") {
		t.Fatalf("log: %s", logs.String())
	}
	rec = httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/_emulator/health", nil))
	if rec.Code != 200 {
		t.Fatal("the server stopped serving after a panic")
	}
}
