package emulator_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/authkit-emulator/authkit-emulator/emulator"
)

const appCallback = "http://localhost:3000/callback"

// TestUserManagementCodeFlowWithOAuth2: x/oauth2 builds the authorization
// URL (with PKCE), the headless login redirects straight back with a code,
// x/oauth2 exchanges it at /user_management/authenticate, and go-oidc
// verifies the access token against the client's JWKS.
func TestUserManagementCodeFlowWithOAuth2(t *testing.T) {
	t.Parallel()
	ts := start(t, emulator.Config{Clock: t0})
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, ts.hs.Client())
	conf := &oauth2.Config{ClientID: envClientID, RedirectURL: appCallback,
		Endpoint: oauth2.Endpoint{AuthURL: ts.URL + "/user_management/authorize", TokenURL: ts.URL + "/user_management/authenticate",
			AuthStyle: oauth2.AuthStyleInParams}}
	verifier := oauth2.GenerateVerifier()
	authURL := conf.AuthCodeURL("st4te", oauth2.S256ChallengeOption(verifier),
		oauth2.SetAuthURLParam("provider", "authkit"), oauth2.SetAuthURLParam("login_hint", "alice@example.com"),
		oauth2.SetAuthURLParam("auto_login", "true"))
	cb := callbackParams(t, newBrowser(t, ts.Handler(), appCallback).visit(authURL))
	if cb.Get("state") != "st4te" || cb.Get("code") == "" {
		t.Fatalf("callback %v", cb)
	}
	tok, err := conf.Exchange(ctx, cb.Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatalf("exchange: %v", err)
	}
	if tok.RefreshToken == "" || tok.Extra("organization_id") != acmeID {
		t.Fatalf("token %+v", tok)
	}
	keys := oidc.NewRemoteKeySet(oidc.ClientContext(ctx, ts.hs.Client()), ts.URL+"/sso/jwks/"+envClientID)
	v := oidc.NewVerifier(ts.UserManagementIssuer(), keys, &oidc.Config{SkipClientIDCheck: true, Now: ts.Clock().Now})
	idt, err := v.Verify(ctx, tok.AccessToken)
	if err != nil || idt.Subject != aliceID {
		t.Fatalf("verify: %v %v", err, idt)
	}
	// refresh through x/oauth2's token source
	tok.Expiry = t0.Add(-1)
	fresh, err := conf.TokenSource(ctx, tok).Token()
	if err != nil || fresh.RefreshToken == tok.RefreshToken {
		t.Fatalf("refresh: %v", err)
	}
	// the code was single use, and PKCE is enforced
	if _, err := conf.Exchange(ctx, cb.Get("code"), oauth2.VerifierOption(verifier)); err == nil {
		t.Fatal("code reuse succeeded")
	}
	cb = callbackParams(t, newBrowser(t, ts.Handler(), appCallback).visit(authURL))
	if _, err := conf.Exchange(ctx, cb.Get("code"), oauth2.VerifierOption(oauth2.GenerateVerifier())); err == nil {
		t.Fatal("wrong verifier accepted")
	}
}

// TestConnectCodeFlowWithOIDC: an ordinary OIDC client (x/oauth2 +
// go-oidc discovery) completes a login against /oauth2/authorize, verifies
// the ID token (nonce included), calls userinfo and refreshes.
func TestConnectCodeFlowWithOIDC(t *testing.T) {
	t.Parallel()
	ts := start(t, emulator.Config{Clock: t0})
	ctx := oidc.ClientContext(context.Background(), ts.hs.Client())
	provider, err := oidc.NewProvider(ctx, ts.URL)
	if err != nil {
		t.Fatal(err)
	}
	conf := &oauth2.Config{ClientID: oauthClientID, ClientSecret: oauthSecret, RedirectURL: appCallback, Endpoint: provider.Endpoint(),
		Scopes: []string{oidc.ScopeOpenID, "profile", "email", oidc.ScopeOfflineAccess}}
	verifier := oauth2.GenerateVerifier()
	authURL := conf.AuthCodeURL("s", oauth2.S256ChallengeOption(verifier), oidc.Nonce("n0nce"))

	// interactive: the login page, then Bob's organization picker
	b := newBrowser(t, ts.Handler(), appCallback)
	if cb := b.visit(authURL); cb != "" {
		t.Fatalf("skipped the login page: %s", cb)
	}
	b.expectPage("Sign in")
	b.submit("action", "password", "email", "bob@example.com", "password", "wrong")
	b.expectPage("Incorrect email or password.")
	b.submit("action", "password", "email", "bob@example.com", "password", "builder")
	b.expectPage("Choose an organization")
	cb := callbackParams(t, b.submit("action", "organization", "organization_id", globexID))

	tok, err := conf.Exchange(ctx, cb.Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatalf("exchange: %v", err)
	}
	rawID, _ := tok.Extra("id_token").(string)
	idt, err := provider.VerifierContext(ctx, &oidc.Config{ClientID: oauthClientID, Now: ts.Clock().Now}).Verify(ctx, rawID)
	if err != nil {
		t.Fatalf("id_token: %v", err)
	}
	var claims struct {
		Email string `json:"email"`
		Name  string `json:"name"`
		Org   string `json:"org_id"`
	}
	_ = idt.Claims(&claims)
	if idt.Nonce != "n0nce" || idt.Subject != bobID || claims.Email != "bob@example.com" || claims.Name != "Bob Member" || claims.Org != globexID {
		t.Fatalf("id token %+v %+v", idt, claims)
	}
	at, err := provider.VerifierContext(ctx, &oidc.Config{ClientID: envClientID, Now: ts.Clock().Now}).Verify(ctx, tok.AccessToken)
	if err != nil {
		t.Fatalf("access token: %v", err)
	}
	var ac map[string]any
	_ = at.Claims(&ac)
	if ac["client_id"] != oauthClientID || ac["org_id"] != globexID || !strings.HasPrefix(ac["sid"].(string), "app_consent_") {
		t.Fatalf("access claims %v", ac)
	}
	ui, err := provider.UserInfo(ctx, oauth2.StaticTokenSource(tok))
	if err != nil || ui.Email != "bob@example.com" || ui.Subject != bobID {
		t.Fatalf("userinfo: %v %+v", err, ui)
	}
	tok.Expiry = t0.Add(-1)
	fresh, err := conf.TokenSource(ctx, tok).Token()
	if err != nil || fresh.Extra("id_token") == nil || fresh.RefreshToken == tok.RefreshToken {
		t.Fatalf("refresh: %v", err)
	}
	if in := introspect(t, ts.Handler(), oauthClientID, oauthSecret, fresh.AccessToken); in["sid"] != ac["sid"] {
		t.Fatalf("sid changed on refresh: %v", in)
	}
}

func TestAuthorizeValidation(t *testing.T) {
	t.Parallel()
	srv, _ := emulator.New(emulator.Config{Clock: t0})
	h := srv.Handler()
	base := url.Values{"client_id": {envClientID}, "redirect_uri": {appCallback}, "response_type": {"code"}, "provider": {"authkit"}, "state": {"s"}}
	with := func(kv ...string) string {
		q := url.Values{}
		for k, v := range base {
			q[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i+1] == "" {
				q.Del(kv[i])
			} else {
				q.Set(kv[i], kv[i+1])
			}
		}
		return "/user_management/authorize?" + q.Encode()
	}
	// without a valid client and redirect URI there is nowhere to redirect
	wantError(t, do(t, h, http.MethodGet, with("client_id", "client_nope"), nil), 400, "invalid_client")
	wantError(t, do(t, h, http.MethodGet, with("redirect_uri", "https://evil.example/cb"), nil), 400, "invalid_request")
	wantError(t, do(t, h, http.MethodGet, with("redirect_uri", ""), nil), 400, "invalid_request")
	for name, tc := range map[string]struct{ query, code string }{
		"response type":   {with("response_type", "token"), "unsupported_response_type"},
		"other provider":  {with("provider", "GoogleOAuth"), "invalid_request"},
		"no provider":     {with("provider", ""), "invalid_request"},
		"plain PKCE":      {with("code_challenge", strings.Repeat("a", 43), "code_challenge_method", "plain"), "invalid_request"},
		"screen hint":     {with("screen_hint", "maybe"), "invalid_request"},
		"unknown org":     {with("organization_id", "org_01JGJ5PDQQYSQW43DAPDSPEJEZ"), "organization_invalid"},
		"connection":      {with("connection_id", "conn_123"), "connection_invalid"},
		"prompt none":     {with("prompt", "none"), "login_required"},
		"org not members": {with("organization_id", globexID, "login_hint", "alice@example.com", "auto_login", "true"), "organization_invalid"},
	} {
		t.Run(name, func(t *testing.T) {
			r := do(t, h, http.MethodGet, tc.query, nil)
			if r.Status != http.StatusFound {
				t.Fatalf("%d %s", r.Status, r.Body)
			}
			loc, _ := url.Parse(r.Header.Get("Location"))
			if !strings.HasPrefix(loc.String(), appCallback) || loc.Query().Get("error") != tc.code || loc.Query().Get("state") != "s" || loc.Query().Get("error_description") == "" {
				t.Fatalf("redirect %s", loc)
			}
		})
	}
	// wildcard redirect URIs: localhost on any port
	if r := do(t, h, http.MethodGet, with("redirect_uri", "http://localhost:5173/callback"), nil); r.Status != 302 || !strings.HasPrefix(r.Header.Get("Location"), emulator.DefaultPublicURL+"/authkit/login?flow=") {
		t.Fatalf("wildcard port: %d %s", r.Status, r.Header.Get("Location"))
	}
	if r := do(t, h, http.MethodGet, with("redirect_uri", "http://localhost:5173/other"), nil); r.Status != 400 {
		t.Fatalf("wildcard must not match another path: %d", r.Status)
	}
}

// TestHostedPages covers the page steps: sign-up with e-mail verification,
// magic code, one-click continue, consent for a third-party app.
func TestHostedPages(t *testing.T) {
	t.Parallel()
	srv, _ := emulator.New(emulator.Config{Clock: t0, Fixtures: parse(t, `
environment:
  client_id: client_123
  redirect_uris: [`+appCallback+`]
applications:
  - {client_id: client_01JGH0H56WFYWEDS7QGWCX2YT4, client_secret: s, third_party: true, name: Partner, redirect_uris: [`+appCallback+`], scopes: [openid, email]}
users:
  - {id: `+aliceID+`, email: alice@example.com, email_verified: true, first_name: Alice}
`)})
	h := srv.Handler()
	authz := "/user_management/authorize?client_id=client_123&response_type=code&provider=authkit&redirect_uri=" + url.QueryEscape(appCallback)

	t.Run("sign-up with e-mail verification", func(t *testing.T) {
		b := newBrowser(t, h, appCallback)
		b.visit(authz + "&screen_hint=sign-up")
		b.expectPage("Create an account")
		b.submit("action", "signup", "email", "zoe@example.com", "password", "pw", "first_name", "Zoe", "last_name", "Z")
		b.expectPage("Verify your email")
		code := srv.Codes("zoe@example.com", emulator.KindEmailVerification)[0].Code
		b.submit("action", "verify_email", "code", "999999"+code)
		b.expectPage("The code is invalid.")
		cb := callbackParams(t, b.submit("action", "verify_email", "code", code))
		out := signedIn(t, postJSON(t, h, "/user_management/authenticate", map[string]any{"grant_type": "authorization_code",
			"client_id": "client_123", "client_secret": apiKey, "code": cb.Get("code")}))
		u := out["user"].(map[string]any)
		if u["email"] != "zoe@example.com" || u["first_name"] != "Zoe" || u["email_verified"] != true {
			t.Fatalf("user %v", u)
		}
	})
	t.Run("magic code", func(t *testing.T) {
		b := newBrowser(t, h, appCallback)
		b.visit(authz)
		b.submit("action", "magic_send", "email", "alice@example.com")
		b.expectPage("Check your email")
		code := srv.Codes("alice@example.com", emulator.KindMagicAuth)[0].Code
		cb := callbackParams(t, b.submit("action", "magic_verify", "code", code))
		out := signedIn(t, postJSON(t, h, "/user_management/authenticate", map[string]any{"grant_type": "authorization_code",
			"client_id": "client_123", "client_secret": apiKey, "code": cb.Get("code")}))
		if out["authentication_method"] != "MagicAuth" {
			t.Fatalf("%v", out)
		}
	})
	t.Run("continue as and consent", func(t *testing.T) {
		b := newBrowser(t, h, appCallback)
		b.visit("/oauth2/authorize?client_id=client_01JGH0H56WFYWEDS7QGWCX2YT4&response_type=code&scope=openid+email&state=z&redirect_uri=" + url.QueryEscape(appCallback))
		b.expectPage("Alice &lt;alice@example.com&gt;")
		b.submit("action", "continue", "user_id", aliceID)
		b.expectPage("Authorize Partner")
		cb := callbackParams(t, b.submit("action", "consent", "decision", "deny"))
		if cb.Get("error") != "access_denied" || cb.Get("state") != "z" {
			t.Fatalf("deny: %v", cb)
		}
	})
	t.Run("expired flow", func(t *testing.T) {
		wantError(t, do(t, h, http.MethodGet, "/authkit/login?flow=nope", nil), 400, "invalid_request")
	})
}
