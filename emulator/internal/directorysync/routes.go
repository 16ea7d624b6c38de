// Package directorysync is WorkOS Directory Sync: the directories an
// organization's identity provider syncs, their users and groups
// (/directories, /directory_users, /directory_groups), and the
// control-plane routes that play the identity provider: provisioning,
// updating and deprovisioning users and groups, and group membership
// (/_emulator/directories/{id}/...). The records, the dsync.* events and
// the AuthKit linking live in the store, shared with fixture directories.
package directorysync

import (
	"net/http"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
)

// api serves the routes of every environment.
type api struct{ env web.Env }

// Routes lists the area's WorkOS API routes.
func Routes(env web.Env) []web.Route {
	a := &api{env: env}
	const g, key = web.GroupAPI, web.APIKey
	return []web.Route{
		web.R(http.MethodGet, "/directories", g, key, "list directories (filters organization_id, search, domain)", a.listDirectories),
		web.R(http.MethodGet, "/directories/:id", g, key, "get a directory", a.getDirectory),
		web.R(http.MethodDelete, "/directories/:id", g, key, "delete a directory with its users and groups (dsync.deleted)", a.deleteDirectory),
		web.R(http.MethodGet, "/directory_users", g, key, "list directory users (by directory or group; idp_id, email)", a.listUsers),
		web.R(http.MethodGet, "/directory_users/:id", g, key, "get a directory user with its groups", a.getUser),
		web.R(http.MethodGet, "/directory_groups", g, key, "list directory groups (by directory or user)", a.listGroups),
		web.R(http.MethodGet, "/directory_groups/:id", g, key, "get a directory group", a.getGroup),
	}
}

// ControlRoutes lists the area's control-plane routes: the identity
// provider's side of a directory.
func ControlRoutes(env web.Env) []web.Route {
	a := &api{env: env}
	const g, ctl = web.GroupControl, web.Control
	const base = "/_emulator/directories/:id"
	return []web.Route{
		web.R(http.MethodPost, base+"/users", g, ctl, "provision a directory user (fixture shape): dsync.user.created, AuthKit user and membership", a.provisionUser),
		web.R(http.MethodPut, base+"/users/:user", g, ctl, "update a directory user (the keys given; state inactive deactivates): dsync.user.updated", a.updateUser),
		web.R(http.MethodDelete, base+"/users/:user", g, ctl, "deprovision a directory user: dsync.user.deleted, membership deactivated", a.deprovisionUser),
		web.R(http.MethodPost, base+"/groups", g, ctl, "create a directory group (fixture shape): dsync.group.created", a.createGroup),
		web.R(http.MethodPut, base+"/groups/:group", g, ctl, "update a directory group (the keys given): dsync.group.updated", a.updateGroup),
		web.R(http.MethodDelete, base+"/groups/:group", g, ctl, "delete a directory group: dsync.group.deleted", a.deleteGroup),
		web.R(http.MethodPost, base+"/groups/:group/users", g, ctl, "add a user to a group ({\"user_id\"}): dsync.group.user_added", a.addMember),
		web.R(http.MethodDelete, base+"/groups/:group/users/:user", g, ctl, "remove a user from a group: dsync.group.user_removed", a.removeMember),
	}
}
