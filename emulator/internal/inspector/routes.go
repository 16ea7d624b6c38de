// Package inspector is the emulator's web page (/_emulator/ui): the world
// of an environment (users, organizations, memberships, roles, sessions,
// and every product area's records: connections, directories, Audit Logs,
// flags, API keys, Connect, authorization, Radar, agents, Vault, Pipes),
// what happened in it (outbox, events, webhook deliveries, the request
// journal) and the control plane's state (faults, keys, clock), searchable
// by e-mail or id and updated live while a test runs. The page is one
// embedded HTML shell with a dependency-free script: no build step, no CDN.
// It reads the world through a few JSON routes of its own and acts through
// the control plane's existing routes (revoke, re-send, faults, clock,
// keys, reset), so it has no powers of its own. It is part of the control
// plane: absent when the control plane is off, bound by its cross-site
// rules and, for its data, by the control token.
package inspector

import (
	"net/http"
	"slices"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
)

// api serves the inspector of every environment.
type api struct {
	env    web.Env
	panels []Panel
	byID   map[string]*Panel
}

// panels is the registry: the inspector's tabs, in order, under the
// headings of the tab list. A new panel is one function returning a Panel
// (in the panels_<area>.go file of its area), added here
// (docs/inspector.md).
func panels() []Panel {
	return slices.Concat(
		group("User Management", usersPanel(), organizationsPanel(), domainsPanel(), membershipsPanel(), rolesPanel(), sessionsPanel()),
		group("Activity", outboxPanel(), eventsPanel(), webhooksPanel(), webhookEndpointsPanel(), requestsPanel()),
		group("Control plane", faultsPanel(), keysPanel()),
		group("SSO and Directory Sync", connectionsPanel(), directoriesPanel(), directoryUsersPanel(), directoryGroupsPanel()),
		group("Authorization", resourcesPanel(), roleAssignmentsPanel(), groupsPanel()),
		group("Applications and keys", applicationsPanel(), authorizationsPanel(), apiKeysPanel(), agentsPanel(),
			redirectURIsPanel(), corsOriginsPanel()),
		group("Other products", radarPanel(), auditActionsPanel(), auditEventsPanel(), featureFlagsPanel(), vaultPanel(),
			dataIntegrationsPanel(), connectedAccountsPanel()),
	)
}

// group puts panels under a heading of the tab list.
func group(heading string, ps ...Panel) []Panel {
	for i := range ps {
		ps[i].Group = heading
	}
	return ps
}

// Routes lists the inspector's routes: the page and its assets (the
// control plane's cross-site rules, no token: they hold no data) and the
// JSON it reads (control token).
func Routes(env web.Env) []web.Route {
	a := &api{env: env, panels: panels(), byID: map[string]*Panel{}}
	for i := range a.panels {
		a.byID[a.panels[i].ID] = &a.panels[i]
	}
	const g, ctl, page = web.GroupControl, web.Control, web.ControlPage
	return []web.Route{
		web.R(http.MethodGet, "/_emulator/ui", g, page, "the inspector: a web page of the environment's world, live", a.page),
		web.R(http.MethodGet, "/_emulator/ui/assets/:name", g, page, "the inspector's script and style", a.asset),
		web.R(http.MethodGet, "/_emulator/ui/api/changes", g, ctl, "the inspector's change counters (world version, journal sequence) and clock", a.changes),
		web.R(http.MethodGet, "/_emulator/ui/api/panels", g, ctl, "the inspector's panels, with how many rows match ?q=", a.listPanels),
		web.R(http.MethodGet, "/_emulator/ui/api/panels/:panel", g, ctl, "a panel's rows (?q=, its filters, limit)", a.rows),
		web.R(http.MethodGet, "/_emulator/ui/api/panels/:panel/rows/:id", g, ctl, "one row's full record", a.detail),
	}
}
