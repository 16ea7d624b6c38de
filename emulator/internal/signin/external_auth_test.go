package signin_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// standaloneWorld turns Standalone Connect on: the application's login
// page is http://localhost:3000/login.
const standaloneWorld = `
environment:
  client_id: client_01JGG4A9SC2402TR1E5S95RGFY
  api_keys: [sk_test_emulator]
  connect_login_uri: http://localhost:3000/login
applications:
  - {client_id: client_01JGH0H56WFYWEDS7QGWCX2YT4, client_secret: demo_oauth_secret, name: Demo OAuth app, type: oauth,
     redirect_uris: [http://localhost:3000/callback], scopes: [openid, profile, email, offline_access]}
  - {client_id: client_01JGGF0ZHWQV5Y4T95J30VYNGB, name: Public app, type: public,
     redirect_uris: [http://localhost:3000/callback], scopes: [openid, profile, email, offline_access]}
users:
  - {email: taken@example.com, email_verified: true}
`

// TestStandaloneConnectWithOAuth2: x/oauth2 starts a code flow with PKCE
// at /oauth2/authorize; the browser lands on the application's login page
// with an external_auth_id; the application hands its user to POST
// /authkit/oauth2/complete (the user is created with the application's id
// as external_id); the browser follows the answer's redirect_uri back to a
// code, x/oauth2 exchanges it, and go-oidc verifies the token, whose sub is
// the new user. A second sign-in of the same external user updates it.
func TestStandaloneConnectWithOAuth2(t *testing.T) {
	t.Parallel()
	ts := emutest.Start(t, emulator.Config{Clock: emutest.T0, Fixtures: emutest.Parse(t, standaloneWorld)})
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, ts.Client)
	conf := &oauth2.Config{ClientID: emutest.PublicClientID, RedirectURL: emutest.AppCallback, Scopes: []string{"openid", "email", "offline_access"},
		Endpoint: oauth2.Endpoint{AuthURL: ts.URL + "/oauth2/authorize", TokenURL: ts.URL + "/oauth2/token", AuthStyle: oauth2.AuthStyleInParams}}

	signIn := func(user map[string]any) (*oauth2.Token, string) {
		t.Helper()
		verifier := oauth2.GenerateVerifier()
		b := emutest.NewBrowser(t, ts, "http://localhost:3000")
		login := b.Visit(conf.AuthCodeURL("st8", oauth2.S256ChallengeOption(verifier)))
		u, err := url.Parse(login)
		if err != nil || u.Path != "/login" || !strings.HasPrefix(u.Query().Get("external_auth_id"), "ext_auth_") {
			t.Fatalf("authorize went to %q, want the application's login page", login)
		}
		body := map[string]any{"external_auth_id": u.Query().Get("external_auth_id"), "user": user}
		done := emutest.WantJSON(t, ts.API(t, http.MethodPost, "/authkit/oauth2/complete", body), 200)
		// the completion is single use
		emutest.WantError(t, ts.API(t, http.MethodPost, "/authkit/oauth2/complete", body), 400, "external_auth_session_already_completed")
		cb := emutest.CallbackParams(t, b.Visit(done["redirect_uri"].(string)))
		if cb.Get("state") != "st8" || cb.Get("code") == "" {
			t.Fatalf("callback %v", cb)
		}
		tok, err := conf.Exchange(ctx, cb.Get("code"), oauth2.VerifierOption(verifier))
		if err != nil {
			t.Fatalf("exchange: %v", err)
		}
		return tok, u.Query().Get("external_auth_id")
	}
	tok, extID := signIn(map[string]any{"id": "app-42", "email": "dana@example.com", "first_name": "Dana", "last_name": "Scully",
		"metadata": map[string]any{"plan": "gold"}})
	keys := oidc.NewRemoteKeySet(oidc.ClientContext(ctx, ts.Client), ts.URL+"/oauth2/jwks")
	v := oidc.NewVerifier(ts.Issuer(), keys, &oidc.Config{ClientID: emutest.EnvClientID, Now: ts.Clock().Now})
	at, err := v.Verify(ctx, tok.AccessToken)
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	user := emutest.WantJSON(t, ts.API(t, http.MethodGet, "/user_management/users/external_id/app-42", nil), 200)
	if at.Subject != user["id"] || user["email"] != "dana@example.com" || user["email_verified"] != true ||
		user["first_name"] != "Dana" || user["metadata"].(map[string]any)["plan"] != "gold" || tok.RefreshToken == "" {
		t.Fatalf("token sub %s, user %v", at.Subject, user)
	}
	// once the browser is back, the flow is over
	emutest.WantError(t, ts.API(t, http.MethodPost, "/authkit/oauth2/complete", map[string]any{"external_auth_id": extID,
		"user": map[string]any{"id": "app-42", "email": "dana@example.com"}}), 404, "entity_not_found")

	// the same external user again, with a new e-mail and a full name
	tok2, _ := signIn(map[string]any{"id": "app-42", "email": "dana@fbi.test", "name": "Dana Katherine"})
	at2, err := v.Verify(ctx, tok2.AccessToken)
	if err != nil || at2.Subject != at.Subject {
		t.Fatalf("second sign-in: %v %v", err, at2)
	}
	user = emutest.WantJSON(t, ts.API(t, http.MethodGet, "/user_management/users/external_id/app-42", nil), 200)
	if user["email"] != "dana@fbi.test" || user["first_name"] != "Dana" || user["last_name"] != "Katherine" {
		t.Fatalf("updated user %v", user)
	}
	var types []string
	for _, e := range emutest.WantJSON(t, ts.API(t, http.MethodGet, "/events?order=asc", nil), 200)["data"].([]any) {
		types = append(types, e.(map[string]any)["event"].(string))
	}
	if strings.Join(types, " ") != "user.created user.updated" {
		t.Fatalf("events %v", types)
	}
}

// TestExternalAuthRefusals: an e-mail another user has, an unknown or
// non-external flow, and a missing user are refused, and a refused
// completion leaves the flow usable.
func TestExternalAuthRefusals(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0, Fixtures: emutest.Parse(t, standaloneWorld)})
	r := srv.Do(t, http.MethodGet, "/oauth2/authorize?"+url.Values{"client_id": {emutest.OAuthClientID}, "redirect_uri": {emutest.AppCallback},
		"response_type": {"code"}, "scope": {"openid"}}.Encode(), nil)
	loc, _ := url.Parse(r.Header.Get("Location"))
	id := loc.Query().Get("external_auth_id")
	if r.Status != 302 || id == "" {
		t.Fatalf("authorize: %d %v", r.Status, r.Header)
	}
	complete := func(body map[string]any) emutest.Response {
		return srv.API(t, http.MethodPost, "/authkit/oauth2/complete", body)
	}
	emutest.WantError(t, complete(map[string]any{"external_auth_id": id, "user": map[string]any{"id": "x1", "email": "TAKEN@example.com"}}), 400, "email_not_available")
	emutest.WantError(t, complete(map[string]any{"external_auth_id": id, "user": map[string]any{"id": "x1", "email": "nope"}}), 400, "invalid_email")
	emutest.WantError(t, complete(map[string]any{"external_auth_id": id, "user": map[string]any{"email": "a@example.com"}}), 422, "invalid_request_parameters")
	emutest.WantError(t, complete(map[string]any{"external_auth_id": id}), 422, "invalid_request_parameters")
	emutest.WantError(t, complete(map[string]any{"user": map[string]any{"id": "x1", "email": "a@example.com"}}), 422, "invalid_request_parameters")
	emutest.WantError(t, complete(map[string]any{"external_auth_id": "ext_auth_01JGK40000000000000000ZZZZ", "user": map[string]any{"id": "x1", "email": "a@example.com"}}), 404, "entity_not_found")
	emutest.WantJSON(t, complete(map[string]any{"external_auth_id": id, "user": map[string]any{"id": "x1", "email": "a@example.com"}}), 200)

	// without connect_login_uri, Connect flows use the hosted page and have no external id
	plain := emutest.New(t, emulator.Config{Clock: emutest.T0})
	r = plain.Do(t, http.MethodGet, "/oauth2/authorize?"+url.Values{"client_id": {emutest.OAuthClientID}, "redirect_uri": {emutest.AppCallback},
		"response_type": {"code"}, "scope": {"openid"}}.Encode(), nil)
	if !strings.Contains(r.Header.Get("Location"), "/authkit/login?flow=") {
		t.Fatalf("hosted flow: %v", r.Header)
	}
	flow := strings.SplitN(r.Header.Get("Location"), "flow=", 2)[1]
	emutest.WantError(t, plain.API(t, http.MethodPost, "/authkit/oauth2/complete", map[string]any{"external_auth_id": flow,
		"user": map[string]any{"id": "x1", "email": "a@example.com"}}), 404, "entity_not_found")
}
