package pipes_test

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

const world = `
environment: {client_id: ` + emutest.EnvClientID + `}
users:
  - {id: ` + emutest.AliceID + `, email: alice@example.com}
  - {id: ` + emutest.BobID + `, email: bob@example.com}
organizations:
  - {id: ` + emutest.AcmeID + `, name: Acme}
data_integrations:
  - slug: github
    description: Repositories
  - slug: slack
    access_token_ttl: 1m
    refresh_tokens: false
    scopes: [chat:write]
  - slug: stripe
    name: Stripe
    auth_methods: [api_key]
    connected_accounts:
      - {user_email: bob@example.com, api_key: sk_bob_1234}
  - slug: salesforce
    auth_methods: [client_credentials]
  - slug: linear
    credentials: organization
`

func newServer(t *testing.T) *emutest.Server {
	t.Helper()
	return emutest.New(t, emulator.Config{Clock: emutest.T0, Fixtures: emutest.Parse(t, world)})
}

var stateRE = regexp.MustCompile(`name="state" value="([^"]+)"`)

// consent opens an authorization URL like a browser and submits the
// consent page's decision; it returns the final answer (a redirect to
// return_to, or the page saying what happened).
func consent(t *testing.T, srv *emutest.Server, authURL, decision string) emutest.Response {
	t.Helper()
	u, err := url.Parse(authURL)
	if err != nil {
		t.Fatal(err)
	}
	page := srv.Do(t, http.MethodGet, u.RequestURI(), nil)
	if page.Status != 200 || !strings.HasPrefix(page.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("consent page: %d %s", page.Status, page.Body)
	}
	m := stateRE.FindSubmatch(page.Body)
	if m == nil {
		t.Fatalf("no state on the consent page:\n%s", page.Body)
	}
	return srv.PostForm(t, u.Path, url.Values{"state": {string(m[1])}, "decision": {decision}})
}

func authorize(t *testing.T, srv *emutest.Server, slug string, body map[string]any) string {
	t.Helper()
	return emutest.WantJSON(t, srv.API(t, http.MethodPost, "/data-integrations/"+slug+"/authorize", body), 200)["url"].(string)
}

func token(t *testing.T, srv *emutest.Server, slug, user string) map[string]any {
	t.Helper()
	return emutest.WantJSON(t, srv.API(t, http.MethodPost, "/data-integrations/"+slug+"/token", map[string]any{"user_id": user}), 200)
}

func eventTypes(t *testing.T, srv *emutest.Server) []string {
	t.Helper()
	var out []string
	for _, e := range emutest.WantJSON(t, srv.API(t, http.MethodGet, "/events?order=asc&limit=100", nil), 200)["data"].([]any) {
		out = append(out, e.(map[string]any)["event"].(string))
	}
	return out
}

// TestConsentFlow: the authorization URL opens the emulated provider's
// consent page; allowing connects the account and goes back to return_to;
// the access token expires by the instance clock and is refreshed; the
// URL is single-use and expires; a denial records connection_failed; a
// disconnected account is not installed any more.
func TestConsentFlow(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	emutest.WantJSON(t, srv.API(t, http.MethodPost, "/data-integrations/github/token", map[string]any{"user_id": emutest.AliceID}), 200)
	if got := token(t, srv, "github", emutest.AliceID); got["active"] != false || got["error"] != "not_installed" {
		t.Fatalf("before connecting: %v", got)
	}
	authURL := authorize(t, srv, "github", map[string]any{"user_id": emutest.AliceID, "return_to": "http://localhost:3000/integrations"})
	if !strings.HasPrefix(authURL, "http://127.0.0.1:8484/authkit/pipes/github/authorize?state=") {
		t.Fatalf("url: %s", authURL)
	}
	u, _ := url.Parse(authURL)
	page := string(srv.Do(t, http.MethodGet, u.RequestURI(), nil).Body)
	for _, want := range []string{"alice@example.com", "<code>repo</code>", "<code>user:email</code>", "GitHub"} {
		if !strings.Contains(page, want) {
			t.Fatalf("consent page lacks %q:\n%s", want, page)
		}
	}
	r := consent(t, srv, authURL, "allow")
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "http://localhost:3000/integrations" {
		t.Fatalf("allow: %d %v %s", r.Status, r.Header, r.Body)
	}
	// The URL was used up.
	emutest.WantError(t, srv.Do(t, http.MethodGet, u.RequestURI(), nil), 400, "invalid_request")

	acc := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/user_management/users/"+emutest.AliceID+"/connected_accounts/github", nil), 200)
	if acc["state"] != "connected" || acc["auth_method"] != "oauth" || !slices.Equal(toStrings(acc["scopes"]), []string{"repo", "user:email"}) {
		t.Fatalf("account: %v", acc)
	}
	first := token(t, srv, "github", emutest.AliceID)["access_token"].(map[string]any)
	if first["expires_at"] != "2026-01-15T13:00:00.000Z" || len(first["access_token"].(string)) != 40 || len(first["missing_scopes"].([]any)) != 0 {
		t.Fatalf("token: %v", first)
	}
	if again := token(t, srv, "github", emutest.AliceID)["access_token"].(map[string]any); again["access_token"] != first["access_token"] {
		t.Fatal("a valid token was replaced")
	}
	srv.Clock().Advance(2 * time.Hour)
	refreshed := token(t, srv, "github", emutest.AliceID)["access_token"].(map[string]any)
	if refreshed["access_token"] == first["access_token"] || refreshed["expires_at"] != "2026-01-15T15:00:00.000Z" {
		t.Fatalf("refresh: %v", refreshed)
	}
	cred := emutest.WantJSON(t, srv.API(t, http.MethodPost, "/data-integrations/github/credentials", map[string]any{"user_id": emutest.AliceID}), 200)
	if c := cred["credential"].(map[string]any); cred["active"] != true || c["auth_method"] != "oauth" || c["value"] != refreshed["access_token"] {
		t.Fatalf("credentials: %v", cred)
	}

	// Denied: back to return_to with the error; nothing connected.
	denied := consent(t, srv, authorize(t, srv, "github", map[string]any{"user_id": emutest.BobID, "return_to": "http://localhost:3000/x?tab=1"}), "deny")
	if loc := denied.Header.Get("Location"); denied.Status != http.StatusSeeOther || loc != "http://localhost:3000/x?error=access_denied&tab=1" {
		t.Fatalf("deny: %d %s", denied.Status, loc)
	}
	emutest.WantError(t, srv.API(t, http.MethodGet, "/user_management/users/"+emutest.BobID+"/connected_accounts/github", nil), 404, "entity_not_found")
	// Without return_to the page says what happened.
	if r := consent(t, srv, authorize(t, srv, "github", map[string]any{"user_id": emutest.BobID}), "allow"); r.Status != 200 || !strings.Contains(string(r.Body), "is connected") {
		t.Fatalf("allow without return_to: %d %s", r.Status, r.Body)
	}
	// An authorization URL expires.
	late := authorize(t, srv, "github", map[string]any{"user_id": emutest.AliceID})
	srv.Clock().Advance(11 * time.Minute)
	lu, _ := url.Parse(late)
	emutest.WantError(t, srv.Do(t, http.MethodGet, lu.RequestURI(), nil), 400, "invalid_request")
	// A form posted from another site is refused.
	cross := authorize(t, srv, "github", map[string]any{"user_id": emutest.AliceID})
	cu, _ := url.Parse(cross)
	emutest.WantError(t, srv.PostForm(t, cu.Path, url.Values{"state": {cu.Query().Get("state")}, "decision": {"allow"}}, "Sec-Fetch-Site", "cross-site"), 403, "forbidden")

	if r := srv.API(t, http.MethodDelete, "/user_management/users/"+emutest.AliceID+"/connected_accounts/github", nil); r.Status != 204 {
		t.Fatalf("delete: %d %s", r.Status, r.Body)
	}
	if got := token(t, srv, "github", emutest.AliceID); got["error"] != "not_installed" {
		t.Fatalf("after disconnecting: %v", got)
	}
	emutest.WantError(t, srv.API(t, http.MethodDelete, "/user_management/users/"+emutest.AliceID+"/connected_accounts/github", nil), 404, "entity_not_found")
	want := []string{"pipes.connected_account.connected", "pipes.connected_account.connection_failed",
		"pipes.connected_account.connected", "pipes.connected_account.disconnected"}
	if got := eventTypes(t, srv); !slices.Equal(got, want) {
		t.Fatalf("events:\n got %v\nwant %v", got, want)
	}
}

func toStrings(v any) []string {
	var out []string
	for _, s := range v.([]any) {
		out = append(out, s.(string))
	}
	return out
}

// TestReauthorizationNeeded: a provider without refresh tokens leaves an
// expired account needing reauthorization (announced once); connecting
// again through the consent page fixes it.
func TestReauthorizationNeeded(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	consent(t, srv, authorize(t, srv, "slack", map[string]any{"user_id": emutest.AliceID}), "allow")
	tok := token(t, srv, "slack", emutest.AliceID)["access_token"].(map[string]any)
	if tok["expires_at"] != "2026-01-15T12:01:00.000Z" || !slices.Equal(toStrings(tok["scopes"]), []string{"chat:write"}) {
		t.Fatalf("token: %v", tok)
	}
	srv.Clock().Advance(2 * time.Minute)
	for range 2 {
		if got := token(t, srv, "slack", emutest.AliceID); got["active"] != false || got["error"] != "needs_reauthorization" {
			t.Fatalf("expired without refresh: %v", got)
		}
	}
	if got := emutest.WantJSON(t, srv.API(t, http.MethodPost, "/data-integrations/slack/credentials", map[string]any{"user_id": emutest.AliceID}), 200); got["error"] != "needs_reauthorization" {
		t.Fatalf("credentials: %v", got)
	}
	consent(t, srv, authorize(t, srv, "slack", map[string]any{"user_id": emutest.AliceID}), "allow")
	if got := token(t, srv, "slack", emutest.AliceID); got["active"] != true {
		t.Fatalf("reconnected: %v", got)
	}
	want := []string{"pipes.connected_account.connected", "pipes.connected_account.reauthorization_needed", "pipes.connected_account.connected"}
	if got := eventTypes(t, srv); !slices.Equal(got, want) {
		t.Fatalf("events: %v", got)
	}
}

// TestKeyInstallations: API-key and client-credentials integrations take
// their tenants' secrets over the API; credentials vends them (a
// client-credentials token is minted and reused until it expires); the
// OAuth token endpoint refuses them with auth_method_mismatch.
func TestKeyInstallations(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	cred := func(slug, user string) map[string]any {
		t.Helper()
		return emutest.WantJSON(t, srv.API(t, http.MethodPost, "/data-integrations/"+slug+"/credentials", map[string]any{"user_id": user}), 200)
	}
	// Bob's key comes from the fixtures.
	if c := cred("stripe", emutest.BobID)["credential"].(map[string]any); c["auth_method"] != "api_key" || c["value"] != "sk_bob_1234" {
		t.Fatalf("fixture key: %v", c)
	}
	acc := emutest.WantJSON(t, srv.API(t, http.MethodPut, "/data-integrations/stripe/api-key", map[string]any{"user_id": emutest.AliceID, "secret": "sk_alice_9876"}), 200)
	if acc["api_key_last_4"] != "9876" || acc["auth_method"] != "api_key" || acc["state"] != "connected" {
		t.Fatalf("install: %v", acc)
	}
	rotated := emutest.WantJSON(t, srv.API(t, http.MethodPut, "/data-integrations/stripe/api-key", map[string]any{"user_id": emutest.AliceID, "secret": "sk_alice_5555"}), 200)
	if rotated["id"] != acc["id"] || rotated["api_key_last_4"] != "5555" {
		t.Fatalf("rotate: %v", rotated)
	}
	emutest.WantError(t, srv.API(t, http.MethodPost, "/data-integrations/stripe/token", map[string]any{"user_id": emutest.AliceID}), 422, "auth_method_mismatch")
	emutest.WantError(t, srv.API(t, http.MethodPut, "/data-integrations/github/api-key", map[string]any{"user_id": emutest.AliceID, "secret": "x"}), 400, "invalid_request_parameters")
	emutest.WantError(t, srv.API(t, http.MethodPut, "/data-integrations/stripe/api-key", map[string]any{"user_id": "user_01JGK40000000000000000ZZZZ", "secret": "x"}), 404, "entity_not_found")
	emutest.WantError(t, srv.API(t, http.MethodPost, "/data-integrations/stripe/authorize", map[string]any{"user_id": emutest.AliceID}), 400, "invalid_request_parameters")

	cc := emutest.WantJSON(t, srv.API(t, http.MethodPut, "/data-integrations/salesforce/client-credentials", map[string]any{
		"user_id": emutest.AliceID, "client_id": "3MVG9", "client_secret": "cs_abcd", "config": map[string]any{"instance_url": "https://x.my.salesforce.com"}}), 200)
	if cc["client_id"] != "3MVG9" || cc["client_secret_last_4"] != "abcd" || cc["config"].(map[string]any)["instance_url"] == nil {
		t.Fatalf("client credentials: %v", cc)
	}
	c1 := cred("salesforce", emutest.AliceID)["credential"].(map[string]any)
	if c1["auth_method"] != "client_credentials" || c1["expires_at"] != "2026-01-15T13:00:00.000Z" || c1["metadata"] == nil {
		t.Fatalf("vended: %v", c1)
	}
	if c2 := cred("salesforce", emutest.AliceID)["credential"].(map[string]any); c2["value"] != c1["value"] {
		t.Fatal("a valid client-credentials token was replaced")
	}
	srv.Clock().Advance(61 * time.Minute)
	if c3 := cred("salesforce", emutest.AliceID)["credential"].(map[string]any); c3["value"] == c1["value"] {
		t.Fatal("an expired client-credentials token was reused")
	}
	if got := cred("salesforce", emutest.BobID); got["active"] != false || got["error"] != "not_installed" {
		t.Fatalf("not installed: %v", got)
	}
}

// TestImportedAccounts: an app imports tokens it holds; the state follows
// the tokens unless given; a second import is a 409; the data providers
// list shows each enabled integration with the user's account.
func TestImportedAccounts(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	path := "/user_management/users/" + emutest.AliceID + "/connected_accounts/github"
	acc := emutest.WantJSON(t, srv.API(t, http.MethodPost, path, map[string]any{"access_token": "gho_imported", "refresh_token": "ghr_imported",
		"expires_at": "2026-01-15T12:30:00Z", "scopes": []string{"repo"}}), 201)
	if acc["state"] != "connected" || !slices.Equal(toStrings(acc["scopes"]), []string{"repo"}) {
		t.Fatalf("import: %v", acc)
	}
	emutest.WantError(t, srv.API(t, http.MethodPost, path, map[string]any{"access_token": "again"}), 409, "conflict")
	emutest.WantError(t, srv.API(t, http.MethodPost, path, map[string]any{"expires_at": "soon"}), 422, "invalid_request_parameters")
	tok := token(t, srv, "github", emutest.AliceID)["access_token"].(map[string]any)
	if tok["access_token"] != "gho_imported" || !slices.Equal(toStrings(tok["missing_scopes"]), []string{"user:email"}) {
		t.Fatalf("token: %v", tok)
	}
	up := emutest.WantJSON(t, srv.API(t, http.MethodPut, path, map[string]any{"state": "needs_reauthorization"}), 200)
	if up["state"] != "needs_reauthorization" {
		t.Fatalf("update: %v", up)
	}
	emutest.WantError(t, srv.API(t, http.MethodPut, "/user_management/users/"+emutest.BobID+"/connected_accounts/github", map[string]any{}), 404, "entity_not_found")

	list := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/user_management/users/"+emutest.AliceID+"/data_providers", nil), 200)["data"].([]any)
	var slugs []string
	for _, p := range list {
		p := p.(map[string]any)
		slugs = append(slugs, p["slug"].(string))
		if p["slug"] == "github" && p["connected_account"].(map[string]any)["userlandUserId"] != emutest.AliceID {
			t.Fatalf("github provider: %v", p)
		}
		if p["slug"] == "slack" && p["connected_account"] != nil {
			t.Fatalf("slack provider: %v", p)
		}
	}
	if !slices.Equal(slugs, []string{"github", "slack", "stripe", "salesforce", "linear"}) {
		t.Fatalf("providers: %v", slugs)
	}
	want := []string{"pipes.connected_account.connected", "pipes.connected_account.reauthorization_needed"}
	if got := eventTypes(t, srv); !slices.Equal(got, want) {
		t.Fatalf("events: %v", got)
	}
}

// TestIntegrationsAPI: integrations are created for built-in providers
// (with credentials) or custom ones (with a definition), listed by cursor,
// updated (scopes null goes back to the provider's), and deleted with
// their connected accounts, each disconnection announced.
func TestIntegrationsAPI(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	created := emutest.WantJSON(t, srv.API(t, http.MethodPost, "/data-integrations", map[string]any{"provider": "notion", "enabled": true,
		"credentials": map[string]any{"type": "custom", "client_id": "notion_client", "client_secret": "notion_secret_wxyz"}}), 201)
	if created["enabled"] != true || created["credentials"].(map[string]any)["redacted_client_secret"] != "wxyz" || created["custom_provider"] != nil ||
		!strings.HasSuffix(created["redirect_uri"].(string), "/callback") {
		t.Fatalf("create: %v", created)
	}
	emutest.WantError(t, srv.API(t, http.MethodPost, "/data-integrations", map[string]any{"provider": "notion",
		"credentials": map[string]any{"type": "organization"}}), 409, "conflict")
	emutest.WantError(t, srv.API(t, http.MethodPost, "/data-integrations", map[string]any{"provider": "acme-crm"}), 404, "entity_not_found")
	emutest.WantError(t, srv.API(t, http.MethodPost, "/data-integrations", map[string]any{"provider": "box"}), 422, "invalid_request_parameters")
	emutest.WantError(t, srv.API(t, http.MethodPost, "/data-integrations", map[string]any{}), 400, "invalid_request_parameters")
	emutest.WantError(t, srv.API(t, http.MethodPost, "/data-integrations", map[string]any{"provider": "box", "credentials": map[string]any{"type": "custom"}}), 422, "invalid_request_parameters")
	custom := emutest.WantJSON(t, srv.API(t, http.MethodPost, "/data-integrations", map[string]any{"provider": "acme-crm", "enabled": true,
		"credentials":     map[string]any{"type": "custom", "client_id": "c", "client_secret": "s"},
		"custom_provider": map[string]any{"name": "Acme CRM", "authorization_url": "https://crm.test/oauth/authorize", "token_url": "https://crm.test/oauth/token"}}), 201)
	if cp := custom["custom_provider"].(map[string]any); cp["name"] != "Acme CRM" || cp["pkce_enabled"] != true || cp["token_url"] != "https://crm.test/oauth/token" {
		t.Fatalf("custom: %v", custom)
	}
	withKey := emutest.WantJSON(t, srv.API(t, http.MethodPost, "/data-integrations", map[string]any{"provider": "intercom", "auth_methods": []string{"api_key"},
		"api_key": map[string]any{"user_id": emutest.AliceID, "secret": "ic_secret_0001"}}), 201)
	if inst := withKey["installation"].(map[string]any); inst["user_id"] != emutest.AliceID || inst["api_key_last_4"] != "0001" || withKey["credentials"] != nil {
		t.Fatalf("api key integration: %v", withKey)
	}

	page := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/data-integrations?limit=3", nil), 200)
	var slugs []string
	for _, d := range page["data"].([]any) {
		slugs = append(slugs, d.(map[string]any)["slug"].(string))
	}
	if !slices.Equal(slugs, []string{"intercom", "acme-crm", "notion"}) || page["list_metadata"].(map[string]any)["after"] == nil {
		t.Fatalf("list: %v %v", slugs, page["list_metadata"])
	}
	up := emutest.WantJSON(t, srv.API(t, http.MethodPut, "/data-integrations/github", map[string]any{"scopes": []string{"repo", "read:org"}, "description": nil}), 200)
	if !slices.Equal(toStrings(up["scopes"]), []string{"repo", "read:org"}) || up["description"] != nil {
		t.Fatalf("update: %v", up)
	}
	emutest.WantError(t, srv.API(t, http.MethodPut, "/data-integrations/github", map[string]any{"custom_provider": map[string]any{"name": "X"}}), 422, "invalid_request_parameters")
	if reset := emutest.WantJSON(t, srv.API(t, http.MethodPut, "/data-integrations/github", map[string]any{"scopes": nil}), 200); reset["scopes"] != nil {
		t.Fatalf("scopes reset: %v", reset)
	}
	emutest.WantError(t, srv.API(t, http.MethodGet, "/data-integrations/nope", nil), 404, "entity_not_found")

	consent(t, srv, authorize(t, srv, "github", map[string]any{"user_id": emutest.AliceID}), "allow")
	consent(t, srv, authorize(t, srv, "github", map[string]any{"user_id": emutest.BobID, "organization_id": emutest.AcmeID}), "allow")
	if r := srv.API(t, http.MethodDelete, "/data-integrations/github", nil); r.Status != 204 {
		t.Fatalf("delete: %d %s", r.Status, r.Body)
	}
	emutest.WantError(t, srv.API(t, http.MethodGet, "/data-integrations/github", nil), 404, "entity_not_found")
	emutest.WantError(t, srv.API(t, http.MethodPost, "/data-integrations/github/token", map[string]any{"user_id": emutest.AliceID}), 404, "entity_not_found")
	evs := eventTypes(t, srv)
	if got := evs[len(evs)-2:]; !slices.Equal(got, []string{"pipes.connected_account.disconnected", "pipes.connected_account.disconnected"}) {
		t.Fatalf("events: %v", evs)
	}
}

// TestOrganizationConfigurations: an integration whose credentials the
// organizations supply cannot be authorized until the organization
// configures its OAuth app; organizations override enabled and scopes.
func TestOrganizationConfigurations(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	body := map[string]any{"user_id": emutest.AliceID, "organization_id": emutest.AcmeID}
	emutest.WantError(t, srv.API(t, http.MethodPost, "/data-integrations/linear/authorize", body), 400, "invalid_request_parameters")
	base := "/organizations/" + emutest.AcmeID + "/data_integration_configurations"
	emutest.WantError(t, srv.API(t, http.MethodPut, base+"/github", map[string]any{"client_id": "x", "client_secret": "y"}), 422, "invalid_request_parameters")
	emutest.WantError(t, srv.API(t, http.MethodPut, base+"/linear", map[string]any{"client_id": "x"}), 400, "invalid_request_parameters")
	cfg := emutest.WantJSON(t, srv.API(t, http.MethodPut, base+"/linear", map[string]any{"client_id": "lin_client", "client_secret": "lin_secret_7777",
		"scopes": []string{"read", "write"}, "config": map[string]any{"workspace": "acme"}}), 200)
	if cr := cfg["credentials"].(map[string]any); cr["has_credentials"] != true || cr["client_secret_last_four"] != "7777" || cfg["config"].(map[string]any)["workspace"] != "acme" {
		t.Fatalf("configure: %v", cfg)
	}
	r := consent(t, srv, authorize(t, srv, "linear", body), "allow")
	if r.Status != 200 {
		t.Fatalf("consent: %d %s", r.Status, r.Body)
	}
	acc := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/user_management/users/"+emutest.AliceID+"/connected_accounts/linear?organization_id="+emutest.AcmeID, nil), 200)
	if acc["organization_id"] != emutest.AcmeID || !slices.Equal(toStrings(acc["scopes"]), []string{"read", "write"}) {
		t.Fatalf("account: %v", acc)
	}
	// Not connected outside the organization.
	emutest.WantError(t, srv.API(t, http.MethodGet, "/user_management/users/"+emutest.AliceID+"/connected_accounts/linear", nil), 404, "entity_not_found")

	emutest.WantJSON(t, srv.API(t, http.MethodPut, base+"/github", map[string]any{"enabled": false}), 200)
	emutest.WantError(t, srv.API(t, http.MethodPost, "/data-integrations/github/authorize", body), 400, "invalid_request_parameters")
	list := emutest.WantJSON(t, srv.API(t, http.MethodGet, base, nil), 200)["data"].([]any)
	for _, c := range list {
		c := c.(map[string]any)
		if c["slug"] == "github" && c["enabled"] != false {
			t.Fatalf("github for Acme: %v", c)
		}
		if c["slug"] == "stripe" && c["enabled"] != true {
			t.Fatalf("stripe for Acme: %v", c)
		}
	}
	providers := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/user_management/users/"+emutest.AliceID+"/data_providers?organization_id="+emutest.AcmeID, nil), 200)["data"].([]any)
	for _, p := range providers {
		if p.(map[string]any)["slug"] == "github" {
			t.Fatal("an integration disabled for the organization is listed")
		}
	}
	emutest.WantError(t, srv.API(t, http.MethodGet, "/organizations/org_01JGK40000000000000000ZZZZ/data_integration_configurations", nil), 404, "entity_not_found")
}

// TestFixtureAccounts: connected accounts of the fixtures work at once; a
// run-time addition announces its connection; deleting the user takes the
// user's accounts with it.
func TestFixtureAccounts(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0, Fixtures: emutest.Parse(t, world+`
  - slug: gitlab
    connected_accounts:
      - {user_id: `+emutest.AliceID+`, access_token: glpat_pinned, expires_at: 2026-01-15T12:10:00Z}
`)})
	if tok := token(t, srv, "gitlab", emutest.AliceID)["access_token"].(map[string]any); tok["access_token"] != "glpat_pinned" || tok["expires_at"] != "2026-01-15T12:10:00.000Z" {
		t.Fatalf("pinned token: %v", tok)
	}
	if _, err := srv.AddFixtures(t.Context(), []byte(`
data_integrations:
  - slug: dropbox
    connected_accounts: [{user_email: alice@example.com}]
`), "more.yaml"); err != nil {
		t.Fatal(err)
	}
	if got := eventTypes(t, srv); !slices.Equal(got, []string{"pipes.connected_account.connected"}) {
		t.Fatalf("events: %v", got)
	}
	if r := srv.API(t, http.MethodDelete, "/user_management/users/"+emutest.AliceID, nil); r.Status != 200 {
		t.Fatalf("delete user: %d %s", r.Status, r.Body)
	}
	emutest.WantError(t, srv.API(t, http.MethodPost, "/data-integrations/gitlab/token", map[string]any{"user_id": emutest.AliceID}), 404, "entity_not_found")
}
