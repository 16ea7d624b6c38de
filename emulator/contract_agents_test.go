package emulator_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// ctAgentWorld seeds two agent registrations (agents register at AuthKit
// endpoints outside the spec): one with an API key, one waiting to be
// claimed by bob@example.com.
const ctAgentWorld = `
agent_registrations:
  - id: agent_reg_01JGK0000000000000000000A1
    organization_id: ` + emutest.AcmeID + `
    status: verified
    user_id: ` + emutest.AliceID + `
    api_keys: [{value: sk_agent_contract}]
  - id: agent_reg_01JGK0000000000000000000A2
    organization_id: ` + emutest.GlobexID + `
    claim:
      attempts:
        - {token: cla_tkn_contract, login_hint: newbie@example.com}
`

// contractAgents drives the agents API on seeded registrations.
func contractAgents(t *testing.T, run *contractRun) {
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	if _, err := srv.AddFixtures(context.Background(), []byte(ctAgentWorld), "agents.yaml"); err != nil {
		t.Fatal(err)
	}
	c := run.client(srv.Handler())
	const GET, POST, PATCH = http.MethodGet, http.MethodPost, http.MethodPatch

	c.step = "agents 1 registrations"
	c.json(200, GET, "/agents/registrations/agent_reg_01JGK0000000000000000000A1", nil)
	c.json(200, GET, "/agents/registrations/agent_reg_01JGK0000000000000000000A2", nil)
	c.errCode(404, "entity_not_found", GET, "/agents/registrations/agent_reg_"+ctMissing, nil)

	c.step = "agents 2 credentials"
	if v := c.json(200, POST, "/agents/credentials/validate", map[string]any{"type": "api_key", "credential": "sk_agent_contract"}); v["valid"] != true {
		t.Fatalf("the seeded key: %v", v)
	}
	c.json(200, POST, "/agents/credentials/validate", map[string]any{"type": "access_token", "credential": "eyJ.not.a.token", "audience": "https://api.example.com"})
	c.errCode(400, "invalid_request", POST, "/agents/credentials/validate", map[string]any{"type": "password", "credential": "x"},
		invalidBecause("password is not a credential type"))

	c.step = "agents 3 claim attempts"
	link := map[string]any{"type": "link_external_user", "claim_attempt_token": "cla_tkn_contract",
		"user": map[string]any{"email": "someone@example.com", "external_id": "ext-newbie"}}
	c.errCode(400, "email_mismatch", PATCH, "/agents/claims/attempts", link)
	link["user"] = map[string]any{"email": "newbie@example.com", "external_id": "ext-newbie"}
	c.json(200, PATCH, "/agents/claims/attempts", link)
	link["claim_attempt_token"] = "cla_tkn_unknown"
	c.errCode(400, "invalid_claim", PATCH, "/agents/claims/attempts", link)

	c.json(200, GET, "/events?limit=100", nil)
}
