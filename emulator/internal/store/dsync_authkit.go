package store

import (
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// Directory Provisioning: a directory whose organization uses AuthKit
// turns its users into AuthKit users and organization memberships, as
// WorkOS documents it:
//
//   - the AuthKit user is the one with the directory user's primary e-mail,
//     created (user.created) when there is none;
//   - an e-mail whose domain is a verified domain of the organization makes
//     an active membership at once; any other gets a pending membership and
//     an invitation e-mail (invitation.created), and becomes active when the
//     invitation is accepted;
//   - a user of a verified domain is fully managed by the directory: its
//     first and last name follow the directory's (user.updated);
//   - the membership's roles are those of the user's groups (IdP role
//     assignment) when the directory assigns roles, else the default role;
//     its custom_attributes are the directory user's; it is
//     directory_managed;
//   - a deactivated (inactive or suspended) or deleted directory user's
//     membership is deactivated, and reactivated with the user.
//
// Each membership change emits organization_membership.created or .updated.

// invitationValidity is how long a provisioning invitation stays pending
// (WorkOS's default for invitations).
const invitationValidity = 7 * 24 * time.Hour

// verifiesEmail reports whether email's domain is a verified domain of org.
func verifiesEmail(org *Organization, email string) bool {
	at := strings.LastIndexByte(email, '@')
	if at < 0 {
		return false
	}
	domain := email[at+1:]
	for _, d := range org.Domains {
		if d.State == "verified" && strings.EqualFold(d.Domain, domain) {
			return true
		}
	}
	return false
}

// assignsRoles reports whether any of d's groups maps to a role.
func (d *Directory) assignsRoles() bool {
	for _, g := range d.groups {
		if g.Role != "" {
			return true
		}
	}
	return false
}

// linkDirectoryUser brings the AuthKit side of u in line with it; gone is
// set when u was just deleted.
func (tx *Tx) linkDirectoryUser(d *Directory, u *DirectoryUser, gone bool) {
	if !d.Provisions || u.Email == "" {
		return
	}
	org := tx.Org(d.OrgID)
	if org == nil {
		return
	}
	verified := verifiesEmail(org, u.Email)
	active := !gone && u.State == fixtures.DirectoryUserActive
	au := tx.User(u.AuthKitUserID)
	if au == nil {
		au = tx.UserByEmail(u.Email)
	}
	switch {
	case au == nil && !active:
		return
	case au == nil:
		au = tx.NewUserWith(u.Email, func(au *User) { // emits user.created
			au.FirstName, au.LastName, au.EmailVerified = u.FirstName, u.LastName, verified
		})
	case verified && active && (au.FirstName != u.FirstName || au.LastName != u.LastName):
		au.FirstName, au.LastName, au.UpdatedAt = u.FirstName, u.LastName, tx.now
		tx.EmitUser("user.updated", au)
	}
	u.AuthKitUserID = au.ID

	roles := u.Roles()
	if len(roles) == 0 {
		roles = tx.DefaultRoles()
	}
	m := tx.MembershipOf(au.ID, org.ID)
	if m == nil {
		if !active {
			return
		}
		status := fixtures.MembershipActive
		if !verified {
			status = fixtures.MembershipPending
		}
		m = tx.NewMembershipWith(au.ID, org.ID, roles, status, func(m *Membership) { // emits organization_membership.created
			m.DirectoryManaged, m.CustomAttributes = true, u.CustomAttributes
		})
		if status == fixtures.MembershipPending {
			tx.inviteDirectoryUser(org, au, roles)
		}
		return
	}
	changed := false
	status := m.Status
	switch {
	case !active:
		status = fixtures.MembershipInactive
	case m.Status == fixtures.MembershipInactive:
		status = fixtures.MembershipActive
	}
	if status != m.Status {
		m.Status, changed = status, true
	}
	if !m.DirectoryManaged {
		m.DirectoryManaged, changed = true, true
	}
	// A deleted user keeps its last roles and attributes on the
	// deactivated membership.
	if !gone && d.assignsRoles() && !slices.Equal(roles, m.Roles) {
		m.Roles, changed = roles, true
	}
	if !gone && !reflect.DeepEqual(attributes(u.CustomAttributes), attributes(m.CustomAttributes)) {
		m.CustomAttributes, changed = u.CustomAttributes, true
	}
	if changed {
		m.UpdatedAt = tx.now
		tx.EmitMembership("organization_membership.updated", m)
	}
}

// releaseMembership lets go of u's membership when its directory is
// deleted: the membership stays, no longer directory-managed.
func (tx *Tx) releaseMembership(d *Directory, u *DirectoryUser) {
	if !d.Provisions || u.AuthKitUserID == "" {
		return
	}
	m := tx.MembershipOf(u.AuthKitUserID, d.OrgID)
	if m == nil || !m.DirectoryManaged {
		return
	}
	m.DirectoryManaged, m.UpdatedAt = false, tx.now
	tx.EmitMembership("organization_membership.updated", m)
}

// inviteDirectoryUser e-mails a pending member its invitation to the
// organization, unless one is pending already.
func (tx *Tx) inviteDirectoryUser(org *Organization, au *User, roles []string) {
	for _, inv := range tx.w.invitationOrder {
		if inv.OrgID == org.ID && inv.StateAt(tx.now) == InvitationPending && strings.EqualFold(inv.Email, au.Email) {
			return
		}
	}
	role := ""
	if len(roles) > 0 {
		role = roles[0]
	}
	inv := &Invitation{ID: tx.NewID("invitation_"), Email: au.Email, State: InvitationPending, OrgID: org.ID, RoleSlug: role,
		Token: tx.Token(25), ExpiresAt: tx.now.Add(invitationValidity), CreatedAt: tx.now, UpdatedAt: tx.now}
	tx.AddInvitation(inv)
	tx.Emit("invitation.created", org.ID, invitationEventObject(tx, inv))
}

// invitationEventObject is the data of invitation.* events: the
// invitation without its token and link, which events never carry.
func invitationEventObject(tx *Tx, inv *Invitation) wire.Object {
	out := wire.Object{}
	for _, kv := range tx.InvitationObject(inv) {
		if kv.Key != "token" && kv.Key != "accept_invitation_url" {
			out = append(out, kv)
		}
	}
	return out
}
