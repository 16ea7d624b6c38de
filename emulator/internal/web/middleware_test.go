package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// TestRequestID: every answer carries an X-Request-ID: generated from the
// instance's seed (two instances with one seed agree), or the client's own
// when it is sane (not when it is oversized).
func TestRequestID(t *testing.T) {
	t.Parallel()
	seed := int64(7)
	a := emutest.New(t, emulator.Config{Seed: &seed})
	b := emutest.New(t, emulator.Config{Seed: &seed})
	t.Run("seeded", func(t *testing.T) {
		ra := a.Do(t, http.MethodGet, "/_emulator/health", nil)
		rb := b.Do(t, http.MethodGet, "/nope", nil)
		if id := ra.Header.Get("X-Request-ID"); len(id) != 36 || id != rb.Header.Get("X-Request-ID") {
			t.Fatalf("seeded request ids differ or malformed: %q %q", id, rb.Header.Get("X-Request-ID"))
		}
	})
	t.Run("client's echoed", func(t *testing.T) {
		if id := a.Do(t, http.MethodGet, "/_emulator/health", nil, "X-Request-ID", "trace-123").Header.Get("X-Request-ID"); id != "trace-123" {
			t.Fatalf("request id not echoed: %q", id)
		}
	})
	t.Run("oversized one replaced", func(t *testing.T) {
		if id := a.Do(t, http.MethodGet, "/_emulator/health", nil, "X-Request-ID", strings.Repeat("x", 500)).Header.Get("X-Request-ID"); len(id) != 36 {
			t.Fatalf("oversized request id echoed: %q", id)
		}
	})
}
