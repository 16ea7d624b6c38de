package emulator_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// ctPipesWorld adds data integrations to the default world: an OAuth
// provider, an API-key one, a client-credentials one and one whose
// organizations supply the OAuth app.
const ctPipesWorld = `
data_integrations:
  - {slug: github}
  - {slug: stripe, auth_methods: [api_key]}
  - {slug: salesforce, auth_methods: [client_credentials]}
  - {slug: linear, credentials: organization}
`

// contractPipes drives Pipes: data integrations, the authorization URL and
// the consent page, connected accounts, tokens and credentials, API keys
// and client credentials, and organizations' configurations; then the
// pipes.connected_account.* events they emitted.
func contractPipes(t *testing.T, run *contractRun) {
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	if _, err := srv.AddFixtures(context.Background(), []byte(ctPipesWorld), "pipes.yaml"); err != nil {
		t.Fatal(err)
	}
	c := run.client(srv.Handler())
	const GET, POST, PUT, DELETE = http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete
	alice, bob := emutest.AliceID, emutest.BobID
	noUser := "user_" + ctMissing

	c.step = "pipes 1 data integrations"
	c.json(201, POST, "/data-integrations", map[string]any{"provider": "notion", "description": "Docs", "enabled": true,
		"credentials": map[string]any{"type": "custom", "client_id": "nc", "client_secret": "ns"}})
	c.json(201, POST, "/data-integrations", map[string]any{"provider": "acme-crm", "auth_methods": []string{"api_key"},
		"custom_provider": map[string]any{"name": "Acme CRM"}, "api_key": map[string]any{"user_id": alice, "secret": "crm-key-1"}})
	c.errCode(409, "conflict", POST, "/data-integrations", map[string]any{"provider": "notion", "credentials": map[string]any{"type": "organization"}})
	c.errCode(404, "entity_not_found", POST, "/data-integrations", map[string]any{"provider": "no-such-provider"})
	c.errCode(422, "invalid_request_parameters", POST, "/data-integrations", map[string]any{"provider": "box"})
	c.json(200, GET, "/data-integrations?limit=2", nil)
	c.errCode(422, "invalid_request_parameters", GET, "/data-integrations?limit=0", nil, invalidBecause("limit below 1"))
	c.json(200, GET, "/data-integrations/github", nil)
	c.errCode(404, "entity_not_found", GET, "/data-integrations/nope", nil)
	c.json(200, PUT, "/data-integrations/notion", map[string]any{"enabled": false, "scopes": []string{"read"}})
	c.errCode(404, "entity_not_found", PUT, "/data-integrations/nope", map[string]any{"enabled": true})

	c.step = "pipes 2 authorization and tokens"
	c.json(200, POST, "/data-integrations/github/token", map[string]any{"user_id": alice}) // not installed yet
	auth := c.json(200, POST, "/data-integrations/github/authorize", map[string]any{"user_id": alice, "return_to": "http://localhost:3000/done"})
	c.errCode(404, "entity_not_found", POST, "/data-integrations/github/authorize", map[string]any{"user_id": noUser})
	u, _ := url.Parse(auth["url"].(string))
	if r := srv.PostForm(t, u.Path, url.Values{"state": {u.Query().Get("state")}, "decision": {"allow"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("consent: %d %s", r.Status, r.Body)
	}
	c.json(200, POST, "/data-integrations/github/token", map[string]any{"user_id": alice})
	c.errCode(404, "entity_not_found", POST, "/data-integrations/nope/token", map[string]any{"user_id": alice})
	c.json(200, POST, "/data-integrations/github/credentials", map[string]any{"user_id": alice})
	c.errCode(404, "entity_not_found", POST, "/data-integrations/github/credentials", map[string]any{"user_id": noUser})
	denied := c.json(200, POST, "/data-integrations/github/authorize", map[string]any{"user_id": bob})
	du, _ := url.Parse(denied["url"].(string))
	if r := srv.PostForm(t, du.Path, url.Values{"state": {du.Query().Get("state")}, "decision": {"deny"}}); r.Status != http.StatusOK {
		t.Fatalf("deny: %d %s", r.Status, r.Body)
	}

	c.step = "pipes 3 API keys and client credentials"
	c.json(200, PUT, "/data-integrations/stripe/api-key", map[string]any{"user_id": alice, "secret": "sk_alice_1"})
	c.errCode(400, "invalid_request_parameters", PUT, "/data-integrations/stripe/api-key", map[string]any{"user_id": alice}, invalidBecause("secret is required"))
	c.json(200, POST, "/data-integrations/stripe/credentials", map[string]any{"user_id": alice})
	c.errCode(422, "auth_method_mismatch", POST, "/data-integrations/stripe/token", map[string]any{"user_id": alice})
	c.json(200, PUT, "/data-integrations/salesforce/client-credentials", map[string]any{"user_id": alice, "client_id": "cid", "client_secret": "csecret",
		"config": map[string]any{"instance_url": "https://acme.my.salesforce.com"}})
	c.errCode(404, "entity_not_found", PUT, "/data-integrations/nope/client-credentials", map[string]any{"user_id": alice, "client_id": "c", "client_secret": "s"})
	c.json(200, POST, "/data-integrations/salesforce/credentials", map[string]any{"user_id": alice})

	c.step = "pipes 4 connected accounts"
	accounts := "/user_management/users/" + bob + "/connected_accounts/github"
	c.json(201, POST, accounts+"?organization_id="+emutest.AcmeID, map[string]any{"access_token": "gho_x", "refresh_token": "ghr_x",
		"expires_at": "2026-01-15T13:00:00Z", "scopes": []string{"repo"}})
	c.errCode(409, "conflict", POST, accounts+"?organization_id="+emutest.AcmeID, map[string]any{"access_token": "gho_y"})
	c.json(200, GET, accounts+"?organization_id="+emutest.AcmeID, nil)
	c.errCode(404, "entity_not_found", GET, accounts, nil)
	c.json(200, PUT, accounts+"?organization_id="+emutest.AcmeID, map[string]any{"state": "needs_reauthorization"})
	c.errCode(404, "entity_not_found", PUT, accounts, map[string]any{"scopes": []string{"repo"}})
	c.json(200, GET, "/user_management/users/"+alice+"/data_providers", nil)
	c.json(200, GET, "/user_management/users/"+bob+"/data_providers?organization_id="+emutest.AcmeID, nil)
	c.errCode(404, "entity_not_found", GET, "/user_management/users/"+noUser+"/data_providers", nil)

	c.step = "pipes 5 organizations"
	orgCfg := "/organizations/" + emutest.AcmeID + "/data_integration_configurations"
	c.json(200, PUT, orgCfg+"/linear", map[string]any{"client_id": "lin", "client_secret": "lin_secret", "scopes": []string{"read"}, "enabled": true})
	c.errCode(422, "invalid_request_parameters", PUT, orgCfg+"/github", map[string]any{"client_id": "x", "client_secret": "y"})
	c.json(200, GET, orgCfg, nil)
	c.errCode(404, "entity_not_found", GET, "/organizations/org_"+ctMissing+"/data_integration_configurations", nil)

	c.step = "pipes 6 deletions"
	c.call(204, DELETE, accounts+"?organization_id="+emutest.AcmeID, nil)
	c.errCode(404, "entity_not_found", DELETE, accounts+"?organization_id="+emutest.AcmeID, nil)
	c.call(204, DELETE, "/data-integrations/github", nil)
	c.errCode(404, "entity_not_found", DELETE, "/data-integrations/github", nil)
	c.json(200, GET, "/events?limit=100", nil)
}
