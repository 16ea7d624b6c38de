package emulator

import (
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/agents"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/apikeys"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/auditlogs"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/authorization"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/connect"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/control"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/directorysync"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/events"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/featureflags"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/inspector"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/mfa"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/oauth"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/organizations"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/pipes"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/portal"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/radar"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/signin"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/sso"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/usermgmt"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/vault"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/widgets"
)

// Route is one emulated endpoint, for documentation (docs/endpoints.md is
// generated from Routes, so it cannot drift from the router).
type Route struct {
	Method string
	Path   string // Echo syntax: /user_management/users/:id
	Group  string
	Doc    string
}

// routeTable is every route of the emulator, area by area: the one place
// they are wired.
func (s *Server) routeTable() []web.Route {
	var table []web.Route
	for _, area := range []func(web.Env) []web.Route{
		oauth.Routes,
		signin.Routes,
		usermgmt.Routes,
		organizations.Routes,
		authorization.Routes,
		apikeys.Routes,
		events.Routes,
		vault.Routes,
		pipes.Routes,
		connect.Routes,
		featureflags.Routes,
		widgets.Routes,
		sso.Routes,
		portal.Routes,
		mfa.Routes,
		directorysync.Routes,
		auditlogs.Routes,
		radar.Routes,
		agents.Routes,
	} {
		table = append(table, area(s.env)...)
	}
	table = append(table, control.Health(s.env))
	if !s.cfg.DisableControl {
		table = append(table, control.Routes(s.env,
			events.ControlRoutes(s.env, s.webhooks),
			s.environmentRoutes(),
			sso.ControlRoutes(s.env),
			organizations.ControlRoutes(s.env),
			directorysync.ControlRoutes(s.env),
			radar.ControlRoutes(s.env),
			agents.ControlRoutes(s.env),
			inspector.Routes(s.env),
		)...)
	}
	return table
}

// Routes lists the emulated endpoints.
func (s *Server) Routes() []Route {
	out := make([]Route, len(s.routes))
	for i, r := range s.routes {
		out[i] = Route{Method: r.Method, Path: r.Path, Group: r.Group, Doc: r.Doc}
	}
	return out
}

// Unemulated lists the operations of WorkOS's OpenAPI spec that the
// emulator does not serve (they answer 501), for the endpoint table.
func (s *Server) Unemulated() []Route {
	ops := s.unserved.List()
	out := make([]Route, len(ops))
	for i, op := range ops {
		out[i] = Route{Method: op.Method, Path: op.Path, Group: web.GroupAPI, Doc: op.ID}
	}
	return out
}
