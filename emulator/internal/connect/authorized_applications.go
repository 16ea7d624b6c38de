package connect

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
)

// userFor finds the user the route's :user_id names, or a 404.
func userFor(c echo.Context, tx *store.Tx) (*store.User, error) {
	id := web.PathParam(c, "user_id")
	if u := tx.User(id); u != nil {
		return u, nil
	}
	return nil, web.NotFound("User", id)
}

// listUserAuthorizations serves GET
// /user_management/users/{user_id}/authorized_applications, newest first.
func (a *api) listUserAuthorizations(c echo.Context) error {
	pg, err := web.ParsePage(web.Query(c))
	if err != nil {
		return err
	}
	return web.Read(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		u, err := userFor(c, tx)
		if err != nil {
			return nil, err
		}
		return web.PageOf(tx, tx.AuthorizationsOfUser(u.ID), pg, func(x *store.Authorization) wire.Object {
			return tx.AuthorizationObject(x, false)
		})
	})
}

// listOrgAuthorizations serves GET
// /organizations/{organization_id}/authorized_applications: the
// authorizations whose grant chose the organization, newest first, with
// the user who made each (users since deleted are left out).
func (a *api) listOrgAuthorizations(c echo.Context) error {
	pg, err := web.ParsePage(web.Query(c))
	if err != nil {
		return err
	}
	return web.Read(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		id := web.PathParam(c, "organization_id")
		if tx.Org(id) == nil {
			return nil, web.NotFound("Organization", id)
		}
		auths := tx.AuthorizationsOfOrg(id)
		for i, x := range auths {
			if tx.User(x.UserID) == nil { // rare: copy only when a user is gone
				kept := append([]*store.Authorization(nil), auths[:i]...)
				for _, y := range auths[i:] {
					if tx.User(y.UserID) != nil {
						kept = append(kept, y)
					}
				}
				auths = kept
				break
			}
		}
		return web.PageOf(tx, auths, pg, func(x *store.Authorization) wire.Object {
			return tx.AuthorizationObject(x, true)
		})
	})
}

// revokeAuthorization serves DELETE
// /user_management/users/{user_id}/authorized_applications/{application_id}
// (204): every grant the user made to the application ends, so its access
// tokens introspect inactive and its refresh tokens get invalid_grant.
func (a *api) revokeAuthorization(c echo.Context) error {
	appID := web.PathParam(c, "application_id")
	return web.WriteNoContent(c, a.env(c), http.StatusNoContent, func(tx *store.Tx) error {
		u, err := userFor(c, tx)
		if err != nil {
			return err
		}
		app := tx.AppByID(appID)
		if app == nil {
			return web.NotFound("Application", appID)
		}
		auth := tx.Authorization(u.ID, app.ClientID)
		if auth == nil {
			return web.NotFound("Authorized application", appID)
		}
		tx.RevokeAuthorization(auth)
		return nil
	})
}
