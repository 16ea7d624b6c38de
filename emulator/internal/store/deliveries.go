package store

import (
	"time"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
)

// Webhook deliveries: each committed event is queued for every enabled
// endpoint that subscribes to it (in the same transaction, so the queue
// follows commit order); the dispatcher (the events area) claims what is
// due, POSTs it outside any lock and records the result. Retries back off
// by the instance clock, so a test advances the clock to make them happen.

// Delivery statuses.
const (
	DeliveryPending    = "pending"    // waiting for its first attempt or a retry
	DeliveryDelivering = "delivering" // an attempt is in flight
	DeliveryDelivered  = "delivered"  // the endpoint answered 2xx
	DeliveryFailed     = "failed"     // every attempt failed
	DeliveryCancelled  = "cancelled"  // the endpoint was disabled or deleted before it got its turn
)

// Delivery bounds and schedule. WorkOS retries a failed delivery with
// exponential backoff for up to three days; the emulator keeps the shape
// (7 attempts, growing gaps) but compresses the gaps, so a test can
// exercise a retry with a small clock advance.
const (
	MaxDeliveries = 10_000 // deliveries kept (queued and finished); the oldest go first
	MaxAttempts   = 7
)

// RetryBackoff is the wait before each retry: after the first failed
// attempt, RetryBackoff[0], and so on.
var RetryBackoff = [MaxAttempts - 1]time.Duration{
	time.Second, 5 * time.Second, 30 * time.Second, 2 * time.Minute, 10 * time.Minute, time.Hour,
}

// Delivery is one event on its way to one endpoint.
type Delivery struct {
	Seq        uint64
	ID         string
	EventID    string
	EventType  string
	EndpointID string
	URL        string
	Body       []byte // the event as POSTed
	Status     string
	Attempts   []DeliveryAttempt
	NextAt     time.Time // when the next attempt is due (pending only)
	CreatedAt  time.Time
	secret     string
}

// ListKey orders deliveries by creation.
func (d *Delivery) ListKey() (uint64, string) { return d.Seq, d.ID }

// DeliveryAttempt is one POST of a delivery.
type DeliveryAttempt struct {
	At         time.Time
	Signature  string // the WorkOS-Signature header sent
	StatusCode int    // 0 when no HTTP answer came
	Error      string // why the attempt failed, when it did
	Response   []byte // the start of the answer's body
}

// AttemptLog renders the delivery's attempts, oldest first, as the control
// plane and the inspector both show them.
func (d *Delivery) AttemptLog() []wire.Object {
	out := make([]wire.Object, len(d.Attempts))
	for i, a := range d.Attempts {
		var code any
		if a.StatusCode != 0 {
			code = a.StatusCode
		}
		out[i] = wire.Object{{"at", wire.Time(a.At)}, {"signature", a.Signature}, {"status_code", code},
			{"error", wire.Opt(a.Error)}, {"response", string(a.Response)}}
	}
	return out
}

// NextAttemptAt is when the next attempt is due, or nil when none is.
func (d *Delivery) NextAttemptAt() any {
	if d.Status != DeliveryPending {
		return nil
	}
	return wire.Time(d.NextAt)
}

// DeliveryJob is a claimed delivery: what the dispatcher needs to POST it.
type DeliveryJob struct {
	ID, URL, Secret string
	Body            []byte
	Attempt         int // 1 for the first
}

// deliveries is the world's delivery queue and history.
type deliveries struct {
	byID     map[string]*Delivery
	order    []*Delivery // retained, oldest first
	pending  []*Delivery // pending (not delivering), in queue order
	inflight int         // deliveries being attempted
	seq      uint64
	dropped  int // deliveries forgotten past MaxDeliveries before they finished
	// changed is closed (and replaced) whenever a delivery finishes an
	// attempt, so waiters wake without polling.
	changed chan struct{}
}

func newDeliveries() deliveries {
	return deliveries{byID: map[string]*Delivery{}, changed: make(chan struct{})}
}

// deliveryQueue wakes the dispatcher when work may be due: a commit queued
// deliveries, or the clock moved.
type deliveryQueue struct {
	wakeCh chan struct{}
	// onQueued runs after every commit that queued deliveries (it starts
	// the dispatcher the first time).
	onQueued func()
}

func newDeliveryQueue() *deliveryQueue { return &deliveryQueue{wakeCh: make(chan struct{}, 1)} }

func (q *deliveryQueue) wake() {
	select {
	case q.wakeCh <- struct{}{}:
	default:
	}
}

// OnDeliveriesQueued sets what runs after a commit queues deliveries. Set
// it before the store serves requests.
func (s *Store) OnDeliveriesQueued(fn func()) { s.deliveries.onQueued = fn }

// DeliveryWake receives when deliveries may be due: after a commit that
// queued some, and whenever the clock is set or advanced.
func (s *Store) DeliveryWake() <-chan struct{} { return s.deliveries.wakeCh }

// queueDeliveries queues e for every endpoint that wants it now.
func (tx *Tx) queueDeliveries(e *Event) {
	var body []byte
	for _, ep := range tx.w.webhooks.order {
		if !ep.Wants(e.Type) {
			continue
		}
		if body == nil {
			// The Node SDK checks the signature over JSON.stringify of the
			// parsed body: send what JSON.stringify would write.
			body, _ = e.AppendJSON(make([]byte, 0, 256+len(e.Data)))
			body = wire.ForJavaScript(body)
		}
		tx.enqueue(e.ID, e.Type, ep, body)
	}
}

// enqueue queues one delivery, forgetting the oldest past MaxDeliveries.
func (tx *Tx) enqueue(eventID, eventType string, ep *WebhookEndpoint, body []byte) *Delivery {
	dl := &tx.w.delivered
	dl.seq++
	d := &Delivery{Seq: dl.seq, ID: "webhook_delivery_" + tx.st.eventIDs.ulid(tx.now), EventID: eventID, EventType: eventType,
		EndpointID: ep.ID, URL: ep.URL, secret: ep.Secret, Body: body, Status: DeliveryPending,
		NextAt: tx.now, CreatedAt: tx.now}
	dl.byID[d.ID] = d
	dl.order = append(dl.order, d)
	dl.pending = append(dl.pending, d)
	tx.queued = true
	for len(dl.order) > MaxDeliveries {
		old := dl.order[0]
		dl.order[0] = nil
		dl.order = dl.order[1:]
		delete(dl.byID, old.ID)
		switch old.Status {
		case DeliveryPending:
			dl.dropped++
			dl.pending = without1(dl.pending, old)
		case DeliveryDelivering:
			dl.dropped++
			dl.inflight--
		}
	}
	return d
}

// ClaimDeliveries marks up to limit pending deliveries as in flight and
// returns them: those due by the clock, or every pending one when all is
// set (a flush). A delivery whose endpoint was disabled or deleted is
// cancelled instead. next is when the earliest delivery still waiting is
// due (zero when none waits).
func (s *Store) ClaimDeliveries(all bool, limit int) (jobs []DeliveryJob, next time.Time) {
	_ = s.Write(func(tx *Tx) error {
		dl := &tx.w.delivered
		kept := dl.pending[:0]
		for _, d := range dl.pending {
			ep := tx.w.webhooks.byID[d.EndpointID]
			switch {
			case ep == nil || !ep.Wants(d.EventType) || ep.URL != d.URL:
				d.Status = DeliveryCancelled
				tx.w.deliveryChanged()
			case len(jobs) < limit && (all || !d.NextAt.After(tx.now)):
				d.Status = DeliveryDelivering
				dl.inflight++
				jobs = append(jobs, DeliveryJob{ID: d.ID, URL: d.URL, Secret: d.secret, Body: d.Body, Attempt: len(d.Attempts) + 1})
			default:
				kept = append(kept, d)
				if next.IsZero() || d.NextAt.Before(next) {
					next = d.NextAt
				}
			}
		}
		clear(dl.pending[len(kept):])
		dl.pending = kept
		return nil
	})
	return jobs, next
}

// FinishDelivery records an attempt of a claimed delivery: delivered on a
// 2xx, otherwise queued for a retry after its backoff, or failed after the
// last attempt. A delivery that no longer exists (the world was reset) is
// ignored.
func (s *Store) FinishDelivery(id string, a DeliveryAttempt) {
	_ = s.Write(func(tx *Tx) error {
		dl := &tx.w.delivered
		d := dl.byID[id]
		if d == nil || d.Status != DeliveryDelivering {
			return nil
		}
		d.Attempts = append(d.Attempts, a)
		dl.inflight--
		switch {
		case a.StatusCode >= 200 && a.StatusCode < 300:
			d.Status = DeliveryDelivered
		case len(d.Attempts) >= MaxAttempts:
			d.Status = DeliveryFailed
		default:
			d.Status = DeliveryPending
			d.NextAt = a.At.Add(RetryBackoff[len(d.Attempts)-1])
			dl.pending = append(dl.pending, d)
		}
		tx.w.deliveryChanged()
		return nil
	})
}

// deliveryChanged wakes everyone waiting for a delivery to progress.
func (w *World) deliveryChanged() {
	close(w.delivered.changed)
	w.delivered.changed = make(chan struct{})
}

// Deliveries lists the retained deliveries, oldest first, and how many
// were forgotten unfinished. The slice is the index: do not change it.
func (tx *Tx) Deliveries() ([]*Delivery, int) { return tx.w.delivered.order, tx.w.delivered.dropped }

// Delivery is the delivery with that id, or nil.
func (tx *Tx) Delivery(id string) *Delivery { return tx.w.delivered.byID[id] }

// DeliveriesChanged is closed when any delivery next finishes an attempt
// or is cancelled (or the world is reset): wait on it after checking, in
// the same transaction, that what you wait for has not happened yet.
func (tx *Tx) DeliveriesChanged() <-chan struct{} { return tx.w.delivered.changed }

// DeliveriesBusy reports whether deliveries are queued or in flight.
func (tx *Tx) DeliveriesBusy() bool {
	return len(tx.w.delivered.pending) > 0 || tx.w.delivered.inflight > 0
}

// Redeliver queues a finished delivery again (a re-send from the
// inspector): a new delivery of the same event to the same endpoint.
func (tx *Tx) Redeliver(d *Delivery) *Delivery {
	ep := tx.w.webhooks.byID[d.EndpointID]
	if ep == nil {
		return nil
	}
	return tx.enqueue(d.EventID, d.EventType, ep, d.Body)
}
