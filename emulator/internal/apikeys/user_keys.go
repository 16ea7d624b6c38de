package apikeys

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
)

// userFor finds the user the route's :userId names, or a 404.
func userFor(c echo.Context, tx *store.Tx) (*store.User, error) {
	id := web.PathParam(c, "userId")
	if u := tx.User(id); u != nil {
		return u, nil
	}
	return nil, web.NotFound("User", id)
}

// listUser serves GET /user_management/users/{userId}/api_keys, newest
// first; organization_id keeps the keys of that organization.
func (a *api) listUser(c echo.Context) error {
	q := web.Query(c)
	pg, err := web.ParsePage(q)
	if err != nil {
		return err
	}
	orgID := q.Get("organization_id")
	return web.Read(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		u, err := userFor(c, tx)
		if err != nil {
			return nil, err
		}
		keys := tx.UserAPIKeys(u.ID)
		if orgID != "" {
			var mine []*store.APIKey
			for _, k := range keys {
				if k.OrgID == orgID {
					mine = append(mine, k)
				}
			}
			keys = mine
		}
		return web.PageOf(tx, keys, pg, (*store.APIKey).Object)
	})
}

// createUser serves POST /user_management/users/{userId}/api_keys (201):
// the user must be an active member of organization_id.
func (a *api) createUser(c echo.Context) error {
	b, err := web.Decode(c, web.APIBody)
	if err != nil {
		return err
	}
	k := readNewKey(&b)
	orgID := b.Str("organization_id")
	if orgID == "" {
		b.Bad("organization_id", "organization_id_required")
	}
	if err := b.Err(); err != nil {
		return err
	}
	return web.Write(c, a.env(c), http.StatusCreated, func(tx *store.Tx) (any, error) {
		u, err := userFor(c, tx)
		if err != nil {
			return nil, err
		}
		if tx.Org(orgID) == nil {
			return nil, web.NotFound("Organization", orgID)
		}
		if !tx.ActiveMember(u.ID, orgID) {
			e := web.APIError(http.StatusBadRequest, "organization_membership_not_found",
				fmt.Sprintf("User '%s' has no active membership in organization '%s'.", u.ID, orgID))
			e.Fields = []web.FieldError{web.Field("organization_id", "organization_membership_not_found")}
			return nil, e
		}
		if err := k.check(tx); err != nil {
			return nil, err
		}
		return k.add(tx, orgID, u.ID), nil
	})
}
