// Package pipes is WorkOS Pipes: the environment's data integrations
// (providers such as GitHub or Slack, or custom ones, defined by the
// fixtures' data_integrations or over the API), each user's connected
// accounts, the access tokens the emulated providers issue and refresh,
// organizations' overrides, and the authorization flow: the URL
// POST /data-integrations/{slug}/authorize hands out opens the emulated
// provider's consent page (no JavaScript), which connects the account when
// the user allows it.
package pipes

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
	const accounts = "/user_management/users/:user_id/connected_accounts/:slug"
	return []web.Route{
		web.R(http.MethodPost, "/data-integrations", g, key, "create a data integration (built-in or custom provider)", a.createIntegration),
		web.R(http.MethodGet, "/data-integrations", g, key, "list data integrations", a.listIntegrations),
		web.R(http.MethodGet, "/data-integrations/:slug", g, key, "a data integration", a.getIntegration),
		web.R(http.MethodPut, "/data-integrations/:slug", g, key, "update a data integration", a.updateIntegration),
		web.R(http.MethodDelete, "/data-integrations/:slug", g, key, "delete a data integration and its connected accounts", a.deleteIntegration),
		web.R(http.MethodPut, "/data-integrations/:slug/api-key", g, key, "install or rotate a user's API key", a.upsertAPIKey),
		web.R(http.MethodPost, "/data-integrations/:slug/authorize", g, key, "an authorization URL: the emulated provider's consent page", a.authorize),
		web.R(http.MethodPut, "/data-integrations/:slug/client-credentials", g, key, "install or rotate a user's client credentials", a.upsertClientCredentials),
		web.R(http.MethodPost, "/data-integrations/:slug/credentials", g, key, "vend a connected account's credential (refreshed when expired)", a.vendCredentials),
		web.R(http.MethodPost, "/data-integrations/:slug/token", g, key, "a connected account's access token (refreshed when expired)", a.token),
		web.R(http.MethodGet, "/organizations/:organizationId/data_integration_configurations", g, key, "an organization's provider configurations", a.listOrgConfigs),
		web.R(http.MethodPut, "/organizations/:organizationId/data_integration_configurations/:slug", g, key, "configure a provider for an organization", a.configureOrg),
		web.R(http.MethodGet, accounts, g, key, "a user's connected account", a.getAccount),
		web.R(http.MethodPost, accounts, g, key, "import a connected account (its tokens)", a.importAccount),
		web.R(http.MethodPut, accounts, g, key, "update a connected account's tokens, scopes or state", a.updateAccount),
		web.R(http.MethodDelete, accounts, g, key, "disconnect a connected account", a.deleteAccount),
		web.R(http.MethodGet, "/user_management/users/:user_id/data_providers", g, key, "the providers a user can connect, with their connected accounts", a.listProviders),
		web.R(http.MethodGet, consentPath, web.GroupAuthKit, web.Public, "the emulated provider's consent page", a.consentPage),
		web.R(http.MethodPost, consentPath, web.GroupAuthKit, web.Public, "allow or deny on the consent page: connects the account, then back to return_to", a.consentSubmit),
	}
}

// consentPath is the emulated providers' consent page.
const consentPath = "/authkit/pipes/:slug/authorize"
