package inspector

import (
	"net/http"
	"time"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// agentsPanel is the agent registrations: status, the user an agent's
// identity is bound to, its claim ceremony and its API keys (by their last
// characters only). A claim whose attempt the application linked to a user
// can be completed from the page, as the agent would with its user code
// (POST /_emulator/agents/claims/complete).
func agentsPanel() Panel {
	return Panel{
		ID: "agents", Title: "Agent registrations", Columns: []string{"id", "organization", "kind", "user", "claim", "api keys", "created", "status"},
		Filters: []Filter{{Name: "status", Label: "status", Options: fixtures.AgentStatuses}},
		Rows: func(v View, q Query) []Row {
			var out []Row
			now := v.Tx.Now()
			newestFirst(v.Tx.AgentRegistrations(), func(r *store.AgentRegistration) {
				org, user := orgName(v.Tx, r.OrgID), ""
				if r.UserID != "" {
					user = userEmail(v.Tx, r.UserID)
				}
				if (q.Filter("status") != "" && r.Status != q.Filter("status")) ||
					!q.Match(r.ID, r.IdentityID, r.OrgID, org, r.UserID, user, r.Kind) && !claimMatch(v.Tx, r, q) {
					return
				}
				claim, action := claimState(r, now)
				row := Row{ID: r.ID, Status: r.Status, Cells: []string{r.ID, org, r.Kind, user, claim, itoa(len(r.APIKeys)), wire.Time(r.CreatedAt), r.Status}}
				if action != nil {
					row.Actions = []Action{*action}
				}
				out = append(out, row)
			})
			return out
		},
		Detail: func(v View, id string) any {
			r := v.Tx.AgentRegistration(id)
			if r == nil {
				return nil
			}
			now := v.Tx.Now()
			keys := make([]wire.Object, len(r.APIKeys))
			for i, k := range r.APIKeys {
				keys[i] = wire.Object{{"value", hint(k.Value)}, {"expires_at", wire.TimePtr(k.ExpiresAt)},
					{"expired", k.ExpiresAt != nil && !now.Before(*k.ExpiresAt)}}
			}
			var claim any
			if c := r.Claim; c != nil {
				attempts := make([]wire.Object, len(c.Attempts))
				for i, a := range c.Attempts {
					attempts[i] = wire.Object{{"id", a.ID}, {"claim_attempt_token", hint(a.Token)}, {"login_hint", wire.Opt(a.LoginHint)},
						{"user_code", a.UserCode}, {"linked_user_id", wire.Opt(a.LinkedUserID)}, {"linked_organization_id", wire.Opt(a.LinkedOrgID)},
						{"expires_at", wire.Time(a.ExpiresAt)}, {"completed", c.Completion == a}}
				}
				claim = wire.Object{{"id", c.ID}, {"expires_at", wire.Time(c.ExpiresAt)}, {"claimed_at", claimedAt(c)}, {"attempts", attempts}}
			}
			var user any
			if r.UserID != "" {
				user = wire.Object{{"id", r.UserID}, {"email", userEmail(v.Tx, r.UserID)}}
			}
			return wire.Object{{"id", r.ID}, {"agent_identity_id", r.IdentityID}, {"organization_id", r.OrgID},
				{"organization", orgName(v.Tx, r.OrgID)}, {"status", r.Status}, {"kind", r.Kind}, {"user", user},
				{"claim", claim}, {"api_keys", keys}, {"created_at", wire.Time(r.CreatedAt)}, {"updated_at", wire.Time(r.UpdatedAt)}}
		},
	}
}

// claimState describes a registration's claim ceremony and, when an
// attempt is linked to a user and nothing expired, the action completing
// it with that attempt's user code.
func claimState(r *store.AgentRegistration, now time.Time) (string, *Action) {
	c := r.Claim
	switch {
	case c == nil:
		return "", nil
	case c.Completion != nil:
		return "claimed", nil
	case !now.Before(c.ExpiresAt):
		return "expired", nil
	}
	for _, a := range c.Attempts {
		if a.LinkedUserID != "" && now.Before(a.ExpiresAt) {
			return "linked: awaiting the agent", &Action{Label: "Complete claim", Method: http.MethodPost, Path: "/_emulator/agents/claims/complete",
				Body: map[string]string{"user_code": a.UserCode}}
		}
	}
	return "pending (" + itoa(len(c.Attempts)) + " attempts)", nil
}

// claimMatch reports whether the search finds a registration's claim or
// one of its attempts (by id or the e-mail it hints at).
func claimMatch(tx *store.Tx, r *store.AgentRegistration, q Query) bool {
	if r.Claim == nil || q.Text == "" {
		return false
	}
	if q.Match(r.Claim.ID) {
		return true
	}
	for _, a := range r.Claim.Attempts {
		if q.Match(a.ID, a.LoginHint, a.UserCode, a.LinkedUserID, userEmail(tx, a.LinkedUserID)) {
			return true
		}
	}
	return false
}

// claimedAt is when a claim completed (nil while it has not).
func claimedAt(c *store.AgentClaim) *string {
	if c.Completion == nil {
		return nil
	}
	return wire.OptTime(c.ClaimedAt)
}
