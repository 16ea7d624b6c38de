// Package vault is WorkOS Vault: key-value objects encrypted under keys a
// key context selects (/vault/v1/kv), and data keys for local encryption
// (/vault/v1/keys). The API comes from another backend than the rest of
// WorkOS (its ids are UUIDs and its errors are {"error": "..."}), and the
// emulator serves it in that shape. Keys derive from the environment's
// seed; the data keys are real AES-256-GCM keys, sealed with AES-256-GCM
// under the context's key, so what the SDK encrypts locally decrypts only
// through this emulator's decrypt endpoint.
package vault

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
)

// api serves the routes of every environment.
type api struct{ env web.Env }

// Routes lists the area's routes.
func Routes(env web.Env) []web.Route {
	a := &api{env: env}
	const g, key = web.GroupAPI, web.APIKey
	return []web.Route{
		web.R(http.MethodPost, "/vault/v1/kv", g, key, "create an encrypted object (201: its metadata)", shaped(a.create)),
		web.R(http.MethodGet, "/vault/v1/kv", g, key, "list objects (search, updatedAfter; cursors are object ids)", shaped(a.list)),
		web.R(http.MethodGet, "/vault/v1/kv/name/:name", g, key, "read and decrypt an object by name", shaped(a.readByName)),
		web.R(http.MethodGet, "/vault/v1/kv/:id", g, key, "read and decrypt an object", shaped(a.read)),
		web.R(http.MethodPut, "/vault/v1/kv/:id", g, key, "update an object's value (version_check: 409 when not current)", shaped(a.update)),
		web.R(http.MethodDelete, "/vault/v1/kv/:id", g, key, "delete an object (version_check query)", shaped(a.delete)),
		web.R(http.MethodGet, "/vault/v1/kv/:id/metadata", g, key, "an object's metadata, without decrypting it", shaped(a.describe)),
		web.R(http.MethodGet, "/vault/v1/kv/:id/versions", g, key, "an object's versions, newest first", shaped(a.versions)),
		web.R(http.MethodPost, "/vault/v1/keys/data-key", g, key, "create a data key for a key context", shaped(a.createDataKey)),
		web.R(http.MethodPost, "/vault/v1/keys/decrypt", g, key, "decrypt an encrypted data key", shaped(a.decryptDataKey)),
		web.R(http.MethodPost, "/vault/v1/keys/rekey", g, key, "re-encrypt a data key under another key context", shaped(a.rekey)),
	}
}

// shaped renders a handler's errors in Vault's shape.
func shaped(h echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error { return vaultShape(h(c)) }
}
