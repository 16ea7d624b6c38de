package emulator_test

import (
	"encoding/base64"
	"net/http"
	"testing"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// contractVault drives WorkOS Vault: objects (create, read by id and name,
// describe, versions, update with version checks, delete, list) and data
// keys (create, decrypt, rekey). Vault's errors are {"error": message}.
func contractVault(t *testing.T, run *contractRun) {
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	c := run.client(srv.Handler())
	const GET, POST, PUT, DELETE = http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete
	vaultErr := func(want int, method, path string, body any, opts ...ctOpt) {
		t.Helper()
		if m := c.call(want, method, path, body, opts...).obj(t); m["error"] == nil {
			t.Fatalf("[%s] %s %s: not Vault's error shape: %v", c.step, method, path, m)
		}
	}
	const missing = "00000000-0000-4000-8000-000000000000"
	ctx := map[string]any{"organization_id": emutest.AcmeID}

	c.step = "vault 1 objects"
	o := c.json(201, POST, "/vault/v1/kv", map[string]any{"name": "api-token", "value": "t0k3n", "key_context": ctx})
	id, v1 := o["id"].(string), o["version_id"].(string)
	vaultErr(409, POST, "/vault/v1/kv", map[string]any{"name": "api-token", "value": "again", "key_context": ctx})
	vaultErr(422, POST, "/vault/v1/kv", map[string]any{"name": "no-context", "value": "v"}, invalidBecause("key_context is required"))
	c.json(201, POST, "/vault/v1/kv", map[string]any{"name": "second", "value": "v", "key_context": map[string]any{}})
	c.json(200, GET, "/vault/v1/kv?limit=1", nil)
	c.json(200, GET, "/vault/v1/kv?order=asc&search=api&updatedAfter=2020-01-01T00:00:00Z", nil)
	vaultErr(400, GET, "/vault/v1/kv?limit=0", nil, invalidBecause("limit below 1"))
	c.json(200, GET, "/vault/v1/kv/"+id, nil)
	vaultErr(404, GET, "/vault/v1/kv/"+missing, nil)
	c.json(200, GET, "/vault/v1/kv/name/api-token", nil)
	vaultErr(404, GET, "/vault/v1/kv/name/nothing", nil)
	c.json(200, GET, "/vault/v1/kv/"+id+"/metadata", nil)
	vaultErr(404, GET, "/vault/v1/kv/"+missing+"/metadata", nil)
	up := c.json(201, PUT, "/vault/v1/kv/"+id, map[string]any{"value": "n3w", "version_check": v1})
	vaultErr(409, PUT, "/vault/v1/kv/"+id, map[string]any{"value": "stale", "version_check": v1})
	vaultErr(400, PUT, "/vault/v1/kv/"+id, map[string]any{}, invalidBecause("value is required"))
	vaultErr(404, PUT, "/vault/v1/kv/"+missing, map[string]any{"value": "v"})
	c.json(200, GET, "/vault/v1/kv/"+id+"/versions", nil)
	vaultErr(404, GET, "/vault/v1/kv/"+missing+"/versions", nil)
	vaultErr(409, DELETE, "/vault/v1/kv/"+id+"?version_check="+v1, nil)
	c.json(200, DELETE, "/vault/v1/kv/"+id+"?version_check="+up["metadata"].(map[string]any)["version_id"].(string), nil)
	vaultErr(404, DELETE, "/vault/v1/kv/"+id, nil)

	c.step = "vault 2 data keys"
	dk := c.json(200, POST, "/vault/v1/keys/data-key", map[string]any{"context": ctx})
	vaultErr(422, POST, "/vault/v1/keys/data-key", map[string]any{"context": map[string]any{"n": 1}}, invalidBecause("context values are strings"))
	c.json(200, POST, "/vault/v1/keys/decrypt", map[string]any{"keys": dk["encrypted_keys"]})
	vaultErr(400, POST, "/vault/v1/keys/decrypt", map[string]any{"keys": base64.StdEncoding.EncodeToString([]byte("forged"))})
	c.json(200, POST, "/vault/v1/keys/rekey", map[string]any{"encrypted_keys": dk["encrypted_keys"], "context": map[string]any{"organization_id": emutest.GlobexID}})
	vaultErr(400, POST, "/vault/v1/keys/rekey", map[string]any{"encrypted_keys": "AAAA", "context": ctx})
	vaultErr(422, POST, "/vault/v1/keys/rekey", map[string]any{"encrypted_keys": dk["encrypted_keys"]}, invalidBecause("context is required"))

	c.step = "vault 3 events"
	c.json(200, GET, "/events?limit=100", nil)
}
