package emulator_test

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/authkit-emulator/authkit-emulator/emulator"
)

// TestClientCredentialsWithRealClients gets a token with x/oauth2's
// clientcredentials, has go-oidc discover the issuer and verify it against
// the JWKS, and checks introspection before and after the clock passes exp.
func TestClientCredentialsWithRealClients(t *testing.T) {
	t.Parallel()
	ts := start(t, emulator.Config{Clock: t0})
	ctx := oidc.ClientContext(context.Background(), ts.hs.Client())
	ctx = context.WithValue(ctx, oauth2.HTTPClient, ts.hs.Client())

	provider, err := oidc.NewProvider(ctx, ts.URL)
	if err != nil {
		t.Fatalf("discovery: %v", err)
	}
	cfg := clientcredentials.Config{ClientID: m2mClientID, ClientSecret: m2mSecret,
		TokenURL: provider.Endpoint().TokenURL, Scopes: []string{"reports:read"}}
	tok, err := cfg.Token(ctx)
	if err != nil {
		t.Fatalf("client_credentials: %v", err)
	}
	if tok.TokenType != "bearer" || tok.Expiry.IsZero() {
		t.Fatalf("token type %q expiry %v", tok.TokenType, tok.Expiry)
	}
	verifier := provider.VerifierContext(ctx, &oidc.Config{ClientID: envClientID, Now: ts.Clock().Now})
	idt, err := verifier.Verify(ctx, tok.AccessToken)
	if err != nil {
		t.Fatalf("go-oidc rejects the access token: %v", err)
	}
	var claims struct {
		ClientID string `json:"client_id"`
		OrgID    string `json:"org_id"`
		Scope    string `json:"scope"`
		JTI      string `json:"jti"`
	}
	if err := idt.Claims(&claims); err != nil {
		t.Fatal(err)
	}
	if idt.Subject != m2mClientID || claims.ClientID != m2mClientID || claims.OrgID != acmeID || claims.Scope != "reports:read" || len(claims.JTI) != 26 {
		t.Fatalf("claims: sub %s %+v", idt.Subject, claims)
	}
	if got := idt.Expiry.Sub(idt.IssuedAt); got != 5*time.Minute {
		t.Fatalf("lifetime %v, want 5m", got)
	}

	in := introspect(t, ts.Handler(), m2mClientID, m2mSecret, tok.AccessToken)
	if in["active"] != true || in["token_type"] != "access_token" || in["sub"] != m2mClientID {
		t.Fatalf("introspection: %v", in)
	}
	ts.Clock().Advance(5 * time.Minute)
	if in := introspect(t, ts.Handler(), m2mClientID, m2mSecret, tok.AccessToken); len(in) != 1 || in["active"] != false {
		t.Fatalf("after exp: %v", in)
	}
	ts.Clock().Advance(time.Second) // go-oidc accepts a token at exactly exp
	if _, err := verifier.Verify(ctx, tok.AccessToken); err == nil {
		t.Fatal("go-oidc accepted an expired token")
	}
}

func TestClientCredentialsErrors(t *testing.T) {
	t.Parallel()
	ts := start(t, emulator.Config{Clock: t0})
	h := ts.Handler()
	tests := []struct {
		name   string
		id     string
		secret string
		extra  url.Values
		status int
		code   string
	}{
		{"wrong secret", m2mClientID, "nope", nil, 401, "invalid_client"},
		{"unknown client", "client_01JGHR9D6MBAZ75T49WTR2HFYZ", m2mSecret, nil, 401, "invalid_client"},
		{"scope outside the app's", m2mClientID, m2mSecret, url.Values{"scope": {"reports:read admin"}}, 400, "invalid_scope"},
		{"grant not allowed", oauthClientID, oauthSecret, nil, 400, "unauthorized_client"},
		{"public client has no secret", publicClient, "", nil, 400, "unauthorized_client"},
		{"environment client", envClientID, apiKey, nil, 400, "unauthorized_client"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantError(t, clientCredentials(t, h, tc.id, tc.secret, tc.extra), tc.status, tc.code)
		})
	}
	t.Run("unsupported grant", func(t *testing.T) {
		r := postForm(t, h, "/oauth2/token", url.Values{"grant_type": {"password"}, "client_id": {m2mClientID}, "client_secret": {m2mSecret}})
		wantError(t, r, 400, "unsupported_grant_type")
	})
	t.Run("missing grant", func(t *testing.T) {
		wantError(t, postForm(t, h, "/oauth2/token", url.Values{"client_id": {m2mClientID}}), 400, "invalid_request")
	})
	t.Run("basic auth", func(t *testing.T) {
		r := postForm(t, h, "/oauth2/token", url.Values{"grant_type": {"client_credentials"}},
			"Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(m2mClientID+":"+m2mSecret)))
		if r.Status != 200 {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
	})
	t.Run("basic auth failure names the scheme", func(t *testing.T) {
		r := postForm(t, h, "/oauth2/token", url.Values{"grant_type": {"client_credentials"}},
			"Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(m2mClientID+":wrong")))
		wantError(t, r, 401, "invalid_client")
		if !strings.HasPrefix(r.Header.Get("WWW-Authenticate"), "Basic") {
			t.Fatalf("WWW-Authenticate %q", r.Header.Get("WWW-Authenticate"))
		}
	})
	t.Run("repeated parameter", func(t *testing.T) {
		r := do(t, h, http.MethodPost, "/oauth2/token", strings.NewReader("grant_type=client_credentials&client_id=a&client_id=b"),
			"Content-Type", "application/x-www-form-urlencoded")
		wantError(t, r, 400, "invalid_request")
	})
	t.Run("JSON body", func(t *testing.T) {
		wantError(t, postJSON(t, h, "/oauth2/token", map[string]string{"grant_type": "client_credentials"}), 415, "invalid_request")
	})
}

// TestConnectRefreshRotation refreshes a Connect grant with x/oauth2: the
// new refresh token works once, the old one is invalid_grant and
// introspects inactive, and sid stays the same.
func TestConnectRefreshRotation(t *testing.T) {
	t.Parallel()
	ts := start(t, emulator.Config{Clock: t0})
	h := ts.Handler()
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, ts.hs.Client())
	res, err := ts.Mint(ctx, emulator.MintRequest{UserID: aliceID, ClientID: oauthClientID, Family: emulator.FamilyConnect, OrganizationID: acmeID})
	if err != nil {
		t.Fatal(err)
	}
	conf := &oauth2.Config{ClientID: oauthClientID, ClientSecret: oauthSecret,
		Endpoint: oauth2.Endpoint{TokenURL: ts.URL + "/oauth2/token", AuthStyle: oauth2.AuthStyleInParams}}
	old := &oauth2.Token{AccessToken: res.AccessToken, RefreshToken: res.RefreshToken, Expiry: time.Now().Add(-time.Hour)}
	fresh, err := conf.TokenSource(ctx, old).Token()
	if err != nil {
		t.Fatalf("refresh: %v", err)
	}
	if fresh.RefreshToken == "" || fresh.RefreshToken == res.RefreshToken || fresh.AccessToken == res.AccessToken {
		t.Fatalf("refresh did not rotate: %+v", fresh)
	}
	in := introspect(t, h, oauthClientID, oauthSecret, fresh.AccessToken)
	if in["sid"] != res.SessionID || in["org_id"] != acmeID {
		t.Fatalf("sid/org changed: %v", in)
	}
	if in := introspect(t, h, oauthClientID, oauthSecret, res.RefreshToken); in["active"] != false {
		t.Fatalf("rotated-away refresh token is active: %v", in)
	}
	if in := introspect(t, h, oauthClientID, oauthSecret, fresh.RefreshToken); in["active"] != true || in["token_type"] != "refresh_token" {
		t.Fatalf("new refresh token: %v", in)
	}
	if _, err := conf.TokenSource(ctx, old).Token(); err == nil {
		t.Fatal("reusing the rotated refresh token succeeded")
	} else if re, ok := err.(*oauth2.RetrieveError); !ok || re.ErrorCode != "invalid_grant" {
		t.Fatalf("reuse: %v", err)
	}
	// the client that does not own the grant cannot refresh it
	r := postForm(t, h, "/oauth2/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {fresh.RefreshToken},
		"client_id": {publicClient}})
	wantError(t, r, 400, "invalid_grant")
	// a User Management refresh token is not refreshed here
	r = postForm(t, h, "/oauth2/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {aliceRefresh},
		"client_id": {oauthClientID}, "client_secret": {oauthSecret}})
	wantError(t, r, 400, "invalid_grant")
}

// TestFixtureSessionStatuses loads revoked and expired sessions: their tokens
// introspect inactive and their refresh tokens are invalid_grant.
func TestFixtureSessionStatuses(t *testing.T) {
	t.Parallel()
	set := parse(t, `
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
	srv, err := emulator.New(emulator.Config{Fixtures: set})
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
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
				if got := introspect(t, h, "client_01JP8BD0CZ401TDF9X54NT5ZEK", "s3cret", tok)["active"]; got != tc.active {
					t.Fatalf("active = %v, want %v", got, tc.active)
				}
			}
			r := postForm(t, h, "/oauth2/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tc.refresh},
				"client_id": {"client_01JP8BD0CZ401TDF9X54NT5ZEK"}, "client_secret": {"s3cret"}})
			if tc.active && r.Status != 200 {
				t.Fatalf("refresh: %d %s", r.Status, r.Body)
			}
			if !tc.active {
				wantError(t, r, 400, "invalid_grant")
			}
		})
	}
}
