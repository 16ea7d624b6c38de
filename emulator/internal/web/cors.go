package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
)

// applyCORS lets browser SDKs (authkit-js) call the API from an allowed
// origin: environment.cors_origins, or by default any http(s) origin on
// localhost or 127.0.0.1. It answers preflights itself (done); the control
// plane is not exposed to browsers.
func applyCORS(c echo.Context, cfg *store.Config) (done bool, err error) {
	r := c.Request()
	origin := r.Header.Get(echo.HeaderOrigin)
	if origin == "" || IsControl(r.URL.Path) || !originAllowed(cfg, origin) {
		return false, nil
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
		return true, c.NoContent(http.StatusNoContent)
	}
	return false, nil
}

func originAllowed(cfg *store.Config, origin string) bool {
	if len(cfg.CORSOrigins) > 0 {
		return slices.Contains(cfg.CORSOrigins, strings.TrimRight(origin, "/"))
	}
	u, err := url.Parse(origin)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return false
	}
	h := u.Hostname()
	return h == "localhost" || h == "127.0.0.1" || h == "::1"
}
