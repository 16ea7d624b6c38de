package testkit

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/authkit-emulator/authkit-emulator/emulator"
)

// inProcessSuffix ends the host of webhook endpoints served in process:
// .invalid can never resolve (RFC 6761), so such a URL cannot leak onto
// the network.
const inProcessSuffix = ".webhooks.testkit.invalid"

// webhookRouter carries the emulator's webhook deliveries: to in-process
// handlers for their hosts, over the network for everything else. It also
// remembers which deliveries WaitForWebhook has handed out.
type webhookRouter struct {
	handlers sync.Map // host -> http.Handler
	next     atomic.Int64
	mu       sync.Mutex
	returned map[string]bool // delivery ids WaitForWebhook returned
}

func newWebhookRouter() *webhookRouter { return &webhookRouter{returned: map[string]bool{}} }

// RoundTrip serves a delivery to an in-process handler, or sends it on.
func (r *webhookRouter) RoundTrip(req *http.Request) (*http.Response, error) {
	h, ok := r.handlers.Load(req.URL.Host)
	if !ok {
		if strings.HasSuffix(req.URL.Host, inProcessSuffix) {
			return nil, fmt.Errorf("testkit: no in-process webhook receiver for %s (its test ended?)", req.URL.Host)
		}
		return http.DefaultTransport.RoundTrip(req)
	}
	rec := httptest.NewRecorder()
	h.(http.Handler).ServeHTTP(rec, req)
	return rec.Result(), nil
}

// ReceiveWebhooks subscribes an in-process handler to the environment's
// events (eventTypes; none: every type): a webhook endpoint is created
// whose deliveries call h directly, with the same body, WorkOS-Signature
// header, retries and statuses as a delivery over the network, but no
// listener. Hand it your application's real webhook handler. The endpoint
// stops receiving when the test ends.
func (e *Emulator) ReceiveWebhooks(t T, h http.Handler, eventTypes ...string) emulator.WebhookEndpoint {
	t.Helper()
	host := "receiver-" + strconv.FormatInt(e.webhooks.next.Add(1), 10) + inProcessSuffix
	e.webhooks.handlers.Store(host, h)
	ep, err := e.srv.CreateWebhookEndpoint("http://"+host+"/webhooks", eventTypes...)
	if err != nil {
		t.Fatalf("testkit: ReceiveWebhooks: %v", err)
	}
	if c, ok := t.(interface{ Cleanup(func()) }); ok {
		c.Cleanup(func() { e.webhooks.handlers.Delete(host) })
	}
	return ep
}

// AddWebhookEndpoint subscribes a URL (a listener of your own) to the
// environment's events (eventTypes; none: every type) and returns the
// endpoint with its signing secret.
func (e *Emulator) AddWebhookEndpoint(t T, url string, eventTypes ...string) emulator.WebhookEndpoint {
	t.Helper()
	ep, err := e.srv.CreateWebhookEndpoint(url, eventTypes...)
	if err != nil {
		t.Fatalf("testkit: AddWebhookEndpoint: %v", err)
	}
	return ep
}

// Events lists the event log, oldest first: every event, or those of the
// given types.
func (e *Emulator) Events(t T, eventTypes ...string) []emulator.Event {
	t.Helper()
	out, err := e.srv.Events(emulator.EventFilter{Types: eventTypes})
	if err != nil {
		t.Fatalf("testkit: Events: %v", err)
	}
	return out
}

// WebhookDeliveries lists the retained webhook deliveries, oldest first.
func (e *Emulator) WebhookDeliveries() []emulator.WebhookDelivery { return e.srv.WebhookDeliveries() }

// FlushWebhooks delivers everything queued now (retries too, whatever
// their backoff) and returns when nothing is queued or in flight.
func (e *Emulator) FlushWebhooks(t T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout(t))
	defer cancel()
	if err := e.srv.FlushWebhooks(ctx); err != nil {
		t.Fatalf("testkit: FlushWebhooks: %v", err)
	}
}

// WaitForWebhook waits for the next delivery of an event of eventType
// (one this method has not returned before) to have been attempted, and
// returns it: trigger a change, then wait for exactly the webhook it
// caused. It fails the test if none comes before the test's deadline (or
// within 10 seconds when the test has none).
func (e *Emulator) WaitForWebhook(t T, eventType string) emulator.WebhookDelivery {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout(t))
	defer cancel()
	r := e.webhooks
	d, err := e.srv.WaitForDelivery(ctx, func(d emulator.WebhookDelivery) bool {
		r.mu.Lock()
		defer r.mu.Unlock()
		if d.EventType != eventType || r.returned[d.ID] {
			return false
		}
		r.returned[d.ID] = true
		return true
	})
	if err != nil {
		var seen []string
		for _, d := range e.srv.WebhookDeliveries() {
			seen = append(seen, d.EventType+" -> "+d.URL+" ("+d.Status+")")
		}
		t.Fatalf("testkit: no %s webhook was delivered (%v); deliveries: %v", eventType, err, seen)
	}
	return d
}

// waitTimeout is how long a wait may take: until shortly before the
// test's deadline, or 10 seconds.
func waitTimeout(t T) time.Duration {
	if d, ok := t.(interface{ Deadline() (time.Time, bool) }); ok {
		if dl, ok := d.Deadline(); ok {
			if left := time.Until(dl) - time.Second; left > 0 {
				return left
			}
		}
	}
	return 10 * time.Second
}
