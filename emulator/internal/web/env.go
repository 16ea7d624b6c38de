package web

import (
	"crypto/subtle"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
)

// Env finds the environment (its store) a request addresses. The server
// builds it; every area's handlers and the front door call it, so a
// handler never holds a store of its own.
type Env func(c echo.Context) *store.Store

// PathParam is a path parameter of the route, percent-decoded once. Echo
// routes on the escaped path, so a parameter arrives as the client encoded
// it, and clients encode differently: the Python SDK escapes every path
// segment (documents%3Aread, sf%4042), the Node SDK does not. Every route
// reads its parameters here, so all of them decode the same way.
func PathParam(c echo.Context, name string) string {
	v := c.Param(name)
	if strings.IndexByte(v, '%') < 0 {
		return v
	}
	if d, err := url.PathUnescape(v); err == nil {
		return d
	}
	return v
}

// Query is the request's query string, parsed once per request.
func Query(c echo.Context) url.Values { return c.QueryParams() }

// Bearer returns the token of an "Authorization: Bearer <token>" header.
// An empty token (the Go SDK's public client sends "Bearer ") counts as none.
func Bearer(c echo.Context) (string, bool) {
	h := c.Request().Header.Get(echo.HeaderAuthorization)
	if len(h) < 7 || !strings.EqualFold(h[:7], "bearer ") {
		return "", false
	}
	t := strings.TrimSpace(h[7:])
	return t, t != ""
}

// RequireAPIKey guards the WorkOS API: a missing or wrong key is a 401.
func RequireAPIKey(env Env) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if key, ok := Bearer(c); !ok || !env(c).Config().ValidAPIKey(key) {
				return Unauthorized()
			}
			return next(c)
		}
	}
}

// IsControl reports whether a path is the control plane's.
func IsControl(path string) bool {
	return path == "/_emulator" || strings.HasPrefix(path, "/_emulator/")
}

// RequireControl guards the control plane: no request a web page could
// have sent (CheckControlRequest), and the control token when one is
// configured (health stays open for container health checks).
func RequireControl(env Env, token string) echo.MiddlewareFunc {
	want := []byte(token)
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if err := CheckControlRequest(c, env(c).Config().PublicURL); err != nil {
				return err
			}
			if token != "" {
				if got, ok := Bearer(c); !ok || subtle.ConstantTimeCompare([]byte(got), want) != 1 {
					return APIError(http.StatusUnauthorized, CodeUnauthorized, "The control plane requires Authorization: Bearer <control token>.")
				}
			}
			return next(c)
		}
	}
}

// RequireControlPage guards the control plane's pages: the cross-site
// rules of RequireControl without the token (see ControlPage), and
// headers that keep the page out of frames and its scripts to its own.
func RequireControlPage(env Env) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if err := CheckControlRequest(c, env(c).Config().PublicURL); err != nil {
				return err
			}
			h := c.Response().Header()
			h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "+
				"frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
			h.Set("X-Frame-Options", "DENY")
			h.Set("X-Content-Type-Options", "nosniff")
			h.Set("Referrer-Policy", "no-referrer")
			h.Set("Cache-Control", "no-store")
			return next(c)
		}
	}
}

// basePathKey keeps, in a request's context, the path prefix it came
// through (an environment's /env/<id>), taken off before routing.
const basePathKey = "authkit-emulator.base"

// SetBasePath records the path prefix a request came through.
func SetBasePath(c echo.Context, prefix string) { c.Set(basePathKey, prefix) }

// BasePath is the path prefix the request came through ("" for none): the
// hosted pages put it in front of their form actions, links and cookie
// paths, so the browser stays in the same environment.
func BasePath(c echo.Context) string {
	p, _ := c.Get(basePathKey).(string)
	return p
}
