// Package control is the control plane (/_emulator/*): it gives container
// users what the Go testkit gives Go users. Every route decodes its input,
// calls the same internal operation the testkit's Server method calls, and
// encodes the result: there is one implementation of each power.
package control

import (
	"net/http"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
)

// api serves the control routes of every environment.
type api struct {
	env    web.Env
	routes []web.Route
}

// Health is the control plane's health route, served even when the rest of
// the control plane is off (container health checks).
func Health(env web.Env) web.Route {
	return web.R(http.MethodGet, "/_emulator/health", web.GroupControl, web.Public, "health: {\"status\":\"ok\"}", health)
}

// Routes lists the control routes (without health), followed by the
// areas' own control routes (webhooks, directory provisioning, ...), which
// the index lists too.
func Routes(env web.Env, areas ...[]web.Route) []web.Route {
	a := &api{env: env}
	const g, ctl = web.GroupControl, web.Control
	a.routes = []web.Route{
		web.R(http.MethodGet, "/_emulator", g, ctl, "list the control routes", a.index),
		web.R(http.MethodPost, "/_emulator/reset", g, ctl, "back to the loaded world ({\"keep_clock\":true} keeps the clock)", a.reset),
		web.R(http.MethodGet, "/_emulator/clock", g, ctl, "read the instance clock", a.clock),
		web.R(http.MethodPost, "/_emulator/clock", g, ctl, "{\"set\":RFC3339} | {\"advance\":\"90s\"} | {\"real\":true}", a.clock),
		web.R(http.MethodPost, "/_emulator/fixtures", g, ctl, "merge YAML or JSON fixtures into the running world", a.fixtures),
		web.R(http.MethodPost, "/_emulator/tokens", g, ctl, "mint a token (or a bad one, with \"defect\")", a.mint),
		web.R(http.MethodGet, "/_emulator/sessions/:id", g, ctl, "a session with its current tokens", a.session),
		web.R(http.MethodPost, "/_emulator/sessions/:id/revoke", g, ctl, "revoke a session", a.revokeSession),
		web.R(http.MethodGet, "/_emulator/faults", g, ctl, "list scripted faults", a.listFaults),
		web.R(http.MethodPost, "/_emulator/faults", g, ctl, "add a fault: method, path, status, body, count, delay", a.addFault),
		web.R(http.MethodDelete, "/_emulator/faults", g, ctl, "clear faults", a.clearFaults),
		web.R(http.MethodGet, "/_emulator/requests", g, ctl, "the request journal (?method=&path=&since=)", a.requests),
		web.R(http.MethodDelete, "/_emulator/requests", g, ctl, "clear the journal", a.clearRequests),
		web.R(http.MethodGet, "/_emulator/snapshot", g, ctl, "the world as a fixture file (YAML; JSON with Accept: application/json) that reproduces it", a.snapshot),
		web.R(http.MethodGet, "/_emulator/codes", g, ctl, "the outbox: codes and links the real service would e-mail (?email=&kind=)", a.codes),
		web.R(http.MethodGet, "/_emulator/keys", g, ctl, "published signing keys", a.keys),
		web.R(http.MethodPost, "/_emulator/keys/rotate", g, ctl, "rotate to the next signing key", a.rotateKey),
		web.R(http.MethodDelete, "/_emulator/keys/:kid", g, ctl, "retire a key that no longer signs", a.retireKey),
	}
	for _, r := range areas {
		a.routes = append(a.routes, r...)
	}
	return a.routes
}
