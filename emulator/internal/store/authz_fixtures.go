package store

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// seedAuthorization adds a fixture's resource types, resources, groups and
// role assignments. Validation has checked the references against the
// fixtures; what the API changed since (a resource deleted, a group
// renamed) is checked here. At run time the additions emit the events the
// API would (group.created, group.member_added, and
// organization_membership.updated when a membership's organization roles
// change).
func (tx *Tx) seedAuthorization(set *fixtures.Set) error {
	a := &tx.w.authz
	for i := range set.ResourceTypes {
		t := &set.ResourceTypes[i]
		tx.AddResourceType(&ResourceType{Slug: t.Slug, Name: t.Name, Description: t.Description, Parent: t.Parent})
	}
	for i := range set.Resources {
		f := &set.Resources[i]
		if a.resources[f.ID] != nil {
			return fmt.Errorf("resource %s already exists", f.ID)
		}
		if tx.ResourceByExternalID(f.OrganizationID, f.ResourceTypeSlug, f.ExternalID) != nil {
			return fmt.Errorf("organization %s already has a %s resource with external id %q", f.OrganizationID, f.ResourceTypeSlug, f.ExternalID)
		}
		parent := tx.Resource(fixtures.OrganizationResourceID(f.OrganizationID))
		switch {
		case f.ParentResourceID != "":
			parent = tx.Resource(f.ParentResourceID)
		case f.ParentResourceTypeSlug != "":
			parent = tx.ResourceByExternalID(f.OrganizationID, f.ParentResourceTypeSlug, f.ParentResourceExternalID)
		}
		if parent == nil || parent.OrgID != f.OrganizationID {
			return fmt.Errorf("the parent of resource %s no longer exists", f.ID)
		}
		var desc *string
		if f.Description != nil {
			d := *f.Description
			desc = &d
		}
		created := at(f.CreatedAt, tx.now)
		tx.AddResource(&Resource{ID: f.ID, OrgID: f.OrganizationID, Type: f.ResourceTypeSlug, ExternalID: f.ExternalID,
			Name: f.Name, Description: desc, ParentID: parent.ID, CreatedAt: created, UpdatedAt: at(f.UpdatedAt, created)})
	}
	watch := tx.WatchOrgRoles()
	for i := range set.Groups {
		if err := tx.seedGroup(&set.Groups[i], watch); err != nil {
			return err
		}
	}
	for i := range set.RoleAssignments {
		if err := tx.seedRoleAssignment(&set.RoleAssignments[i], watch); err != nil {
			return err
		}
	}
	watch.Emit(tx)
	// A membership's own updated_at is what its fixture says, whatever the
	// groups above gave it (a snapshot's memberships were stamped after).
	for i := range set.Memberships {
		if m := tx.Membership(set.Memberships[i].ID); m != nil && set.Memberships[i].UpdatedAt != "" {
			m.UpdatedAt = at(set.Memberships[i].UpdatedAt, m.UpdatedAt)
		}
	}
	return nil
}

func (tx *Tx) seedGroup(f *fixtures.Group, watch *OrgRolesWatch) error {
	if tx.Group(f.ID) != nil {
		return fmt.Errorf("group %s already exists", f.ID)
	}
	if tx.Org(f.OrganizationID) == nil {
		return fmt.Errorf("organization %s no longer exists", f.OrganizationID)
	}
	var desc *string
	if f.Description != nil {
		d := *f.Description
		desc = &d
	}
	created := at(f.CreatedAt, tx.now)
	g := &Group{ID: f.ID, OrgID: f.OrganizationID, Name: f.Name, Description: desc, CreatedAt: created, UpdatedAt: at(f.UpdatedAt, created)}
	tx.AddGroup(g)
	tx.Emit("group.created", g.OrgID, g.Object())
	for _, id := range f.OrganizationMemberships {
		m := tx.Membership(id)
		if m == nil || m.OrgID != g.OrgID {
			return fmt.Errorf("membership %s no longer exists", id)
		}
		watch.Add(tx, m)
		tx.AddMember(g, m)
		tx.Emit("group.member_added", g.OrgID, GroupMemberEvent(g, m))
	}
	return nil
}

func (tx *Tx) seedRoleAssignment(f *fixtures.RoleAssignment, watch *OrgRolesWatch) error {
	var orgID string
	var g *Group
	var m *Membership
	if f.GroupID != "" {
		if g = tx.Group(f.GroupID); g == nil {
			return fmt.Errorf("group %s no longer exists", f.GroupID)
		}
		orgID = g.OrgID
		watch.Add(tx, g.Members...)
	} else {
		if m = tx.Membership(f.OrganizationMembershipID); m == nil {
			return fmt.Errorf("membership %s no longer exists", f.OrganizationMembershipID)
		}
		orgID = m.OrgID
		watch.Add(tx, m)
	}
	res := tx.Resource(fixtures.OrganizationResourceID(orgID))
	switch {
	case f.ResourceID != "":
		res = tx.Resource(f.ResourceID)
	case f.ResourceTypeSlug != "":
		res = tx.ResourceByExternalID(orgID, f.ResourceTypeSlug, f.ResourceExternalID)
	}
	if res == nil || res.OrgID != orgID {
		return fmt.Errorf("the resource of role assignment %s no longer exists", f.ID)
	}
	if tx.RoleFor(orgID, f.RoleSlug) == nil {
		return fmt.Errorf("role %s no longer exists", f.RoleSlug)
	}
	created := at(f.CreatedAt, tx.now)
	if g != nil {
		if tx.GroupAssignment(g, f.RoleSlug, res.ID) != nil || tx.GroupRoleAssignment(f.ID) != nil {
			return fmt.Errorf("group %s already has role %s on %s", g.ID, f.RoleSlug, res.ID)
		}
		given := map[string]fixtures.MemberAssignment{}
		for _, ma := range f.MemberAssignments {
			if tx.RoleAssignmentByID(ma.ID) != nil {
				return fmt.Errorf("role assignment %s already exists", ma.ID)
			}
			given[ma.OrganizationMembershipID] = ma
		}
		tx.addGroupRoleAssignment(&GroupRoleAssignment{ID: f.ID, Group: g, Role: f.RoleSlug, ResourceID: res.ID, CreatedAt: created,
			UpdatedAt: at(f.UpdatedAt, created)}, given)
		return nil
	}
	if res.IsOrganization() && slices.Contains(m.Roles, f.RoleSlug) {
		// Already one of its organization roles (memberships[].roles):
		// the fixture only names the assignment.
		tx.w.authz.orgRoleMeta[m.ID+"\x00"+f.RoleSlug] = orgRoleMeta{seq: tx.w.nextSeq(f.ID), id: f.ID, createdAt: at(f.CreatedAt, m.CreatedAt)}
		return nil
	}
	if tx.DirectAssignment(m, f.RoleSlug, res) != nil || tx.RoleAssignmentByID(f.ID) != nil {
		return fmt.Errorf("membership %s already has role %s on %s", m.ID, f.RoleSlug, res.ID)
	}
	if ra := tx.Assign(m, f.RoleSlug, res, f.ID); ra != nil && !ra.virtual {
		ra.CreatedAt, ra.UpdatedAt = created, at(f.UpdatedAt, created)
	}
	return nil
}

// GroupMemberEvent is the data of group.member_added and
// group.member_removed.
func GroupMemberEvent(g *Group, m *Membership) wire.Object {
	return wire.Object{{"group_id", g.ID}, {"organization_membership_id", m.ID}}
}

// snapshotAuthorization writes the resource types, the resources (each
// after its parent), the groups with their members, and the role
// assignments in creation order: memberships' direct ones, those that
// name one of a membership's organization roles, and groups' with the
// assignments they gave each member.
func snapshotAuthorization(tx *Tx, set *fixtures.Set) {
	a := &tx.w.authz
	for _, slug := range slices.Sorted(maps.Keys(a.types)) {
		t := a.types[slug]
		set.ResourceTypes = append(set.ResourceTypes, fixtures.ResourceType{Slug: t.Slug, Name: t.Name, Description: t.Description, Parent: t.Parent})
	}
	done := map[string]bool{}
	var emit func(r *Resource)
	emit = func(r *Resource) {
		if done[r.ID] {
			return
		}
		done[r.ID] = true
		fr := fixtures.Resource{ID: r.ID, OrganizationID: r.OrgID, ResourceTypeSlug: r.Type, ExternalID: r.ExternalID, Name: r.Name,
			Description: r.Description, CreatedAt: stamp(r.CreatedAt), UpdatedAt: stamp(r.UpdatedAt)}
		if p := a.resources[r.ParentID]; p != nil {
			emit(p) // a resource moved under a later one follows it
			fr.ParentResourceID = p.ID
		}
		set.Resources = append(set.Resources, fr)
	}
	for _, r := range a.order {
		emit(r)
	}
	groups := slices.Collect(maps.Values(a.groups))
	SortBySeq(groups)
	for _, g := range groups {
		fg := fixtures.Group{ID: g.ID, OrganizationID: g.OrgID, Name: g.Name, Description: g.Description,
			CreatedAt: stamp(g.CreatedAt), UpdatedAt: stamp(g.UpdatedAt)}
		for _, m := range g.Members {
			fg.OrganizationMemberships = append(fg.OrganizationMemberships, m.ID)
		}
		set.Groups = append(set.Groups, fg)
	}
	type keyed struct {
		seq uint64
		fa  fixtures.RoleAssignment
	}
	var out []keyed
	for _, ra := range a.assignments {
		if ra.Source == nil {
			out = append(out, keyed{ra.Seq, fixtures.RoleAssignment{ID: ra.ID, OrganizationMembershipID: ra.Membership.ID, RoleSlug: ra.Role,
				ResourceID: ra.ResourceID, CreatedAt: stamp(ra.CreatedAt), UpdatedAt: stamp(ra.UpdatedAt)}})
		}
	}
	for key, meta := range a.orgRoleMeta {
		mID, slug, _ := strings.Cut(key, "\x00")
		if m := tx.w.memberships[mID]; m != nil && slices.Contains(m.Roles, slug) {
			out = append(out, keyed{meta.seq, fixtures.RoleAssignment{ID: meta.id, OrganizationMembershipID: m.ID, RoleSlug: slug,
				ResourceID: fixtures.OrganizationResourceID(m.OrgID), CreatedAt: stamp(meta.createdAt)}})
		}
	}
	for _, gra := range a.groupAssignments {
		fa := fixtures.RoleAssignment{ID: gra.ID, GroupID: gra.Group.ID, RoleSlug: gra.Role, ResourceID: gra.ResourceID,
			CreatedAt: stamp(gra.CreatedAt), UpdatedAt: stamp(gra.UpdatedAt)}
		for _, m := range gra.Group.Members {
			if ra := a.bySource[gra.ID+"\x00"+m.ID]; ra != nil {
				fa.MemberAssignments = append(fa.MemberAssignments, fixtures.MemberAssignment{OrganizationMembershipID: m.ID, ID: ra.ID,
					CreatedAt: stamp(ra.CreatedAt), UpdatedAt: stamp(ra.UpdatedAt)})
			}
		}
		out = append(out, keyed{gra.Seq, fa})
	}
	slices.SortFunc(out, func(x, y keyed) int { return cmp.Compare(x.seq, y.seq) })
	for _, k := range out {
		set.RoleAssignments = append(set.RoleAssignments, k.fa)
	}
}
