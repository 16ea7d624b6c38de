package emulator

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// Invitation states.
const (
	invitationPending  = "pending"
	invitationAccepted = "accepted"
	invitationRevoked  = "revoked"
	invitationExpired  = "expired"
)

// invitation is a WorkOS invitation: an e-mail (in the outbox) inviting
// someone to sign up, optionally into an organization with a role.
type invitation struct {
	seq            uint64
	id             string
	email          string
	state          string // pending, accepted or revoked; expiry is computed
	orgID          string
	roleSlug       string
	inviterUserID  string
	acceptedUserID string
	token          string
	acceptedAt     *time.Time
	revokedAt      *time.Time
	expiresAt      time.Time
	createdAt      time.Time
	updatedAt      time.Time
}

// stateAt is the invitation's state at now: a pending one past its expiry
// is expired.
func (inv *invitation) stateAt(now time.Time) string {
	if inv.state == invitationPending && !now.Before(inv.expiresAt) {
		return invitationExpired
	}
	return inv.state
}

func (w *world) invitationObject(inv *invitation, now time.Time) object {
	return object{{"object", "invitation"}, {"id", inv.id}, {"email", inv.email}, {"state", inv.stateAt(now)},
		{"accepted_at", timePtr(inv.acceptedAt)}, {"revoked_at", timePtr(inv.revokedAt)}, {"expires_at", isoTime(inv.expiresAt)},
		{"organization_id", optional(inv.orgID)}, {"inviter_user_id", optional(inv.inviterUserID)},
		{"accepted_user_id", optional(inv.acceptedUserID)}, {"role_slug", optional(inv.roleSlug)},
		{"created_at", isoTime(inv.createdAt)}, {"updated_at", isoTime(inv.updatedAt)},
		{"token", inv.token}, {"accept_invitation_url", w.acceptURL(inv)}}
}

func (w *world) acceptURL(inv *invitation) string {
	return w.env.publicURL + "/invite?invitation_token=" + url.QueryEscape(inv.token)
}

// sendInvitationEmail puts the invitation link in the outbox. Caller holds
// w.mu.
func (s *Server) sendInvitationEmail(w *world, inv *invitation, now time.Time) {
	w.send(&outboxEntry{id: inv.id, kind: KindInvitation, email: inv.email, token: inv.token, link: w.acceptURL(inv),
		createdAt: now, expiresAt: inv.expiresAt})
}

// listInvitations serves GET /user_management/invitations (filters
// organization_id, email), newest first.
func (s *Server) listInvitations(c echo.Context) error {
	q := c.QueryParams()
	pg, err := parsePage(q)
	if err != nil {
		return err
	}
	orgID, email := q.Get("organization_id"), q.Get("email")
	w := s.world()
	now := s.clock.Now()
	w.mu.RLock()
	defer w.mu.RUnlock()
	var list []*invitation
	for _, inv := range w.invitationOrder {
		if (orgID == "" || inv.orgID == orgID) && (email == "" || strings.EqualFold(inv.email, email)) {
			list = append(list, inv)
		}
	}
	return writePage(c, w, list, pg, func(inv *invitation) object { return w.invitationObject(inv, now) })
}

// createInvitation serves POST /user_management/invitations (201): the
// invitation e-mail lands in the outbox.
func (s *Server) createInvitation(c echo.Context) error {
	b, err := readJSONBody(c)
	if err != nil {
		return err
	}
	email := strings.TrimSpace(b.str("email"))
	if email == "" {
		b.bad("email", "email_required")
	} else if fixtures.CheckEmail(email) != nil {
		b.bad("email", "email_invalid")
	}
	orgID, roleSlug, inviter := b.str("organization_id"), b.str("role_slug"), b.str("inviter_user_id")
	days := b.integer("expires_in_days", 7)
	if err := b.err(); err != nil {
		return err
	}
	if days < 1 {
		return apiError(http.StatusBadRequest, "expires_in_days_too_short", "expires_in_days must be at least 1.")
	}
	if days > 30 {
		return apiError(http.StatusBadRequest, "expires_in_days_too_long", "expires_in_days must be at most 30.")
	}
	w := s.world()
	now := s.clock.Now()
	w.mu.Lock()
	defer w.mu.Unlock()
	if orgID != "" && w.orgs[orgID] == nil {
		return notFound("Organization", orgID)
	}
	if inviter != "" && w.users[inviter] == nil {
		return notFound("User", inviter)
	}
	if roleSlug != "" && (orgID == "" || w.roleFor(orgID, roleSlug) == nil) {
		return apiError(http.StatusBadRequest, "invalid_role", fmt.Sprintf("Role %q does not exist for this organization.", printable(roleSlug)))
	}
	if u := w.byEmail[emailKey(email)]; u != nil {
		if orgID == "" {
			return apiError(http.StatusBadRequest, "user_already_exists", "A user with this e-mail already exists.")
		}
		if m := w.byPair[pairKey(u.ID, orgID)]; m != nil && m.Status == fixtures.MembershipActive {
			return apiError(http.StatusBadRequest, "user_already_organization_member", "The user is already a member of the organization.")
		}
	}
	for _, other := range w.invitationOrder {
		if other.stateAt(now) == invitationPending && strings.EqualFold(other.email, email) && other.orgID == orgID {
			if orgID != "" {
				return apiError(http.StatusBadRequest, "email_already_invited_to_organization", "This e-mail already has a pending invitation to the organization.")
			}
			return apiError(http.StatusBadRequest, "email_already_invited", "This e-mail already has a pending invitation.")
		}
	}
	id := "invitation_" + s.ids.ulid(now)
	inv := &invitation{seq: w.nextSeq(id), id: id, email: email, state: invitationPending, orgID: orgID, roleSlug: roleSlug,
		inviterUserID: inviter, token: s.ids.token(25), expiresAt: now.Add(time.Duration(days) * 24 * time.Hour), createdAt: now, updatedAt: now}
	w.invitations[id] = inv
	w.invitationsByToken[inv.token] = inv
	w.invitationOrder = append(w.invitationOrder, inv)
	s.sendInvitationEmail(w, inv, now)
	return writeJSON(c, http.StatusCreated, w.invitationObject(inv, now))
}

// invitationNow renders an invitation with its state at the instance's now.
func (s *Server) invitationNow(w *world, inv *invitation) object {
	return w.invitationObject(inv, s.clock.Now())
}

// getInvitation serves GET /user_management/invitations/{id}.
func (s *Server) getInvitation(c echo.Context) error {
	return readOne(s, c, (*world).invitationFor, s.invitationNow)
}

// getInvitationByToken serves GET /user_management/invitations/by_token/{token}.
func (s *Server) getInvitationByToken(c echo.Context) error {
	byToken := func(w *world, c echo.Context) (*invitation, error) {
		return byParam(c, w.invitationsByToken, "token", "Invitation")
	}
	return readOne(s, c, byToken, s.invitationNow)
}

// acceptInvitationLocked accepts a pending invitation for a user: the user
// joins the organization with the invited role. Caller holds w.mu.
func (s *Server) acceptInvitationLocked(w *world, inv *invitation, u *user, now time.Time) error {
	if st := inv.stateAt(now); st != invitationPending {
		return apiError(http.StatusBadRequest, "invite_not_pending", fmt.Sprintf("The invitation is %s.", st))
	}
	if inv.orgID != "" {
		roles := w.defaultRole()
		if inv.roleSlug != "" {
			roles = []string{inv.roleSlug}
		}
		if m := w.byPair[pairKey(u.ID, inv.orgID)]; m != nil {
			m.Status, m.UpdatedAt = fixtures.MembershipActive, now
		} else {
			s.newMembership(w, u.ID, inv.orgID, roles, fixtures.MembershipActive, now)
		}
	}
	accepted := now
	inv.state, inv.acceptedAt, inv.acceptedUserID, inv.updatedAt = invitationAccepted, &accepted, u.ID, now
	return nil
}

// acceptInvitation serves POST /user_management/invitations/{id}/accept:
// the invitee's user is created when it does not exist yet (the invitation
// proves the e-mail, so it is verified).
func (s *Server) acceptInvitation(c echo.Context) error {
	w := s.world()
	now := s.clock.Now()
	w.mu.Lock()
	defer w.mu.Unlock()
	inv, err := w.invitationFor(c)
	if err != nil {
		return err
	}
	u := w.byEmail[emailKey(inv.email)]
	if u == nil && inv.stateAt(now) == invitationPending {
		u = s.createUser(w, inv.email, now)
		u.EmailVerified = true
	}
	if err := s.acceptInvitationLocked(w, inv, u, now); err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, w.invitationObject(inv, now))
}

// revokeInvitation serves POST /user_management/invitations/{id}/revoke.
func (s *Server) revokeInvitation(c echo.Context) error {
	w := s.world()
	now := s.clock.Now()
	w.mu.Lock()
	defer w.mu.Unlock()
	inv, err := w.invitationFor(c)
	if err != nil {
		return err
	}
	if inv.stateAt(now) != invitationPending {
		return apiError(http.StatusBadRequest, "invite_not_pending", "Only a pending invitation can be revoked.")
	}
	revoked := now
	inv.state, inv.revokedAt, inv.updatedAt = invitationRevoked, &revoked, now
	return writeJSON(c, http.StatusOK, w.invitationObject(inv, now))
}

// resendInvitation serves POST /user_management/invitations/{id}/resend:
// the same link goes to the outbox again.
func (s *Server) resendInvitation(c echo.Context) error {
	w := s.world()
	now := s.clock.Now()
	w.mu.Lock()
	defer w.mu.Unlock()
	inv, err := w.invitationFor(c)
	if err != nil {
		return err
	}
	switch inv.stateAt(now) {
	case invitationExpired:
		return apiError(http.StatusBadRequest, "invite_expired", "The invitation has expired.")
	case invitationRevoked:
		return apiError(http.StatusBadRequest, "invite_revoked", "The invitation was revoked.")
	case invitationAccepted:
		return apiError(http.StatusBadRequest, "invite_accepted", "The invitation was already accepted.")
	}
	inv.updatedAt = now
	w.send(&outboxEntry{id: "invitation_email_" + s.ids.ulid(now), kind: KindInvitation, email: inv.email, token: inv.token, link: w.acceptURL(inv),
		createdAt: now, expiresAt: inv.expiresAt})
	return writeJSON(c, http.StatusOK, w.invitationObject(inv, now))
}

// applyInvitation accepts an invitation during a sign-in (invitation_token
// on authenticate): the invitee joins the organization, and the sign-in
// selects it.
func (s *Server) applyInvitation(w *world, a *attempt, token string) error {
	if token == "" {
		return nil
	}
	now := s.clock.Now()
	w.mu.Lock()
	defer w.mu.Unlock()
	inv := w.invitationsByToken[token]
	u := w.users[a.userID]
	switch {
	case inv == nil || inv.stateAt(now) != invitationPending:
		return oauthError(http.StatusBadRequest, "invitation_invalid", "The invitation token is invalid, expired, revoked or already accepted.")
	case u == nil || !strings.EqualFold(u.Email, inv.email):
		return oauthError(http.StatusBadRequest, "invitation_cannot_be_used_for_email", "The invitation was sent to another e-mail address.")
	}
	if err := s.acceptInvitationLocked(w, inv, u, now); err != nil {
		return err
	}
	if inv.orgID != "" {
		a.orgID = inv.orgID
	}
	a.emailVerified = true
	return nil
}
