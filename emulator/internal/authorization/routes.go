// Package authorization is WorkOS's authorization API (/authorization/*):
// role-based access control (environment roles, the roles of one
// organization, permissions) and Fine-Grained Authorization (resources in
// a tree under each organization, role assignments on them for memberships
// and groups, access checks and discovery), plus the groups of
// organization memberships (/organizations/{id}/groups). Role changes show
// in the next token minted or refreshed, because role claims are derived
// at mint time.
package authorization

import (
	"net/http"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
)

// api serves the routes of every environment.
type api struct{ env web.Env }

// Routes lists the area's routes.
func Routes(env web.Env) []web.Route {
	a := &api{env: env}
	const g, key = web.GroupAPI, web.APIKey
	return []web.Route{
		web.R(http.MethodGet, "/authorization/roles", g, key, "environment roles", a.listRoles),
		web.R(http.MethodPost, "/authorization/roles", g, key, "create an environment role", a.createRole),
		web.R(http.MethodGet, "/authorization/roles/:slug", g, key, "an environment role", a.getRole),
		web.R(http.MethodPatch, "/authorization/roles/:slug", g, key, "update an environment role", a.updateRole),
		web.R(http.MethodPut, "/authorization/roles/:slug/permissions", g, key, "set a role's permissions", a.setRolePermissions),
		web.R(http.MethodPost, "/authorization/roles/:slug/permissions", g, key, "add a permission to a role", a.addRolePermission),
		web.R(http.MethodGet, "/authorization/organizations/:org/roles", g, key, "roles of an organization (environment + own)", a.listRoles),
		web.R(http.MethodPost, "/authorization/organizations/:org/roles", g, key, "create an organization role", a.createRole),
		web.R(http.MethodGet, "/authorization/organizations/:org/roles/:slug", g, key, "an organization role", a.getRole),
		web.R(http.MethodPatch, "/authorization/organizations/:org/roles/:slug", g, key, "update an organization role", a.updateRole),
		web.R(http.MethodDelete, "/authorization/organizations/:org/roles/:slug", g, key, "delete an organization role", a.deleteRole),
		web.R(http.MethodPut, "/authorization/organizations/:org/roles/:slug/permissions", g, key, "set an organization role's permissions", a.setRolePermissions),
		web.R(http.MethodPost, "/authorization/organizations/:org/roles/:slug/permissions", g, key, "add a permission to an organization role", a.addRolePermission),
		web.R(http.MethodDelete, "/authorization/organizations/:org/roles/:slug/permissions/:permission", g, key, "remove a permission from an organization role", a.removeRolePermission),
		web.R(http.MethodGet, "/authorization/permissions", g, key, "list permissions", a.listPermissions),
		web.R(http.MethodPost, "/authorization/permissions", g, key, "create a permission", a.createPermission),
		web.R(http.MethodGet, "/authorization/permissions/:slug", g, key, "a permission", a.getPermission),
		web.R(http.MethodPatch, "/authorization/permissions/:slug", g, key, "update a permission", a.updatePermission),
		web.R(http.MethodDelete, "/authorization/permissions/:slug", g, key, "delete a permission", a.deletePermission),

		web.R(http.MethodGet, "/authorization/resources", g, key, "list resources (organization, type, parent filters)", a.listResources),
		web.R(http.MethodPost, "/authorization/resources", g, key, "create a resource", a.createResource),
		web.R(http.MethodGet, "/authorization/resources/:resource", g, key, "a resource", a.getResource),
		web.R(http.MethodPatch, "/authorization/resources/:resource", g, key, "update a resource (name, description, parent)", a.updateResource),
		web.R(http.MethodDelete, "/authorization/resources/:resource", g, key, "delete a resource (cascade_delete for its descendants)", a.deleteResource),
		web.R(http.MethodGet, "/authorization/resources/:resource/organization_memberships", g, key, "memberships with a permission on a resource", a.listResourceMembers),
		web.R(http.MethodGet, "/authorization/resources/:resource/role_assignments", g, key, "role assignments on a resource", a.listResourceAssignments),
		web.R(http.MethodGet, "/authorization/resources/:resource/organization_memberships/:om/permissions", g, key, "effective permissions (the path workos-node 11 calls)", a.effectivePermissions),
		web.R(http.MethodGet, "/authorization/organizations/:org/resources/:type/:external", g, key, "a resource by external id", a.getResource),
		web.R(http.MethodPatch, "/authorization/organizations/:org/resources/:type/:external", g, key, "update a resource by external id", a.updateResource),
		web.R(http.MethodDelete, "/authorization/organizations/:org/resources/:type/:external", g, key, "delete a resource by external id", a.deleteResource),
		web.R(http.MethodGet, "/authorization/organizations/:org/resources/:type/:external/organization_memberships", g, key, "memberships with a permission on a resource (by external id)", a.listResourceMembers),
		web.R(http.MethodGet, "/authorization/organizations/:org/resources/:type/:external/role_assignments", g, key, "role assignments on a resource (by external id)", a.listResourceAssignments),

		web.R(http.MethodGet, "/authorization/organization_memberships/:om/role_assignments", g, key, "a membership's role assignments", a.listMembershipAssignments),
		web.R(http.MethodPost, "/authorization/organization_memberships/:om/role_assignments", g, key, "assign a role on a resource", a.assignRole),
		web.R(http.MethodDelete, "/authorization/organization_memberships/:om/role_assignments", g, key, "remove a role assignment (by role and resource)", a.removeRole),
		web.R(http.MethodDelete, "/authorization/organization_memberships/:om/role_assignments/:assignment", g, key, "remove a role assignment", a.removeRoleByID),
		web.R(http.MethodPost, "/authorization/organization_memberships/:om/check", g, key, "check a permission on a resource", a.check),
		web.R(http.MethodGet, "/authorization/organization_memberships/:om/resources", g, key, "child resources a membership has a permission on", a.membershipResources),
		web.R(http.MethodGet, "/authorization/organization_memberships/:om/resources/:resource/permissions", g, key, "effective permissions on a resource", a.effectivePermissions),
		web.R(http.MethodGet, "/authorization/organization_memberships/:om/resources/:resource/:external/permissions", g, key, "effective permissions on a resource (by type and external id)", a.effectivePermissions),

		web.R(http.MethodGet, "/authorization/groups/:group/role_assignments", g, key, "a group's role assignments", a.listGroupAssignments),
		web.R(http.MethodPost, "/authorization/groups/:group/role_assignments", g, key, "assign a role to a group", a.createGroupAssignment),
		web.R(http.MethodPut, "/authorization/groups/:group/role_assignments", g, key, "replace a group's role assignments", a.replaceGroupAssignments),
		web.R(http.MethodDelete, "/authorization/groups/:group/role_assignments", g, key, "remove a group's role assignments (by role and resource)", a.removeGroupAssignments),
		web.R(http.MethodGet, "/authorization/groups/:group/role_assignments/:assignment", g, key, "a group role assignment", a.getGroupAssignment),
		web.R(http.MethodDelete, "/authorization/groups/:group/role_assignments/:assignment", g, key, "remove a group role assignment", a.deleteGroupAssignment),

		web.R(http.MethodPost, "/organizations/:id/groups", g, key, "create a group", a.createGroup),
		web.R(http.MethodGet, "/organizations/:id/groups", g, key, "an organization's groups", a.listGroups),
		web.R(http.MethodGet, "/organizations/:id/groups/:group", g, key, "a group", a.getGroup),
		web.R(http.MethodPatch, "/organizations/:id/groups/:group", g, key, "update a group", a.updateGroup),
		web.R(http.MethodDelete, "/organizations/:id/groups/:group", g, key, "delete a group", a.deleteGroup),
		web.R(http.MethodPost, "/organizations/:id/groups/:group/organization-memberships", g, key, "add a member to a group", a.addGroupMember),
		web.R(http.MethodGet, "/organizations/:id/groups/:group/organization-memberships", g, key, "a group's members", a.listGroupMembers),
		web.R(http.MethodDelete, "/organizations/:id/groups/:group/organization-memberships/:om", g, key, "remove a member from a group", a.removeGroupMember),
		web.R(http.MethodGet, "/user_management/organization_memberships/:id/groups", g, key, "a membership's groups", a.listMembershipGroups),
	}
}
