package directorysync_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

const (
	dirID  = "directory_01JGK5000000000000000000D1"
	engID  = "directory_group_01JGK5000000000000000000G1"
	allID  = "directory_group_01JGK5000000000000000000G2"
	danaID = "directory_user_01JGK5000000000000000000A1"
)

// world is a directory of Acme (verified domain acme.test): Engineering
// maps to the admin role; Dana is in both groups.
const world = `
directories:
  - id: ` + dirID + `
    name: Acme Okta
    organization_id: ` + emutest.AcmeID + `
    type: okta scim v2.0
    groups:
      - {id: ` + engID + `, idp_id: g-eng, name: Engineering, role: admin}
      - {id: ` + allID + `, idp_id: g-all, name: Everyone}
    users:
      - {id: ` + danaID + `, idp_id: u-dana, email: dana@acme.test, first_name: Dana, last_name: Scully, groups: [g-eng, g-all]}
`

// newServer is the default world plus the directory, added at run time so
// its events are logged.
func newServer(t *testing.T) *emutest.Server {
	t.Helper()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	if _, err := srv.AddFixtures(context.Background(), []byte(world), "world.yaml"); err != nil {
		t.Fatal(err)
	}
	return srv
}

// control sends a control-plane request with a JSON body.
func control(t *testing.T, srv *emutest.Server, method, path string, body any) emutest.Response {
	t.Helper()
	if body == nil {
		return srv.Do(t, method, path, nil)
	}
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	return srv.Do(t, method, path, bytes.NewReader(b), "Content-Type", "application/json")
}

// events lists the logged events of the types given (all when none),
// oldest first.
func events(t *testing.T, srv *emutest.Server, types ...string) []map[string]any {
	t.Helper()
	q := url.Values{"limit": {"100"}, "order": {"asc"}}
	for _, typ := range types {
		q.Add("events", typ)
	}
	var out []map[string]any
	for _, e := range emutest.WantJSON(t, srv.API(t, http.MethodGet, "/events?"+q.Encode(), nil), 200)["data"].([]any) {
		out = append(out, e.(map[string]any))
	}
	return out
}

func eventTypes(list []map[string]any) []string {
	out := make([]string, len(list))
	for i, e := range list {
		out[i] = e["event"].(string)
	}
	return out
}

// membership is the AuthKit membership of user in Acme.
func membership(t *testing.T, srv *emutest.Server, user string) map[string]any {
	t.Helper()
	l := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/user_management/organization_memberships?organization_id="+emutest.AcmeID+"&user_id="+user+"&statuses=active&statuses=inactive&statuses=pending", nil), 200)["data"].([]any)
	if len(l) != 1 {
		t.Fatalf("memberships of %s: %v", user, l)
	}
	return l[0].(map[string]any)
}

func roleSlugs(m map[string]any) []string {
	var out []string
	for _, r := range m["roles"].([]any) {
		out = append(out, r.(map[string]any)["slug"].(string))
	}
	return out
}

// TestFixtureDirectoryLinksAuthKit: a directory added at run time emits
// dsync.activated and its users' events; Dana becomes an AuthKit user
// (verified domain: e-mail verified, active membership, directory-managed,
// admin from the Engineering group).
func TestFixtureDirectoryLinksAuthKit(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	got := eventTypes(events(t, srv))
	want := []string{"dsync.activated", "dsync.group.created", "dsync.group.created", "dsync.user.created",
		"dsync.group.user_added", "dsync.group.user_added", "user.created", "organization_membership.created"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("events %v, want %v", got, want)
	}
	act := events(t, srv, "dsync.activated")[0]["data"].(map[string]any)
	if act["state"] != "active" || len(act["domains"].([]any)) != 1 {
		t.Fatalf("dsync.activated data: %v", act)
	}
	du := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/directory_users/"+danaID, nil), 200)
	if du["role"].(map[string]any)["slug"] != "admin" || len(du["groups"].([]any)) != 2 || du["email"] != "dana@acme.test" {
		t.Fatalf("directory user: %v", du)
	}
	u := events(t, srv, "user.created")[0]["data"].(map[string]any)
	if u["email"] != "dana@acme.test" || u["email_verified"] != true || u["first_name"] != "Dana" {
		t.Fatalf("AuthKit user: %v", u)
	}
	m := membership(t, srv, u["id"].(string))
	if m["status"] != "active" || m["directory_managed"] != true || !reflect.DeepEqual(roleSlugs(m), []string{"admin"}) {
		t.Fatalf("membership: %v", m)
	}

	// The world's own fixtures emit nothing: a fresh server with the
	// directory in its initial fixtures has an empty log, and Dana linked.
	set := emutest.Parse(t, string(fixtures.DefaultYAML())+world)
	fresh := emutest.New(t, emulator.Config{Clock: emutest.T0, Fixtures: set})
	if n := len(events(t, fresh)); n != 0 {
		t.Fatalf("initial fixtures logged %d events", n)
	}
	if l := emutest.WantJSON(t, fresh.API(t, http.MethodGet, "/user_management/users?email=dana@acme.test", nil), 200)["data"].([]any); len(l) != 1 {
		t.Fatalf("initial fixture directory user not linked: %v", l)
	}
}

// TestProvisionDeactivateDeprovision follows a user through its life: a
// provisioned user of an unverified domain gets a pending membership and an
// invitation; deactivation deactivates the membership (dsync.user.updated
// with previous_attributes); deprovisioning removes it from its groups and
// the directory.
func TestProvisionDeactivateDeprovision(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	before := len(events(t, srv))
	r := emutest.WantJSON(t, control(t, srv, http.MethodPost, "/_emulator/directories/"+dirID+"/users",
		map[string]any{"idp_id": "u-fox", "email": "fox@elsewhere.test", "first_name": "Fox", "groups": []string{"g-all"},
			"custom_attributes": map[string]any{"department": "Basement"}}), 201)
	foxID, authkitID := r["id"].(string), r["authkit_user_id"].(string)
	if !strings.HasPrefix(foxID, "directory_user_") || !strings.HasPrefix(authkitID, "user_") || r["state"] != "active" {
		t.Fatalf("provisioned: %v", r)
	}
	got := eventTypes(events(t, srv)[before:])
	want := []string{"dsync.user.created", "dsync.group.user_added", "user.created", "organization_membership.created", "invitation.created"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("events %v, want %v", got, want)
	}
	m := membership(t, srv, authkitID)
	if m["status"] != "pending" || m["custom_attributes"].(map[string]any)["department"] != "Basement" {
		t.Fatalf("unverified domain membership: %v", m)
	}
	inv := events(t, srv, "invitation.created")[0]["data"].(map[string]any)
	if inv["email"] != "fox@elsewhere.test" || inv["organization_id"] != emutest.AcmeID || inv["token"] != nil {
		t.Fatalf("invitation event: %v", inv)
	}

	// Deactivation, by idp_id.
	before = len(events(t, srv))
	emutest.WantJSON(t, control(t, srv, http.MethodPut, "/_emulator/directories/"+dirID+"/users/u-fox", map[string]any{"state": "inactive"}), 200)
	evs := events(t, srv)[before:]
	if got := eventTypes(evs); !reflect.DeepEqual(got, []string{"dsync.user.updated", "organization_membership.updated"}) {
		t.Fatalf("deactivation events %v", got)
	}
	upd := evs[0]["data"].(map[string]any)
	if upd["state"] != "inactive" || !reflect.DeepEqual(upd["previous_attributes"], map[string]any{"state": "active"}) {
		t.Fatalf("dsync.user.updated: %v", upd)
	}
	if m := membership(t, srv, authkitID); m["status"] != "inactive" {
		t.Fatalf("membership after deactivation: %v", m)
	}
	// Reactivation.
	emutest.WantJSON(t, control(t, srv, http.MethodPut, "/_emulator/directories/"+dirID+"/users/"+foxID, map[string]any{"state": "active"}), 200)
	if m := membership(t, srv, authkitID); m["status"] != "active" {
		t.Fatalf("membership after reactivation: %v", m)
	}
	// An update that changes nothing emits nothing.
	before = len(events(t, srv))
	emutest.WantJSON(t, control(t, srv, http.MethodPut, "/_emulator/directories/"+dirID+"/users/"+foxID, map[string]any{"first_name": "Fox"}), 200)
	if n := len(events(t, srv)) - before; n != 0 {
		t.Fatalf("a no-op update emitted %d events", n)
	}

	// Deprovisioning.
	before = len(events(t, srv))
	if r := control(t, srv, http.MethodDelete, "/_emulator/directories/"+dirID+"/users/"+foxID, nil); r.Status != 204 {
		t.Fatalf("deprovision: %d %s", r.Status, r.Body)
	}
	if got := eventTypes(events(t, srv)[before:]); !reflect.DeepEqual(got, []string{"dsync.group.user_removed", "dsync.user.deleted", "organization_membership.updated"}) {
		t.Fatalf("deprovision events %v", got)
	}
	emutest.WantError(t, srv.API(t, http.MethodGet, "/directory_users/"+foxID, nil), 404, "entity_not_found")
	if m := membership(t, srv, authkitID); m["status"] != "inactive" {
		t.Fatalf("membership after deprovisioning: %v", m)
	}
	emutest.WantJSON(t, srv.API(t, http.MethodGet, "/user_management/users/"+authkitID, nil), 200) // the AuthKit user stays
	if l := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/directory_users?group="+allID, nil), 200)["data"].([]any); len(l) != 1 {
		t.Fatalf("group members after deprovisioning: %v", l)
	}
}

// TestExistingUserAndRoles: a provisioned e-mail that is already an AuthKit
// user links to it (no user.created); group changes move the membership's
// role; a group's new role reaches its members.
func TestExistingUserAndRoles(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	// Bob (bob@example.com, not of acme.test) is a member of Acme already.
	before := len(events(t, srv))
	r := emutest.WantJSON(t, control(t, srv, http.MethodPost, "/_emulator/directories/"+dirID+"/users",
		map[string]any{"email": "bob@example.com", "first_name": "Robert", "groups": []string{"g-eng"}}), 201)
	if r["authkit_user_id"] != emutest.BobID {
		t.Fatalf("linked to %v, want Bob", r["authkit_user_id"])
	}
	got := eventTypes(events(t, srv)[before:])
	if !reflect.DeepEqual(got, []string{"dsync.user.created", "dsync.group.user_added", "organization_membership.updated"}) {
		t.Fatalf("events %v", got)
	}
	m := membership(t, srv, emutest.BobID)
	if m["directory_managed"] != true || !reflect.DeepEqual(roleSlugs(m), []string{"admin"}) {
		t.Fatalf("Bob's membership: %v", m)
	}
	if u := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/user_management/users/"+emutest.BobID, nil), 200); u["first_name"] != "Bob" {
		t.Fatalf("an unverified-domain user's name changed: %v", u) // not fully managed by the directory
	}
	// Leaving Engineering: the default role.
	bobDir := r["id"].(string)
	if r := control(t, srv, http.MethodDelete, "/_emulator/directories/"+dirID+"/groups/g-eng/users/"+bobDir, nil); r.Status != 204 {
		t.Fatalf("remove member: %d %s", r.Status, r.Body)
	}
	if m := membership(t, srv, emutest.BobID); !reflect.DeepEqual(roleSlugs(m), []string{"member"}) {
		t.Fatalf("after leaving Engineering: %v", roleSlugs(m))
	}
	emutest.WantError(t, control(t, srv, http.MethodDelete, "/_emulator/directories/"+dirID+"/groups/g-eng/users/"+bobDir, nil), 404, "entity_not_found")
	// Joining Everyone, then Everyone becoming admin.
	emutest.WantJSON(t, control(t, srv, http.MethodPost, "/_emulator/directories/"+dirID+"/groups/g-all/users", map[string]any{"user_id": bobDir}), 200)
	before = len(events(t, srv))
	g := emutest.WantJSON(t, control(t, srv, http.MethodPut, "/_emulator/directories/"+dirID+"/groups/"+allID, map[string]any{"name": "All staff", "role": "admin"}), 200)
	if g["name"] != "All staff" {
		t.Fatalf("group: %v", g)
	}
	evs := events(t, srv)[before:]
	if got := eventTypes(evs); !reflect.DeepEqual(got, []string{"dsync.group.updated", "organization_membership.updated"}) {
		t.Fatalf("group update events %v", got)
	}
	if prev := evs[0]["data"].(map[string]any)["previous_attributes"]; !reflect.DeepEqual(prev, map[string]any{"name": "Everyone"}) {
		t.Fatalf("previous_attributes %v", prev)
	}
	if m := membership(t, srv, emutest.BobID); !reflect.DeepEqual(roleSlugs(m), []string{"admin"}) {
		t.Fatalf("after Everyone became admin: %v", roleSlugs(m))
	}
	// Deleting the group: its members leave it first.
	before = len(events(t, srv))
	if r := control(t, srv, http.MethodDelete, "/_emulator/directories/"+dirID+"/groups/g-all", nil); r.Status != 204 {
		t.Fatalf("delete group: %d %s", r.Status, r.Body)
	}
	got = eventTypes(events(t, srv)[before:])
	if got[0] != "dsync.group.user_removed" || got[2] != "dsync.group.deleted" {
		t.Fatalf("group deletion events %v", got)
	}
}

// TestFullyManagedUser: a verified-domain user's AuthKit name follows the
// directory's.
func TestFullyManagedUser(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	emutest.WantJSON(t, control(t, srv, http.MethodPut, "/_emulator/directories/"+dirID+"/users/u-dana", map[string]any{"last_name": "Mulder"}), 200)
	u := events(t, srv, "user.updated")[0]["data"].(map[string]any)
	if u["last_name"] != "Mulder" {
		t.Fatalf("user.updated: %v", u)
	}
	upd := events(t, srv, "dsync.user.updated")[0]["data"].(map[string]any)
	if !reflect.DeepEqual(upd["previous_attributes"], map[string]any{"last_name": "Scully", "name": "Dana Scully"}) {
		t.Fatalf("previous_attributes: %v", upd["previous_attributes"])
	}
}

// TestDirectoryWithoutProvisioning: authkit_provisioning false keeps
// AuthKit out of it.
func TestDirectoryWithoutProvisioning(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	if _, err := srv.AddFixtures(context.Background(), []byte(`
directories: [{name: HR feed, organization_id: `+emutest.GlobexID+`, type: bamboohr, authkit_provisioning: false,
  users: [{email: zed@globex.test}]}]
`), "w.yaml"); err != nil {
		t.Fatal(err)
	}
	if l := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/user_management/users?email=zed@globex.test", nil), 200)["data"].([]any); len(l) != 0 {
		t.Fatalf("AuthKit user created: %v", l)
	}
	if n := len(events(t, srv, "user.created")); n != 0 {
		t.Fatalf("%d user.created", n)
	}
}

// TestProvisioningRefusals: the control routes refuse what an identity
// provider could not send, changing nothing.
func TestProvisioningRefusals(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	before := len(events(t, srv))
	users := "/_emulator/directories/" + dirID + "/users"
	emutest.WantError(t, control(t, srv, http.MethodPost, users, map[string]any{"email": "DANA@acme.test"}), 409, "conflict")
	emutest.WantError(t, control(t, srv, http.MethodPost, users, map[string]any{"idp_id": "u-dana"}), 409, "conflict")
	emutest.WantError(t, control(t, srv, http.MethodPost, users, map[string]any{"email": "x@acme.test", "groups": []string{"g-nope"}}), 422, "invalid_request_parameters")
	emutest.WantError(t, control(t, srv, http.MethodPost, users, map[string]any{"emial": "x@acme.test"}), 422, "invalid_directory_user")
	emutest.WantError(t, control(t, srv, http.MethodPost, users, map[string]any{"email": "not an email"}), 422, "invalid_directory_user")
	emutest.WantError(t, control(t, srv, http.MethodPost, users, map[string]any{"state": "asleep"}), 422, "invalid_directory_user")
	emutest.WantError(t, control(t, srv, http.MethodPost, "/_emulator/directories/directory_01JGK50000000000000000ZZZZ/users", map[string]any{}), 404, "entity_not_found")
	emutest.WantError(t, control(t, srv, http.MethodPut, users+"/nobody", map[string]any{"state": "inactive"}), 404, "entity_not_found")
	emutest.WantError(t, control(t, srv, http.MethodPut, users+"/u-dana", map[string]any{"id": "directory_user_01JGK50000000000000000ZZZZ"}), 422, "invalid_request_parameters")
	emutest.WantError(t, control(t, srv, http.MethodPut, users+"/u-dana", map[string]any{"state": ""}), 422, "invalid_request_parameters")
	emutest.WantError(t, control(t, srv, http.MethodPost, "/_emulator/directories/"+dirID+"/groups", map[string]any{"name": "X", "role": "ghost"}), 422, "invalid_request_parameters")
	emutest.WantError(t, control(t, srv, http.MethodPost, "/_emulator/directories/"+dirID+"/groups", map[string]any{"name": "X", "idp_id": "g-eng"}), 409, "conflict")
	emutest.WantError(t, control(t, srv, http.MethodPost, "/_emulator/directories/"+dirID+"/groups", map[string]any{}), 422, "invalid_directory_group")
	emutest.WantError(t, control(t, srv, http.MethodPost, "/_emulator/directories/"+dirID+"/groups/g-eng/users", map[string]any{}), 422, "invalid_request_parameters")
	if n := len(events(t, srv)) - before; n != 0 {
		t.Fatalf("refused requests emitted %d events", n)
	}
}

// TestDeleteDirectory: 202, dsync.deleted (and no event per user), the
// directory's users and groups gone, its memberships no longer
// directory-managed.
func TestDeleteDirectory(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	dana := events(t, srv, "user.created")[0]["data"].(map[string]any)["id"].(string)
	before := len(events(t, srv))
	if r := srv.API(t, http.MethodDelete, "/directories/"+dirID, nil); r.Status != 202 {
		t.Fatalf("delete: %d %s", r.Status, r.Body)
	}
	evs := events(t, srv)[before:]
	if got := eventTypes(evs); !reflect.DeepEqual(got, []string{"dsync.deleted", "organization_membership.updated"}) {
		t.Fatalf("events %v", got)
	}
	if d := evs[0]["data"].(map[string]any); d["state"] != "deleting" || d["id"] != dirID {
		t.Fatalf("dsync.deleted: %v", d)
	}
	emutest.WantError(t, srv.API(t, http.MethodGet, "/directories/"+dirID, nil), 404, "entity_not_found")
	emutest.WantError(t, srv.API(t, http.MethodGet, "/directory_users/"+danaID, nil), 404, "entity_not_found")
	emutest.WantError(t, srv.API(t, http.MethodGet, "/directory_groups/"+engID, nil), 404, "entity_not_found")
	if m := membership(t, srv, dana); m["directory_managed"] != false || m["status"] != "active" {
		t.Fatalf("membership after the directory went: %v", m)
	}
}

// TestProvisioningDeterminism: the same requests on two servers give the
// same answers and the same events, byte for byte.
func TestProvisioningDeterminism(t *testing.T) {
	t.Parallel()
	run := func() []byte {
		srv := newServer(t)
		var out []byte
		for _, r := range []emutest.Response{
			control(t, srv, http.MethodPost, "/_emulator/directories/"+dirID+"/users", map[string]any{"email": "a@acme.test", "groups": []string{"g-all"}}),
			control(t, srv, http.MethodPost, "/_emulator/directories/"+dirID+"/groups", map[string]any{"name": "Ops"}),
			srv.API(t, http.MethodGet, "/events?limit=100", nil),
		} {
			out = append(append(out, r.Body...), '\n')
		}
		return out
	}
	if a, b := run(), run(); !bytes.Equal(a, b) {
		t.Fatalf("two runs differ:\n%s\n%s", a, b)
	}
}

// TestDeleteOrganizationDeletesDirectories: an organization's directories
// go with it, each with dsync.deleted.
func TestDeleteOrganizationDeletesDirectories(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	if r := srv.API(t, http.MethodDelete, "/organizations/"+emutest.AcmeID, nil); r.Status != 200 {
		t.Fatalf("delete organization: %d %s", r.Status, r.Body)
	}
	emutest.WantError(t, srv.API(t, http.MethodGet, "/directories/"+dirID, nil), 404, "entity_not_found")
	emutest.WantError(t, srv.API(t, http.MethodGet, "/directory_users/"+danaID, nil), 404, "entity_not_found")
	if n := len(events(t, srv, "dsync.deleted")); n != 1 {
		t.Fatalf("%d dsync.deleted events", n)
	}
}
