package emulator_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/authkit-emulator/authkit-emulator/emulator"
)

var bearerKey = []string{"Authorization", "Bearer " + apiKey}

func TestDeviceFlows(t *testing.T) {
	t.Parallel()
	srv, _ := emulator.New(emulator.Config{Clock: t0, Fixtures: parse(t, `
environment: {client_id: client_123}
applications:
  - {client_id: client_01JGH0H56WFYWEDS7QGWCX2YT4, type: public, grant_types: [urn:ietf:params:oauth:grant-type:device_code, refresh_token], scopes: [openid, offline_access]}
users: [{id: `+aliceID+`, email: alice@example.com, email_verified: true, password: pw}]
`)})
	h := srv.Handler()
	approve := func(userCode string, allow bool) {
		t.Helper()
		b := newBrowser(t, h, "never")
		b.visit("/device?user_code=" + userCode)
		b.expectPage(userCode)
		b.follow(postForm(t, h, "/device", url.Values{"user_code": {strings.ToLower(strings.ReplaceAll(userCode, "-", ""))}}))
		b.submit("action", "password", "email", "alice@example.com", "password", "pw")
		b.expectPage(userCode)
		decision := map[bool]string{true: "allow", false: "deny"}[allow]
		b.submit("action", "device", "decision", decision)
	}

	t.Run("user management", func(t *testing.T) {
		r := postJSON(t, h, "/user_management/authorize/device", map[string]any{"client_id": "client_123"})
		if r.Status != 200 {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		d := r.json(t)
		if d["interval"] != float64(5) || d["expires_in"] != float64(300) || !strings.HasSuffix(d["verification_uri_complete"].(string), "/device?user_code="+d["user_code"].(string)) {
			t.Fatalf("%v", d)
		}
		poll := func() response {
			return postJSON(t, h, "/user_management/authenticate", map[string]any{"grant_type": "urn:ietf:params:oauth:grant-type:device_code",
				"client_id": "client_123", "device_code": d["device_code"]})
		}
		r = poll()
		wantError(t, r, 400, "authorization_pending")
		if r.json(t)["code"] != "authorization_pending" {
			t.Fatalf("the Go v10 SDK reads the code member: %s", r.Body)
		}
		wantError(t, poll(), 400, "slow_down") // no time passed on the frozen clock
		srv.Clock().Advance(11 * time.Second)
		approve(d["user_code"].(string), true)
		out := signedIn(t, poll())
		if out["user"].(map[string]any)["id"] != aliceID {
			t.Fatalf("%v", out)
		}
		wantError(t, poll(), 400, "invalid_grant")
		wantError(t, postJSON(t, h, "/user_management/authorize/device", map[string]any{"client_id": "client_nope"}), 400, "invalid_client")
	})

	t.Run("connect, denied and expired", func(t *testing.T) {
		start := func() map[string]any {
			r := postForm(t, h, "/oauth2/device_authorization", url.Values{"client_id": {oauthClientID}, "scope": {"openid offline_access"}})
			if r.Status != 200 {
				t.Fatalf("%d %s", r.Status, r.Body)
			}
			return r.json(t)
		}
		poll := func(d map[string]any) response {
			return postForm(t, h, "/oauth2/token", url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:device_code"},
				"client_id": {oauthClientID}, "device_code": {d["device_code"].(string)}})
		}
		d := start()
		approve(d["user_code"].(string), true)
		r := poll(d)
		if r.Status != 200 || r.json(t)["id_token"] == nil || r.json(t)["refresh_token"] == nil {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		d = start()
		approve(d["user_code"].(string), false)
		wantError(t, poll(d), 400, "access_denied")
		d = start()
		srv.Clock().Advance(5 * time.Minute)
		wantError(t, poll(d), 400, "expired_token")
	})
}

func TestLogoutRevokeAndList(t *testing.T) {
	t.Parallel()
	srv, _ := emulator.New(emulator.Config{Clock: t0})
	h := srv.Handler()
	signIn := func() map[string]any {
		return signedIn(t, authn(t, h, map[string]any{"grant_type": "password", "email": "alice@example.com", "password": "wonderland"}))
	}
	a, b := signIn(), signIn()
	sidA := decodeClaims(t, a["access_token"].(string))["sid"].(string)
	sidB := decodeClaims(t, b["access_token"].(string))["sid"].(string)

	list := do(t, h, http.MethodGet, "/user_management/users/"+aliceID+"/sessions?limit=2", nil, bearerKey...)
	if list.Status != 200 {
		t.Fatalf("%d %s", list.Status, list.Body)
	}
	data := list.json(t)["data"].([]any)
	if len(data) != 2 || data[0].(map[string]any)["id"] != sidB || data[0].(map[string]any)["auth_method"] != "password" {
		t.Fatalf("newest first: %s", list.Body)
	}
	meta := list.json(t)["list_metadata"].(map[string]any)
	if meta["after"] != sidA { // the fixture session is older still
		t.Fatalf("list_metadata %v", meta)
	}

	// logout: 302 to an allowed return_to, the session ends
	r := do(t, h, http.MethodGet, "/user_management/sessions/logout?session_id="+sidA+"&return_to="+url.QueryEscape("http://localhost:3000"), nil)
	if r.Status != 302 || r.Header.Get("Location") != "http://localhost:3000" {
		t.Fatalf("logout: %d %s", r.Status, r.Header.Get("Location"))
	}
	if introspect(t, h, envClientID, apiKey, a["access_token"].(string))["active"] != false {
		t.Fatal("logged-out session's token is active")
	}
	wantError(t, authn(t, h, map[string]any{"grant_type": "refresh_token", "refresh_token": a["refresh_token"]}), 400, "invalid_grant")
	wantError(t, do(t, h, http.MethodGet, "/user_management/sessions/logout?session_id="+sidB+"&return_to="+url.QueryEscape("https://evil.example"), nil), 422, "invalid_request_parameters")
	wantError(t, do(t, h, http.MethodGet, "/user_management/sessions/logout", nil), 422, "invalid_request_parameters")

	// revoke
	r = postJSON(t, h, "/user_management/sessions/revoke", map[string]any{"session_id": sidB}, bearerKey...)
	if r.Status != 200 {
		t.Fatalf("revoke: %d %s", r.Status, r.Body)
	}
	if introspect(t, h, envClientID, apiKey, b["refresh_token"].(string))["active"] != false {
		t.Fatal("revoked session's refresh token is active")
	}
	wantError(t, postJSON(t, h, "/user_management/sessions/revoke", map[string]any{"session_id": "session_nope"}, bearerKey...), 400, "session_not_found")
	wantError(t, postJSON(t, h, "/user_management/sessions/revoke", map[string]any{"session_id": sidB}), 401, "unauthorized")
	s, _ := srv.Session(sidB)
	if s.Status != "revoked" || s.EndedAt == nil {
		t.Fatalf("%+v", s)
	}
}

func TestSessionLifetime(t *testing.T) {
	t.Parallel()
	srv, _ := emulator.New(emulator.Config{Clock: t0, Fixtures: parse(t, `
environment:
  client_id: client_123
  access_token_ttl: 1h
  session: {max_length: 2h, inactivity_timeout: 30m}
users: [{email: a@example.com, email_verified: true, password: pw}]
`)})
	h := srv.Handler()
	grant := func(body map[string]any) response {
		body["client_id"] = "client_123"
		return postJSON(t, h, "/user_management/authenticate", body)
	}
	out := signedIn(t, grant(map[string]any{"grant_type": "password", "client_secret": apiKey, "email": "a@example.com", "password": "pw"}))
	refresh := out["refresh_token"].(string)
	for i := 0; i < 3; i++ { // active use keeps the session alive past the inactivity timeout...
		srv.Clock().Advance(25 * time.Minute)
		refresh = signedIn(t, grant(map[string]any{"grant_type": "refresh_token", "refresh_token": refresh}))["refresh_token"].(string)
	}
	srv.Clock().Advance(31 * time.Minute) // ...idleness ends it
	wantError(t, grant(map[string]any{"grant_type": "refresh_token", "refresh_token": refresh}), 400, "invalid_grant")

	out = signedIn(t, grant(map[string]any{"grant_type": "password", "client_secret": apiKey, "email": "a@example.com", "password": "pw"}))
	refresh = out["refresh_token"].(string)
	for i := 0; i < 4; i++ {
		srv.Clock().Advance(29 * time.Minute)
		refresh = signedIn(t, grant(map[string]any{"grant_type": "refresh_token", "refresh_token": refresh}))["refresh_token"].(string)
	}
	srv.Clock().Advance(5 * time.Minute) // 2h01m after sign-in: past max_length
	wantError(t, grant(map[string]any{"grant_type": "refresh_token", "refresh_token": refresh}), 400, "invalid_grant")
}

func TestEmailVerificationAndPasswordReset(t *testing.T) {
	t.Parallel()
	srv, _ := emulator.New(emulator.Config{Clock: t0})
	h := srv.Handler()
	carol := "user_01JGJ48F1WQQHDNXHABSCR87EJ"
	r := do(t, h, http.MethodPost, "/user_management/users/"+carol+"/email_verification/send", nil, bearerKey...)
	if r.Status != 200 {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	code := srv.Codes("carol@example.com", emulator.KindEmailVerification)[0]
	if got := do(t, h, http.MethodGet, "/user_management/email_verification/"+code.ID, nil, bearerKey...).json(t); got["code"] != code.Code {
		t.Fatalf("%v", got)
	}
	wantError(t, postJSON(t, h, "/user_management/users/"+carol+"/email_verification/confirm", map[string]any{"code": "x"}, bearerKey...), 400, "email_verification_code_incorrect")
	r = postJSON(t, h, "/user_management/users/"+carol+"/email_verification/confirm", map[string]any{"code": code.Code}, bearerKey...)
	if r.Status != 200 || r.json(t)["user"].(map[string]any)["email_verified"] != true {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	wantError(t, do(t, h, http.MethodPost, "/user_management/users/"+carol+"/email_verification/send", nil, bearerKey...), 400, "email_already_verified")

	r = postJSON(t, h, "/user_management/password_reset", map[string]any{"email": "bob@example.com"}, bearerKey...)
	if r.Status != 201 {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	pr := r.json(t)
	if !strings.Contains(pr["password_reset_url"].(string), pr["password_reset_token"].(string)) {
		t.Fatalf("%v", pr)
	}
	if srv.Codes("bob@example.com", emulator.KindPasswordReset)[0].Token != pr["password_reset_token"] {
		t.Fatal("reset link not in the outbox")
	}
	r = postJSON(t, h, "/user_management/password_reset/confirm", map[string]any{"token": pr["password_reset_token"], "new_password": "newpass"}, bearerKey...)
	if r.Status != 200 {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	wantError(t, authn(t, h, map[string]any{"grant_type": "password", "email": "bob@example.com", "password": "builder"}), 400, "invalid_credentials")
	wantError(t, authn(t, h, map[string]any{"grant_type": "password", "email": "bob@example.com", "password": "newpass"}), 403, "organization_selection_required")
	r = postJSON(t, h, "/user_management/password_reset/confirm", map[string]any{"token": pr["password_reset_token"], "new_password": "x"}, bearerKey...)
	wantError(t, r, 400, "password_reset_error")
	if errs := r.json(t)["errors"].([]any); errs[0].(map[string]any)["code"] != "password_reset_token_previously_used" {
		t.Fatalf("%s", r.Body)
	}
}

func TestCORS(t *testing.T) {
	t.Parallel()
	srv, _ := emulator.New(emulator.Config{})
	h := srv.Handler()
	r := do(t, h, http.MethodOptions, "/user_management/authenticate", nil, "Origin", "http://localhost:5173",
		"Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "content-type")
	if r.Status != 204 || r.Header.Get("Access-Control-Allow-Origin") != "http://localhost:5173" ||
		r.Header.Get("Access-Control-Allow-Credentials") != "true" || r.Header.Get("Access-Control-Allow-Headers") != "content-type" {
		t.Fatalf("preflight %d %v", r.Status, r.Header)
	}
	r = do(t, h, http.MethodGet, "/oauth2/jwks", nil, "Origin", "https://evil.example")
	if r.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Fatal("foreign origin allowed")
	}
	listed, _ := emulator.New(emulator.Config{Fixtures: parse(t, "environment: {client_id: client_1, cors_origins: [https://app.example.com]}\n")})
	if got := do(t, listed.Handler(), http.MethodGet, "/oauth2/jwks", nil, "Origin", "https://app.example.com").Header.Get("Access-Control-Allow-Origin"); got != "https://app.example.com" {
		t.Fatalf("listed origin: %q", got)
	}
	if got := do(t, listed.Handler(), http.MethodGet, "/oauth2/jwks", nil, "Origin", "http://localhost:3000").Header.Get("Access-Control-Allow-Origin"); got != "" {
		t.Fatal("localhost allowed despite an explicit list")
	}
}
