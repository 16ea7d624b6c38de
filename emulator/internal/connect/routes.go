// Package connect is WorkOS Connect's management API: Connect applications
// (OAuth and M2M) and their client secrets, and the applications users
// have authorized. It manages the same records the fixtures seed and the
// AuthKit domain (/oauth2/*) reads, so a change here works there at once.
package connect

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
		web.R(http.MethodGet, "/connect/applications", g, key, "list Connect applications (organization_id, registration_types)", a.list),
		web.R(http.MethodPost, "/connect/applications", g, key, "create a Connect application (OAuth or M2M): usable at /oauth2/* at once", a.create),
		web.R(http.MethodGet, "/connect/applications/:id", g, key, "a Connect application, by id or client id", a.get),
		web.R(http.MethodPut, "/connect/applications/:id", g, key, "update a Connect application (name, description, scopes, redirect URIs)", a.update),
		web.R(http.MethodDelete, "/connect/applications/:id", g, key, "delete a Connect application: its grants and tokens end", a.delete),
		web.R(http.MethodGet, "/connect/applications/:id/client_secrets", g, key, "an application's client secrets", a.listSecrets),
		web.R(http.MethodPost, "/connect/applications/:id/client_secrets", g, key, "create a client secret (its value is shown once)", a.createSecret),
		web.R(http.MethodDelete, "/connect/client_secrets/:id", g, key, "delete a client secret: it stops authenticating at once", a.deleteSecret),
		web.R(http.MethodGet, "/user_management/users/:user_id/authorized_applications", g, key, "the applications a user has authorized", a.listUserAuthorizations),
		web.R(http.MethodDelete, "/user_management/users/:user_id/authorized_applications/:application_id", g, key,
			"revoke a user's authorization of an application: its grants' tokens end", a.revokeAuthorization),
		web.R(http.MethodGet, "/organizations/:organization_id/authorized_applications", g, key, "the applications authorized with an organization", a.listOrgAuthorizations),
	}
}
