package authorization

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// Groups of organization memberships (/organizations/{id}/groups). The
// roles assigned to a group reach its members (group_role_assignments.go):
// a member who joins or leaves gains or loses them at once, and when that
// changes the member's organization roles, organization_membership.updated
// is emitted, as for a direct change.

// groupIn finds the group the route's :group names inside the route's
// organization (:id), or a 404.
func groupIn(c echo.Context, tx *store.Tx) (*store.Group, error) {
	orgID := web.PathParam(c, "id")
	if tx.Org(orgID) == nil {
		return nil, web.NotFound("Organization", orgID)
	}
	id := web.PathParam(c, "group")
	if g := tx.Group(id); g != nil && g.OrgID == orgID {
		return g, nil
	}
	return nil, web.NotFound("Group", id)
}

// readGroupFields reads a group's name and description with the spec's
// limits.
func readGroupFields(b *web.Body) (name string, desc *string) {
	name, desc = b.Str("name"), b.OptStr("description")
	b.Limit("name", name, fixtures.MaxGroupNameLength)
	if desc != nil {
		b.Limit("description", *desc, fixtures.MaxDescriptionLength)
	}
	return name, desc
}

// createGroup serves POST /organizations/{id}/groups.
func (a *api) createGroup(c echo.Context) error {
	b, err := web.Decode(c, web.APIBody)
	if err != nil {
		return err
	}
	name, desc := readGroupFields(&b)
	if name == "" {
		b.Bad("name", "name_required")
	}
	if err := b.Err(); err != nil {
		return err
	}
	return web.Write(c, a.env(c), http.StatusCreated, func(tx *store.Tx) (any, error) {
		orgID := web.PathParam(c, "id")
		if tx.Org(orgID) == nil {
			return nil, web.NotFound("Organization", orgID)
		}
		g := &store.Group{ID: tx.NewID(fixtures.PrefixGroup), OrgID: orgID, Name: name, Description: desc, CreatedAt: tx.Now(), UpdatedAt: tx.Now()}
		tx.AddGroup(g)
		tx.Emit("group.created", orgID, g.Object())
		return g.Object(), nil
	})
}

// listGroups serves GET /organizations/{id}/groups.
func (a *api) listGroups(c echo.Context) error {
	pg, err := web.ParsePage(web.Query(c))
	if err != nil {
		return err
	}
	return web.Read(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		orgID := web.PathParam(c, "id")
		if tx.Org(orgID) == nil {
			return nil, web.NotFound("Organization", orgID)
		}
		return web.PageOf(tx, tx.GroupsOfOrg(orgID), pg, (*store.Group).Object)
	})
}

// getGroup serves GET /organizations/{id}/groups/{groupId}.
func (a *api) getGroup(c echo.Context) error {
	return web.Read(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		g, err := groupIn(c, tx)
		if err != nil {
			return nil, err
		}
		return g.Object(), nil
	})
}

// updateGroup serves PATCH on a group: an absent name is unchanged, a null
// description clears it.
func (a *api) updateGroup(c echo.Context) error {
	b, err := web.Decode(c, web.APIBody)
	if err != nil {
		return err
	}
	name, desc := readGroupFields(&b)
	hasDesc := b.Has("description")
	if b.Has("name") && name == "" {
		b.Bad("name", "name_required")
	}
	if err := b.Err(); err != nil {
		return err
	}
	return web.Write(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		g, err := groupIn(c, tx)
		if err != nil {
			return nil, err
		}
		if name != "" {
			g.Name = name
		}
		if hasDesc {
			g.Description = desc
		}
		g.UpdatedAt = tx.Now()
		tx.Emit("group.updated", g.OrgID, g.Object())
		return g.Object(), nil
	})
}

// deleteGroup serves DELETE on a group: its role assignments go with it,
// and its members lose what they gave them.
func (a *api) deleteGroup(c echo.Context) error {
	return web.WriteNoContent(c, a.env(c), http.StatusNoContent, func(tx *store.Tx) error {
		g, err := groupIn(c, tx)
		if err != nil {
			return err
		}
		watch := tx.WatchOrgRoles(g.Members...)
		tx.DeleteGroup(g)
		tx.Emit("group.deleted", g.OrgID, g.Object())
		watch.Emit(tx)
		return nil
	})
}

// addGroupMember serves POST …/groups/{groupId}/organization-memberships:
// the membership (of the group's organization) joins; it already being a
// member changes nothing. The answer is the group.
func (a *api) addGroupMember(c echo.Context) error {
	b, err := web.Decode(c, web.APIBody)
	if err != nil {
		return err
	}
	omID := b.Str("organization_membership_id")
	if omID == "" {
		b.Bad("organization_membership_id", "organization_membership_id_required")
	}
	if err := b.Err(); err != nil {
		return err
	}
	return web.Write(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		g, err := groupIn(c, tx)
		if err != nil {
			return nil, err
		}
		m := tx.Membership(omID)
		if m == nil || m.OrgID != g.OrgID {
			return nil, web.NotFound("Organization membership", omID)
		}
		if tx.IsMember(g, m) {
			return g.Object(), nil
		}
		if len(g.Members) >= fixtures.MaxGroupMembers {
			return nil, web.APIError(http.StatusBadRequest, "group_membership_limit_exceeded",
				fmt.Sprintf("Group '%s' has %d members, the most the emulator allows.", g.ID, fixtures.MaxGroupMembers))
		}
		watch := tx.WatchOrgRoles(m)
		tx.AddMember(g, m)
		tx.Emit("group.member_added", g.OrgID, store.GroupMemberEvent(g, m))
		watch.Emit(tx)
		return g.Object(), nil
	})
}

// listGroupMembers serves GET …/groups/{groupId}/organization-memberships.
func (a *api) listGroupMembers(c echo.Context) error {
	pg, err := web.ParsePage(web.Query(c))
	if err != nil {
		return err
	}
	return web.Read(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		g, err := groupIn(c, tx)
		if err != nil {
			return nil, err
		}
		return web.PageOf(tx, g.Members, pg, tx.MembershipObject)
	})
}

// removeGroupMember serves DELETE …/organization-memberships/{omId}: a
// membership that is not a member is a 404.
func (a *api) removeGroupMember(c echo.Context) error {
	return web.WriteNoContent(c, a.env(c), http.StatusNoContent, func(tx *store.Tx) error {
		g, err := groupIn(c, tx)
		if err != nil {
			return err
		}
		m, err := membershipFor(c, tx, "om")
		if err != nil {
			return err
		}
		if !tx.IsMember(g, m) {
			return web.NotFound("Group member", m.ID)
		}
		watch := tx.WatchOrgRoles(m)
		tx.RemoveMember(g, m)
		tx.Emit("group.member_removed", g.OrgID, store.GroupMemberEvent(g, m))
		watch.Emit(tx)
		return nil
	})
}

// listMembershipGroups serves GET
// /user_management/organization_memberships/{omId}/groups.
func (a *api) listMembershipGroups(c echo.Context) error {
	pg, err := web.ParsePage(web.Query(c))
	if err != nil {
		return err
	}
	return web.Read(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		m, err := membershipFor(c, tx, "id")
		if err != nil {
			return nil, err
		}
		return web.PageOf(tx, tx.GroupsOf(m), pg, (*store.Group).Object)
	})
}
