package store

import (
	"fmt"
	"net/url"
	"time"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// Invitation states.
const (
	InvitationPending  = "pending"
	InvitationAccepted = "accepted"
	InvitationRevoked  = "revoked"
	InvitationExpired  = "expired"
)

// Invitation is a WorkOS invitation: an e-mail (in the outbox) inviting
// someone to sign up, optionally into an organization with a role.
type Invitation struct {
	Seq            uint64
	ID             string
	Email          string
	State          string // pending, accepted or revoked; expiry is computed
	OrgID          string
	RoleSlug       string
	InviterUserID  string
	AcceptedUserID string
	Token          string
	AcceptedAt     *time.Time
	RevokedAt      *time.Time
	ExpiresAt      time.Time
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// ListKey orders invitations by creation.
func (inv *Invitation) ListKey() (uint64, string) { return inv.Seq, inv.ID }

// StateAt is the invitation's state at now: a pending one past its expiry
// is expired.
func (inv *Invitation) StateAt(now time.Time) string {
	if inv.State == InvitationPending && !now.Before(inv.ExpiresAt) {
		return InvitationExpired
	}
	return inv.State
}

// InvitationObject renders the WorkOS invitation, with its state now.
func (tx *Tx) InvitationObject(inv *Invitation) wire.Object {
	return wire.Object{{"object", "invitation"}, {"id", inv.ID}, {"email", inv.Email}, {"state", inv.StateAt(tx.now)},
		{"accepted_at", wire.TimePtr(inv.AcceptedAt)}, {"revoked_at", wire.TimePtr(inv.RevokedAt)}, {"expires_at", wire.Time(inv.ExpiresAt)},
		{"organization_id", wire.Opt(inv.OrgID)}, {"inviter_user_id", wire.Opt(inv.InviterUserID)},
		{"accepted_user_id", wire.Opt(inv.AcceptedUserID)}, {"role_slug", wire.Opt(inv.RoleSlug)},
		{"created_at", wire.Time(inv.CreatedAt)}, {"updated_at", wire.Time(inv.UpdatedAt)},
		{"token", inv.Token}, {"accept_invitation_url", tx.AcceptURL(inv)}}
}

// AcceptURL is the link an invitation e-mail carries.
func (tx *Tx) AcceptURL(inv *Invitation) string {
	return tx.st.cfg.PublicURL + "/invite?invitation_token=" + url.QueryEscape(inv.Token)
}

// Invitation is the invitation with that id, or nil.
func (tx *Tx) Invitation(id string) *Invitation { return tx.w.invitations[id] }

// InvitationByToken is the invitation with that token, or nil.
func (tx *Tx) InvitationByToken(token string) *Invitation { return tx.w.invitationsByToken[token] }

// Invitations lists every invitation in creation order. The slice is the
// index: do not change it.
func (tx *Tx) Invitations() []*Invitation { return tx.w.invitationOrder }

// AddInvitation indexes a new invitation and e-mails its link.
func (tx *Tx) AddInvitation(inv *Invitation) {
	w := tx.w
	inv.Seq = w.nextSeq(inv.ID)
	w.invitations[inv.ID] = inv
	w.invitationsByToken[inv.Token] = inv
	w.invitationOrder = append(w.invitationOrder, inv)
	tx.SendInvitation(inv, inv.ID)
}

// SendInvitation puts an invitation's link in the outbox under an e-mail id.
func (tx *Tx) SendInvitation(inv *Invitation, emailID string) {
	tx.Send(&OutboxEntry{ID: emailID, Kind: KindInvitation, Email: inv.Email, Token: inv.Token, Link: tx.AcceptURL(inv),
		CreatedAt: tx.now, ExpiresAt: inv.ExpiresAt})
}

// AcceptInvitation accepts a pending invitation for a user: the user joins
// the organization with the invited role (or the default). It reports
// false, changing nothing, when the invitation is not pending.
func (tx *Tx) AcceptInvitation(inv *Invitation, u *User) bool {
	if inv.StateAt(tx.now) != InvitationPending {
		return false
	}
	if inv.OrgID != "" {
		roles := tx.DefaultRoles()
		if inv.RoleSlug != "" {
			roles = []string{inv.RoleSlug}
		}
		if m := tx.MembershipOf(u.ID, inv.OrgID); m != nil {
			if m.Status != fixtures.MembershipActive {
				m.Status, m.UpdatedAt = fixtures.MembershipActive, tx.now
				tx.EmitMembership("organization_membership.updated", m)
			}
		} else {
			tx.NewMembership(u.ID, inv.OrgID, roles, fixtures.MembershipActive)
		}
	}
	accepted := tx.now
	inv.State, inv.AcceptedAt, inv.AcceptedUserID, inv.UpdatedAt = InvitationAccepted, &accepted, u.ID, tx.now
	tx.EmitInvitation("invitation.accepted", inv)
	return true
}

// seedInvitations adds a fixture's invitations; a pending one's e-mail
// goes to the outbox, as if just sent.
func (tx *Tx) seedInvitations(list []fixtures.Invitation) error {
	for i := range list {
		f := &list[i]
		if tx.w.invitations[f.ID] != nil || tx.w.invitationsByToken[f.Token] != nil {
			return fmt.Errorf("invitation %s (or its token) already exists", f.ID)
		}
		if f.OrganizationID != "" && tx.w.orgs[f.OrganizationID] == nil {
			return fmt.Errorf("invitation %s: organization %s does not exist", f.ID, f.OrganizationID)
		}
		created := at(f.CreatedAt, tx.now)
		inv := &Invitation{ID: f.ID, Email: f.Email, State: f.State, OrgID: f.OrganizationID, RoleSlug: f.RoleSlug,
			InviterUserID: f.InviterUserID, AcceptedUserID: f.AcceptedUserID, Token: f.Token, AcceptedAt: timePtr(f.AcceptedAt),
			RevokedAt: timePtr(f.RevokedAt), ExpiresAt: at(f.ExpiresAt, created.Add(invitationValidity)), CreatedAt: created,
			UpdatedAt: at(f.UpdatedAt, created)}
		w := tx.w
		inv.Seq = w.nextSeq(inv.ID)
		w.invitations[inv.ID] = inv
		w.invitationsByToken[inv.Token] = inv
		w.invitationOrder = append(w.invitationOrder, inv)
		if inv.StateAt(tx.now) == InvitationPending {
			tx.SendInvitation(inv, inv.ID)
		}
		tx.EmitInvitation("invitation.created", inv) // at run time only: a reset's events are not logged
	}
	return nil
}

// snapshotInvitations writes the invitations in creation order (those of
// an organization deleted since are left out: they could not load).
func snapshotInvitations(tx *Tx, set *fixtures.Set) {
	for _, inv := range tx.w.invitationOrder {
		if inv.OrgID != "" && !tx.orgExists(inv.OrgID) {
			continue
		}
		set.Invitations = append(set.Invitations, fixtures.Invitation{ID: inv.ID, Email: inv.Email, State: inv.State, OrganizationID: inv.OrgID,
			RoleSlug: inv.RoleSlug, InviterUserID: inv.InviterUserID, AcceptedUserID: inv.AcceptedUserID, Token: inv.Token,
			AcceptedAt: stampPtr(inv.AcceptedAt), RevokedAt: stampPtr(inv.RevokedAt), ExpiresAt: stamp(inv.ExpiresAt),
			CreatedAt: stamp(inv.CreatedAt), UpdatedAt: stamp(inv.UpdatedAt)})
	}
}
