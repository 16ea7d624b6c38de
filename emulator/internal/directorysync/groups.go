package directorysync

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
)

// listGroups serves GET /directory_groups, newest first: the groups of a
// directory or of a user (or both: the user's groups, when the user is in
// that directory), each an index in creation order.
func (a *api) listGroups(c echo.Context) error {
	q := c.QueryParams()
	pg, err := web.ParsePage(q)
	if err != nil {
		return err
	}
	dirID, userID := q.Get("directory"), q.Get("user")
	if dirID == "" && userID == "" {
		return web.Invalid(web.FieldError{Field: "directory", Code: "directory_or_user_required", Message: "Provide directory or user."})
	}
	return web.Read(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		var groups []*store.DirectoryGroup
		var d *store.Directory
		if dirID != "" {
			if d = tx.Directory(dirID); d == nil {
				return nil, web.NotFound("Directory", dirID)
			}
			groups = d.Groups()
		}
		if userID != "" {
			u := tx.DirectoryUser(userID)
			if u == nil {
				return nil, web.NotFound("Directory User", userID)
			}
			groups = u.Groups()
			if d != nil && u.DirectoryID != d.ID {
				groups = nil
			}
		}
		return web.PageOf(tx, groups, pg, (*store.DirectoryGroup).Object)
	})
}

// getGroup serves GET /directory_groups/{id}.
func (a *api) getGroup(c echo.Context) error {
	return web.Read(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		id := web.PathParam(c, "id")
		g := tx.DirectoryGroup(id)
		if g == nil {
			return nil, web.NotFound("Directory Group", id)
		}
		return g.Object(), nil
	})
}
