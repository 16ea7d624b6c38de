package store

import (
	"slices"

	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// Access evaluation, as WorkOS documents it: a membership has a permission
// on a resource when a role it holds on that resource or on any resource
// above it (its organization included, where its organization roles sit)
// includes the permission, and the permission applies to the resource's
// type. Roles come from direct assignments and from the membership's
// groups. Only active memberships have access.
//
// A check walks up from the resource (the depth of the tree) and reads the
// membership's own assignments: O(depth + assignments of the membership),
// whatever the size of the world.

// chainIDs lists the ids of r and the resources above it.
func (tx *Tx) chainIDs(r *Resource) []string {
	ids := make([]string, 0, 8)
	tx.Ancestors(r, func(x *Resource) bool { ids = append(ids, x.ID); return true })
	return ids
}

// grants reports whether the role the membership's organization means by
// slug includes the permission.
func (tx *Tx) grants(orgID, slug, perm string) bool {
	r := tx.RoleFor(orgID, slug)
	return r != nil && slices.Contains(r.Permissions, perm)
}

// PermissionType is a permission's resource type (organization when it
// has none recorded).
func (p *Permission) PermissionType() string {
	if p.ResourceType == "" {
		return fixtures.ResourceTypeOrganization
	}
	return p.ResourceType
}

// RoleType is a role's resource type (organization when it has none
// recorded).
func (r *Role) RoleType() string {
	if r.ResourceType == "" {
		return fixtures.ResourceTypeOrganization
	}
	return r.ResourceType
}

// applies reports whether the membership can hold permissions on r at all.
func applies(m *Membership, r *Resource) bool {
	return m.Status == fixtures.MembershipActive && r.OrgID == m.OrgID
}

// Check reports whether the membership has the permission on the resource.
func (tx *Tx) Check(m *Membership, perm string, r *Resource) bool {
	p := tx.Permission(perm)
	if p == nil || p.PermissionType() != r.Type || !applies(m, r) {
		return false
	}
	for _, slug := range m.Roles { // its organization roles: on the root of every chain
		if tx.grants(m.OrgID, slug, perm) {
			return true
		}
	}
	chain := tx.chainIDs(r)
	for _, ra := range tx.w.authz.byMembership[m.ID] {
		if slices.Contains(chain, ra.ResourceID) && tx.grants(m.OrgID, ra.Role, perm) {
			return true
		}
	}
	return false
}

// rolesOnChain is every role the membership holds on r or above it.
func (tx *Tx) rolesOnChain(m *Membership, r *Resource) []string {
	roles := slices.Clone(m.Roles)
	chain := tx.chainIDs(r)
	for _, ra := range tx.w.authz.byMembership[m.ID] {
		if slices.Contains(chain, ra.ResourceID) && !slices.Contains(roles, ra.Role) {
			roles = append(roles, ra.Role)
		}
	}
	return roles
}

// EffectivePermissions lists the permissions the membership has on the
// resource, in creation order.
func (tx *Tx) EffectivePermissions(m *Membership, r *Resource) []*Permission {
	if !applies(m, r) {
		return nil
	}
	seen := map[string]bool{}
	var out []*Permission
	for _, slug := range tx.rolesOnChain(m, r) {
		role := tx.RoleFor(m.OrgID, slug)
		if role == nil {
			continue
		}
		for _, ps := range role.Permissions {
			if p := tx.Permission(ps); p != nil && !seen[ps] && p.PermissionType() == r.Type {
				seen[ps] = true
				out = append(out, p)
			}
		}
	}
	SortBySeq(out)
	return out
}

// AccessibleChildren lists the resources directly under parent on which
// the membership has the permission, in creation order: resource discovery
// ("which projects of this workspace can this user open?").
func (tx *Tx) AccessibleChildren(m *Membership, perm string, parent *Resource) []*Resource {
	p := tx.Permission(perm)
	if p == nil || !applies(m, parent) {
		return nil
	}
	inherited := false
	for _, slug := range tx.rolesOnChain(m, parent) {
		if tx.grants(m.OrgID, slug, perm) {
			inherited = true
			break
		}
	}
	// The membership's own grants on single resources, by resource.
	granted := map[string]bool{}
	if !inherited {
		for _, ra := range tx.w.authz.byMembership[m.ID] {
			if tx.grants(m.OrgID, ra.Role, perm) {
				granted[ra.ResourceID] = true
			}
		}
	}
	var out []*Resource
	for _, c := range tx.w.authz.children[parent.ID] {
		if c.Type == p.PermissionType() && (inherited || granted[c.ID]) {
			out = append(out, c)
		}
	}
	return out
}

// MembersWithAccess lists the active memberships that have the permission
// on the resource, in creation order: through a role on the resource
// itself (direct), or also on a resource above it or their organization
// (indirect).
func (tx *Tx) MembersWithAccess(r *Resource, perm string, direct bool) []*Membership {
	p := tx.Permission(perm)
	if p == nil || p.PermissionType() != r.Type {
		return nil
	}
	found := map[*Membership]bool{}
	var out []*Membership
	add := func(m *Membership) {
		if !found[m] && m.Status == fixtures.MembershipActive {
			found[m] = true
			out = append(out, m)
		}
	}
	tx.Ancestors(r, func(x *Resource) bool {
		for _, ra := range tx.w.authz.byResource[x.ID] {
			if tx.grants(x.OrgID, ra.Role, perm) {
				add(ra.Membership)
			}
		}
		if x.IsOrganization() {
			for _, m := range tx.w.orgMemberships[x.OrgID] {
				for _, slug := range m.Roles {
					if tx.grants(x.OrgID, slug, perm) {
						add(m)
						break
					}
				}
			}
		}
		return !direct
	})
	SortBySeq(out)
	return out
}
