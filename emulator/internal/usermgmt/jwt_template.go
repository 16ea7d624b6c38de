package usermgmt

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
)

// getJWTTemplate serves GET /user_management/jwt_template.
func (a *api) getJWTTemplate(c echo.Context) error {
	return web.Read(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		return store.JWTTemplateObject(tx.JWTTemplate(), tx.CreatedAt()), nil
	})
}

// putJWTTemplate serves PUT /user_management/jwt_template: every later User
// Management mint applies it.
func (a *api) putJWTTemplate(c echo.Context) error {
	b, err := web.Decode(c, web.APIBody)
	if err != nil {
		return err
	}
	content := b.Str("content")
	if !b.Has("content") {
		b.Bad("content", "content_required")
	}
	if err := b.Err(); err != nil {
		return err
	}
	st := a.env(c)
	now := st.Clock().Now()
	t, perr := store.ParseJWTTemplate(content, now)
	if perr != nil {
		return web.Invalid(web.Field("content", "invalid_template")).WithMessage("Invalid JWT template: " + perr.Error() + ".")
	}
	return web.Write(c, st, http.StatusOK, func(tx *store.Tx) (any, error) {
		if old := tx.JWTTemplate(); old != nil {
			t.CreatedAt = old.CreatedAt
		}
		if strings.TrimSpace(content) == "{}" || strings.TrimSpace(content) == "" {
			t = nil
		}
		tx.SetJWTTemplate(t)
		return store.JWTTemplateObject(t, now), nil
	})
}
