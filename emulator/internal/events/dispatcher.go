package events

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
)

// Delivery limits.
const (
	// AttemptTimeout bounds one POST: a receiver that hangs fails the
	// attempt (and is retried) instead of holding the queue.
	AttemptTimeout = 10 * time.Second
	// claimBatch is how many deliveries one round of the dispatcher takes.
	claimBatch = 64
	// maxResponse is how much of a receiver's answer is kept, for the
	// control plane's listing.
	maxResponse = 1024
)

// Dispatcher POSTs one environment's webhook deliveries. It runs in its
// own goroutine from the first Start until Close, waking when a commit
// queues deliveries or the clock moves, so it never blocks the request
// that caused an event. Deliveries to one URL go in queue order; different
// URLs are served in parallel.
type Dispatcher struct {
	st     *store.Store
	client *http.Client
	log    *slog.Logger
	once   sync.Once
	stop   chan struct{}
	done   chan struct{}
}

// NewDispatcher returns the dispatcher of st. transport carries the POSTs
// (nil: http.DefaultTransport); the testkit passes one that hands some URLs
// to in-process handlers.
func NewDispatcher(st *store.Store, transport http.RoundTripper, log *slog.Logger) *Dispatcher {
	if transport == nil {
		transport = http.DefaultTransport
	}
	return &Dispatcher{st: st, log: log, stop: make(chan struct{}), done: make(chan struct{}),
		client: &http.Client{Transport: transport, Timeout: AttemptTimeout,
			// A receiver's redirect is an answer, not a place to resend the
			// event (WorkOS does not follow them either).
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// Start runs the dispatcher (once; later calls do nothing).
func (d *Dispatcher) Start() {
	d.once.Do(func() { go d.run() })
}

// Close stops the dispatcher and waits for the attempts in flight. It is
// safe to call without Start, and more than once.
func (d *Dispatcher) Close() {
	d.once.Do(func() { close(d.done) }) // never started: nothing to wait for
	select {
	case <-d.stop:
	default:
		close(d.stop)
	}
	<-d.done
}

func (d *Dispatcher) run() {
	defer close(d.done)
	for {
		jobs, next := d.st.ClaimDeliveries(false, claimBatch)
		if len(jobs) > 0 {
			d.deliver(jobs)
			continue
		}
		var fired <-chan time.Time
		stopTimer := func() bool { return false }
		if !next.IsZero() && !d.st.Clock().Frozen() {
			// A retry is due at next by the instance clock, which runs
			// with wall time: wait for it (a frozen clock moves only by
			// Set or Advance, which wake the dispatcher).
			fired, stopTimer = store.Timer(next.Sub(d.st.Clock().Now()))
		}
		select {
		case <-d.st.DeliveryWake():
		case <-fired:
		case <-d.stop:
			stopTimer()
			return
		}
		stopTimer()
	}
}

// Flush delivers everything queued now, retries included whatever their
// backoff, and returns when no delivery is queued or in flight (or ctx
// ends). Deliveries queued by the attempts themselves are delivered too.
func (d *Dispatcher) Flush(ctx context.Context) error {
	for {
		jobs, _ := d.st.ClaimDeliveries(true, claimBatch)
		if len(jobs) > 0 {
			d.deliver(jobs)
			continue
		}
		var busy bool
		var changed <-chan struct{}
		_ = d.st.Read(func(tx *store.Tx) error {
			busy, changed = tx.DeliveriesBusy(), tx.DeliveriesChanged()
			return nil
		})
		if !busy {
			return nil
		}
		// The dispatcher holds the rest in flight, or a retry was queued
		// between the claim and the check: look again when one finishes.
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// deliver attempts jobs: those of one URL one after the other, in order,
// each URL in its own goroutine.
func (d *Dispatcher) deliver(jobs []store.DeliveryJob) {
	byURL := map[string][]store.DeliveryJob{}
	var urls []string
	for _, j := range jobs {
		if _, ok := byURL[j.URL]; !ok {
			urls = append(urls, j.URL)
		}
		byURL[j.URL] = append(byURL[j.URL], j)
	}
	var wg sync.WaitGroup
	for _, u := range urls {
		wg.Add(1)
		go func(list []store.DeliveryJob) {
			defer wg.Done()
			for _, j := range list {
				d.st.FinishDelivery(j.ID, d.attempt(j))
			}
		}(byURL[u])
	}
	wg.Wait()
}

// attempt POSTs one delivery, signed at the instance clock's now.
func (d *Dispatcher) attempt(j store.DeliveryJob) store.DeliveryAttempt {
	at := d.st.Clock().Now()
	a := store.DeliveryAttempt{At: at, Signature: Sign(j.Secret, at, j.Body)}
	ctx, cancel := context.WithTimeout(context.Background(), AttemptTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, j.URL, bytes.NewReader(j.Body))
	if err != nil {
		a.Error = err.Error()
		return a
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("WorkOS-Signature", a.Signature)
	req.Header.Set("User-Agent", "WorkOS Webhooks (authkit-emulator)")
	res, err := d.client.Do(req)
	if err != nil {
		a.Error = err.Error()
		d.log.Debug("webhook attempt failed", "delivery", j.ID, "url", j.URL, "attempt", j.Attempt, "error", err)
		return a
	}
	defer res.Body.Close()
	a.StatusCode = res.StatusCode
	a.Response, _ = io.ReadAll(io.LimitReader(res.Body, maxResponse))
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 1<<20)) // let the connection be reused
	if res.StatusCode < 200 || res.StatusCode > 299 {
		a.Error = "the endpoint answered " + res.Status
	}
	return a
}
