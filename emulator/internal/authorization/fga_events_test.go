package authorization_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// eventTypes lists the types of the events in the log, oldest first.
func eventTypes(t *testing.T, srv *emutest.Server) []string {
	t.Helper()
	l := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/events?limit=100&order=asc", nil), 200)
	return ids(t, l, "event")
}

// TestEventsOfRolesPermissionsAndGroups: every change of a role, a
// permission or a group emits its WorkOS event, with the spec's data; a
// change of a membership's organization roles through a group emits
// organization_membership.updated; a resource-scoped assignment does not.
func TestEventsOfRolesPermissionsAndGroups(t *testing.T) {
	t.Parallel()
	srv := newFGA(t)
	api := func(method, path string, body any, status int) map[string]any {
		t.Helper()
		r := srv.API(t, method, path, body)
		if r.Status != status {
			t.Fatalf("%s %s: %d %s", method, path, r.Status, r.Body)
		}
		if status == 204 {
			return nil
		}
		return r.JSON(t)
	}
	api(http.MethodPost, "/authorization/roles", map[string]any{"slug": "auditor", "name": "Auditor"}, 201)
	api(http.MethodPatch, "/authorization/roles/auditor", map[string]any{"name": "Auditors"}, 200)
	api(http.MethodPost, "/authorization/permissions", map[string]any{"slug": "audit:read", "name": "Read"}, 201)
	api(http.MethodPut, "/authorization/roles/auditor/permissions", map[string]any{"permissions": []string{"audit:read"}}, 200)
	api(http.MethodPatch, "/authorization/permissions/audit:read", map[string]any{"description": "Read the log"}, 200)
	roles := "/authorization/organizations/" + fgaAcme + "/roles"
	api(http.MethodPost, roles, map[string]any{"slug": "ops", "name": "Ops"}, 201)
	api(http.MethodPost, roles+"/ops/permissions", map[string]any{"slug": "audit:read"}, 200)
	api(http.MethodDelete, roles+"/ops/permissions/audit:read", nil, 200)
	api(http.MethodDelete, roles+"/ops", nil, 204)
	api(http.MethodDelete, "/authorization/permissions/audit:read", nil, 204)
	g := api(http.MethodPost, "/organizations/"+fgaAcme+"/groups", map[string]any{"name": "Ops"}, 201)
	groupPath := "/organizations/" + fgaAcme + "/groups/" + g["id"].(string)
	api(http.MethodPatch, groupPath, map[string]any{"description": "On call"}, 200)
	api(http.MethodPost, groupPath+"/organization-memberships", map[string]any{"organization_membership_id": fgaGusOM}, 200)
	api(http.MethodPost, groupPath+"/organization-memberships", map[string]any{"organization_membership_id": fgaGusOM}, 200) // already: no event
	api(http.MethodPost, "/authorization/groups/"+g["id"].(string)+"/role_assignments", map[string]any{"role_slug": "project-editor", "resource_id": fgaAPIID}, 201)
	api(http.MethodPost, "/authorization/groups/"+g["id"].(string)+"/role_assignments", map[string]any{"role_slug": "viewer"}, 201)
	api(http.MethodPost, "/authorization/groups/"+g["id"].(string)+"/role_assignments", map[string]any{"role_slug": "viewer", "resource_type_slug": "organization", "resource_external_id": fgaAcme}, 409)
	api(http.MethodDelete, groupPath+"/organization-memberships/"+fgaGusOM, nil, 204)
	api(http.MethodDelete, groupPath, nil, 204)
	want := []string{
		"role.created", "role.updated", "permission.created", "role.updated", "permission.updated",
		"organization_role.created", "organization_role.updated", "organization_role.updated", "organization_role.deleted",
		"permission.deleted",
		"group.created", "group.updated", "group.member_added",
		"organization_membership.updated",                         // the group's viewer role reaches Gus
		"group.member_removed", "organization_membership.updated", // and leaves with him
		"group.deleted",
	}
	if got := eventTypes(t, srv); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("events\n got %v\nwant %v", got, want)
	}
	l := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/events?events=organization_role.created,group.member_added", nil), 200)
	for _, e := range l["data"].([]any) {
		d := e.(map[string]any)["data"].(map[string]any)
		switch e.(map[string]any)["event"] {
		case "organization_role.created":
			if d["object"] != "organization_role" || d["organization_id"] != fgaAcme || d["slug"] != "ops" {
				t.Errorf("organization_role.created data %v", d)
			}
		case "group.member_added":
			if fmt.Sprint(d) != fmt.Sprintf("map[group_id:%s organization_membership_id:%s]", g["id"], fgaGusOM) {
				t.Errorf("group.member_added data %v", d)
			}
		}
	}
}

// TestFixturesAddedAtRunTime: resources, groups and role assignments added
// to the running world work at once and emit what the API would; a
// fixture that collides with the running world changes nothing.
func TestFixturesAddedAtRunTime(t *testing.T) {
	t.Parallel()
	srv := newFGA(t)
	add := `
resources:
  - {organization_id: ` + fgaAcme + `, resource_type_slug: project, external_id: mobile, name: Mobile, parent_resource_type_slug: workspace, parent_resource_external_id: sales}
groups:
  - {id: group_01JGK0000000000000000GRP01, organization_id: ` + fgaAcme + `, name: Mobile team, organization_memberships: [` + fgaGusOM + `]}
role_assignments:
  - {group_id: group_01JGK0000000000000000GRP01, role_slug: project-editor, resource_type_slug: project, resource_external_id: mobile}
  - {group_id: group_01JGK0000000000000000GRP01, role_slug: viewer}
`
	if _, err := srv.AddFixtures(context.Background(), []byte(add), "more.yaml"); err != nil {
		t.Fatal(err)
	}
	res := emutest.WantJSON(t, srv.API(t, http.MethodPost, "/authorization/organization_memberships/"+fgaGusOM+"/check",
		map[string]any{"permission_slug": "project:edit", "resource_type_slug": "project", "resource_external_id": "mobile"}), 200)
	if res["authorized"] != true {
		t.Fatalf("check %v", res)
	}
	if got := eventTypes(t, srv); fmt.Sprint(got) != "[group.created group.member_added organization_membership.updated]" {
		t.Fatalf("events %v", got)
	}
	// A second group with the same id collides: nothing is added.
	if _, err := srv.AddFixtures(context.Background(), []byte(`
groups:
  - {id: group_01JGK0000000000000000GRP01, organization_id: `+fgaAcme+`, name: Again}
`), "again.yaml"); err == nil {
		t.Fatal("a duplicate group id was accepted")
	}
}

// TestFixtureProblems: the FGA sections report every mistake with its
// place.
func TestFixtureProblems(t *testing.T) {
	t.Parallel()
	bad := fgaWorld + `
  - {organization_membership_id: om_01JGFNY450V3KH57A74VCB7E15, role_slug: project-editor, resource_id: authz_resource_01JGK00000000000000000ENG1}
  - {organization_membership_id: om_01JGFNY450V3KH57A74VCB7E15, group_id: group_01JGK0000000000000000GRP01, role_slug: viewer}
groups:
  - {organization_id: org_01JGJ5PDQQYSQW43DAPDSPEJEY, name: Cross, organization_memberships: [om_01JGGZ1B0PM47AS5BH7DRWSC02]}
`
	_, err := fixtures.Parse([]byte(bad), "bad.yaml")
	if err == nil {
		t.Fatal("accepted")
	}
	typed := strings.Replace(fgaWorld, "role: viewer}", "role: workspace-admin}", 1)
	if _, err := fixtures.Parse([]byte(typed), "typed.yaml"); err == nil || !strings.Contains(err.Error(),
		`memberships[2].role: role "workspace-admin" is assigned on workspace resources`) {
		t.Errorf("a membership holding a workspace role: %v", err)
	}
	for _, want := range []string{
		`role_assignments[2].role_slug: role "project-editor" is assigned on project resources, not on a workspace`,
		`role_assignments[3].organization_membership_id: a role assignment names an organization_membership_id or a group_id`,
		`groups[0].organization_memberships[0]: membership "om_01JGGZ1B0PM47AS5BH7DRWSC02" is in organization`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("missing %q in\n%v", want, err)
		}
	}
}

// TestDeterministic: the same world, clock and requests give the same
// bytes (generated ids included).
func TestDeterministic(t *testing.T) {
	t.Parallel()
	run := func() string {
		srv := newFGA(t)
		var out strings.Builder
		for _, r := range []struct {
			method, path string
			body         any
		}{
			{http.MethodPost, "/authorization/resources", map[string]any{"organization_id": fgaAcme, "resource_type_slug": "workspace", "external_id": "ops", "name": "Ops"}},
			{http.MethodPost, "/organizations/" + fgaAcme + "/groups", map[string]any{"name": "Ops"}},
			{http.MethodPost, "/authorization/organization_memberships/" + fgaGusOM + "/role_assignments", map[string]any{"role_slug": "workspace-admin", "resource_type_slug": "workspace", "resource_external_id": "ops"}},
			{http.MethodGet, "/authorization/organization_memberships/" + fgaGusOM + "/role_assignments", nil},
			{http.MethodGet, "/authorization/resources/" + fgaEngID + "/organization_memberships?permission_slug=project:edit", nil},
			{http.MethodGet, "/events", nil},
		} {
			out.Write(srv.API(t, r.method, r.path, r.body).Body)
		}
		return out.String()
	}
	if a, b := run(), run(); a != b {
		t.Fatalf("two runs differ:\n%s\n%s", a, b)
	}
}
