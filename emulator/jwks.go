package emulator

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// jwks serves GET /oauth2/jwks: the published keys, pre-rendered.
func (s *Server) jwks(c echo.Context) error {
	w := s.world()
	w.mu.RLock()
	ring := w.keys
	w.mu.RUnlock()
	body := ring.jwks()
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, body)
}

// clientJWKS serves GET /sso/jwks/{client_id}: the same key set, for the
// environment's or an application's client id; any other is a JSON 404.
func (s *Server) clientJWKS(c echo.Context) error {
	id := c.Param("client_id")
	w := s.world()
	w.mu.RLock()
	_, isApp := w.apps[id]
	w.mu.RUnlock()
	if id != s.env.clientID && !isApp {
		return notFound("Client", id)
	}
	return s.jwks(c)
}
