package emulator

import (
	"crypto/subtle"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// orgAPIKey is an API key an organization issued (fixtures'
// organizations[].api_keys), the kind authkit-nextjs validates.
type orgAPIKey struct {
	id          string
	orgID       string
	name        string
	value       string
	permissions []string
	createdAt   time.Time
}

func (k *orgAPIKey) object() object {
	obfuscated := k.value
	if len(obfuscated) > 8 {
		obfuscated = obfuscated[:4] + "…" + obfuscated[len(obfuscated)-4:]
	}
	return object{{"object", "api_key"}, {"id", k.id}, {"owner", object{{"type", "organization"}, {"id", k.orgID}}},
		{"name", k.name}, {"obfuscated_value", obfuscated}, {"last_used_at", nil}, {"expires_at", nil},
		{"permissions", nonNil(k.permissions)}, {"created_at", isoTime(k.createdAt)}, {"updated_at", isoTime(k.createdAt)}}
}

// validateAPIKey serves POST /api_keys/validations: {"api_key": {...}} for a
// key of an existing organization, {"api_key": null} otherwise.
func (s *Server) validateAPIKey(c echo.Context) error {
	b, err := readJSONBody(c)
	if err != nil {
		return err
	}
	value := b.str("value")
	if value == "" {
		b.bad("value", "value_required")
	}
	if err := b.err(); err != nil {
		return err
	}
	w := s.world()
	w.mu.RLock()
	defer w.mu.RUnlock()
	var found *orgAPIKey
	for v, k := range w.orgAPIKeys {
		if subtle.ConstantTimeCompare([]byte(v), []byte(value)) == 1 && w.orgs[k.orgID] != nil {
			found = k
		}
	}
	if found == nil {
		return writeJSON(c, http.StatusOK, object{{"api_key", nil}})
	}
	return writeJSON(c, http.StatusOK, object{{"api_key", found.object()}})
}
