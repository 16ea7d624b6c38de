package emulator_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/authkit-emulator/authkit-emulator/emulator"
)

// api sends an API-key request with an optional JSON body.
func api(t testing.TB, h http.Handler, method, path string, body any) response {
	t.Helper()
	if body == nil {
		return do(t, h, method, path, nil, bearerKey...)
	}
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	return do(t, h, method, path, bytes.NewReader(b), append([]string{"Content-Type", "application/json"}, bearerKey...)...)
}

func ok(t testing.TB, r response, status int) map[string]any {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %s", r.Status, status, r.Body)
	}
	return r.json(t)
}

func TestUsersAPI(t *testing.T) {
	t.Parallel()
	srv, _ := emulator.New(emulator.Config{Clock: t0})
	h := srv.Handler()
	u := ok(t, api(t, h, http.MethodPost, "/user_management/users", map[string]any{"email": "dave@example.com", "password": "pw1",
		"first_name": "Dave", "external_id": "ext-dave", "metadata": map[string]any{"team": "red", "tier": "1"}}), 201)
	id := u["id"].(string)
	if !strings.HasPrefix(id, "user_") || u["email_verified"] != false || u["created_at"] != "2026-01-15T12:00:00.000Z" || u["name"] != "Dave" {
		t.Fatalf("%v", u)
	}
	if got := ok(t, api(t, h, http.MethodGet, "/user_management/users/external_id/ext-dave", nil), 200); got["id"] != id {
		t.Fatalf("%v", got)
	}
	wantError(t, api(t, h, http.MethodPost, "/user_management/users", map[string]any{"email": "DAVE@example.com"}), 400, "user_creation_error")
	wantError(t, api(t, h, http.MethodPost, "/user_management/users", map[string]any{"email": "not an email"}), 422, "invalid_request_parameters")
	wantError(t, api(t, h, http.MethodPost, "/user_management/users", map[string]any{"email": "m@example.com", "metadata": map[string]any{"n": 3}}), 422, "invalid_request_parameters")
	wantError(t, api(t, h, http.MethodPost, "/user_management/users", map[string]any{"email": "m@example.com", "metadata": map[string]any{"k": strings.Repeat("x", 601)}}), 422, "invalid_request_parameters")
	wantError(t, api(t, h, http.MethodPost, "/user_management/users", map[string]any{"email": "m@example.com", "password": "a", "password_hash": "b"}), 400, "password_and_password_hash_provided")
	wantError(t, api(t, h, http.MethodPost, "/user_management/users", map[string]any{"email": "m@example.com", "password_hash": "nope", "password_hash_type": "bcrypt"}), 400, "invalid_password_hash")
	wantError(t, do(t, h, http.MethodGet, "/user_management/users/"+id, nil), 401, "unauthorized")
	wantError(t, api(t, h, http.MethodGet, "/user_management/users/user_01JGK40000000000000000ZZZZ", nil), 404, "entity_not_found")

	// update: omitted = unchanged, null metadata key deleted
	upd := ok(t, api(t, h, http.MethodPut, "/user_management/users/"+id, map[string]any{"last_name": "Doe", "email_verified": true,
		"metadata": map[string]any{"team": nil, "tier": "2"}}), 200)
	if upd["first_name"] != "Dave" || upd["last_name"] != "Doe" || upd["email_verified"] != true ||
		fmt.Sprint(upd["metadata"]) != "map[tier:2]" {
		t.Fatalf("update: %v", upd)
	}
	wantError(t, api(t, h, http.MethodPut, "/user_management/users/"+id, map[string]any{"email": "alice@example.com"}), 400, "email_not_available")

	// the new user signs in with its password, and deletion ends its sessions
	out := signedIn(t, authn(t, h, map[string]any{"grant_type": "password", "email": "dave@example.com", "password": "pw1"}))
	if got := api(t, h, http.MethodGet, "/user_management/users/"+id+"/identities", nil); got.Status != 200 || string(got.Body) != "[]" {
		t.Fatalf("identities: %d %s", got.Status, got.Body)
	}
	if r := api(t, h, http.MethodDelete, "/user_management/users/"+id, nil); r.Status != 200 {
		t.Fatalf("delete: %d %s", r.Status, r.Body)
	}
	if introspect(t, h, envClientID, apiKey, out["access_token"].(string))["active"] != false {
		t.Fatal("a deleted user's token is active")
	}
	wantError(t, authn(t, h, map[string]any{"grant_type": "refresh_token", "refresh_token": out["refresh_token"]}), 400, "invalid_grant")
	wantError(t, api(t, h, http.MethodGet, "/user_management/users/"+id, nil), 404, "entity_not_found")

	// reset undoes everything created over the API
	if err := srv.Reset(true); err != nil {
		t.Fatal(err)
	}
	lst := ok(t, api(t, h, http.MethodGet, "/user_management/users?limit=100", nil), 200)
	if n := len(lst["data"].([]any)); n != 3 {
		t.Fatalf("after reset: %d users", n)
	}
}

// TestPagination walks a list forward with after and back with before while
// objects are added and removed; cursors stay stable.
func TestPagination(t *testing.T) {
	t.Parallel()
	srv, _ := emulator.New(emulator.Config{Clock: t0})
	h := srv.Handler()
	var created []string
	for i := 0; i < 7; i++ {
		created = append(created, ok(t, api(t, h, http.MethodPost, "/user_management/users", map[string]any{"email": fmt.Sprintf("p%d@example.com", i)}), 201)["id"].(string))
	}
	// ids newest first: created[6..0] then the 3 fixture users
	walk := func(order string) []string {
		var ids []string
		after := ""
		for {
			q := url.Values{"limit": {"3"}}
			if order != "" {
				q.Set("order", order)
			}
			if after != "" {
				q.Set("after", after)
			}
			page := ok(t, api(t, h, http.MethodGet, "/user_management/users?"+q.Encode(), nil), 200)
			for _, u := range page["data"].([]any) {
				ids = append(ids, u.(map[string]any)["id"].(string))
			}
			next, _ := page["list_metadata"].(map[string]any)["after"].(string)
			if next == "" {
				return ids
			}
			after = next
		}
	}
	desc := walk("")
	if len(desc) != 10 || desc[0] != created[6] || desc[6] != created[0] {
		t.Fatalf("desc walk: %v", desc)
	}
	asc := walk("asc")
	if len(asc) != 10 || asc[9] != created[6] {
		t.Fatalf("asc walk: %v", asc)
	}
	// back with before from the last page
	page := ok(t, api(t, h, http.MethodGet, "/user_management/users?limit=3&before="+desc[9], nil), 200)
	got := page["data"].([]any)
	if len(got) != 3 || got[0].(map[string]any)["id"] != desc[6] || got[2].(map[string]any)["id"] != desc[8] {
		t.Fatalf("before page: %v", got)
	}
	if page["list_metadata"].(map[string]any)["before"] != desc[6] {
		t.Fatalf("before cursor: %v", page["list_metadata"])
	}
	// a deleted cursor object keeps its place
	api(t, h, http.MethodDelete, "/user_management/users/"+created[3], nil)
	page = ok(t, api(t, h, http.MethodGet, "/user_management/users?limit=2&after="+created[3], nil), 200)
	if ids := page["data"].([]any); ids[0].(map[string]any)["id"] != created[2] || ids[1].(map[string]any)["id"] != created[1] {
		t.Fatalf("after a deleted cursor: %v", ids)
	}
	for _, bad := range []string{"limit=0", "limit=101", "order=sideways", "after=user_nope", "limit=x"} {
		wantError(t, api(t, h, http.MethodGet, "/user_management/users?"+bad, nil), 422, "invalid_request_parameters")
	}
}

func TestOrganizationsAndMemberships(t *testing.T) {
	t.Parallel()
	srv, _ := emulator.New(emulator.Config{Clock: t0})
	h := srv.Handler()
	org := ok(t, api(t, h, http.MethodPost, "/organizations", map[string]any{"name": "Initech", "external_id": "init",
		"domain_data": []map[string]string{{"domain": "initech.test", "state": "verified"}}}), 201)
	orgID := org["id"].(string)
	if d := org["domains"].([]any); len(d) != 1 || d[0].(map[string]any)["domain"] != "initech.test" {
		t.Fatalf("%v", org)
	}
	wantError(t, api(t, h, http.MethodPost, "/organizations", map[string]any{"name": "Other", "domains": []string{"acme.test"}}), 409, "conflict")
	wantError(t, api(t, h, http.MethodPost, "/organizations", map[string]any{}), 422, "invalid_request_parameters")
	if l := ok(t, api(t, h, http.MethodGet, "/organizations?domains=initech.test", nil), 200)["data"].([]any); len(l) != 1 {
		t.Fatalf("domains filter: %v", l)
	}
	if l := ok(t, api(t, h, http.MethodGet, "/organizations?search=glob", nil), 200)["data"].([]any); len(l) != 1 || l[0].(map[string]any)["id"] != globexID {
		t.Fatalf("search: %v", l)
	}
	if got := ok(t, api(t, h, http.MethodGet, "/organizations/external_id/init", nil), 200); got["id"] != orgID {
		t.Fatal("by external id")
	}
	ok(t, api(t, h, http.MethodPut, "/organizations/"+orgID, map[string]any{"name": "Initech Inc", "metadata": map[string]any{"plan": "pro"}}), 200)

	// membership with a role; the role change shows in the next token
	m := ok(t, api(t, h, http.MethodPost, "/user_management/organization_memberships", map[string]any{"user_id": aliceID, "organization_id": orgID, "role_slug": "member"}), 201)
	mid := m["id"].(string)
	if m["role"].(map[string]any)["slug"] != "member" || m["organization_name"] != "Initech Inc" || m["user"].(map[string]any)["id"] != aliceID {
		t.Fatalf("%v", m)
	}
	wantError(t, api(t, h, http.MethodPost, "/user_management/organization_memberships", map[string]any{"user_id": aliceID, "organization_id": orgID}), 409, "conflict")
	wantError(t, api(t, h, http.MethodPost, "/user_management/organization_memberships", map[string]any{"user_id": bobID, "organization_id": orgID, "role_slug": "ghost"}), 422, "invalid_role")
	grant := map[string]any{"grant_type": "refresh_token", "refresh_token": aliceRefresh, "organization_id": orgID}
	out := signedIn(t, authn(t, h, grant))
	if c := decodeClaims(t, out["access_token"].(string)); c["role"] != "member" || c["org_id"] != orgID {
		t.Fatalf("claims %v", c)
	}
	ok(t, api(t, h, http.MethodPut, "/user_management/organization_memberships/"+mid, map[string]any{"role_slugs": []string{"admin", "member"}}), 200)
	out = signedIn(t, authn(t, h, map[string]any{"grant_type": "refresh_token", "refresh_token": out["refresh_token"]}))
	if c := decodeClaims(t, out["access_token"].(string)); c["role"] != "admin" || fmt.Sprint(c["roles"]) != "[admin member]" {
		t.Fatalf("role change not in the next token: %v", c)
	}

	// list filters and statuses
	wantError(t, api(t, h, http.MethodGet, "/user_management/organization_memberships", nil), 400, "missing_user_id_or_organization_id")
	ok(t, api(t, h, http.MethodPut, "/user_management/organization_memberships/"+mid+"/deactivate", nil), 200)
	active := ok(t, api(t, h, http.MethodGet, "/user_management/organization_memberships?user_id="+aliceID, nil), 200)["data"].([]any)
	all := ok(t, api(t, h, http.MethodGet, "/user_management/organization_memberships?user_id="+aliceID+"&statuses=active,inactive", nil), 200)["data"].([]any)
	rep := ok(t, api(t, h, http.MethodGet, "/user_management/organization_memberships?user_id="+aliceID+"&statuses=active&statuses=inactive", nil), 200)["data"].([]any)
	if len(active) != 1 || len(all) != 2 || len(rep) != 2 {
		t.Fatalf("statuses: %d active, %d all, %d repeated", len(active), len(all), len(rep))
	}
	ok(t, api(t, h, http.MethodPut, "/user_management/organization_memberships/"+mid+"/reactivate", nil), 200)

	// deleting the organization removes the membership; its scoped tokens die
	if r := api(t, h, http.MethodDelete, "/organizations/"+orgID, nil); r.Status != 200 {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	if introspect(t, h, envClientID, apiKey, out["access_token"].(string))["active"] != false {
		t.Fatal("token scoped to a deleted organization is active")
	}
	wantError(t, api(t, h, http.MethodGet, "/user_management/organization_memberships/"+mid, nil), 404, "entity_not_found")
}

func TestRolesPermissionsAndTemplate(t *testing.T) {
	t.Parallel()
	srv, _ := emulator.New(emulator.Config{Clock: t0})
	h := srv.Handler()
	ok(t, api(t, h, http.MethodPost, "/authorization/permissions", map[string]any{"slug": "reports:export", "name": "Export"}), 201)
	wantError(t, api(t, h, http.MethodPost, "/authorization/permissions", map[string]any{"slug": "reports:export", "name": "Again"}), 409, "permission_slug_conflict")
	ok(t, api(t, h, http.MethodPost, "/authorization/roles/member/permissions", map[string]any{"slug": "reports:export"}), 200)
	roles := ok(t, api(t, h, http.MethodGet, "/authorization/roles", nil), 200)["data"].([]any)
	if len(roles) != 2 || fmt.Sprint(roles[1].(map[string]any)["permissions"]) != "[users:read reports:export]" {
		t.Fatalf("roles %v", roles)
	}
	// an organization role, used by a membership
	ok(t, api(t, h, http.MethodPost, "/authorization/organizations/"+globexID+"/roles", map[string]any{"slug": "auditor", "name": "Auditor"}), 201)
	ok(t, api(t, h, http.MethodPost, "/authorization/permissions", map[string]any{"slug": "audit:read", "name": "Read the audit log"}), 201)
	ok(t, api(t, h, http.MethodPut, "/authorization/organizations/"+globexID+"/roles/auditor/permissions", map[string]any{"permissions": []string{"audit:read"}}), 200)
	ms := ok(t, api(t, h, http.MethodGet, "/user_management/organization_memberships?user_id="+bobID+"&organization_id="+globexID, nil), 200)["data"].([]any)
	ok(t, api(t, h, http.MethodPut, "/user_management/organization_memberships/"+ms[0].(map[string]any)["id"].(string), map[string]any{"role_slug": "auditor"}), 200)
	legacy := ok(t, api(t, h, http.MethodGet, "/organizations/"+globexID+"/roles", nil), 200)["data"].([]any)
	if len(legacy) != 3 || legacy[2].(map[string]any)["type"] != "OrganizationRole" {
		t.Fatalf("legacy roles %v", legacy)
	}

	// the JWT template applies to every later mint
	tpl := `{"email": {{user.email}}, "greeting": "hi {{user.first_name}}", "tier": {{organization.metadata.tier || "free"}}}`
	got := ok(t, api(t, h, http.MethodPut, "/user_management/jwt_template", map[string]any{"content": tpl}), 200)
	if got["content"] != tpl || got["object"] != "jwt_template" {
		t.Fatalf("%v", got)
	}
	if ok(t, api(t, h, http.MethodGet, "/user_management/jwt_template", nil), 200)["content"] != tpl {
		t.Fatal("template not stored")
	}
	res := ok(t, postJSON(t, h, "/_emulator/tokens", map[string]any{"user_id": bobID, "organization_id": globexID}), 201)
	c := decodeClaims(t, res["access_token"].(string))
	if c["email"] != "bob@example.com" || c["greeting"] != "hi Bob" || c["tier"] != "free" || c["role"] != "auditor" || fmt.Sprint(c["permissions"]) != "[audit:read]" {
		t.Fatalf("claims %v", c)
	}
	wantError(t, api(t, h, http.MethodPut, "/user_management/jwt_template", map[string]any{"content": `{"sub": "x"}`}), 422, "invalid_request_parameters")
	wantError(t, api(t, h, http.MethodPut, "/user_management/jwt_template", map[string]any{"content": `{"x": {{user.password}}}`}), 422, "invalid_request_parameters")
	wantError(t, api(t, h, http.MethodPut, "/user_management/jwt_template", map[string]any{"content": `not json`}), 422, "invalid_request_parameters")
}

func TestInvitations(t *testing.T) {
	t.Parallel()
	srv, _ := emulator.New(emulator.Config{Clock: t0})
	h := srv.Handler()
	inv := ok(t, api(t, h, http.MethodPost, "/user_management/invitations", map[string]any{"email": "erin@example.com", "organization_id": acmeID, "role_slug": "admin"}), 201)
	if inv["state"] != "pending" || inv["expires_at"] != "2026-01-22T12:00:00.000Z" {
		t.Fatalf("%v", inv)
	}
	sent := srv.Codes("erin@example.com", emulator.KindInvitation)
	if len(sent) != 1 || sent[0].Token != inv["token"] || !strings.Contains(sent[0].Link, inv["token"].(string)) {
		t.Fatalf("outbox %+v", sent)
	}
	wantError(t, api(t, h, http.MethodPost, "/user_management/invitations", map[string]any{"email": "erin@example.com", "organization_id": acmeID}), 400, "email_already_invited_to_organization")
	wantError(t, api(t, h, http.MethodPost, "/user_management/invitations", map[string]any{"email": "alice@example.com", "organization_id": acmeID}), 400, "user_already_organization_member")
	if got := ok(t, api(t, h, http.MethodGet, "/user_management/invitations/by_token/"+inv["token"].(string), nil), 200); got["id"] != inv["id"] {
		t.Fatal("by token")
	}
	// Erin signs up through magic auth with the invitation: she joins Acme as admin
	code := ok(t, api(t, h, http.MethodPost, "/user_management/magic_auth", map[string]any{"email": "erin@example.com"}), 201)["code"]
	out := signedIn(t, authn(t, h, map[string]any{"grant_type": "urn:workos:oauth:grant-type:magic-auth:code", "email": "erin@example.com",
		"code": code, "invitation_token": inv["token"]}))
	if out["organization_id"] != acmeID || decodeClaims(t, out["access_token"].(string))["role"] != "admin" {
		t.Fatalf("%v", out)
	}
	if got := ok(t, api(t, h, http.MethodGet, "/user_management/invitations/"+inv["id"].(string), nil), 200); got["state"] != "accepted" || got["accepted_user_id"] == nil {
		t.Fatalf("%v", got)
	}
	wantError(t, api(t, h, http.MethodPost, "/user_management/invitations/"+inv["id"].(string)+"/revoke", nil), 400, "invite_not_pending")
	// revoke, resend, accept over the API
	other := ok(t, api(t, h, http.MethodPost, "/user_management/invitations", map[string]any{"email": "finn@example.com", "organization_id": globexID}), 201)
	ok(t, api(t, h, http.MethodPost, "/user_management/invitations/"+other["id"].(string)+"/resend", nil), 200)
	if n := len(srv.Codes("finn@example.com", emulator.KindInvitation)); n != 2 {
		t.Fatalf("resend: %d e-mails", n)
	}
	acc := ok(t, api(t, h, http.MethodPost, "/user_management/invitations/"+other["id"].(string)+"/accept", nil), 200)
	finn := acc["accepted_user_id"].(string)
	if ms := ok(t, api(t, h, http.MethodGet, "/user_management/organization_memberships?user_id="+finn, nil), 200)["data"].([]any); len(ms) != 1 || ms[0].(map[string]any)["role"].(map[string]any)["slug"] != "member" {
		t.Fatalf("accepted membership: %v", ms)
	}
	third := ok(t, api(t, h, http.MethodPost, "/user_management/invitations", map[string]any{"email": "gus@example.com", "expires_in_days": 1}), 201)
	ok(t, api(t, h, http.MethodPost, "/user_management/invitations/"+third["id"].(string)+"/revoke", nil), 200)
	wantError(t, api(t, h, http.MethodPost, "/user_management/invitations/"+third["id"].(string)+"/resend", nil), 400, "invite_revoked")
	expiring := ok(t, api(t, h, http.MethodPost, "/user_management/invitations", map[string]any{"email": "hal@example.com", "expires_in_days": 1}), 201)
	srv.Clock().Advance(25 * 3600e9)
	if got := ok(t, api(t, h, http.MethodGet, "/user_management/invitations/"+expiring["id"].(string), nil), 200); got["state"] != "expired" {
		t.Fatalf("expiry: %v", got)
	}
	if l := ok(t, api(t, h, http.MethodGet, "/user_management/invitations?organization_id="+acmeID, nil), 200)["data"].([]any); len(l) != 1 {
		t.Fatalf("filter: %v", l)
	}
}

func TestAPIKeyValidation(t *testing.T) {
	t.Parallel()
	srv, _ := emulator.New(emulator.Config{Clock: t0, Fixtures: parse(t, `
environment: {client_id: client_1}
organizations:
  - {id: `+acmeID+`, name: Acme, api_keys: [{name: ci, value: sk_org_acme_ci_key, permissions: [reports:read]}]}
`)})
	h := srv.Handler()
	got := ok(t, api(t, h, http.MethodPost, "/api_keys/validations", map[string]any{"value": "sk_org_acme_ci_key"}), 200)
	k := got["api_key"].(map[string]any)
	if k["owner"].(map[string]any)["id"] != acmeID || k["name"] != "ci" || strings.Contains(k["obfuscated_value"].(string), "acme_ci") {
		t.Fatalf("%v", k)
	}
	if got := ok(t, api(t, h, http.MethodPost, "/api_keys/validations", map[string]any{"value": "sk_nope"}), 200); got["api_key"] != nil {
		t.Fatalf("%v", got)
	}
	wantError(t, api(t, h, http.MethodPost, "/api_keys/validations", map[string]any{}), 422, "invalid_request_parameters")
}
