package signin_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

const (
	idpOkta   = "conn_01JGK0000000000000000000A1"
	idpGoogle = "conn_01JGK0000000000000000000C3"
	idpGitHub = "conn_01JGK0000000000000000000D4"
	idpDana   = "prof_01JGK0000000000000000000A1"
)

// idpWorld: Acme signs in with Okta (Dana, an admin by her profile), the
// environment with Google and GitHub.
const idpWorld = `
connections:
  - id: ` + idpOkta + `
    name: Acme Okta
    connection_type: OktaSAML
    organization_id: ` + emutest.AcmeID + `
    profiles:
      - {id: ` + idpDana + `, email: dana@acme.test, first_name: Dana, last_name: Scully, role: admin}
      - {email: alice@example.com, first_name: Alice}
  - {id: ` + idpGoogle + `, connection_type: GoogleOAuth, profiles: [{email: gina@gmail.test, first_name: Gina, idp_id: "1099"}]}
  - {id: ` + idpGitHub + `, connection_type: GitHubOAuth, state: draft}
`

func idpServer(t *testing.T) *emutest.Server {
	t.Helper()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	if _, err := srv.AddFixtures(context.Background(), []byte(idpWorld), "idp.yaml"); err != nil {
		t.Fatal(err)
	}
	return srv
}

func umAuthorize(kv ...string) string {
	q := url.Values{"client_id": {emutest.EnvClientID}, "redirect_uri": {emutest.AppCallback}, "response_type": {"code"}, "state": {"s"}}
	for i := 0; i+1 < len(kv); i += 2 {
		q.Set(kv[i], kv[i+1])
	}
	return "/user_management/authorize?" + q.Encode()
}

func exchange(t *testing.T, srv *emutest.Server, callback string) map[string]any {
	t.Helper()
	q := emutest.CallbackParams(t, callback)
	if q.Get("code") == "" || q.Get("state") != "s" {
		t.Fatalf("callback %v", q)
	}
	return emutest.SignedIn(t, srv.Authenticate(t, map[string]any{"grant_type": "authorization_code", "code": q.Get("code")}))
}

func eventTypes(t *testing.T, srv *emutest.Server) []string {
	t.Helper()
	var out []string
	for _, e := range emutest.WantJSON(t, srv.API(t, http.MethodGet, "/events?order=asc&limit=100", nil), 200)["data"].([]any) {
		out = append(out, e.(map[string]any)["event"].(string))
	}
	return out
}

// TestAuthKitThroughSSO: /user_management/authorize with a connection goes
// through the IdP page; the code authenticates with method SSO, the user
// is created just in time (e-mail verified) and joins the connection's
// organization with the profile's role, which the sign-in selects; the
// next sign-in finds the same user; deleting the connection ends the
// sessions it started.
func TestAuthKitThroughSSO(t *testing.T) {
	t.Parallel()
	srv := idpServer(t)
	b := emutest.NewBrowser(t, srv, emutest.AppCallback)
	b.Visit(umAuthorize("connection_id", idpOkta))
	b.ExpectPage("Acme Okta")
	first := exchange(t, srv, b.SubmitIdP("action", "profile", "profile_id", idpDana))
	u := first["user"].(map[string]any)
	if first["authentication_method"] != "SSO" || first["organization_id"] != emutest.AcmeID || u["email"] != "dana@acme.test" ||
		u["email_verified"] != true || u["first_name"] != "Dana" {
		t.Fatalf("first sign-in: %v", first)
	}
	if c := emutest.Claims(t, first["access_token"].(string)); c["org_id"] != emutest.AcmeID || c["role"] != "admin" {
		t.Fatalf("claims %v", c)
	}
	// headless, by the organization: the same user, no new one
	again := exchange(t, srv, srv.Do(t, http.MethodGet, umAuthorize("organization_id", emutest.AcmeID, "login_hint", "dana@acme.test", "auto_login", "true"), nil).Header.Get("Location"))
	if again["user"].(map[string]any)["id"] != u["id"] {
		t.Fatalf("second sign-in made another user: %v", again["user"])
	}
	got := strings.Join(eventTypes(t, srv), " ")
	for _, want := range []string{"connection.activated authentication.sso_started user.created organization_membership.created authentication.sso_succeeded"} {
		if !strings.Contains(got, want) {
			t.Fatalf("events %s lack %s", got, want)
		}
	}
	if strings.Count(got, "user.created") != 1 || strings.Count(got, "organization_membership.created") != 1 {
		t.Fatalf("one user and one membership expected: %s", got)
	}
	// An SSO identity is not an OAuth identity.
	if r := srv.API(t, http.MethodGet, "/user_management/users/"+u["id"].(string)+"/identities", nil); string(r.Body) != "[]" {
		t.Fatalf("identities %s", r.Body)
	}
	sessions := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/user_management/users/"+u["id"].(string)+"/sessions", nil), 200)["data"].([]any)
	if len(sessions) != 2 || sessions[0].(map[string]any)["auth_method"] != "sso" {
		t.Fatalf("sessions %v", sessions)
	}
	if r := srv.API(t, http.MethodDelete, "/connections/"+idpOkta, nil); r.Status != 204 {
		t.Fatalf("delete: %d %s", r.Status, r.Body)
	}
	for _, s := range emutest.WantJSON(t, srv.API(t, http.MethodGet, "/user_management/users/"+u["id"].(string)+"/sessions", nil), 200)["data"].([]any) {
		if s.(map[string]any)["status"] != "revoked" {
			t.Fatalf("session survived its connection: %v", s)
		}
	}
	r := srv.Authenticate(t, map[string]any{"grant_type": "refresh_token", "refresh_token": first["refresh_token"]})
	emutest.WantError(t, r, 400, "invalid_grant")
}

// TestAuthKitThroughOAuthProvider: provider=GoogleOAuth with
// provider_scopes signs in with method GoogleOAuth and the provider's
// tokens; the identity is listed; an existing user with the profile's
// e-mail is the one signed in; a draft provider cannot sign anyone in.
func TestAuthKitThroughOAuthProvider(t *testing.T) {
	t.Parallel()
	srv := idpServer(t)
	r := srv.Do(t, http.MethodGet, umAuthorize("provider", "GoogleOAuth", "provider_scopes", "calendar.readonly", "login_hint", "gina@gmail.test", "auto_login", "true"), nil)
	res := exchange(t, srv, r.Header.Get("Location"))
	tokens, _ := res["oauth_tokens"].(map[string]any)
	if res["authentication_method"] != "GoogleOAuth" || tokens["provider"] != "GoogleOAuth" || tokens["access_token"] == "" ||
		!strings.Contains(strings.Join(toStrings(tokens["scopes"]), " "), "calendar.readonly") || res["organization_id"] != nil {
		t.Fatalf("Google sign-in: %v", res)
	}
	id := res["user"].(map[string]any)["id"].(string)
	ids := srv.API(t, http.MethodGet, "/user_management/users/"+id+"/identities", nil)
	if string(ids.Body) != `[{"idp_id":"1099","type":"OAuth","provider":"GoogleOAuth"}]` {
		t.Fatalf("identities %s", ids.Body)
	}
	// Without provider_scopes, no provider tokens.
	r = srv.Do(t, http.MethodGet, umAuthorize("provider", "GoogleOAuth", "login_hint", "gina@gmail.test", "auto_login", "true"), nil)
	if res := exchange(t, srv, r.Header.Get("Location")); res["oauth_tokens"] != nil {
		t.Fatalf("oauth_tokens without provider_scopes: %v", res)
	}
	// Alice exists: signing in through Okta as alice@example.com is Alice.
	r = srv.Do(t, http.MethodGet, umAuthorize("connection_id", idpOkta, "login_hint", "alice@example.com", "auto_login", "true"), nil)
	if res := exchange(t, srv, r.Header.Get("Location")); res["user"].(map[string]any)["id"] != emutest.AliceID {
		t.Fatalf("Alice by e-mail: %v", res["user"])
	}
	r = srv.Do(t, http.MethodGet, umAuthorize("provider", "GitHubOAuth"), nil)
	if loc, _ := url.Parse(r.Header.Get("Location")); loc.Query().Get("error") != "connection_unlinked" {
		t.Fatalf("draft provider: %s", loc)
	}
}

func toStrings(v any) []string {
	var out []string
	list, _ := v.([]any)
	for _, x := range list {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}

// TestHostedLoginRoutesToSSO: on the hosted page, an e-mail of a domain
// with an active SSO connection goes to its identity provider (no password
// asked), and the page offers a button per active OAuth provider.
func TestHostedLoginRoutesToSSO(t *testing.T) {
	t.Parallel()
	srv := idpServer(t)
	b := emutest.NewBrowser(t, srv, emutest.AppCallback)
	b.Visit(umAuthorize("provider", "authkit"))
	b.ExpectPage("Continue with Google")
	if strings.Contains(b.Page(), "Continue with GitHub") {
		t.Fatal("a draft provider has a button")
	}
	b.Submit("action", "password", "email", "dana@acme.test", "password", "whatever")
	b.ExpectPage("Acme Okta")
	b.ExpectPage(`value="dana@acme.test"`)
	res := exchange(t, srv, b.SubmitIdP("action", "profile", "profile_id", idpDana))
	if res["authentication_method"] != "SSO" {
		t.Fatalf("routed sign-in: %v", res)
	}
	// the social button
	b = emutest.NewBrowser(t, srv, emutest.AppCallback)
	b.Visit(umAuthorize("provider", "authkit"))
	b.Submit("action", "social", "connection_id", idpGoogle)
	b.ExpectPage("GoogleOAuth")
	q := emutest.CallbackParams(t, b.SubmitIdP("action", "deny"))
	if q.Get("error") != "access_denied" || q.Get("state") != "s" {
		t.Fatalf("denied social sign-in: %v", q)
	}
	// headless AuthKit login with an SSO domain's e-mail goes through its IdP
	r := srv.Do(t, http.MethodGet, umAuthorize("provider", "authkit", "login_hint", "dana@acme.test", "auto_login", "true"), nil)
	if res := exchange(t, srv, r.Header.Get("Location")); res["authentication_method"] != "SSO" {
		t.Fatalf("headless routed sign-in: %v", res)
	}
	// a domain without SSO still signs in with a password
	b = emutest.NewBrowser(t, srv, emutest.AppCallback)
	b.Visit(umAuthorize("provider", "authkit"))
	exchange(t, srv, b.Submit("action", "password", "email", "alice@example.com", "password", "wonderland"))
}

// TestIdPPageCSRF: the IdP page's forms need the page's token and the
// cookie it set.
func TestIdPPageCSRF(t *testing.T) {
	t.Parallel()
	srv := idpServer(t)
	r := srv.Do(t, http.MethodGet, umAuthorize("connection_id", idpOkta), nil)
	page := srv.Do(t, http.MethodGet, strings.TrimPrefix(r.Header.Get("Location"), emulator.DefaultPublicURL), nil)
	loc, _ := url.Parse(r.Header.Get("Location"))
	form := url.Values{"request": {loc.Query().Get("request")}, "action": {"deny"}, "csrf": {"forged"}}
	emutest.WantError(t, srv.PostForm(t, "/idp/authorize", form), 403, "csrf_token_invalid")
	if page.Status != 200 {
		t.Fatalf("page %d", page.Status)
	}
	emutest.WantError(t, srv.Do(t, http.MethodGet, "/idp/authorize?request=nope", nil), 400, "invalid_request")
}
