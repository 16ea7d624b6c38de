package sso_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/oauth2"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// World additions of the SSO tests: Acme's Okta connection with two
// profiles, Globex's inactive one, and Google as an OAuth provider.
const (
	oktaID   = "conn_01JGK0000000000000000000A1"
	globexID = "conn_01JGK0000000000000000000B2"
	googleID = "conn_01JGK0000000000000000000C3"
	aliceID  = "prof_01JGK0000000000000000000A1"
)

const ssoWorld = `
connections:
  - id: ` + oktaID + `
    name: Acme Okta
    connection_type: OktaSAML
    organization_id: ` + emutest.AcmeID + `
    profiles:
      - id: ` + aliceID + `
        idp_id: 00u1abc
        email: alice@acme.test
        first_name: Alice
        last_name: Liddell
        groups: [engineering]
        role: admin
        custom_attributes: {department: R&D}
        raw_attributes: {email: alice@acme.test}
      - {email: bob@acme.test, first_name: Bob}
  - id: ` + globexID + `
    name: Globex Entra
    connection_type: AzureSAML
    organization_id: ` + emutest.GlobexID + `
    state: inactive
  - id: ` + googleID + `
    connection_type: GoogleOAuth
    profiles: [{email: gina@gmail.test, first_name: Gina}]
`

func startSSO(t *testing.T) *emutest.Server {
	t.Helper()
	srv := emutest.Start(t, emulator.Config{Clock: emutest.T0})
	if _, err := srv.AddFixtures(context.Background(), []byte(ssoWorld), "sso.yaml"); err != nil {
		t.Fatal(err)
	}
	return srv
}

func oauthConfig(srv *emutest.Server, secret string) *oauth2.Config {
	return &oauth2.Config{ClientID: emutest.EnvClientID, ClientSecret: secret, RedirectURL: emutest.AppCallback,
		Endpoint: oauth2.Endpoint{AuthURL: srv.URL + "/sso/authorize", TokenURL: srv.URL + "/sso/token", AuthStyle: oauth2.AuthStyleInParams}}
}

// TestCodeFlowWithOAuth2: golang.org/x/oauth2 drives the SSO API: the
// authorization URL leads to the emulated identity provider's page, which
// shows the connection and its profiles; choosing one returns a code with
// the state; the exchange at /sso/token gives the profile and an access
// token that /sso/profile accepts; the code is single use.
func TestCodeFlowWithOAuth2(t *testing.T) {
	t.Parallel()
	srv := startSSO(t)
	conf := oauthConfig(srv, emutest.APIKey)
	b := emutest.NewBrowser(t, srv, emutest.AppCallback)
	if cb := b.Visit(conf.AuthCodeURL("st-1", oauth2.SetAuthURLParam("connection", oktaID))); cb != "" {
		t.Fatalf("went straight to the application: %s", cb)
	}
	for _, want := range []string{"Acme Okta", "OktaSAML", "Acme", "Alice Liddell &lt;alice@acme.test&gt;", "bob@acme.test", "idp-deny", "idp-error"} {
		b.ExpectPage(want)
	}
	q := emutest.CallbackParams(t, b.SubmitIdP("action", "profile", "profile_id", aliceID))
	if q.Get("state") != "st-1" || q.Get("code") == "" {
		t.Fatalf("callback %v", q)
	}
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, srv.Client)
	tok, err := conf.Exchange(ctx, q.Get("code"))
	if err != nil {
		t.Fatal(err)
	}
	if tok.TokenType != "Bearer" || tok.Expiry.IsZero() {
		t.Fatalf("token %+v", tok)
	}
	profile, _ := tok.Extra("profile").(map[string]any)
	want := map[string]any{"object": "profile", "id": aliceID, "idp_id": "00u1abc", "connection_id": oktaID, "connection_type": "OktaSAML",
		"organization_id": emutest.AcmeID, "email": "alice@acme.test", "first_name": "Alice", "last_name": "Liddell", "name": "Alice Liddell"}
	for k, v := range want {
		if profile[k] != v {
			t.Errorf("profile.%s = %v, want %v", k, profile[k], v)
		}
	}
	if role, _ := profile["role"].(map[string]any); role["slug"] != "admin" {
		t.Errorf("role %v", profile["role"])
	}
	if ca, _ := profile["custom_attributes"].(map[string]any); ca["department"] != "R&D" {
		t.Errorf("custom_attributes %v", profile["custom_attributes"])
	}
	if g, _ := profile["groups"].([]any); len(g) != 1 || g[0] != "engineering" {
		t.Errorf("groups %v", profile["groups"])
	}
	got := srv.Do(t, http.MethodGet, "/sso/profile", nil, "Authorization", "Bearer "+tok.AccessToken)
	if p := emutest.WantJSON(t, got, 200); p["id"] != aliceID || p["email"] != "alice@acme.test" {
		t.Fatalf("profile %v", p)
	}
	if _, err := conf.Exchange(ctx, q.Get("code")); err == nil || !strings.Contains(err.Error(), "invalid_grant") {
		t.Fatalf("second exchange: %v", err)
	}
	emutest.WantError(t, srv.Do(t, http.MethodGet, "/sso/profile", nil, "Authorization", "Bearer nope"), 401, "Unauthorized")
	// The access token lives 10 minutes.
	srv.Clock().Advance(11 * 60e9)
	emutest.WantError(t, srv.Do(t, http.MethodGet, "/sso/profile", nil, "Authorization", "Bearer "+tok.AccessToken), 401, "Unauthorized")
}

// TestPKCEWithoutSecret: a public client proves the authorization request
// with its code_verifier instead of the API key; a wrong verifier burns
// the code.
func TestPKCEWithoutSecret(t *testing.T) {
	t.Parallel()
	srv := startSSO(t)
	conf := oauthConfig(srv, "")
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, srv.Client)
	verifier := oauth2.GenerateVerifier()
	code := func() string {
		b := emutest.NewBrowser(t, srv, emutest.AppCallback)
		b.Visit(conf.AuthCodeURL("s", oauth2.S256ChallengeOption(verifier), oauth2.SetAuthURLParam("organization", emutest.AcmeID)))
		return emutest.CallbackParams(t, b.SubmitIdP("action", "profile", "profile_id", aliceID)).Get("code")
	}
	tok, err := conf.Exchange(ctx, code(), oauth2.VerifierOption(verifier))
	if err != nil || tok.AccessToken == "" {
		t.Fatalf("exchange with the verifier: %v", err)
	}
	c := code()
	if _, err := conf.Exchange(ctx, c, oauth2.VerifierOption(oauth2.GenerateVerifier())); err == nil {
		t.Fatal("a wrong verifier was accepted")
	}
	if _, err := conf.Exchange(ctx, c, oauth2.VerifierOption(verifier)); err == nil {
		t.Fatal("the code survived a failed exchange")
	}
	if _, err := conf.Exchange(ctx, code()); err == nil || !strings.Contains(err.Error(), "code_verifier") {
		t.Fatalf("PKCE code without verifier or secret: %v", err)
	}
}

// TestHeadless: login_hint naming a profile with auto_login=true skips the
// identity provider's page; a hint no profile has shows it, prefilled.
func TestHeadless(t *testing.T) {
	t.Parallel()
	srv := startSSO(t)
	authorize := func(kv ...string) emutest.Response {
		q := url.Values{"client_id": {emutest.EnvClientID}, "redirect_uri": {emutest.AppCallback}, "response_type": {"code"}, "state": {"h"}}
		for i := 0; i+1 < len(kv); i += 2 {
			q.Set(kv[i], kv[i+1])
		}
		return srv.Do(t, http.MethodGet, "/sso/authorize?"+q.Encode(), nil)
	}
	r := authorize("connection", oktaID, "login_hint", "ALICE@acme.test", "auto_login", "true")
	loc, _ := url.Parse(r.Header.Get("Location"))
	if r.Status != 302 || !strings.HasPrefix(loc.String(), emutest.AppCallback) || loc.Query().Get("code") == "" || loc.Query().Get("state") != "h" {
		t.Fatalf("headless: %d %s", r.Status, loc)
	}
	tok := emutest.WantJSON(t, srv.PostForm(t, "/sso/token", url.Values{"client_id": {emutest.EnvClientID}, "client_secret": {emutest.APIKey},
		"grant_type": {"authorization_code"}, "code": {loc.Query().Get("code")}}), 200)
	if tok["profile"].(map[string]any)["id"] != aliceID || tok["oauth_tokens"] != nil {
		t.Fatalf("token %v", tok)
	}
	// login_hint's domain selects the connection when nothing else does.
	if r := authorize("login_hint", "bob@acme.test", "auto_login", "true"); !strings.Contains(r.Header.Get("Location"), "code=") {
		t.Fatalf("login_hint domain routing: %s", r.Header.Get("Location"))
	}
	r = authorize("connection", oktaID, "login_hint", "nobody@acme.test", "auto_login", "true")
	if !strings.Contains(r.Header.Get("Location"), "/idp/authorize?request=") {
		t.Fatalf("an unknown hint must show the page: %s", r.Header.Get("Location"))
	}
	b := emutest.NewBrowser(t, srv, emutest.AppCallback)
	b.Visit(r.Header.Get("Location"))
	b.ExpectPage(`value="nobody@acme.test"`)
	// A typed identity becomes a profile of the connection, found again
	// next time.
	q := emutest.CallbackParams(t, b.SubmitIdP("action", "identity", "email", "nobody@acme.test", "first_name", "No", "last_name", "Body"))
	p := emutest.WantJSON(t, srv.PostForm(t, "/sso/token", url.Values{"client_id": {emutest.EnvClientID}, "client_secret": {emutest.APIKey},
		"grant_type": {"authorization_code"}, "code": {q.Get("code")}}), 200)["profile"].(map[string]any)
	if p["email"] != "nobody@acme.test" || p["name"] != "No Body" || p["role"] != nil {
		t.Fatalf("typed profile %v", p)
	}
	if r := authorize("connection", oktaID, "login_hint", "nobody@acme.test", "auto_login", "true"); !strings.Contains(r.Header.Get("Location"), "code=") {
		t.Fatalf("the typed identity is a profile now: %s", r.Header.Get("Location"))
	}
}

// TestAuthorizeErrors: every refusal WorkOS documents goes to the
// redirect URI with its code and the state; a client or redirect URI it
// cannot trust is a JSON 400.
func TestAuthorizeErrors(t *testing.T) {
	t.Parallel()
	srv := startSSO(t)
	if _, err := srv.AddFixtures(context.Background(), []byte(`
connections:
  - {name: Acme Two, connection_type: GenericOIDC, organization_id: `+emutest.AcmeID+`}
`), "two.yaml"); err != nil {
		t.Fatal(err)
	}
	base := url.Values{"client_id": {emutest.EnvClientID}, "redirect_uri": {emutest.AppCallback}, "response_type": {"code"}, "state": {"s"}}
	with := func(kv ...string) string {
		q := url.Values{}
		for k, v := range base {
			q[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			q.Set(kv[i], kv[i+1])
		}
		return "/sso/authorize?" + q.Encode()
	}
	for _, tc := range []struct{ name, query, code string }{
		{"no selector", with(), "invalid_connection_selector"},
		{"two selectors", with("connection", oktaID, "provider", "GoogleOAuth"), "invalid_connection_selector"},
		{"unknown connection", with("connection", "conn_01JGK0000000000000000000ZZ"), "connection_invalid"},
		{"inactive connection", with("connection", globexID), "connection_unlinked"},
		{"organization with only an inactive connection", with("organization", emutest.GlobexID), "connection_unlinked"},
		{"organization with two active connections", with("organization", emutest.AcmeID), "ambiguous_connection_selector"},
		{"unknown organization", with("organization", "org_01JGK0000000000000000000ZZ"), "organization_invalid"},
		{"provider the fixtures lack", with("provider", "GitHubOAuth"), "connection_invalid"},
		{"not a provider", with("provider", "authkit"), "invalid_connection_selector"},
		{"unknown domain", with("domain", "nowhere.test"), "invalid_connection_selector"},
		{"response type", with("connection", oktaID, "response_type", "token"), "unsupported_response_type"},
		{"plain PKCE", with("connection", oktaID, "code_challenge", strings.Repeat("a", 43), "code_challenge_method", "plain"), "invalid_request"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := srv.Do(t, http.MethodGet, tc.query, nil)
			loc, _ := url.Parse(r.Header.Get("Location"))
			if r.Status != 302 || !strings.HasPrefix(loc.String(), emutest.AppCallback) || loc.Query().Get("error") != tc.code ||
				loc.Query().Get("state") != "s" || loc.Query().Get("error_description") == "" {
				t.Fatalf("%d %s", r.Status, loc)
			}
		})
	}
	emutest.WantError(t, srv.Do(t, http.MethodGet, with("client_id", "client_nope"), nil), 400, "invalid_client")
	emutest.WantError(t, srv.Do(t, http.MethodGet, with("redirect_uri", "https://evil.test/cb"), nil), 400, "invalid_request")
}

// TestIdPDenyAndError: the page's deny and error buttons answer the
// application with access_denied and server_error (oauth_failed for an
// OAuth provider), and emit the failure events.
func TestIdPDenyAndError(t *testing.T) {
	t.Parallel()
	srv := startSSO(t)
	conf := oauthConfig(srv, emutest.APIKey)
	for _, tc := range []struct{ selector, value, action, code string }{
		{"connection", oktaID, "deny", "access_denied"},
		{"connection", oktaID, "error", "server_error"},
		{"provider", "GoogleOAuth", "deny", "access_denied"},
		{"provider", "GoogleOAuth", "error", "oauth_failed"},
	} {
		b := emutest.NewBrowser(t, srv, emutest.AppCallback)
		b.Visit(conf.AuthCodeURL("st", oauth2.SetAuthURLParam(tc.selector, tc.value)))
		q := emutest.CallbackParams(t, b.SubmitIdP("action", tc.action))
		if q.Get("error") != tc.code || q.Get("state") != "st" || q.Get("error_description") == "" {
			t.Fatalf("%s %s: %v", tc.value, tc.action, q)
		}
	}
	ev := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/events?events=authentication.sso_failed&events=authentication.oauth_failed&order=asc", nil), 200)
	var got []string
	for _, e := range ev["data"].([]any) {
		e := e.(map[string]any)
		got = append(got, e["event"].(string)+":"+e["data"].(map[string]any)["error"].(map[string]any)["code"].(string))
	}
	want := "authentication.sso_failed:access_denied authentication.sso_failed:server_error authentication.oauth_failed:access_denied authentication.oauth_failed:oauth_failed"
	if strings.Join(got, " ") != want {
		t.Fatalf("failure events:\n got %v\nwant %s", got, want)
	}
	started := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/events?events=authentication.sso_started", nil), 200)
	if n := len(started["data"].([]any)); n != 2 {
		t.Fatalf("%d sso_started events, want 2 (OAuth providers have none)", n)
	}
}
