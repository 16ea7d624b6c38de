// Package store is the world of one environment: the records of every
// WorkOS area (users, organizations, sessions, tokens, codes, ...), their
// indexes and invariants, the instance clock, the seeded random source,
// eviction of expired state, the outbox, the request journal and the
// scripted faults. It is the only package that takes the world's lock:
// everything else reads and changes the world through Read and Write
// transactions, so every operation is linearizable (a revoke that returned
// is seen by the next introspection). It knows nothing of HTTP or Echo.
package store

import (
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/keys"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// Store is one environment: its configuration, clock, random source, keys
// and world.
type Store struct {
	cfg   *Config
	clock *Clock
	// ids is the seeded stream for ids, tokens and codes; reqIDs the one for
	// request ids (see entropy).
	ids    *entropy
	reqIDs *entropy
	// eventIDs numbers events and signs nothing else: emitting events must
	// not shift the ids and tokens a scenario got before events existed.
	eventIDs *entropy
	seed     int64
	start    time.Time // the clock's initial frozen time, zero when real
	// loaded is the fixture set the environment was built from; reset goes
	// back to it.
	loaded *fixtures.Set
	// ring is the loaded key ring. Rings never change (rotation builds a
	// new one), so every reset starts from this one: keys are parsed, and
	// their JWKS and certificates made, once per environment.
	ring *keys.Ring

	mu sync.RWMutex
	w  *World
	// fixMu serializes resets and fixture additions, so concurrent
	// additions validate against each other. It is not the world's lock:
	// parsing and validating a fixture happen under it, outside any
	// transaction.
	fixMu sync.Mutex

	journal *Journal
	faults  *Faults
	// deliveries wakes the webhook dispatcher; the deliveries themselves
	// are world state.
	deliveries *deliveryQueue
	memo       sync.Map
	txs        sync.Pool // transactions, recycled
	// version counts the changes an observer can see (every write, reset,
	// clock move and fault change): the inspector polls it to know when to
	// look again without reading the world.
	version atomic.Uint64
}

// Options are what a Store is built from.
type Options struct {
	Fixtures  *fixtures.Set
	Overrides Overrides
	// Clock, when set, starts the clock frozen there (overriding
	// environment.clock).
	Clock time.Time
	// Seed, when set, overrides environment.seed.
	Seed *int64
	// Ring, when set, is used instead of parsing the fixture's keys: an
	// environment created at run time shares the keys of the one it was
	// made from (parsing RSA keys is most of the cost of a new one).
	Ring *keys.Ring
}

// New builds an environment's store, without a world: the caller resets it
// (Reset), which seeds the world and mints the fixture sessions' tokens.
// A fixture key that does not parse is a fixtures.Problems error.
func New(o Options) (*Store, error) {
	set := o.Fixtures
	cfg, err := ResolveConfig(set, o.Overrides)
	if err != nil {
		return nil, err
	}
	ring := o.Ring
	if ring == nil {
		if ring, err = keys.NewRing(set); err != nil {
			return nil, err
		}
	}
	s := &Store{cfg: cfg, loaded: set, ring: ring, seed: set.Environment.Seed, start: o.Clock,
		journal: &Journal{}, faults: newFaults()}
	if o.Seed != nil {
		s.seed = *o.Seed
	}
	if s.start.IsZero() {
		s.start, _ = set.Environment.Clock.Time()
	}
	s.clock = NewClock(s.start)
	s.txs.New = func() any { return new(Tx) }
	s.ids = newEntropy(s.seed, "ids")
	s.reqIDs = newEntropy(s.seed, "requests")
	s.eventIDs = newEntropy(s.seed, "events")
	s.deliveries = newDeliveryQueue()
	s.clock.onChange = func() {
		s.changed()
		s.deliveries.wake()
	}
	s.faults.onChange = s.changed
	return s, nil
}

// Version is a number that changes whenever the world, the clock or the
// faults may have: every write transaction counts, even one that changed
// nothing, so equal versions mean nothing changed but different ones only
// say "look again". It costs an atomic load.
func (s *Store) Version() uint64 { return s.version.Load() }

// changed counts a change for Version.
func (s *Store) changed() { s.version.Add(1) }

// Config is the environment's resolved configuration.
func (s *Store) Config() *Config { return s.cfg }

// LoadedRing is the key ring the environment was loaded with (before any
// rotation).
func (s *Store) LoadedRing() *keys.Ring { return s.ring }

// Clock is the environment's clock.
func (s *Store) Clock() *Clock { return s.clock }

// Fixtures is the fixture set the environment was loaded from (without
// what was added at run time).
func (s *Store) Fixtures() *fixtures.Set { return s.loaded }

// Journal is the environment's request journal.
func (s *Store) Journal() *Journal { return s.journal }

// Faults is the environment's queue of scripted failures.
func (s *Store) Faults() *Faults { return s.faults }

// RequestID draws a request id from its own seeded stream, so requests that
// change nothing cannot shift the tokens a scenario gets.
func (s *Store) RequestID() string { return s.reqIDs.uuid() }

// Read runs fn on a consistent view of the world under the read lock.
// fn must not change anything, and must not keep tx: read transactions
// are recycled (introspection and the JWKS run one per request, and a
// transaction allocated each time would be most of their garbage).
func (s *Store) Read(fn func(tx *Tx) error) error {
	tx := s.txs.Get().(*Tx)
	s.mu.RLock()
	defer func() {
		s.mu.RUnlock() // deferred: a panicking handler must not leave the world locked
		*tx = Tx{}
		s.txs.Put(tx)
	}()
	tx.st, tx.w, tx.now = s, s.w, s.clock.Now()
	return fn(tx)
}

// Write runs fn under the write lock. Handlers check everything before they
// change anything, so a failing fn leaves no partial change. fn must not
// keep tx (transactions are recycled). After fn, the
// records whose grace period has passed are evicted (at most a batch per
// write, so memory stays bounded under sustained sign-ins).
func (s *Store) Write(fn func(tx *Tx) error) error {
	tx := s.txs.Get().(*Tx)
	var err error
	var release bool
	func() {
		s.mu.Lock()
		defer s.mu.Unlock() // a panicking handler must not leave the world locked
		tx.st, tx.w, tx.now, tx.write = s, s.w, s.clock.Now(), true
		err = fn(tx)
		// The world has no rollback (handlers check before they change),
		// so what fn changed stays, even when it then refused the request
		// (a sign-in interrupted for MFA keeps its pending token): the
		// events of those changes, and failure events, are committed too.
		tx.commitEvents()
		release = tx.w.sweep(tx.now)
		s.changed()
	}()
	queued := tx.queued
	*tx = Tx{}
	s.txs.Put(tx)
	if queued {
		if fn := s.deliveries.onQueued; fn != nil {
			fn()
		}
		s.deliveries.wake()
	}
	if release {
		// After a big sweep, hand freed memory back to the OS so the
		// process's RSS follows its live state.
		debug.FreeOSMemory()
	}
	return err
}

// Tx is a transaction: a view of the world (Read) or the right to change it
// (Write), at one instant of the instance clock.
type Tx struct {
	st    *Store
	w     *World
	now   time.Time
	write bool
	// emitted are the events of a write, committed when it succeeds.
	emitted []pendingEvent
	// queued is set when the commit queued webhook deliveries.
	queued bool
}

// Now is the instance clock's time when the transaction started.
func (tx *Tx) Now() time.Time { return tx.now }

// Config is the environment's configuration.
func (tx *Tx) Config() *Config { return tx.st.cfg }

// NewID is a new WorkOS id: prefix and a ULID stamped with the instance
// clock, from the seeded source.
func (tx *Tx) NewID(prefix string) string { return prefix + tx.st.ids.ulid(tx.now) }

// Token is a new opaque alphanumeric string of n characters (refresh
// tokens, codes, pending tokens), from the seeded source.
func (tx *Tx) Token(n int) string { return tx.st.ids.token(n) }

// Digits is n new decimal digits (one-time codes), from the seeded source.
func (tx *Tx) Digits(n int) string { return tx.st.ids.digits(n) }

// ULID is a bare ULID stamped with t, from the seeded source (jti claims).
func (tx *Tx) ULID(t time.Time) string { return tx.st.ids.ulid(t) }

// CreatedAt is when the world was built: the creation time of objects that
// exist from the start (the default JWT template).
func (tx *Tx) CreatedAt() time.Time { return tx.w.createdAt }

// Counts summarizes the world, for the startup log line and the CLI's
// validate command.
func (s *Store) Counts() map[string]int {
	out := map[string]int{}
	_ = s.Read(func(tx *Tx) error {
		w := tx.w
		out = map[string]int{"applications": len(w.apps), "users": len(w.users), "organizations": len(w.orgs),
			"memberships": len(w.memberships), "roles": len(w.roles), "sessions": len(w.sessions)}
		return nil
	})
	return out
}

// Memo returns the environment's value for key, made once by make: for
// answers that depend only on the configuration (the discovery documents),
// rendered on first use and served as bytes after.
func (s *Store) Memo(key string, make func() any) any {
	if v, ok := s.memo.Load(key); ok {
		return v
	}
	v, _ := s.memo.LoadOrStore(key, make())
	return v
}
