package store

import (
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
)

// The event log: every state change appends the WorkOS event it causes
// (design.md §9b), in commit order, inside the transaction that made the
// change. Handlers call tx.Emit where they change the world (or where a
// sign-in fails: authentication.*_failed), and the events join the log
// when the transaction ends. A request refused before it changed anything
// emitted nothing, so it leaves no event behind.

// Event log bounds. WorkOS keeps events for 30 days; the emulator keeps
// them as long (by the instance clock) and at most MaxEvents of them
// (environment.event_log_size), the oldest leaving first, so a
// long-running container's memory stays flat.
const (
	EventRetention = 30 * 24 * time.Hour
	MaxEvents      = 10_000
)

// PrefixEvent starts event ids.
const PrefixEvent = "event_"

// Event is one entry of the event log: a WorkOS event as it was when it
// happened. Data is the event's data object, rendered then (a later change
// to the object does not change the event).
type Event struct {
	Seq   uint64
	ID    string
	Type  string
	OrgID string // the organization the event concerns, for the organization_id filter
	Data  []byte
	// Context is the event's context object (nil: none), for the events
	// whose schema has one (the feature flag events).
	Context   []byte
	CreatedAt time.Time
}

// ListKey orders events by commit.
func (e *Event) ListKey() (uint64, string) { return e.Seq, e.ID }

// AppendJSON writes the WorkOS event object.
func (e *Event) AppendJSON(b []byte) ([]byte, error) {
	m := wire.Members{B: append(b, '{')}
	m.Str("object", "event")
	m.Str("id", e.ID)
	m.Str("event", e.Type)
	m.Raw("data", e.Data)
	m.Time("created_at", e.CreatedAt)
	if e.Context != nil {
		m.Raw("context", e.Context)
	}
	return append(m.B, '}'), nil
}

// MarshalJSON writes the event object (for encoding/json callers).
func (e *Event) MarshalJSON() ([]byte, error) { return e.AppendJSON(make([]byte, 0, 256+len(e.Data))) }

// pendingEvent is an event emitted by a transaction that has not committed.
type pendingEvent struct {
	typ, org      string
	data, context []byte
}

// Emit records that the transaction's change caused event typ (a WorkOS
// event name) concerning organization org ("" for none), with data (a
// WorkOS object, rendered now). The event joins the log, and the webhook
// queue, when the transaction ends.
func (tx *Tx) Emit(typ, org string, data any) {
	if !tx.write {
		panic("store: Emit in a read transaction")
	}
	b, err := wire.Marshal(data)
	if err != nil {
		panic("store: event " + typ + ": " + err.Error()) // the emulator's own objects always encode
	}
	tx.emitted = append(tx.emitted, pendingEvent{typ: typ, org: org, data: b})
}

// EmitWithContext is Emit for an event whose schema has a context object
// (who made the change, and how): context is rendered now, like data.
func (tx *Tx) EmitWithContext(typ, org string, data, context any) {
	tx.Emit(typ, org, data)
	b, err := wire.Marshal(context)
	if err != nil {
		panic("store: event " + typ + " context: " + err.Error())
	}
	tx.emitted[len(tx.emitted)-1].context = b
}

// eventQueue is one ordering of events (all of them, or those of one type
// or organization), oldest first. Events leave from the front only.
type eventQueue struct {
	items []*Event
}

func (q *eventQueue) push(e *Event) { q.items = append(q.items, e) }

func (q *eventQueue) popFront() {
	q.items[0] = nil
	q.items = q.items[1:]
	if len(q.items) == 0 {
		q.items = nil // let the backing array go
	}
}

// eventLog is the world's event log with its indexes. Every index is
// ordered by Seq, so a page is a binary search plus a walk of the page.
type eventLog struct {
	all       eventQueue
	byType    map[string]*eventQueue
	byOrg     map[string]*eventQueue
	byOrgType map[orgType]*eventQueue
	byID      map[string]*Event
	seq       uint64
	// monotonic is true while no event is older than the one before it
	// (the clock was never set back): range filters then binary-search.
	monotonic bool
	// evicted is the newest time an evicted event had: an unknown cursor
	// no newer than it was an event that aged out.
	evicted time.Time
	// records and bytes hold the events and their data (see blocks.go).
	records blocks[Event]
	bytes   byteBlocks
	types   interner // some event types are built per event ("authentication." + ...)
	// origin is the last event of the world a snapshot was taken from
	// (environment.event_cursor): as a cursor, it is the start of this log.
	origin string
}

// orgType keys the index of one organization's events of one type: a
// struct, not a joined string, so appending and evicting allocate no key.
type orgType struct{ org, typ string }

func newEventLog() eventLog {
	return eventLog{byType: map[string]*eventQueue{}, byOrg: map[string]*eventQueue{},
		byOrgType: map[orgType]*eventQueue{}, byID: map[string]*Event{}, monotonic: true}
}

func queueIn[K comparable](m map[K]*eventQueue, key K) *eventQueue {
	q := m[key]
	if q == nil {
		q = &eventQueue{}
		m[key] = q
	}
	return q
}

func (l *eventLog) append(e *Event) {
	if n := len(l.all.items); n > 0 && e.CreatedAt.Before(l.all.items[n-1].CreatedAt) {
		l.monotonic = false
	}
	l.all.push(e)
	queueIn(l.byType, e.Type).push(e)
	if e.OrgID != "" {
		queueIn(l.byOrg, e.OrgID).push(e)
		queueIn(l.byOrgType, orgType{e.OrgID, e.Type}).push(e)
	}
	l.byID[e.ID] = e
}

// trim evicts events past the count cap or the retention period.
func (l *eventLog) trim(now time.Time, max int) {
	cutoff := now.Add(-EventRetention)
	for len(l.all.items) > 0 {
		e := l.all.items[0]
		if len(l.all.items) <= max && !e.CreatedAt.Before(cutoff) {
			return
		}
		l.all.popFront()
		popIn(l.byType, e.Type, e)
		if e.OrgID != "" {
			popIn(l.byOrg, e.OrgID, e)
			popIn(l.byOrgType, orgType{e.OrgID, e.Type}, e)
		}
		delete(l.byID, e.ID)
		if e.CreatedAt.After(l.evicted) {
			l.evicted = e.CreatedAt
		}
		if len(l.all.items) == 0 {
			l.monotonic = true
		}
	}
}

func popIn[K comparable](m map[K]*eventQueue, key K, e *Event) {
	q := m[key]
	if q == nil || len(q.items) == 0 || q.items[0] != e {
		panic("store: event index out of order")
	}
	q.popFront()
	if len(q.items) == 0 {
		delete(m, key)
	}
}

// commitEvents moves a write transaction's events into the log, and
// queues their webhook deliveries.
func (tx *Tx) commitEvents() {
	if len(tx.emitted) == 0 {
		return
	}
	l := &tx.w.events
	for _, p := range tx.emitted {
		l.seq++
		e := l.records.new()
		*e = Event{Seq: l.seq, ID: l.bytes.str(PrefixEvent + tx.st.eventIDs.ulid(tx.now)), Type: l.types.get(p.typ), OrgID: p.org,
			Data: l.bytes.copy(p.data), Context: l.bytes.copy(p.context), CreatedAt: tx.now}
		l.append(e)
		tx.queueDeliveries(e)
	}
	l.trim(tx.now, tx.st.cfg.EventLogSize)
	tx.emitted = tx.emitted[:0]
}

// EventQuery selects events (GET /events).
type EventQuery struct {
	Types      []string // any of these; none: every type
	OrgID      string
	Start, End time.Time // created_at bounds, inclusive; zero: open
	After      string    // cursor: events after this one, in list order
	Before     string    // cursor: events before this one, in list order
	Limit      int
	Desc       bool
}

// EventPage is one page of events, in list order, and whether more
// events follow the last one in that order.
type EventPage struct {
	Events []*Event
	More   bool
}

// ErrUnknownCursor is a cursor that names no event this log has had.
type ErrUnknownCursor struct{ Field string }

func (e ErrUnknownCursor) Error() string { return e.Field + " names no event" }

// Events pages the log. The work is a binary search in each index the
// filter selects plus the page, whatever the log's size; when the clock was
// set back (events out of time order), a time range is checked event by
// event instead.
func (tx *Tx) Events(q EventQuery) (EventPage, error) {
	l := &tx.w.events
	// Events past retention leave at the next write; until then a read
	// must not show them either (the clock may have jumped ahead).
	if cutoff := tx.now.Add(-EventRetention); q.Start.Before(cutoff) {
		q.Start = cutoff
	}
	// sources are the indexes the filter reads; a key with no events has
	// none (nil), dropped below.
	var sources []*eventQueue
	switch {
	case len(q.Types) == 0 && q.OrgID == "":
		sources = append(sources, &l.all)
	case len(q.Types) == 0:
		sources = append(sources, l.byOrg[q.OrgID])
	default:
		seen := map[string]bool{}
		for _, t := range q.Types {
			if seen[t] {
				continue
			}
			seen[t] = true
			if q.OrgID == "" {
				sources = append(sources, l.byType[t])
			} else {
				sources = append(sources, l.byOrgType[orgType{q.OrgID, t}])
			}
		}
	}
	sources = slices.DeleteFunc(sources, func(s *eventQueue) bool { return s == nil })
	// forward walks toward newer events; from is the exclusive bound in
	// Seq where the walk starts.
	forward, from := !q.Desc, uint64(0)
	if q.Desc {
		from = l.seq + 1
	}
	cursor := func(id, field string) (uint64, error) {
		if e := l.byID[id]; e != nil {
			return e.Seq, nil
		}
		if id == l.origin && id != "" {
			return 0, nil
		}
		if u, err := ulid.ParseStrict(strings.TrimPrefix(id, PrefixEvent)); err == nil && strings.HasPrefix(id, PrefixEvent) &&
			!l.evicted.IsZero() && !time.UnixMilli(int64(u.Time())).After(l.evicted) {
			// An event that aged out of the log: everything retained is
			// newer, so the walk starts at the oldest retained event.
			return 0, nil
		}
		return 0, ErrUnknownCursor{Field: field}
	}
	var err error
	switch {
	case q.After != "":
		// "after" continues in list order: newer (asc) or older (desc).
		from, err = cursor(q.After, "after")
	case q.Before != "":
		from, err = cursor(q.Before, "before")
		forward = !forward
	}
	if err != nil {
		return EventPage{}, err
	}
	in := func(e *Event) bool {
		return (q.Start.IsZero() || !e.CreatedAt.Before(q.Start)) && (q.End.IsZero() || !e.CreatedAt.After(q.End))
	}
	// pos[i] is the next index to visit in sources[i].
	pos := make([]int, len(sources))
	for i, s := range sources {
		items := s.items
		if forward {
			p := sort.Search(len(items), func(j int) bool { return items[j].Seq > from })
			if l.monotonic && !q.Start.IsZero() {
				p = max(p, sort.Search(len(items), func(j int) bool { return !items[j].CreatedAt.Before(q.Start) }))
			}
			pos[i] = p
		} else {
			p := sort.Search(len(items), func(j int) bool { return items[j].Seq >= from }) - 1
			if l.monotonic && !q.End.IsZero() {
				p = min(p, sort.Search(len(items), func(j int) bool { return items[j].CreatedAt.After(q.End) })-1)
			}
			pos[i] = p
		}
	}
	var out []*Event
	for len(out) <= q.Limit {
		best := -1
		for i, s := range sources {
			p := pos[i]
			if p < 0 || p >= len(s.items) {
				continue
			}
			if best < 0 || (forward && s.items[p].Seq < sources[best].items[pos[best]].Seq) ||
				(!forward && s.items[p].Seq > sources[best].items[pos[best]].Seq) {
				best = i
			}
		}
		if best < 0 {
			break
		}
		e := sources[best].items[pos[best]]
		if forward {
			pos[best]++
		} else {
			pos[best]--
		}
		if !in(e) {
			if l.monotonic && ((forward && !q.End.IsZero() && e.CreatedAt.After(q.End)) ||
				(!forward && !q.Start.IsZero() && e.CreatedAt.Before(q.Start))) {
				break // past the range: nothing further can match
			}
			continue
		}
		out = append(out, e)
	}
	page := EventPage{Events: out}
	if len(out) > q.Limit {
		page.Events, page.More = out[:q.Limit], true
	}
	if q.Before != "" {
		// The walk went backward in list order: put the page back in
		// order. The cursor event itself follows the page.
		for i, j := 0, len(page.Events)-1; i < j; i, j = i+1, j-1 {
			page.Events[i], page.Events[j] = page.Events[j], page.Events[i]
		}
		page.More = len(page.Events) > 0
	}
	return page, nil
}

// EventCount is the number of events in the log.
func (tx *Tx) EventCount() int { return len(tx.w.events.all.items) }

// EventByID is the logged event with that id, or nil.
func (tx *Tx) EventByID(id string) *Event { return tx.w.events.byID[id] }

// EventsMention reports whether the log has events about organization
// org (which may since have been deleted).
func (tx *Tx) EventsMention(org string) bool { return tx.w.events.byOrg[org] != nil }
