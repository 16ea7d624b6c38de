package emulator

import (
	"context"
	"encoding/json"
	"time"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/control"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/oauth"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/signin"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/tokens"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
)

// The Go API the testkit (and anyone embedding the emulator) uses: each
// method calls the same internal operation as its /_emulator route, so a
// scenario written in Go can be replayed with curl against the container.
// Methods that fail return errors whose text is the status, code and
// message the HTTP route would answer.

// Reset returns the instance to exactly the loaded world: the same ids, the
// same tokens, the same keys, an empty journal, no faults and, when
// resetClock is set, the same clock. Fixtures added at run time are dropped.
func (s *Server) Reset(resetClock bool) error {
	return control.Reset(context.Background(), s.st, resetClock)
}

// AddFixtures merges a fixture document (YAML or JSON) into the running
// world. It is validated together with the world's fixtures; on any
// problem nothing changes and the error is a fixtures.Problems listing
// every problem. Omitted ids are generated from the seed, as at load time.
// The environment cannot change at run time.
func (s *Server) AddFixtures(ctx context.Context, data []byte, name string) (map[string]int, error) {
	added, err := tokens.AddFixtures(ctx, s.st, data, name)
	return added, err
}

// Mint issues an access token as MintRequest describes. A user token gets a
// new session (with a refresh token) unless SessionID names one of the
// user's; an M2M token has none. Invalid requests are 422 errors.
func (s *Server) Mint(ctx context.Context, req MintRequest) (*MintResult, error) {
	res, err := signin.Mint(ctx, s.st, signin.MintRequest(req))
	if err != nil {
		return nil, err
	}
	out := MintResult(*res)
	return &out, nil
}

// MintBad mints a token with one defect (see Defects). claim names the
// claim a missing_claim token lacks. The token is built exactly as Mint
// would build it, then broken, and is never registered.
func (s *Server) MintBad(ctx context.Context, req MintRequest, defect, claim string) (string, error) {
	return signin.MintBad(ctx, s.st, signin.MintRequest(req), defect, claim)
}

// Session returns a session and its current tokens.
func (s *Server) Session(id string) (*SessionInfo, error) {
	info, err := control.Session(s.st, id)
	if err != nil {
		return nil, err
	}
	out := SessionInfo(*info)
	return &out, nil
}

// RevokeSession ends a session: its access tokens introspect inactive and
// its refresh token gets invalid_grant from the moment this returns.
// Revoking an ended session is a no-op; an unknown id is a 404 error.
func (s *Server) RevokeSession(id string) error { return signin.RevokeSession(s.st, id) }

// Keys lists the published keys; the signing one is marked.
func (s *Server) Keys() []KeyInfo {
	list := control.Keys(s.st)
	out := make([]KeyInfo, len(list))
	for i, k := range list {
		out[i] = KeyInfo(k)
	}
	return out
}

// RotateKey makes the next key (from environment.signing_keys, then the
// embedded pool) sign new tokens; the previous key stays in the JWKS, and
// its tokens stay valid, until RetireKey. It returns the new kid.
func (s *Server) RotateKey() (string, error) { return control.RotateKey(s.st) }

// RetireKey removes a key that no longer signs from the JWKS; the tokens it
// signed introspect inactive from then on.
func (s *Server) RetireKey(kid string) error { return control.RetireKey(s.st, kid) }

// AddFault queues a fault and returns it with its id.
func (s *Server) AddFault(f Fault) (Fault, error) {
	added, err := control.AddFault(s.st, store.Fault{Method: f.Method, Path: f.Path, Status: f.Status, Body: f.Body,
		Count: f.Count, Delay: f.Delay})
	if err != nil {
		return Fault{}, err
	}
	return publicFault(added), nil
}

func publicFault(f store.Fault) Fault {
	return Fault{ID: f.ID, Method: f.Method, Path: f.Path, Status: f.Status, Body: json.RawMessage(f.Body), Count: f.Count,
		Delay: f.Delay, Remaining: f.Remaining}
}

// Faults lists the queued faults.
func (s *Server) Faults() []Fault {
	list := s.st.Faults().List()
	out := make([]Fault, len(list))
	for i, f := range list {
		out[i] = publicFault(f)
	}
	return out
}

// ClearFaults removes every queued fault.
func (s *Server) ClearFaults() { s.st.Faults().Clear() }

// Requests lists journal entries matching f, oldest first, and how many
// entries the bounded journal has dropped.
func (s *Server) Requests(f RequestFilter) ([]RecordedRequest, uint64) {
	list, dropped := web.Requests(s.st, store.RequestFilter(f))
	out := make([]RecordedRequest, len(list))
	for i, r := range list {
		out[i] = RecordedRequest{Seq: r.Seq, Time: r.Time, RequestID: r.RequestID, Method: r.Method, Path: r.Path, Query: r.Query,
			Headers: r.Headers, Body: r.Body, Status: r.Status, Truncated: r.Truncated, Response: RecordedResponse(r.Response)}
	}
	return out, dropped
}

// ClearRequests empties the journal.
func (s *Server) ClearRequests() { s.st.Journal().Clear() }

// Codes lists what the emulator would have e-mailed, newest first; email and
// kind filter when not empty.
func (s *Server) Codes(email, kind string) []Code {
	list := control.Codes(s.st, email, kind)
	out := make([]Code, len(list))
	for i, c := range list {
		out[i] = Code(c)
	}
	return out
}

// User returns a user by id (a 404 error when there is none).
func (s *Server) User(id string) (User, error) {
	var out User
	err := s.st.Read(func(tx *store.Tx) error {
		u := tx.User(id)
		if u == nil {
			return web.NotFound("User", id)
		}
		out = User{Object: "user", ID: u.ID, FirstName: wire.Opt(u.FirstName), LastName: wire.Opt(u.LastName),
			Name: wire.Opt(u.Name()), ProfilePictureURL: wire.Opt(u.ProfilePictureURL), Email: u.Email,
			EmailVerified: u.EmailVerified, ExternalID: u.ExternalID, Metadata: wire.CopyMap(u.Metadata),
			LastSignInAt: wire.TimePtr(u.LastSignInAt), Locale: wire.Opt(u.Locale),
			CreatedAt: wire.Time(u.CreatedAt), UpdatedAt: wire.Time(u.UpdatedAt)}
		return nil
	})
	return out, err
}

// Introspect answers as POST /oauth2/introspection does (without client
// authentication), decoded as a JSON client would see it.
func (s *Server) Introspect(token string) map[string]any {
	var m map[string]any
	_ = json.Unmarshal(oauth.Introspection(s.st, token), &m)
	return m
}

// Clock is an instance's only source of time: every iat, exp, expiry check,
// ULID timestamp and created_at reads it. It runs with wall time (plus any
// Advance) until Set freezes it; Real returns it to wall time.
type Clock struct{ c *store.Clock }

// NewClock returns a clock running with wall time, or frozen at start when
// start is not zero.
func NewClock(start time.Time) *Clock { return &Clock{c: store.NewClock(start)} }

// Now is the instance's current time, in UTC.
func (c *Clock) Now() time.Time { return c.c.Now() }

// Set freezes the clock at t: it stays there until Advance, Set or Real.
func (c *Clock) Set(t time.Time) { c.c.Set(t) }

// Advance moves the clock forward by d (backward for a negative d), frozen
// or running; a running clock keeps running from the new time.
func (c *Clock) Advance(d time.Duration) { c.c.Advance(d) }

// Real returns the clock to wall time, dropping any freeze or offset.
func (c *Clock) Real() { c.c.Real() }

// Frozen reports whether the clock is frozen.
func (c *Clock) Frozen() bool { return c.c.Frozen() }

// Snapshot renders the environment's world as a fixture document (YAML)
// that, loaded into a fresh emulator, reproduces it: GET
// /_emulator/snapshot answers the same bytes.
func (s *Server) Snapshot() ([]byte, error) {
	return control.SnapshotYAML(s.st)
}
