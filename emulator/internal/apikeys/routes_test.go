package apikeys_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// TestAPIKeyValidation: an organization's API key validates to its owner
// and name, with the value obfuscated; an unknown value is a 200 with a
// null api_key; a missing value is a 422.
func TestAPIKeyValidation(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0, Fixtures: emutest.Parse(t, `
environment: {client_id: client_1}
organizations:
  - {id: `+emutest.AcmeID+`, name: Acme, api_keys: [{name: ci, value: sk_org_acme_ci_key, permissions: [reports:read]}]}
`)})
	got := emutest.WantJSON(t, srv.API(t, http.MethodPost, "/api_keys/validations", map[string]any{"value": "sk_org_acme_ci_key"}), 200)
	k := got["api_key"].(map[string]any)
	if k["owner"].(map[string]any)["id"] != emutest.AcmeID || k["name"] != "ci" || strings.Contains(k["obfuscated_value"].(string), "acme_ci") {
		t.Fatalf("%v", k)
	}
	if got := emutest.WantJSON(t, srv.API(t, http.MethodPost, "/api_keys/validations", map[string]any{"value": "sk_nope"}), 200); got["api_key"] != nil {
		t.Fatalf("%v", got)
	}
	emutest.WantError(t, srv.API(t, http.MethodPost, "/api_keys/validations", map[string]any{}), 422, "invalid_request_parameters")
}
