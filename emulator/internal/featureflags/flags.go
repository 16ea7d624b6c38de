package featureflags

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// flagFor finds the flag the route's :slug names, or a 404.
func flagFor(c echo.Context, tx *store.Tx) (*store.Flag, error) {
	slug := web.PathParam(c, "slug")
	if f := tx.Flag(slug); f != nil {
		return f, nil
	}
	return nil, web.NotFound("Feature flag", slug)
}

// actor is who changes a flag over the API, for its events: the
// environment, by its client id (its API keys have no ids of their own).
func actor(tx *store.Tx) store.FlagActor {
	return store.FlagActor{ID: tx.Config().ClientID, Source: "api"}
}

// list serves GET /feature-flags, newest first.
func (a *api) list(c echo.Context) error {
	pg, err := web.ParsePage(web.Query(c))
	if err != nil {
		return err
	}
	return web.Read(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		return web.PageOf(tx, tx.Flags(), pg, (*store.Flag).Object)
	})
}

// get serves GET /feature-flags/{slug}.
func (a *api) get(c echo.Context) error {
	return web.Read(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		f, err := flagFor(c, tx)
		if err != nil {
			return nil, err
		}
		return f.Object(), nil
	})
}

// enable serves PUT /feature-flags/{slug}/enable.
func (a *api) enable(c echo.Context) error { return a.setEnabled(c, true) }

// disable serves PUT /feature-flags/{slug}/disable.
func (a *api) disable(c echo.Context) error { return a.setEnabled(c, false) }

func (a *api) setEnabled(c echo.Context, on bool) error {
	if _, err := web.Decode(c, web.APIBody); err != nil {
		return err
	}
	return web.Write(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		f, err := flagFor(c, tx)
		if err != nil {
			return nil, err
		}
		tx.SetFlagEnabled(f, on, actor(tx))
		return f.Object(), nil
	})
}

// addTarget serves POST /feature-flags/{slug}/targets/{resourceId} (204).
func (a *api) addTarget(c echo.Context) error { return a.setTarget(c, true) }

// removeTarget serves DELETE /feature-flags/{slug}/targets/{resourceId}
// (204); removing a resource the flag does not target changes nothing.
func (a *api) removeTarget(c echo.Context) error { return a.setTarget(c, false) }

// setTarget checks the resource id's form (user_... or org_...), then the
// flag and the resource.
func (a *api) setTarget(c echo.Context, on bool) error {
	if on {
		if _, err := web.Decode(c, web.APIBody); err != nil {
			return err
		}
	}
	id := web.PathParam(c, "resourceId")
	isOrg := strings.HasPrefix(id, fixtures.PrefixOrg)
	if !isOrg && !strings.HasPrefix(id, fixtures.PrefixUser) {
		return web.APIError(http.StatusBadRequest, "invalid_resource_id",
			"The resource id must be a user id (user_...) or an organization id (org_...).").With("statusCode", http.StatusBadRequest)
	}
	return web.WriteNoContent(c, a.env(c), http.StatusNoContent, func(tx *store.Tx) error {
		f, err := flagFor(c, tx)
		if err != nil {
			return err
		}
		if isOrg && tx.Org(id) == nil {
			return web.NotFound("Organization", id)
		}
		if !isOrg && tx.User(id) == nil {
			return web.NotFound("User", id)
		}
		tx.SetFlagTarget(f, id, isOrg, on, actor(tx))
		return nil
	})
}

// listOrg serves GET /organizations/{organizationId}/feature-flags: the
// flags on for the organization, newest first.
func (a *api) listOrg(c echo.Context) error {
	pg, err := web.ParsePage(web.Query(c))
	if err != nil {
		return err
	}
	return web.Read(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		id := web.PathParam(c, "organizationId")
		if tx.Org(id) == nil {
			return nil, web.NotFound("Organization", id)
		}
		var on []*store.Flag
		for _, f := range tx.Flags() {
			if f.On("", id) {
				on = append(on, f)
			}
		}
		return web.PageOf(tx, on, pg, (*store.Flag).Object)
	})
}

// listUser serves GET /user_management/users/{userId}/feature-flags: the
// flags on for the user, or for any organization they are an active
// member of, newest first.
func (a *api) listUser(c echo.Context) error {
	pg, err := web.ParsePage(web.Query(c))
	if err != nil {
		return err
	}
	return web.Read(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		id := web.PathParam(c, "userId")
		if tx.User(id) == nil {
			return nil, web.NotFound("User", id)
		}
		orgs := tx.ActiveOrgs(id)
		var on []*store.Flag
		for _, f := range tx.Flags() {
			match := f.On(id, "")
			for _, o := range orgs {
				match = match || f.On("", o.ID)
			}
			if match {
				on = append(on, f)
			}
		}
		return web.PageOf(tx, on, pg, (*store.Flag).Object)
	})
}
