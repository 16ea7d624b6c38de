package emulator_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// ctStandaloneWorld is a Standalone Connect environment: /oauth2/authorize
// sends the browser to the application's own login.
const ctStandaloneWorld = `
environment:
  client_id: client_01JGG4A9SC2402TR1E5S95RGFY
  api_keys: [sk_test_emulator]
  redirect_uris: [http://localhost:3000/callback]
  connect_login_uri: http://localhost:3000/login
applications:
  - {client_id: client_01JGH0H56WFYWEDS7QGWCX2YT4, client_secret: demo_oauth_secret, name: Demo OAuth app, type: oauth,
     redirect_uris: [http://localhost:3000/callback], scopes: [openid, profile, email, offline_access]}
users:
  - {email: taken@example.com, email_verified: true}
`

// contractUMExtras drives the User Management extras: e-mail change,
// redirect URIs, CORS origins and Standalone Connect's completion.
func contractUMExtras(t *testing.T, run *contractRun) {
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	c := run.client(srv.Handler())
	const GET, POST, DELETE = http.MethodGet, http.MethodPost, http.MethodDelete
	users := "/user_management/users/"

	c.step = "umextras 1 e-mail change"
	c.json(200, POST, users+emutest.AliceID+"/email_change/send", map[string]any{"new_email": "alice.new@example.com"})
	c.errCode(409, "email_change_not_needed", POST, users+emutest.AliceID+"/email_change/send", map[string]any{"new_email": "ALICE@example.com"})
	c.errCode(409, "email_not_available", POST, users+emutest.AliceID+"/email_change/send", map[string]any{"new_email": "bob@example.com"})
	c.errCode(422, "invalid_email", POST, users+emutest.AliceID+"/email_change/send", map[string]any{"new_email": "not-an-email"})
	c.errCode(404, "entity_not_found", POST, users+"user_"+ctMissing+"/email_change/send", map[string]any{"new_email": "x@example.com"})
	code := srv.Codes("alice.new@example.com", "email_change")[0].Code
	c.errCode(400, "email_change_code_incorrect", POST, users+emutest.AliceID+"/email_change/confirm", map[string]any{"code": wrongCode(code)})
	c.errCode(409, "no_pending_email_change", POST, users+emutest.BobID+"/email_change/confirm", map[string]any{"code": "123456"})
	c.json(200, POST, users+emutest.AliceID+"/email_change/confirm", map[string]any{"code": code})
	c.errCode(409, "email_change_code_previously_used", POST, users+emutest.AliceID+"/email_change/confirm", map[string]any{"code": code})
	c.errCode(422, "invalid_request_parameters", POST, users+emutest.AliceID+"/email_change/confirm", map[string]any{},
		invalidBecause("code is required"))

	c.step = "umextras 2 redirect URIs"
	list := c.json(200, GET, "/user_management/redirect_uris?limit=5&order=asc", nil)
	defaultID := list["data"].([]any)[0].(map[string]any)["id"].(string)
	r := c.json(201, POST, "/user_management/redirect_uris", map[string]any{"uri": "https://app.example.com/callback"})
	c.errCode(422, "redirect_uri_already_exists", POST, "/user_management/redirect_uris", map[string]any{"uri": "https://app.example.com/callback"})
	c.errCode(422, "invalid_redirect_uri", POST, "/user_management/redirect_uris", map[string]any{"uri": "https://*.*.example.com/cb"})
	c.call(204, DELETE, "/user_management/redirect_uris/"+r["id"].(string), nil)
	c.errCode(404, "entity_not_found", DELETE, "/user_management/redirect_uris/"+r["id"].(string), nil)
	c.errCode(409, "default_redirect_uri", DELETE, "/user_management/redirect_uris/"+defaultID, nil)

	c.step = "umextras 3 CORS origins"
	c.json(200, GET, "/user_management/cors_origins", nil)
	c.json(201, POST, "/user_management/cors_origins", map[string]any{"origin": "https://app.example.com"})
	c.errCode(409, "duplicate_cors_origin", POST, "/user_management/cors_origins", map[string]any{"origin": "https://app.example.com/"})
	c.errCode(422, "invalid_request_parameters", POST, "/user_management/cors_origins", map[string]any{"origin": "https://app.example.com/path"})
	c.json(200, GET, "/user_management/cors_origins?limit=1&order=desc", nil)

	c.step = "umextras 4 Standalone Connect"
	sa := emutest.New(t, emulator.Config{Clock: emutest.T0, Fixtures: emutest.Parse(t, ctStandaloneWorld)})
	sc := run.client(sa.Handler())
	sc.step = c.step
	// /oauth2/authorize is the AuthKit domain's, outside the spec.
	authz := sa.Do(t, GET, "/oauth2/authorize?"+url.Values{"client_id": {emutest.OAuthClientID}, "redirect_uri": {ctRedirect},
		"response_type": {"code"}, "scope": {"openid"}, "state": {"s1"}}.Encode(), nil)
	loc, err := url.Parse(authz.Header.Get("Location"))
	if err != nil || loc.Query().Get("external_auth_id") == "" {
		t.Fatalf("authorize went to %q, want the login URI with an external_auth_id", authz.Header.Get("Location"))
	}
	extID := loc.Query().Get("external_auth_id")
	user := map[string]any{"id": "app-user-1", "email": "dana@example.com", "first_name": "Dana"}
	sc.errCode(400, "email_not_available", POST, "/authkit/oauth2/complete", map[string]any{"external_auth_id": extID,
		"user": map[string]any{"id": "app-user-2", "email": "taken@example.com"}})
	sc.json(200, POST, "/authkit/oauth2/complete", map[string]any{"external_auth_id": extID, "user": user})
	sc.errCode(400, "external_auth_session_already_completed", POST, "/authkit/oauth2/complete", map[string]any{"external_auth_id": extID, "user": user})
	sc.errCode(404, "entity_not_found", POST, "/authkit/oauth2/complete", map[string]any{"external_auth_id": "ext_auth_" + ctMissing, "user": user})
	sc.errCode(422, "invalid_request_parameters", POST, "/authkit/oauth2/complete", map[string]any{"external_auth_id": extID},
		invalidBecause("user is required"))
	sc.json(200, GET, "/events?limit=100", nil)

	c.json(200, GET, "/events?limit=100", nil)
}
