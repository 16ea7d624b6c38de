package agents

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// claimError is one of the claim API's coded errors.
func claimError(status int, code, msg string) *web.Error { return web.APIError(status, code, msg) }

// linkRequest is the body of PATCH /agents/claims/attempts.
type linkRequest struct {
	typ, token, orgID string
	email, externalID string
}

func readLink(b *web.Body) (linkRequest, error) {
	r := linkRequest{typ: b.Str("type"), token: strings.TrimSpace(b.Str("claim_attempt_token")), orgID: b.Str("organization_id")}
	if err := b.Err(); err != nil {
		return r, err
	}
	var u struct {
		Email      string `json:"email"`
		ExternalID string `json:"external_id"`
	}
	raw := b.Raw("user")
	if len(raw) == 0 || json.Unmarshal(raw, &u) != nil {
		return r, claimError(http.StatusBadRequest, web.CodeInvalidRequest, "user (an object with email and external_id) is required.")
	}
	r.email, r.externalID = strings.TrimSpace(u.Email), strings.TrimSpace(u.ExternalID)
	switch {
	case r.typ != "link_external_user":
		return r, claimError(http.StatusBadRequest, web.CodeInvalidRequest, "type must be link_external_user.")
	case r.token == "":
		return r, claimError(http.StatusBadRequest, web.CodeInvalidRequest, "claim_attempt_token is required.")
	case r.email == "" || fixtures.CheckEmail(r.email) != nil:
		return r, claimError(http.StatusBadRequest, web.CodeInvalidRequest, "user.email must be an e-mail address.")
	case r.externalID == "" || fixtures.CheckExternalID(r.externalID) != "":
		return r, claimError(http.StatusBadRequest, web.CodeInvalidRequest, "user.external_id is required (at most 128 characters).")
	}
	return r, nil
}

// orgChoices renders organizations as the claim view lists them.
func orgChoices(orgs []*store.Organization) []wire.Object {
	out := make([]wire.Object, len(orgs))
	for i, o := range orgs {
		out[i] = wire.Object{{"id", o.ID}, {"name", o.Name}}
	}
	return out
}

// linkClaimAttempt serves PATCH /agents/claims/attempts: the application
// signed its user in after the claim page sent them with a
// claim_attempt_token; the user (found by external id, or created) is
// linked to the attempt, with the organization to place the agent in, and
// the answer carries the user code the user relays to the agent.
func (a *api) linkClaimAttempt(c echo.Context) error {
	b, err := web.Decode(c, web.APIBody)
	if err != nil {
		return err
	}
	req, err := readLink(&b)
	if err != nil {
		return err
	}
	return web.Write(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		at := tx.AgentClaimAttempt(req.token)
		if at == nil {
			return nil, claimError(http.StatusBadRequest, "invalid_claim", "The claim attempt token is unknown.")
		}
		reg, now := at.Reg, tx.Now()
		switch {
		case reg.Status == "revoked":
			return nil, claimError(http.StatusForbidden, "claim_denied", "The agent registration was revoked.")
		case reg.Claim.Completion != nil:
			return nil, claimError(http.StatusConflict, "already_claimed", "The agent was already claimed.")
		case !now.Before(reg.Claim.ExpiresAt) || reg.Status == "expired":
			return nil, claimError(http.StatusGone, "claim_expired", "The claim has expired.")
		case !now.Before(at.ExpiresAt):
			return nil, claimError(http.StatusGone, "user_code_expired", "The claim attempt has expired: start a new one.")
		case at.LoginHint != "" && store.EmailKey(at.LoginHint) != store.EmailKey(req.email):
			return nil, claimError(http.StatusBadRequest, "email_mismatch", "The user's e-mail is not the one the agent named.")
		}
		u := tx.UserByExternalID(req.externalID)
		if other := tx.UserByEmail(req.email); u == nil && other != nil {
			return nil, claimError(http.StatusConflict, "email_already_in_use", "Another user has this e-mail address.")
		}
		if u != nil && store.EmailKey(u.Email) != store.EmailKey(req.email) {
			return nil, claimError(http.StatusBadRequest, "wrong_account", "The user with this external_id has another e-mail address.")
		}
		if at.LinkedUserID != "" && u != nil && at.LinkedUserID != u.ID {
			return nil, claimError(http.StatusBadRequest, "wrong_account", "The claim attempt is linked to another user.")
		}
		var orgs []*store.Organization
		if u != nil {
			orgs = tx.ActiveOrgs(u.ID)
		}
		orgID := req.orgID
		switch {
		case orgID != "":
			found := false
			for _, o := range orgs {
				found = found || o.ID == orgID
			}
			if !found {
				return nil, claimError(http.StatusBadRequest, "invalid_organization", "The user is not an active member of organization "+web.Printable(orgID)+".")
			}
		case len(orgs) == 1:
			orgID = orgs[0].ID
		case len(orgs) > 1:
			return nil, claimError(http.StatusConflict, "organization_selection_required", "The user belongs to several organizations: retry with organization_id.").
				With("organizations", orgChoices(orgs))
		}
		// Everything is checked: link (creating the user when new).
		if u == nil {
			ext := req.externalID
			u = tx.NewUserWith(req.email, func(u *store.User) { // emits user.created
				u.ExternalID, u.EmailVerified = &ext, true
			})
		}
		at.LinkedUserID, at.LinkedOrgID, at.UpdatedAt = u.ID, orgID, now
		return wire.Object{{"id", reg.ID}, {"status", reg.Status}, {"user_code", at.UserCode},
			{"organizations", orgChoices(orgs)}}, nil
	})
}
