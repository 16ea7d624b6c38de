// Package authorization is WorkOS's role-based access control API
// (/authorization/*): environment roles, the roles of one organization,
// and permissions. Role changes show in the next token minted or
// refreshed, because role claims are derived at mint time.
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
	}
}
