package emulator_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// contractAPIKeys drives the API keys product: organization and user keys,
// their validation, expiry and deletion, and the api_key.* events.
func contractAPIKeys(t *testing.T, run *contractRun) {
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	if _, err := srv.AddFixtures(context.Background(), []byte(`
permissions: [{slug: "reports:read", name: Read reports}]
organizations:
  - {name: Umbrella, api_keys: [{name: seeded, value: sk_seeded_umbrella_key, permissions: ["reports:read"]}]}
`), "apikeys.yaml"); err != nil {
		t.Fatal(err)
	}
	c := run.client(srv.Handler())
	const GET, POST, DELETE = http.MethodGet, http.MethodPost, http.MethodDelete
	orgKeys := "/organizations/" + emutest.AcmeID + "/api_keys"
	userKeys := "/user_management/users/" + emutest.AliceID + "/api_keys"

	c.step = "api keys 1 organization keys"
	org := c.json(201, POST, orgKeys, map[string]any{"name": "CI", "permissions": []string{"reports:read"}})
	orgKeyID, orgValue := org["id"].(string), org["value"].(string)
	c.json(201, POST, orgKeys, map[string]any{"name": "Nightly", "expires_at": "2030-01-01T00:00:00Z"})
	c.errCode(422, "invalid_request_parameters", POST, orgKeys, map[string]any{"permissions": []string{"reports:read"}}, invalidBecause("name is required"))
	c.errCode(422, "invalid_request_parameters", POST, orgKeys, map[string]any{"name": "x", "permissions": []string{"no:such"}})
	c.errCode(404, "entity_not_found", POST, "/organizations/org_"+ctMissing+"/api_keys", map[string]any{"name": "x"})
	c.json(200, GET, orgKeys+"?limit=1", nil)
	c.json(200, GET, orgKeys+"?order=asc", nil)
	c.errCode(404, "entity_not_found", GET, "/organizations/org_"+ctMissing+"/api_keys", nil)

	c.step = "api keys 2 user keys"
	user := c.json(201, POST, userKeys, map[string]any{"name": "Alice CLI", "organization_id": emutest.AcmeID, "permissions": []string{"reports:read"}})
	userValue := user["value"].(string)
	c.errCode(400, "organization_membership_not_found", POST, userKeys, map[string]any{"name": "x", "organization_id": emutest.GlobexID})
	c.errCode(404, "entity_not_found", POST, "/user_management/users/user_"+ctMissing+"/api_keys", map[string]any{"name": "x", "organization_id": emutest.AcmeID})
	c.errCode(422, "invalid_request_parameters", POST, userKeys, map[string]any{"name": "x"}, invalidBecause("organization_id is required"))
	c.json(200, GET, userKeys+"?organization_id="+emutest.AcmeID, nil)
	c.errCode(404, "entity_not_found", GET, "/user_management/users/user_"+ctMissing+"/api_keys", nil)

	c.step = "api keys 3 validations"
	c.json(200, POST, "/api_keys/validations", map[string]any{"value": orgValue})
	c.json(200, POST, "/api_keys/validations", map[string]any{"value": userValue})
	c.json(200, POST, "/api_keys/validations", map[string]any{"value": "sk_seeded_umbrella_key"})
	c.json(200, POST, "/api_keys/validations", map[string]any{"value": "sk_nope"})
	c.errCode(422, "invalid_request_parameters", POST, "/api_keys/validations", map[string]any{"value": 7}, invalidBecause("value is not a string"))

	c.step = "api keys 4 expiry and deletion"
	c.json(200, POST, "/api_keys/"+orgKeyID+"/expire", map[string]any{"expires_at": "2031-01-01T00:00:00Z"})
	c.json(200, POST, "/api_keys/"+orgKeyID+"/expire", map[string]any{"expires_at": nil})
	c.json(200, POST, "/api_keys/"+orgKeyID+"/expire", nil)
	c.errCode(409, "api_key_already_expired", POST, "/api_keys/"+orgKeyID+"/expire", nil)
	c.errCode(404, "entity_not_found", POST, "/api_keys/api_key_"+ctMissing+"/expire", nil)
	c.errCode(422, "invalid_request_parameters", POST, "/api_keys/"+user["id"].(string)+"/expire", map[string]any{"expires_at": "soon"}, invalidBecause("expires_at is not a date-time"))
	c.call(204, DELETE, "/api_keys/"+user["id"].(string), nil)
	c.errCode(404, "entity_not_found", DELETE, "/api_keys/"+user["id"].(string), nil)

	c.step = "api keys 5 events"
	c.json(200, GET, "/events?limit=100", nil)
}
