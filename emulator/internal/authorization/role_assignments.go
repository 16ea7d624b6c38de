package authorization

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// The role assignments of one organization membership
// (/authorization/organization_memberships/{id}/role_assignments). A role
// on the organization's own resource is one of the membership's roles (the
// ones its tokens carry); a role on any other resource is an assignment
// record. Both are listed, assigned and removed the same way.

// listMembershipAssignments serves GET …/role_assignments: the
// membership's organization roles, its direct assignments and those its
// groups give it, optionally of one resource (by id, type or external id).
func (a *api) listMembershipAssignments(c echo.Context) error {
	q := web.Query(c)
	pg, err := web.ParsePage(q)
	if err != nil {
		return err
	}
	resID, typ, ext := q.Get("resource_id"), q.Get("resource_type_slug"), q.Get("resource_external_id")
	return web.Read(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		m, err := membershipFor(c, tx, "om")
		if err != nil {
			return nil, err
		}
		var items []keyed
		add := func(ra *store.RoleAssignment) {
			if resID != "" && ra.ResourceID != resID {
				return
			}
			if typ != "" || ext != "" {
				r := tx.Resource(ra.ResourceID)
				if r == nil || (typ != "" && r.Type != typ) || (ext != "" && r.ExternalID != ext) {
					return
				}
			}
			items = append(items, assignmentItem(tx, ra))
		}
		for _, ra := range tx.OrgRoleAssignments(m) {
			add(ra)
		}
		for _, ra := range tx.AssignmentsOf(m) {
			add(ra)
		}
		return pageKeyed(tx, items, pg)
	})
}

// assignRole serves POST …/role_assignments: the role on the resource (by
// id, or by type and external id, in the membership's organization). The
// role must be of the resource's type. Assigning a role the membership
// already has there answers that assignment.
func (a *api) assignRole(c echo.Context) error {
	b, err := web.Decode(c, web.APIBody)
	if err != nil {
		return err
	}
	role := b.Str("role_slug")
	if role == "" {
		b.Bad("role_slug", "role_slug_required")
	}
	t := readTarget(&b, "resource_id", "resource_type_slug", "resource_external_id", true)
	if err := b.Err(); err != nil {
		return err
	}
	return web.Write(c, a.env(c), http.StatusCreated, func(tx *store.Tx) (any, error) {
		m, err := membershipFor(c, tx, "om")
		if err != nil {
			return nil, err
		}
		res, err := t.resolve(tx, m.OrgID)
		if err != nil {
			return nil, err
		}
		if _, err := roleFor(tx, m.OrgID, role, res); err != nil {
			return nil, err
		}
		if ra := tx.DirectAssignment(m, role, res); ra != nil {
			return ra.Object(res), nil
		}
		watch := tx.WatchOrgRoles(m)
		ra := tx.Assign(m, role, res, tx.NewID(fixtures.PrefixRoleAssignment))
		watch.Emit(tx)
		return ra.Object(res), nil
	})
}

// removeRole serves DELETE …/role_assignments (by role and resource): a
// 404 when the membership has no such direct assignment.
func (a *api) removeRole(c echo.Context) error {
	b, err := web.Decode(c, web.APIBody)
	if err != nil {
		return err
	}
	role := b.Str("role_slug")
	if role == "" {
		b.Bad("role_slug", "role_slug_required")
	}
	t := readTarget(&b, "resource_id", "resource_type_slug", "resource_external_id", true)
	if err := b.Err(); err != nil {
		return err
	}
	return web.WriteNoContent(c, a.env(c), http.StatusNoContent, func(tx *store.Tx) error {
		m, err := membershipFor(c, tx, "om")
		if err != nil {
			return err
		}
		res, err := t.resolve(tx, m.OrgID)
		if err != nil {
			return err
		}
		ra := tx.DirectAssignment(m, role, res)
		if ra == nil {
			return web.NotFound("Role assignment", role+" on "+res.ID)
		}
		watch := tx.WatchOrgRoles(m)
		tx.Unassign(ra)
		watch.Emit(tx)
		return nil
	})
}

// removeRoleByID serves DELETE …/role_assignments/{id}. An assignment the
// membership has through a group is the group's to remove: a 403.
func (a *api) removeRoleByID(c echo.Context) error {
	return web.WriteNoContent(c, a.env(c), http.StatusNoContent, func(tx *store.Tx) error {
		m, err := membershipFor(c, tx, "om")
		if err != nil {
			return err
		}
		id := web.PathParam(c, "assignment")
		ra := tx.RoleAssignmentByID(id)
		if ra == nil || ra.Membership != m {
			ra = nil
			for _, v := range tx.OrgRoleAssignments(m) {
				if v.ID == id {
					ra = v
				}
			}
		}
		switch {
		case ra == nil:
			return web.NotFound("Role assignment", id)
		case ra.Source != nil:
			return web.APIError(http.StatusForbidden, web.CodeForbidden,
				fmt.Sprintf("Role assignment '%s' comes from group '%s': remove the group's role assignment, or the member from the group.", id, ra.Source.Group.ID))
		}
		watch := tx.WatchOrgRoles(m)
		tx.Unassign(ra)
		watch.Emit(tx)
		return nil
	})
}
