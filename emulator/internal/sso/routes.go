// Package sso is WorkOS's SSO API: the authorization request that sends a
// user to a connection's (emulated) identity provider, the code exchange
// for a profile, the profile of an SSO access token, SSO logout, and the
// connections API. The identity provider itself, which AuthKit shares, is
// in signin; connections, profiles and codes are store records.
package sso

import (
	"net/http"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
)

// api serves the routes of every environment.
type api struct{ env web.Env }

// Routes lists the area's routes.
func Routes(env web.Env) []web.Route {
	a := &api{env: env}
	const g = web.GroupAPI
	return []web.Route{
		web.R(http.MethodGet, "/sso/authorize", g, web.Public, "start SSO: 302 to the connection's emulated identity provider (or headless)", a.authorize),
		web.R(http.MethodPost, "/sso/token", g, web.Public, "exchange an SSO code for a profile and an access token", a.token),
		web.R(http.MethodGet, "/sso/profile", g, web.Public, "the profile of an SSO access token (Bearer)", a.profile),
		web.R(http.MethodPost, "/sso/logout/authorize", g, web.APIKey, "a logout token and URL for a profile", a.logoutAuthorize),
		web.R(http.MethodGet, "/sso/logout", g, web.Public, "end a profile's SSO session, 302 to the logout redirect", a.logout),
		web.R(http.MethodGet, "/connections", g, web.APIKey, "list connections (organization_id, connection_type, domain, search)", a.listConnections),
		web.R(http.MethodGet, "/connections/:id", g, web.APIKey, "a connection", a.getConnection),
		web.R(http.MethodDelete, "/connections/:id", g, web.APIKey, "delete a connection (ends its sessions)", a.deleteConnection),
	}
}

// ControlRoutes lists the area's control-plane routes.
func ControlRoutes(env web.Env) []web.Route {
	a := &api{env: env}
	return []web.Route{
		web.R(http.MethodPatch, "/_emulator/connections/:id", web.GroupControl, web.Control,
			"set a connection's state (active, inactive, draft, validating): emits connection.activated / deactivated", a.setState),
	}
}
