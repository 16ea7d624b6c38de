package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
)

// applyCORS lets browser SDKs (authkit-js) call the API from an allowed
// origin: the world's CORS origins (seeded from environment.cors_origins,
// managed at /user_management/cors_origins), or while there are none any
// http(s) origin on localhost or 127.0.0.1. It answers preflights itself
// (done); the control plane is not exposed to browsers. Requests without
// an Origin header (every server-side call) cost nothing here.
func applyCORS(c echo.Context, st *store.Store) (done bool, err error) {
	r := c.Request()
	origin := r.Header.Get(echo.HeaderOrigin)
	if origin == "" || IsControl(r.URL.Path) || !st.CORSAllowed(origin) {
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
