package emulator_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// TestEveryOperationServedAndUnknownRoutes: every operation of WorkOS's
// OpenAPI spec is served (none is left to the 501 machinery, which stays
// for operations a newer spec adds: see the spec package's tests); a path
// that is no operation is a 404, a wrong method a 405, in the shape of the
// surface (WorkOS or OAuth).
func TestEveryOperationServedAndUnknownRoutes(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{})
	if left := srv.Unemulated(); len(left) != 0 {
		for _, op := range left {
			t.Errorf("not served: %s %s (%s)", op.Method, op.Path, op.Doc)
		}
	}
	auth := []string{"Authorization", "Bearer " + emutest.APIKey}
	for _, tc := range []struct {
		name           string
		method, target string
		header         []string
		status         int
		code           string
	}{
		{"no such route", http.MethodGet, "/definitely/not/a/route", nil, 404, "not_found"},
		{"no such route, with the API key", http.MethodGet, "/user_management/not_an_operation", auth, 404, "not_found"},
		{"a spec path with one segment too many", http.MethodGet, "/organizations/org_01ABC/extra/segment", auth, 404, "not_found"},
		{"no such OAuth route", http.MethodGet, "/oauth2/nope", nil, 404, "invalid_request"},
		{"wrong method on an OAuth route", http.MethodDelete, "/oauth2/token", nil, 405, "invalid_request"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := srv.Do(t, tc.method, tc.target, nil, tc.header...)
			emutest.WantError(t, r, tc.status, tc.code)
			if strings.Contains(string(r.Body), "not_implemented") {
				t.Errorf("a 501 body: %s", r.Body)
			}
		})
	}
}
