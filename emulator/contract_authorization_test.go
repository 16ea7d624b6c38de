package emulator_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// Default-world memberships the authorization scenario uses.
const (
	ctAliceAcmeOM = "om_01JGFNY450V3KH57A74VCB7E15"
	ctBobAcmeOM   = "om_01JGHT8E1PNQC34TXMB5F06KZ1"
	ctBobGlobexOM = "om_01JGGZ1B0PM47AS5BH7DRWSC00"
)

// ctAuthzWorld adds a resource type hierarchy (organization > workspace >
// project) with roles and permissions scoped to it.
const ctAuthzWorld = `
resource_types:
  - {slug: workspace, name: Workspace}
  - {slug: project, name: Project, parent: workspace}
permissions:
  - {slug: "workspace:view", name: View a workspace, resource_type_slug: workspace}
  - {slug: "project:edit", name: Edit a project, resource_type_slug: project}
roles:
  - {slug: workspace-admin, name: Workspace admin, resource_type_slug: workspace, permissions: ["workspace:view", "project:edit"]}
  - {slug: project-editor, name: Project editor, resource_type_slug: project, permissions: ["project:edit"]}
`

// contractAuthorization drives Fine-Grained Authorization (resources, role
// assignments, checks, discovery), groups and their role assignments, and
// the events of roles, permissions and groups.
func contractAuthorization(t *testing.T, run *contractRun) {
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	if _, err := srv.AddFixtures(context.Background(), []byte(ctAuthzWorld), "authz.yaml"); err != nil {
		t.Fatal(err)
	}
	c := run.client(srv.Handler())
	const GET, POST, PUT, PATCH, DELETE = http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete
	id := func(m map[string]any) string { return m["id"].(string) }
	acme := emutest.AcmeID

	c.step = "authz 1 roles and permissions (events)"
	c.json(201, POST, "/authorization/roles", map[string]any{"slug": "auditor", "name": "Auditor"})
	c.json(200, PATCH, "/authorization/roles/auditor", map[string]any{"description": "Reads"})
	c.json(201, POST, "/authorization/permissions", map[string]any{"slug": "project:view", "name": "View a project", "resource_type_slug": "project"})
	c.errCode(404, "entity_not_found", POST, "/authorization/permissions", map[string]any{"slug": "ghost:view", "name": "Ghost", "resource_type_slug": "ghost"})
	c.json(200, PATCH, "/authorization/permissions/project:view", map[string]any{"description": "Read a project"})
	c.json(200, POST, "/authorization/roles/project-editor/permissions", map[string]any{"slug": "project:view"})
	c.errCode(422, "invalid_request_parameters", POST, "/authorization/roles/project-editor/permissions", map[string]any{"slug": "workspace:view"})
	orgRoles := "/authorization/organizations/" + acme + "/roles"
	c.json(201, POST, orgRoles, map[string]any{"slug": "ws-viewer", "name": "Workspace viewer", "resource_type_slug": "workspace"})
	c.json(200, PUT, orgRoles+"/ws-viewer/permissions", map[string]any{"permissions": []string{"workspace:view"}})
	c.json(201, POST, orgRoles, map[string]any{"slug": "temp", "name": "Temporary"})
	c.json(200, PATCH, orgRoles+"/temp", map[string]any{"name": "Temp"})
	c.call(204, DELETE, orgRoles+"/temp", nil)

	c.step = "authz 2 resources"
	ws := c.json(201, POST, "/authorization/resources", map[string]any{"organization_id": acme, "resource_type_slug": "workspace",
		"external_id": "engineering", "name": "Engineering", "description": "The engineers"})
	wsID := id(ws)
	web := c.json(201, POST, "/authorization/resources", map[string]any{"organization_id": acme, "resource_type_slug": "project",
		"external_id": "web", "name": "Web", "parent_resource_id": wsID})
	webID := id(web)
	c.json(201, POST, "/authorization/resources", map[string]any{"organization_id": acme, "resource_type_slug": "project",
		"external_id": "api", "name": "API", "parent_resource_type_slug": "workspace", "parent_resource_external_id": "engineering"})
	c.errCode(409, "authorization_resource_external_id_conflict", POST, "/authorization/resources", map[string]any{"organization_id": acme,
		"resource_type_slug": "workspace", "external_id": "engineering", "name": "Again"})
	c.errCode(404, "entity_not_found", POST, "/authorization/resources", map[string]any{"organization_id": acme,
		"resource_type_slug": "project", "external_id": "lost", "name": "Lost", "parent_resource_id": "authz_resource_" + ctMissing})
	c.errCode(422, "invalid_request_parameters", POST, "/authorization/resources", map[string]any{"organization_id": acme,
		"resource_type_slug": "project", "external_id": "orphan", "name": "Orphan"})
	c.errCode(422, "invalid_request_parameters", POST, "/authorization/resources", map[string]any{"name": "Nameless"},
		invalidBecause("external_id, resource_type_slug and organization_id are required"))
	c.json(200, GET, "/authorization/resources?organization_id="+acme+"&limit=2&order=asc", nil)
	c.json(200, GET, "/authorization/resources?parent_resource_id="+wsID, nil)
	c.json(200, GET, "/authorization/resources?"+url.Values{"organization_id": {acme}, "parent_resource_type_slug": {"workspace"}, "parent_external_id": {"engineering"}}.Encode(), nil)
	c.errCode(400, "missing_organization_id_or_resource_type_slug", GET, "/authorization/resources?resource_external_id=web", nil)
	c.json(200, GET, "/authorization/resources/"+wsID, nil)
	c.errCode(404, "entity_not_found", GET, "/authorization/resources/authz_resource_"+ctMissing, nil)
	c.json(200, PATCH, "/authorization/resources/"+wsID, map[string]any{"name": "Eng", "description": nil})
	c.errCode(404, "entity_not_found", PATCH, "/authorization/resources/authz_resource_"+ctMissing, map[string]any{"name": "Nobody"})
	byExt := "/authorization/organizations/" + acme + "/resources/project/web"
	c.json(200, GET, byExt, nil)
	c.errCode(404, "entity_not_found", GET, "/authorization/organizations/"+acme+"/resources/project/nope", nil)
	c.json(200, PATCH, byExt, map[string]any{"description": "The web app"})
	c.errCode(404, "entity_not_found", PATCH, "/authorization/organizations/"+acme+"/resources/project/nope", map[string]any{"name": "Nope"})

	c.step = "authz 3 role assignments"
	omRA := "/authorization/organization_memberships/" + ctBobAcmeOM + "/role_assignments"
	ra := c.json(201, POST, omRA, map[string]any{"role_slug": "workspace-admin", "resource_id": wsID})
	c.json(201, POST, omRA, map[string]any{"role_slug": "project-editor", "resource_type_slug": "project", "resource_external_id": "api"})
	c.json(201, POST, omRA, map[string]any{"role_slug": "admin", "resource_type_slug": "organization", "resource_external_id": acme})
	c.errCode(422, "invalid_request_parameters", POST, omRA, map[string]any{"role_slug": "project-editor", "resource_id": wsID})
	c.errCode(404, "entity_not_found", POST, "/authorization/organization_memberships/om_"+ctMissing+"/role_assignments", map[string]any{"role_slug": "admin", "resource_id": wsID})
	c.json(200, GET, omRA, nil)
	c.json(200, GET, omRA+"?resource_type_slug=project&limit=1", nil)
	c.errCode(404, "entity_not_found", GET, "/authorization/organization_memberships/om_"+ctMissing+"/role_assignments", nil)
	c.json(200, GET, "/authorization/resources/"+wsID+"/role_assignments?role_slug=workspace-admin", nil)
	c.errCode(404, "entity_not_found", GET, "/authorization/resources/authz_resource_"+ctMissing+"/role_assignments", nil)
	c.json(200, GET, "/authorization/organizations/"+acme+"/resources/workspace/engineering/role_assignments", nil)
	c.errCode(404, "entity_not_found", GET, "/authorization/organizations/"+acme+"/resources/workspace/nope/role_assignments", nil)

	c.step = "authz 4 checks and discovery"
	om := "/authorization/organization_memberships/" + ctBobAcmeOM
	c.json(200, POST, om+"/check", map[string]any{"permission_slug": "project:edit", "resource_id": webID})
	c.json(200, POST, om+"/check", map[string]any{"permission_slug": "project:edit", "resource_type_slug": "project", "resource_external_id": "web"})
	c.errCode(404, "entity_not_found", POST, om+"/check", map[string]any{"permission_slug": "project:edit", "resource_id": "authz_resource_" + ctMissing})
	c.json(200, GET, om+"/resources?permission_slug=project:edit&parent_resource_id="+wsID, nil)
	c.errCode(400, "bad_request", GET, om+"/resources?permission_slug=project:edit", nil) // the parent resource is required
	c.json(200, GET, om+"/resources/"+webID+"/permissions", nil)
	c.errCode(404, "entity_not_found", GET, om+"/resources/authz_resource_"+ctMissing+"/permissions", nil)
	c.json(200, GET, om+"/resources/project/web/permissions", nil)
	c.errCode(404, "entity_not_found", GET, om+"/resources/project/nope/permissions", nil)
	c.json(200, GET, "/authorization/resources/"+webID+"/organization_memberships?permission_slug=project:edit", nil)
	c.json(200, GET, "/authorization/resources/"+webID+"/organization_memberships?permission_slug=project:edit&assignment=direct", nil)
	c.errCode(422, "invalid_request_parameters", GET, "/authorization/resources/"+webID+"/organization_memberships", nil,
		invalidBecause("permission_slug is required"))
	c.json(200, GET, byExt+"/organization_memberships?permission_slug=project:edit", nil)
	c.errCode(404, "entity_not_found", GET, "/authorization/organizations/"+acme+"/resources/project/nope/organization_memberships?permission_slug=project:edit", nil)

	c.step = "authz 5 groups"
	groups := "/organizations/" + acme + "/groups"
	grp := c.json(201, POST, groups, map[string]any{"name": "Engineers", "description": "Everyone who ships"})
	grpID := id(grp)
	c.errCode(404, "entity_not_found", POST, "/organizations/org_"+ctMissing+"/groups", map[string]any{"name": "Nobody"})
	c.json(200, GET, groups+"?limit=5", nil)
	c.errCode(404, "entity_not_found", GET, "/organizations/org_"+ctMissing+"/groups", nil)
	c.json(200, GET, groups+"/"+grpID, nil)
	c.errCode(404, "entity_not_found", GET, groups+"/group_"+ctMissing, nil)
	c.json(200, PATCH, groups+"/"+grpID, map[string]any{"name": "Engineering"})
	c.errCode(404, "entity_not_found", PATCH, groups+"/group_"+ctMissing, map[string]any{"name": "Nobody"})
	members := groups + "/" + grpID + "/organization-memberships"
	c.json(200, POST, members, map[string]any{"organization_membership_id": ctAliceAcmeOM})
	c.json(200, POST, members, map[string]any{"organization_membership_id": ctBobAcmeOM})
	c.errCode(404, "entity_not_found", POST, members, map[string]any{"organization_membership_id": ctBobGlobexOM})
	c.json(200, GET, members, nil)
	c.errCode(404, "entity_not_found", GET, groups+"/group_"+ctMissing+"/organization-memberships", nil)
	c.json(200, GET, "/user_management/organization_memberships/"+ctAliceAcmeOM+"/groups", nil)
	c.errCode(404, "entity_not_found", GET, "/user_management/organization_memberships/om_"+ctMissing+"/groups", nil)

	c.step = "authz 6 group role assignments"
	gra := "/authorization/groups/" + grpID + "/role_assignments"
	g1 := c.json(201, POST, gra, map[string]any{"role_slug": "workspace-admin", "resource_id": wsID})
	c.json(201, POST, gra, map[string]any{"role_slug": "member"})
	c.errCode(409, "duplicate_group_role_assignment", POST, gra, map[string]any{"role_slug": "member"})
	c.errCode(404, "entity_not_found", POST, "/authorization/groups/group_"+ctMissing+"/role_assignments", map[string]any{"role_slug": "member"})
	c.json(200, GET, gra, nil)
	c.errCode(404, "entity_not_found", GET, "/authorization/groups/group_"+ctMissing+"/role_assignments", nil)
	c.json(200, GET, gra+"/"+id(g1), nil)
	c.errCode(404, "entity_not_found", GET, gra+"/gra_"+ctMissing, nil)
	c.json(200, GET, omRA+"?resource_id="+wsID, nil) // the group's assignment shows with source group
	c.json(200, PUT, gra, map[string]any{"role_assignments": []map[string]any{
		{"role_slug": "workspace-admin", "resource_id": wsID},
		{"role_slug": "project-editor", "resource_type_slug": "project", "resource_external_id": "web"},
		{"role_slug": "admin"},
	}})
	c.errCode(404, "entity_not_found", PUT, gra, map[string]any{"role_assignments": []map[string]any{{"role_slug": "ghost"}}})
	c.call(204, DELETE, gra, map[string]any{"role_slug": "admin"})
	c.errCode(404, "entity_not_found", DELETE, gra, map[string]any{"role_slug": "admin"})
	c.call(204, DELETE, gra+"/"+id(g1), nil)
	c.errCode(404, "entity_not_found", DELETE, gra+"/"+id(g1), nil)

	c.step = "authz 7 removals"
	c.call(204, DELETE, omRA, map[string]any{"role_slug": "project-editor", "resource_type_slug": "project", "resource_external_id": "api"})
	c.errCode(404, "entity_not_found", DELETE, omRA, map[string]any{"role_slug": "project-editor", "resource_type_slug": "project", "resource_external_id": "api"})
	c.call(204, DELETE, omRA+"/"+id(ra), nil)
	c.errCode(404, "entity_not_found", DELETE, omRA+"/"+id(ra), nil)
	c.call(204, DELETE, members+"/"+ctAliceAcmeOM, nil)
	c.errCode(404, "entity_not_found", DELETE, members+"/"+ctAliceAcmeOM, nil)
	c.call(204, DELETE, groups+"/"+grpID, nil)
	c.errCode(404, "entity_not_found", DELETE, groups+"/"+grpID, nil)
	c.errCode(409, "resource_has_dependents", DELETE, "/authorization/resources/"+wsID, nil)
	c.call(204, DELETE, byExt, nil)
	c.errCode(404, "entity_not_found", DELETE, byExt, nil)
	c.call(204, DELETE, "/authorization/resources/"+wsID+"?cascade_delete=true", nil)
	c.errCode(404, "entity_not_found", DELETE, "/authorization/resources/"+wsID, nil)
	c.call(204, DELETE, "/authorization/permissions/project:view", nil)

	c.step = "authz 8 events"
	c.json(200, GET, "/events?limit=100", nil)
	c.json(200, GET, "/events?limit=100&order=desc", nil)
}
