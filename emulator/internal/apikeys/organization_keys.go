package apikeys

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
)

// orgFor finds the organization the route's :organizationId names, or a
// 404.
func orgFor(c echo.Context, tx *store.Tx) (*store.Organization, error) {
	id := web.PathParam(c, "organizationId")
	if o := tx.Org(id); o != nil {
		return o, nil
	}
	return nil, web.NotFound("Organization", id)
}

// listOrg serves GET /organizations/{organizationId}/api_keys, newest
// first.
func (a *api) listOrg(c echo.Context) error {
	pg, err := web.ParsePage(web.Query(c))
	if err != nil {
		return err
	}
	return web.Read(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		o, err := orgFor(c, tx)
		if err != nil {
			return nil, err
		}
		return web.PageOf(tx, tx.OrgAPIKeys(o.ID), pg, (*store.APIKey).Object)
	})
}

// createOrg serves POST /organizations/{organizationId}/api_keys (201).
func (a *api) createOrg(c echo.Context) error {
	b, err := web.Decode(c, web.APIBody)
	if err != nil {
		return err
	}
	k := readNewKey(&b)
	if err := b.Err(); err != nil {
		return err
	}
	return web.Write(c, a.env(c), http.StatusCreated, func(tx *store.Tx) (any, error) {
		o, err := orgFor(c, tx)
		if err != nil {
			return nil, err
		}
		if err := k.check(tx); err != nil {
			return nil, err
		}
		return k.add(tx, o.ID, ""), nil
	})
}
