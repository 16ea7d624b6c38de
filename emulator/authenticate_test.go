package emulator_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/authkit-emulator/authkit-emulator/emulator"
)

// authn posts a JSON body to /user_management/authenticate, adding the
// environment client id and (unless "client_secret" is given as "") the
// API key.
func authn(t testing.TB, h http.Handler, body map[string]any) response {
	t.Helper()
	if _, ok := body["client_id"]; !ok {
		body["client_id"] = envClientID
	}
	if s, ok := body["client_secret"]; !ok {
		body["client_secret"] = apiKey
	} else if s == "" {
		delete(body, "client_secret")
	}
	return postJSON(t, h, "/user_management/authenticate", body)
}

func signedIn(t testing.TB, r response) map[string]any {
	t.Helper()
	if r.Status != 200 {
		t.Fatalf("authenticate: %d %s", r.Status, r.Body)
	}
	m := r.json(t)
	for _, k := range []string{"user", "access_token", "refresh_token"} {
		if m[k] == nil {
			t.Fatalf("response lacks %s: %s", k, r.Body)
		}
	}
	return m
}

func TestPasswordGrant(t *testing.T) {
	t.Parallel()
	srv, _ := emulator.New(emulator.Config{Clock: t0})
	h := srv.Handler()
	m := signedIn(t, authn(t, h, map[string]any{"grant_type": "password", "email": "alice@example.com", "password": "wonderland"}))
	if m["organization_id"] != acmeID || m["authentication_method"] != "Password" || m["user"].(map[string]any)["id"] != aliceID {
		t.Fatalf("%v", m)
	}
	claims := decodeClaims(t, m["access_token"].(string))
	if claims["org_id"] != acmeID || claims["role"] != "admin" || !strings.HasPrefix(claims["sid"].(string), "session_") {
		t.Fatalf("claims %v", claims)
	}
	if u, _ := srv.User(aliceID); u.LastSignInAt == nil || *u.LastSignInAt != "2026-01-15T12:00:00.000Z" {
		t.Fatalf("last_sign_in_at %v", u.LastSignInAt)
	}
	wantError(t, authn(t, h, map[string]any{"grant_type": "password", "email": "alice@example.com", "password": "nope"}), 400, "invalid_credentials")
	wantError(t, authn(t, h, map[string]any{"grant_type": "password", "email": "nobody@example.com", "password": "x"}), 400, "invalid_credentials")
	wantError(t, authn(t, h, map[string]any{"grant_type": "password", "email": "alice@example.com", "password": "wonderland", "client_secret": ""}), 400, "invalid_client")
	wantError(t, authn(t, h, map[string]any{"grant_type": "password", "email": "alice@example.com", "password": "wonderland", "client_secret": "sk_wrong"}), 400, "invalid_client")
	wantError(t, authn(t, h, map[string]any{"grant_type": "password", "email": "alice@example.com", "password": "wonderland", "client_id": oauthClientID}), 400, "invalid_client")
	wantError(t, authn(t, h, map[string]any{"grant_type": "password", "email": "alice@example.com"}), 400, "invalid_request")
	wantError(t, authn(t, h, map[string]any{"grant_type": "nope"}), 400, "unsupported_grant_type")
	// the API key may come as a Bearer header instead (Node and Go v10 send both)
	r := postJSON(t, h, "/user_management/authenticate", map[string]any{"grant_type": "password", "client_id": envClientID,
		"email": "alice@example.com", "password": "wonderland"}, "Authorization", "Bearer "+apiKey)
	signedIn(t, r)
	// forms work too
	r = postForm(t, h, "/user_management/authenticate", url.Values{"grant_type": {"password"}, "client_id": {envClientID},
		"client_secret": {apiKey}, "email": {"alice@example.com"}, "password": {"wonderland"}})
	signedIn(t, r)
}

// TestInterruptions walks the 403 flows: e-mail verification (Carol),
// organization selection (Bob), MFA challenge and enrollment.
func TestInterruptions(t *testing.T) {
	t.Parallel()
	srv, _ := emulator.New(emulator.Config{Clock: t0})
	h := srv.Handler()

	t.Run("email verification", func(t *testing.T) {
		r := authn(t, h, map[string]any{"grant_type": "password", "email": "carol@example.com", "password": "unverified"})
		wantError(t, r, 403, "email_verification_required")
		m := r.json(t)
		pending := m["pending_authentication_token"].(string)
		codes := srv.Codes("carol@example.com", emulator.KindEmailVerification)
		if len(codes) != 1 || codes[0].ID != m["email_verification_id"] || m["email"] != "carol@example.com" {
			t.Fatalf("outbox %+v, body %v", codes, m)
		}
		grant := map[string]any{"grant_type": "urn:workos:oauth:grant-type:email-verification:code", "pending_authentication_token": pending}
		grant["code"] = "000000"
		if codes[0].Code == "000000" {
			grant["code"] = "111111"
		}
		wantError(t, authn(t, h, grant), 400, "invalid_one_time_code")
		grant["code"] = codes[0].Code
		out := signedIn(t, authn(t, h, grant))
		if out["user"].(map[string]any)["email_verified"] != true {
			t.Fatalf("e-mail not verified: %v", out["user"])
		}
		wantError(t, authn(t, h, grant), 400, "invalid_pending_authentication_token")
	})

	t.Run("organization selection", func(t *testing.T) {
		r := authn(t, h, map[string]any{"grant_type": "password", "email": "bob@example.com", "password": "builder"})
		wantError(t, r, 403, "organization_selection_required")
		m := r.json(t)
		if orgs := m["organizations"].([]any); len(orgs) != 2 {
			t.Fatalf("organizations %v", orgs)
		}
		grant := map[string]any{"grant_type": "urn:workos:oauth:grant-type:organization-selection", "pending_authentication_token": m["pending_authentication_token"]}
		grant["organization_id"] = "org_01JGHYEQJ3R88ZXE6V4AJ192KZ"
		wantError(t, authn(t, h, grant), 400, "invalid_organization_id")
		grant["organization_id"] = globexID
		out := signedIn(t, authn(t, h, grant))
		if out["organization_id"] != globexID || decodeClaims(t, out["access_token"].(string))["role"] != "member" {
			t.Fatalf("%v", out)
		}
	})

	t.Run("mfa challenge", func(t *testing.T) {
		const secret = "JBSWY3DPEHPK3PXP"
		mfa, _ := emulator.New(emulator.Config{Clock: t0, Fixtures: parse(t, `
environment: {client_id: client_123}
users: [{email: mfa@example.com, email_verified: true, password: pw, totp_secret: `+secret+`}]
`)})
		mh := mfa.Handler()
		r := postJSON(t, mh, "/user_management/authenticate", map[string]any{"grant_type": "password", "client_id": "client_123",
			"client_secret": apiKey, "email": "mfa@example.com", "password": "pw"})
		wantError(t, r, 403, "mfa_challenge")
		m := r.json(t)
		factor := m["authentication_factors"].([]any)[0].(map[string]any)
		ch := do(t, mh, http.MethodPost, "/auth/factors/"+factor["id"].(string)+"/challenge", nil, "Authorization", "Bearer "+apiKey)
		if ch.Status != 201 {
			t.Fatalf("challenge: %d %s", ch.Status, ch.Body)
		}
		code, _ := totp.GenerateCode(secret, mfa.Clock().Now())
		out := postJSON(t, mh, "/user_management/authenticate", map[string]any{"grant_type": "urn:workos:oauth:grant-type:mfa-totp",
			"client_id": "client_123", "client_secret": apiKey, "pending_authentication_token": m["pending_authentication_token"],
			"authentication_challenge_id": ch.json(t)["id"], "code": code})
		signedIn(t, out)
	})

	t.Run("mfa enrollment", func(t *testing.T) {
		req, _ := emulator.New(emulator.Config{Clock: t0, Fixtures: parse(t, `
environment: {client_id: client_123, require_mfa: true}
users: [{id: user_01JGH00N0CRRAQG5E1V2EYRQ68, email: new@example.com, email_verified: true, password: pw}]
`)})
		rh := req.Handler()
		r := postJSON(t, rh, "/user_management/authenticate", map[string]any{"grant_type": "password", "client_id": "client_123",
			"client_secret": apiKey, "email": "new@example.com", "password": "pw"})
		wantError(t, r, 403, "mfa_enrollment")
		enr := postJSON(t, rh, "/user_management/users/"+aliceID+"/auth_factors", map[string]any{"type": "totp"}, "Authorization", "Bearer "+apiKey)
		if enr.Status != 201 {
			t.Fatalf("enroll: %d %s", enr.Status, enr.Body)
		}
		e := enr.json(t)
		secret := e["authentication_factor"].(map[string]any)["totp"].(map[string]any)["secret"].(string)
		code, _ := totp.GenerateCode(secret, req.Clock().Now())
		signedIn(t, postJSON(t, rh, "/user_management/authenticate", map[string]any{"grant_type": "urn:workos:oauth:grant-type:mfa-totp",
			"client_id": "client_123", "client_secret": apiKey, "pending_authentication_token": r.json(t)["pending_authentication_token"],
			"authentication_challenge_id": e["authentication_challenge"].(map[string]any)["id"], "code": code}))
	})
}

func TestMagicAuth(t *testing.T) {
	t.Parallel()
	srv, _ := emulator.New(emulator.Config{Clock: t0})
	h := srv.Handler()
	key := []string{"Authorization", "Bearer " + apiKey}
	r := postJSON(t, h, "/user_management/magic_auth", map[string]any{"email": "newcomer@example.com"}, key...)
	if r.Status != 201 {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	ma := r.json(t)
	if len(ma["code"].(string)) != 6 || ma["expires_at"] != "2026-01-15T12:10:00.000Z" || !strings.HasPrefix(ma["id"].(string), "magic_auth_") {
		t.Fatalf("%v", ma)
	}
	if got := do(t, h, http.MethodGet, "/user_management/magic_auth/"+ma["id"].(string), nil, key...).json(t); got["code"] != ma["code"] {
		t.Fatalf("get magic auth: %v", got)
	}
	grant := map[string]any{"grant_type": "urn:workos:oauth:grant-type:magic-auth:code", "email": "newcomer@example.com", "code": ma["code"]}
	out := signedIn(t, authn(t, h, grant))
	if out["authentication_method"] != "MagicAuth" || out["user"].(map[string]any)["email_verified"] != true {
		t.Fatalf("%v", out)
	}
	wantError(t, authn(t, h, grant), 400, "one_time_code_previously_used")
	// expiry by the instance clock
	r = postJSON(t, h, "/user_management/magic_auth", map[string]any{"email": "alice@example.com"}, key...)
	grant = map[string]any{"grant_type": "urn:workos:oauth:grant-type:magic-auth:code", "email": "alice@example.com", "code": r.json(t)["code"]}
	srv.Clock().Advance(10 * time.Minute)
	wantError(t, authn(t, h, grant), 400, "one_time_code_expired")
	wantError(t, postJSON(t, h, "/user_management/magic_auth", map[string]any{"email": "not-an-email"}, key...), 422, "invalid_request_parameters")
	wantError(t, postJSON(t, h, "/user_management/magic_auth", map[string]any{"email": "a@example.com"}), 401, "unauthorized")
}

// TestRefreshGrant: rotation, single use, organization switch re-deriving
// the role claims, and the user in the response.
func TestRefreshGrant(t *testing.T) {
	t.Parallel()
	srv, _ := emulator.New(emulator.Config{Clock: t0})
	h := srv.Handler()
	grant := func(refresh, org string) response {
		body := map[string]any{"grant_type": "refresh_token", "refresh_token": refresh, "client_secret": ""}
		if org != "" {
			body["organization_id"] = org
		}
		return authn(t, h, body)
	}
	first := signedIn(t, grant(aliceRefresh, ""))
	if first["organization_id"] != acmeID || first["refresh_token"] == aliceRefresh {
		t.Fatalf("%v", first)
	}
	wantError(t, grant(aliceRefresh, ""), 400, "invalid_grant")
	if in := introspect(t, h, envClientID, apiKey, aliceRefresh); in["active"] != false {
		t.Fatal("reused refresh token is active")
	}
	// Alice has no Globex membership: the switch fails and costs nothing
	wantError(t, grant(first["refresh_token"].(string), globexID), 400, "organization_membership_not_found")
	wantError(t, grant(first["refresh_token"].(string), "org_01JGHYEQJ3R88ZXE6V4AJ192KZ"), 400, "organization_not_found")
	second := signedIn(t, grant(first["refresh_token"].(string), ""))
	sid := decodeClaims(t, second["access_token"].(string))["sid"]
	if sid != aliceSession {
		t.Fatalf("sid changed: %v", sid)
	}
}

// TestConcurrentRefresh: of many parallel refreshes of one token, exactly
// one wins; the session stays consistent.
func TestConcurrentRefresh(t *testing.T) {
	t.Parallel()
	srv, _ := emulator.New(emulator.Config{Clock: t0})
	h := srv.Handler()
	const n = 32
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins, grants := 0, 0
	var winner string
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := authn(t, h, map[string]any{"grant_type": "refresh_token", "refresh_token": aliceRefresh, "client_secret": ""})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case r.Status == 200:
				wins++
				winner = r.json(t)["refresh_token"].(string)
			case r.Status == 400 && r.json(t)["error"] == "invalid_grant":
				grants++
			}
		}()
	}
	wg.Wait()
	if wins != 1 || grants != n-1 {
		t.Fatalf("%d wins, %d invalid_grant", wins, grants)
	}
	s, _ := srv.Session(aliceSession)
	if s.RefreshToken != winner || s.Status != "active" {
		t.Fatalf("session %+v, winner %s", s, winner)
	}
}

func TestOrganizationSwitchOnRefresh(t *testing.T) {
	t.Parallel()
	srv, _ := emulator.New(emulator.Config{Clock: t0})
	h := srv.Handler()
	res, err := srv.Mint(context.Background(), emulator.MintRequest{UserID: bobID, OrganizationID: acmeID})
	if err != nil {
		t.Fatal(err)
	}
	out := signedIn(t, authn(t, h, map[string]any{"grant_type": "refresh_token", "refresh_token": res.RefreshToken, "organization_id": globexID}))
	c := decodeClaims(t, out["access_token"].(string))
	if out["organization_id"] != globexID || c["org_id"] != globexID || c["sid"] != res.SessionID || c["role"] != "member" {
		t.Fatalf("switch: %v %v", out["organization_id"], c)
	}
	s, _ := srv.Session(res.SessionID)
	if s.OrganizationID == nil || *s.OrganizationID != globexID {
		t.Fatalf("session org %v", s.OrganizationID)
	}
}
