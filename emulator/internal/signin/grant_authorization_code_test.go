package signin_test

import (
	"context"
	"strings"
	"testing"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// TestUserManagementCodeFlowWithOAuth2: x/oauth2 builds the authorization
// URL (with PKCE), the headless login redirects straight back with a code,
// x/oauth2 exchanges it at /user_management/authenticate, and go-oidc
// verifies the access token against the client's JWKS.
func TestUserManagementCodeFlowWithOAuth2(t *testing.T) {
	t.Parallel()
	ts := emutest.Start(t, emulator.Config{Clock: emutest.T0})
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, ts.Client)
	conf := &oauth2.Config{ClientID: emutest.EnvClientID, RedirectURL: emutest.AppCallback,
		Endpoint: oauth2.Endpoint{AuthURL: ts.URL + "/user_management/authorize", TokenURL: ts.URL + "/user_management/authenticate",
			AuthStyle: oauth2.AuthStyleInParams}}
	verifier := oauth2.GenerateVerifier()
	authURL := conf.AuthCodeURL("st4te", oauth2.S256ChallengeOption(verifier),
		oauth2.SetAuthURLParam("provider", "authkit"), oauth2.SetAuthURLParam("login_hint", "alice@example.com"),
		oauth2.SetAuthURLParam("auto_login", "true"))
	cb := emutest.CallbackParams(t, emutest.NewBrowser(t, ts, emutest.AppCallback).Visit(authURL))
	if cb.Get("state") != "st4te" || cb.Get("code") == "" {
		t.Fatalf("callback %v", cb)
	}
	tok, err := conf.Exchange(ctx, cb.Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatalf("exchange: %v", err)
	}
	if tok.RefreshToken == "" || tok.Extra("organization_id") != emutest.AcmeID {
		t.Fatalf("token %+v", tok)
	}
	keys := oidc.NewRemoteKeySet(oidc.ClientContext(ctx, ts.Client), ts.URL+"/sso/jwks/"+emutest.EnvClientID)
	v := oidc.NewVerifier(ts.UserManagementIssuer(), keys, &oidc.Config{SkipClientIDCheck: true, Now: ts.Clock().Now})
	idt, err := v.Verify(ctx, tok.AccessToken)
	if err != nil || idt.Subject != emutest.AliceID {
		t.Fatalf("verify: %v %v", err, idt)
	}
	// refresh through x/oauth2's token source
	tok.Expiry = emutest.T0.Add(-1)
	fresh, err := conf.TokenSource(ctx, tok).Token()
	if err != nil || fresh.RefreshToken == tok.RefreshToken {
		t.Fatalf("refresh: %v", err)
	}
	// the code was single use, and PKCE is enforced
	if _, err := conf.Exchange(ctx, cb.Get("code"), oauth2.VerifierOption(verifier)); err == nil {
		t.Fatal("code reuse succeeded")
	}
	cb = emutest.CallbackParams(t, emutest.NewBrowser(t, ts, emutest.AppCallback).Visit(authURL))
	if _, err := conf.Exchange(ctx, cb.Get("code"), oauth2.VerifierOption(oauth2.GenerateVerifier())); err == nil {
		t.Fatal("wrong verifier accepted")
	}
}

// TestConnectCodeFlowWithOIDC: an ordinary OIDC client (x/oauth2 +
// go-oidc discovery) completes a login against /oauth2/authorize, verifies
// the ID token (nonce included), calls userinfo and refreshes.
func TestConnectCodeFlowWithOIDC(t *testing.T) {
	t.Parallel()
	ts := emutest.Start(t, emulator.Config{Clock: emutest.T0})
	ctx := oidc.ClientContext(context.Background(), ts.Client)
	provider, err := oidc.NewProvider(ctx, ts.URL)
	if err != nil {
		t.Fatal(err)
	}
	conf := &oauth2.Config{ClientID: emutest.OAuthClientID, ClientSecret: emutest.OAuthSecret, RedirectURL: emutest.AppCallback, Endpoint: provider.Endpoint(),
		Scopes: []string{oidc.ScopeOpenID, "profile", "email", oidc.ScopeOfflineAccess}}
	verifier := oauth2.GenerateVerifier()
	authURL := conf.AuthCodeURL("s", oauth2.S256ChallengeOption(verifier), oidc.Nonce("n0nce"))

	// interactive: the login page, then Bob's organization picker
	b := emutest.NewBrowser(t, ts, emutest.AppCallback)
	if cb := b.Visit(authURL); cb != "" {
		t.Fatalf("skipped the login page: %s", cb)
	}
	b.ExpectPage("Sign in")
	b.Submit("action", "password", "email", "bob@example.com", "password", "wrong")
	b.ExpectPage("Incorrect email or password.")
	b.Submit("action", "password", "email", "bob@example.com", "password", "builder")
	b.ExpectPage("Choose an organization")
	cb := emutest.CallbackParams(t, b.Submit("action", "organization", "organization_id", emutest.GlobexID))

	tok, err := conf.Exchange(ctx, cb.Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatalf("exchange: %v", err)
	}
	rawID, _ := tok.Extra("id_token").(string)
	idt, err := provider.VerifierContext(ctx, &oidc.Config{ClientID: emutest.OAuthClientID, Now: ts.Clock().Now}).Verify(ctx, rawID)
	if err != nil {
		t.Fatalf("id_token: %v", err)
	}
	var claims struct {
		Email string `json:"email"`
		Name  string `json:"name"`
		Org   string `json:"org_id"`
	}
	_ = idt.Claims(&claims)
	if idt.Nonce != "n0nce" || idt.Subject != emutest.BobID || claims.Email != "bob@example.com" || claims.Name != "Bob Member" || claims.Org != emutest.GlobexID {
		t.Fatalf("id token %+v %+v", idt, claims)
	}
	at, err := provider.VerifierContext(ctx, &oidc.Config{ClientID: emutest.EnvClientID, Now: ts.Clock().Now}).Verify(ctx, tok.AccessToken)
	if err != nil {
		t.Fatalf("access token: %v", err)
	}
	var ac map[string]any
	_ = at.Claims(&ac)
	if ac["client_id"] != emutest.OAuthClientID || ac["org_id"] != emutest.GlobexID || !strings.HasPrefix(ac["sid"].(string), "app_consent_") {
		t.Fatalf("access claims %v", ac)
	}
	ui, err := provider.UserInfo(ctx, oauth2.StaticTokenSource(tok))
	if err != nil || ui.Email != "bob@example.com" || ui.Subject != emutest.BobID {
		t.Fatalf("userinfo: %v %+v", err, ui)
	}
	tok.Expiry = emutest.T0.Add(-1)
	fresh, err := conf.TokenSource(ctx, tok).Token()
	if err != nil || fresh.Extra("id_token") == nil || fresh.RefreshToken == tok.RefreshToken {
		t.Fatalf("refresh: %v", err)
	}
	if in := ts.IntrospectAs(t, emutest.OAuthClientID, emutest.OAuthSecret, fresh.AccessToken); in["sid"] != ac["sid"] {
		t.Fatalf("sid changed on refresh: %v", in)
	}
}
