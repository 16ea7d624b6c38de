package usermgmt

import (
	"fmt"
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// membershipFor finds the membership the route's :id names, or a 404.
func membershipFor(c echo.Context, tx *store.Tx) (*store.Membership, error) {
	id := web.PathParam(c, "id")
	if m := tx.Membership(id); m != nil {
		return m, nil
	}
	return nil, web.NotFound("Organization membership", id)
}

// listMemberships serves GET /user_management/organization_memberships:
// user_id and/or organization_id (one is required), statuses (default:
// active only), newest first.
func (a *api) listMemberships(c echo.Context) error {
	q := c.QueryParams()
	pg, err := web.ParsePage(q)
	if err != nil {
		return err
	}
	userID, orgID := q.Get("user_id"), q.Get("organization_id")
	if userID == "" && orgID == "" {
		return web.APIError(http.StatusBadRequest, "missing_user_id_or_organization_id", "Provide user_id, organization_id or both.")
	}
	statuses := web.QueryList(q, "statuses")
	for _, st := range statuses {
		if st != fixtures.MembershipActive && st != fixtures.MembershipInactive && st != fixtures.MembershipPending {
			return web.Invalid(web.Field("statuses", "invalid_status"))
		}
	}
	if len(statuses) == 0 {
		statuses = []string{fixtures.MembershipActive}
	}
	return web.Read(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		source := tx.MembershipsOfUser(userID)
		if userID == "" {
			source = tx.MembershipsOfOrg(orgID)
		}
		var list []*store.Membership
		for _, m := range source {
			if (orgID == "" || m.OrgID == orgID) && slices.Contains(statuses, m.Status) {
				list = append(list, m)
			}
		}
		return web.PageOf(tx, list, pg, tx.MembershipObject)
	})
}

// roleSlugs reads role_slug or role_slugs and checks the roles exist for
// the organization.
func roleSlugs(tx *store.Tx, b *web.Body, orgID string) ([]string, bool, error) {
	one, many := b.Str("role_slug"), b.Strings("role_slugs")
	if err := b.Err(); err != nil {
		return nil, false, err
	}
	if one != "" && len(many) > 0 {
		return nil, false, web.Invalid(web.Field("role_slugs", "role_slug_and_role_slugs_are_exclusive"))
	}
	slugs := many
	if one != "" {
		slugs = []string{one}
	}
	for _, slug := range slugs {
		if tx.RoleFor(orgID, slug) == nil {
			return nil, false, web.APIError(http.StatusUnprocessableEntity, "invalid_role", fmt.Sprintf("Role %q does not exist.", web.Printable(slug))).
				With("errors", []web.FieldError{web.Field("role_slug", "invalid_role")})
		}
	}
	return slugs, len(slugs) > 0, nil
}

// createMembership serves POST /user_management/organization_memberships
// (201); an inactive membership of the pair is reactivated instead.
func (a *api) createMembership(c echo.Context) error {
	b, err := web.Decode(c, web.APIBody)
	if err != nil {
		return err
	}
	userID, orgID := b.Str("user_id"), b.Str("organization_id")
	if userID == "" {
		b.Bad("user_id", "user_id_required")
	}
	if orgID == "" {
		b.Bad("organization_id", "organization_id_required")
	}
	if err := b.Err(); err != nil {
		return err
	}
	return web.Write(c, a.env(c), http.StatusCreated, func(tx *store.Tx) (any, error) {
		if tx.User(userID) == nil {
			return nil, web.NotFound("User", userID)
		}
		if tx.Org(orgID) == nil {
			return nil, web.NotFound("Organization", orgID)
		}
		slugs, given, err := roleSlugs(tx, &b, orgID)
		if err != nil {
			return nil, err
		}
		if !given {
			slugs = tx.DefaultRoles()
		}
		if m := tx.MembershipOf(userID, orgID); m != nil {
			switch m.Status {
			case fixtures.MembershipPending:
				return nil, web.APIError(http.StatusBadRequest, "cannot_reactivate_pending_organization_membership", "The membership is pending (an invitation).")
			case fixtures.MembershipActive:
				return nil, web.APIError(http.StatusConflict, web.CodeConflict, fmt.Sprintf("User %s is already a member of %s (%s).", userID, orgID, m.ID))
			}
			m.Status, m.Roles, m.UpdatedAt = fixtures.MembershipActive, slugs, tx.Now()
			tx.EmitMembership("organization_membership.updated", m)
			return tx.MembershipObject(m), nil
		}
		return tx.MembershipObject(tx.NewMembership(userID, orgID, slugs, fixtures.MembershipActive)), nil
	})
}

// getMembership serves GET /user_management/organization_memberships/{id}.
func (a *api) getMembership(c echo.Context) error {
	return web.Read(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		m, err := membershipFor(c, tx)
		if err != nil {
			return nil, err
		}
		return tx.MembershipObject(m), nil
	})
}

// updateMembership serves PUT /user_management/organization_memberships/{id}:
// a role change shows in the next token minted or refreshed for the user.
func (a *api) updateMembership(c echo.Context) error {
	b, err := web.Decode(c, web.APIBody)
	if err != nil {
		return err
	}
	return web.Write(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		m, err := membershipFor(c, tx)
		if err != nil {
			return nil, err
		}
		slugs, given, err := roleSlugs(tx, &b, m.OrgID)
		if err != nil {
			return nil, err
		}
		if given {
			m.Roles, m.UpdatedAt = slugs, tx.Now()
			tx.EmitMembership("organization_membership.updated", m)
		}
		return tx.MembershipObject(m), nil
	})
}

// deleteMembership serves DELETE /user_management/organization_memberships/{id}.
func (a *api) deleteMembership(c echo.Context) error {
	return web.WriteNoContent(c, a.env(c), http.StatusOK, func(tx *store.Tx) error {
		m, err := membershipFor(c, tx)
		if err != nil {
			return err
		}
		tx.DeleteMembership(m)
		return nil
	})
}

// setMembershipStatus serves PUT …/{id}/deactivate and …/{id}/reactivate.
func (a *api) setMembershipStatus(status string) echo.HandlerFunc {
	return func(c echo.Context) error {
		return web.Write(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
			m, err := membershipFor(c, tx)
			if err != nil {
				return nil, err
			}
			if m.Status == fixtures.MembershipPending {
				code := "cannot_deactivate_pending_organization_membership"
				if status == fixtures.MembershipActive {
					code = "cannot_reactivate_pending_organization_membership"
				}
				return nil, web.APIError(http.StatusBadRequest, code, "The membership is pending (an invitation).")
			}
			if m.Status != status {
				m.Status, m.UpdatedAt = status, tx.Now()
				tx.EmitMembership("organization_membership.updated", m)
			}
			return tx.MembershipObject(m), nil
		})
	}
}
