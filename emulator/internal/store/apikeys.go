package store

import (
	"cmp"
	"crypto/sha256"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// PrefixAPIKey starts the ids of the API keys organizations and users
// issue (the WorkOS API keys product, not the environment's own keys).
const PrefixAPIKey = "api_key_"

// APIKey is an API key of the WorkOS API keys product: owned by an
// organization (fixtures' organizations[].api_keys, or the API), or by a
// user for one organization they belong to. Its value is shown once, at
// creation; the world keeps it only to validate it.
type APIKey struct {
	Seq         uint64
	ID          string
	Name        string
	value       string
	OrgID       string // the owning organization, or the one a user key can access
	UserID      string // "" for organization keys
	Permissions []string
	ExpiresAt   *time.Time
	LastUsedAt  *time.Time
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// ListKey orders keys by creation.
func (k *APIKey) ListKey() (uint64, string) { return k.Seq, k.ID }

// Value is the key's secret value (for the creation answer only).
func (k *APIKey) Value() string { return k.value }

// ExpiredAt reports whether the key has expired by now.
func (k *APIKey) ExpiredAt(now time.Time) bool {
	return k.ExpiresAt != nil && !now.Before(*k.ExpiresAt)
}

// Obfuscated is how WorkOS shows a key after creation: its prefix and its
// last four characters ("sk_...3456").
func (k *APIKey) Obfuscated() string {
	v := k.value
	prefix := ""
	for _, p := range []string{"sk_test_", "sk_live_", "sk_"} {
		if strings.HasPrefix(v, p) {
			prefix = p
			break
		}
	}
	tail := ""
	if len(v)-len(prefix) > 8 {
		tail = v[len(v)-4:]
	}
	return prefix + "..." + tail
}

// Owner is the key's owner object: the organization, or the user and the
// organization the key can access.
func (k *APIKey) Owner() wire.Object {
	if k.UserID == "" {
		return wire.Object{{"type", "organization"}, {"id", k.OrgID}}
	}
	return wire.Object{{"type", "user"}, {"id", k.UserID}, {"organization_id", k.OrgID}}
}

// Object renders the WorkOS api_key, with the value obfuscated.
func (k *APIKey) Object() wire.Object {
	return wire.Object{{"object", "api_key"}, {"id", k.ID}, {"owner", k.Owner()},
		{"name", k.Name}, {"obfuscated_value", k.Obfuscated()}, {"last_used_at", wire.TimePtr(k.LastUsedAt)},
		{"expires_at", wire.TimePtr(k.ExpiresAt)}, {"permissions", wire.NonNil(k.Permissions)},
		{"created_at", wire.Time(k.CreatedAt)}, {"updated_at", wire.Time(k.UpdatedAt)}}
}

// ObjectWithValue is the creation answer: the object and, once, the value.
func (k *APIKey) ObjectWithValue() wire.Object { return append(k.Object(), wire.KV{"value", k.value}) }

// apiKeys indexes the world's API keys. Values are looked up by their
// SHA-256, so finding a key takes no time that depends on how much of a
// guess matched.
type apiKeys struct {
	byHash map[[32]byte]*APIKey
	byID   map[string]*APIKey
	byOrg  map[string][]*APIKey // organization keys, in creation order
	byUser map[string][]*APIKey // user keys, in creation order
}

func newAPIKeys() apiKeys {
	return apiKeys{byHash: map[[32]byte]*APIKey{}, byID: map[string]*APIKey{},
		byOrg: map[string][]*APIKey{}, byUser: map[string][]*APIKey{}}
}

// APIKeyByID is the key with that id, or nil.
func (tx *Tx) APIKeyByID(id string) *APIKey { return tx.w.apiKeys.byID[id] }

// OrgAPIKeys lists an organization's own keys in creation order. The
// slice is the index: do not change it.
func (tx *Tx) OrgAPIKeys(orgID string) []*APIKey { return tx.w.apiKeys.byOrg[orgID] }

// UserAPIKeys lists a user's keys in creation order. The slice is the
// index: do not change it.
func (tx *Tx) UserAPIKeys(userID string) []*APIKey { return tx.w.apiKeys.byUser[userID] }

// ValidAPIKey finds the key with that value if it validates now: not
// expired, its organization still there and, for a user key, its user
// still an active member of that organization.
func (tx *Tx) ValidAPIKey(value string) *APIKey {
	k := tx.w.apiKeys.byHash[sha256.Sum256([]byte(value))]
	if k == nil || k.ExpiredAt(tx.now) || tx.w.orgs[k.OrgID] == nil {
		return nil
	}
	if k.UserID != "" && (tx.w.users[k.UserID] == nil || !tx.ActiveMember(k.UserID, k.OrgID)) {
		return nil
	}
	return k
}

// APIKeyValueTaken reports whether some key already has that value.
func (tx *Tx) APIKeyValueTaken(value string) bool {
	return tx.w.apiKeys.byHash[sha256.Sum256([]byte(value))] != nil
}

// NewAPIKeyValue is a new key value, shaped like WorkOS's ("sk_" and 48
// alphanumerics), from the seeded source.
func (tx *Tx) NewAPIKeyValue() string { return "sk_" + tx.Token(48) }

// AddAPIKey indexes a new key with its value and emits api_key.created.
func (tx *Tx) AddAPIKey(k *APIKey, value string) {
	ks := &tx.w.apiKeys
	k.value = value
	k.Seq = tx.w.nextSeq(k.ID)
	ks.byHash[sha256.Sum256([]byte(value))] = k
	ks.byID[k.ID] = k
	if k.UserID == "" {
		ks.byOrg[k.OrgID] = append(ks.byOrg[k.OrgID], k)
	} else {
		ks.byUser[k.UserID] = append(ks.byUser[k.UserID], k)
	}
	tx.Emit("api_key.created", k.OrgID, k.Object())
}

// DeleteAPIKey removes a key (it stops validating at once) and emits
// api_key.revoked.
func (tx *Tx) DeleteAPIKey(k *APIKey) {
	ks := &tx.w.apiKeys
	delete(ks.byHash, sha256.Sum256([]byte(k.value)))
	delete(ks.byID, k.ID)
	tx.w.forgetSeq(k.ID, tx.now)
	if k.UserID == "" {
		ks.byOrg[k.OrgID] = without1(ks.byOrg[k.OrgID], k)
		if len(ks.byOrg[k.OrgID]) == 0 {
			delete(ks.byOrg, k.OrgID)
		}
	} else {
		ks.byUser[k.UserID] = without1(ks.byUser[k.UserID], k)
		if len(ks.byUser[k.UserID]) == 0 {
			delete(ks.byUser, k.UserID)
		}
	}
	tx.Emit("api_key.revoked", k.OrgID, k.Object())
}

// SetAPIKeyExpiry sets (nil: clears) when a key expires and emits
// api_key.updated with the previous expiry.
func (tx *Tx) SetAPIKeyExpiry(k *APIKey, at *time.Time) {
	prev := wire.TimePtr(k.ExpiresAt)
	k.ExpiresAt = at
	k.UpdatedAt = tx.now
	tx.Emit("api_key.updated", k.OrgID, append(k.Object(), wire.KV{"previous_attributes", wire.Object{{"expires_at", prev}}}))
}

// TouchAPIKey records that a key was used now (a validation).
func (tx *Tx) TouchAPIKey(k *APIKey) {
	now := tx.now
	k.LastUsedAt = &now
}

// seedOrgAPIKeys adds the API keys of fixture organizations. Ids not given
// derive from the organization and the key's name, so they are the same
// on every reset.
func (tx *Tx) seedOrgAPIKeys(orgs []fixtures.Organization) error {
	for i := range orgs {
		o := &orgs[i]
		for _, fk := range o.APIKeys {
			if tx.APIKeyValueTaken(fk.Value) {
				return fmt.Errorf("an API key with the value of %s's key %q already exists", o.ID, fk.Name)
			}
			created := at(fk.CreatedAt, at(o.CreatedAt, tx.now))
			tx.AddAPIKey(&APIKey{ID: cmp.Or(fk.ID, PrefixAPIKey+deriveULID(o.ID+"/"+fk.Name, created)), OrgID: o.ID, Name: fk.Name,
				Permissions: slices.Clone(fk.Permissions), ExpiresAt: timePtr(fk.ExpiresAt), LastUsedAt: timePtr(fk.LastUsedAt),
				CreatedAt: created, UpdatedAt: at(fk.UpdatedAt, created)}, fk.Value)
		}
	}
	return nil
}

// seedUserAPIKeys adds the API keys of fixture users, each for one of the
// user's organizations.
func (tx *Tx) seedUserAPIKeys(users []fixtures.User) error {
	for i := range users {
		u := &users[i]
		for _, fk := range u.APIKeys {
			if tx.APIKeyValueTaken(fk.Value) {
				return fmt.Errorf("an API key with the value of %s's key %q already exists", u.ID, fk.Name)
			}
			if tx.w.orgs[fk.OrganizationID] == nil {
				return fmt.Errorf("organization %s does not exist", fk.OrganizationID)
			}
			created := at(fk.CreatedAt, tx.now)
			tx.AddAPIKey(&APIKey{ID: cmp.Or(fk.ID, PrefixAPIKey+deriveULID(u.ID+"/"+fk.OrganizationID+"/"+fk.Name, created)),
				OrgID: fk.OrganizationID, UserID: u.ID, Name: fk.Name, Permissions: slices.Clone(fk.Permissions),
				ExpiresAt: timePtr(fk.ExpiresAt), LastUsedAt: timePtr(fk.LastUsedAt), CreatedAt: created, UpdatedAt: at(fk.UpdatedAt, created)}, fk.Value)
		}
	}
	return nil
}

// snapshotAPIKeys writes the organizations' and users' API keys (values
// included: a key's value is what validates it) onto the organizations
// and users already written. A user's key for an organization since
// deleted is left out: it cannot validate again, and could not load.
func snapshotAPIKeys(tx *Tx, set *fixtures.Set) {
	for i := range set.Organizations {
		o := &set.Organizations[i]
		for _, k := range tx.w.apiKeys.byOrg[o.ID] {
			o.APIKeys = append(o.APIKeys, fixtures.OrgAPIKey{ID: k.ID, Name: k.Name, Value: k.value, Permissions: slices.Clone(k.Permissions),
				ExpiresAt: stampPtr(k.ExpiresAt), LastUsedAt: stampPtr(k.LastUsedAt), CreatedAt: stamp(k.CreatedAt), UpdatedAt: stamp(k.UpdatedAt)})
		}
	}
	for i := range set.Users {
		u := &set.Users[i]
		for _, k := range tx.w.apiKeys.byUser[u.ID] {
			if !tx.orgExists(k.OrgID) {
				continue
			}
			u.APIKeys = append(u.APIKeys, fixtures.UserAPIKey{ID: k.ID, Name: k.Name, Value: k.value, OrganizationID: k.OrgID,
				Permissions: slices.Clone(k.Permissions), ExpiresAt: stampPtr(k.ExpiresAt), LastUsedAt: stampPtr(k.LastUsedAt),
				CreatedAt: stamp(k.CreatedAt), UpdatedAt: stamp(k.UpdatedAt)})
		}
	}
}
