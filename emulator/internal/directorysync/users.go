package directorysync

import (
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
)

// listUsers serves GET /directory_users, newest first: the users of a
// directory or the members of a group (or both: the group's members in
// that directory), narrowed by idp_id or email (which need directory).
// Each source is an index in creation order, so a page costs a binary
// search plus the page at any size; idp_id and email are index lookups.
func (a *api) listUsers(c echo.Context) error {
	q := c.QueryParams()
	pg, err := web.ParsePage(q)
	if err != nil {
		return err
	}
	dirID, groupID, idp, email := q.Get("directory"), q.Get("group"), q.Get("idp_id"), q.Get("email")
	var bad []web.FieldError
	if dirID == "" && groupID == "" {
		bad = append(bad, web.FieldError{Field: "directory", Code: "directory_or_group_required", Message: "Provide directory or group."})
	}
	if dirID == "" && (idp != "" || email != "") {
		bad = append(bad, web.FieldError{Field: "directory", Code: "required", Message: "idp_id and email filter the users of a directory: provide directory."})
	}
	if len(bad) > 0 {
		return web.Invalid(bad...)
	}
	return web.Read(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		var users []*store.DirectoryUser
		var d *store.Directory
		var g *store.DirectoryGroup
		if dirID != "" {
			if d = tx.Directory(dirID); d == nil {
				return nil, web.NotFound("Directory", dirID)
			}
			users = d.Users()
		}
		if groupID != "" {
			if g = tx.DirectoryGroup(groupID); g == nil {
				return nil, web.NotFound("Directory Group", groupID)
			}
			users = g.Members()
			if d != nil && g.DirectoryID != d.ID {
				users = nil
			}
		}
		if idp != "" || email != "" {
			users = nil
			u := d.UserByEmail(email)
			if idp != "" {
				u = d.UserByIdpID(idp)
			}
			if u != nil && (email == "" || d.UserByEmail(email) == u) && (g == nil || slices.Contains(u.Groups(), g)) {
				users = []*store.DirectoryUser{u}
			}
		}
		return web.PageOf(tx, users, pg, (*store.DirectoryUser).ObjectWithGroups)
	})
}

// userFor finds the directory user the route's :id names, or a 404.
func userFor(c echo.Context, tx *store.Tx) (*store.DirectoryUser, error) {
	id := web.PathParam(c, "id")
	if u := tx.DirectoryUser(id); u != nil {
		return u, nil
	}
	return nil, web.NotFound("Directory User", id)
}

// getUser serves GET /directory_users/{id}.
func (a *api) getUser(c echo.Context) error {
	return web.Read(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		u, err := userFor(c, tx)
		if err != nil {
			return nil, err
		}
		return u.ObjectWithGroups(), nil
	})
}
