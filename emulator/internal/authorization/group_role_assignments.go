package authorization

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// The role assignments of a group (/authorization/groups/{group_id}/
// role_assignments): each gives every member the role on the resource (the
// organization itself when none is named), as long as both last.

// maxReplaceEntries is the spec's bound on a replacement list.
const maxReplaceEntries = 100

// groupByID finds the group of the route's :group, or a 404.
func groupByID(c echo.Context, tx *store.Tx) (*store.Group, error) {
	id := web.PathParam(c, "group")
	if g := tx.Group(id); g != nil {
		return g, nil
	}
	return nil, web.NotFound("Group", id)
}

// graObject renders a group role assignment with its resource.
func graObject(tx *store.Tx) func(*store.GroupRoleAssignment) wire.Object {
	return func(gra *store.GroupRoleAssignment) wire.Object { return gra.Object(tx.Resource(gra.ResourceID)) }
}

// groupGrant is one role on one resource, as a group's assignment names it.
type groupGrant struct {
	role string
	t    target
}

// readGrant reads a role and an optional resource from a body.
func readGrant(b *web.Body) groupGrant {
	g := groupGrant{role: b.Str("role_slug"), t: readTarget(b, "resource_id", "resource_type_slug", "resource_external_id", false)}
	if g.role == "" {
		b.Bad("role_slug", "role_slug_required")
	}
	return g
}

// resolve finds the grant's resource and checks its role, in the group's
// organization.
func (gg groupGrant) resolve(tx *store.Tx, g *store.Group) (*store.Resource, error) {
	res, err := gg.t.resolve(tx, g.OrgID)
	if err != nil {
		return nil, err
	}
	if _, err := roleFor(tx, g.OrgID, gg.role, res); err != nil {
		return nil, err
	}
	return res, nil
}

// createGroupAssignment serves POST …/role_assignments: a role the group
// already has on the resource is a 409.
func (a *api) createGroupAssignment(c echo.Context) error {
	b, err := web.Decode(c, web.APIBody)
	if err != nil {
		return err
	}
	grant := readGrant(&b)
	if err := b.Err(); err != nil {
		return err
	}
	return web.Write(c, a.env(c), http.StatusCreated, func(tx *store.Tx) (any, error) {
		g, err := groupByID(c, tx)
		if err != nil {
			return nil, err
		}
		res, err := grant.resolve(tx, g)
		if err != nil {
			return nil, err
		}
		if tx.GroupAssignment(g, grant.role, res.ID) != nil {
			return nil, web.APIError(http.StatusConflict, "duplicate_group_role_assignment",
				fmt.Sprintf("Group '%s' already has role %q on resource '%s'.", g.ID, grant.role, res.ID))
		}
		watch := tx.WatchOrgRoles(g.Members...)
		gra := &store.GroupRoleAssignment{ID: tx.NewID(fixtures.PrefixGroupRoleAssignment), Group: g, Role: grant.role,
			ResourceID: res.ID, CreatedAt: tx.Now(), UpdatedAt: tx.Now()}
		tx.AddGroupRoleAssignment(gra)
		watch.Emit(tx)
		return gra.Object(res), nil
	})
}

// listGroupAssignments serves GET …/role_assignments.
func (a *api) listGroupAssignments(c echo.Context) error {
	pg, err := web.ParsePage(web.Query(c))
	if err != nil {
		return err
	}
	return web.Read(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		g, err := groupByID(c, tx)
		if err != nil {
			return nil, err
		}
		return web.PageOf(tx, g.Assignments, pg, graObject(tx))
	})
}

// replaceGroupAssignments serves PUT …/role_assignments: the group ends
// with exactly the listed roles; assignments it keeps keep their ids.
func (a *api) replaceGroupAssignments(c echo.Context) error {
	b, err := web.Decode(c, web.APIBody)
	if err != nil {
		return err
	}
	var entries []map[string]json.RawMessage
	if raw := b.Raw("role_assignments"); raw == nil || json.Unmarshal(raw, &entries) != nil || entries == nil {
		return web.Invalid(web.Field("role_assignments", "must_be_a_list_of_role_assignments"))
	}
	if len(entries) > maxReplaceEntries {
		return web.Invalid(web.Field("role_assignments", "too_many_role_assignments"))
	}
	grants := make([]groupGrant, len(entries))
	for i, e := range entries {
		data, _ := json.Marshal(e)
		eb, err := web.DecodeText("application/json", data)
		if err != nil {
			return err
		}
		grants[i] = readGrant(&eb)
		if err := eb.Err(); err != nil {
			return web.Invalid(web.Field(fmt.Sprintf("role_assignments[%d]", i), "invalid_role_assignment"))
		}
	}
	return web.Write(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		g, err := groupByID(c, tx)
		if err != nil {
			return nil, err
		}
		want := map[string]bool{} // role + "\x00" + resource id
		resources := make([]*store.Resource, len(grants))
		for i, gr := range grants {
			if resources[i], err = gr.resolve(tx, g); err != nil {
				return nil, err
			}
			want[gr.role+"\x00"+resources[i].ID] = true
		}
		watch := tx.WatchOrgRoles(g.Members...)
		for _, gra := range append([]*store.GroupRoleAssignment(nil), g.Assignments...) {
			if !want[gra.Role+"\x00"+gra.ResourceID] {
				tx.DeleteGroupRoleAssignment(gra)
			}
		}
		for i, gr := range grants {
			if tx.GroupAssignment(g, gr.role, resources[i].ID) == nil {
				tx.AddGroupRoleAssignment(&store.GroupRoleAssignment{ID: tx.NewID(fixtures.PrefixGroupRoleAssignment), Group: g,
					Role: gr.role, ResourceID: resources[i].ID, CreatedAt: tx.Now(), UpdatedAt: tx.Now()})
			}
		}
		watch.Emit(tx)
		render := graObject(tx)
		data := make([]wire.Object, len(g.Assignments))
		for i, gra := range g.Assignments {
			data[i] = render(gra)
		}
		return wire.List(data, wire.Object{{"before", nil}, {"after", nil}}), nil
	})
}

// removeGroupAssignments serves DELETE …/role_assignments (by role and
// resource): a 404 when the group has no such assignment.
func (a *api) removeGroupAssignments(c echo.Context) error {
	b, err := web.Decode(c, web.APIBody)
	if err != nil {
		return err
	}
	grant := readGrant(&b)
	if err := b.Err(); err != nil {
		return err
	}
	return web.WriteNoContent(c, a.env(c), http.StatusNoContent, func(tx *store.Tx) error {
		g, err := groupByID(c, tx)
		if err != nil {
			return err
		}
		res, err := grant.t.resolve(tx, g.OrgID)
		if err != nil {
			return err
		}
		gra := tx.GroupAssignment(g, grant.role, res.ID)
		if gra == nil {
			return web.NotFound("Group role assignment", grant.role+" on "+res.ID)
		}
		watch := tx.WatchOrgRoles(g.Members...)
		tx.DeleteGroupRoleAssignment(gra)
		watch.Emit(tx)
		return nil
	})
}

// groupAssignmentFor finds the group's assignment the route's :assignment
// names, or a 404.
func groupAssignmentFor(c echo.Context, tx *store.Tx) (*store.GroupRoleAssignment, error) {
	g, err := groupByID(c, tx)
	if err != nil {
		return nil, err
	}
	id := web.PathParam(c, "assignment")
	if gra := tx.GroupRoleAssignment(id); gra != nil && gra.Group == g {
		return gra, nil
	}
	return nil, web.NotFound("Group role assignment", id)
}

// getGroupAssignment serves GET …/role_assignments/{role_assignment_id}.
func (a *api) getGroupAssignment(c echo.Context) error {
	return web.Read(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		gra, err := groupAssignmentFor(c, tx)
		if err != nil {
			return nil, err
		}
		return graObject(tx)(gra), nil
	})
}

// deleteGroupAssignment serves DELETE …/role_assignments/{role_assignment_id}.
func (a *api) deleteGroupAssignment(c echo.Context) error {
	return web.WriteNoContent(c, a.env(c), http.StatusNoContent, func(tx *store.Tx) error {
		gra, err := groupAssignmentFor(c, tx)
		if err != nil {
			return err
		}
		watch := tx.WatchOrgRoles(gra.Group.Members...)
		tx.DeleteGroupRoleAssignment(gra)
		watch.Emit(tx)
		return nil
	})
}
