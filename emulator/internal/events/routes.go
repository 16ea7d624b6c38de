// Package events is WorkOS's Events API and webhooks: the event log every
// state change appends to (GET /events), the webhook endpoints
// (/webhook_endpoints) and the dispatcher that POSTs each event to the
// endpoints subscribed to it, signed as WorkOS signs them.
package events

import (
	"net/http"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
)

// api serves the routes of every environment.
type api struct{ env web.Env }

// Routes lists the area's routes.
func Routes(env web.Env) []web.Route {
	a := &api{env: env}
	return []web.Route{
		web.R(http.MethodGet, "/events", web.GroupAPI, web.APIKey, "list events (filters events[], organization_id, range_start, range_end)", a.list),
		web.R(http.MethodGet, "/webhook_endpoints", web.GroupAPI, web.APIKey, "list webhook endpoints", a.listEndpoints),
		web.R(http.MethodPost, "/webhook_endpoints", web.GroupAPI, web.APIKey, "create a webhook endpoint", a.createEndpoint),
		web.R(http.MethodPatch, "/webhook_endpoints/:id", web.GroupAPI, web.APIKey, "update a webhook endpoint (URL, events, status)", a.updateEndpoint),
		web.R(http.MethodDelete, "/webhook_endpoints/:id", web.GroupAPI, web.APIKey, "delete a webhook endpoint", a.deleteEndpoint),
	}
}
