package authorization

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
)

// Access checks and resource discovery for one membership. The rules are
// in store/authz_access.go.

// check serves POST …/{organization_membership_id}/check.
func (a *api) check(c echo.Context) error {
	b, err := web.Decode(c, web.APIBody)
	if err != nil {
		return err
	}
	perm := b.Str("permission_slug")
	if perm == "" {
		b.Bad("permission_slug", "permission_slug_required")
	}
	t := readTarget(&b, "resource_id", "resource_type_slug", "resource_external_id", true)
	if err := b.Err(); err != nil {
		return err
	}
	return web.Read(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		m, err := membershipFor(c, tx, "om")
		if err != nil {
			return nil, err
		}
		var res *store.Resource
		if t.id != "" {
			// By id, a resource of another organization exists: the
			// membership just has no access to it.
			if res = tx.Resource(t.id); res == nil {
				return nil, web.NotFound("Resource", t.id)
			}
		} else if res, err = t.resolve(tx, m.OrgID); err != nil {
			return nil, err
		}
		return wire.Object{{"authorized", tx.Check(m, perm, res)}}, nil
	})
}

// memberResource finds the membership (:om) and the resource (:resource,
// or :type and :external in the membership's organization) of a route.
func memberResource(c echo.Context, tx *store.Tx) (*store.Membership, *store.Resource, error) {
	m, err := membershipFor(c, tx, "om")
	if err != nil {
		return nil, nil, err
	}
	if id := web.PathParam(c, "resource"); id != "" && web.PathParam(c, "external") == "" {
		r := tx.Resource(id)
		if r == nil {
			return nil, nil, web.NotFound("Resource", id)
		}
		return m, r, nil
	}
	// …/resources/{resource_type_slug}/{external_id}/permissions shares
	// its first parameter with …/resources/{resource_id}/permissions.
	typ, ext := web.PathParam(c, "resource"), web.PathParam(c, "external")
	r, err := target{typ: typ, ext: ext}.resolve(tx, m.OrgID)
	return m, r, err
}

// effectivePermissions serves GET …/resources/{resource_id}/permissions and
// …/resources/{resource_type_slug}/{external_id}/permissions: every
// permission the membership has on the resource, inherited ones included.
func (a *api) effectivePermissions(c echo.Context) error {
	pg, err := web.ParsePage(web.Query(c))
	if err != nil {
		return err
	}
	return web.Read(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		m, r, err := memberResource(c, tx)
		if err != nil {
			return nil, err
		}
		return web.PageOf(tx, tx.EffectivePermissions(m, r), pg, (*store.Permission).Object)
	})
}

// membershipResources serves GET …/{organization_membership_id}/resources:
// the children of a parent resource on which the membership has
// permission_slug.
func (a *api) membershipResources(c echo.Context) error {
	q := web.Query(c)
	pg, err := web.ParsePage(q)
	if err != nil {
		return err
	}
	perm := q.Get("permission_slug")
	if perm == "" {
		return web.Invalid(web.Field("permission_slug", "permission_slug_required"))
	}
	t, err := queryTarget(c, "parent_resource_id", "parent_resource_type_slug", "parent_resource_external_id", true)
	if err != nil {
		return err
	}
	return web.Read(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		m, err := membershipFor(c, tx, "om")
		if err != nil {
			return nil, err
		}
		parent, err := t.resolve(tx, m.OrgID)
		if err != nil {
			return nil, err
		}
		return web.PageOf(tx, tx.AccessibleChildren(m, perm, parent), pg, (*store.Resource).Object)
	})
}
