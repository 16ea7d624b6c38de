package store

import (
	"slices"
	"time"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// Membership puts a user in an organization with roles (slugs, in priority
// order).
type Membership struct {
	Seq    uint64
	ID     string
	UserID string
	OrgID  string
	Roles  []string
	Status string // fixtures.MembershipActive | MembershipInactive | MembershipPending
	// DirectoryManaged is set on memberships a directory provisions.
	DirectoryManaged bool
	// CustomAttributes are the linked directory user's (replaced, never
	// changed in place).
	CustomAttributes map[string]any
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

// ListKey orders memberships by creation.
func (m *Membership) ListKey() (uint64, string) { return m.Seq, m.ID }

// Membership is the membership with that id, or nil.
func (tx *Tx) Membership(id string) *Membership { return tx.w.memberships[id] }

// MembershipOf is the user's membership in the organization, or nil.
func (tx *Tx) MembershipOf(userID, orgID string) *Membership {
	return tx.w.byPair[pairKey(userID, orgID)]
}

// ActiveMember reports whether the user is an active member of the
// organization.
func (tx *Tx) ActiveMember(userID, orgID string) bool {
	m := tx.MembershipOf(userID, orgID)
	return m != nil && m.Status == fixtures.MembershipActive
}

// MembershipsOfUser lists a user's memberships in creation order. The slice
// is the index: do not change it.
func (tx *Tx) MembershipsOfUser(userID string) []*Membership { return tx.w.userMemberships[userID] }

// MembershipsOfOrg lists an organization's memberships in creation order.
// The slice is the index: do not change it.
func (tx *Tx) MembershipsOfOrg(orgID string) []*Membership { return tx.w.orgMemberships[orgID] }

// ActiveOrgs lists the organizations where the user has an active
// membership, in membership order.
func (tx *Tx) ActiveOrgs(userID string) []*Organization {
	var out []*Organization
	for _, m := range tx.w.userMemberships[userID] {
		if m.Status == fixtures.MembershipActive {
			if o := tx.w.orgs[m.OrgID]; o != nil {
				out = append(out, o)
			}
		}
	}
	return out
}

// NewMembership creates and indexes a membership.
func (tx *Tx) NewMembership(userID, orgID string, roles []string, status string) *Membership {
	return tx.NewMembershipWith(userID, orgID, roles, status, nil)
}

// NewMembershipWith creates and indexes a membership, with the fields set
// (directory management) before its organization_membership.created event
// is emitted.
func (tx *Tx) NewMembershipWith(userID, orgID string, roles []string, status string, set func(*Membership)) *Membership {
	m := &Membership{ID: tx.NewID(fixtures.PrefixMembership), UserID: userID, OrgID: orgID, Roles: roles, Status: status,
		CreatedAt: tx.now, UpdatedAt: tx.now}
	if set != nil {
		set(m)
	}
	tx.addMembership(m)
	tx.EmitMembership("organization_membership.created", m)
	return m
}

func (tx *Tx) addMembership(m *Membership) {
	w := tx.w
	m.Seq = w.nextSeq(m.ID)
	w.memberships[m.ID] = m
	w.byPair[pairKey(m.UserID, m.OrgID)] = m
	w.userMemberships[m.UserID] = append(w.userMemberships[m.UserID], m)
	w.orgMemberships[m.OrgID] = append(w.orgMemberships[m.OrgID], m)
}

// DeleteMembership drops a membership from every index.
func (tx *Tx) DeleteMembership(m *Membership) {
	w := tx.w
	delete(w.memberships, m.ID)
	delete(w.byPair, pairKey(m.UserID, m.OrgID))
	w.userMemberships[m.UserID] = without1(w.userMemberships[m.UserID], m)
	w.orgMemberships[m.OrgID] = without1(w.orgMemberships[m.OrgID], m)
	w.forgetSeq(m.ID, tx.now)
	tx.forgetMembershipAuthz(m)
	tx.EmitMembership("organization_membership.deleted", m)
}

// DefaultRoles is what a membership gets when no role is named: the
// environment's default_role, else member, else none.
func (tx *Tx) DefaultRoles() []string {
	if r := tx.st.cfg.DefaultRole; r != "" {
		return []string{r}
	}
	if tx.w.roles["member"] != nil {
		return []string{"member"}
	}
	return nil
}

// MembershipObject renders the WorkOS organization_membership, with the
// full user the current spec embeds.
func (tx *Tx) MembershipObject(m *Membership) wire.Object {
	slugs := tx.OrgRolesOf(m)
	roles := make([]wire.Object, len(slugs))
	for i, r := range slugs {
		roles[i] = wire.Object{{"slug", r}}
	}
	var role any
	if len(roles) > 0 {
		role = roles[0]
	}
	o := wire.Object{{"object", "organization_membership"}, {"id", m.ID}, {"user_id", m.UserID}, {"organization_id", m.OrgID}}
	if org := tx.w.orgs[m.OrgID]; org != nil {
		o = append(o, wire.KV{"organization_name", org.Name})
	}
	o = append(o, wire.KV{"status", m.Status}, wire.KV{"directory_managed", m.DirectoryManaged}, wire.KV{"custom_attributes", attributes(m.CustomAttributes)},
		wire.KV{"role", role}, wire.KV{"roles", roles})
	if u := tx.w.users[m.UserID]; u != nil {
		o = append(o, wire.KV{"user", u.Object()})
	}
	return append(o, wire.KV{"created_at", wire.Time(m.CreatedAt)}, wire.KV{"updated_at", wire.Time(m.UpdatedAt)})
}

// snapshotMemberships writes the memberships in creation order, with their
// own roles (those groups give are the authorization area's) and what
// Directory Provisioning set on them.
func snapshotMemberships(tx *Tx, set *fixtures.Set) {
	ms := make([]*Membership, 0, len(tx.w.memberships))
	for _, m := range tx.w.memberships {
		ms = append(ms, m)
	}
	SortBySeq(ms)
	for _, m := range ms {
		fm := fixtures.Membership{ID: m.ID, UserID: m.UserID, OrganizationID: m.OrgID, Status: m.Status,
			DirectoryManaged: m.DirectoryManaged, CustomAttributes: plain(m.CustomAttributes),
			CreatedAt: stamp(m.CreatedAt), UpdatedAt: stamp(m.UpdatedAt)}
		if len(m.Roles) == 1 {
			fm.Role = m.Roles[0]
		} else {
			fm.Roles = slices.Clone(m.Roles)
		}
		set.Memberships = append(set.Memberships, fm)
	}
}
