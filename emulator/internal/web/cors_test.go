package web_test

import (
	"net/http"
	"testing"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// TestCORS: without cors_origins, localhost origins (any port) are allowed
// with credentials, and a preflight answers the requested headers; other
// origins are not allowed; an explicit cors_origins list replaces the
// localhost default.
func TestCORS(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{})
	listed := emutest.New(t, emulator.Config{Fixtures: emutest.Parse(t, "environment: {client_id: client_1, cors_origins: [https://app.example.com]}\n")})
	t.Run("preflight from localhost", func(t *testing.T) {
		r := srv.Do(t, http.MethodOptions, "/user_management/authenticate", nil, "Origin", "http://localhost:5173",
			"Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "content-type")
		if r.Status != 204 || r.Header.Get("Access-Control-Allow-Origin") != "http://localhost:5173" ||
			r.Header.Get("Access-Control-Allow-Credentials") != "true" || r.Header.Get("Access-Control-Allow-Headers") != "content-type" {
			t.Fatalf("preflight %d %v", r.Status, r.Header)
		}
	})
	for _, tc := range []struct {
		name   string
		srv    *emutest.Server
		origin string
		want   string // Access-Control-Allow-Origin
	}{
		{"foreign origin", srv, "https://evil.example", ""},
		{"listed origin", listed, "https://app.example.com", "https://app.example.com"},
		{"localhost despite an explicit list", listed, "http://localhost:3000", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.srv.Do(t, http.MethodGet, "/oauth2/jwks", nil, "Origin", tc.origin).Header.Get("Access-Control-Allow-Origin")
			if got != tc.want {
				t.Fatalf("Access-Control-Allow-Origin %q, want %q", got, tc.want)
			}
		})
	}
}
