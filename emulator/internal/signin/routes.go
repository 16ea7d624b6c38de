// Package signin is the AuthKit sign-in engine: the authorize endpoints
// and the hosted login pages, every grant of both token endpoints
// (/user_management/authenticate and /oauth2/token, one dispatcher, one
// file per grant), the interruptions of a sign-in (e-mail verification,
// MFA, organization selection), sessions and the device flow. Areas that
// start or end sign-ins (the management API, the control plane) call its
// exported helpers.
package signin

import (
	"net/http"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
)

// engine serves the sign-in routes of every environment.
type engine struct {
	env   web.Env
	table map[string]grant
}

// Routes lists the sign-in routes.
func Routes(env web.Env) []web.Route {
	e := &engine{env: env}
	e.table = e.grants()
	const ak, api = web.GroupAuthKit, web.GroupAPI
	return []web.Route{
		web.R(http.MethodPost, "/oauth2/token", ak, web.Public, "token endpoint: authorization_code, refresh_token, client_credentials, device_code", e.token),
		web.R(http.MethodGet, "/oauth2/authorize", ak, web.Public, "authorization request of a Connect application (login, consent, code)", e.authorizeConnect),
		web.R(http.MethodPost, "/oauth2/device_authorization", ak, web.Public, "RFC 8628 device authorization", e.deviceAuthorization),
		web.R(http.MethodGet, "/authkit/login", ak, web.Public, "hosted login page", e.loginPage),
		web.R(http.MethodPost, "/authkit/login", ak, web.Public, "hosted login page actions", e.loginSubmit),
		web.R(http.MethodGet, "/device", ak, web.Public, "device verification page", e.devicePage),
		web.R(http.MethodGet, "/favicon.ico", ak, web.Public, "the hosted pages' icon", serveFavicon),
		web.R(http.MethodPost, "/device", ak, web.Public, "device verification: enter the user code", e.deviceSubmit),
		web.R(http.MethodGet, idpPath, ak, web.Public, "the emulated identity provider's page (SSO connections, OAuth providers)", e.idpPage),
		web.R(http.MethodPost, idpPath, ak, web.Public, "the emulated identity provider's actions: a profile, a typed identity, deny, error", e.idpSubmit),
		web.R(http.MethodGet, "/user_management/authorize", api, web.Public, "start a hosted sign-in (302 to the login page, or headless)", e.authorizeUM),
		web.R(http.MethodPost, "/user_management/authenticate", api, web.Public, "every authenticate grant (Radar challenges included; Radar assesses the first-factor ones)", e.authenticate),
		web.R(http.MethodPost, "/user_management/authorize/device", api, web.Public, "device authorization for the environment client", e.authorizeDeviceUM),
		web.R(http.MethodGet, "/user_management/sessions/logout", api, web.Public, "end a session, 302 to return_to", e.logout),
		web.R(http.MethodPost, "/user_management/sessions/revoke", api, web.APIKey, "revoke a session", e.revokeSession),
		web.R(http.MethodPost, "/authkit/oauth2/complete", api, web.APIKey, "Standalone Connect: hand the user signed in by the application's own login back to the /oauth2/authorize flow", e.completeExternalAuth),
	}
}
