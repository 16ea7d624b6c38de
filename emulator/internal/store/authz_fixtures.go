package store

import (
	"fmt"
	"slices"

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
		tx.AddResource(&Resource{ID: f.ID, OrgID: f.OrganizationID, Type: f.ResourceTypeSlug, ExternalID: f.ExternalID,
			Name: f.Name, Description: desc, ParentID: parent.ID, CreatedAt: tx.now, UpdatedAt: tx.now})
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
	g := &Group{ID: f.ID, OrgID: f.OrganizationID, Name: f.Name, Description: desc, CreatedAt: tx.now, UpdatedAt: tx.now}
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
	if g != nil {
		if tx.GroupAssignment(g, f.RoleSlug, res.ID) != nil || tx.GroupRoleAssignment(f.ID) != nil {
			return fmt.Errorf("group %s already has role %s on %s", g.ID, f.RoleSlug, res.ID)
		}
		tx.AddGroupRoleAssignment(&GroupRoleAssignment{ID: f.ID, Group: g, Role: f.RoleSlug, ResourceID: res.ID, CreatedAt: tx.now, UpdatedAt: tx.now})
		return nil
	}
	if res.IsOrganization() && slices.Contains(m.Roles, f.RoleSlug) {
		// Already one of its organization roles (memberships[].roles):
		// the fixture only names the assignment.
		tx.w.authz.orgRoleMeta[m.ID+"\x00"+f.RoleSlug] = orgRoleMeta{seq: tx.w.nextSeq(f.ID), id: f.ID, createdAt: m.CreatedAt}
		return nil
	}
	if tx.DirectAssignment(m, f.RoleSlug, res) != nil || tx.RoleAssignmentByID(f.ID) != nil {
		return fmt.Errorf("membership %s already has role %s on %s", m.ID, f.RoleSlug, res.ID)
	}
	tx.Assign(m, f.RoleSlug, res, f.ID)
	return nil
}

// GroupMemberEvent is the data of group.member_added and
// group.member_removed.
func GroupMemberEvent(g *Group, m *Membership) wire.Object {
	return wire.Object{{"group_id", g.ID}, {"organization_membership_id", m.ID}}
}
