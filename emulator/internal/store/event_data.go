package store

import (
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
)

// The data of the events the core areas emit, in the shapes of the spec's
// EventSchema variants. An event's data is never the API object when the
// object carries a secret (a code, a token, a link): events travel to
// webhook endpoints and sit in the log, so they carry what WorkOS's do.

// EmitUser emits user.created, user.updated or user.deleted.
func (tx *Tx) EmitUser(typ string, u *User) { tx.Emit(typ, "", u.Object()) }

// EmitOrg emits organization.created, organization.updated or
// organization.deleted.
func (tx *Tx) EmitOrg(typ string, o *Organization) { tx.Emit(typ, o.ID, o.Object()) }

// MembershipEventData is the organization_membership of an event: the API
// object (its organization roles, group-given ones included) without the
// embedded user and organization name.
func (tx *Tx) MembershipEventData(m *Membership) wire.Object {
	slugs := tx.OrgRolesOf(m)
	roles := make([]wire.Object, len(slugs))
	for i, r := range slugs {
		roles[i] = wire.Object{{"slug", r}}
	}
	var role any = wire.Object{{"slug", ""}}
	if len(roles) > 0 {
		role = roles[0]
	}
	return wire.Object{{"object", "organization_membership"}, {"id", m.ID}, {"user_id", m.UserID}, {"organization_id", m.OrgID},
		{"status", m.Status}, {"role", role}, {"roles", roles}, {"custom_attributes", customAttributes(m.CustomAttributes)},
		{"directory_managed", m.DirectoryManaged}, {"created_at", wire.Time(m.CreatedAt)}, {"updated_at", wire.Time(m.UpdatedAt)}}
}

// EmitMembership emits organization_membership.created, .updated or
// .deleted.
func (tx *Tx) EmitMembership(typ string, m *Membership) {
	tx.Emit(typ, m.OrgID, tx.MembershipEventData(m))
}

// EmitSession emits session.created or session.revoked for a User
// Management session (Connect grants have no session events).
func (tx *Tx) EmitSession(typ string, ss *Session) {
	if ss.Family != FamilyUM {
		return
	}
	tx.Emit(typ, ss.OrgID, tx.SessionObject(ss))
}

// InvitationEventData is the invitation of an event: without its token
// and link.
func (tx *Tx) InvitationEventData(inv *Invitation) wire.Object {
	return wire.Object{{"object", "invitation"}, {"id", inv.ID}, {"email", inv.Email}, {"state", inv.StateAt(tx.now)},
		{"accepted_at", wire.TimePtr(inv.AcceptedAt)}, {"revoked_at", wire.TimePtr(inv.RevokedAt)}, {"expires_at", wire.Time(inv.ExpiresAt)},
		{"organization_id", wire.Opt(inv.OrgID)}, {"inviter_user_id", wire.Opt(inv.InviterUserID)},
		{"accepted_user_id", wire.Opt(inv.AcceptedUserID)}, {"role_slug", wire.Opt(inv.RoleSlug)},
		{"created_at", wire.Time(inv.CreatedAt)}, {"updated_at", wire.Time(inv.UpdatedAt)}}
}

// EmitInvitation emits invitation.created, .resent, .revoked or .accepted.
func (tx *Tx) EmitInvitation(typ string, inv *Invitation) {
	tx.Emit(typ, inv.OrgID, tx.InvitationEventData(inv))
}

// EmitCodeCreated emits magic_auth.created, email_verification.created or
// password_reset.created for an outbox entry: its ids and times, never its
// code or link.
func (tx *Tx) EmitCodeCreated(e *OutboxEntry) {
	switch e.Kind {
	case KindMagicAuth, KindEmailVerification:
		tx.Emit(e.Kind+".created", "", wire.Object{{"object", e.Kind}, {"id", e.ID}, {"user_id", e.UserID}, {"email", e.Email},
			{"expires_at", wire.Time(e.ExpiresAt)}, {"created_at", wire.Time(e.CreatedAt)}, {"updated_at", wire.Time(e.CreatedAt)}})
	case KindPasswordReset:
		tx.Emit("password_reset.created", "", PasswordResetEventData(e))
	}
}

// PasswordResetEventData is the password_reset of an event: without its
// token and URL.
func PasswordResetEventData(e *OutboxEntry) wire.Object {
	return wire.Object{{"object", "password_reset"}, {"id", e.ID}, {"user_id", e.UserID}, {"email", e.Email},
		{"expires_at", wire.Time(e.ExpiresAt)}, {"created_at", wire.Time(e.CreatedAt)}}
}

// Authentication is one sign-in step, succeeded or failed, for the
// authentication.* events.
type Authentication struct {
	// Type is the step: password, magic_auth, email_verification, mfa,
	// oauth, sso, passkey.
	Type          string
	UserID, Email string
	IP, UserAgent string
	// ErrCode and ErrMessage describe a failure ("" when it succeeded).
	ErrCode, ErrMessage string
}

// EmitAuthentication emits authentication.<type>_succeeded, or _failed
// when the step has an error.
func (tx *Tx) EmitAuthentication(a Authentication) {
	status := "succeeded"
	if a.ErrCode != "" {
		status = "failed"
	}
	data := wire.Object{{"type", a.Type}, {"status", status}, {"ip_address", wire.Opt(a.IP)}, {"user_agent", wire.Opt(a.UserAgent)},
		{"user_id", wire.Opt(a.UserID)}, {"email", wire.Opt(a.Email)}}
	if status == "failed" {
		data = append(data, wire.KV{Key: "error", Value: wire.Object{{"code", a.ErrCode}, {"message", a.ErrMessage}}})
	}
	tx.Emit("authentication."+a.Type+"_"+status, "", data)
}

// customAttributes renders a membership's custom attributes ({} for none).
func customAttributes(m map[string]any) any {
	if len(m) == 0 {
		return wire.Object{}
	}
	return m
}
