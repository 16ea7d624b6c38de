// Package auditlogs is WorkOS Audit Logs: actions and their versioned
// schemas (/audit_logs/actions), events validated against them
// (POST /audit_logs/events, with Idempotency-Key), exports to CSV with
// presigned download URLs (/audit_logs/exports), and each organization's
// retention and configuration.
package auditlogs

import (
	"net/http"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
)

// api serves the routes of every environment.
type api struct{ env web.Env }

// DownloadPrefix is where export CSVs are served: a public path (the URL is
// presigned, as WorkOS's are) outside the WorkOS API.
const DownloadPrefix = "/audit-log-exports/"

// Routes lists the area's routes.
func Routes(env web.Env) []web.Route {
	a := &api{env: env}
	const g, key = web.GroupAPI, web.APIKey
	return []web.Route{
		web.R(http.MethodGet, "/audit_logs/actions", g, key, "list actions, each with its latest schema", a.listActions),
		web.R(http.MethodPost, "/audit_logs/actions/:name/schemas", g, key, "create the next schema version of an action (creating the action)", a.createSchema),
		web.R(http.MethodGet, "/audit_logs/actions/:name/schemas", g, key, "list an action's schema versions", a.listSchemas),
		web.R(http.MethodPost, "/audit_logs/events", g, key, "create an event, validated against its action's schema (Idempotency-Key honoured)", a.createEvent),
		web.R(http.MethodPost, "/audit_logs/exports", g, key, "export an organization's events in a date range to CSV", a.createExport),
		web.R(http.MethodGet, "/audit_logs/exports/:id", g, key, "get an export: ready, with a download URL valid 10 minutes", a.getExport),
		web.R(http.MethodGet, "/organizations/:id/audit_logs_retention", g, key, "an organization's event retention", a.getRetention),
		web.R(http.MethodPut, "/organizations/:id/audit_logs_retention", g, key, "set an organization's event retention (30 or 365 days)", a.setRetention),
		web.R(http.MethodGet, "/organizations/:id/audit_log_configuration", g, key, "an organization's Audit Logs configuration", a.getConfiguration),
		web.R(http.MethodGet, DownloadPrefix+":file", g, web.Public, "download an export's CSV (presigned: no API key; expires after 10 minutes)", a.download),
	}
}
