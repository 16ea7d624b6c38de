package store

import (
	"slices"
	"time"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// RoleAssignment gives a membership a role on a resource, directly or
// through a group (Source). A membership's roles on its organization are
// its Roles (what User Management and the tokens read): those assignments
// have no record and are built on demand (OrgRoleAssignments).
type RoleAssignment struct {
	Seq        uint64
	ID         string
	Membership *Membership
	Role       string
	ResourceID string
	// Source is the group role assignment this one comes from; nil for a
	// direct assignment.
	Source    *GroupRoleAssignment
	CreatedAt time.Time
	UpdatedAt time.Time
	// virtual marks an organization role of the membership (no record).
	virtual bool
}

// ListKey orders role assignments by creation.
func (ra *RoleAssignment) ListKey() (uint64, string) { return ra.Seq, ra.ID }

// Virtual reports whether ra is one of the membership's organization roles
// (its Roles), which has no record of its own.
func (ra *RoleAssignment) Virtual() bool { return ra.virtual }

// orgRoleMeta is what the emulator remembers of an organization role given
// through the role assignments API or a fixture: its id and when.
type orgRoleMeta struct {
	seq       uint64
	id        string
	createdAt time.Time
}

// roleKey keys roleUse: the role's organization ("" for environment roles)
// and slug.
func (tx *Tx) roleKey(orgID, slug string) string {
	if tx.w.orgRoles[orgID][slug] == nil {
		orgID = ""
	}
	return orgID + "\x00" + slug
}

// RoleInUse reports whether any role assignment (of a membership or a
// group, on any resource) or membership names the organization's role.
func (tx *Tx) RoleInUse(r *Role) bool {
	if tx.w.authz.roleUse[r.OrgID+"\x00"+r.Slug] > 0 {
		return true
	}
	if r.OrgID == "" {
		return false
	}
	for _, m := range tx.w.orgMemberships[r.OrgID] {
		if slices.Contains(m.Roles, r.Slug) {
			return true
		}
	}
	return false
}

// RoleAssignmentByID is the record with that id (direct or from a group),
// or nil; organization roles are found with OrgRoleAssignments.
func (tx *Tx) RoleAssignmentByID(id string) *RoleAssignment { return tx.w.authz.assignments[id] }

// AssignmentsOf lists a membership's role assignment records (direct and
// from groups) in creation order. The slice is the index: do not change it.
func (tx *Tx) AssignmentsOf(m *Membership) []*RoleAssignment { return tx.w.authz.byMembership[m.ID] }

// AssignmentsOn lists the role assignment records on a resource in
// creation order. The slice is the index: do not change it.
func (tx *Tx) AssignmentsOn(resourceID string) []*RoleAssignment {
	return tx.w.authz.byResource[resourceID]
}

// OrgRoleAssignments renders a membership's organization roles (its Roles)
// as role assignments on its organization's resource. Their ListKeys are
// unique and ordered with the records': see ScaledKey.
func (tx *Tx) OrgRoleAssignments(m *Membership) []*RoleAssignment {
	out := make([]*RoleAssignment, 0, len(m.Roles))
	resID := fixtures.OrganizationResourceID(m.OrgID)
	for i, slug := range m.Roles {
		ra := &RoleAssignment{Membership: m, Role: slug, ResourceID: resID, CreatedAt: m.CreatedAt, UpdatedAt: m.CreatedAt, virtual: true}
		if meta, ok := tx.w.authz.orgRoleMeta[m.ID+"\x00"+slug]; ok {
			ra.ID, ra.Seq, ra.CreatedAt, ra.UpdatedAt = meta.id, meta.seq<<16, meta.createdAt, meta.createdAt
		} else {
			ra.ID = fixtures.PrefixRoleAssignment + deriveULID(m.ID+"\x00"+slug, m.CreatedAt)
			ra.Seq = m.Seq<<16 | uint64(min(i+1, 0xffff))
		}
		out = append(out, ra)
	}
	return out
}

// ScaledKey is the list key of a record among organization roles: lists
// that mix both order by Seq<<16 (OrgRoleAssignments' keys are already
// scaled).
func ScaledKey(ra *RoleAssignment) uint64 {
	if ra.virtual {
		return ra.Seq
	}
	return ra.Seq << 16
}

// Object renders the WorkOS role_assignment; res is its resource.
func (ra *RoleAssignment) Object(res *Resource) wire.Object {
	source := wire.Object{{"type", "direct"}, {"group_role_assignment_id", nil}}
	if ra.Source != nil {
		source = wire.Object{{"type", "group"}, {"group_role_assignment_id", ra.Source.ID}}
	}
	return wire.Object{{"object", "role_assignment"}, {"id", ra.ID}, {"organization_membership_id", ra.Membership.ID},
		{"role", wire.Object{{"slug", ra.Role}}}, {"resource", res.Ref()}, {"source", source},
		{"created_at", wire.Time(ra.CreatedAt)}, {"updated_at", wire.Time(ra.UpdatedAt)}}
}

// DirectAssignment is the membership's direct assignment of the role on
// the resource (an organization role included), or nil.
func (tx *Tx) DirectAssignment(m *Membership, role string, res *Resource) *RoleAssignment {
	if res.IsOrganization() {
		for _, ra := range tx.OrgRoleAssignments(m) {
			if ra.Role == role {
				return ra
			}
		}
		return nil
	}
	for _, ra := range tx.w.authz.byMembership[m.ID] {
		if ra.Source == nil && ra.Role == role && ra.ResourceID == res.ID {
			return ra
		}
	}
	return nil
}

// Assign gives the membership the role on the resource directly: on the
// organization, the role joins the membership's Roles (and the tokens);
// elsewhere it is a new record. id is the assignment's id.
func (tx *Tx) Assign(m *Membership, role string, res *Resource, id string) *RoleAssignment {
	a := &tx.w.authz
	if res.IsOrganization() {
		a.orgRoleMeta[m.ID+"\x00"+role] = orgRoleMeta{seq: tx.w.nextSeq(id), id: id, createdAt: tx.now}
		m.Roles = append(slices.Clone(m.Roles), role)
		m.UpdatedAt = tx.now
		return tx.DirectAssignment(m, role, res)
	}
	ra := &RoleAssignment{ID: id, Membership: m, Role: role, ResourceID: res.ID, CreatedAt: tx.now, UpdatedAt: tx.now}
	tx.addAssignment(ra)
	return ra
}

func (tx *Tx) addAssignment(ra *RoleAssignment) {
	a := &tx.w.authz
	ra.Seq = tx.w.nextSeq(ra.ID)
	a.assignments[ra.ID] = ra
	a.byMembership[ra.Membership.ID] = append(a.byMembership[ra.Membership.ID], ra)
	a.byResource[ra.ResourceID] = append(a.byResource[ra.ResourceID], ra)
	a.roleUse[tx.roleKey(ra.Membership.OrgID, ra.Role)]++
	if ra.Source != nil {
		a.bySource[ra.Source.ID+"\x00"+ra.Membership.ID] = ra
	}
}

// Unassign removes a direct assignment: an organization role leaves the
// membership's Roles.
func (tx *Tx) Unassign(ra *RoleAssignment) {
	if ra.virtual {
		m := ra.Membership
		delete(tx.w.authz.orgRoleMeta, m.ID+"\x00"+ra.Role)
		m.Roles = Without(m.Roles, ra.Role)
		m.UpdatedAt = tx.now
		return
	}
	tx.DeleteRoleAssignment(ra)
}

// DeleteRoleAssignment removes a role assignment record.
func (tx *Tx) DeleteRoleAssignment(ra *RoleAssignment) {
	a := &tx.w.authz
	if a.assignments[ra.ID] != ra {
		return
	}
	delete(a.assignments, ra.ID)
	dropFrom(a.byMembership, ra.Membership.ID, ra)
	dropFrom(a.byResource, ra.ResourceID, ra)
	if k := tx.roleKey(ra.Membership.OrgID, ra.Role); a.roleUse[k] > 1 {
		a.roleUse[k]--
	} else {
		delete(a.roleUse, k)
	}
	if ra.Source != nil {
		delete(a.bySource, ra.Source.ID+"\x00"+ra.Membership.ID)
	}
	tx.w.forgetSeq(ra.ID, tx.now)
}

// OrgRolesOf is a membership's roles in its organization, in priority
// order: its own Roles, then the roles its groups give it there. The
// tokens and the organization_membership object carry these.
func (tx *Tx) OrgRolesOf(m *Membership) []string {
	roles := m.Roles
	resID := ""
	for _, ra := range tx.w.authz.byMembership[m.ID] {
		if ra.Source == nil {
			continue
		}
		if resID == "" {
			resID = fixtures.OrganizationResourceID(m.OrgID)
		}
		if ra.ResourceID == resID && !slices.Contains(roles, ra.Role) {
			if len(roles) == len(m.Roles) {
				roles = slices.Clone(roles)
			}
			roles = append(roles, ra.Role)
		}
	}
	return roles
}

// OrgRolesWatch remembers the organization roles of some memberships so
// that Emit can report the ones a change touched.
type OrgRolesWatch struct {
	before map[*Membership][]string
	order  []*Membership
}

// WatchOrgRoles starts watching the memberships' organization roles.
func (tx *Tx) WatchOrgRoles(ms ...*Membership) *OrgRolesWatch {
	w := &OrgRolesWatch{before: make(map[*Membership][]string, len(ms))}
	w.Add(tx, ms...)
	return w
}

// Add watches more memberships.
func (w *OrgRolesWatch) Add(tx *Tx, ms ...*Membership) {
	for _, m := range ms {
		if _, ok := w.before[m]; !ok {
			w.before[m] = tx.OrgRolesOf(m)
			w.order = append(w.order, m)
		}
	}
}

// Emit emits organization_membership.updated for each watched membership
// (still in the world) whose organization roles changed, as WorkOS does
// when a membership's role changes.
func (w *OrgRolesWatch) Emit(tx *Tx) {
	for _, m := range w.order {
		if tx.w.memberships[m.ID] != m || slices.Equal(w.before[m], tx.OrgRolesOf(m)) {
			continue
		}
		m.UpdatedAt = tx.now
		tx.Emit("organization_membership.updated", m.OrgID, tx.MembershipObject(m))
	}
}

// forgetMembershipAuthz drops a membership's role assignments and group
// memberships (the membership is being deleted).
func (tx *Tx) forgetMembershipAuthz(m *Membership) {
	a := &tx.w.authz
	for _, ra := range append([]*RoleAssignment(nil), a.byMembership[m.ID]...) {
		tx.DeleteRoleAssignment(ra)
	}
	for _, g := range append([]*Group(nil), a.memberGroups[m.ID]...) {
		g.Members = without1(g.Members, m)
	}
	delete(a.memberGroups, m.ID)
	for _, slug := range m.Roles {
		delete(a.orgRoleMeta, m.ID+"\x00"+slug)
	}
}
