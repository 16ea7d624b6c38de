// Package featureflags is WorkOS's Feature Flags API: the environment's
// flags, switching them on and off, their organization and user targets,
// and the flags on for an organization or a user. The same flags reach
// User Management access tokens in their feature_flags claim.
package featureflags

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
		web.R(http.MethodGet, "/feature-flags", g, key, "list feature flags", a.list),
		web.R(http.MethodGet, "/feature-flags/:slug", g, key, "a feature flag", a.get),
		web.R(http.MethodPut, "/feature-flags/:slug/enable", g, key, "enable a feature flag (flag.rule_updated)", a.enable),
		web.R(http.MethodPut, "/feature-flags/:slug/disable", g, key, "disable a feature flag (flag.rule_updated)", a.disable),
		web.R(http.MethodPost, "/feature-flags/:slug/targets/:resourceId", g, key, "target a user or organization (flag.rule_updated)", a.addTarget),
		web.R(http.MethodDelete, "/feature-flags/:slug/targets/:resourceId", g, key, "remove a target (flag.rule_updated)", a.removeTarget),
		web.R(http.MethodGet, "/organizations/:organizationId/feature-flags", g, key, "the flags on for an organization", a.listOrg),
		web.R(http.MethodGet, "/user_management/users/:userId/feature-flags", g, key, "the flags on for a user (theirs and their organizations')", a.listUser),
	}
}
