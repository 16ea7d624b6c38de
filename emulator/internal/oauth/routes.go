// Package oauth is the AuthKit domain's OAuth 2.0 and OpenID Connect
// surface that is not sign-in: the discovery documents, the JWKS (also at
// /sso/jwks/{client_id}), RFC 7662 introspection and OIDC userinfo. The
// token and authorize endpoints are the sign-in engine's (package signin).
package oauth

import (
	"net/http"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
)

// api serves the routes of every environment.
type api struct{ env web.Env }

// Routes lists the area's routes.
func Routes(env web.Env) []web.Route {
	a := &api{env: env}
	const ak = web.GroupAuthKit
	return []web.Route{
		web.R(http.MethodGet, "/.well-known/openid-configuration", ak, web.Public, "OpenID Connect discovery", a.openidConfiguration),
		web.R(http.MethodGet, "/.well-known/oauth-authorization-server", ak, web.Public, "RFC 8414 metadata", a.oauthServerMetadata),
		web.R(http.MethodGet, "/oauth2/jwks", ak, web.Public, "JSON Web Key Set", a.jwks),
		web.R(http.MethodPost, "/oauth2/introspection", ak, web.Public, "RFC 7662 token introspection", a.introspect),
		web.R(http.MethodGet, "/oauth2/userinfo", ak, web.Public, "OIDC userinfo", a.userinfo),
		web.R(http.MethodPost, "/oauth2/userinfo", ak, web.Public, "OIDC userinfo", a.userinfo),
		web.R(http.MethodGet, "/sso/jwks/:client_id", web.GroupAPI, web.Public, "JWKS of a client id", a.clientJWKS),
	}
}
