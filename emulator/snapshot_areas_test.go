package emulator_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// Ids of the world TestSnapshotOfEveryArea builds.
const (
	snapOkta      = "conn_01JGK0000000000000000000S1"
	snapDana      = "prof_01JGK0000000000000000000S1"
	snapGoogle    = "conn_01JGK0000000000000000000S2"
	snapGina      = "prof_01JGK0000000000000000000S2"
	snapDirectory = "directory_01JGK0000000000000000000S1"
	snapAliceOM   = "om_01JGFNY450V3KH57A74VCB7E15"
	snapBobOM     = "om_01JGHT8E1PNQC34TXMB5F06KZ1"
	snapAgent     = "agent_reg_01JGK0000000000000000000S1"
)

// snapAreasWorld is what only fixtures can seed (resource types, flags,
// agent registrations, a connection's identities, a directory), added at
// run time; everything else the test makes over the API.
const snapAreasWorld = `
resource_types:
  - {slug: workspace, name: Workspace}
  - {slug: project, name: Project, parent: workspace}
connections:
  - id: ` + snapOkta + `
    name: Acme Okta
    connection_type: OktaSAML
    organization_id: ` + emutest.AcmeID + `
    profiles:
      - {id: ` + snapDana + `, email: dana@acme.test, first_name: Dana, last_name: Scully, role: admin, groups: [Staff]}
  - {id: ` + snapGoogle + `, connection_type: GoogleOAuth, profiles: [{id: ` + snapGina + `, email: gina@gmail.test, first_name: Gina, idp_id: "1099"}]}
directories:
  - id: ` + snapDirectory + `
    name: Acme SCIM
    organization_id: ` + emutest.AcmeID + `
    groups:
      - {name: Engineering, idp_id: g-eng, role: member}
    users:
      - {idp_id: u-erin, email: erin@acme.test, first_name: Erin, groups: [g-eng], custom_attributes: {department: R&D}}
feature_flags:
  - {slug: new-dashboard, name: New dashboard, tags: [ui]}
  - {slug: beta-search}
data_integrations:
  - {slug: github}
  - {slug: linear, credentials: organization}
agent_registrations:
  - id: ` + snapAgent + `
    organization_id: ` + emutest.GlobexID + `
    api_keys: [{value: sk_agent_snapshot, expires_at: "2027-01-01T00:00:00Z"}]
    claim:
      attempts:
        - {token: cla_tkn_snapshot, login_hint: frank@globex.test}
`

// TestSnapshotOfEveryArea builds a world that touches every product area
// at run time (over the API, the control plane and the hosted pages),
// then checks that its snapshot loads into a world that snapshots to the
// same bytes and answers every area's GETs as the original does.
func TestSnapshotOfEveryArea(t *testing.T) {
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	if _, err := srv.AddFixtures(context.Background(), []byte(snapAreasWorld), "areas.yaml"); err != nil {
		t.Fatal(err)
	}
	const GET, POST, PUT, PATCH, DELETE = http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete
	api := func(status int, method, path string, body any) map[string]any {
		t.Helper()
		return emutest.WantJSON(t, srv.API(t, method, path, body), status)
	}
	control := func(status int, method, path string, body any) map[string]any {
		t.Helper()
		b, _ := json.Marshal(body)
		return emutest.WantJSON(t, srv.Do(t, method, path, bytes.NewReader(b), "Content-Type", "application/json"), status)
	}
	ok := func(method, path string, body any) {
		t.Helper()
		if r := srv.API(t, method, path, body); r.Status < 200 || r.Status > 299 {
			t.Fatalf("%s %s: %d %s", method, path, r.Status, r.Body)
		}
	}
	tick := func() { srv.Clock().Advance(7 * time.Second) } // times tell objects apart
	acme, globex := emutest.AcmeID, emutest.GlobexID

	// SSO: a sign-in with the fixture's identity, and a JIT sign-in with
	// one typed on the IdP page; both sessions name the connection. A
	// sign-in with Google links its identity to a new user.
	b := emutest.NewBrowser(t, srv, emutest.AppCallback)
	b.Visit(snapAuthorize("provider", "GoogleOAuth"))
	snapExchange(t, srv, b.SubmitIdP("action", "profile", "profile_id", snapGina))
	b = emutest.NewBrowser(t, srv, emutest.AppCallback)
	b.Visit(snapAuthorize("connection_id", snapOkta))
	snapExchange(t, srv, b.SubmitIdP("action", "profile", "profile_id", snapDana))
	tick()
	b = emutest.NewBrowser(t, srv, emutest.AppCallback)
	b.Visit(snapAuthorize("connection_id", snapOkta))
	snapExchange(t, srv, b.SubmitIdP("action", "identity", "email", "eve@acme.test", "first_name", "Eve", "last_name", "Polastri"))
	tick()

	// Organization domains: verified and pending by the organization API,
	// and one by DNS, pending; an organization of its own roles.
	initech := api(201, POST, "/organizations", map[string]any{"name": "Initech", "domain_data": []map[string]string{
		{"domain": "initech.test", "state": "verified"}, {"domain": "initrode.test", "state": "pending"}}})["id"].(string)
	dns := api(201, POST, "/organization_domains", map[string]any{"organization_id": globex, "domain": "globex-corp.test"})
	tick()
	api(201, POST, "/authorization/organizations/"+initech+"/roles", map[string]any{"slug": "auditor", "name": "Auditor"})
	api(201, POST, "/authorization/roles", map[string]any{"slug": "workspace-admin", "name": "Workspace admin", "resource_type_slug": "workspace"})
	api(201, POST, "/authorization/permissions", map[string]any{"slug": "workspace:view", "name": "View", "resource_type_slug": "workspace"})
	api(200, POST, "/authorization/roles/workspace-admin/permissions", map[string]any{"slug": "workspace:view"})

	// Directory Sync: a user provisioned by the control plane (a pending
	// membership: its domain is not verified), another deactivated.
	control(201, POST, "/_emulator/directories/"+snapDirectory+"/users", map[string]any{"idp_id": "u-fox", "email": "fox@elsewhere.test",
		"first_name": "Fox", "groups": []string{"g-eng"}, "custom_attributes": map[string]any{"department": "Basement"}})
	tick()
	control(200, PUT, "/_emulator/directories/"+snapDirectory+"/users/u-erin", map[string]any{"state": "inactive"})
	tick()

	// Audit Logs: two schema versions, an event, a year's retention.
	schema := map[string]any{"targets": []any{map[string]any{"type": "invoice"}},
		"metadata": map[string]any{"type": "object", "properties": map[string]any{"amount": map[string]any{"type": "number"}}}}
	api(201, POST, "/audit_logs/actions/invoice.paid/schemas", schema)
	tick()
	schema["actor"] = map[string]any{"metadata": map[string]any{"type": "object"}}
	api(201, POST, "/audit_logs/actions/invoice.paid/schemas", schema)
	api(200, POST, "/audit_logs/events", map[string]any{"organization_id": acme, "event": map[string]any{
		"action": "invoice.paid", "occurred_at": "2026-01-15T11:00:00.000Z", "version": 2,
		"actor":   map[string]any{"id": emutest.AliceID, "type": "user", "name": "Alice", "metadata": map[string]any{"seat": 3}},
		"targets": []any{map[string]any{"id": "inv_1", "type": "invoice"}},
		"context": map[string]any{"location": "203.0.113.7", "user_agent": "Snap/1.0"}, "metadata": map[string]any{"amount": 12.5}}})
	api(200, PUT, "/organizations/"+acme+"/audit_logs_retention", map[string]any{"retention_period_in_days": 365})
	tick()

	// Feature flags: one enabled with an organization and a user targeted.
	api(200, PUT, "/feature-flags/new-dashboard/enable", nil)
	ok(POST, "/feature-flags/new-dashboard/targets/"+globex, nil)
	ok(POST, "/feature-flags/new-dashboard/targets/"+emutest.BobID, nil)
	tick()

	// Vault: an object updated (two versions), another, a data key.
	obj := api(201, POST, "/vault/v1/kv", map[string]any{"name": "api-token", "value": "t0k3n", "key_context": map[string]any{"organization_id": acme}})
	tick()
	api(201, PUT, "/vault/v1/kv/"+obj["id"].(string), map[string]any{"value": "n3w"})
	api(201, POST, "/vault/v1/kv", map[string]any{"name": "second", "value": "v", "key_context": map[string]any{}})
	tick()

	// Pipes: integrations made over the API, accounts connected three
	// ways, an organization's configuration.
	api(201, POST, "/data-integrations", map[string]any{"provider": "notion", "description": "Docs", "enabled": true,
		"credentials": map[string]any{"type": "custom", "client_id": "nc", "client_secret": "ns"}})
	api(201, POST, "/data-integrations", map[string]any{"provider": "acme-crm", "auth_methods": []string{"api_key"},
		"custom_provider": map[string]any{"name": "Acme CRM"}, "api_key": map[string]any{"user_id": emutest.AliceID, "secret": "crm-key-1"}})
	api(201, POST, "/user_management/users/"+emutest.BobID+"/connected_accounts/github?organization_id="+acme,
		map[string]any{"access_token": "gho_x", "refresh_token": "ghr_x", "expires_at": "2026-01-15T13:00:00Z", "scopes": []string{"repo"}})
	// A token given without expiry never expires.
	api(200, PUT, "/user_management/users/"+emutest.BobID+"/connected_accounts/github?organization_id="+acme, map[string]any{"access_token": "gho_y"})
	auth := api(200, POST, "/data-integrations/github/authorize", map[string]any{"user_id": emutest.AliceID, "return_to": "http://localhost:3000/done"})
	u, _ := url.Parse(auth["url"].(string))
	if r := srv.PostForm(t, u.Path, url.Values{"state": {u.Query().Get("state")}, "decision": {"allow"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("consent: %d %s", r.Status, r.Body)
	}
	api(200, PUT, "/organizations/"+acme+"/data_integration_configurations/linear", map[string]any{"client_id": "lin", "client_secret": "lin_secret",
		"scopes": []string{"read"}, "enabled": true})
	tick()

	// API keys of an organization and of a user, one expiring.
	orgKey := api(201, POST, "/organizations/"+acme+"/api_keys", map[string]any{"name": "CI", "permissions": []string{"users:read"}})
	api(201, POST, "/user_management/users/"+emutest.AliceID+"/api_keys", map[string]any{"name": "Alice CLI", "organization_id": acme})
	api(200, POST, "/api_keys/"+orgKey["id"].(string)+"/expire", map[string]any{"expires_at": "2031-01-01T00:00:00Z"})
	api(200, POST, "/api_keys/validations", map[string]any{"value": orgKey["value"]})
	tick()

	// Connect: an application with two client secrets and its second
	// redirect URI as the default; a secret used.
	app := api(201, POST, "/connect/applications", map[string]any{"name": "Partner portal", "application_type": "oauth", "is_first_party": true,
		"redirect_uris": []map[string]any{{"uri": "http://localhost:4000/a"}, {"uri": "http://localhost:4000/b", "default": true}}})
	tick()
	api(201, POST, "/connect/applications/"+app["id"].(string)+"/client_secrets", map[string]any{})
	tick()
	api(201, POST, "/connect/applications/"+app["id"].(string)+"/client_secrets", map[string]any{})
	emutest.WantJSON(t, srv.ClientCredentials(t, emutest.M2MClientID, "demo_m2m_secret", nil), http.StatusOK)
	tick()

	// Fine-Grained Authorization: resources, a group with members and a
	// role on a resource, a direct assignment, an organization role by
	// assignment.
	ws := api(201, POST, "/authorization/resources", map[string]any{"organization_id": acme, "resource_type_slug": "workspace",
		"external_id": "engineering", "name": "Engineering"})["id"].(string)
	api(201, POST, "/authorization/resources", map[string]any{"organization_id": acme, "resource_type_slug": "project",
		"external_id": "web", "name": "Web", "parent_resource_id": ws})
	grp := api(201, POST, "/organizations/"+acme+"/groups", map[string]any{"name": "Engineers", "description": "Ship it"})["id"].(string)
	api(200, POST, "/organizations/"+acme+"/groups/"+grp+"/organization-memberships", map[string]any{"organization_membership_id": snapAliceOM})
	tick()
	api(201, POST, "/authorization/groups/"+grp+"/role_assignments", map[string]any{"role_slug": "workspace-admin", "resource_id": ws})
	api(200, POST, "/organizations/"+acme+"/groups/"+grp+"/organization-memberships", map[string]any{"organization_membership_id": snapBobOM})
	api(201, POST, "/authorization/organization_memberships/"+snapBobOM+"/role_assignments", map[string]any{"role_slug": "workspace-admin", "resource_id": ws})
	api(201, POST, "/authorization/organization_memberships/"+snapBobOM+"/role_assignments",
		map[string]any{"role_slug": "admin", "resource_type_slug": "organization", "resource_external_id": acme})
	tick()

	// Agents: the application links a user to a claim attempt.
	api(200, PATCH, "/agents/claims/attempts", map[string]any{"type": "link_external_user", "claim_attempt_token": "cla_tkn_snapshot",
		"user": map[string]any{"email": "frank@globex.test", "external_id": "ext-frank"}})

	// The environment's lists: a redirect URI added and one removed, a
	// CORS origin, a Radar block list; a webhook endpoint.
	api(201, POST, "/user_management/redirect_uris", map[string]any{"uri": "https://app.example.com/callback"})
	redirects := api(200, GET, "/user_management/redirect_uris?order=asc", nil)["data"].([]any)
	ok(DELETE, "/user_management/redirect_uris/"+redirects[1].(map[string]any)["id"].(string), nil)
	api(201, POST, "/user_management/cors_origins", map[string]any{"origin": "https://app.example.com"})
	ok(POST, "/radar/lists/ip_address/block", map[string]any{"entry": "198.51.100.0/24"})
	api(201, POST, "/webhook_endpoints", map[string]any{"endpoint_url": "http://127.0.0.1:1/hooks", "events": []string{"user.created"}})
	tick()

	s1 := snapshotOf(t, srv)
	back := load(t, s1)
	if s2 := snapshotOf(t, back); !bytes.Equal(s1, s2) {
		t.Fatalf("load -> snapshot is not the same bytes:\n%s", lineDiff(s1, s2))
	}

	users := emutest.WantJSON(t, srv.API(t, GET, "/user_management/users?limit=100", nil), 200)["data"].([]any)
	userOf := func(email string) string {
		for _, u := range users {
			if u.(map[string]any)["email"] == email {
				return u.(map[string]any)["id"].(string)
			}
		}
		t.Fatalf("no user %s", email)
		return ""
	}
	dana, eve, gina := userOf("dana@acme.test"), userOf("eve@acme.test"), userOf("gina@gmail.test")
	du := emutest.WantJSON(t, srv.API(t, GET, "/directory_users?directory="+snapDirectory, nil), 200)["data"].([]any)
	paths := []string{
		"/user_management/users?limit=100", "/user_management/users/" + dana + "/identities", "/user_management/users/" + eve + "/identities",
		"/user_management/users/" + gina + "/identities",
		"/user_management/users/" + eve + "/sessions", "/user_management/organization_memberships?organization_id=" + acme,
		"/user_management/organization_memberships?organization_id=" + initech, "/user_management/invitations",
		"/organizations?limit=100", "/organization_domains/" + dns["id"].(string), "/organizations/" + initech + "/roles",
		"/authorization/roles", "/authorization/permissions", "/connections", "/connections/" + snapOkta,
		"/directories", "/directory_users?directory=" + snapDirectory, "/directory_groups?directory=" + snapDirectory,
		"/directory_users/" + du[0].(map[string]any)["id"].(string),
		"/audit_logs/actions", "/audit_logs/actions/invoice.paid/schemas", "/organizations/" + acme + "/audit_logs_retention",
		"/feature-flags", "/organizations/" + globex + "/feature-flags", "/user_management/users/" + emutest.BobID + "/feature-flags",
		"/vault/v1/kv", "/vault/v1/kv/" + obj["id"].(string) + "/versions", "/vault/v1/kv/" + obj["id"].(string) + "/metadata",
		"/data-integrations", "/user_management/users/" + emutest.AliceID + "/data_providers",
		"/user_management/users/" + emutest.BobID + "/connected_accounts/github?organization_id=" + acme,
		"/organizations/" + acme + "/data_integration_configurations",
		"/organizations/" + acme + "/api_keys", "/user_management/users/" + emutest.AliceID + "/api_keys",
		"/connect/applications", "/connect/applications/" + app["id"].(string) + "/client_secrets",
		"/user_management/users/" + emutest.AliceID + "/authorized_applications",
		"/authorization/resources?organization_id=" + acme, "/authorization/resources/" + ws + "/role_assignments",
		"/authorization/organization_memberships/" + snapBobOM + "/role_assignments",
		"/authorization/organization_memberships/" + snapAliceOM + "/role_assignments",
		"/organizations/" + acme + "/groups", "/organizations/" + acme + "/groups/" + grp + "/organization-memberships",
		"/authorization/groups/" + grp + "/role_assignments", "/agents/registrations/" + snapAgent,
		"/user_management/redirect_uris", "/user_management/cors_origins", "/webhook_endpoints", "/user_management/jwt_template",
	}
	for _, p := range paths {
		want, got := srv.API(t, GET, p, nil), back.API(t, GET, p, nil)
		if want.Status != 200 || got.Status != want.Status || !bytes.Equal(got.Body, want.Body) {
			t.Errorf("GET %s after the load:\n got %d %s\nwant %d %s", p, got.Status, got.Body, want.Status, want.Body)
		}
	}
	// Behaviour the lists do not show: API keys, a connected account's
	// token, a client secret, the Radar list, the agent's key.
	for _, v := range []string{orgKey["value"].(string), "sk_agent_snapshot"} {
		path := "/api_keys/validations"
		body := map[string]any{"value": v}
		if strings.HasPrefix(v, "sk_agent") {
			path, body = "/agents/credentials/validate", map[string]any{"type": "api_key", "credential": v}
		}
		want, got := srv.API(t, POST, path, body), back.API(t, POST, path, body)
		if !bytes.Equal(got.Body, want.Body) {
			t.Errorf("POST %s %s after the load:\n got %s\nwant %s", path, v, got.Body, want.Body)
		}
	}
	token := map[string]any{"user_id": emutest.BobID, "organization_id": acme}
	if want, got := srv.API(t, POST, "/data-integrations/github/token", token), back.API(t, POST, "/data-integrations/github/token", token); !bytes.Equal(got.Body, want.Body) {
		t.Errorf("github token after the load:\n got %s\nwant %s", got.Body, want.Body)
	}
	attempt := map[string]any{"ip_address": "198.51.100.7", "user_agent": "x", "email": "alice@example.com", "auth_method": "Password", "action": "sign-in"}
	if got := emutest.WantJSON(t, back.API(t, POST, "/radar/attempts", attempt), 200); got["verdict"] != "block" {
		t.Errorf("the Radar block list did not survive: %v", got)
	}
}

func snapAuthorize(kv ...string) string {
	q := url.Values{"client_id": {emutest.EnvClientID}, "redirect_uri": {emutest.AppCallback}, "response_type": {"code"}, "state": {"s"}}
	for i := 0; i+1 < len(kv); i += 2 {
		q.Set(kv[i], kv[i+1])
	}
	return "/user_management/authorize?" + q.Encode()
}

func snapExchange(t *testing.T, srv *emutest.Server, callback string) map[string]any {
	t.Helper()
	q := emutest.CallbackParams(t, callback)
	if q.Get("code") == "" {
		t.Fatalf("callback %v", q)
	}
	return emutest.SignedIn(t, srv.Authenticate(t, map[string]any{"grant_type": "authorization_code", "code": q.Get("code")}))
}

// lineDiff shows the first lines where two documents differ.
func lineDiff(a, b []byte) string {
	la, lb := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	var out []string
	for i := 0; i < max(len(la), len(lb)) && len(out) < 40; i++ {
		var x, y string
		if i < len(la) {
			x = la[i]
		}
		if i < len(lb) {
			y = lb[i]
		}
		if x != y {
			out = append(out, "- "+x, "+ "+y)
		}
	}
	return strings.Join(out, "\n")
}

// The state fields a hand-written fixture gives are honoured (the valid
// example of docs/fixtures.md), and an addition at run time cannot take a
// domain another organization has.
func TestFixtureStateFields(t *testing.T) {
	data, err := os.ReadFile("../fixtures/testdata/valid/snapshot_state.yaml")
	if err != nil {
		t.Fatal(err)
	}
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0, Fixtures: emutest.Parse(t, string(data))})
	get := func(path string) map[string]any {
		t.Helper()
		return emutest.WantJSON(t, srv.API(t, http.MethodGet, path, nil), http.StatusOK)
	}
	const acme = "org_01HRDMC6CM357W30QMHMQ96Q0S"
	domains := get("/organizations/" + acme)["domains"].([]any)
	if len(domains) != 2 || domains[1].(map[string]any)["state"] != "pending" || domains[1].(map[string]any)["verification_token"] != "uTPomf1yaDJM5YeIJlqi1pGHs" ||
		domains[1].(map[string]any)["id"] != "org_domain_01KF0RE55G8282JXJ4AF3W47ZE" {
		t.Errorf("domains %v", domains)
	}
	var secrets []map[string]any
	if err := json.Unmarshal(srv.API(t, http.MethodGet, "/connect/applications/client_01KF0RG9H0VDREHTTHBRGJD9K0/client_secrets", nil).Body, &secrets); err != nil ||
		len(secrets) != 2 || secrets[0]["last_used_at"] != "2026-01-15T12:02:00.000Z" || secrets[0]["id"] != "secret_01KF0RGGBRGF2HTCKT5MBNGJ4N" {
		t.Errorf("client secrets %v (%v)", secrets, err)
	}
	if inv := get("/user_management/invitations")["data"].([]any); len(inv) != 1 || inv[0].(map[string]any)["token"] != "Pdq2JBQGWjvT0nt2Zn5XsWmvk" {
		t.Errorf("invitations %v", inv)
	}
	if v := emutest.WantJSON(t, srv.API(t, http.MethodPost, "/api_keys/validations", map[string]any{"value": "sk_alice_cli_1"}), 200); v["api_key"] == nil {
		t.Errorf("the user's key does not validate: %v", v)
	}
	if r := get("/organizations/" + acme + "/audit_logs_retention"); r["retention_period_in_days"] != float64(365) {
		t.Errorf("retention %v", r)
	}
	if _, err := srv.AddFixtures(context.Background(), []byte("organizations: [{name: Copycat, domains: [ACME.test]}]\n"), "late.yaml"); err == nil ||
		!strings.Contains(err.Error(), "domains[0]: duplicate of organizations[0]") {
		t.Errorf("a taken domain added at run time: %v", err)
	}
	emutest.WantJSON(t, srv.API(t, http.MethodPost, "/organization_domains", map[string]any{"organization_id": acme, "domain": "api-made.test"}), 201)
	if _, err := srv.AddFixtures(context.Background(), []byte("organizations: [{name: Copycat, domain_data: [{domain: api-made.test, state: pending}]}]\n"), "late.yaml"); err == nil ||
		!strings.Contains(err.Error(), "domain api-made.test already belongs to organization "+acme) {
		t.Errorf("a domain made over the API, added at run time: %v", err)
	}
}
