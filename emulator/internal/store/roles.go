package store

import (
	"slices"
	"time"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// Role is an environment role, or an organization's own role (OrgID set).
// Role claims are derived from memberships at mint time, so a change shows
// in the next token minted or refreshed.
type Role struct {
	Seq         uint64
	OrgID       string // organization roles only
	ID          string
	Slug        string
	Name        string
	Description string
	// ResourceType is the type of resource the role is assigned on ("":
	// organization, the roles memberships hold).
	ResourceType string
	Permissions  []string
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Permission describes a permission slug.
type Permission struct {
	Seq         uint64
	ID          string
	Slug        string
	Name        string
	Description string
	// ResourceType is the type of resource the permission applies to ("":
	// organization).
	ResourceType string
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// ListKey orders roles by creation.
func (r *Role) ListKey() (uint64, string) { return r.Seq, r.ID }

// ListKey orders permissions by creation.
func (p *Permission) ListKey() (uint64, string) { return p.Seq, p.ID }

// Object renders the WorkOS role.
func (r *Role) Object() wire.Object {
	typ := "EnvironmentRole"
	if r.OrgID != "" {
		typ = "OrganizationRole"
	}
	return wire.Object{{"object", "role"}, {"id", r.ID}, {"slug", r.Slug}, {"name", r.Name}, {"description", wire.Opt(r.Description)},
		{"type", typ}, {"resource_type_slug", r.RoleType()}, {"permissions", wire.NonNil(r.Permissions)},
		{"created_at", wire.Time(r.CreatedAt)}, {"updated_at", wire.Time(r.UpdatedAt)}}
}

// EventObject renders the role as its events carry it: role.* for an
// environment role, organization_role.* for an organization's.
func (r *Role) EventObject() wire.Object {
	if r.OrgID == "" {
		return wire.Object{{"object", "role"}, {"slug", r.Slug}, {"resource_type_slug", r.RoleType()},
			{"permissions", wire.NonNil(r.Permissions)}, {"created_at", wire.Time(r.CreatedAt)}, {"updated_at", wire.Time(r.UpdatedAt)}}
	}
	return wire.Object{{"object", "organization_role"}, {"organization_id", r.OrgID}, {"slug", r.Slug}, {"name", r.Name},
		{"description", wire.Opt(r.Description)}, {"resource_type_slug", r.RoleType()}, {"permissions", wire.NonNil(r.Permissions)},
		{"created_at", wire.Time(r.CreatedAt)}, {"updated_at", wire.Time(r.UpdatedAt)}}
}

// EventPrefix is the family of the role's events: role or
// organization_role.
func (r *Role) EventPrefix() string {
	if r.OrgID == "" {
		return "role"
	}
	return "organization_role"
}

// Object renders the WorkOS permission.
func (p *Permission) Object() wire.Object {
	return wire.Object{{"object", "permission"}, {"id", p.ID}, {"slug", p.Slug}, {"name", p.Name}, {"description", wire.Opt(p.Description)},
		{"system", false}, {"resource_type_slug", p.PermissionType()}, {"created_at", wire.Time(p.CreatedAt)}, {"updated_at", wire.Time(p.UpdatedAt)}}
}

// EnvRole is the environment role with that slug, or nil.
func (tx *Tx) EnvRole(slug string) *Role { return tx.w.roles[slug] }

// OrgRole is the organization's own role with that slug, or nil.
func (tx *Tx) OrgRole(orgID, slug string) *Role { return tx.w.orgRoles[orgID][slug] }

// RoleFor is the role a membership of the organization means by a slug:
// the organization's own role, else the environment's.
func (tx *Tx) RoleFor(orgID, slug string) *Role {
	if r := tx.w.orgRoles[orgID][slug]; r != nil {
		return r
	}
	return tx.w.roles[slug]
}

// RolesFor lists the environment's roles, then (with an organization id)
// the organization's own, each in creation order.
func (tx *Tx) RolesFor(orgID string) []*Role {
	var env, own []*Role
	for _, r := range tx.w.roles {
		env = append(env, r)
	}
	for _, r := range tx.w.orgRoles[orgID] {
		own = append(own, r)
	}
	SortBySeq(env)
	SortBySeq(own)
	return append(env, own...)
}

// AddRole indexes a new role: an environment role, or an organization's
// (r.OrgID set).
func (tx *Tx) AddRole(r *Role) {
	r.Seq = tx.w.nextSeq(r.ID)
	if r.OrgID == "" {
		tx.w.roles[r.Slug] = r
		return
	}
	roles := tx.w.orgRoles[r.OrgID]
	if roles == nil {
		roles = map[string]*Role{}
		tx.w.orgRoles[r.OrgID] = roles
	}
	roles[r.Slug] = r
}

// DeleteOrgRole removes an organization role; members holding it lose it.
func (tx *Tx) DeleteOrgRole(r *Role) {
	delete(tx.w.orgRoles[r.OrgID], r.Slug)
	tx.w.forgetSeq(r.ID, tx.now)
	for _, m := range tx.w.orgMemberships[r.OrgID] {
		m.Roles = Without(m.Roles, r.Slug)
	}
}

// Permission is the permission with that slug, or nil.
func (tx *Tx) Permission(slug string) *Permission { return tx.w.permissions[slug] }

// Permissions lists the permissions in creation order. The slice is the
// index: do not change it.
func (tx *Tx) Permissions() []*Permission { return tx.w.permOrder }

// AddPermission indexes a new permission.
func (tx *Tx) AddPermission(p *Permission) {
	p.Seq = tx.w.nextSeq(p.ID)
	tx.w.permissions[p.Slug] = p
	tx.w.permOrder = append(tx.w.permOrder, p)
}

// DeletePermission removes a permission; roles lose it.
func (tx *Tx) DeletePermission(p *Permission) {
	w := tx.w
	delete(w.permissions, p.Slug)
	w.permOrder = without1(w.permOrder, p)
	w.forgetSeq(p.ID, tx.now)
	for _, r := range w.roles {
		r.Permissions = wire.NonNil(Without(r.Permissions, p.Slug))
	}
	for _, roles := range w.orgRoles {
		for _, r := range roles {
			r.Permissions = wire.NonNil(Without(r.Permissions, p.Slug))
		}
	}
}

// RoleClaims derives role, roles and permissions for a user in an
// organization from the membership's roles, in the membership's priority
// order; none without an active membership.
func (tx *Tx) RoleClaims(userID, orgID string) (roleSlug string, roles, perms []string) {
	m := tx.MembershipOf(userID, orgID)
	if m == nil || m.Status != fixtures.MembershipActive {
		return "", nil, nil
	}
	roles = append([]string(nil), tx.OrgRolesOf(m)...)
	if len(roles) > 0 {
		roleSlug = roles[0]
	}
	seen := map[string]bool{}
	for _, slug := range roles {
		if r := tx.RoleFor(orgID, slug); r != nil {
			for _, p := range r.Permissions {
				if !seen[p] {
					seen[p] = true
					perms = append(perms, p)
				}
			}
		}
	}
	return roleSlug, roles, perms
}

// snapshotRoles writes the permissions, then the roles (the environment's
// and the organizations' own) in creation order, with their resource
// types and times.
func snapshotRoles(tx *Tx, set *fixtures.Set) {
	for _, p := range tx.w.permOrder {
		set.Permissions = append(set.Permissions, fixtures.Permission{ID: p.ID, Slug: p.Slug, Name: p.Name, Description: p.Description,
			ResourceTypeSlug: p.PermissionType(), CreatedAt: stamp(p.CreatedAt), UpdatedAt: stamp(p.UpdatedAt)})
	}
	for _, r := range tx.Roles() {
		set.Roles = append(set.Roles, fixtures.Role{ID: r.ID, OrganizationID: r.OrgID, Slug: r.Slug, Name: r.Name, Description: r.Description,
			ResourceTypeSlug: r.RoleType(), Permissions: slices.Clone(r.Permissions), CreatedAt: stamp(r.CreatedAt), UpdatedAt: stamp(r.UpdatedAt)})
	}
}
