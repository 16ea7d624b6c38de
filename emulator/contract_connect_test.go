package emulator_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// ctConnectApp is the contract's own OAuth application.
const ctConnectApp = "client_01JGK4000000000000000C0NN1"

// contractConnect drives WorkOS Connect's management API: applications,
// their client secrets, and users' authorized applications (a fixture grant
// of Alice, with Acme, to an application whose redirect URIs have no
// wildcard: the spec's uri format has no room for the emulator's
// localhost:* ports).
func contractConnect(t *testing.T, run *contractRun) {
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	if _, err := srv.AddFixtures(context.Background(), []byte(`
applications:
  - {client_id: `+ctConnectApp+`, name: Docs assistant, redirect_uris: [https://assistant.test/callback], scopes: [openid, offline_access]}
sessions:
  - {user_id: `+emutest.AliceID+`, client_id: `+ctConnectApp+`, organization_id: `+emutest.AcmeID+`, scopes: [openid, offline_access]}
`), "connect.yaml"); err != nil {
		t.Fatal(err)
	}
	c := run.client(srv.Handler())
	const GET, POST, PUT, DELETE = http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete

	c.step = "connect 1 applications"
	oauth := c.json(201, POST, "/connect/applications", map[string]any{"name": "Partner portal", "application_type": "oauth",
		"is_first_party": false, "organization_id": emutest.AcmeID, "description": "third party",
		"redirect_uris": []map[string]any{{"uri": "https://partner.test/callback", "default": true}}})
	oauthID := oauth["id"].(string)
	m2m := c.json(201, POST, "/connect/applications", map[string]any{"name": "Reports job", "application_type": "m2m",
		"organization_id": emutest.AcmeID, "scopes": []string{"reports:read"}})
	c.json(201, POST, "/connect/applications", map[string]any{"name": "SPA", "application_type": "oauth", "is_first_party": true,
		"uses_pkce": true, "redirect_uris": []map[string]any{{"uri": "http://localhost:5173/callback"}}})
	c.errCode(422, "invalid_request_parameters", POST, "/connect/applications", map[string]any{"name": "x", "application_type": "saml"},
		invalidBecause("saml is not an application type"))
	c.errCode(422, "invalid_request_parameters", POST, "/connect/applications", map[string]any{"name": "x", "application_type": "oauth",
		"is_first_party": false})
	c.errCode(404, "entity_not_found", POST, "/connect/applications", map[string]any{"name": "x", "application_type": "m2m", "organization_id": "org_" + ctMissing})
	c.json(200, GET, "/connect/applications?limit=2", nil)
	c.json(200, GET, "/connect/applications?organization_id="+emutest.AcmeID+"&registration_types=authenticated,dynamic", nil)
	c.errCode(422, "invalid_request_parameters", GET, "/connect/applications?registration_types=manual", nil, invalidBecause("manual is not a registration type"))
	c.json(200, GET, "/connect/applications/"+oauthID, nil)
	c.json(200, GET, "/connect/applications/"+emutest.M2MClientID, nil)
	c.errCode(404, "entity_not_found", GET, "/connect/applications/conn_app_"+ctMissing, nil)
	c.json(200, PUT, "/connect/applications/"+oauthID, map[string]any{"name": "Partner portal 2", "description": nil, "scopes": nil,
		"redirect_uris": []map[string]any{{"uri": "https://partner.test/cb", "default": true}, {"uri": "https://partner.test/cb2"}}})
	c.errCode(422, "invalid_request_parameters", PUT, "/connect/applications/"+m2m["id"].(string), map[string]any{"redirect_uris": []map[string]any{{"uri": "https://x.test/cb"}}})
	c.errCode(404, "entity_not_found", PUT, "/connect/applications/conn_app_"+ctMissing, map[string]any{"name": "x"})

	c.step = "connect 2 client secrets"
	secret := c.json(201, POST, "/connect/applications/"+oauthID+"/client_secrets", map[string]any{})
	c.errCode(404, "entity_not_found", POST, "/connect/applications/conn_app_"+ctMissing+"/client_secrets", map[string]any{})
	c.call(200, GET, "/connect/applications/"+oauthID+"/client_secrets", nil)
	c.errCode(404, "entity_not_found", GET, "/connect/applications/conn_app_"+ctMissing+"/client_secrets", nil)
	c.call(204, DELETE, "/connect/client_secrets/"+secret["id"].(string), nil)
	c.errCode(404, "entity_not_found", DELETE, "/connect/client_secrets/"+secret["id"].(string), nil)

	c.step = "connect 3 authorized applications"
	users := "/user_management/users/" + emutest.AliceID + "/authorized_applications"
	c.json(200, GET, users, nil)
	c.errCode(404, "entity_not_found", GET, "/user_management/users/user_"+ctMissing+"/authorized_applications", nil)
	c.json(200, GET, "/organizations/"+emutest.AcmeID+"/authorized_applications", nil)
	c.errCode(404, "entity_not_found", GET, "/organizations/org_"+ctMissing+"/authorized_applications", nil)
	c.errCode(422, "invalid_request_parameters", GET, "/organizations/"+emutest.AcmeID+"/authorized_applications?order=sideways", nil,
		invalidBecause("sideways is not an order"))
	c.call(204, DELETE, users+"/"+ctConnectApp, nil)
	c.errCode(404, "entity_not_found", DELETE, users+"/"+ctConnectApp, nil)

	c.step = "connect 4 deletion"
	c.call(204, DELETE, "/connect/applications/"+oauthID, nil)
	c.errCode(404, "entity_not_found", DELETE, "/connect/applications/"+oauthID, nil)
}
