package authorization

import (
	"fmt"
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// scope is the organization a role route addresses ("" for the
// environment's roles); an unknown organization is a 404.
func scope(c echo.Context, tx *store.Tx) (string, error) {
	orgID := web.PathParam(c, "org")
	if orgID != "" && tx.Org(orgID) == nil {
		return "", web.NotFound("Organization", orgID)
	}
	return orgID, nil
}

// roleIn finds the role a route addresses, in its scope.
func roleIn(c echo.Context, tx *store.Tx) (*store.Role, error) {
	orgID, err := scope(c, tx)
	if err != nil {
		return nil, err
	}
	slug := web.PathParam(c, "slug")
	r := tx.EnvRole(slug)
	if orgID != "" {
		r = tx.OrgRole(orgID, slug)
	}
	if r == nil {
		return nil, web.NotFound("Role", slug)
	}
	return r, nil
}

func roleObjects(roles []*store.Role) []wire.Object {
	out := []wire.Object{}
	for _, r := range roles {
		out = append(out, r.Object())
	}
	return out
}

// listRoles serves GET /authorization/roles and
// GET /authorization/organizations/{organizationId}/roles.
func (a *api) listRoles(c echo.Context) error {
	return web.Read(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		orgID, err := scope(c, tx)
		if err != nil {
			return nil, err
		}
		return wire.Object{{"object", "list"}, {"data", roleObjects(tx.RolesFor(orgID))}}, nil
	})
}

// ValidSlug reports whether s is a role slug WorkOS accepts.
func ValidSlug(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == ':' || c == '.') {
			return false
		}
	}
	return true
}

// createRole serves POST on the role collections (201; 409 for a taken
// slug).
func (a *api) createRole(c echo.Context) error {
	b, err := web.Decode(c, web.APIBody)
	if err != nil {
		return err
	}
	slug, name := b.Str("slug"), b.Str("name")
	desc := b.OptStr("description")
	typ := b.Str("resource_type_slug")
	limits(&b, slug, name, desc)
	b.Limit("resource_type_slug", typ, maxSlugLength)
	if slug == "" {
		b.Bad("slug", "slug_required")
	} else if !ValidSlug(slug) {
		b.Bad("slug", "invalid_slug")
	}
	if name == "" {
		b.Bad("name", "name_required")
	}
	if err := b.Err(); err != nil {
		return err
	}
	return web.Write(c, a.env(c), http.StatusCreated, func(tx *store.Tx) (any, error) {
		orgID, err := scope(c, tx)
		if err != nil {
			return nil, err
		}
		if typ != "" && tx.ResourceType(typ) == nil {
			return nil, web.NotFound("Resource type", typ)
		}
		if tx.EnvRole(slug) != nil || (orgID != "" && tx.OrgRole(orgID, slug) != nil) {
			code := "role_slug_conflict"
			if orgID != "" {
				code = "organization_role_slug_conflict"
			}
			return nil, web.APIError(http.StatusConflict, code, fmt.Sprintf("A role with slug %q already exists.", slug))
		}
		now := tx.Now()
		r := &store.Role{OrgID: orgID, ID: tx.NewID(fixtures.PrefixRole), Slug: slug, Name: name, ResourceType: typ,
			Permissions: []string{}, CreatedAt: now, UpdatedAt: now}
		if desc != nil {
			r.Description = *desc
		}
		tx.AddRole(r)
		tx.Emit(r.EventPrefix()+".created", orgID, r.EventObject())
		return r.Object(), nil
	})
}

// getRole serves GET on one role.
func (a *api) getRole(c echo.Context) error {
	return web.Read(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		r, err := roleIn(c, tx)
		if err != nil {
			return nil, err
		}
		return r.Object(), nil
	})
}

// updateRole serves PATCH on one role (name, description).
func (a *api) updateRole(c echo.Context) error {
	return a.patchNamed(c, func(tx *store.Tx) (named, error) {
		r, err := roleIn(c, tx)
		if err != nil {
			return named{}, err
		}
		return named{&r.Name, &r.Description, &r.UpdatedAt, r.Object, func() {
			tx.Emit(r.EventPrefix()+".updated", r.OrgID, r.EventObject())
		}}, nil
	})
}

// deleteRole serves DELETE on an organization role: a role that a
// membership holds, or that a role assignment names, is a 409.
func (a *api) deleteRole(c echo.Context) error {
	return web.WriteNoContent(c, a.env(c), http.StatusNoContent, func(tx *store.Tx) error {
		r, err := roleIn(c, tx)
		if err != nil {
			return err
		}
		if tx.RoleInUse(r) {
			return web.APIError(http.StatusConflict, "role_has_assignments",
				fmt.Sprintf("Role %q is assigned: remove its assignments (and the memberships holding it) first.", r.Slug))
		}
		tx.DeleteOrgRole(r)
		tx.Emit("organization_role.deleted", r.OrgID, r.EventObject())
		return nil
	})
}

// setRolePermissions serves PUT …/permissions (replace the set).
func (a *api) setRolePermissions(c echo.Context) error {
	b, err := web.Decode(c, web.APIBody)
	if err != nil {
		return err
	}
	perms := b.Strings("permissions")
	if !b.Has("permissions") {
		b.Bad("permissions", "permissions_required")
	}
	if err := b.Err(); err != nil {
		return err
	}
	return a.changeRolePermissions(c, func(tx *store.Tx, r *store.Role) error {
		for _, slug := range perms {
			if err := applicable(tx, r, slug); err != nil {
				return err
			}
		}
		r.Permissions = dedupe(perms)
		return nil
	})
}

// addRolePermission serves POST …/permissions (add one).
func (a *api) addRolePermission(c echo.Context) error {
	b, err := web.Decode(c, web.APIBody)
	if err != nil {
		return err
	}
	slug := b.Str("slug")
	if slug == "" {
		b.Bad("slug", "slug_required")
	}
	if err := b.Err(); err != nil {
		return err
	}
	return a.changeRolePermissions(c, func(tx *store.Tx, r *store.Role) error {
		if err := applicable(tx, r, slug); err != nil {
			return err
		}
		if !slices.Contains(r.Permissions, slug) {
			r.Permissions = append(r.Permissions, slug)
		}
		return nil
	})
}

// removeRolePermission serves DELETE …/permissions/{permissionSlug}: a
// permission the role does not have is a 404, not a 200 that removed
// nothing.
func (a *api) removeRolePermission(c echo.Context) error {
	perm := web.PathParam(c, "permission")
	return a.changeRolePermissions(c, func(_ *store.Tx, r *store.Role) error {
		if !slices.Contains(r.Permissions, perm) {
			return web.NotFound("Permission", perm)
		}
		r.Permissions = store.Without(r.Permissions, perm)
		return nil
	})
}

// changeRolePermissions applies change to the role the route addresses;
// permissions a role names must exist.
func (a *api) changeRolePermissions(c echo.Context, change func(*store.Tx, *store.Role) error) error {
	return web.Write(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		r, err := roleIn(c, tx)
		if err != nil {
			return nil, err
		}
		if err := change(tx, r); err != nil {
			return nil, err
		}
		r.Permissions = wire.NonNil(r.Permissions)
		r.UpdatedAt = tx.Now()
		tx.Emit(r.EventPrefix()+".updated", r.OrgID, r.EventObject())
		return r.Object(), nil
	})
}

// applicable finds the permission a role is given: it exists (a 404) and
// applies to the role's resource type or a type below it (a 422).
func applicable(tx *store.Tx, r *store.Role, slug string) error {
	p := tx.Permission(slug)
	if p == nil {
		return web.NotFound("Permission", slug)
	}
	if !tx.TypeWithin(p.PermissionType(), r.RoleType()) {
		return web.Invalid(web.Field("permissions", "permission_resource_type_mismatch")).WithMessage(
			fmt.Sprintf("Permission %q applies to %s resources: a %s role cannot hold it.", slug, p.PermissionType(), r.RoleType()))
	}
	return nil
}

// The spec's limits on slugs, names and descriptions of roles and
// permissions.
const (
	maxSlugLength        = 48
	maxNameLength        = 48
	maxDescriptionLength = 150
)

// limits records the spec's length limits of a role or permission.
func limits(b *web.Body, slug, name string, desc *string) {
	b.Limit("slug", slug, maxSlugLength)
	b.Limit("name", name, maxNameLength)
	if desc != nil {
		b.Limit("description", *desc, maxDescriptionLength)
	}
}

func dedupe(in []string) []string {
	out := []string{}
	for _, v := range in {
		if v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}
