package inspector_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// productWorld adds a record of every product area to the default world,
// with a secret in each place one can hide (the secrets below).
const productWorld = `
organizations:
  - id: org_01JGK1N1T3CH00000000000001
    name: Initech
    domains: [initech.test]
    api_keys:
      - {name: CI, value: sk_test_initech_key_value_0001, permissions: [reports:read]}
connections:
  - id: conn_01JGK0000000000000000000A1
    name: Acme Okta
    connection_type: OktaSAML
    organization_id: org_01JGJ5PDQQYSQW43DAPDSPEJEY
    state: active
    domains: [acme.test]
    profiles:
      - {email: dana@acme.test, first_name: Dana, last_name: Scully, idp_id: "00u1abc"}
  - id: conn_01JGK0000000000000000000B2
    name: Google
    connection_type: GoogleOAuth
    state: inactive
directories:
  - id: directory_01JGK00000000000000000D1R1
    name: Acme Directory
    organization_id: org_01JGJ5PDQQYSQW43DAPDSPEJEY
    type: okta scim v2.0
    groups: [{idp_id: g-eng, name: Engineering, role: admin}]
    users: [{idp_id: u-dana, email: dana@acme.test, first_name: Dana, last_name: Scully, groups: [g-eng]}]
audit_log_actions:
  - name: invoice.paid
    targets: [{type: invoice}]
feature_flags:
  - slug: new-dashboard
    name: New dashboard
    enabled: true
    organizations: [org_01JGJ5PDQQYSQW43DAPDSPEJEY]
    users: [user_01JGH00N0CRRAQG5E1V2EYRQ68]
  - slug: dark-mode
    enabled: false
sessions:
  - id: app_consent_01JGK0000000000000000000C1
    user_id: user_01JGJD97DGZV5Z4G8RCP6SJ6C5
    organization_id: org_01JGJ5PDQQYSQW43DAPDSPEJEY
    client_id: client_01JGH0H56WFYWEDS7QGWCX2YT4
    refresh_token: bob_connect_refresh_token_secret_1
resource_types:
  - {slug: workspace, name: Workspace}
roles:
  - slug: workspace-admin
    name: Workspace admin
    resource_type_slug: workspace
    permissions: [workspace:edit]
resources:
  - id: authz_resource_01JGK0ENGWS0000000000000A1
    organization_id: org_01JGJ5PDQQYSQW43DAPDSPEJEY
    resource_type_slug: workspace
    external_id: engineering
    name: Engineering
groups:
  - id: group_01JGK0ENGGRP00000000000001
    organization_id: org_01JGJ5PDQQYSQW43DAPDSPEJEY
    name: Engineers
    organization_memberships: [om_01JGHT8E1PNQC34TXMB5F06KZ1]
role_assignments:
  - group_id: group_01JGK0ENGGRP00000000000001
    role_slug: workspace-admin
    resource_id: authz_resource_01JGK0ENGWS0000000000000A1
agent_registrations:
  - id: agent_reg_01JGK0000000000000000000A1
    organization_id: org_01JGJ5PDQQYSQW43DAPDSPEJEY
    kind: service_auth
    api_keys: [{value: sk_agent_secret_value_0001}]
    claim:
      attempts:
        - {token: cla_tkn_secret_token_0001, login_hint: newcomer@example.com, user_code: BCDF-GHJK}
vault_objects:
  - name: stripe-api-key
    value: vault_secret_value_0001
    key_context: {organization_id: org_01JGJ5PDQQYSQW43DAPDSPEJEY}
data_integrations:
  - slug: github
    connected_accounts:
      - {user_email: alice@example.com, access_token: gho_secret_access_token_0001, refresh_token: ghr_secret_refresh_token_0001}
  - slug: stripe
    auth_methods: [api_key]
    connected_accounts:
      - {user_email: alice@example.com, api_key: sk_alice_secret_api_key_0001}
webhook_endpoints:
  - endpoint_url: http://app.test/webhooks
    secret: whsec_secret_endpoint_value_0001
    events: [user.created]
`

// secrets are every secret productWorld (and the default world) holds:
// no panel row, detail or search shows them.
var secrets = []string{"sk_test_initech_key_value_0001", "bob_connect_refresh_token_secret_1", "sk_agent_secret_value_0001",
	"cla_tkn_secret_token_0001", "vault_secret_value_0001", "gho_secret_access_token_0001", "ghr_secret_refresh_token_0001",
	"sk_alice_secret_api_key_0001", "whsec_secret_endpoint_value_0001", "demo_oauth_secret", "demo_m2m_secret", "wonderland"}

func productServer(t *testing.T) *emutest.Server {
	t.Helper()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	if _, err := srv.AddFixtures(context.Background(), []byte(productWorld), "products.yaml"); err != nil {
		t.Fatal(err)
	}
	// An audit event and a CORS origin come through the API.
	emutest.WantJSON(t, srv.API(t, http.MethodPost, "/audit_logs/events", map[string]any{"organization_id": emutest.AcmeID, "event": map[string]any{
		"action": "invoice.paid", "occurred_at": "2026-01-10T09:00:00Z",
		"actor":   map[string]any{"id": emutest.AliceID, "type": "user", "name": "Alice"},
		"targets": []any{map[string]any{"id": "inv_1", "type": "invoice", "name": "Invoice One"}},
		"context": map[string]any{"location": "203.0.113.7"}}}), 200)
	emutest.WantJSON(t, srv.API(t, http.MethodPost, "/user_management/cors_origins", map[string]any{"origin": "http://localhost:5173"}), 201)
	return srv
}

// act performs a row action as the page does: its method, path and JSON
// body, against the control plane.
func act(t *testing.T, srv *emutest.Server, rows rows, rowID, label string) emutest.Response {
	t.Helper()
	for _, r := range rows.Rows {
		if r.ID != rowID {
			continue
		}
		for _, a := range r.Actions {
			if a.Label == label {
				var body *bytes.Reader
				if len(a.Body) > 0 {
					body = bytes.NewReader(a.Body)
				} else {
					body = bytes.NewReader(nil)
				}
				return srv.Do(t, a.Method, a.Path, body, "Content-Type", "application/json")
			}
		}
		t.Fatalf("row %s has no action %q: %+v", rowID, label, r.Actions)
	}
	t.Fatalf("no row %s: %+v", rowID, rows)
	return emutest.Response{}
}

// TestEveryPanelEveryRowNoSecret: every panel belongs to a group of the
// tab list; every row of every panel opens its detail; and no row, detail
// or search result shows a secret of the world.
func TestEveryPanelEveryRowNoSecret(t *testing.T) {
	srv := productServer(t)
	r := srv.Do(t, http.MethodGet, "/_emulator/ui/api/panels", nil)
	var list struct {
		Panels []struct {
			ID, Group string
			Count     int
		}
	}
	if r.Status != 200 || json.Unmarshal(r.Body, &list) != nil {
		t.Fatalf("panels: %d %s", r.Status, r.Body)
	}
	want := []string{"connections", "domains", "directories", "directory_users", "directory_groups", "audit_actions", "audit_events",
		"flags", "api_keys", "applications", "authorized_applications", "resources", "role_assignments", "groups", "radar", "agents",
		"vault", "data_integrations", "connected_accounts", "redirect_uris", "cors_origins", "webhook_endpoints"}
	seen := map[string]int{}
	for _, p := range list.Panels {
		if p.Group == "" {
			t.Errorf("panel %s has no group", p.ID)
		}
		seen[p.ID] = p.Count
	}
	for _, id := range want {
		if id != "radar" && seen[id] == 0 {
			t.Errorf("panel %s: %d rows, want some", id, seen[id])
		}
	}
	var all bytes.Buffer
	for _, p := range list.Panels {
		got := getRows(t, srv, "/_emulator/ui/api/panels/"+p.ID)
		raw, _ := json.Marshal(got)
		all.Write(raw)
		for _, row := range got.Rows {
			r := srv.Do(t, http.MethodGet, "/_emulator/ui/api/panels/"+p.ID+"/rows/"+url.PathEscape(row.ID), nil)
			if r.Status != 200 {
				t.Errorf("%s row %s: %d %s", p.ID, row.ID, r.Status, r.Body)
			}
			all.Write(r.Body)
		}
	}
	for _, s := range secrets {
		if bytes.Contains(all.Bytes(), []byte(s)) {
			i := bytes.Index(all.Bytes(), []byte(s))
			t.Errorf("a panel shows the secret %q: …%s…", s, all.Bytes()[max(0, i-200):i+len(s)])
		}
		for id, n := range counts(t, srv, s) {
			if n != 0 {
				t.Errorf("searching the secret %q finds %d rows of %s", s, n, id)
			}
		}
	}
	// What stands in for them: hints as WorkOS shows them, marks.
	for _, c := range []struct{ panel, id, want string }{
		{"connected_accounts", "", `"access_token":"[REDACTED]"`},
		{"vault", "", `"value":"[REDACTED]"`},
		{"api_keys", "", `"obfuscated_value":"sk_test_...0001"`},
		{"webhook_endpoints", "", `"secret":"…0001"`},
		{"applications", "", `"secret_hint":"cret"`},
	} {
		if !bytes.Contains(all.Bytes(), []byte(c.want)) {
			t.Errorf("%s: no %s", c.panel, c.want)
		}
	}
}

// TestSearchFindsProductRows: an e-mail or id finds the records of every
// area that mention it, directly or through the user or organization they
// belong to.
func TestSearchFindsProductRows(t *testing.T) {
	srv := productServer(t)
	c := counts(t, srv, "DANA@acme.test")
	if c["connections"] != 1 || c["directory_users"] != 1 || c["directory_groups"] != 1 || c["users"] != 1 || c["memberships"] != 1 {
		t.Fatalf("dana: %v", c)
	}
	c = counts(t, srv, "alice@example.com")
	if c["flags"] != 1 || c["connected_accounts"] != 2 || c["audit_events"] != 1 || c["role_assignments"] != 1 || c["agents"] != 0 {
		t.Fatalf("alice by e-mail: %v", c)
	}
	c = counts(t, srv, emutest.AliceID)
	if c["flags"] != 1 || c["connected_accounts"] != 2 || c["audit_events"] != 1 || c["role_assignments"] != 1 {
		t.Fatalf("alice by id: %v", c)
	}
	c = counts(t, srv, "bob@example.com")
	if c["authorized_applications"] != 1 || c["groups"] != 1 || c["role_assignments"] != 3 {
		// Bob: member of Acme and Globex (organization roles), and the
		// group's workspace-admin on Engineering.
		t.Fatalf("bob: %v", c)
	}
	c = counts(t, srv, "Initech")
	if c["api_keys"] != 1 || c["domains"] != 1 || c["organizations"] != 1 {
		t.Fatalf("Initech: %v", c)
	}
	c = counts(t, srv, "newcomer@example.com")
	if c["agents"] != 1 {
		t.Fatalf("claim hint: %v", c)
	}
	// A directory's id finds its users and groups.
	c = counts(t, srv, "directory_01JGK00000000000000000D1R1")
	if c["directories"] != 1 || c["directory_users"] != 1 || c["directory_groups"] != 1 {
		t.Fatalf("directory: %v", c)
	}

	du := getRows(t, srv, "/_emulator/ui/api/panels/directory_users")
	if du.Total != 1 || du.Rows[0].Cells[5] != "dana@acme.test" || du.Rows[0].Status != "active" {
		t.Fatalf("directory user linked to its AuthKit user: %+v", du)
	}
	d := detail(t, srv, "directory_users", du.Rows[0].ID)
	if d["authkit_user"].(map[string]any)["email"] != "dana@acme.test" || d["directory_user"].(map[string]any)["authkit_user_id"] == nil {
		t.Fatalf("directory user detail: %v", d)
	}
	ae := getRows(t, srv, "/_emulator/ui/api/panels/audit_events?action=invoice.paid")
	if ae.Total != 1 || ae.Rows[0].Cells[2] != "Acme" || !strings.Contains(ae.Rows[0].Cells[4], "Alice") {
		t.Fatalf("audit events: %+v", ae)
	}
	if got := getRows(t, srv, "/_emulator/ui/api/panels/audit_events?q=Invoice+One"); got.Total != 1 {
		t.Fatalf("audit event by target name: %+v", got)
	}
	if d := detail(t, srv, "audit_events", ae.Rows[0].ID); d["actor"].(map[string]any)["name"] != "Alice" || d["organization"] != "Acme" {
		t.Fatalf("audit event detail: %v", d)
	}
	flags := getRows(t, srv, "/_emulator/ui/api/panels/flags?state=enabled")
	if flags.Total != 1 || flags.Rows[0].Cells[3] != "Acme" || flags.Rows[0].Cells[4] != "alice@example.com" {
		t.Fatalf("flags: %+v", flags)
	}
	if n := getRows(t, srv, "/_emulator/ui/api/panels/api_keys?owner=user").Total; n != 0 {
		t.Fatalf("%d user keys", n)
	}
}

// TestConnectionActions: an active connection offers Deactivate, an
// inactive one Activate; each is the control route that emits the
// connection's event.
func TestConnectionActions(t *testing.T) {
	srv := productServer(t)
	const okta, google = "conn_01JGK0000000000000000000A1", "conn_01JGK0000000000000000000B2"
	got := getRows(t, srv, "/_emulator/ui/api/panels/connections")
	if got.Total != 2 || got.Rows[0].ID != google || got.Rows[0].Status != "inactive" || got.Rows[1].Cells[4] != "acme.test" || got.Rows[1].Cells[5] != "1" {
		t.Fatalf("connections: %+v", got)
	}
	emutest.WantJSON(t, act(t, srv, got, okta, "Deactivate"), 200)
	emutest.WantJSON(t, act(t, srv, got, google, "Activate"), 200)
	got = getRows(t, srv, "/_emulator/ui/api/panels/connections?state=active")
	if got.Total != 1 || got.Rows[0].ID != google || got.Rows[0].Actions[0].Label != "Deactivate" {
		t.Fatalf("after the actions: %+v", got)
	}
	// The fixture's activation, then the action's deactivation.
	if ev := getRows(t, srv, "/_emulator/ui/api/panels/events?q="+okta); ev.Total != 2 || ev.Rows[0].Cells[1] != "connection.deactivated" {
		t.Fatalf("events: %+v", ev)
	}
	d := detail(t, srv, "connections", okta)
	if d["connection"].(map[string]any)["state"] != "inactive" || d["profiles"].([]any)[0].(map[string]any)["profile"].(map[string]any)["email"] != "dana@acme.test" {
		t.Fatalf("detail: %v", d)
	}
}

// TestDomainVerificationAction: a domain's row says how its verification
// will end and flips it through the control route; verification obeys.
func TestDomainVerificationAction(t *testing.T) {
	srv := productServer(t)
	dom := emutest.WantJSON(t, srv.API(t, http.MethodPost, "/organization_domains", map[string]any{"organization_id": emutest.AcmeID, "domain": "acme-two.test"}), 201)
	id := dom["id"].(string)
	got := getRows(t, srv, "/_emulator/ui/api/panels/domains?state=pending")
	if got.Total != 1 || got.Rows[0].ID != id || got.Rows[0].Cells[4] != "succeeds" {
		t.Fatalf("pending domains: %+v", got)
	}
	emutest.WantJSON(t, act(t, srv, got, id, "Make verification fail"), 200)
	got = getRows(t, srv, "/_emulator/ui/api/panels/domains?q=acme-two")
	if got.Rows[0].Cells[4] != "fails (control plane)" || got.Rows[0].Actions[0].Label != "Make verification succeed" {
		t.Fatalf("after the switch: %+v", got)
	}
	emutest.WantJSON(t, srv.API(t, http.MethodPost, "/organization_domains/"+id+"/verify", nil), 201)
	if got := getRows(t, srv, "/_emulator/ui/api/panels/domains?state=failed"); got.Total != 1 || got.Rows[0].ID != id {
		t.Fatalf("failed domains: %+v", got)
	}
	if d := detail(t, srv, "domains", id); d["verification_outcome"] != "fail" || d["organization"] != "Acme" {
		t.Fatalf("detail: %v", d)
	}
}

// TestDirectoryActions: a directory user is deactivated, reactivated and
// deprovisioned from its row, as its identity provider would; a group is
// deleted from its row.
func TestDirectoryActions(t *testing.T) {
	srv := productServer(t)
	users := getRows(t, srv, "/_emulator/ui/api/panels/directory_users")
	id := users.Rows[0].ID
	emutest.WantJSON(t, act(t, srv, users, id, "Deactivate"), 200)
	users = getRows(t, srv, "/_emulator/ui/api/panels/directory_users?state=inactive")
	if users.Total != 1 || users.Rows[0].Actions[0].Label != "Reactivate" {
		t.Fatalf("deactivated: %+v", users)
	}
	if m := getRows(t, srv, "/_emulator/ui/api/panels/memberships?q=dana@acme.test"); m.Rows[0].Status != "inactive" {
		t.Fatalf("the provisioned membership: %+v", m)
	}
	emutest.WantJSON(t, act(t, srv, users, id, "Reactivate"), 200)
	users = getRows(t, srv, "/_emulator/ui/api/panels/directory_users?state=active")
	if users.Total != 1 {
		t.Fatalf("reactivated: %+v", users)
	}
	if r := act(t, srv, users, id, "Deprovision"); r.Status != 204 {
		t.Fatalf("deprovision: %d %s", r.Status, r.Body)
	}
	if n := getRows(t, srv, "/_emulator/ui/api/panels/directory_users").Total; n != 0 {
		t.Fatalf("%d directory users after deprovisioning", n)
	}
	groups := getRows(t, srv, "/_emulator/ui/api/panels/directory_groups")
	if groups.Total != 1 || groups.Rows[0].Cells[4] != "admin" {
		t.Fatalf("groups: %+v", groups)
	}
	if r := act(t, srv, groups, groups.Rows[0].ID, "Delete"); r.Status != 204 {
		t.Fatalf("delete group: %d %s", r.Status, r.Body)
	}
	if d := getRows(t, srv, "/_emulator/ui/api/panels/directories"); d.Rows[0].Cells[4] != "0" || d.Rows[0].Cells[5] != "0" || d.Rows[0].Status != "linked" {
		t.Fatalf("directory: %+v", d)
	}
}

// TestRadarPanel: the switch set from the panel's form shows on top with
// how many attempts it still overrides, list entries follow, then the
// attempts with their verdicts; clearing the switch is a row action.
func TestRadarPanel(t *testing.T) {
	srv := productServer(t)
	if r := srv.API(t, http.MethodPost, "/radar/lists/ip_address/block", map[string]any{"entry": "198.51.100.0/24"}); r.Status != 204 {
		t.Fatalf("list: %d %s", r.Status, r.Body)
	}
	emutest.WantJSON(t, srv.PostJSON(t, "/_emulator/radar", map[string]any{"verdict": "challenge", "count": 2}), 200)
	emutest.WantJSON(t, srv.API(t, http.MethodPost, "/radar/attempts", map[string]any{"ip_address": "203.0.113.2", "user_agent": "ua",
		"email": "bob@example.com", "auth_method": "Password", "action": "sign-in"}), 200)
	got := getRows(t, srv, "/_emulator/ui/api/panels/radar")
	if got.Total != 3 || got.Rows[0].ID != "switch" || got.Rows[0].Cells[2] != "the next attempt" || got.Rows[0].Status != "challenge" ||
		got.Rows[1].Cells[2] != "198.51.100.0/24" || got.Rows[1].Status != "block" || got.Rows[2].Status != "challenge" || got.Rows[2].Cells[2] != "bob@example.com" {
		t.Fatalf("radar: %+v", got)
	}
	for _, row := range got.Rows {
		detail(t, srv, "radar", row.ID) // the list entry's id has a slash
	}
	if n := getRows(t, srv, "/_emulator/ui/api/panels/radar?q=bob@example.com&kind=attempt").Total; n != 1 {
		t.Fatalf("%d attempts of bob", n)
	}
	if r := act(t, srv, got, "switch", "Clear"); r.Status != 204 {
		t.Fatalf("clear: %d %s", r.Status, r.Body)
	}
	if got := getRows(t, srv, "/_emulator/ui/api/panels/radar?kind=switch"); got.Total != 0 {
		t.Fatalf("the switch is still there: %+v", got)
	}
}

// TestAgentClaimAction: once the application linked a user to a claim
// attempt, the registration's row completes the claim with the attempt's
// user code, as the agent would; the registration is then verified.
func TestAgentClaimAction(t *testing.T) {
	srv := productServer(t)
	const reg = "agent_reg_01JGK0000000000000000000A1"
	got := getRows(t, srv, "/_emulator/ui/api/panels/agents")
	if got.Total != 1 || got.Rows[0].Status != "unverified" || len(got.Rows[0].Actions) != 0 || !strings.HasPrefix(got.Rows[0].Cells[4], "pending") {
		t.Fatalf("agents: %+v", got)
	}
	emutest.WantJSON(t, srv.API(t, http.MethodPatch, "/agents/claims/attempts", map[string]any{"type": "link_external_user",
		"claim_attempt_token": "cla_tkn_secret_token_0001", "user": map[string]any{"email": "newcomer@example.com", "external_id": "ext-new"}}), 200)
	got = getRows(t, srv, "/_emulator/ui/api/panels/agents")
	emutest.WantJSON(t, act(t, srv, got, reg, "Complete claim"), 200)
	got = getRows(t, srv, "/_emulator/ui/api/panels/agents?status=verified")
	if got.Total != 1 || got.Rows[0].Cells[3] != "newcomer@example.com" || got.Rows[0].Cells[4] != "claimed" || len(got.Rows[0].Actions) != 0 {
		t.Fatalf("after the claim: %+v", got)
	}
	d := detail(t, srv, "agents", reg)
	attempt := d["claim"].(map[string]any)["attempts"].([]any)[0].(map[string]any)
	if attempt["user_code"] != "BCDF-GHJK" || attempt["claim_attempt_token"] != "…0001" || attempt["completed"] != true ||
		d["api_keys"].([]any)[0].(map[string]any)["value"] != "…0001" {
		t.Fatalf("detail: %v", d)
	}
}
