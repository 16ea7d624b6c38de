package emulator

import (
	"container/heap"
	"runtime/debug"
	"time"
)

// evictGrace is how long an expired token, a used-up code or an ended
// session stays in memory after it stopped being valid. During the grace
// period answers about it stay precise (its session still shows as revoked,
// GET /_emulator/sessions still finds it); after it, the record is gone and
// introspection answers {"active":false} for it like for any unknown token,
// which is the same answer.
const evictGrace = time.Hour

// bigSweep is how many evictions make a sweep hand memory back to the OS
// at once, so the process's RSS follows its live state.
const bigSweep = 10000

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
)

// eviction is a record to look at once its deadline has passed.
type eviction struct {
	at   time.Time
	kind evictKind
	key  string
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
	*h = old[:len(old)-1]
	return e
}

// expireAt schedules a record for a look once it is past deadline + grace.
// Caller holds w.mu.
func (w *world) expireAt(deadline time.Time, kind evictKind, key string) {
	heap.Push(&w.evictions, eviction{at: deadline.Add(evictGrace), kind: kind, key: key})
}

// sessionEnd is when a session stopped (or will stop) being valid.
func (s *session) end(env *environment) time.Time {
	end := time.Time{}
	if s.EndedAt != nil {
		end = *s.EndedAt
	}
	if !s.ExpiresAt.IsZero() && (end.IsZero() || s.ExpiresAt.Before(end)) {
		end = s.ExpiresAt
	}
	if env.inactivityTimeout > 0 {
		if idle := s.lastActive.Add(env.inactivityTimeout); end.IsZero() || idle.Before(end) {
			end = idle
		}
	}
	return end
}

// sweep drops every record whose deadline plus grace has passed, by the
// instance clock: memory stays bounded under sustained sign-ins. It returns
// how many records it dropped. Caller holds w.mu (write).
func (w *world) sweep(now time.Time) int {
	n := 0
	for len(w.evictions) > 0 && !now.Before(w.evictions[0].at) {
		e := heap.Pop(&w.evictions).(eviction)
		if w.evict(e, now) {
			n++
		}
	}
	return n
}

func (w *world) evict(e eviction, now time.Time) bool {
	dead := func(t time.Time) bool { return !t.IsZero() && !now.Before(t.Add(evictGrace)) }
	switch e.kind {
	case evictAccess:
		if rec := w.access[e.key]; rec != nil && dead(time.Unix(rec.exp, 0)) {
			delete(w.access, e.key)
			return true
		}
	case evictSession:
		ss := w.sessions[e.key]
		if ss == nil {
			return false
		}
		end := ss.end(w.env)
		if ss.activeAt(now, w.env) || !dead(end) {
			if !end.IsZero() && ss.activeAt(now, w.env) {
				w.expireAt(end, evictSession, ss.ID) // the deadline moved (activity)
			}
			return false
		}
		delete(w.sessions, ss.ID)
		delete(w.seqByID, ss.ID)
		if ss.refreshToken != "" {
			delete(w.refresh, ss.refreshToken)
		}
		w.userSessions[ss.UserID] = without1(w.userSessions[ss.UserID], ss)
		if len(w.userSessions[ss.UserID]) == 0 {
			delete(w.userSessions, ss.UserID)
		}
		return true
	case evictCode:
		if ac := w.codes[e.key]; ac != nil && dead(ac.expiresAt) {
			delete(w.codes, e.key)
			return true
		}
	case evictPending:
		if p := w.pending[e.key]; p != nil && dead(p.expiresAt) {
			delete(w.pending, e.key)
			return true
		}
	case evictFlow:
		if f := w.flows[e.key]; f != nil && dead(f.expiresAt) {
			delete(w.flows, e.key)
			return true
		}
	case evictDevice:
		if d := w.devices[e.key]; d != nil && dead(d.expiresAt) {
			delete(w.devices, e.key)
			delete(w.userCodes, d.userCode)
			return true
		}
	case evictChallenge:
		if ch := w.challenges[e.key]; ch != nil && dead(ch.expiresAt) {
			delete(w.challenges, e.key)
			return true
		}
	case evictOutbox:
		return w.outbox.evict(e.key, now)
	}
	return false
}

// evict drops an expired outbox entry.
func (o *outbox) evict(id string, now time.Time) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	e := o.byID[id]
	if e == nil || now.Before(e.expiresAt.Add(evictGrace)) {
		return false
	}
	delete(o.byID, id)
	if e.token != "" && o.byToken[e.token] == e {
		delete(o.byToken, e.token)
	}
	o.entries = without1(o.entries, e)
	return true
}

// sweepAndRelease sweeps and, after a big sweep, returns the freed memory
// to the OS now rather than over the next minutes. Caller holds w.mu.
func (w *world) sweepAndRelease(now time.Time) (release bool) {
	return w.sweep(now) >= bigSweep
}

// releaseMemory hands freed memory back to the OS (after a big sweep).
func releaseMemory() { debug.FreeOSMemory() }
