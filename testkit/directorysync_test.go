package testkit_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/testkit"
)

const dsyncWorld = `
directories:
  - id: directory_01JGK5000000000000000000D1
    name: Acme Okta
    organization_id: org_01JGJ5PDQQYSQW43DAPDSPEJEY
    groups: [{id: directory_group_01JGK5000000000000000000G1, idp_id: g-eng, name: Engineering, role: admin}]
`

const dsyncDir = "directory_01JGK5000000000000000000D1"

// apiJSON sends a WorkOS API request to em and decodes the answer.
func apiJSON(t *testing.T, em *testkit.Emulator, method, path string, body any) map[string]any {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, em.URL()+path, rd)
	req.Header.Set("Authorization", "Bearer "+em.APIKey())
	req.Header.Set("Content-Type", "application/json")
	resp, err := em.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
		t.Fatalf("%s %s: %d: %v", method, path, resp.StatusCode, err)
	}
	return m
}

// TestDirectoryProvisioningHelpers: the testkit plays the identity
// provider: a provisioned user becomes an AuthKit member with the role of
// its group, an update changes it, deactivation deactivates the membership,
// deprovisioning deletes the directory user; each step is in /events.
func TestDirectoryProvisioningHelpers(t *testing.T) {
	t.Parallel()
	em := testkit.Start(t)
	em.AddFixtures(t, dsyncWorld)
	u := em.ProvisionDirectoryUser(t, dsyncDir, emulator.DirectoryUser{IdpID: "u-1", Email: "erin@acme.test", FirstName: "Erin", Groups: []string{"g-eng"}})
	if u.AuthKitUserID == "" || u.State != "active" || len(u.Groups) != 1 || u.OrganizationID != "org_01JGJ5PDQQYSQW43DAPDSPEJEY" {
		t.Fatalf("provisioned: %+v", u)
	}
	memberships := func() map[string]any {
		l := apiJSON(t, em, http.MethodGet, "/user_management/organization_memberships?user_id="+u.AuthKitUserID+"&statuses=active&statuses=inactive", nil)["data"].([]any)
		if len(l) != 1 {
			t.Fatalf("memberships: %v", l)
		}
		return l[0].(map[string]any)
	}
	if m := memberships(); m["status"] != "active" || m["role"].(map[string]any)["slug"] != "admin" {
		t.Fatalf("membership: %v", m)
	}
	u = em.UpdateDirectoryUser(t, dsyncDir, "u-1", func(u *emulator.DirectoryUser) { u.LastName, u.Email = "Example", "erin.e@acme.test" })
	if u.LastName != "Example" || u.Email != "erin.e@acme.test" || len(u.Emails) != 1 || u.Emails[0].Value != "erin.e@acme.test" || len(u.Groups) != 1 {
		t.Fatalf("updated: %+v", u)
	}
	em.DeactivateDirectoryUser(t, dsyncDir, u.ID)
	if m := memberships(); m["status"] != "inactive" {
		t.Fatalf("membership after deactivation: %v", m)
	}
	g := em.CreateDirectoryGroup(t, dsyncDir, emulator.DirectoryGroup{Name: "Ops"})
	em.AddDirectoryGroupMember(t, dsyncDir, g.ID, "u-1")
	g = em.UpdateDirectoryGroup(t, dsyncDir, g.ID, func(g *emulator.DirectoryGroup) { g.Name = "Operations" })
	if g.Name != "Operations" || g.IdpID == "" {
		t.Fatalf("group: %+v", g)
	}
	if got := em.DirectoryUser(t, u.ID).Groups; len(got) != 2 {
		t.Fatalf("groups: %v", got)
	}
	em.RemoveDirectoryGroupMember(t, dsyncDir, g.ID, u.ID)
	em.DeleteDirectoryGroup(t, dsyncDir, g.ID)
	em.DeprovisionDirectoryUser(t, dsyncDir, u.ID)
	if got := apiJSON(t, em, http.MethodGet, "/directory_users/"+u.ID, nil); got["code"] != "entity_not_found" {
		t.Fatalf("deprovisioned user: %v", got)
	}
	var types []string
	for _, e := range apiJSON(t, em, http.MethodGet, "/events?limit=100&order=asc", nil)["data"].([]any) {
		types = append(types, e.(map[string]any)["event"].(string))
	}
	want := "dsync.activated dsync.group.created dsync.user.created dsync.group.user_added user.created organization_membership.created " +
		"dsync.user.updated user.updated dsync.user.updated organization_membership.updated " +
		"dsync.group.created dsync.group.user_added dsync.group.updated dsync.group.user_removed dsync.group.deleted " +
		"dsync.group.user_removed dsync.user.deleted"
	if got := strings.Join(types, " "); got != want {
		t.Fatalf("events:\n got %s\nwant %s", got, want)
	}

	// Failures fail the test.
	ft := &fakeT{}
	em.ProvisionDirectoryUser(ft, dsyncDir, emulator.DirectoryUser{Email: "not an e-mail"})
	ft.check(t, true)
	em.DeprovisionDirectoryUser(ft, dsyncDir, "nobody")
	ft.check(t, true)
}
