package signin_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// TestMagicAuth: a magic-auth code (sent over the API, readable by id)
// signs a new user in and verifies the e-mail; it is single use and
// expires by the instance clock; a bad e-mail is a 422, no API key a 401.
func TestMagicAuth(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	key := []string{"Authorization", "Bearer " + emutest.APIKey}
	r := srv.PostJSON(t, "/user_management/magic_auth", map[string]any{"email": "newcomer@example.com"}, key...)
	if r.Status != 201 {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	ma := r.JSON(t)
	if len(ma["code"].(string)) != 6 || ma["expires_at"] != "2026-01-15T12:10:00.000Z" || !strings.HasPrefix(ma["id"].(string), "magic_auth_") {
		t.Fatalf("%v", ma)
	}
	if got := srv.Do(t, http.MethodGet, "/user_management/magic_auth/"+ma["id"].(string), nil, key...).JSON(t); got["code"] != ma["code"] {
		t.Fatalf("get magic auth: %v", got)
	}
	grant := map[string]any{"grant_type": "urn:workos:oauth:grant-type:magic-auth:code", "email": "newcomer@example.com", "code": ma["code"]}
	out := emutest.SignedIn(t, srv.Authenticate(t, grant))
	if out["authentication_method"] != "MagicAuth" || out["user"].(map[string]any)["email_verified"] != true {
		t.Fatalf("%v", out)
	}
	emutest.WantError(t, srv.Authenticate(t, grant), 400, "one_time_code_previously_used")
	// expiry by the instance clock
	r = srv.PostJSON(t, "/user_management/magic_auth", map[string]any{"email": "alice@example.com"}, key...)
	grant = map[string]any{"grant_type": "urn:workos:oauth:grant-type:magic-auth:code", "email": "alice@example.com", "code": r.JSON(t)["code"]}
	srv.Clock().Advance(10 * time.Minute)
	emutest.WantError(t, srv.Authenticate(t, grant), 400, "one_time_code_expired")
	emutest.WantError(t, srv.PostJSON(t, "/user_management/magic_auth", map[string]any{"email": "not-an-email"}, key...), 422, "invalid_request_parameters")
	emutest.WantError(t, srv.PostJSON(t, "/user_management/magic_auth", map[string]any{"email": "a@example.com"}), 401, "unauthorized")
}

// TestUsedMagicCodeAndWrongCodes: once the latest code is used, a wrong
// code is still invalid (only the right one learns it was used).
func TestUsedMagicCodeAndWrongCodes(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	key := []string{"Authorization", "Bearer " + emutest.APIKey}
	code := emutest.WantJSON(t, srv.PostJSON(t, "/user_management/magic_auth", map[string]any{"email": "alice@example.com"}, key...), 201)["code"].(string)
	grant := func(c string) emutest.Response {
		return srv.Authenticate(t, map[string]any{"grant_type": "urn:workos:oauth:grant-type:magic-auth:code", "email": "alice@example.com", "code": c})
	}
	emutest.SignedIn(t, grant(code))
	wrong := "000000"
	if wrong == code {
		wrong = "111111"
	}
	emutest.WantError(t, grant(wrong), http.StatusBadRequest, "invalid_one_time_code")
	emutest.WantError(t, grant(code), http.StatusBadRequest, "one_time_code_previously_used")
}
