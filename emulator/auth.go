package emulator

import (
	"strings"

	"github.com/labstack/echo/v4"
)

// bearer returns the token of an "Authorization: Bearer <token>" header.
// An empty token (the Go SDK's public client sends "Bearer ") counts as none.
func bearer(c echo.Context) (string, bool) {
	h := c.Request().Header.Get(echo.HeaderAuthorization)
	if len(h) < 7 || !strings.EqualFold(h[:7], "bearer ") {
		return "", false
	}
	t := strings.TrimSpace(h[7:])
	return t, t != ""
}

// requireAPIKey guards the WorkOS API: a missing or wrong key is a 401.
func (s *Server) requireAPIKey(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if key, ok := bearer(c); !ok || !s.env.validAPIKey(key) {
			return errUnauthorized()
		}
		return next(c)
	}
}

func splitScope(s string) []string { return strings.Fields(s) }
