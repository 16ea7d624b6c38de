package emulator

import (
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// membershipObject renders the WorkOS organization_membership, with the
// full user the current spec embeds. Caller holds w.mu.
func (w *world) membershipObject(m *membership) object {
	roles := make([]object, len(m.Roles))
	for i, r := range m.Roles {
		roles[i] = object{{"slug", r}}
	}
	var role any = nil
	if len(roles) > 0 {
		role = roles[0]
	}
	o := object{{"object", "organization_membership"}, {"id", m.ID}, {"user_id", m.UserID}, {"organization_id", m.OrgID}}
	if org := w.orgs[m.OrgID]; org != nil {
		o = append(o, kv{"organization_name", org.Name})
	}
	o = append(o, kv{"status", m.Status}, kv{"directory_managed", false}, kv{"custom_attributes", object{}},
		kv{"role", role}, kv{"roles", roles})
	if u := w.users[m.UserID]; u != nil {
		o = append(o, kv{"user", u.object()})
	}
	return append(o, kv{"created_at", isoTime(m.CreatedAt)}, kv{"updated_at", isoTime(m.UpdatedAt)})
}

// listMemberships serves GET /user_management/organization_memberships:
// user_id and/or organization_id (one is required), statuses (default:
// active only), newest first.
func (s *Server) listMemberships(c echo.Context) error {
	q := c.QueryParams()
	pg, err := parsePage(q)
	if err != nil {
		return err
	}
	userID, orgID := q.Get("user_id"), q.Get("organization_id")
	if userID == "" && orgID == "" {
		return apiError(http.StatusBadRequest, "missing_user_id_or_organization_id", "Provide user_id, organization_id or both.")
	}
	statuses := queryList(q, "statuses")
	for _, st := range statuses {
		if st != fixtures.MembershipActive && st != fixtures.MembershipInactive && st != fixtures.MembershipPending {
			return invalidParams(FieldError{Field: "statuses", Code: "invalid_status"})
		}
	}
	if len(statuses) == 0 {
		statuses = []string{fixtures.MembershipActive}
	}
	w := s.world()
	w.mu.RLock()
	defer w.mu.RUnlock()
	source := w.userMemberships[userID]
	if userID == "" {
		source = w.orgMemberships[orgID]
	}
	var list []*membership
	for _, m := range source {
		if (orgID == "" || m.OrgID == orgID) && slices.Contains(statuses, m.Status) {
			list = append(list, m)
		}
	}
	return writePage(c, w, list, pg, func(m *membership) object { return w.membershipObject(m) })
}

// roleSlugs reads role_slug or role_slugs and checks the roles exist for
// the organization. Caller holds w.mu.
func (w *world) roleSlugs(b *jsonBody, orgID string) ([]string, bool, error) {
	one, many := b.str("role_slug"), b.strings("role_slugs")
	if err := b.err(); err != nil {
		return nil, false, err
	}
	if one != "" && len(many) > 0 {
		return nil, false, invalidParams(FieldError{Field: "role_slugs", Code: "role_slug_and_role_slugs_are_exclusive"})
	}
	slugs := many
	if one != "" {
		slugs = []string{one}
	}
	for _, slug := range slugs {
		if w.roleFor(orgID, slug) == nil {
			return nil, false, apiError(http.StatusUnprocessableEntity, "invalid_role", fmt.Sprintf("Role %q does not exist.", printable(slug))).
				With("errors", []FieldError{{Field: "role_slug", Code: "invalid_role"}})
		}
	}
	return slugs, len(slugs) > 0, nil
}

// defaultRole is the role a membership gets when none is named: the
// environment's default_role, else member, else none.
func (w *world) defaultRole() []string {
	if w.env.defaultRole != "" {
		return []string{w.env.defaultRole}
	}
	if w.roles["member"] != nil {
		return []string{"member"}
	}
	return nil
}

// createMembership serves POST /user_management/organization_memberships
// (201); an inactive membership of the pair is reactivated instead.
func (s *Server) createMembership(c echo.Context) error {
	b, err := readJSONBody(c)
	if err != nil {
		return err
	}
	userID, orgID := b.str("user_id"), b.str("organization_id")
	if userID == "" {
		b.bad("user_id", "user_id_required")
	}
	if orgID == "" {
		b.bad("organization_id", "organization_id_required")
	}
	if err := b.err(); err != nil {
		return err
	}
	w := s.world()
	now := s.clock.Now()
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.users[userID] == nil {
		return notFound("User", userID)
	}
	if w.orgs[orgID] == nil {
		return notFound("Organization", orgID)
	}
	slugs, given, err := w.roleSlugs(b, orgID)
	if err != nil {
		return err
	}
	if !given {
		slugs = w.defaultRole()
	}
	if m := w.byPair[pairKey(userID, orgID)]; m != nil {
		switch m.Status {
		case fixtures.MembershipPending:
			return apiError(http.StatusBadRequest, "cannot_reactivate_pending_organization_membership", "The membership is pending (an invitation).")
		case fixtures.MembershipActive:
			return apiError(http.StatusConflict, CodeConflict, fmt.Sprintf("User %s is already a member of %s (%s).", userID, orgID, m.ID))
		}
		m.Status, m.Roles, m.UpdatedAt = fixtures.MembershipActive, slugs, now
		return writeJSON(c, http.StatusCreated, w.membershipObject(m))
	}
	m := s.newMembership(w, userID, orgID, slugs, fixtures.MembershipActive, now)
	return writeJSON(c, http.StatusCreated, w.membershipObject(m))
}

// newMembership creates and indexes a membership. Caller holds w.mu.
func (s *Server) newMembership(w *world, userID, orgID string, roles []string, status string, now time.Time) *membership {
	id := fixtures.PrefixMembership + s.ids.ulid(now)
	m := &membership{seq: w.nextSeq(id), ID: id, UserID: userID, OrgID: orgID, Roles: roles, Status: status, CreatedAt: now, UpdatedAt: now}
	w.addMembership(m)
	return m
}

// getMembership serves GET /user_management/organization_memberships/{id}.
func (s *Server) getMembership(c echo.Context) error {
	return readOne(s, c, (*world).membershipFor, (*world).membershipObject)
}

// updateMembership serves PUT /user_management/organization_memberships/{id}:
// a role change shows in the next token minted or refreshed for the user.
func (s *Server) updateMembership(c echo.Context) error {
	b, err := readJSONBody(c)
	if err != nil {
		return err
	}
	w := s.world()
	now := s.clock.Now()
	w.mu.Lock()
	defer w.mu.Unlock()
	m, err := w.membershipFor(c)
	if err != nil {
		return err
	}
	slugs, given, err := w.roleSlugs(b, m.OrgID)
	if err != nil {
		return err
	}
	if given {
		m.Roles, m.UpdatedAt = slugs, now
	}
	return writeJSON(c, http.StatusOK, w.membershipObject(m))
}

// deleteMembership serves DELETE /user_management/organization_memberships/{id}.
func (s *Server) deleteMembership(c echo.Context) error {
	w := s.world()
	w.mu.Lock()
	defer w.mu.Unlock()
	m, err := w.membershipFor(c)
	if err != nil {
		return err
	}
	w.removeMembership(m)
	return c.NoContent(http.StatusOK)
}

// setMembershipStatus serves PUT …/{id}/deactivate and …/{id}/reactivate.
func (s *Server) setMembershipStatus(status string) echo.HandlerFunc {
	return func(c echo.Context) error {
		w := s.world()
		now := s.clock.Now()
		w.mu.Lock()
		defer w.mu.Unlock()
		m, err := w.membershipFor(c)
		if err != nil {
			return err
		}
		if m.Status == fixtures.MembershipPending {
			code := "cannot_deactivate_pending_organization_membership"
			if status == fixtures.MembershipActive {
				code = "cannot_reactivate_pending_organization_membership"
			}
			return apiError(http.StatusBadRequest, code, "The membership is pending (an invitation).")
		}
		m.Status, m.UpdatedAt = status, now
		return writeJSON(c, http.StatusOK, w.membershipObject(m))
	}
}
