package store

import (
	"time"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// Group is a set of memberships of one organization. The roles assigned to
// the group (GroupRoleAssignment) reach each member as role assignment
// records whose Source is the group's assignment: they are made when a
// role is assigned or a member joins, and removed when either goes.
type Group struct {
	Seq         uint64
	ID          string
	OrgID       string
	Name        string
	Description *string
	// Members and Assignments are in creation order of the memberships and
	// of the assignments.
	Members     []*Membership
	Assignments []*GroupRoleAssignment
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// ListKey orders groups by creation.
func (g *Group) ListKey() (uint64, string) { return g.Seq, g.ID }

// Object renders the WorkOS group.
func (g *Group) Object() wire.Object {
	return wire.Object{{"object", "group"}, {"id", g.ID}, {"organization_id", g.OrgID}, {"name", g.Name},
		{"description", g.Description}, {"created_at", wire.Time(g.CreatedAt)}, {"updated_at", wire.Time(g.UpdatedAt)}}
}

// GroupRoleAssignment gives a group's members a role on a resource.
type GroupRoleAssignment struct {
	Seq        uint64
	ID         string
	Group      *Group
	Role       string
	ResourceID string
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// ListKey orders group role assignments by creation.
func (gra *GroupRoleAssignment) ListKey() (uint64, string) { return gra.Seq, gra.ID }

// Object renders the WorkOS group_role_assignment; res is its resource.
func (gra *GroupRoleAssignment) Object(res *Resource) wire.Object {
	return wire.Object{{"object", "group_role_assignment"}, {"id", gra.ID}, {"group_id", gra.Group.ID},
		{"role", wire.Object{{"slug", gra.Role}}}, {"resource", res.Ref()},
		{"created_at", wire.Time(gra.CreatedAt)}, {"updated_at", wire.Time(gra.UpdatedAt)}}
}

// Group is the group with that id, or nil.
func (tx *Tx) Group(id string) *Group { return tx.w.authz.groups[id] }

// GroupsOfOrg lists an organization's groups in creation order. The slice
// is the index: do not change it.
func (tx *Tx) GroupsOfOrg(orgID string) []*Group { return tx.w.authz.orgGroups[orgID] }

// GroupsOf lists the groups a membership belongs to, in creation order of
// the groups. The slice is the index: do not change it.
func (tx *Tx) GroupsOf(m *Membership) []*Group { return tx.w.authz.memberGroups[m.ID] }

// AddGroup indexes a new group.
func (tx *Tx) AddGroup(g *Group) {
	a := &tx.w.authz
	g.Seq = tx.w.nextSeq(g.ID)
	a.groups[g.ID] = g
	a.orgGroups[g.OrgID] = append(a.orgGroups[g.OrgID], g)
}

// DeleteGroup removes a group, its role assignments and what they gave its
// members.
func (tx *Tx) DeleteGroup(g *Group) {
	a := &tx.w.authz
	for _, gra := range append([]*GroupRoleAssignment(nil), g.Assignments...) {
		tx.DeleteGroupRoleAssignment(gra)
	}
	for _, m := range g.Members {
		dropFrom(a.memberGroups, m.ID, g)
	}
	g.Members = nil
	delete(a.groups, g.ID)
	dropFrom(a.orgGroups, g.OrgID, g)
	tx.w.forgetSeq(g.ID, tx.now)
}

// IsMember reports whether the membership belongs to the group.
func (tx *Tx) IsMember(g *Group, m *Membership) bool {
	for _, x := range tx.w.authz.memberGroups[m.ID] {
		if x == g {
			return true
		}
	}
	return false
}

// AddMember puts a membership in a group (it is not in it yet); it gains
// the group's roles.
func (tx *Tx) AddMember(g *Group, m *Membership) {
	a := &tx.w.authz
	g.Members = insertBySeq(g.Members, m)
	a.memberGroups[m.ID] = insertBySeq(a.memberGroups[m.ID], g)
	for _, gra := range g.Assignments {
		tx.addAssignment(&RoleAssignment{ID: tx.NewID(fixtures.PrefixRoleAssignment), Membership: m, Role: gra.Role,
			ResourceID: gra.ResourceID, Source: gra, CreatedAt: tx.now, UpdatedAt: tx.now})
	}
}

// RemoveMember takes a membership out of a group; it loses the roles the
// group gave it.
func (tx *Tx) RemoveMember(g *Group, m *Membership) {
	a := &tx.w.authz
	for _, gra := range g.Assignments {
		if ra := a.bySource[gra.ID+"\x00"+m.ID]; ra != nil {
			tx.DeleteRoleAssignment(ra)
		}
	}
	g.Members = without1(g.Members, m)
	dropFrom(a.memberGroups, m.ID, g)
}

// GroupRoleAssignment is the group role assignment with that id, or nil.
func (tx *Tx) GroupRoleAssignment(id string) *GroupRoleAssignment {
	return tx.w.authz.groupAssignments[id]
}

// GroupAssignment is the group's assignment of the role on the resource,
// or nil.
func (tx *Tx) GroupAssignment(g *Group, role, resourceID string) *GroupRoleAssignment {
	for _, gra := range g.Assignments {
		if gra.Role == role && gra.ResourceID == resourceID {
			return gra
		}
	}
	return nil
}

// GroupAssignmentsOn lists the group role assignments on a resource, in
// creation order. The slice is the index: do not change it.
func (tx *Tx) GroupAssignmentsOn(resourceID string) []*GroupRoleAssignment {
	return tx.w.authz.graByResource[resourceID]
}

// AddGroupRoleAssignment records a group's role on a resource and gives it
// to every member.
func (tx *Tx) AddGroupRoleAssignment(gra *GroupRoleAssignment) { tx.addGroupRoleAssignment(gra, nil) }

// addGroupRoleAssignment is AddGroupRoleAssignment; given holds the ids
// and times of the assignments it gives members (a snapshot's), by
// membership id: the others get new ones.
func (tx *Tx) addGroupRoleAssignment(gra *GroupRoleAssignment, given map[string]fixtures.MemberAssignment) {
	a := &tx.w.authz
	gra.Seq = tx.w.nextSeq(gra.ID)
	a.groupAssignments[gra.ID] = gra
	gra.Group.Assignments = append(gra.Group.Assignments, gra)
	a.graByResource[gra.ResourceID] = append(a.graByResource[gra.ResourceID], gra)
	a.roleUse[tx.roleKey(gra.Group.OrgID, gra.Role)]++
	for _, m := range gra.Group.Members {
		ra := &RoleAssignment{Membership: m, Role: gra.Role, ResourceID: gra.ResourceID, Source: gra, CreatedAt: tx.now, UpdatedAt: tx.now}
		if ma, ok := given[m.ID]; ok {
			ra.ID, ra.CreatedAt = ma.ID, at(ma.CreatedAt, tx.now)
			ra.UpdatedAt = at(ma.UpdatedAt, ra.CreatedAt)
		} else {
			ra.ID = tx.NewID(fixtures.PrefixRoleAssignment)
		}
		tx.addAssignment(ra)
	}
}

// DeleteGroupRoleAssignment removes a group's role assignment and what it
// gave the members.
func (tx *Tx) DeleteGroupRoleAssignment(gra *GroupRoleAssignment) {
	a := &tx.w.authz
	if a.groupAssignments[gra.ID] != gra {
		return
	}
	for _, m := range gra.Group.Members {
		if ra := a.bySource[gra.ID+"\x00"+m.ID]; ra != nil {
			tx.DeleteRoleAssignment(ra)
		}
	}
	delete(a.groupAssignments, gra.ID)
	gra.Group.Assignments = without1(gra.Group.Assignments, gra)
	dropFrom(a.graByResource, gra.ResourceID, gra)
	if k := tx.roleKey(gra.Group.OrgID, gra.Role); a.roleUse[k] > 1 {
		a.roleUse[k]--
	} else {
		delete(a.roleUse, k)
	}
	tx.w.forgetSeq(gra.ID, tx.now)
}
