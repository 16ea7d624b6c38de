package store

import (
	"encoding/binary"
	"hash/maphash"
	"time"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/keys"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
)

// AccessToken is what the emulator knows of an access token it issued:
// introspection answers from it, without verifying a signature.
type AccessToken struct {
	Family    Family
	KID       string
	JTI       string
	Iss       string
	Aud       string
	Sub       string
	ClientID  string
	OrgID     string
	SessionID string
	Scope     string
	IAT       int64
	Exp       int64
}

// RefreshToken is an opaque refresh token; it is valid while it is its
// session's current one and the session is live.
type RefreshToken struct {
	SessionID string
	IAT       int64
}

// tokenKey indexes access tokens by a 128-bit hash of their value: 16
// bytes per token instead of the ~800-byte JWT, and a tampered token
// hashes to a key nobody issued. The hash seeds are the world's own; like
// Go's map seeds they only place tokens in the index and never reach an
// answer, so they need not come from the seeded source.
type tokenKey [2]uint64

func (w *World) keyOf(token string) tokenKey {
	return tokenKey{maphash.String(w.tokenSeeds[0], token), maphash.String(w.tokenSeeds[1], token)}
}

// String packs the key into 16 bytes, for the eviction schedule.
func (k tokenKey) String() string {
	var b [16]byte
	binary.LittleEndian.PutUint64(b[:8], k[0])
	binary.LittleEndian.PutUint64(b[8:], k[1])
	return string(b[:])
}

func parseTokenKey(s string) tokenKey {
	return tokenKey{binary.LittleEndian.Uint64([]byte(s[:8])), binary.LittleEndian.Uint64([]byte(s[8:16]))}
}

// Access is the record of an access token the environment issued, or nil.
func (tx *Tx) Access(token string) *AccessToken { return tx.w.access[tx.w.keyOf(token)] }

// PutAccess registers an issued access token until it expires; with keep,
// the session also keeps the token itself (fixture and minted sessions,
// whose tokens nobody else holds).
func (tx *Tx) PutAccess(token string, rec *AccessToken, keep bool) {
	w := tx.w
	tk := w.keyOf(token)
	w.access[tk] = rec
	w.expireToken(time.Unix(rec.Exp, 0), tk.String())
	if ss := w.sessions[rec.SessionID]; ss != nil {
		ss.minted++
		ss.AccessToken = ""
		if keep {
			ss.AccessToken = token
		}
	}
}

// DeferredToken is a fixture session's access token laid out at a reset
// (its claims, jti and times fixed then, in the order the eager reset drew
// them) and signed on first use: signing is most of the cost of a reset or
// a new environment, and most fixture tokens are never looked at. RSA
// PKCS#1 v1.5 signatures are deterministic, so the token is the same bytes
// whenever it is signed.
type DeferredToken struct {
	Claims wire.Object
	Rec    *AccessToken
	Key    *keys.Key
	// minted is the session's count of registered tokens when the token
	// was laid out: if another was registered since, this one is not the
	// session's current token any more.
	minted uint64
}

// DeferToken lays out a fixture session's token to sign later.
func (tx *Tx) DeferToken(d *DeferredToken) {
	if ss := tx.w.sessions[d.Rec.SessionID]; ss != nil {
		d.minted = ss.minted
	}
	tx.w.deferred = append(tx.w.deferred, d)
}

// HasDeferred reports whether fixture tokens wait to be signed: a lookup
// of an access token that misses must sign them (tokens.SignDeferred) and
// look again.
func (tx *Tx) HasDeferred() bool { return len(tx.w.deferred) > 0 }

// TakeDeferred hands the tokens waiting to be signed to the caller, who
// registers each with PutDeferred in the same transaction.
func (tx *Tx) TakeDeferred() []*DeferredToken {
	out := tx.w.deferred
	tx.w.deferred = nil
	return out
}

// PutDeferred registers a deferred token once signed; it becomes the
// session's current token only if none was registered since it was laid
// out.
func (tx *Tx) PutDeferred(token string, d *DeferredToken) {
	w := tx.w
	tk := w.keyOf(token)
	w.access[tk] = d.Rec
	w.expireToken(time.Unix(d.Rec.Exp, 0), tk.String())
	if ss := w.sessions[d.Rec.SessionID]; ss != nil && ss.minted == d.minted {
		ss.minted++
		ss.AccessToken = token
	}
}

// Refresh is the record of a refresh token, or nil.
func (tx *Tx) Refresh(value string) *RefreshToken { return tx.w.refresh[value] }

// RotateRefresh consumes a session's current refresh token and makes next
// its successor; the session counts as active now.
func (tx *Tx) RotateRefresh(ss *Session, next string) {
	w := tx.w
	delete(w.refresh, ss.RefreshToken)
	w.refresh[next] = &RefreshToken{SessionID: ss.ID, IAT: tx.now.Unix()}
	ss.RefreshToken = next
	ss.LastActive = tx.now
	ss.UpdatedAt = tx.now
	if tx.st.cfg.InactivityTimeout > 0 {
		w.expireAt(ss.End(tx.st.cfg), evictSession, ss.ID)
	}
}

// AccessActive reports whether an issued access token is still good now:
// unexpired by the instance clock, signed by a key still published, its
// session live, and its user, application (Connect and M2M tokens) and
// organization still there.
func (tx *Tx) AccessActive(rec *AccessToken) bool {
	w := tx.w
	if tx.now.Unix() >= rec.Exp || !w.ring.IsPublished(rec.KID) {
		return false
	}
	if rec.OrgID != "" && w.orgs[rec.OrgID] == nil {
		return false // the organization was deleted
	}
	if rec.Family == FamilyM2M {
		return w.apps[rec.ClientID] != nil
	}
	if rec.Family == FamilyConnect && rec.ClientID != tx.st.cfg.ClientID && w.apps[rec.ClientID] == nil {
		return false // the application was deleted
	}
	if w.users[rec.Sub] == nil {
		return false
	}
	if rec.SessionID != "" {
		ss := w.sessions[rec.SessionID]
		if ss == nil || !ss.ActiveAt(tx.now, tx.st.cfg) {
			return false
		}
	}
	return true
}

// Ring is the environment's current key ring.
func (tx *Tx) Ring() *keys.Ring { return tx.w.ring }

// SetRing makes a rotated or retired ring current.
func (tx *Tx) SetRing(r *keys.Ring) { tx.w.ring = r }

// Ring is the environment's current key ring, read on its own (the JWKS is
// the hottest unauthenticated path).
func (s *Store) Ring() *keys.Ring {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.w.ring
}
