package emulator_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// ctMoreEventsWorld: an SSO connection and Google for Acme, and an agent
// registration of Globex whose claim Bob will take to Acme.
const ctMoreEventsWorld = ctSSOWorld + `
agent_registrations:
  - id: agent_reg_01JGK0000000000000000000A1
    organization_id: ` + emutest.AcmeID + `
    status: verified
    user_id: ` + emutest.AliceID + `
    api_keys: [{value: sk_agent_more}]
  - id: agent_reg_01JGK0000000000000000000A2
    organization_id: ` + emutest.GlobexID + `
    claim:
      attempts:
        - {token: cla_tkn_more, login_hint: bob@example.com}
`

// contractMoreEvents drives the changes whose events the area scenarios do
// not reach (failures at the identity provider, a refused magic code, a
// deactivated connection, agent claims completed by the control plane), so
// that every event type the emulator emits is validated against the spec
// and docs/events.md can be checked against what was seen.
func contractMoreEvents(t *testing.T, run *contractRun) {
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	if _, err := srv.AddFixtures(context.Background(), []byte(ctMoreEventsWorld), "more.yaml"); err != nil {
		t.Fatal(err)
	}
	c := run.client(srv.Handler())
	const POST, PUT, PATCH = http.MethodPost, http.MethodPut, http.MethodPatch
	control := func(method, path string, body string) emutest.Response {
		r := srv.Do(t, method, path, strings.NewReader(body), "Content-Type", "application/json")
		if r.Status >= 300 {
			t.Fatalf("%s %s: %d %s", method, path, r.Status, r.Body)
		}
		return r
	}

	c.step = "more events 1 a refused magic code"
	c.json(201, POST, "/user_management/magic_auth", map[string]any{"email": "alice@example.com"})
	code := srv.Codes("alice@example.com", "magic_auth")[0].Code
	c.errCode(400, "invalid_one_time_code", POST, "/user_management/authenticate", map[string]any{"grant_type": "urn:workos:oauth:grant-type:magic-auth:code",
		"client_id": emutest.EnvClientID, "client_secret": emutest.APIKey, "email": "alice@example.com", "code": wrongCode(code)})

	c.step = "more events 2 the identity provider says no"
	authz := func(path string, extra url.Values) string {
		q := url.Values{"client_id": {emutest.EnvClientID}, "redirect_uri": {ctRedirect}, "response_type": {"code"}, "state": {"st"}}
		for k, v := range extra {
			q[k] = v
		}
		return path + "?" + q.Encode()
	}
	b := emutest.NewBrowser(t, srv, ctRedirect)
	b.Visit(authz("/sso/authorize", url.Values{"connection": {"conn_01JGK0000000000000000000A1"}}))
	if q := emutest.CallbackParams(t, b.SubmitIdP("action", "deny")); q.Get("error") != "access_denied" {
		t.Fatalf("denied SSO sign-in: %v", q)
	}
	b = emutest.NewBrowser(t, srv, ctRedirect)
	b.Visit(authz("/user_management/authorize", url.Values{"provider": {"GoogleOAuth"}}))
	if q := emutest.CallbackParams(t, b.SubmitIdP("action", "error")); q.Get("error") == "" {
		t.Fatalf("failed OAuth sign-in: %v", q)
	}

	c.step = "more events 3 a connection deactivated"
	control(http.MethodPatch, "/_emulator/connections/conn_01JGK0000000000000000000A1", `{"state":"inactive"}`)

	c.step = "more events 4 agents"
	control(http.MethodPost, "/_emulator/agents/registrations/agent_reg_01JGK0000000000000000000A1/tokens", `{"audience":"https://api.example.com"}`)
	c.json(200, PUT, "/user_management/users/"+emutest.BobID, map[string]any{"external_id": "ext-bob-more"})
	view := c.json(200, PATCH, "/agents/claims/attempts", map[string]any{"type": "link_external_user", "claim_attempt_token": "cla_tkn_more",
		"organization_id": emutest.AcmeID, "user": map[string]any{"email": "bob@example.com", "external_id": "ext-bob-more"}})
	control(http.MethodPost, "/_emulator/agents/claims/complete", `{"user_code":"`+view["user_code"].(string)+`"}`)

	c.step = "more events 5 the log"
	c.allEvents()
}
