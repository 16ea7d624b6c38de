package authorization_test

import (
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// The FGA world of these tests: Acme contains workspaces Engineering and
// Sales, Engineering contains projects Web and API; Dana is a workspace
// admin of Engineering, Eve an editor of Web alone, Finn only a member of
// Acme with the org-wide "viewer" role, Gus a member with no role.
const (
	fgaAcme    = "org_01JGJ5PDQQYSQW43DAPDSPEJEY"
	fgaOther   = "org_01JGHYEQJ3R88ZXE6V4AJ192KN"
	fgaDanaOM  = "om_01JGFNY450V3KH57A74VCB7E15"
	fgaEveOM   = "om_01JGHT8E1PNQC34TXMB5F06KZ1"
	fgaFinnOM  = "om_01JGGZ1B0PM47AS5BH7DRWSC00"
	fgaGusOM   = "om_01JGGZ1B0PM47AS5BH7DRWSC01"
	fgaOtherOM = "om_01JGGZ1B0PM47AS5BH7DRWSC02"
	fgaEngID   = "authz_resource_01JGK00000000000000000ENG1"
	fgaWebID   = "authz_resource_01JGK00000000000000000WEB1"
	fgaAPIID   = "authz_resource_01JGK00000000000000000AP11"
	fgaSalesID = "authz_resource_01JGK00000000000000000SA1E"
	fgaDanaID  = "user_01JGH00N0CRRAQG5E1V2EYRQ68"
	fgaGusID   = "user_01JGJ48F1WQQHDNXHABSCR87EJ"
)

const fgaWorld = `
environment: {client_id: client_01JGG4A9SC2402TR1E5S95RGFY, api_keys: [sk_test_emulator]}
users:
  - {id: user_01JGH00N0CRRAQG5E1V2EYRQ68, email: dana@acme.test}
  - {id: user_01JGJD97DGZV5Z4G8RCP6SJ6C5, email: eve@acme.test}
  - {id: user_01JGJD97DGZV5Z4G8RCP6SJ6C6, email: finn@acme.test}
  - {id: user_01JGJ48F1WQQHDNXHABSCR87EJ, email: gus@acme.test}
organizations:
  - {id: org_01JGJ5PDQQYSQW43DAPDSPEJEY, name: Acme}
  - {id: org_01JGHYEQJ3R88ZXE6V4AJ192KN, name: Other}
resource_types:
  - {slug: workspace, name: Workspace}
  - {slug: project, name: Project, parent: workspace}
permissions:
  - {slug: "workspace:view", name: View a workspace, resource_type_slug: workspace}
  - {slug: "project:view", name: View a project, resource_type_slug: project}
  - {slug: "project:edit", name: Edit a project, resource_type_slug: project}
roles:
  - {slug: member, name: Member, permissions: ["users:read"]}
  - {slug: viewer, name: Viewer, permissions: ["users:read", "project:view"]}
  - {slug: workspace-admin, name: Workspace admin, resource_type_slug: workspace, permissions: ["workspace:view", "project:view", "project:edit"]}
  - {slug: project-editor, name: Project editor, resource_type_slug: project, permissions: ["project:view", "project:edit"]}
memberships:
  - {id: om_01JGFNY450V3KH57A74VCB7E15, user_id: user_01JGH00N0CRRAQG5E1V2EYRQ68, organization_id: org_01JGJ5PDQQYSQW43DAPDSPEJEY, role: member}
  - {id: om_01JGHT8E1PNQC34TXMB5F06KZ1, user_id: user_01JGJD97DGZV5Z4G8RCP6SJ6C5, organization_id: org_01JGJ5PDQQYSQW43DAPDSPEJEY, role: member}
  - {id: om_01JGGZ1B0PM47AS5BH7DRWSC00, user_id: user_01JGJD97DGZV5Z4G8RCP6SJ6C6, organization_id: org_01JGJ5PDQQYSQW43DAPDSPEJEY, role: viewer}
  - {id: om_01JGGZ1B0PM47AS5BH7DRWSC01, user_id: user_01JGJ48F1WQQHDNXHABSCR87EJ, organization_id: org_01JGJ5PDQQYSQW43DAPDSPEJEY}
  - {id: om_01JGGZ1B0PM47AS5BH7DRWSC02, user_id: user_01JGH00N0CRRAQG5E1V2EYRQ68, organization_id: org_01JGHYEQJ3R88ZXE6V4AJ192KN, role: viewer}
resources:
  - {id: authz_resource_01JGK00000000000000000ENG1, organization_id: org_01JGJ5PDQQYSQW43DAPDSPEJEY, resource_type_slug: workspace, external_id: engineering, name: Engineering}
  - {id: authz_resource_01JGK00000000000000000SA1E, organization_id: org_01JGJ5PDQQYSQW43DAPDSPEJEY, resource_type_slug: workspace, external_id: sales, name: Sales}
  - {id: authz_resource_01JGK00000000000000000WEB1, organization_id: org_01JGJ5PDQQYSQW43DAPDSPEJEY, resource_type_slug: project, external_id: web, name: Web, parent_resource_id: authz_resource_01JGK00000000000000000ENG1}
  - {id: authz_resource_01JGK00000000000000000AP11, organization_id: org_01JGJ5PDQQYSQW43DAPDSPEJEY, resource_type_slug: project, external_id: api, name: API, parent_resource_type_slug: workspace, parent_resource_external_id: engineering}
role_assignments:
  - {organization_membership_id: om_01JGFNY450V3KH57A74VCB7E15, role_slug: workspace-admin, resource_id: authz_resource_01JGK00000000000000000ENG1}
  - {organization_membership_id: om_01JGHT8E1PNQC34TXMB5F06KZ1, role_slug: project-editor, resource_type_slug: project, resource_external_id: web}
`

func newFGA(t testing.TB) *emutest.Server {
	t.Helper()
	return emutest.New(t, emulator.Config{Clock: emutest.T0, Fixtures: emutest.Parse(t, fgaWorld)})
}

// check asks whether the membership has perm on the resource (by id).
func check(t *testing.T, srv *emutest.Server, om, perm, resourceID string) bool {
	t.Helper()
	res := emutest.WantJSON(t, srv.API(t, http.MethodPost, "/authorization/organization_memberships/"+om+"/check",
		map[string]any{"permission_slug": perm, "resource_id": resourceID}), 200)
	return res["authorized"].(bool)
}

// ids lists the ids (or another string field) of a list answer's data.
func ids(t *testing.T, list map[string]any, field string) []string {
	t.Helper()
	var out []string
	for _, x := range list["data"].([]any) {
		out = append(out, fmt.Sprint(x.(map[string]any)[field]))
	}
	return out
}

// TestInheritanceParentChain: a workspace role reaches the projects under
// the workspace and no other; a project role reaches its project only; a
// permission applies to its own resource type only.
func TestInheritanceParentChain(t *testing.T) {
	t.Parallel()
	srv := newFGA(t)
	for _, c := range []struct {
		om, perm, res string
		want          bool
	}{
		{fgaDanaOM, "project:edit", fgaWebID, true},      // from workspace-admin on Engineering, the parent
		{fgaDanaOM, "project:edit", fgaAPIID, true},      // the other child
		{fgaDanaOM, "workspace:view", fgaEngID, true},    // on the workspace itself
		{fgaDanaOM, "workspace:view", fgaSalesID, false}, // another workspace
		{fgaDanaOM, "workspace:view", fgaWebID, false},   // a workspace permission on a project
		{fgaDanaOM, "project:edit", fgaEngID, false},     // a project permission on a workspace
		{fgaEveOM, "project:edit", fgaWebID, true},       // direct on the project
		{fgaEveOM, "project:edit", fgaAPIID, false},      // a sibling
		{fgaEveOM, "workspace:view", fgaEngID, false},    // roles do not flow up
		{fgaGusOM, "project:view", fgaWebID, false},      // nothing
		{fgaDanaOM, "project:edit", "authz_resource_01JGK00000000000000000ZZZZ", false},
	} {
		if c.res == "authz_resource_01JGK00000000000000000ZZZZ" {
			emutest.WantError(t, srv.API(t, http.MethodPost, "/authorization/organization_memberships/"+c.om+"/check",
				map[string]any{"permission_slug": c.perm, "resource_id": c.res}), 404, "entity_not_found")
			continue
		}
		if got := check(t, srv, c.om, c.perm, c.res); got != c.want {
			t.Errorf("%s %s on %s: %v, want %v", c.om, c.perm, c.res, got, c.want)
		}
	}
	// Moving Web to Sales takes it out of Dana's reach.
	emutest.WantJSON(t, srv.API(t, http.MethodPost, "/authorization/resources", map[string]any{"organization_id": fgaAcme,
		"resource_type_slug": "workspace", "external_id": "marketing", "name": "Marketing"}), 201)
	moved := emutest.WantJSON(t, srv.API(t, http.MethodPatch, "/authorization/resources/"+fgaWebID,
		map[string]any{"parent_resource_type_slug": "workspace", "parent_resource_external_id": "sales"}), 200)
	if moved["parent_resource_id"] != fgaSalesID {
		t.Fatalf("moved %v", moved)
	}
	if check(t, srv, fgaDanaOM, "project:edit", fgaWebID) {
		t.Error("Dana still edits Web after it moved out of Engineering")
	}
	// A project cannot sit under a project.
	emutest.WantError(t, srv.API(t, http.MethodPatch, "/authorization/resources/"+fgaWebID,
		map[string]any{"parent_resource_id": fgaAPIID}), 422, "invalid_request_parameters")
}

// TestInheritanceOrganizationRole: a membership's organization role applies
// to every resource of the organization, and follows the membership's
// roles as User Management changes them; inactive memberships have no
// access; memberships of other organizations none either.
func TestInheritanceOrganizationRole(t *testing.T) {
	t.Parallel()
	srv := newFGA(t)
	if !check(t, srv, fgaFinnOM, "project:view", fgaWebID) || !check(t, srv, fgaFinnOM, "project:view", fgaAPIID) {
		t.Fatal("the org-wide viewer role does not reach the projects")
	}
	if check(t, srv, fgaFinnOM, "project:edit", fgaWebID) {
		t.Fatal("viewer edits")
	}
	if check(t, srv, fgaOtherOM, "project:view", fgaWebID) {
		t.Fatal("a viewer of another organization sees Acme's project")
	}
	// User Management gives Gus the viewer role: he sees the projects.
	emutest.WantJSON(t, srv.API(t, http.MethodPut, "/user_management/organization_memberships/"+fgaGusOM, map[string]any{"role_slug": "viewer"}), 200)
	if !check(t, srv, fgaGusOM, "project:view", fgaAPIID) {
		t.Fatal("a role given through User Management does not count")
	}
	// Deactivated, Finn has no access.
	emutest.WantJSON(t, srv.API(t, http.MethodPut, "/user_management/organization_memberships/"+fgaFinnOM+"/deactivate", nil), 200)
	if check(t, srv, fgaFinnOM, "project:view", fgaWebID) {
		t.Fatal("an inactive membership has access")
	}
	// The organization's own resource: by type organization and its id.
	res := emutest.WantJSON(t, srv.API(t, http.MethodPost, "/authorization/organization_memberships/"+fgaGusOM+"/check",
		map[string]any{"permission_slug": "users:read", "resource_type_slug": "organization", "resource_external_id": fgaAcme}), 200)
	if res["authorized"] != true {
		t.Fatalf("users:read on the organization: %v", res)
	}
}

// TestInheritanceGroupRole: a group's role on a resource reaches its
// members (and their children resources), and leaves a member who leaves;
// a group's organization role lands in the member's roles and tokens.
func TestInheritanceGroupRole(t *testing.T) {
	t.Parallel()
	srv := newFGA(t)
	groups := "/organizations/" + fgaAcme + "/groups"
	g := emutest.WantJSON(t, srv.API(t, http.MethodPost, groups, map[string]any{"name": "Sales team"}), 201)
	gid := g["id"].(string)
	emutest.WantJSON(t, srv.API(t, http.MethodPost, "/authorization/groups/"+gid+"/role_assignments",
		map[string]any{"role_slug": "workspace-admin", "resource_type_slug": "workspace", "resource_external_id": "sales"}), 201)
	if check(t, srv, fgaGusOM, "workspace:view", fgaSalesID) {
		t.Fatal("access before joining")
	}
	emutest.WantJSON(t, srv.API(t, http.MethodPost, groups+"/"+gid+"/organization-memberships", map[string]any{"organization_membership_id": fgaGusOM}), 200)
	if !check(t, srv, fgaGusOM, "workspace:view", fgaSalesID) {
		t.Fatal("a member does not get the group's role")
	}
	// The assignment is listed on Gus, sourced from the group.
	list := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/authorization/organization_memberships/"+fgaGusOM+"/role_assignments?resource_id="+fgaSalesID, nil), 200)
	data := list["data"].([]any)
	if len(data) != 1 || data[0].(map[string]any)["source"].(map[string]any)["type"] != "group" {
		t.Fatalf("assignments %v", list)
	}
	// It cannot be removed from the membership directly.
	raID := data[0].(map[string]any)["id"].(string)
	emutest.WantError(t, srv.API(t, http.MethodDelete, "/authorization/organization_memberships/"+fgaGusOM+"/role_assignments/"+raID, nil), 403, "forbidden")

	// An organization role through the group: in the membership and the token.
	emutest.WantJSON(t, srv.API(t, http.MethodPost, "/authorization/groups/"+gid+"/role_assignments", map[string]any{"role_slug": "viewer"}), 201)
	m := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/user_management/organization_memberships/"+fgaGusOM, nil), 200)
	if fmt.Sprint(m["roles"]) != "[map[slug:viewer]]" || fmt.Sprint(m["role"]) != "map[slug:viewer]" {
		t.Fatalf("membership %v", m)
	}
	tok := emutest.WantJSON(t, srv.PostJSON(t, "/_emulator/tokens", map[string]any{"user_id": fgaGusID, "organization_id": fgaAcme}), 201)
	if c := emutest.Claims(t, tok["access_token"].(string)); c["role"] != "viewer" || fmt.Sprint(c["permissions"]) != "[users:read project:view]" {
		t.Fatalf("claims %v", c)
	}
	// Leaving the group takes both away.
	emutest.WantJSON(t, srv.API(t, http.MethodGet, "/user_management/organization_memberships/"+fgaGusOM+"/groups", nil), 200)
	srv.API(t, http.MethodDelete, groups+"/"+gid+"/organization-memberships/"+fgaGusOM, nil)
	if check(t, srv, fgaGusOM, "workspace:view", fgaSalesID) || check(t, srv, fgaGusOM, "project:view", fgaWebID) {
		t.Fatal("access after leaving the group")
	}
	tok = emutest.WantJSON(t, srv.PostJSON(t, "/_emulator/tokens", map[string]any{"user_id": fgaGusID, "organization_id": fgaAcme}), 201)
	if c := emutest.Claims(t, tok["access_token"].(string)); c["role"] != nil {
		t.Fatalf("claims after leaving %v", c)
	}
}

// TestOrganizationRoleAssignment: assigning a role on the organization's
// resource is giving the membership that role: it is in the membership,
// the next token, and organization_membership.updated.
func TestOrganizationRoleAssignment(t *testing.T) {
	t.Parallel()
	srv := newFGA(t)
	ra := "/authorization/organization_memberships/" + fgaDanaOM + "/role_assignments"
	orgRes := "authz_resource_" + fgaAcme[len("org_"):]
	a := emutest.WantJSON(t, srv.API(t, http.MethodPost, ra, map[string]any{"role_slug": "viewer", "resource_id": orgRes}), 201)
	if fmt.Sprint(a["resource"]) != fmt.Sprintf("map[external_id:%s id:%s resource_type_slug:organization]", fgaAcme, orgRes) {
		t.Fatalf("assignment %v", a)
	}
	tok := emutest.WantJSON(t, srv.PostJSON(t, "/_emulator/tokens", map[string]any{"user_id": fgaDanaID, "organization_id": fgaAcme}), 201)
	if c := emutest.Claims(t, tok["access_token"].(string)); fmt.Sprint(c["roles"]) != "[member viewer]" {
		t.Fatalf("claims %v", c)
	}
	// The same assignment again answers the existing one.
	again := emutest.WantJSON(t, srv.API(t, http.MethodPost, ra, map[string]any{"role_slug": "viewer", "resource_type_slug": "organization", "resource_external_id": fgaAcme}), 201)
	if again["id"] != a["id"] {
		t.Fatalf("a second assignment: %v vs %v", again["id"], a["id"])
	}
	// A workspace role cannot go on the organization.
	emutest.WantError(t, srv.API(t, http.MethodPost, ra, map[string]any{"role_slug": "workspace-admin", "resource_id": orgRes}), 422, "invalid_request_parameters")
	// Listed among Dana's assignments, and removable by id.
	list := emutest.WantJSON(t, srv.API(t, http.MethodGet, ra, nil), 200)
	if got := ids(t, list, "id"); len(got) != 3 || !slices.Contains(got, a["id"].(string)) {
		t.Fatalf("assignments %v", got)
	}
	emutest.WantJSON(t, srv.API(t, http.MethodGet, "/authorization/resources/"+orgRes, nil), 200)
	onOrg := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/authorization/resources/"+orgRes+"/role_assignments?role_slug=viewer", nil), 200)
	if got := ids(t, onOrg, "organization_membership_id"); fmt.Sprint(got) != fmt.Sprintf("[%s %s]", fgaDanaOM, fgaFinnOM) {
		t.Fatalf("viewers of the organization %v", got)
	}
	emutest.WantError(t, srv.API(t, http.MethodPatch, "/authorization/resources/"+orgRes, map[string]any{"name": "x"}), 403, "forbidden")
	if r := srv.API(t, http.MethodDelete, ra+"/"+a["id"].(string), nil); r.Status != 204 {
		t.Fatalf("delete: %d %s", r.Status, r.Body)
	}
	m := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/user_management/organization_memberships/"+fgaDanaOM, nil), 200)
	if fmt.Sprint(m["roles"]) != "[map[slug:member]]" {
		t.Fatalf("roles after removal %v", m["roles"])
	}
	events := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/events?events=organization_membership.updated&order=asc", nil), 200)
	var roles []string
	for _, e := range events["data"].([]any) {
		roles = append(roles, fmt.Sprint(e.(map[string]any)["data"].(map[string]any)["roles"]))
	}
	if fmt.Sprint(roles) != "[[map[slug:member] map[slug:viewer]] [map[slug:member]]]" {
		t.Fatalf("organization_membership.updated events %v", roles)
	}
}

// TestRemoveByCriteriaAndReplace: removing by role and resource takes the
// one assignment; replacing a group's assignments keeps the ones listed
// (same ids), drops the others and adds the new.
func TestRemoveByCriteriaAndReplace(t *testing.T) {
	t.Parallel()
	srv := newFGA(t)
	ra := "/authorization/organization_memberships/" + fgaEveOM + "/role_assignments"
	emutest.WantJSON(t, srv.API(t, http.MethodPost, ra, map[string]any{"role_slug": "project-editor", "resource_id": fgaAPIID}), 201)
	body := map[string]any{"role_slug": "project-editor", "resource_type_slug": "project", "resource_external_id": "web"}
	if r := srv.API(t, http.MethodDelete, ra, body); r.Status != 204 {
		t.Fatalf("remove: %d %s", r.Status, r.Body)
	}
	emutest.WantError(t, srv.API(t, http.MethodDelete, ra, body), 404, "entity_not_found")
	if check(t, srv, fgaEveOM, "project:edit", fgaWebID) || !check(t, srv, fgaEveOM, "project:edit", fgaAPIID) {
		t.Fatal("removal by criteria took the wrong assignment")
	}
	emutest.WantError(t, srv.API(t, http.MethodDelete, ra, map[string]any{"role_slug": "project-editor"}), 422, "invalid_request_parameters")

	g := emutest.WantJSON(t, srv.API(t, http.MethodPost, "/organizations/"+fgaAcme+"/groups", map[string]any{"name": "Team"}), 201)
	gra := "/authorization/groups/" + g["id"].(string) + "/role_assignments"
	keep := emutest.WantJSON(t, srv.API(t, http.MethodPost, gra, map[string]any{"role_slug": "project-editor", "resource_id": fgaWebID}), 201)
	emutest.WantJSON(t, srv.API(t, http.MethodPost, gra, map[string]any{"role_slug": "viewer"}), 201)
	out := emutest.WantJSON(t, srv.API(t, http.MethodPut, gra, map[string]any{"role_assignments": []map[string]any{
		{"role_slug": "project-editor", "resource_id": fgaWebID},
		{"role_slug": "workspace-admin", "resource_type_slug": "workspace", "resource_external_id": "sales"},
		{"role_slug": "workspace-admin", "resource_type_slug": "workspace", "resource_external_id": "sales"},
	}}), 200)
	got := ids(t, out, "id")
	if len(got) != 2 || got[0] != keep["id"] {
		t.Fatalf("replaced %v (kept %v)", got, keep["id"])
	}
	// An invalid list changes nothing.
	emutest.WantError(t, srv.API(t, http.MethodPut, gra, map[string]any{"role_assignments": []map[string]any{
		{"role_slug": "viewer"}, {"role_slug": "project-editor", "resource_id": fgaEngID}}}), 422, "invalid_request_parameters")
	if now := ids(t, emutest.WantJSON(t, srv.API(t, http.MethodGet, gra, nil), 200), "id"); len(now) != 2 {
		t.Fatalf("a refused replacement changed the list: %v", now)
	}
	emutest.WantError(t, srv.API(t, http.MethodPut, gra, map[string]any{"role_assignments": "viewer"}), 422, "invalid_request_parameters")
}

// TestResourcePaginationAndFilters: lists page by cursor in both orders,
// and filter by organization, type, parent and external id.
func TestResourcePaginationAndFilters(t *testing.T) {
	t.Parallel()
	srv := newFGA(t)
	var made []string
	for i := range 5 {
		r := emutest.WantJSON(t, srv.API(t, http.MethodPost, "/authorization/resources", map[string]any{"organization_id": fgaAcme,
			"resource_type_slug": "project", "external_id": fmt.Sprintf("p%d", i), "name": fmt.Sprintf("P%d", i), "parent_resource_id": fgaSalesID}), 201)
		made = append(made, r["id"].(string))
	}
	var seen []string
	after := ""
	for page := 0; page < 5; page++ {
		q := "/authorization/resources?order=asc&limit=2&parent_resource_id=" + fgaSalesID
		if after != "" {
			q += "&after=" + after
		}
		l := emutest.WantJSON(t, srv.API(t, http.MethodGet, q, nil), 200)
		seen = append(seen, ids(t, l, "id")...)
		a, _ := l["list_metadata"].(map[string]any)["after"].(string)
		if a == "" {
			break
		}
		after = a
	}
	if fmt.Sprint(seen) != fmt.Sprint(made) {
		t.Fatalf("paged %v, want %v", seen, made)
	}
	desc := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/authorization/resources?limit=1&resource_type_slug=project&organization_id="+fgaAcme, nil), 200)
	if got := ids(t, desc, "id"); len(got) != 1 || got[0] != made[4] {
		t.Fatalf("newest project %v", got)
	}
	one := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/authorization/resources?organization_id="+fgaAcme+"&resource_type_slug=project&resource_external_id=web", nil), 200)
	if got := ids(t, one, "id"); fmt.Sprint(got) != "["+fgaWebID+"]" {
		t.Fatalf("by external id %v", got)
	}
	top := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/authorization/resources?parent_resource_type_slug=organization&parent_external_id="+fgaAcme+"&organization_id="+fgaAcme, nil), 200)
	if got := ids(t, top, "id"); fmt.Sprint(got) != fmt.Sprintf("[%s %s]", fgaSalesID, fgaEngID) {
		t.Fatalf("top-level %v", got)
	}
	emutest.WantError(t, srv.API(t, http.MethodGet, "/authorization/resources?after=authz_resource_01JGK00000000000000000NONE", nil), 422, "invalid_request_parameters")
	// Discovery: Dana can edit the projects of Engineering, none of Sales.
	disc := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/authorization/organization_memberships/"+fgaDanaOM+"/resources?permission_slug=project:edit&parent_resource_id="+fgaEngID, nil), 200)
	if got := ids(t, disc, "id"); fmt.Sprint(got) != fmt.Sprintf("[%s %s]", fgaAPIID, fgaWebID) {
		t.Fatalf("discovery %v", got)
	}
	eve := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/authorization/organization_memberships/"+fgaEveOM+"/resources?permission_slug=project:edit&parent_resource_type_slug=workspace&parent_resource_external_id=engineering", nil), 200)
	if got := ids(t, eve, "id"); fmt.Sprint(got) != "["+fgaWebID+"]" {
		t.Fatalf("Eve's discovery %v", got)
	}
	// Who can edit Web: Dana through Engineering, Eve directly.
	who := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/authorization/resources/"+fgaWebID+"/organization_memberships?permission_slug=project:edit&order=asc", nil), 200)
	if got := ids(t, who, "id"); fmt.Sprint(got) != fmt.Sprintf("[%s %s]", fgaDanaOM, fgaEveOM) {
		t.Fatalf("who %v", got)
	}
	direct := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/authorization/resources/"+fgaWebID+"/organization_memberships?permission_slug=project:edit&assignment=direct", nil), 200)
	if got := ids(t, direct, "id"); fmt.Sprint(got) != "["+fgaEveOM+"]" {
		t.Fatalf("direct %v", got)
	}
	perms := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/authorization/organization_memberships/"+fgaDanaOM+"/resources/project/web/permissions", nil), 200)
	if got := ids(t, perms, "slug"); fmt.Sprint(got) != "[project:edit project:view]" {
		t.Fatalf("effective permissions %v", got)
	}
	sdk := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/authorization/resources/"+fgaEngID+"/organization_memberships/"+fgaDanaOM+"/permissions?order=asc", nil), 200)
	if got := ids(t, sdk, "slug"); fmt.Sprint(got) != "[workspace:view]" {
		t.Fatalf("effective permissions on the workspace %v", got)
	}
}

// TestMembershipAssignmentsPage: a membership's list mixes its
// organization roles (no record) with records, and pages through all.
func TestMembershipAssignmentsPage(t *testing.T) {
	t.Parallel()
	srv := newFGA(t)
	ra := "/authorization/organization_memberships/" + fgaDanaOM + "/role_assignments"
	emutest.WantJSON(t, srv.API(t, http.MethodPut, "/user_management/organization_memberships/"+fgaDanaOM, map[string]any{"role_slugs": []string{"member", "viewer"}}), 200)
	emutest.WantJSON(t, srv.API(t, http.MethodPost, ra, map[string]any{"role_slug": "project-editor", "resource_id": fgaAPIID}), 201)
	all := ids(t, emutest.WantJSON(t, srv.API(t, http.MethodGet, ra+"?limit=100&order=asc", nil), 200), "id")
	if len(all) != 4 {
		t.Fatalf("all %v", all)
	}
	var paged []string
	after := ""
	for range 6 {
		q := ra + "?limit=1&order=asc"
		if after != "" {
			q += "&after=" + after
		}
		l := emutest.WantJSON(t, srv.API(t, http.MethodGet, q, nil), 200)
		paged = append(paged, ids(t, l, "id")...)
		a, _ := l["list_metadata"].(map[string]any)["after"].(string)
		if a == "" {
			break
		}
		after = a
	}
	if fmt.Sprint(paged) != fmt.Sprint(all) {
		t.Fatalf("paged %v, want %v", paged, all)
	}
}

// TestNotFoundAndRefusals: unknown ids are 404s; a resource with
// dependents needs cascade_delete; a role in use cannot be deleted.
func TestNotFoundAndRefusals(t *testing.T) {
	t.Parallel()
	srv := newFGA(t)
	for _, c := range []struct{ method, path string }{
		{http.MethodGet, "/authorization/resources/authz_resource_01JGK00000000000000000NONE"},
		{http.MethodGet, "/authorization/organizations/" + fgaAcme + "/resources/project/nope"},
		{http.MethodGet, "/authorization/organizations/org_01JGK00000000000000000NONE/resources/project/web"},
		{http.MethodGet, "/authorization/organization_memberships/om_01JGK00000000000000000NONE/role_assignments"},
		{http.MethodGet, "/authorization/groups/group_01JGK00000000000000000NONE/role_assignments"},
		{http.MethodGet, "/organizations/" + fgaAcme + "/groups/group_01JGK00000000000000000NONE"},
		{http.MethodGet, "/organizations/org_01JGK00000000000000000NONE/groups"},
		{http.MethodGet, "/user_management/organization_memberships/om_01JGK00000000000000000NONE/groups"},
		{http.MethodDelete, "/authorization/organization_memberships/" + fgaDanaOM + "/role_assignments/role_assignment_01JGK00000000000000000NONE"},
	} {
		emutest.WantError(t, srv.API(t, c.method, c.path, nil), 404, "entity_not_found")
	}
	// A resource of another organization is not the membership's to name by id.
	emutest.WantError(t, srv.API(t, http.MethodPost, "/authorization/organization_memberships/"+fgaOtherOM+"/role_assignments",
		map[string]any{"role_slug": "project-editor", "resource_id": fgaWebID}), 404, "entity_not_found")
	emutest.WantError(t, srv.API(t, http.MethodDelete, "/authorization/resources/"+fgaEngID, nil), 409, "resource_has_dependents")
	emutest.WantError(t, srv.API(t, http.MethodDelete, "/authorization/resources/"+fgaEngID+"?cascade_delete=maybe", nil), 422, "invalid_request_parameters")
	emutest.WantError(t, srv.API(t, http.MethodPost, "/authorization/resources", map[string]any{"organization_id": fgaAcme,
		"resource_type_slug": "galaxy", "external_id": "x", "name": "X"}), 404, "entity_not_found")

	// An organization role held by a membership, or named by a group's
	// assignment, is in use.
	roles := "/authorization/organizations/" + fgaAcme + "/roles"
	emutest.WantJSON(t, srv.API(t, http.MethodPost, roles, map[string]any{"slug": "ops", "name": "Ops"}), 201)
	g := emutest.WantJSON(t, srv.API(t, http.MethodPost, "/organizations/"+fgaAcme+"/groups", map[string]any{"name": "Ops"}), 201)
	gra := emutest.WantJSON(t, srv.API(t, http.MethodPost, "/authorization/groups/"+g["id"].(string)+"/role_assignments", map[string]any{"role_slug": "ops"}), 201)
	emutest.WantError(t, srv.API(t, http.MethodDelete, roles+"/ops", nil), 409, "role_has_assignments")
	srv.API(t, http.MethodDelete, "/authorization/groups/"+g["id"].(string)+"/role_assignments/"+gra["id"].(string), nil)
	emutest.WantJSON(t, srv.API(t, http.MethodPut, "/user_management/organization_memberships/"+fgaGusOM, map[string]any{"role_slug": "ops"}), 200)
	emutest.WantError(t, srv.API(t, http.MethodDelete, roles+"/ops", nil), 409, "role_has_assignments")
	emutest.WantJSON(t, srv.API(t, http.MethodPut, "/user_management/organization_memberships/"+fgaGusOM, map[string]any{"role_slug": "member"}), 200)
	if r := srv.API(t, http.MethodDelete, roles+"/ops", nil); r.Status != 204 {
		t.Fatalf("delete an unused role: %d %s", r.Status, r.Body)
	}

	// Cascade: Engineering, its projects and the assignments on them go.
	if r := srv.API(t, http.MethodDelete, "/authorization/resources/"+fgaEngID+"?cascade_delete=true", nil); r.Status != 204 {
		t.Fatalf("cascade: %d %s", r.Status, r.Body)
	}
	emutest.WantError(t, srv.API(t, http.MethodGet, "/authorization/resources/"+fgaWebID, nil), 404, "entity_not_found")
	if l := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/authorization/organization_memberships/"+fgaEveOM+"/role_assignments?resource_type_slug=project", nil), 200); len(l["data"].([]any)) != 0 {
		t.Fatalf("assignments on deleted resources remain: %v", l)
	}
}

// TestDeletionsCascade: deleting a membership drops its assignments and
// group places; deleting an organization drops its resources and groups.
func TestDeletionsCascade(t *testing.T) {
	t.Parallel()
	srv := newFGA(t)
	g := emutest.WantJSON(t, srv.API(t, http.MethodPost, "/organizations/"+fgaAcme+"/groups", map[string]any{"name": "All"}), 201)
	members := "/organizations/" + fgaAcme + "/groups/" + g["id"].(string) + "/organization-memberships"
	emutest.WantJSON(t, srv.API(t, http.MethodPost, members, map[string]any{"organization_membership_id": fgaDanaOM}), 200)
	srv.API(t, http.MethodDelete, "/user_management/organization_memberships/"+fgaDanaOM, nil)
	if l := emutest.WantJSON(t, srv.API(t, http.MethodGet, members, nil), 200); len(l["data"].([]any)) != 0 {
		t.Fatalf("a deleted membership is still a member: %v", l)
	}
	ras := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/authorization/resources/"+fgaEngID+"/role_assignments", nil), 200)
	if len(ras["data"].([]any)) != 0 {
		t.Fatalf("a deleted membership's assignment remains: %v", ras)
	}
	srv.API(t, http.MethodDelete, "/organizations/"+fgaAcme, nil)
	emutest.WantError(t, srv.API(t, http.MethodGet, "/authorization/resources/"+fgaWebID, nil), 404, "entity_not_found")
	if l := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/authorization/resources", nil), 200); len(l["data"].([]any)) != 0 {
		t.Fatalf("resources of a deleted organization remain: %v", l)
	}
	emutest.WantError(t, srv.API(t, http.MethodGet, "/authorization/groups/"+g["id"].(string)+"/role_assignments", nil), 404, "entity_not_found")
}
