package store

import (
	"crypto/subtle"
	"time"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
)

// OrgAPIKey is an API key an organization issued (fixtures'
// organizations[].api_keys), the kind authkit-nextjs validates.
type OrgAPIKey struct {
	ID          string
	OrgID       string
	Name        string
	Value       string
	Permissions []string
	CreatedAt   time.Time
}

// Object renders the WorkOS api_key, with the value obfuscated.
func (k *OrgAPIKey) Object() wire.Object {
	obfuscated := k.Value
	if len(obfuscated) > 8 {
		obfuscated = obfuscated[:4] + "…" + obfuscated[len(obfuscated)-4:]
	}
	return wire.Object{{"object", "api_key"}, {"id", k.ID}, {"owner", wire.Object{{"type", "organization"}, {"id", k.OrgID}}},
		{"name", k.Name}, {"obfuscated_value", obfuscated}, {"last_used_at", nil}, {"expires_at", nil},
		{"permissions", wire.NonNil(k.Permissions)}, {"created_at", wire.Time(k.CreatedAt)}, {"updated_at", wire.Time(k.CreatedAt)}}
}

// OrgAPIKeyByValue finds the key of an existing organization with that
// value, comparing every key in constant time.
func (tx *Tx) OrgAPIKeyByValue(value string) *OrgAPIKey {
	var found *OrgAPIKey
	for v, k := range tx.w.orgAPIKeys {
		if subtle.ConstantTimeCompare([]byte(v), []byte(value)) == 1 && tx.w.orgs[k.OrgID] != nil {
			found = k
		}
	}
	return found
}
