package signin_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// TestDeviceFlows: the device flow of User Management (pending, slow_down
// on the frozen clock, approval at /device, single use) and of a Connect
// application (approved with an ID token and a refresh token, denied,
// expired).
func TestDeviceFlows(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0, Fixtures: emutest.Parse(t, `
environment: {client_id: client_123}
applications:
  - {client_id: client_01JGH0H56WFYWEDS7QGWCX2YT4, type: public, grant_types: [urn:ietf:params:oauth:grant-type:device_code, refresh_token], scopes: [openid, offline_access]}
users: [{id: `+emutest.AliceID+`, email: alice@example.com, email_verified: true, password: pw}]
`)})
	approve := func(t *testing.T, userCode string, allow bool) {
		t.Helper()
		b := emutest.NewBrowser(t, srv, "never")
		b.Visit("/device?user_code=" + userCode)
		b.ExpectPage(userCode)
		b.Follow(srv.PostForm(t, "/device", url.Values{"user_code": {strings.ToLower(strings.ReplaceAll(userCode, "-", ""))}}))
		b.Submit("action", "password", "email", "alice@example.com", "password", "pw")
		b.ExpectPage(userCode)
		decision := map[bool]string{true: "allow", false: "deny"}[allow]
		b.Submit("action", "device", "decision", decision)
	}

	t.Run("user management", func(t *testing.T) {
		r := srv.PostJSON(t, "/user_management/authorize/device", map[string]any{"client_id": "client_123"})
		if r.Status != 200 {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		d := r.JSON(t)
		if d["interval"] != float64(5) || d["expires_in"] != float64(300) || !strings.HasSuffix(d["verification_uri_complete"].(string), "/device?user_code="+d["user_code"].(string)) {
			t.Fatalf("%v", d)
		}
		poll := func() emutest.Response {
			return srv.PostJSON(t, "/user_management/authenticate", map[string]any{"grant_type": "urn:ietf:params:oauth:grant-type:device_code",
				"client_id": "client_123", "device_code": d["device_code"]})
		}
		r = poll()
		emutest.WantError(t, r, 400, "authorization_pending")
		if r.JSON(t)["code"] != "authorization_pending" {
			t.Fatalf("the Go v10 SDK reads the code member: %s", r.Body)
		}
		emutest.WantError(t, poll(), 400, "slow_down") // no time passed on the frozen clock
		srv.Clock().Advance(11 * time.Second)
		approve(t, d["user_code"].(string), true)
		out := emutest.SignedIn(t, poll())
		if out["user"].(map[string]any)["id"] != emutest.AliceID {
			t.Fatalf("%v", out)
		}
		emutest.WantError(t, poll(), 400, "invalid_grant")
		emutest.WantError(t, srv.PostJSON(t, "/user_management/authorize/device", map[string]any{"client_id": "client_nope"}), 400, "invalid_client")
	})

	t.Run("connect, denied and expired", func(t *testing.T) {
		start := func() map[string]any {
			r := srv.PostForm(t, "/oauth2/device_authorization", url.Values{"client_id": {emutest.OAuthClientID}, "scope": {"openid offline_access"}})
			if r.Status != 200 {
				t.Fatalf("%d %s", r.Status, r.Body)
			}
			return r.JSON(t)
		}
		poll := func(d map[string]any) emutest.Response {
			return srv.PostForm(t, "/oauth2/token", url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:device_code"},
				"client_id": {emutest.OAuthClientID}, "device_code": {d["device_code"].(string)}})
		}
		d := start()
		approve(t, d["user_code"].(string), true)
		r := poll(d)
		if r.Status != 200 || r.JSON(t)["id_token"] == nil || r.JSON(t)["refresh_token"] == nil {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		d = start()
		approve(t, d["user_code"].(string), false)
		emutest.WantError(t, poll(d), 400, "access_denied")
		d = start()
		srv.Clock().Advance(5 * time.Minute)
		emutest.WantError(t, poll(d), 400, "expired_token")
	})
}
