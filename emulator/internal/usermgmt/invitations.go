package usermgmt

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// invitationFor finds the invitation the route's :id names, or a 404.
func invitationFor(c echo.Context, tx *store.Tx) (*store.Invitation, error) {
	id := web.PathParam(c, "id")
	if inv := tx.Invitation(id); inv != nil {
		return inv, nil
	}
	return nil, web.NotFound("Invitation", id)
}

// listInvitations serves GET /user_management/invitations (filters
// organization_id, email), newest first.
func (a *api) listInvitations(c echo.Context) error {
	q := c.QueryParams()
	pg, err := web.ParsePage(q)
	if err != nil {
		return err
	}
	orgID, email := q.Get("organization_id"), q.Get("email")
	return web.Read(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		var list []*store.Invitation
		for _, inv := range tx.Invitations() {
			if (orgID == "" || inv.OrgID == orgID) && (email == "" || strings.EqualFold(inv.Email, email)) {
				list = append(list, inv)
			}
		}
		return web.PageOf(tx, list, pg, tx.InvitationObject)
	})
}

// createInvitation serves POST /user_management/invitations (201): the
// invitation e-mail lands in the outbox.
func (a *api) createInvitation(c echo.Context) error {
	b, err := web.Decode(c, web.APIBody)
	if err != nil {
		return err
	}
	email := strings.TrimSpace(b.Str("email"))
	if email == "" {
		b.Bad("email", "email_required")
	} else if fixtures.CheckEmail(email) != nil {
		b.Bad("email", "email_invalid")
	}
	orgID, roleSlug, inviter := b.Str("organization_id"), b.Str("role_slug"), b.Str("inviter_user_id")
	days := b.Int("expires_in_days", 7)
	if err := b.Err(); err != nil {
		return err
	}
	if days < 1 {
		return web.APIError(http.StatusBadRequest, "expires_in_days_too_short", "expires_in_days must be at least 1.")
	}
	if days > 30 {
		return web.APIError(http.StatusBadRequest, "expires_in_days_too_long", "expires_in_days must be at most 30.")
	}
	return web.Write(c, a.env(c), http.StatusCreated, func(tx *store.Tx) (any, error) {
		if orgID != "" && tx.Org(orgID) == nil {
			return nil, web.NotFound("Organization", orgID)
		}
		if inviter != "" && tx.User(inviter) == nil {
			return nil, web.NotFound("User", inviter)
		}
		if roleSlug != "" && (orgID == "" || tx.RoleFor(orgID, roleSlug) == nil) {
			return nil, web.APIError(http.StatusBadRequest, "invalid_role", fmt.Sprintf("Role %q does not exist for this organization.", web.Printable(roleSlug)))
		}
		if u := tx.UserByEmail(email); u != nil {
			if orgID == "" {
				return nil, web.APIError(http.StatusBadRequest, "user_already_exists", "A user with this e-mail already exists.")
			}
			if tx.ActiveMember(u.ID, orgID) {
				return nil, web.APIError(http.StatusBadRequest, "user_already_organization_member", "The user is already a member of the organization.")
			}
		}
		now := tx.Now()
		for _, other := range tx.Invitations() {
			if other.StateAt(now) == store.InvitationPending && strings.EqualFold(other.Email, email) && other.OrgID == orgID {
				if orgID != "" {
					return nil, web.APIError(http.StatusBadRequest, "email_already_invited_to_organization", "This e-mail already has a pending invitation to the organization.")
				}
				return nil, web.APIError(http.StatusBadRequest, "email_already_invited", "This e-mail already has a pending invitation.")
			}
		}
		inv := &store.Invitation{ID: tx.NewID("invitation_"), Email: email, State: store.InvitationPending, OrgID: orgID, RoleSlug: roleSlug,
			InviterUserID: inviter, Token: tx.Token(25), ExpiresAt: now.Add(time.Duration(days) * 24 * time.Hour), CreatedAt: now, UpdatedAt: now}
		tx.AddInvitation(inv)
		tx.EmitInvitation("invitation.created", inv)
		return tx.InvitationObject(inv), nil
	})
}

// getInvitation serves GET /user_management/invitations/{id}.
func (a *api) getInvitation(c echo.Context) error {
	return web.Read(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		inv, err := invitationFor(c, tx)
		if err != nil {
			return nil, err
		}
		return tx.InvitationObject(inv), nil
	})
}

// getInvitationByToken serves GET /user_management/invitations/by_token/{token}.
func (a *api) getInvitationByToken(c echo.Context) error {
	token := web.PathParam(c, "token")
	return web.Read(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		inv := tx.InvitationByToken(token)
		if inv == nil {
			return nil, web.NotFound("Invitation", token)
		}
		return tx.InvitationObject(inv), nil
	})
}

// acceptInvitation serves POST /user_management/invitations/{id}/accept:
// the invitee's user is created when it does not exist yet (the invitation
// proves the e-mail, so it is verified).
func (a *api) acceptInvitation(c echo.Context) error {
	return web.Write(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		inv, err := invitationFor(c, tx)
		if err != nil {
			return nil, err
		}
		st := inv.StateAt(tx.Now())
		if st != store.InvitationPending {
			return nil, web.APIError(http.StatusBadRequest, "invite_not_pending", fmt.Sprintf("The invitation is %s.", st))
		}
		u := tx.UserByEmail(inv.Email)
		if u == nil {
			u = tx.NewUser(inv.Email)
			u.EmailVerified = true
		}
		tx.AcceptInvitation(inv, u)
		return tx.InvitationObject(inv), nil
	})
}

// revokeInvitation serves POST /user_management/invitations/{id}/revoke.
func (a *api) revokeInvitation(c echo.Context) error {
	return web.Write(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		inv, err := invitationFor(c, tx)
		if err != nil {
			return nil, err
		}
		if inv.StateAt(tx.Now()) != store.InvitationPending {
			return nil, web.APIError(http.StatusBadRequest, "invite_not_pending", "Only a pending invitation can be revoked.")
		}
		revoked := tx.Now()
		inv.State, inv.RevokedAt, inv.UpdatedAt = store.InvitationRevoked, &revoked, revoked
		tx.EmitInvitation("invitation.revoked", inv)
		return tx.InvitationObject(inv), nil
	})
}

// resendInvitation serves POST /user_management/invitations/{id}/resend:
// the same link goes to the outbox again.
func (a *api) resendInvitation(c echo.Context) error {
	return web.Write(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		inv, err := invitationFor(c, tx)
		if err != nil {
			return nil, err
		}
		switch inv.StateAt(tx.Now()) {
		case store.InvitationExpired:
			return nil, web.APIError(http.StatusBadRequest, "invite_expired", "The invitation has expired.")
		case store.InvitationRevoked:
			return nil, web.APIError(http.StatusBadRequest, "invite_revoked", "The invitation was revoked.")
		case store.InvitationAccepted:
			return nil, web.APIError(http.StatusBadRequest, "invite_accepted", "The invitation was already accepted.")
		}
		inv.UpdatedAt = tx.Now()
		tx.SendInvitation(inv, tx.NewID("invitation_email_"))
		tx.EmitInvitation("invitation.resent", inv)
		return tx.InvitationObject(inv), nil
	})
}
