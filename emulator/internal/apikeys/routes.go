// Package apikeys is WorkOS's API keys product: the keys organizations
// issue to their own callers and the keys users issue for one of their
// organizations, their expiry and deletion, and their validation.
package apikeys

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
		web.R(http.MethodPost, "/api_keys/validations", g, key, "validate an API key (organization or user key): the key and its permissions", a.validate),
		web.R(http.MethodDelete, "/api_keys/:id", g, key, "delete an API key (api_key.revoked)", a.delete),
		web.R(http.MethodPost, "/api_keys/:id/expire", g, key, "expire an API key now, schedule or clear its expiry (api_key.updated)", a.expire),
		web.R(http.MethodGet, "/organizations/:organizationId/api_keys", g, key, "an organization's API keys", a.listOrg),
		web.R(http.MethodPost, "/organizations/:organizationId/api_keys", g, key, "create an organization API key (api_key.created)", a.createOrg),
		web.R(http.MethodGet, "/user_management/users/:userId/api_keys", g, key, "a user's API keys (organization_id filter)", a.listUser),
		web.R(http.MethodPost, "/user_management/users/:userId/api_keys", g, key, "create a user API key for one of their organizations (api_key.created)", a.createUser),
	}
}
