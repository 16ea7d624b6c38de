// Package portal is WorkOS's Admin Portal: POST /portal/generate_link
// makes a link (under the emulator's public URL, expiring like WorkOS's
// after 5 minutes) to a page that says which organization and intent it is
// for; for the sso intent the page sets up a connection from a form, for
// domain_verification it verifies the organization's pending domains.
package portal

import (
	"net/http"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
)

// pagePath is the Admin Portal page a link opens.
const pagePath = "/admin-portal"

// api serves the routes of every environment.
type api struct{ env web.Env }

// Routes lists the area's routes.
func Routes(env web.Env) []web.Route {
	a := &api{env: env}
	return []web.Route{
		web.R(http.MethodPost, "/portal/generate_link", web.GroupAPI, web.APIKey, "an Admin Portal link for an organization and intent (5 minutes)", a.generateLink),
		web.R(http.MethodGet, pagePath, web.GroupAuthKit, web.Public, "the Admin Portal page of a link", a.page),
		web.R(http.MethodPost, pagePath, web.GroupAuthKit, web.Public, "the Admin Portal page's actions: set up an SSO connection, verify a domain", a.submit),
	}
}
