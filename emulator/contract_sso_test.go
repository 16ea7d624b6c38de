package emulator_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pquerna/otp/totp"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// ctSSOWorld adds an SSO connection to Acme (with a fixture profile), an
// inactive one to Globex, and Google and GitHub as OAuth providers.
const ctSSOWorld = `
connections:
  - id: conn_01JGK0000000000000000000A1
    name: Acme Okta
    connection_type: OktaSAML
    organization_id: ` + emutest.AcmeID + `
    profiles:
      - {id: prof_01JGK0000000000000000000A1, idp_id: 00u1abc, email: dana@acme.test, first_name: Dana, last_name: Scully, groups: [x-files], role: admin, custom_attributes: {department: FBI}}
  - {id: conn_01JGK0000000000000000000B2, name: Globex Entra, connection_type: AzureSAML, organization_id: ` + emutest.GlobexID + `, state: inactive}
  - {id: conn_01JGK0000000000000000000C3, connection_type: GoogleOAuth, profiles: [{email: gina@gmail.test, first_name: Gina}]}
  - {id: conn_01JGK0000000000000000000D4, connection_type: GitHubOAuth, profiles: [{email: gus@github.test, idp_id: "4242"}]}
`

// bearer sends a request with another Bearer token than the API key.
func bearer(token string) ctOpt {
	return func(r *http.Request) *http.Request {
		r.Header.Set("Authorization", "Bearer "+token)
		return r
	}
}

// contractSSO drives SSO, AuthKit through SSO and OAuth providers,
// connections, organization domains, the Admin Portal and the standalone
// MFA API; the emulated identity provider's page, which is not in the
// spec, is driven outside the validating client.
func contractSSO(t *testing.T, run *contractRun) {
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	if _, err := srv.AddFixtures(context.Background(), []byte(ctSSOWorld), "sso.yaml"); err != nil {
		t.Fatal(err)
	}
	c := run.client(srv.Handler())
	const GET, POST, DELETE = http.MethodGet, http.MethodPost, http.MethodDelete
	const okta, globex, dana = "conn_01JGK0000000000000000000A1", "conn_01JGK0000000000000000000B2", "prof_01JGK0000000000000000000A1"
	codeOf := func(r ctResponse) string {
		loc, err := url.Parse(r.Header.Get("Location"))
		if err != nil || loc.Query().Get("code") == "" {
			t.Fatalf("no code in %q", r.Header.Get("Location"))
		}
		return loc.Query().Get("code")
	}
	authz := func(extra url.Values) string {
		q := url.Values{"client_id": {emutest.EnvClientID}, "redirect_uri": {ctRedirect}, "response_type": {"code"}, "state": {"st"}}
		for k, v := range extra {
			q[k] = v
		}
		return q.Encode()
	}

	c.step = "sso 1 the SSO API"
	r := c.call(302, GET, "/sso/authorize?"+authz(url.Values{"connection": {okta}, "login_hint": {"dana@acme.test"}, "auto_login": {"true"}}), nil)
	token := func(code string) map[string]any {
		q := url.Values{"client_id": {emutest.EnvClientID}, "client_secret": {emutest.APIKey}, "grant_type": {"authorization_code"}, "code": {code}}
		return c.json(200, POST, "/sso/token?"+q.Encode(), map[string]any{"client_id": emutest.EnvClientID, "client_secret": emutest.APIKey,
			"grant_type": "authorization_code", "code": code})
	}
	code := codeOf(r)
	tok := token(code)
	q := url.Values{"client_id": {emutest.EnvClientID}, "client_secret": {emutest.APIKey}, "grant_type": {"authorization_code"}, "code": {code}}
	c.errCode(400, "invalid_grant", POST, "/sso/token?"+q.Encode(), map[string]any{"client_id": emutest.EnvClientID, "client_secret": emutest.APIKey,
		"grant_type": "authorization_code", "code": code})
	c.errCode(400, "invalid_client", GET, "/sso/authorize?"+url.Values{"client_id": {"client_" + ctMissing}, "redirect_uri": {ctRedirect},
		"response_type": {"code"}, "connection": {okta}}.Encode(), nil)
	c.call(302, GET, "/sso/authorize?"+authz(url.Values{"connection": {globex}}), nil) // connection_unlinked, to the redirect URI
	c.json(200, GET, "/sso/profile", nil, bearer(tok["access_token"].(string)))
	c.errCode(401, "Unauthorized", GET, "/sso/profile", nil, bearer("not-a-token"))
	// An OAuth provider asked for its tokens.
	r = c.call(302, GET, "/sso/authorize?"+authz(url.Values{"provider": {"GoogleOAuth"}, "provider_scopes": {"https://www.googleapis.com/auth/calendar"},
		"login_hint": {"gina@gmail.test"}, "auto_login": {"true"}}), nil)
	if tok := token(codeOf(r)); tok["oauth_tokens"] == nil {
		t.Fatalf("no oauth_tokens: %v", tok)
	}
	lo := c.json(200, POST, "/sso/logout/authorize", map[string]any{"profile_id": dana})
	c.errCode(404, "entity_not_found", POST, "/sso/logout/authorize", map[string]any{"profile_id": "prof_" + ctMissing})
	logoutURL, _ := url.Parse(lo["logout_url"].(string))
	c.call(302, GET, logoutURL.RequestURI(), nil)
	c.errCode(404, "entity_not_found", GET, logoutURL.RequestURI(), nil)
	c.errCode(401, "Unauthorized", GET, "/sso/profile", nil, bearer(tok["access_token"].(string)))

	c.step = "sso 2 AuthKit through SSO and OAuth providers"
	authn := func(code string) map[string]any {
		return c.json(200, POST, "/user_management/authenticate", map[string]any{"client_id": emutest.EnvClientID, "client_secret": emutest.APIKey,
			"grant_type": "authorization_code", "code": code})
	}
	r = c.call(302, GET, "/user_management/authorize?"+authz(url.Values{"connection_id": {okta}, "login_hint": {"dana@acme.test"}, "auto_login": {"true"}}), nil)
	signedIn := authn(codeOf(r))
	if signedIn["authentication_method"] != "SSO" || signedIn["organization_id"] != emutest.AcmeID {
		t.Fatalf("SSO sign-in: %v", signedIn)
	}
	r = c.call(302, GET, "/user_management/authorize?"+authz(url.Values{"provider": {"GitHubOAuth"}, "provider_scopes": {"repo"},
		"login_hint": {"gus@github.test"}, "auto_login": {"true"}}), nil)
	gus := authn(codeOf(r))
	if gus["oauth_tokens"] == nil || gus["authentication_method"] != "GitHubOAuth" {
		t.Fatalf("GitHub sign-in: %v", gus)
	}
	c.call(200, GET, "/user_management/users/"+gus["user"].(map[string]any)["id"].(string)+"/identities", nil)

	c.step = "sso 3 connections"
	c.json(200, GET, "/connections?limit=2&order=asc", nil)
	c.json(200, GET, "/connections?organization_id="+emutest.AcmeID, nil)
	c.json(200, GET, "/connections?connection_type=GithubOAuth", nil)
	c.json(200, GET, "/connections?domain=acme.test", nil)
	c.errCode(422, "invalid_request_parameters", GET, "/connections?limit=0", nil, invalidBecause("limit below 1"))
	c.json(200, GET, "/connections/"+okta, nil)
	c.errCode(404, "entity_not_found", GET, "/connections/conn_"+ctMissing, nil)

	c.step = "sso 4 organization domains"
	d := c.json(201, POST, "/organization_domains", map[string]any{"domain": "initrode.test", "organization_id": emutest.GlobexID})
	c.errCode(409, "domain_already_exists", POST, "/organization_domains", map[string]any{"domain": "acme.test", "organization_id": emutest.GlobexID})
	c.json(200, GET, "/organization_domains/"+d["id"].(string), nil)
	c.errCode(404, "entity_not_found", GET, "/organization_domains/org_domain_"+ctMissing, nil)
	c.json(201, POST, "/organization_domains/"+d["id"].(string)+"/verify", nil)
	c.errCode(400, "domain_already_verified", POST, "/organization_domains/"+d["id"].(string)+"/verify", nil)
	bad := c.json(201, POST, "/organization_domains", map[string]any{"domain": "unverifiable.test", "organization_id": emutest.GlobexID})
	setFail := srv.Do(t, http.MethodPut, "/_emulator/organization_domains/verification", strings.NewReader(`{"domain":"unverifiable.test","outcome":"fail"}`),
		"Content-Type", "application/json")
	if setFail.Status != 200 {
		t.Fatalf("verification switch: %d %s", setFail.Status, setFail.Body)
	}
	if v := c.json(201, POST, "/organization_domains/"+bad["id"].(string)+"/verify", nil); v["state"] != "failed" {
		t.Fatalf("marked domain verified: %v", v)
	}
	c.call(204, DELETE, "/organization_domains/"+d["id"].(string), nil)
	c.errCode(404, "entity_not_found", DELETE, "/organization_domains/"+d["id"].(string), nil)

	c.step = "sso 5 Admin Portal"
	c.json(201, POST, "/portal/generate_link", map[string]any{"organization": emutest.AcmeID, "intent": "sso", "return_url": "http://localhost:3000/settings"})
	c.errCode(404, "entity_not_found", POST, "/portal/generate_link", map[string]any{"organization": "org_" + ctMissing, "intent": "sso"})
	c.errCode(422, "invalid_request_parameters", POST, "/portal/generate_link", map[string]any{"organization": emutest.AcmeID, "intent": "everything"},
		invalidBecause("intent is not in the spec's enum"))

	c.step = "sso 6 standalone MFA"
	f := c.json(201, POST, "/auth/factors/enroll", map[string]any{"type": "totp", "totp_issuer": "Contract", "totp_user": "dana@acme.test"})
	c.errCode(422, "invalid_request_parameters", POST, "/auth/factors/enroll", map[string]any{"type": "sms", "phone_number": "not a phone"})
	c.json(200, GET, "/auth/factors/"+f["id"].(string), nil)
	c.errCode(404, "entity_not_found", GET, "/auth/factors/auth_factor_"+ctMissing, nil)
	ch := c.json(201, POST, "/auth/factors/"+f["id"].(string)+"/challenge", map[string]any{})
	now, err := totp.GenerateCode(f["totp"].(map[string]any)["secret"].(string), srv.Clock().Now())
	if err != nil {
		t.Fatal(err)
	}
	if v := c.json(201, POST, "/auth/challenges/"+ch["id"].(string)+"/verify", map[string]any{"code": now}); v["valid"] != true {
		t.Fatalf("TOTP verify: %v", v)
	}
	c.errCode(404, "entity_not_found", POST, "/auth/challenges/auth_challenge_"+ctMissing+"/verify", map[string]any{"code": "123456"})
	sms := c.json(201, POST, "/auth/factors/enroll", map[string]any{"type": "sms", "phone_number": "+15555550123"})
	ch = c.json(201, POST, "/auth/factors/"+sms["id"].(string)+"/challenge", map[string]any{"sms_template": "Your code: {{code}}"})
	codes := srv.Codes("", emulator.KindSMS)
	if len(codes) == 0 || codes[0].Phone != "+15555550123" {
		t.Fatalf("SMS outbox: %+v", codes)
	}
	if v := c.json(201, POST, "/auth/challenges/"+ch["id"].(string)+"/verify", map[string]any{"code": wrongCode(codes[0].Code)}); v["valid"] != false {
		t.Fatalf("wrong SMS code: %v", v)
	}
	c.json(201, POST, "/auth/challenges/"+ch["id"].(string)+"/verify", map[string]any{"code": codes[0].Code})
	c.call(204, DELETE, "/auth/factors/"+sms["id"].(string), nil)
	c.errCode(404, "entity_not_found", DELETE, "/auth/factors/"+sms["id"].(string), nil)

	c.step = "sso 7 deletions"
	c.call(204, DELETE, "/connections/"+okta, nil)
	c.errCode(404, "entity_not_found", DELETE, "/connections/"+okta, nil)

	c.step = "sso 8 events"
	c.json(200, GET, "/events?limit=100", nil)
}
