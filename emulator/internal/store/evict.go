package store

import (
	"container/heap"
	"slices"
	"time"
)

// evictGrace is how long an expired token, a used-up code or an ended
// session stays in memory after it stopped being valid. During the grace
// period answers about it stay precise (its session still shows as revoked,
// GET /_emulator/sessions still finds it); after it, the record is gone and
// introspection answers {"active":false} for it like for any unknown token,
// which is the same answer.
const evictGrace = time.Hour

// bigSweep is how many evictions make the sweep, once caught up, compact
// the indexes and hand memory back to the OS, so the process's RSS follows
// its live state.
const bigSweep = 10000

// sweepBatch bounds the evictions one write does, so a sweep after a long
// clock jump is spread over the next writes instead of stalling one.
const sweepBatch = 50000

type evictKind uint8

const (
	evictAccess evictKind = iota
	evictSession
	evictCode
	evictPending
	evictFlow
	evictDevice
	evictChallenge
	evictOutbox
	evictSeq
	evictSSO // the IdP's records (idp.go), keyed by kind letter + key
)

// eviction is a record to look at once its deadline has passed.
type eviction struct {
	at   time.Time
	kind evictKind
	key  string
	seq  uint64 // evictSeq: the creation number the deleted object had
}

// evictions is a min-heap by deadline. A record can be in it more than once
// (a session whose deadline moved); a sweep re-checks each record.
type evictions []eviction

func (h evictions) Len() int           { return len(h) }
func (h evictions) Less(i, j int) bool { return h[i].at.Before(h[j].at) }
func (h evictions) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *evictions) Push(x any)        { *h = append(*h, x.(eviction)) }
func (h *evictions) Pop() any {
	old := *h
	e := old[len(old)-1]
	old[len(old)-1] = eviction{} // the backing array must not keep the key alive
	*h = old[:len(old)-1]
	return e
}

// expireAt schedules a record for a look once it is past deadline + grace.
func (w *World) expireAt(deadline time.Time, kind evictKind, key string) {
	heap.Push(&w.evictions, eviction{at: deadline.Add(evictGrace), kind: kind, key: key})
}

// expireToken schedules an access token for removal when it expires: an
// expired token and an unknown one get the same answer (inactive), so its
// record has nothing to say after exp and needs no grace.
func (w *World) expireToken(exp time.Time, key string) {
	heap.Push(&w.evictions, eviction{at: exp, kind: evictAccess, key: key})
}

// forgetSeq schedules a deleted object's creation number to be forgotten
// after the grace period: until then a list cursor naming it still works,
// and the map of numbers does not grow with every object ever deleted.
func (w *World) forgetSeq(id string, now time.Time) {
	if seq, ok := w.seqByID[id]; ok {
		heap.Push(&w.evictions, eviction{at: now.Add(evictGrace), kind: evictSeq, key: id, seq: seq})
	}
}

// sweep drops records whose deadline plus grace has passed, by the
// instance clock, at most sweepBatch per call: memory stays bounded under
// sustained sign-ins. It reports whether it caught up after a large amount
// of eviction, in which case it has compacted the indexes and the caller
// should release memory to the OS. Caller holds w.mu (write).
func (w *World) sweep(now time.Time) (release bool) {
	n := 0
	for n < sweepBatch && len(w.evictions) > 0 && !now.Before(w.evictions[0].at) {
		e := heap.Pop(&w.evictions).(eviction)
		if w.evict(e, now) {
			n++
		}
	}
	if n == 0 {
		return false
	}
	w.compactLists()
	w.evictedSinceCompact += n
	caughtUp := len(w.evictions) == 0 || now.Before(w.evictions[0].at)
	if !caughtUp || w.evictedSinceCompact < bigSweep {
		return false
	}
	w.evictedSinceCompact = 0
	w.compactMaps()
	return true
}

// compactLists removes evicted sessions from the per-user lists and evicted
// e-mails from the outbox, in one pass per affected list (removing them one
// by one would be quadratic for a user with many sessions).
func (w *World) compactLists() {
	for userID := range w.touchedUsers {
		kept := slices.DeleteFunc(w.userSessions[userID], func(ss *Session) bool { return w.sessions[ss.ID] != ss })
		if len(kept) == 0 {
			delete(w.userSessions, userID)
		} else {
			w.userSessions[userID] = trimCap(kept, 16)
		}
		delete(w.touchedUsers, userID)
	}
	w.outbox.compact()
}

// compactMaps rebuilds the large maps after a big eviction: Go maps never
// shrink, so without this their buckets would hold the memory of every
// record ever stored.
func (w *World) compactMaps() {
	w.access = shrink(w.access)
	w.refresh = shrink(w.refresh)
	w.sessions = shrink(w.sessions)
	w.seqByID = shrink(w.seqByID)
	w.codes = shrink(w.codes)
	w.pending = shrink(w.pending)
	w.evictions = trimCap(w.evictions, 1024)
}

func (w *World) evict(e eviction, now time.Time) bool {
	dead := func(t time.Time) bool { return !t.IsZero() && !now.Before(t.Add(evictGrace)) }
	switch e.kind {
	case evictAccess:
		key := parseTokenKey(e.key)
		if rec := w.access[key]; rec != nil && !now.Before(time.Unix(rec.Exp, 0)) {
			delete(w.access, key)
			return true
		}
	case evictSeq:
		if w.seqByID[e.key] == e.seq {
			delete(w.seqByID, e.key)
			return true
		}
	case evictSession:
		ss := w.sessions[e.key]
		if ss == nil {
			return false
		}
		end, active := ss.End(w.cfg), ss.ActiveAt(now, w.cfg)
		if active || !dead(end) {
			if !end.IsZero() && active {
				w.expireAt(end, evictSession, ss.ID) // the deadline moved (activity)
			}
			return false
		}
		delete(w.sessions, ss.ID)
		delete(w.seqByID, ss.ID)
		if ss.RefreshToken != "" {
			delete(w.refresh, ss.RefreshToken)
		}
		w.touchedUsers[ss.UserID] = true // compactLists drops it from the user's list
		return true
	case evictCode:
		if ac := w.codes[e.key]; ac != nil && dead(ac.ExpiresAt) {
			delete(w.codes, e.key)
			return true
		}
	case evictPending:
		if p := w.pending[e.key]; p != nil && dead(p.ExpiresAt) {
			delete(w.pending, e.key)
			return true
		}
	case evictFlow:
		if f := w.flows[e.key]; f != nil && dead(f.ExpiresAt) {
			delete(w.flows, e.key)
			return true
		}
	case evictDevice:
		if d := w.devices[e.key]; d != nil && dead(d.ExpiresAt) {
			delete(w.devices, e.key)
			delete(w.userCodes, d.UserCode)
			return true
		}
	case evictChallenge:
		if ch := w.challenges[e.key]; ch != nil && dead(ch.ExpiresAt) {
			delete(w.challenges, e.key)
			return true
		}
	case evictOutbox:
		return w.outbox.evict(e.key, now)
	case evictSSO:
		return w.sso.evict(e.key, now)
	}
	return false
}

// shrink copies a map into one sized for its live entries (maps.Clone
// would keep the old size).
func shrink[K comparable, V any](m map[K]V) map[K]V {
	out := make(map[K]V, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// trimCap copies s into a right-sized array when its backing array is much
// larger than it (more than 4× plus slack): a slice never shrinks, so the big
// array would otherwise stay alive after a large eviction.
func trimCap[S ~[]E, E any](s S, slack int) S {
	if cap(s) > 4*len(s)+slack {
		return append(S(nil), s...)
	}
	return s
}
