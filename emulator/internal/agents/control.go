package agents

import (
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/keys"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
)

// control serves the area's control-plane routes: what the AuthKit
// domain's agent endpoints (outside the API spec) would do.
type control struct{ env web.Env }

// ControlRoutes lists the area's control-plane routes.
func ControlRoutes(env web.Env) []web.Route {
	c := &control{env: env}
	const g, ctl = web.GroupControl, web.Control
	return []web.Route{
		web.R(http.MethodPost, "/_emulator/agents/registrations/:id/tokens", g, ctl, "issue an agent access token ({\"audience\":..,\"ttl\":\"1h\"}): agent.registration.credential.issued", c.mintToken),
		web.R(http.MethodPost, "/_emulator/agents/claims/complete", g, ctl, "complete a linked claim with its user code ({\"user_code\":..}), as the agent would", c.completeClaim),
	}
}

// mintToken serves POST /_emulator/agents/registrations/{id}/tokens: a JWT
// signed with the environment's key (iss, aud, sub = the registration,
// jti, org_id, iat, exp), valid at POST /agents/credentials/validate.
func (c *control) mintToken(e echo.Context) error {
	b, err := web.Decode(e, web.ControlJSON)
	if err != nil {
		return err
	}
	var body struct {
		Audience string `json:"audience"`
		TTL      string `json:"ttl"`
	}
	if err := b.Into(&body); err != nil {
		return err
	}
	st, id := c.env(e), web.PathParam(e, "id")
	ttl := st.Config().AccessTTL
	if body.TTL != "" {
		if ttl, err = time.ParseDuration(body.TTL); err != nil || ttl <= 0 {
			return web.Invalid(web.Field("ttl", "ttl_must_be_a_positive_duration"))
		}
	}
	var claims wire.Object
	var key *keys.Key
	var tok store.AgentAccessToken
	err = st.Read(func(tx *store.Tx) error {
		r := tx.AgentRegistration(id)
		if r == nil {
			return web.NotFound("Agent registration", id)
		}
		if !usable(r) {
			return web.APIError(http.StatusConflict, web.CodeConflict, "The agent registration is "+r.Status+": it gets no credentials.")
		}
		now := tx.Now()
		tok = store.AgentAccessToken{JTI: tx.ULID(now), RegID: r.ID, Aud: body.Audience, ExpiresAt: now.Add(ttl).Truncate(time.Second)}
		if tok.Aud == "" {
			tok.Aud = tx.Config().ClientID
		}
		claims = wire.Object{{"iss", tx.Config().Issuer}, {"aud", tok.Aud}, {"sub", r.ID}, {"jti", tok.JTI},
			{"org_id", r.OrgID}, {"iat", now.Unix()}, {"exp", tok.ExpiresAt.Unix()}}
		key = tx.Ring().Active()
		return nil
	})
	if err != nil {
		return err
	}
	payload, err := claims.MarshalJSON()
	if err != nil {
		return err
	}
	token, err := key.Sign(e.Request().Context(), payload)
	if err != nil {
		return err
	}
	err = st.Write(func(tx *store.Tx) error {
		tx.AddAgentAccessToken(token, &tok)
		now := tx.Now()
		tx.Emit("agent.registration.credential.issued", tx.AgentRegistration(tok.RegID).OrgID, wire.Object{
			{"object", "agent_registration_credential"}, {"id", "agent_reg_credential_" + tx.ULID(now)},
			{"agent_registration_id", tok.RegID},
			{"detail", wire.Object{{"kind", "access_token"}, {"jti", tok.JTI}, {"expires_at", wire.Time(tok.ExpiresAt)}}},
			{"created_at", wire.Time(now)}, {"updated_at", wire.Time(now)}})
		return nil
	})
	if err != nil {
		return err
	}
	return web.JSON(e, http.StatusCreated, wire.Object{{"access_token", token}, {"token_type", "bearer"},
		{"jti", tok.JTI}, {"expires_at", wire.Time(tok.ExpiresAt)}})
}

// completeClaim serves POST /_emulator/agents/claims/complete: the agent
// presents the user code of an attempt the application linked; the
// registration is verified, bound to the user and placed in the chosen
// organization (agent.registration.claim.completed, and
// agent.registration.organization.switched when it moved).
func (c *control) completeClaim(e echo.Context) error {
	b, err := web.Decode(e, web.ControlJSON)
	if err != nil {
		return err
	}
	var body struct {
		UserCode string `json:"user_code"`
	}
	if err := b.Into(&body); err != nil {
		return err
	}
	code := strings.ToUpper(strings.TrimSpace(body.UserCode))
	if code == "" {
		return web.Invalid(web.Field("user_code", "user_code_required"))
	}
	return web.Write(e, c.env(e), http.StatusOK, func(tx *store.Tx) (any, error) {
		at := tx.AgentClaimAttemptByUserCode(code)
		now := tx.Now()
		switch {
		case at == nil:
			return nil, web.APIError(http.StatusBadRequest, "invalid_user_code", "No claim attempt has this user code.")
		case at.Reg.Claim.Completion != nil:
			return nil, web.APIError(http.StatusConflict, "already_claimed", "The agent was already claimed.")
		case !now.Before(at.ExpiresAt) || !now.Before(at.Reg.Claim.ExpiresAt):
			return nil, web.APIError(http.StatusGone, "user_code_expired", "The user code has expired.")
		case at.LinkedUserID == "":
			return nil, web.APIError(http.StatusConflict, "claim_not_confirmed", "The user has not signed in to the claim yet (PATCH /agents/claims/attempts).")
		}
		r := at.Reg
		from := tx.CompleteAgentClaim(at)
		cl := r.Claim
		tx.Emit("agent.registration.claim.completed", r.OrgID, wire.Object{{"object", "agent_registration_claim"}, {"id", cl.ID},
			{"agent_registration_id", r.ID}, {"completed_by_attempt_id", at.ID},
			{"claimed_by", wire.Object{{"user_id", at.LinkedUserID}, {"organization_id", wire.Opt(at.LinkedOrgID)}}},
			{"completed_at", wire.Time(now)}, {"created_at", wire.Time(cl.CreatedAt)}, {"updated_at", wire.Time(cl.UpdatedAt)}})
		if from != "" {
			tx.Emit("agent.registration.organization.switched", r.OrgID, wire.Object{{"agent_registration_id", r.ID},
				{"from_organization_id", from}, {"to_organization_id", r.OrgID}})
		}
		return RegistrationObject(r), nil
	})
}
