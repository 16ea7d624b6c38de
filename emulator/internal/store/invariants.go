package store

import "fmt"

// CheckIndexes reports the first disagreement between the world's
// indexes: an object in one index and not another, a membership whose user
// or organization is gone, a refresh token that is not its session's. The
// concurrency tests and the fuzzers call it after hammering the world; a
// lost update would show here.
func (s *Store) CheckIndexes() error {
	return s.Read(func(tx *Tx) error {
		w := tx.w
		if len(w.userOrder) != len(w.users) || len(w.byEmail) != len(w.users) {
			return fmt.Errorf("users: %d ordered, %d by email, %d by id", len(w.userOrder), len(w.byEmail), len(w.users))
		}
		if len(w.orgOrder) != len(w.orgs) {
			return fmt.Errorf("organizations: %d ordered, %d by id", len(w.orgOrder), len(w.orgs))
		}
		n := 0
		for userID, ms := range w.userMemberships {
			for _, m := range ms {
				n++
				if w.memberships[m.ID] != m || m.UserID != userID || w.byPair[pairKey(m.UserID, m.OrgID)] != m {
					return fmt.Errorf("membership %s is not indexed consistently", m.ID)
				}
				if w.users[m.UserID] == nil || w.orgs[m.OrgID] == nil {
					return fmt.Errorf("membership %s dangles", m.ID)
				}
			}
		}
		if n != len(w.memberships) || len(w.byPair) != len(w.memberships) {
			return fmt.Errorf("memberships: %d by user, %d by id, %d by pair", n, len(w.memberships), len(w.byPair))
		}
		for _, ss := range w.sessions {
			if ss.RefreshToken != "" && w.refresh[ss.RefreshToken] == nil {
				return fmt.Errorf("session %s lost its refresh token", ss.ID)
			}
		}
		for v, rt := range w.refresh {
			if ss := w.sessions[rt.SessionID]; ss == nil || ss.RefreshToken != v {
				return fmt.Errorf("refresh token of session %s is stale", rt.SessionID)
			}
		}
		return w.checkVaultAndPipes()
	})
}

// Sizes counts what the world holds, for eviction tests and the memory
// benchmarks: records that should leave once their grace period passed.
type Sizes struct {
	Sessions, AccessTokens, RefreshTokens, Outbox, Evictions int
	// SeqIDs counts the creation numbers remembered by id (live objects,
	// and deleted ones for the grace period); RadarAttempts the attempts
	// kept.
	SeqIDs, RadarAttempts int
	// UserSessions counts the entries of each user's session list.
	UserSessions map[string]int
}

// Sizes counts the world's records now.
func (s *Store) Sizes() Sizes {
	var out Sizes
	_ = s.Read(func(tx *Tx) error {
		w := tx.w
		out = Sizes{Sessions: len(w.sessions), AccessTokens: len(w.access), RefreshTokens: len(w.refresh),
			Outbox: len(w.outbox.entries), Evictions: len(w.evictions), UserSessions: map[string]int{},
			SeqIDs: len(w.seqByID), RadarAttempts: len(w.radar.attempts)}
		for u, list := range w.userSessions {
			out.UserSessions[u] = len(list)
		}
		return nil
	})
	return out
}
