package signin

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// RevokeSession ends a session: its access tokens introspect inactive and
// its refresh token gets invalid_grant from the moment this returns.
// Revoking an ended session is a no-op; an unknown id is a 404.
func RevokeSession(st *store.Store, id string) error {
	return st.Write(func(tx *store.Tx) error {
		ss := tx.Session(id)
		if ss == nil {
			return web.NotFound("Session", id)
		}
		tx.EndSession(ss, fixtures.SessionRevoked)
		return nil
	})
}

// revokeSession serves POST /user_management/sessions/revoke.
func (e *engine) revokeSession(c echo.Context) error {
	b, err := web.Decode(c, web.APIBody)
	if err != nil {
		return err
	}
	id := b.Param("session_id")
	if id == "" {
		return web.Invalid(web.Field("session_id", "session_id_required"))
	}
	if err := RevokeSession(e.env(c), id); err != nil {
		return web.APIError(http.StatusBadRequest, "session_not_found", "Session not found: '"+web.Printable(id)+"'.")
	}
	return web.JSON(c, http.StatusOK, wire.Object{})
}

// logout serves GET /user_management/sessions/logout: the browser redirect
// that ends a session and returns to an allowed return_to (or the first
// logout redirect URI).
func (e *engine) logout(c echo.Context) error {
	st := e.env(c)
	cfg := st.Config()
	id, returnTo := c.QueryParam("session_id"), c.QueryParam("return_to")
	if id == "" {
		return web.APIError(http.StatusUnprocessableEntity, web.CodeInvalidRequestParameters, "session_id is required.")
	}
	if returnTo != "" && !RedirectAllowed(returnTo, cfg.LogoutRedirectURIs) {
		return web.APIError(http.StatusUnprocessableEntity, web.CodeInvalidRequestParameters, "return_to is not an allowed logout redirect URI (environment.logout_redirect_uris).")
	}
	err := st.Write(func(tx *store.Tx) error {
		ss := tx.Session(id)
		if ss == nil {
			return web.APIError(http.StatusUnprocessableEntity, web.CodeInvalidRequestParameters, "Session not found: '"+web.Printable(id)+"'.")
		}
		tx.EndSession(ss, fixtures.SessionRevoked)
		return nil
	})
	if err != nil {
		return err
	}
	clearSessionCookies(c, secureCookies(cfg.PublicURL))
	if returnTo == "" && len(cfg.LogoutRedirectURIs) > 0 && !strings.Contains(cfg.LogoutRedirectURIs[0], "*") {
		returnTo = cfg.LogoutRedirectURIs[0]
	}
	if returnTo == "" {
		return e.render(c, outcome{page: message("Signed out", "You are signed out.")})
	}
	return c.Redirect(http.StatusFound, returnTo)
}
