// Package organizations is WorkOS's organizations API: organizations, their
// domains (the organization domains API too), and the legacy roles list of
// an organization.
package organizations

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
		web.R(http.MethodGet, "/organizations", g, key, "list organizations (domains, search)", a.list),
		web.R(http.MethodPost, "/organizations", g, key, "create an organization", a.create),
		web.R(http.MethodGet, "/organizations/external_id/:external_id", g, key, "an organization by external id", a.getByExternalID),
		web.R(http.MethodGet, "/organizations/:id", g, key, "an organization", a.get),
		web.R(http.MethodPut, "/organizations/:id", g, key, "update an organization", a.update),
		web.R(http.MethodDelete, "/organizations/:id", g, key, "delete an organization (and its memberships)", a.delete),
		web.R(http.MethodGet, "/organizations/:id/roles", g, key, "roles of an organization (legacy)", a.legacyRoles),
		web.R(http.MethodPost, "/organization_domains", g, key, "add a pending domain to an organization (DNS token and prefix)", a.createDomain),
		web.R(http.MethodGet, "/organization_domains/:id", g, key, "an organization domain", a.getDomain),
		web.R(http.MethodPost, "/organization_domains/:id/verify", g, key, "verify a domain (succeeds unless marked to fail)", a.verifyDomain),
		web.R(http.MethodDelete, "/organization_domains/:id", g, key, "delete an organization domain", a.deleteDomain),
	}
}

// ControlRoutes lists the area's control-plane routes.
func ControlRoutes(env web.Env) []web.Route {
	a := &api{env: env}
	return []web.Route{
		web.R(http.MethodPut, "/_emulator/organization_domains/verification", web.GroupControl, web.Control,
			"{\"domain\":…, \"outcome\":\"fail\"|\"succeed\"}: how that domain's verification ends", a.setVerification),
	}
}
