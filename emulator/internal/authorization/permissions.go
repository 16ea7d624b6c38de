package authorization

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// permissionFor finds the permission the route's :slug names, or a 404.
func permissionFor(c echo.Context, tx *store.Tx) (*store.Permission, error) {
	slug := web.PathParam(c, "slug")
	if p := tx.Permission(slug); p != nil {
		return p, nil
	}
	return nil, web.NotFound("Permission", slug)
}

// listPermissions serves GET /authorization/permissions (paginated).
func (a *api) listPermissions(c echo.Context) error {
	pg, err := web.ParsePage(c.QueryParams())
	if err != nil {
		return err
	}
	return web.Read(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		return web.PageOf(tx, tx.Permissions(), pg, (*store.Permission).Object)
	})
}

// createPermission serves POST /authorization/permissions (201; 409 for a
// taken slug).
func (a *api) createPermission(c echo.Context) error {
	b, err := web.Decode(c, web.APIBody)
	if err != nil {
		return err
	}
	slug, name, desc := b.Str("slug"), b.Str("name"), b.OptStr("description")
	typ := b.Str("resource_type_slug")
	limits(&b, slug, name, desc)
	if slug == "" || strings.ContainsAny(slug, " \t") {
		b.Bad("slug", "invalid_slug")
	}
	if name == "" {
		b.Bad("name", "name_required")
	}
	if err := b.Err(); err != nil {
		return err
	}
	return web.Write(c, a.env(c), http.StatusCreated, func(tx *store.Tx) (any, error) {
		if typ != "" && tx.ResourceType(typ) == nil {
			return nil, web.NotFound("Resource type", typ)
		}
		if tx.Permission(slug) != nil {
			return nil, web.APIError(http.StatusConflict, "permission_slug_conflict", fmt.Sprintf("A permission with slug %q already exists.", slug))
		}
		now := tx.Now()
		p := &store.Permission{ID: tx.NewID(fixtures.PrefixPermission), Slug: slug, Name: name, ResourceType: typ, CreatedAt: now, UpdatedAt: now}
		if desc != nil {
			p.Description = *desc
		}
		tx.AddPermission(p)
		tx.Emit("permission.created", "", p.Object())
		return p.Object(), nil
	})
}

// getPermission serves GET /authorization/permissions/{slug}.
func (a *api) getPermission(c echo.Context) error {
	return web.Read(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		p, err := permissionFor(c, tx)
		if err != nil {
			return nil, err
		}
		return p.Object(), nil
	})
}

// updatePermission serves PATCH /authorization/permissions/{slug}.
func (a *api) updatePermission(c echo.Context) error {
	return a.patchNamed(c, func(tx *store.Tx) (named, error) {
		p, err := permissionFor(c, tx)
		if err != nil {
			return named{}, err
		}
		return named{&p.Name, &p.Description, &p.UpdatedAt, p.Object, func() { tx.Emit("permission.updated", "", p.Object()) }}, nil
	})
}

// deletePermission serves DELETE /authorization/permissions/{slug}: roles
// lose it.
func (a *api) deletePermission(c echo.Context) error {
	return web.WriteNoContent(c, a.env(c), http.StatusNoContent, func(tx *store.Tx) error {
		p, err := permissionFor(c, tx)
		if err != nil {
			return err
		}
		tx.DeletePermission(p)
		tx.Emit("permission.deleted", "", p.Object())
		return nil
	})
}

// named is what a PATCH of name and description changes on a role or a
// permission, and how to render it after.
type named struct {
	name, description *string
	updatedAt         *time.Time
	render            func() wire.Object
	// emit emits the record's updated event, once the change is made.
	emit func()
}

// patchNamed serves a PATCH of name and description on the record find
// addresses; omitted fields are unchanged.
func (a *api) patchNamed(c echo.Context, find func(*store.Tx) (named, error)) error {
	b, err := web.Decode(c, web.APIBody)
	if err != nil {
		return err
	}
	patch := b.NameDescription()
	name, desc := b.Str("name"), b.OptStr("description")
	limits(&b, "", name, desc)
	if err := b.Err(); err != nil {
		return err
	}
	return web.Write(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		n, err := find(tx)
		if err != nil {
			return nil, err
		}
		patch(n.name, n.description)
		*n.updatedAt = tx.Now()
		n.emit()
		return n.render(), nil
	})
}
