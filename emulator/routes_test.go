package emulator_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// TestUnknownAndUnimplementedRoutes: a WorkOS operation the emulator does
// not serve is a 501 that names it (behind the API key when the spec puts
// it there); a path that is no operation is a 404, a wrong method a 405,
// in the shape of the surface (WorkOS or OAuth).
func TestUnknownAndUnimplementedRoutes(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{})
	auth := []string{"Authorization", "Bearer " + emutest.APIKey}
	t.Run("501 names the operation", func(t *testing.T) {
		r := srv.Do(t, http.MethodPost, "/radar/attempts", nil, auth...)
		emutest.WantError(t, r, 501, "not_implemented")
		if msg := r.JSON(t)["message"].(string); !strings.Contains(msg, "POST /radar/attempts") {
			t.Fatalf("501 does not name the operation: %s", msg)
		}
	})
	for _, tc := range []struct {
		name           string
		method, target string
		header         []string
		status         int
		code           string
	}{
		{"unemulated operation without the API key", http.MethodPost, "/radar/attempts", nil, 401, "unauthorized"},
		{"unemulated operation with a wrong API key", http.MethodPost, "/radar/attempts", []string{"Authorization", "Bearer sk_wrong"}, 401, "unauthorized"},
		{"unemulated operation with a path parameter", http.MethodGet, "/agents/registrations/agent_registration_01ABC", auth, 501, "not_implemented"},
		{"no such route", http.MethodGet, "/definitely/not/a/route", nil, 404, "not_found"},
		{"no such OAuth route", http.MethodGet, "/oauth2/nope", nil, 404, "invalid_request"},
		{"wrong method on an OAuth route", http.MethodDelete, "/oauth2/token", nil, 405, "invalid_request"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			emutest.WantError(t, srv.Do(t, tc.method, tc.target, nil, tc.header...), tc.status, tc.code)
		})
	}
}
