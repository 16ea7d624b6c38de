package usermgmt

import (
	"net/http"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
)

// extraRoutes are the User Management extras: e-mail change and the
// environment's redirect URIs and CORS origins.
func (a *api) extraRoutes() []web.Route {
	const g, key = web.GroupAPI, web.APIKey
	return []web.Route{
		web.R(http.MethodPost, "/user_management/users/:id/email_change/send", g, key, "send an e-mail change code to the new address (to the outbox)", a.sendEmailChange),
		web.R(http.MethodPost, "/user_management/users/:id/email_change/confirm", g, key, "confirm an e-mail change (user.updated)", a.confirmEmailChange),
		web.R(http.MethodGet, "/user_management/redirect_uris", g, key, "list the redirect URIs authorize accepts", a.listRedirectURIs),
		web.R(http.MethodPost, "/user_management/redirect_uris", g, key, "allow a redirect URI (authorize obeys at once)", a.createRedirectURI),
		web.R(http.MethodDelete, "/user_management/redirect_uris/:id", g, key, "remove a redirect URI (not the default)", a.deleteRedirectURI),
		web.R(http.MethodGet, "/user_management/cors_origins", g, key, "list the CORS origins", a.listCORSOrigins),
		web.R(http.MethodPost, "/user_management/cors_origins", g, key, "allow a CORS origin (the CORS middleware obeys at once)", a.createCORSOrigin),
	}
}
