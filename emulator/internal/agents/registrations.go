package agents

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
)

// RegistrationObject renders the spec's AgentRegistration.
func RegistrationObject(r *store.AgentRegistration) wire.Object {
	var claim any
	if c := r.Claim; c != nil {
		var completion any
		if a := c.Completion; a != nil {
			completion = wire.Object{{"id", a.ID}, {"created_at", wire.Time(a.CreatedAt)}, {"updated_at", wire.Time(a.UpdatedAt)},
				{"expires_at", wire.Time(a.ExpiresAt)}, {"claimed_at", wire.Time(c.ClaimedAt)}}
		}
		claim = wire.Object{{"id", c.ID}, {"claim_completion", completion}, {"created_at", wire.Time(c.CreatedAt)},
			{"updated_at", wire.Time(c.UpdatedAt)}, {"expires_at", wire.Time(c.ExpiresAt)}}
	}
	return wire.Object{{"id", r.ID},
		{"agent_identity", wire.Object{{"id", r.IdentityID}, {"userland_user_id", wire.Opt(r.UserID)},
			{"created_at", wire.Time(r.CreatedAt)}, {"updated_at", wire.Time(r.UpdatedAt)}}},
		{"organization_id", r.OrgID}, {"status", r.Status}, {"kind", r.Kind}, {"claim", claim},
		{"created_at", wire.Time(r.CreatedAt)}, {"updated_at", wire.Time(r.UpdatedAt)}}
}

// getRegistration serves GET /agents/registrations/{id}.
func (a *api) getRegistration(c echo.Context) error {
	id := web.PathParam(c, "id")
	return web.Read(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		r := tx.AgentRegistration(id)
		if r == nil {
			return nil, web.NotFound("Agent registration", id)
		}
		return RegistrationObject(r), nil
	})
}

// usable reports whether a registration's credentials may work: anonymous
// registrations hold limited credentials before any claim, so only revoked
// and expired ones are refused.
func usable(r *store.AgentRegistration) bool {
	return r != nil && r.Status != "revoked" && r.Status != "expired"
}

// validateCredential serves POST /agents/credentials/validate: an agent
// API key, or an access token the emulator issued to an agent, checked by
// the instance clock. It changes nothing.
func (a *api) validateCredential(c echo.Context) error {
	b, err := web.Decode(c, web.APIBody)
	if err != nil {
		return err
	}
	typ, cred, aud := b.Str("type"), b.Str("credential"), b.Str("audience")
	if err := b.Err(); err != nil {
		return err
	}
	switch {
	case typ != "api_key" && typ != "access_token":
		return web.APIError(http.StatusBadRequest, web.CodeInvalidRequest, "type must be api_key or access_token.")
	case cred == "":
		return web.APIError(http.StatusBadRequest, web.CodeInvalidRequest, "credential is required.")
	case typ == "api_key" && b.Has("audience"):
		return web.APIError(http.StatusBadRequest, web.CodeInvalidRequest, "audience applies to access tokens only.")
	}
	return web.Read(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		invalid := wire.Object{{"valid", false}, {"registration_id", nil}, {"expires_at", nil}}
		now := tx.Now()
		if typ == "api_key" {
			key, r := tx.AgentAPIKey(cred)
			if key == nil || !usable(r) || (key.ExpiresAt != nil && !now.Before(*key.ExpiresAt)) {
				return invalid, nil
			}
			return wire.Object{{"valid", true}, {"registration_id", r.ID}, {"expires_at", wire.TimePtr(key.ExpiresAt)}}, nil
		}
		t := tx.AgentAccessToken(cred)
		if t == nil || !now.Before(t.ExpiresAt) || !usable(tx.AgentRegistration(t.RegID)) || (aud != "" && aud != t.Aud) {
			return invalid, nil
		}
		return wire.Object{{"valid", true}, {"registration_id", t.RegID}, {"expires_at", wire.Time(t.ExpiresAt)}}, nil
	})
}
