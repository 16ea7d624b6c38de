// Package widgets is WorkOS's Widgets tokens: the short-lived JWTs a
// backend hands its front end for the embedded widgets (POST
// /widgets/token) and for the Widgets (Client) GraphQL API (POST
// /client/token), signed with the environment's keys, so the JWKS
// verifies them.
package widgets

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
		web.R(http.MethodPost, "/widgets/token", g, key, "a widget token for a user and/or organization, with the widget scopes the user holds", a.widgetToken),
		web.R(http.MethodPost, "/client/token", g, key, "a short-lived Client (Widgets GraphQL) API token for a user in an organization", a.clientToken),
	}
}
