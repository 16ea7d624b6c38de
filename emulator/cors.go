package emulator

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"
)

// cors lets browser SDKs (authkit-js) call the API from an allowed origin:
// environment.cors_origins, or by default any http(s) origin on localhost
// or 127.0.0.1. Preflights are answered here, before routing; the control
// plane is not exposed to browsers.
func (s *Server) cors(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		origin := r.Header.Get(echo.HeaderOrigin)
		if origin == "" || isControl(r.URL.Path) || !s.originAllowed(origin) {
			return next(c)
		}
		h := c.Response().Header()
		h.Add(echo.HeaderVary, echo.HeaderOrigin)
		h.Set(echo.HeaderAccessControlAllowOrigin, origin)
		h.Set(echo.HeaderAccessControlAllowCredentials, "true")
		h.Set(echo.HeaderAccessControlExposeHeaders, echo.HeaderXRequestID)
		if r.Method == http.MethodOptions && r.Header.Get(echo.HeaderAccessControlRequestMethod) != "" {
			h.Add(echo.HeaderVary, echo.HeaderAccessControlRequestMethod)
			h.Add(echo.HeaderVary, echo.HeaderAccessControlRequestHeaders)
			h.Set(echo.HeaderAccessControlAllowMethods, "GET, POST, PUT, PATCH, DELETE, OPTIONS")
			if req := r.Header.Get(echo.HeaderAccessControlRequestHeaders); req != "" {
				h.Set(echo.HeaderAccessControlAllowHeaders, req)
			}
			h.Set(echo.HeaderAccessControlMaxAge, "600")
			return c.NoContent(http.StatusNoContent)
		}
		return next(c)
	}
}

func (s *Server) originAllowed(origin string) bool {
	if len(s.env.corsOrigins) > 0 {
		return slices.Contains(s.env.corsOrigins, strings.TrimRight(origin, "/"))
	}
	u, err := url.Parse(origin)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return false
	}
	h := u.Hostname()
	return h == "localhost" || h == "127.0.0.1" || h == "::1"
}
