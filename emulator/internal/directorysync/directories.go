package directorysync

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
)

// directoryFor finds the directory the route's :id names, or a 404.
func directoryFor(c echo.Context, tx *store.Tx) (*store.Directory, error) {
	id := web.PathParam(c, "id")
	if d := tx.Directory(id); d != nil {
		return d, nil
	}
	return nil, web.NotFound("Directory", id)
}

// listDirectories serves GET /directories, newest first: filters
// organization_id (indexed), search (in the name, case-insensitive) and
// domain (deprecated; exact, case-insensitive). search and domain look at
// every directory the organization filter leaves: directories are few.
func (a *api) listDirectories(c echo.Context) error {
	q := c.QueryParams()
	pg, err := web.ParsePage(q)
	if err != nil {
		return err
	}
	org, search, domain := q.Get("organization_id"), strings.ToLower(q.Get("search")), q.Get("domain")
	return web.Read(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		dirs := tx.Directories()
		if org != "" {
			dirs = tx.DirectoriesOfOrg(org)
		}
		if search != "" || domain != "" {
			var kept []*store.Directory
			for _, d := range dirs {
				if (search == "" || strings.Contains(strings.ToLower(d.Name), search)) && (domain == "" || strings.EqualFold(d.Domain, domain)) {
					kept = append(kept, d)
				}
			}
			dirs = kept
		}
		return web.PageOf(tx, dirs, pg, (*store.Directory).Object)
	})
}

// getDirectory serves GET /directories/{id}.
func (a *api) getDirectory(c echo.Context) error {
	return web.Read(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		d, err := directoryFor(c, tx)
		if err != nil {
			return nil, err
		}
		return d.Object(), nil
	})
}

// deleteDirectory serves DELETE /directories/{id}: 202 Accepted with an
// empty JSON object, as the spec documents it (WorkOS's deletion finishes
// in the background; the emulator's at once, with dsync.deleted).
func (a *api) deleteDirectory(c echo.Context) error {
	return web.Write(c, a.env(c), http.StatusAccepted, func(tx *store.Tx) (any, error) {
		d, err := directoryFor(c, tx)
		if err != nil {
			return nil, err
		}
		tx.DeleteDirectory(d)
		return wire.Object{}, nil
	})
}
