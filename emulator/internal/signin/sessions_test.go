package signin_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// TestLogoutRevokeAndList: a user's sessions are listed newest first with
// cursors; logout redirects to an allowed return_to and ends the session
// (its tokens inactive, its refresh token invalid_grant); revoke does the
// same over the API.
func TestLogoutRevokeAndList(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	signIn := func() map[string]any {
		return emutest.SignedIn(t, srv.Authenticate(t, map[string]any{"grant_type": "password", "email": "alice@example.com", "password": "wonderland"}))
	}
	a, b := signIn(), signIn()
	sidA := emutest.Claims(t, a["access_token"].(string))["sid"].(string)
	sidB := emutest.Claims(t, b["access_token"].(string))["sid"].(string)

	list := srv.API(t, http.MethodGet, "/user_management/users/"+emutest.AliceID+"/sessions?limit=2", nil)
	if list.Status != 200 {
		t.Fatalf("%d %s", list.Status, list.Body)
	}
	data := list.JSON(t)["data"].([]any)
	if len(data) != 2 || data[0].(map[string]any)["id"] != sidB || data[0].(map[string]any)["auth_method"] != "password" {
		t.Fatalf("newest first: %s", list.Body)
	}
	meta := list.JSON(t)["list_metadata"].(map[string]any)
	if meta["after"] != sidA { // the fixture session is older still
		t.Fatalf("list_metadata %v", meta)
	}

	// logout: 302 to an allowed return_to, the session ends
	r := srv.Do(t, http.MethodGet, "/user_management/sessions/logout?session_id="+sidA+"&return_to="+url.QueryEscape("http://localhost:3000"), nil)
	if r.Status != 302 || r.Header.Get("Location") != "http://localhost:3000" {
		t.Fatalf("logout: %d %s", r.Status, r.Header.Get("Location"))
	}
	if srv.IntrospectAs(t, emutest.EnvClientID, emutest.APIKey, a["access_token"].(string))["active"] != false {
		t.Fatal("logged-out session's token is active")
	}
	emutest.WantError(t, srv.Authenticate(t, map[string]any{"grant_type": "refresh_token", "refresh_token": a["refresh_token"]}), 400, "invalid_grant")
	emutest.WantError(t, srv.Do(t, http.MethodGet, "/user_management/sessions/logout?session_id="+sidB+"&return_to="+url.QueryEscape("https://evil.example"), nil), 422, "invalid_request_parameters")
	emutest.WantError(t, srv.Do(t, http.MethodGet, "/user_management/sessions/logout", nil), 422, "invalid_request_parameters")

	// revoke
	r = srv.API(t, http.MethodPost, "/user_management/sessions/revoke", map[string]any{"session_id": sidB})
	if r.Status != 200 {
		t.Fatalf("revoke: %d %s", r.Status, r.Body)
	}
	if srv.IntrospectAs(t, emutest.EnvClientID, emutest.APIKey, b["refresh_token"].(string))["active"] != false {
		t.Fatal("revoked session's refresh token is active")
	}
	emutest.WantError(t, srv.API(t, http.MethodPost, "/user_management/sessions/revoke", map[string]any{"session_id": "session_nope"}), 400, "session_not_found")
	emutest.WantError(t, srv.PostJSON(t, "/user_management/sessions/revoke", map[string]any{"session_id": sidB}), 401, "unauthorized")
	s, _ := srv.Session(sidB)
	if s.Status != "revoked" || s.EndedAt == nil {
		t.Fatalf("%+v", s)
	}
}

// TestSessionLifetime: refreshing keeps a session alive past its
// inactivity timeout, idleness ends it, and max_length ends it however
// active it is.
func TestSessionLifetime(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0, Fixtures: emutest.Parse(t, `
environment:
  client_id: client_123
  access_token_ttl: 1h
  session: {max_length: 2h, inactivity_timeout: 30m}
users: [{email: a@example.com, email_verified: true, password: pw}]
`)})
	grant := func(body map[string]any) emutest.Response {
		body["client_id"] = "client_123"
		return srv.PostJSON(t, "/user_management/authenticate", body)
	}
	out := emutest.SignedIn(t, grant(map[string]any{"grant_type": "password", "client_secret": emutest.APIKey, "email": "a@example.com", "password": "pw"}))
	refresh := out["refresh_token"].(string)
	for i := 0; i < 3; i++ { // active use keeps the session alive past the inactivity timeout...
		srv.Clock().Advance(25 * time.Minute)
		refresh = emutest.SignedIn(t, grant(map[string]any{"grant_type": "refresh_token", "refresh_token": refresh}))["refresh_token"].(string)
	}
	srv.Clock().Advance(31 * time.Minute) // ...idleness ends it
	emutest.WantError(t, grant(map[string]any{"grant_type": "refresh_token", "refresh_token": refresh}), 400, "invalid_grant")

	out = emutest.SignedIn(t, grant(map[string]any{"grant_type": "password", "client_secret": emutest.APIKey, "email": "a@example.com", "password": "pw"}))
	refresh = out["refresh_token"].(string)
	for i := 0; i < 4; i++ {
		srv.Clock().Advance(29 * time.Minute)
		refresh = emutest.SignedIn(t, grant(map[string]any{"grant_type": "refresh_token", "refresh_token": refresh}))["refresh_token"].(string)
	}
	srv.Clock().Advance(5 * time.Minute) // 2h01m after sign-in: past max_length
	emutest.WantError(t, grant(map[string]any{"grant_type": "refresh_token", "refresh_token": refresh}), 400, "invalid_grant")
}

// TestFixtureSessionStatuses loads revoked and expired sessions: their tokens
// introspect inactive and their refresh tokens are invalid_grant.
func TestFixtureSessionStatuses(t *testing.T) {
	t.Parallel()
	set := emutest.Parse(t, `
environment:
  client_id: client_123
  clock: 2025-03-22T00:49:13Z
applications:
  - client_id: client_01JP8BD0CZ401TDF9X54NT5ZEK
    client_secret: s3cret
users:
  - id: user_01JPXN6KA7622KJ4VP83X1NTKX
    email: alice@example.com
sessions:
  - {id: app_consent_01JPXN6KAQW83AMXXY5WX3RHT1, user_id: user_01JPXN6KA7622KJ4VP83X1NTKX, client_id: client_01JP8BD0CZ401TDF9X54NT5ZEK, status: active, refresh_token: live}
  - {id: app_consent_01JPXN6KAQW83AMXXY5WX3RHT2, user_id: user_01JPXN6KA7622KJ4VP83X1NTKX, client_id: client_01JP8BD0CZ401TDF9X54NT5ZEK, status: revoked, refresh_token: revoked}
  - {id: app_consent_01JPXN6KAQW83AMXXY5WX3RHT3, user_id: user_01JPXN6KA7622KJ4VP83X1NTKX, client_id: client_01JP8BD0CZ401TDF9X54NT5ZEK, status: expired, refresh_token: expired}
`)
	srv := emutest.New(t, emulator.Config{Fixtures: set})
	for _, tc := range []struct {
		id, refresh string
		active      bool
	}{
		{"app_consent_01JPXN6KAQW83AMXXY5WX3RHT1", "live", true},
		{"app_consent_01JPXN6KAQW83AMXXY5WX3RHT2", "revoked", false},
		{"app_consent_01JPXN6KAQW83AMXXY5WX3RHT3", "expired", false},
	} {
		t.Run(tc.refresh, func(t *testing.T) {
			s, err := srv.Session(tc.id)
			if err != nil {
				t.Fatal(err)
			}
			if s.Status != map[bool]string{true: "active", false: tc.refresh}[tc.active] {
				t.Fatalf("status %q", s.Status)
			}
			for _, tok := range []string{s.AccessToken, s.RefreshToken} {
				if got := srv.IntrospectAs(t, "client_01JP8BD0CZ401TDF9X54NT5ZEK", "s3cret", tok)["active"]; got != tc.active {
					t.Fatalf("active = %v, want %v", got, tc.active)
				}
			}
			r := srv.PostForm(t, "/oauth2/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tc.refresh},
				"client_id": {"client_01JP8BD0CZ401TDF9X54NT5ZEK"}, "client_secret": {"s3cret"}})
			if tc.active && r.Status != 200 {
				t.Fatalf("refresh: %d %s", r.Status, r.Body)
			}
			if !tc.active {
				emutest.WantError(t, r, 400, "invalid_grant")
			}
		})
	}
}
