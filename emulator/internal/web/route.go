package web

import "github.com/labstack/echo/v4"

// Auth is what a route requires of its caller.
type Auth int

const (
	// Public routes need nothing (OAuth endpoints authenticate clients
	// themselves).
	Public Auth = iota
	// APIKey routes are the WorkOS API: Authorization: Bearer <API key>.
	APIKey
	// Control routes are the control plane: the control token, when one is
	// configured.
	Control
	// ControlPage routes are the control plane's browser pages (the
	// inspector's HTML shell and its scripts): the control plane's
	// cross-site rules, but no token, since a browser navigating to a page
	// cannot send one. What they serve holds no data: the data they load
	// comes from Control routes, with the token.
	ControlPage
)

// Route groups, for the endpoint table.
const (
	GroupAuthKit = "AuthKit domain (OAuth 2.0 / OIDC)"
	GroupAPI     = "WorkOS API"
	GroupControl = "Control plane"
)

// Route is one endpoint: each area lists its routes, and the server wires
// them all into one table (the docs' endpoint table is generated from it).
type Route struct {
	Method  string
	Path    string // Echo syntax: /user_management/users/:id
	Group   string
	Doc     string
	Auth    Auth
	Handler echo.HandlerFunc
}

// R builds a route; areas list theirs with it.
func R(method, path, group string, auth Auth, doc string, h echo.HandlerFunc) Route {
	return Route{Method: method, Path: path, Group: group, Doc: doc, Auth: auth, Handler: h}
}
