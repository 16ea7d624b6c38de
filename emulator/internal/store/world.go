package store

import (
	"cmp"
	"crypto/sha256"
	"hash/maphash"
	"slices"
	"strings"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/keys"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// World is all mutable state of an environment: what the fixtures seeded
// plus everything requests created since. Its fields are reached only
// through a Tx, under the store's lock.
type World struct {
	cfg  *Config
	ring *keys.Ring
	// fixtures is the loaded set plus what AddFixtures merged in: later
	// additions are validated against it.
	fixtures *fixtures.Set

	apps            map[string]*Application
	users           map[string]*User
	byEmail         map[string]*User
	usersByExternal map[string]*User
	userOrder       []*User

	orgs           map[string]*Organization
	orgsByExternal map[string]*Organization
	orgOrder       []*Organization

	roles map[string]*Role
	// orgRoles are organization-specific roles, by org id then slug.
	orgRoles    map[string]map[string]*Role
	permissions map[string]*Permission
	permOrder   []*Permission

	memberships     map[string]*Membership
	byPair          map[string]*Membership // user id + "/" + org id
	userMemberships map[string][]*Membership
	orgMemberships  map[string][]*Membership

	sessions     map[string]*Session
	userSessions map[string][]*Session
	access       map[tokenKey]*AccessToken // by hash of the token value (keyOf)
	tokenSeeds   [2]maphash.Seed
	refresh      map[string]*RefreshToken // by token value

	// sign-in state
	flows     map[string]*LoginFlow   // hosted login in progress, by id
	codes     map[string]*AuthCode    // authorization codes
	pending   map[string]*PendingAuth // pending authentication tokens
	devices   map[string]*DeviceAuth  // by device_code
	userCodes map[string]*DeviceAuth  // by user_code

	factors map[string]*Factor
	// userFactors are each user's factors in creation order: a sign-in
	// asks for them, so it must not scan every factor.
	userFactors map[string][]*Factor
	challenges  map[string]*Challenge

	outbox outbox

	invitations        map[string]*Invitation
	invitationsByToken map[string]*Invitation
	invitationOrder    []*Invitation

	apiKeys apiKeys // the API keys product
	connect connect // Connect applications' records and users' grants
	flags   flags   // feature flags

	// jwtTemplate adds custom claims to User Management tokens (nil: none).
	jwtTemplate *JWTTemplate

	// deferred are fixture tokens laid out at reset, signed on first use.
	deferred []*DeferredToken

	events    eventLog
	webhooks  webhooks
	delivered deliveries
	vault     vaultState
	pipes     pipesState
	sso       ssoState
	dsync     dsyncState
	audit     auditState

	// authz is Fine-Grained Authorization: resources, groups, role
	// assignments (authz_*.go).
	authz authzState

	// allow is the redirect URIs and CORS origins the API manages.
	allow allowlists
	// radar is the Radar attempts, lists and control-plane switch.
	radar radarState
	// agents is the agent registrations, their claims and credentials.
	agents agentsState

	// createdAt is when the world was built.
	createdAt time.Time
	// evictions schedules expired records for removal (see evict.go).
	evictions           evictions
	touchedUsers        map[string]bool // users whose session list has evicted entries
	evictedSinceCompact int
	// seq orders objects by creation, for stable list cursors.
	seq     uint64
	seqByID map[string]uint64
}

func newWorld(cfg *Config, ring *keys.Ring, now time.Time) *World {
	return &World{
		cfg: cfg, ring: ring, createdAt: now,
		apps: map[string]*Application{}, users: map[string]*User{}, byEmail: map[string]*User{},
		usersByExternal: map[string]*User{},
		orgs:            map[string]*Organization{}, orgsByExternal: map[string]*Organization{},
		roles: map[string]*Role{}, orgRoles: map[string]map[string]*Role{}, permissions: map[string]*Permission{},
		memberships: map[string]*Membership{}, byPair: map[string]*Membership{},
		userMemberships: map[string][]*Membership{}, orgMemberships: map[string][]*Membership{},
		sessions: map[string]*Session{}, userSessions: map[string][]*Session{},
		access: map[tokenKey]*AccessToken{}, refresh: map[string]*RefreshToken{},
		tokenSeeds: [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()},
		flows:      map[string]*LoginFlow{}, codes: map[string]*AuthCode{}, pending: map[string]*PendingAuth{},
		devices: map[string]*DeviceAuth{}, userCodes: map[string]*DeviceAuth{},
		factors: map[string]*Factor{}, userFactors: map[string][]*Factor{}, challenges: map[string]*Challenge{},
		outbox:      outbox{byID: map[string]*OutboxEntry{}, byToken: map[string]*OutboxEntry{}},
		invitations: map[string]*Invitation{}, invitationsByToken: map[string]*Invitation{},
		apiKeys: newAPIKeys(), connect: newConnect(), flags: newFlags(),
		seqByID: map[string]uint64{}, touchedUsers: map[string]bool{},
		events: newEventLog(), webhooks: newWebhooks(), delivered: newDeliveries(),
		vault: newVaultState(), pipes: newPipesState(), sso: newSSOState(), dsync: newDsyncState(), audit: newAuditState(), authz: newAuthzState(), allow: newAllowlists(), radar: newRadarState(), agents: newAgentsState(),
	}
}

// nextSeq numbers a new object in creation order and remembers the number
// by id, even after the object is deleted, so list cursors stay valid.
func (w *World) nextSeq(id string) uint64 {
	w.seq++
	w.seqByID[id] = w.seq
	return w.seq
}

// SeqOf is the creation number of an object id, live or deleted: list
// cursors are ids, and their position is this number.
func (tx *Tx) SeqOf(id string) (uint64, bool) {
	n, ok := tx.w.seqByID[id]
	return n, ok
}

// Listed is a record in a WorkOS list: its creation sequence orders the
// list and its id is the cursor.
type Listed interface {
	ListKey() (seq uint64, id string)
}

// SortBySeq sorts records into creation order.
func SortBySeq[T Listed](s []T) {
	slices.SortFunc(s, func(a, b T) int {
		sa, _ := a.ListKey()
		sb, _ := b.ListKey()
		return cmp.Compare(sa, sb)
	})
}

// insertBySeq puts x back into a creation-ordered slice.
func insertBySeq[T Listed](s []T, x T) []T {
	seq := func(v T) uint64 { n, _ := v.ListKey(); return n }
	i := len(s)
	for i > 0 && seq(s[i-1]) > seq(x) {
		i--
	}
	s = append(s, x)
	copy(s[i+1:], s[i:])
	s[i] = x
	return s
}

// without1 removes one element (by identity) from a creation-ordered slice,
// keeping the order.
func without1[T comparable](s []T, x T) []T {
	for i, v := range s {
		if v == x {
			return append(s[:i:i], s[i+1:]...)
		}
	}
	return s
}

// Without returns list without v (every occurrence), as a new slice.
func Without(list []string, v string) []string {
	var out []string
	for _, x := range list {
		if x != v {
			out = append(out, x)
		}
	}
	return out
}

func pairKey(userID, orgID string) string { return userID + "/" + orgID }

// EmailKey is how e-mails are compared: case-insensitive, trimmed.
func EmailKey(e string) string { return strings.ToLower(strings.TrimSpace(e)) }

// at returns a fixture timestamp, or def when it has none.
func at(t fixtures.Timestamp, def time.Time) time.Time {
	if v, ok := t.Time(); ok {
		return v.UTC()
	}
	return def
}

// deriveULID makes a stable ULID for objects the fixtures describe but do
// not name (organization domains, API keys), from a key and a time.
func deriveULID(key string, t time.Time) string {
	h := sha256.Sum256([]byte(key))
	var u ulid.ULID
	_ = u.SetTime(ulid.Timestamp(t))
	copy(u[6:], h[:10])
	return u.String()
}

func copyMetadata(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
