package apikeys_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// world has Acme with a fixture key, Alice a member of Acme, and the
// permissions keys may carry.
const world = `
environment: {client_id: client_1}
users:
  - {id: ` + emutest.AliceID + `, email: alice@example.com}
organizations:
  - {id: ` + emutest.AcmeID + `, name: Acme, api_keys: [{name: ci, value: sk_org_acme_ci_key, permissions: [reports:read]}]}
  - {id: ` + emutest.GlobexID + `, name: Globex}
permissions:
  - {slug: reports:read, name: Read reports}
  - {slug: reports:write, name: Write reports}
memberships:
  - {user_id: ` + emutest.AliceID + `, organization_id: ` + emutest.AcmeID + `}
`

func newServer(t *testing.T) *emutest.Server {
	return emutest.New(t, emulator.Config{Clock: emutest.T0, Fixtures: emutest.Parse(t, world)})
}

func validate(t *testing.T, srv *emutest.Server, value string) map[string]any {
	t.Helper()
	k, _ := emutest.WantJSON(t, srv.API(t, http.MethodPost, "/api_keys/validations", map[string]any{"value": value}), 200)["api_key"].(map[string]any)
	return k
}

// TestValidationOfEveryKind: a fixture organization key, an organization
// key and a user key created over the API each validate to their owner and
// permissions, with the value obfuscated and last_used_at set by the use;
// unknown values validate to null, and a missing value is a 422.
func TestValidationOfEveryKind(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	k := validate(t, srv, "sk_org_acme_ci_key")
	if k["owner"].(map[string]any)["id"] != emutest.AcmeID || k["name"] != "ci" || strings.Contains(k["obfuscated_value"].(string), "acme_ci") ||
		fmt.Sprint(k["permissions"]) != "[reports:read]" || k["last_used_at"] != "2026-01-15T12:00:00.000Z" {
		t.Fatalf("fixture key %v", k)
	}
	org := emutest.WantJSON(t, srv.API(t, http.MethodPost, "/organizations/"+emutest.AcmeID+"/api_keys",
		map[string]any{"name": "Deploys", "permissions": []string{"reports:write"}}), 201)
	value := org["value"].(string)
	if !strings.HasPrefix(value, "sk_") || org["obfuscated_value"] != "sk_..."+value[len(value)-4:] || org["last_used_at"] != nil {
		t.Fatalf("created %v", org)
	}
	if k := validate(t, srv, value); k["id"] != org["id"] || k["value"] != nil || fmt.Sprint(k["permissions"]) != "[reports:write]" {
		t.Fatalf("organization key %v", k)
	}
	user := emutest.WantJSON(t, srv.API(t, http.MethodPost, "/user_management/users/"+emutest.AliceID+"/api_keys",
		map[string]any{"name": "Alice CLI", "organization_id": emutest.AcmeID, "permissions": []string{"reports:read"}}), 201)
	k = validate(t, srv, user["value"].(string))
	owner := k["owner"].(map[string]any)
	if owner["type"] != "user" || owner["id"] != emutest.AliceID || owner["organization_id"] != emutest.AcmeID || fmt.Sprint(k["permissions"]) != "[reports:read]" {
		t.Fatalf("user key %v", k)
	}
	if k := validate(t, srv, "sk_nope"); k != nil {
		t.Fatalf("unknown value %v", k)
	}
	emutest.WantError(t, srv.API(t, http.MethodPost, "/api_keys/validations", map[string]any{}), 422, "invalid_request_parameters")
}

// TestKeysStopValidating: an expired key, a deleted key, a key of a
// deleted organization and the key of a user who left the organization
// all validate to null.
func TestKeysStopValidating(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	create := func(path string, body map[string]any) map[string]any {
		return emutest.WantJSON(t, srv.API(t, http.MethodPost, path, body), 201)
	}
	soon := create("/organizations/"+emutest.AcmeID+"/api_keys", map[string]any{"name": "soon", "expires_at": emutest.T0.Add(time.Hour).Format(time.RFC3339)})
	gone := create("/organizations/"+emutest.AcmeID+"/api_keys", map[string]any{"name": "gone"})
	globex := create("/organizations/"+emutest.GlobexID+"/api_keys", map[string]any{"name": "globex"})
	alice := create("/user_management/users/"+emutest.AliceID+"/api_keys", map[string]any{"name": "cli", "organization_id": emutest.AcmeID})

	if validate(t, srv, soon["value"].(string)) == nil {
		t.Fatal("a key expiring later does not validate")
	}
	srv.Clock().Advance(time.Hour)
	if validate(t, srv, soon["value"].(string)) != nil {
		t.Fatal("an expired key validates")
	}
	if r := srv.API(t, http.MethodDelete, "/api_keys/"+gone["id"].(string), nil); r.Status != 204 {
		t.Fatalf("delete %d %s", r.Status, r.Body)
	}
	if validate(t, srv, gone["value"].(string)) != nil {
		t.Fatal("a deleted key validates")
	}
	if r := srv.API(t, http.MethodDelete, "/organizations/"+emutest.GlobexID, nil); r.Status != 200 {
		t.Fatalf("delete organization %d %s", r.Status, r.Body)
	}
	if validate(t, srv, globex["value"].(string)) != nil {
		t.Fatal("a deleted organization's key validates")
	}
	ms := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/user_management/organization_memberships?user_id="+emutest.AliceID, nil), 200)
	mID := ms["data"].([]any)[0].(map[string]any)["id"].(string)
	emutest.WantJSON(t, srv.API(t, http.MethodPut, "/user_management/organization_memberships/"+mID+"/deactivate", nil), 200)
	if validate(t, srv, alice["value"].(string)) != nil {
		t.Fatal("the key of a user no longer an active member validates")
	}
}

// TestExpire: a future expiry is scheduled, null clears it, an absent or
// past one expires the key now; an expired key is a 409; each change emits
// api_key.updated with the previous expiry, the creation api_key.created
// and the deletion api_key.revoked.
func TestExpire(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	k := emutest.WantJSON(t, srv.API(t, http.MethodPost, "/organizations/"+emutest.AcmeID+"/api_keys", map[string]any{"name": "k"}), 201)
	expire := "/api_keys/" + k["id"].(string) + "/expire"
	if got := emutest.WantJSON(t, srv.API(t, http.MethodPost, expire, map[string]any{"expires_at": "2026-02-01T00:00:00Z"}), 200); got["expires_at"] != "2026-02-01T00:00:00.000Z" {
		t.Fatalf("scheduled %v", got)
	}
	if got := emutest.WantJSON(t, srv.API(t, http.MethodPost, expire, map[string]any{"expires_at": nil}), 200); got["expires_at"] != nil {
		t.Fatalf("cleared %v", got)
	}
	if got := emutest.WantJSON(t, srv.API(t, http.MethodPost, expire, map[string]any{"expires_at": "2020-01-01T00:00:00Z"}), 200); got["expires_at"] != "2026-01-15T12:00:00.000Z" {
		t.Fatalf("expired now %v", got)
	}
	emutest.WantError(t, srv.API(t, http.MethodPost, expire, nil), 409, "api_key_already_expired")
	emutest.WantError(t, srv.API(t, http.MethodPost, expire, map[string]any{"expires_at": "tomorrow"}), 422, "invalid_request_parameters")
	emutest.WantError(t, srv.API(t, http.MethodPost, "/api_keys/api_key_01JGK40000000000000000ZZZZ/expire", nil), 404, "entity_not_found")
	if r := srv.API(t, http.MethodDelete, "/api_keys/"+k["id"].(string), nil); r.Status != 204 {
		t.Fatalf("delete %d %s", r.Status, r.Body)
	}

	events := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/events?order=asc&events=api_key.created,api_key.updated,api_key.revoked", nil), 200)["data"].([]any)
	var got []string
	for _, e := range events {
		ev := e.(map[string]any)
		data := ev["data"].(map[string]any)
		prev := ""
		if p, ok := data["previous_attributes"].(map[string]any); ok {
			prev = fmt.Sprint(p["expires_at"])
		}
		got = append(got, ev["event"].(string)+" "+prev)
	}
	want := []string{"api_key.created ", "api_key.updated <nil>", "api_key.updated 2026-02-01T00:00:00.000Z", "api_key.updated <nil>", "api_key.revoked "}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("events %q, want %q", got, want)
	}
}

// TestListsAndCreationRefusals: organization and user keys page by cursor,
// newest first, and user keys filter by organization; the refusals of
// creation.
func TestListsAndCreationRefusals(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	orgKeys := "/organizations/" + emutest.AcmeID + "/api_keys"
	var ids []string
	for i := range 3 {
		ids = append(ids, emutest.WantJSON(t, srv.API(t, http.MethodPost, orgKeys, map[string]any{"name": fmt.Sprint("k", i)}), 201)["id"].(string))
	}
	page := emutest.WantJSON(t, srv.API(t, http.MethodGet, orgKeys+"?limit=2", nil), 200)
	if d := page["data"].([]any); len(d) != 2 || d[0].(map[string]any)["id"] != ids[2] || d[0].(map[string]any)["value"] != nil {
		t.Fatalf("first page %v", page)
	}
	after := page["list_metadata"].(map[string]any)["after"].(string)
	rest := emutest.WantJSON(t, srv.API(t, http.MethodGet, orgKeys+"?limit=2&after="+after, nil), 200)
	if d := rest["data"].([]any); len(d) != 2 || d[0].(map[string]any)["id"] != ids[0] || d[1].(map[string]any)["name"] != "ci" {
		t.Fatalf("second page %v", rest)
	}
	userKeys := "/user_management/users/" + emutest.AliceID + "/api_keys"
	emutest.WantJSON(t, srv.API(t, http.MethodPost, userKeys, map[string]any{"name": "cli", "organization_id": emutest.AcmeID}), 201)
	if d := emutest.WantJSON(t, srv.API(t, http.MethodGet, userKeys+"?organization_id="+emutest.GlobexID, nil), 200)["data"].([]any); len(d) != 0 {
		t.Fatalf("Globex filter %v", d)
	}
	if d := emutest.WantJSON(t, srv.API(t, http.MethodGet, userKeys, nil), 200)["data"].([]any); len(d) != 1 {
		t.Fatalf("user keys %v", d)
	}

	emutest.WantError(t, srv.API(t, http.MethodPost, orgKeys, map[string]any{}), 422, "invalid_request_parameters")
	emutest.WantError(t, srv.API(t, http.MethodPost, orgKeys, map[string]any{"name": "x", "permissions": []string{"nope"}}), 422, "invalid_request_parameters")
	emutest.WantError(t, srv.API(t, http.MethodPost, orgKeys, map[string]any{"name": "x", "expires_at": "2020-01-01T00:00:00Z"}), 422, "invalid_request_parameters")
	emutest.WantError(t, srv.API(t, http.MethodPost, "/organizations/org_01JGK40000000000000000ZZZZ/api_keys", map[string]any{"name": "x"}), 404, "entity_not_found")
	emutest.WantError(t, srv.API(t, http.MethodPost, userKeys, map[string]any{"name": "x", "organization_id": emutest.GlobexID}), 400, "organization_membership_not_found")
	emutest.WantError(t, srv.API(t, http.MethodPost, userKeys, map[string]any{"name": "x", "organization_id": "org_01JGK40000000000000000ZZZZ"}), 404, "entity_not_found")
	emutest.WantError(t, srv.API(t, http.MethodPost, userKeys, map[string]any{"name": "x"}), 422, "invalid_request_parameters")
	emutest.WantError(t, srv.API(t, http.MethodGet, "/user_management/users/user_01JGK40000000000000000ZZZZ/api_keys", nil), 404, "entity_not_found")
}

// TestFixtureKeysAddedAtRunTime: an organization's key added through the
// control plane validates at once and emits api_key.created; the loaded
// world's keys emit nothing.
func TestFixtureKeysAddedAtRunTime(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	count := func() int {
		return len(emutest.WantJSON(t, srv.API(t, http.MethodGet, "/events?events=api_key.created", nil), 200)["data"].([]any))
	}
	if n := count(); n != 0 {
		t.Fatalf("the loaded world emitted %d events", n)
	}
	r := srv.PostJSON(t, "/_emulator/fixtures", map[string]any{"organizations": []map[string]any{
		{"name": "Initech", "api_keys": []map[string]any{{"name": "late", "value": "sk_late_initech_key"}}}}})
	if r.Status != 201 && r.Status != 200 {
		t.Fatalf("add fixtures: %d %s", r.Status, r.Body)
	}
	if k := validate(t, srv, "sk_late_initech_key"); k == nil || k["name"] != "late" {
		t.Fatalf("added key %v", k)
	}
	if n := count(); n != 1 {
		t.Fatalf("%d api_key.created events, want 1", n)
	}
	r = srv.PostJSON(t, "/_emulator/fixtures", map[string]any{"organizations": []map[string]any{
		{"name": "Initrode", "api_keys": []map[string]any{{"name": "dup", "value": "sk_late_initech_key"}}}}})
	if r.Status < 400 {
		t.Fatalf("a duplicate key value was accepted: %d %s", r.Status, r.Body)
	}
}
