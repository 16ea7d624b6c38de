package store

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// Snapshots: the world as a fixture set that, loaded into a fresh
// emulator, reproduces it (GET /_emulator/snapshot, --export-on-exit,
// the testkit's Snapshot). Every item is written with its id and times,
// nothing is left to defaults, and the seeded streams' positions and the
// event cursor go into the environment, so loading a snapshot and taking
// one again gives the same bytes. Each product area adds its section's
// exporter to snapshotters.

// snapshotters fill the sections of a snapshot, one per area, each in
// its area's file. Those that complete an item another wrote (an
// organization's API keys, the environment's allow-lists) come after it.
var snapshotters = []func(tx *Tx, set *fixtures.Set){
	snapshotEnvironment,
	snapshotAllowlists,
	snapshotRadarLists,
	snapshotApplications,
	snapshotOrganizations,
	snapshotUsers,
	snapshotRoles,
	snapshotMemberships,
	snapshotAPIKeys,
	snapshotSessions,
	snapshotInvitations,
	snapshotWebhookEndpoints,
	snapshotVaultObjects,
	snapshotDataIntegrations,
	snapshotFeatureFlags,
	snapshotConnections,
	snapshotDirectories,
	snapshotAuditLogs,
	snapshotAuthorization,
	snapshotAgentRegistrations,
}

// Snapshot renders the world as a fixture set.
func (s *Store) Snapshot() *fixtures.Set {
	set := &fixtures.Set{Version: fixtures.SchemaVersion}
	_ = s.Read(func(tx *Tx) error {
		for _, fill := range snapshotters {
			fill(tx, set)
		}
		return nil
	})
	return set
}

// stamp writes a time the way fixtures read it, to the nanosecond.
func stamp(t time.Time) fixtures.Timestamp {
	if t.IsZero() {
		return ""
	}
	return fixtures.Timestamp(t.UTC().Format(time.RFC3339Nano))
}

// stampPtr is stamp for an optional time.
func stampPtr(t *time.Time) fixtures.Timestamp {
	if t == nil {
		return ""
	}
	return stamp(*t)
}

// timePtr is the time a fixture gives, or nil when it gives none.
func timePtr(t fixtures.Timestamp) *time.Time {
	v, ok := t.Time()
	if !ok {
		return nil
	}
	v = v.UTC()
	return &v
}

// plain makes attribute values plain YAML values: numbers the API decoded
// as json.Number become int64 or float64, so a snapshot writes them as
// numbers and reads them back the same.
func plain(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = plainValue(v)
	}
	return out
}

func plainValue(v any) any {
	switch x := v.(type) {
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i
		}
		if f, err := x.Float64(); err == nil {
			return f
		}
		return x.String()
	case map[string]any:
		return plain(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = plainValue(e)
		}
		return out
	}
	return v
}

// userExists and orgExists say whether a reference a snapshot writes
// still names something: a snapshot refers only to what it contains, or
// it would not load.
func (tx *Tx) userExists(id string) bool { return id != "" && tx.w.users[id] != nil }
func (tx *Tx) orgExists(id string) bool  { return id != "" && tx.w.orgs[id] != nil }

func snapshotEnvironment(tx *Tx, set *fixtures.Set) {
	env := tx.w.fixtures.Environment
	cfg := tx.st.cfg
	env.ClientID = cfg.ClientID
	env.APIKeys = nil
	for _, k := range cfg.APIKeys {
		env.APIKeys = append(env.APIKeys, string(k))
	}
	env.Clock = stamp(tx.now)
	env.CreatedAt = stamp(tx.w.createdAt)
	env.Seed = tx.st.seed
	env.RandomState = tx.st.randomState()
	if n := len(tx.w.events.all.items); n > 0 {
		env.EventCursor = tx.w.events.all.items[n-1].ID
	} else {
		env.EventCursor = tx.w.events.origin
	}
	env.JWTTemplate, env.JWTTemplateCreatedAt, env.JWTTemplateUpdatedAt = "", "", ""
	if t := tx.w.jwtTemplate; t != nil {
		env.JWTTemplate, env.JWTTemplateCreatedAt, env.JWTTemplateUpdatedAt = t.Content, stamp(t.CreatedAt), stamp(t.UpdatedAt)
	}
	set.Environment = env
}

// randomState encodes the positions of the seeded streams.
func (s *Store) randomState() string {
	parts := []string{"v1"}
	// The request-id stream is left out: request ids need not continue, and
	// with it every request (a GET of the snapshot itself) would change
	// the snapshot.
	for _, e := range []*entropy{s.ids, s.eventIDs} {
		b, err := e.state()
		if err != nil {
			return ""
		}
		parts = append(parts, base64.RawURLEncoding.EncodeToString(b))
	}
	return strings.Join(parts, ".")
}

// restoreRandomState puts the seeded streams where a snapshot left them.
func (s *Store) restoreRandomState(state string) error {
	parts := strings.Split(state, ".")
	if len(parts) != 3 || parts[0] != "v1" {
		return errors.New("environment.random_state is not a state this emulator wrote")
	}
	for i, e := range []*entropy{s.ids, s.eventIDs} {
		b, err := base64.RawURLEncoding.DecodeString(parts[i+1])
		if err == nil {
			err = e.restore(b)
		}
		if err != nil {
			return fmt.Errorf("environment.random_state: %v", err)
		}
	}
	return nil
}

// keptToken is the pins of the access token a session keeps (fixture and
// minted sessions), whether signed yet or still deferred, or nil.
func (tx *Tx) keptToken(s *Session) *fixtures.AccessToken {
	pins := func(rec *AccessToken) *fixtures.AccessToken {
		return &fixtures.AccessToken{JTI: rec.JTI, IssuedAt: stamp(time.Unix(rec.IAT, 0)), ExpiresAt: stamp(time.Unix(rec.Exp, 0))}
	}
	if s.AccessToken != "" {
		if rec := tx.w.access[tx.w.keyOf(s.AccessToken)]; rec != nil {
			return pins(rec)
		}
		return nil
	}
	for _, d := range tx.w.deferred {
		if d.Rec.SessionID == s.ID && d.minted == s.minted {
			return pins(d.Rec)
		}
	}
	return nil
}
