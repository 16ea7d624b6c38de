package agents_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// agentWorld seeds three registrations: a verified one with two API keys
// (one expiring), one waiting to be claimed by bob@example.com (two
// organizations), and a revoked one.
const agentWorld = `
agent_registrations:
  - id: agent_reg_01JGK0000000000000000000A1
    organization_id: ` + emutest.AcmeID + `
    status: verified
    user_id: ` + emutest.AliceID + `
    api_keys:
      - {value: sk_agent_forever}
      - {value: sk_agent_soon, expires_at: 2026-01-15T13:00:00Z}
  - id: agent_reg_01JGK0000000000000000000A2
    organization_id: ` + emutest.GlobexID + `
    claim:
      attempts:
        - {token: cla_tkn_bob, login_hint: bob@example.com}
        - {token: cla_tkn_new, login_hint: newcomer@example.com, user_code: BCDF-GHJK}
  - id: agent_reg_01JGK0000000000000000000A3
    organization_id: ` + emutest.AcmeID + `
    kind: anonymous
    status: revoked
    api_keys: [{value: sk_agent_revoked}]
`

func newServer(t *testing.T) *emutest.Server {
	t.Helper()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	if _, err := srv.AddFixtures(context.Background(), []byte(agentWorld), "agents.yaml"); err != nil {
		t.Fatal(err)
	}
	return srv
}

// validate asks POST /agents/credentials/validate.
func validate(t *testing.T, srv *emutest.Server, body map[string]any) map[string]any {
	t.Helper()
	return emutest.WantJSON(t, srv.API(t, http.MethodPost, "/agents/credentials/validate", body), 200)
}

// events lists the logged event types, oldest first.
func events(t *testing.T, srv *emutest.Server) string {
	t.Helper()
	var out []string
	for _, e := range emutest.WantJSON(t, srv.API(t, http.MethodGet, "/events?order=asc&limit=100", nil), 200)["data"].([]any) {
		out = append(out, e.(map[string]any)["event"].(string))
	}
	return strings.Join(out, " ")
}

// TestRegistrationsAndCredentials: registrations read as seeded (fixtures
// added at run time emit agent.registration.created); API keys are valid
// until they expire by the instance clock and only while the registration
// is neither revoked nor expired; access tokens the control plane issues
// are valid for their audience until they expire.
func TestRegistrationsAndCredentials(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	r := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/agents/registrations/agent_reg_01JGK0000000000000000000A1", nil), 200)
	id := r["agent_identity"].(map[string]any)
	if r["status"] != "verified" || r["kind"] != "service_auth" || r["claim"] != nil || id["userland_user_id"] != emutest.AliceID ||
		!strings.HasPrefix(id["id"].(string), "agent_identity_") {
		t.Fatalf("registration %v", r)
	}
	emutest.WantError(t, srv.API(t, http.MethodGet, "/agents/registrations/agent_reg_01JGK40000000000000000ZZZZ", nil), 404, "entity_not_found")
	if got := events(t, srv); got != "agent.registration.created agent.registration.created agent.registration.created" {
		t.Fatalf("events: %s", got)
	}

	if v := validate(t, srv, map[string]any{"type": "api_key", "credential": "sk_agent_soon"}); v["valid"] != true ||
		v["registration_id"] != "agent_reg_01JGK0000000000000000000A1" || v["expires_at"] != "2026-01-15T13:00:00.000Z" {
		t.Fatalf("key: %v", v)
	}
	if v := validate(t, srv, map[string]any{"type": "api_key", "credential": "sk_agent_forever"}); v["valid"] != true || v["expires_at"] != nil {
		t.Fatalf("key: %v", v)
	}
	for _, bad := range []string{"sk_agent_revoked", "sk_agent_unknown"} {
		if v := validate(t, srv, map[string]any{"type": "api_key", "credential": bad}); v["valid"] != false || v["registration_id"] != nil {
			t.Fatalf("%s: %v", bad, v)
		}
	}

	tok := emutest.WantJSON(t, srv.PostJSON(t, "/_emulator/agents/registrations/agent_reg_01JGK0000000000000000000A1/tokens",
		map[string]any{"audience": "https://api.example.com", "ttl": "30m"}), 201)
	access := tok["access_token"].(string)
	claims := emutest.Claims(t, access)
	if claims["sub"] != "agent_reg_01JGK0000000000000000000A1" || claims["aud"] != "https://api.example.com" || claims["org_id"] != emutest.AcmeID {
		t.Fatalf("claims %v", claims)
	}
	if v := validate(t, srv, map[string]any{"type": "access_token", "credential": access, "audience": "https://api.example.com"}); v["valid"] != true ||
		v["expires_at"] != "2026-01-15T12:30:00.000Z" {
		t.Fatalf("token: %v", v)
	}
	if v := validate(t, srv, map[string]any{"type": "access_token", "credential": access, "audience": "https://other.example.com"}); v["valid"] != false {
		t.Fatalf("wrong audience: %v", v)
	}
	emutest.WantError(t, srv.PostJSON(t, "/_emulator/agents/registrations/agent_reg_01JGK0000000000000000000A3/tokens", map[string]any{}), 409, "conflict")

	srv.Clock().Advance(time.Hour + time.Second)
	for _, body := range []map[string]any{{"type": "api_key", "credential": "sk_agent_soon"}, {"type": "access_token", "credential": access}} {
		if v := validate(t, srv, body); v["valid"] != false {
			t.Fatalf("expired %v: %v", body, v)
		}
	}
	if v := validate(t, srv, map[string]any{"type": "api_key", "credential": "sk_agent_forever"}); v["valid"] != true {
		t.Fatalf("key without expiry: %v", v)
	}
	emutest.WantError(t, srv.API(t, http.MethodPost, "/agents/credentials/validate", map[string]any{"type": "jwt", "credential": "x"}), 400, "invalid_request")
	emutest.WantError(t, srv.API(t, http.MethodPost, "/agents/credentials/validate", map[string]any{"type": "api_key"}), 400, "invalid_request")
	if !strings.Contains(events(t, srv), "agent.registration.credential.issued") {
		t.Fatal("no credential.issued event")
	}
}

// TestClaimAttempts: the application links its signed-in user to a claim
// attempt: the e-mail must be the one the agent named; a user in several
// organizations must pick one; a new external user is created
// (user.created); the answer carries the user code, which completes the
// claim (control plane): the registration is verified, bound to the user
// and moved to the chosen organization.
func TestClaimAttempts(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	link := func(token, email, ext, org string) emutest.Response {
		body := map[string]any{"type": "link_external_user", "claim_attempt_token": token, "user": map[string]any{"email": email, "external_id": ext}}
		if org != "" {
			body["organization_id"] = org
		}
		return srv.API(t, http.MethodPatch, "/agents/claims/attempts", body)
	}
	// bob has no external id yet: the e-mail belongs to a user without it
	emutest.WantError(t, link("cla_tkn_bob", "bob@example.com", "ext-bob", ""), 409, "email_already_in_use")
	emutest.WantJSON(t, srv.API(t, http.MethodPut, "/user_management/users/"+emutest.BobID, map[string]any{"external_id": "ext-bob"}), 200)
	emutest.WantError(t, link("cla_tkn_bob", "alice@example.com", "ext-bob", ""), 400, "email_mismatch")
	sel := link("cla_tkn_bob", "bob@example.com", "ext-bob", "")
	emutest.WantError(t, sel, 409, "organization_selection_required")
	if orgs := sel.JSON(t)["organizations"].([]any); len(orgs) != 2 {
		t.Fatalf("organizations: %v", orgs)
	}
	emutest.WantError(t, link("cla_tkn_bob", "bob@example.com", "ext-bob", "org_01JGK40000000000000000ZZZZ"), 400, "invalid_organization")
	view := emutest.WantJSON(t, link("cla_tkn_bob", "bob@example.com", "ext-bob", emutest.AcmeID), 200)
	if view["id"] != "agent_reg_01JGK0000000000000000000A2" || view["status"] != "unverified" || len(view["user_code"].(string)) != 9 {
		t.Fatalf("claim view: %v", view)
	}

	done := emutest.WantJSON(t, srv.PostJSON(t, "/_emulator/agents/claims/complete", map[string]any{"user_code": view["user_code"]}), 200)
	claim := done["claim"].(map[string]any)
	if done["status"] != "verified" || done["organization_id"] != emutest.AcmeID || claim["claim_completion"] == nil ||
		done["agent_identity"].(map[string]any)["userland_user_id"] != emutest.BobID {
		t.Fatalf("completed: %v", done)
	}
	emutest.WantError(t, link("cla_tkn_new", "newcomer@example.com", "ext-new", ""), 409, "already_claimed")
	emutest.WantError(t, srv.PostJSON(t, "/_emulator/agents/claims/complete", map[string]any{"user_code": "BCDF-GHJK"}), 409, "already_claimed")
	got := events(t, srv)
	// user.updated: the test set bob's external id over the API.
	if !strings.HasSuffix(got, "agent.registration.created user.updated agent.registration.claim.completed agent.registration.organization.switched") {
		t.Fatalf("events: %s", got)
	}
}

// TestClaimCreatesUserAndExpires: a new external user is created on link;
// an attempt past its ten minutes is gone (410), and an unknown token is an
// invalid claim.
func TestClaimCreatesUserAndExpires(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	body := map[string]any{"type": "link_external_user", "claim_attempt_token": "cla_tkn_new",
		"user": map[string]any{"email": "newcomer@example.com", "external_id": "ext-new"}}
	view := emutest.WantJSON(t, srv.API(t, http.MethodPatch, "/agents/claims/attempts", body), 200)
	if view["user_code"] != "BCDF-GHJK" || len(view["organizations"].([]any)) != 0 {
		t.Fatalf("view %v", view)
	}
	u := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/user_management/users/external_id/ext-new", nil), 200)
	if u["email"] != "newcomer@example.com" || !strings.HasSuffix(events(t, srv), "user.created") {
		t.Fatalf("user %v / %s", u, events(t, srv))
	}
	srv.Clock().Advance(11 * time.Minute)
	emutest.WantError(t, srv.API(t, http.MethodPatch, "/agents/claims/attempts", body), 410, "user_code_expired")
	body["claim_attempt_token"] = "cla_tkn_nobody"
	emutest.WantError(t, srv.API(t, http.MethodPatch, "/agents/claims/attempts", body), 400, "invalid_claim")
	body["type"] = "link_internal_user"
	emutest.WantError(t, srv.API(t, http.MethodPatch, "/agents/claims/attempts", body), 400, "invalid_request")
}
