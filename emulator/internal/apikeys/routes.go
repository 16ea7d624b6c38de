// Package apikeys is WorkOS's API keys product: the keys organizations
// issue to their own callers, and their validation.
package apikeys

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
)

// api serves the routes of every environment.
type api struct{ env web.Env }

// Routes lists the area's routes.
func Routes(env web.Env) []web.Route {
	a := &api{env: env}
	return []web.Route{
		web.R(http.MethodPost, "/api_keys/validations", web.GroupAPI, web.APIKey, "validate an organization API key", a.validate),
	}
}

// validate serves POST /api_keys/validations: {"api_key": {...}} for a key
// of an existing organization, {"api_key": null} otherwise.
func (a *api) validate(c echo.Context) error {
	b, err := web.Decode(c, web.APIBody)
	if err != nil {
		return err
	}
	value := b.Str("value")
	if value == "" {
		b.Bad("value", "value_required")
	}
	if err := b.Err(); err != nil {
		return err
	}
	return web.Read(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		k := tx.OrgAPIKeyByValue(value)
		if k == nil {
			return wire.Object{{"api_key", nil}}, nil
		}
		return wire.Object{{"api_key", k.Object()}}, nil
	})
}
