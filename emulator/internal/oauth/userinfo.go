package oauth

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/tokens"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
)

// userinfo serves GET and POST /oauth2/userinfo: the claims of the bearer
// access token's user, by the token's scopes.
func (a *api) userinfo(c echo.Context) error {
	token, ok := web.Bearer(c)
	if !ok {
		return web.OAuthError(http.StatusUnauthorized, "unauthorized", "A Bearer access token is required.").
			WithHeader("WWW-Authenticate", `Bearer realm="authkit-emulator"`)
	}
	st := a.env(c)
	if err := tokens.SignDeferred(c.Request().Context(), st); err != nil {
		return err
	}
	return web.Read(c, st, http.StatusOK, func(tx *store.Tx) (any, error) {
		rec := tx.Access(token)
		if rec == nil || rec.Family == store.FamilyM2M || !tx.AccessActive(rec) {
			return nil, web.OAuthError(http.StatusUnauthorized, web.CodeInvalidToken, "The access token is invalid, expired or revoked.").
				WithHeader("WWW-Authenticate", `Bearer error="invalid_token"`)
		}
		u := tx.User(rec.Sub)
		scopes := strings.Fields(rec.Scope)
		if rec.Family == store.FamilyUM {
			scopes = []string{"openid", "profile", "email"}
		}
		return append(wire.Object{{"sub", u.ID}}, tokens.UserClaims(u, scopes)...), nil
	})
}
