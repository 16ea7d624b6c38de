package store

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// Agents: registrations of AI agents (seeded by the agent_registrations
// fixture section: agents register at AuthKit-domain endpoints the API
// spec does not cover), their claim ceremonies and their credentials.

// Agent claim defaults, when the fixture sets none.
const (
	AgentClaimTTL        = time.Hour
	AgentClaimAttemptTTL = 10 * time.Minute
)

// AgentRegistration is a registered agent.
type AgentRegistration struct {
	ID         string
	IdentityID string
	UserID     string // the AuthKit user the agent's identity is bound to
	OrgID      string
	Status     string
	Kind       string
	Claim      *AgentClaim
	APIKeys    []*AgentAPIKey
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// AgentClaim is a registration's claim ceremony.
type AgentClaim struct {
	ID         string
	Attempts   []*AgentClaimAttempt
	Completion *AgentClaimAttempt // the attempt that completed it
	ClaimedAt  time.Time
	ExpiresAt  time.Time
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// AgentClaimAttempt is one attempt to claim an agent: the application's
// login links it to a user (PATCH /agents/claims/attempts), and the agent
// completes the claim with its user code.
type AgentClaimAttempt struct {
	ID        string
	Token     string
	LoginHint string
	UserCode  string
	Reg       *AgentRegistration
	// LinkedUserID and LinkedOrgID are set once the application linked
	// its user (and the organization to place the agent in).
	LinkedUserID string
	LinkedOrgID  string
	ExpiresAt    time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// AgentAPIKey is an API key issued to an agent.
type AgentAPIKey struct {
	Value     string
	ExpiresAt *time.Time
}

// AgentAccessToken is an access token issued to an agent (by the control
// plane, standing in for the AuthKit token endpoint).
type AgentAccessToken struct {
	JTI       string
	RegID     string
	Aud       string
	ExpiresAt time.Time
}

type agentsState struct {
	regs     map[string]*AgentRegistration
	attempts map[string]*AgentClaimAttempt // by claim_attempt_token
	keys     map[string]*AgentAPIKey       // by value
	keyRegs  map[string]*AgentRegistration // by key value
	tokens   map[string]*AgentAccessToken  // by token value
}

func newAgentsState() agentsState {
	return agentsState{regs: map[string]*AgentRegistration{}, attempts: map[string]*AgentClaimAttempt{},
		keys: map[string]*AgentAPIKey{}, keyRegs: map[string]*AgentRegistration{}, tokens: map[string]*AgentAccessToken{}}
}

// seedAgentRegistrations adds a fixture's agent registrations.
func (tx *Tx) seedAgentRegistrations(list []fixtures.AgentRegistration) error {
	ag := &tx.w.agents
	for i := range list {
		f := &list[i]
		if ag.regs[f.ID] != nil {
			return fmt.Errorf("agent registration %s already exists", f.ID)
		}
		created := at(f.CreatedAt, tx.now)
		r := &AgentRegistration{ID: f.ID, IdentityID: cmp.Or(f.IdentityID, fixtures.PrefixAgentIdentity+deriveULID("agent_identity/"+f.ID, tx.now)),
			UserID: f.UserID, OrgID: f.OrganizationID, Status: f.Status, Kind: f.Kind, CreatedAt: created, UpdatedAt: at(f.UpdatedAt, created)}
		for _, k := range f.APIKeys {
			if ag.keys[k.Value] != nil {
				return fmt.Errorf("agent API key %q already exists", k.Value)
			}
			key := &AgentAPIKey{Value: k.Value}
			if t, ok := k.ExpiresAt.Time(); ok {
				t = t.UTC()
				key.ExpiresAt = &t
			}
			r.APIKeys = append(r.APIKeys, key)
			ag.keys[k.Value], ag.keyRegs[k.Value] = key, r
		}
		if fc := f.Claim; fc != nil {
			cc := at(fc.CreatedAt, tx.now)
			c := &AgentClaim{ID: fc.ID, ExpiresAt: at(fc.ExpiresAt, tx.now.Add(AgentClaimTTL)), ClaimedAt: at(fc.ClaimedAt, time.Time{}),
				CreatedAt: cc, UpdatedAt: at(fc.UpdatedAt, cc)}
			for _, fa := range fc.Attempts {
				if ag.attempts[fa.Token] != nil {
					return fmt.Errorf("agent claim attempt token %q already exists", fa.Token)
				}
				ac := at(fa.CreatedAt, tx.now)
				a := &AgentClaimAttempt{ID: fa.ID, Token: fa.Token, LoginHint: fa.LoginHint, UserCode: fa.UserCode, Reg: r,
					LinkedUserID: fa.LinkedUserID, LinkedOrgID: fa.LinkedOrganizationID,
					ExpiresAt: at(fa.ExpiresAt, tx.now.Add(AgentClaimAttemptTTL)), CreatedAt: ac, UpdatedAt: at(fa.UpdatedAt, ac)}
				c.Attempts = append(c.Attempts, a)
				ag.attempts[a.Token] = a
				if fc.CompletedBy != "" && a.ID == fc.CompletedBy {
					c.Completion = a
				}
			}
			r.Claim = c
		}
		ag.regs[r.ID] = r
		// Fixtures added at run time emit what a registration at the
		// AuthKit domain would (a reset's initial world emits nothing).
		method := r.Kind
		if method == "identity_assertion" {
			method = "id_jag"
		}
		tx.Emit("agent.registration.created", r.OrgID, wire.Object{{"object", "agent_registration"}, {"id", r.ID},
			{"agent_identity", wire.Object{{"object", "agent_identity"}, {"id", r.IdentityID}, {"userland_user_id", wire.Opt(r.UserID)}}},
			{"organization_id", r.OrgID}, {"status", r.Status}, {"kind", r.Kind}, {"method", method},
			{"created_at", wire.Time(r.CreatedAt)}, {"updated_at", wire.Time(r.UpdatedAt)}})
	}
	return nil
}

// AgentRegistration is the registration with that id, or nil.
func (tx *Tx) AgentRegistration(id string) *AgentRegistration { return tx.w.agents.regs[id] }

// AgentClaimAttempt is the claim attempt of a claim_attempt_token, or nil.
func (tx *Tx) AgentClaimAttempt(token string) *AgentClaimAttempt {
	return tx.w.agents.attempts[token]
}

// AgentClaimAttemptByUserCode is the claim attempt with that user code, or
// nil.
func (tx *Tx) AgentClaimAttemptByUserCode(code string) *AgentClaimAttempt {
	for _, a := range tx.w.agents.attempts {
		if a.UserCode == code {
			return a
		}
	}
	return nil
}

// AgentAPIKey is an agent API key and its registration, or nils.
func (tx *Tx) AgentAPIKey(value string) (*AgentAPIKey, *AgentRegistration) {
	ag := &tx.w.agents
	return ag.keys[value], ag.keyRegs[value]
}

// AgentAccessToken is an access token issued to an agent, or nil.
func (tx *Tx) AgentAccessToken(token string) *AgentAccessToken { return tx.w.agents.tokens[token] }

// AddAgentAccessToken records an access token issued to an agent.
func (tx *Tx) AddAgentAccessToken(token string, t *AgentAccessToken) { tx.w.agents.tokens[token] = t }

// CompleteAgentClaim completes a linked attempt's claim: the agent's
// identity is bound to the linked user, the registration is verified and
// moves to the linked organization (when one was chosen). It returns the
// organization the registration left ("" when it did not move).
func (tx *Tx) CompleteAgentClaim(a *AgentClaimAttempt) (fromOrg string) {
	r, c := a.Reg, a.Reg.Claim
	c.Completion, c.ClaimedAt, c.UpdatedAt = a, tx.now, tx.now
	r.UserID, r.Status, r.UpdatedAt = a.LinkedUserID, "verified", tx.now
	if a.LinkedOrgID != "" && a.LinkedOrgID != r.OrgID {
		fromOrg, r.OrgID = r.OrgID, a.LinkedOrgID
	}
	return fromOrg
}

// snapshotAgentRegistrations writes the registrations (by creation time,
// then id) with their API keys and claims: attempts, the users the
// application linked to them, and the completion. The access tokens the
// control plane issued to agents are not written (a client holds them).
func snapshotAgentRegistrations(tx *Tx, set *fixtures.Set) {
	regs := slices.Collect(maps.Values(tx.w.agents.regs))
	slices.SortFunc(regs, func(a, b *AgentRegistration) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), strings.Compare(a.ID, b.ID))
	})
	for _, r := range regs {
		if !tx.orgExists(r.OrgID) {
			continue // its organization was deleted: it could not load
		}
		fr := fixtures.AgentRegistration{ID: r.ID, OrganizationID: r.OrgID, Kind: r.Kind, Status: r.Status, IdentityID: r.IdentityID,
			CreatedAt: stamp(r.CreatedAt), UpdatedAt: stamp(r.UpdatedAt)}
		if tx.userExists(r.UserID) {
			fr.UserID = r.UserID
		}
		for _, k := range r.APIKeys {
			fr.APIKeys = append(fr.APIKeys, fixtures.AgentAPIKey{Value: k.Value, ExpiresAt: stampPtr(k.ExpiresAt)})
		}
		if c := r.Claim; c != nil {
			fc := &fixtures.AgentClaim{ID: c.ID, ExpiresAt: stamp(c.ExpiresAt), ClaimedAt: stamp(c.ClaimedAt),
				CreatedAt: stamp(c.CreatedAt), UpdatedAt: stamp(c.UpdatedAt)}
			if c.Completion != nil {
				fc.CompletedBy = c.Completion.ID
			}
			for _, a := range c.Attempts {
				fa := fixtures.AgentClaimAttempt{ID: a.ID, Token: a.Token, LoginHint: a.LoginHint, UserCode: a.UserCode,
					ExpiresAt: stamp(a.ExpiresAt), CreatedAt: stamp(a.CreatedAt), UpdatedAt: stamp(a.UpdatedAt)}
				if tx.userExists(a.LinkedUserID) {
					fa.LinkedUserID = a.LinkedUserID
				}
				if tx.orgExists(a.LinkedOrgID) {
					fa.LinkedOrganizationID = a.LinkedOrgID
				}
				fc.Attempts = append(fc.Attempts, fa)
			}
			fr.Claim = fc
		}
		set.AgentRegistrations = append(set.AgentRegistrations, fr)
	}
}
