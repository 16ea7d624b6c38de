package usermgmt

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// The environment's redirect URIs and CORS origins. The fixtures'
// environment.redirect_uris and environment.cors_origins seed them; these
// routes change the same lists /user_management/authorize and the CORS
// middleware read, so a change is obeyed by the next request.

// listRedirectURIs serves GET /user_management/redirect_uris.
func (a *api) listRedirectURIs(c echo.Context) error {
	pg, err := web.ParsePage(c.QueryParams())
	if err != nil {
		return err
	}
	return web.Read(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		return web.PageOf(tx, tx.RedirectURIs(), pg, (*store.RedirectURI).Object)
	})
}

// createRedirectURI serves POST /user_management/redirect_uris: the URI is
// allowed at /user_management/authorize from the next request on.
func (a *api) createRedirectURI(c echo.Context) error {
	b, err := web.Decode(c, web.APIBody)
	if err != nil {
		return err
	}
	uri := strings.TrimSpace(b.Str("uri"))
	if err := b.Err(); err != nil {
		return err
	}
	if uri == "" {
		return web.Invalid(web.Field("uri", "uri_required"))
	}
	if err := fixtures.CheckRedirectURI(uri); err != nil {
		return web.APIError(http.StatusUnprocessableEntity, "invalid_redirect_uri", "Invalid redirect URI: "+err.Error()+".")
	}
	return web.Write(c, a.env(c), http.StatusCreated, func(tx *store.Tx) (any, error) {
		if tx.RedirectURIByValue(uri) != nil {
			return nil, web.APIError(http.StatusUnprocessableEntity, "redirect_uri_already_exists", fmt.Sprintf("Redirect URI '%s' already exists.", web.Printable(uri)))
		}
		return tx.AddRedirectURI(tx.NewID(store.PrefixRedirectURI), uri).Object(), nil
	})
}

// deleteRedirectURI serves DELETE /user_management/redirect_uris/{id}: the
// URI is refused from the next request on. The default one stays (409).
func (a *api) deleteRedirectURI(c echo.Context) error {
	id := web.PathParam(c, "id")
	return web.WriteNoContent(c, a.env(c), http.StatusNoContent, func(tx *store.Tx) error {
		r := tx.RedirectURI(id)
		switch {
		case r == nil:
			return web.NotFound("Redirect URI", id)
		case r.Default:
			return web.APIError(http.StatusConflict, "default_redirect_uri", "Cannot delete the default redirect URI.")
		}
		tx.DeleteRedirectURI(r)
		return nil
	})
}

// listCORSOrigins serves GET /user_management/cors_origins.
func (a *api) listCORSOrigins(c echo.Context) error {
	pg, err := web.ParsePage(c.QueryParams())
	if err != nil {
		return err
	}
	return web.Read(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		return web.PageOf(tx, tx.CORSOrigins(), pg, (*store.CORSOrigin).Object)
	})
}

// createCORSOrigin serves POST /user_management/cors_origins: browsers on
// the origin may call the API from the next request on. The first origin
// added ends the emulator's default of allowing any localhost origin.
func (a *api) createCORSOrigin(c echo.Context) error {
	b, err := web.Decode(c, web.APIBody)
	if err != nil {
		return err
	}
	origin := strings.TrimSpace(b.Str("origin"))
	if err := b.Err(); err != nil {
		return err
	}
	if origin == "" || fixtures.CheckOrigin(origin) != nil {
		constraint := "origin must be a URL origin such as https://example.com (scheme and host, no path)"
		if origin == "" {
			constraint = "origin should not be empty"
		}
		return web.APIError(http.StatusUnprocessableEntity, web.CodeInvalidRequestParameters, "Validation failed.").
			With("errors", []wire.Object{{{"property", "origin"}, {"constraints", wire.Object{{"isOrigin", constraint}}}}})
	}
	origin = strings.TrimRight(origin, "/")
	return web.Write(c, a.env(c), http.StatusCreated, func(tx *store.Tx) (any, error) {
		if tx.CORSOriginListed(origin) {
			return nil, web.APIError(http.StatusConflict, "duplicate_cors_origin", "CORS origin already exists.")
		}
		return tx.AddCORSOrigin(tx.NewID(store.PrefixCORSOrigin), origin).Object(), nil
	})
}
