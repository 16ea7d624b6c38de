package oauth

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/keys"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
)

// jwks serves GET /oauth2/jwks: the published keys, pre-rendered.
func (a *api) jwks(c echo.Context) error {
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, a.env(c).Ring().JWKS())
}

// clientJWKS serves GET /sso/jwks/{client_id}: the same key set, for the
// environment's or an application's client id; any other is a JSON 404.
func (a *api) clientJWKS(c echo.Context) error {
	id := web.PathParam(c, "client_id")
	st := a.env(c)
	var ring *keys.Ring
	known := id == st.Config().ClientID
	_ = st.Read(func(tx *store.Tx) error {
		known = known || tx.App(id) != nil
		ring = tx.Ring()
		return nil
	})
	if !known {
		return web.NotFound("Client", id)
	}
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, ring.JWKS())
}
