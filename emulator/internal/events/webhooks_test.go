package events_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// receiver is a webhook endpoint that records what it gets and answers
// the statuses it is told to, in order (then 200).
type receiver struct {
	*httptest.Server
	mu       sync.Mutex
	statuses []int
	got      []received
}

type received struct {
	signature string
	body      []byte
}

func newReceiver(t *testing.T, statuses ...int) *receiver {
	r := &receiver{statuses: statuses}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.got = append(r.got, received{req.Header.Get("WorkOS-Signature"), body})
		status := http.StatusOK
		if len(r.statuses) > 0 {
			status, r.statuses = r.statuses[0], r.statuses[1:]
		}
		r.mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) received() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.got...)
}

func addEndpoint(t *testing.T, srv *emutest.Server, url string, events ...string) (id, secret string) {
	t.Helper()
	ep := emutest.WantJSON(t, srv.API(t, http.MethodPost, "/webhook_endpoints", map[string]any{"endpoint_url": url, "events": events}), http.StatusCreated)
	return ep["id"].(string), ep["secret"].(string)
}

// waitFor waits (without polling) for a delivery of eventType that match
// accepts.
func waitFor(t *testing.T, srv *emutest.Server, eventType string, match func(emulator.WebhookDelivery) bool) emulator.WebhookDelivery {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	d, err := srv.WaitForDelivery(ctx, func(d emulator.WebhookDelivery) bool { return d.EventType == eventType && match(d) })
	if err != nil {
		t.Fatalf("no %s delivery: %v (deliveries: %+v)", eventType, err, srv.WebhookDeliveries())
	}
	return d
}

func attempts(n int) func(emulator.WebhookDelivery) bool {
	return func(d emulator.WebhookDelivery) bool { return len(d.Attempts) >= n && d.Status != "delivering" }
}

func TestWebhookIsSignedAndIsTheEvent(t *testing.T) {
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	rcv := newReceiver(t)
	_, secret := addEndpoint(t, srv, rcv.URL+"/hooks", "user.created")
	createUser(t, srv, "hook@example.com")
	d := waitFor(t, srv, "user.created", attempts(1))
	if d.Status != "delivered" || d.Attempts[0].StatusCode != http.StatusOK {
		t.Fatalf("delivery %+v", d)
	}
	got := rcv.received()
	if len(got) != 1 {
		t.Fatalf("the receiver got %d POSTs", len(got))
	}
	if err := emulator.VerifyWebhookSignature(got[0].signature, got[0].body, secret, srv.Clock().Now(), 3*time.Minute); err != nil {
		t.Fatalf("signature %q does not verify: %v", got[0].signature, err)
	}
	if err := emulator.VerifyWebhookSignature(got[0].signature, got[0].body, secret+"x", srv.Clock().Now(), 3*time.Minute); err == nil {
		t.Fatal("a wrong secret verifies")
	}
	if !strings.HasPrefix(got[0].signature, "t=1768478400000, v1=") {
		t.Errorf("signature %q is not stamped with the instance clock", got[0].signature)
	}
	// The body is the event exactly as GET /events lists it.
	page := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/events", nil), http.StatusOK)
	listed, _ := json.Marshal(page["data"].([]any)[0])
	var a, b any
	_ = json.Unmarshal(listed, &a)
	if err := json.Unmarshal(got[0].body, &b); err != nil {
		t.Fatalf("body is not JSON: %s", got[0].body)
	}
	al, _ := json.Marshal(a)
	bl, _ := json.Marshal(b)
	if string(al) != string(bl) {
		t.Errorf("delivered %s, listed %s", bl, al)
	}
}

// Retries wait for the instance clock: a frozen clock retries when it is
// advanced past the backoff.
func TestWebhookRetriesFollowTheInstanceClock(t *testing.T) {
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	rcv := newReceiver(t, http.StatusInternalServerError, http.StatusServiceUnavailable)
	addEndpoint(t, srv, rcv.URL, "organization.created")
	createOrg(t, srv, "Retry Inc")
	d := waitFor(t, srv, "organization.created", attempts(1))
	if d.Status != "pending" || d.Attempts[0].StatusCode != http.StatusInternalServerError {
		t.Fatalf("after a 500: %+v", d)
	}
	list := emutest.WantJSON(t, srv.Do(t, http.MethodGet, "/_emulator/webhooks", nil), http.StatusOK)["data"].([]any)
	if next := list[0].(map[string]any)["next_attempt_at"]; next != "2026-01-15T12:00:01.000Z" {
		t.Errorf("next_attempt_at %v, want one second after the failure", next)
	}
	srv.Clock().Advance(time.Second)
	d = waitFor(t, srv, "organization.created", attempts(2))
	if d.Status != "pending" || d.Attempts[1].StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("second attempt: %+v", d)
	}
	srv.Clock().Advance(5 * time.Second)
	d = waitFor(t, srv, "organization.created", attempts(3))
	if d.Status != "delivered" {
		t.Fatalf("third attempt: %+v", d)
	}
	if n := len(rcv.received()); n != 3 {
		t.Errorf("the receiver got %d POSTs, want 3", n)
	}
}

// A flush delivers retries whatever their backoff, until each delivery
// succeeded or used its attempts.
func TestWebhookFlush(t *testing.T) {
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	flaky := newReceiver(t, http.StatusBadGateway)
	down := newReceiver(t, 500, 500, 500, 500, 500, 500, 500, 500)
	addEndpoint(t, srv, flaky.URL, "user.created")
	addEndpoint(t, srv, down.URL, "user.created")
	createUser(t, srv, "flush@example.com")
	res := srv.Do(t, http.MethodPost, "/_emulator/webhooks/flush", strings.NewReader("{}"), "Content-Type", "application/json")
	counts := emutest.WantJSON(t, res, http.StatusOK)
	if counts["delivered"] != float64(1) || counts["failed"] != float64(1) {
		t.Fatalf("after flush: %s", res.Body)
	}
	for _, d := range srv.WebhookDeliveries() {
		switch d.URL {
		case flaky.URL:
			if len(d.Attempts) != 2 || d.Status != "delivered" {
				t.Errorf("flaky receiver: %d attempts, %s", len(d.Attempts), d.Status)
			}
		case down.URL:
			if len(d.Attempts) != 7 || d.Status != "failed" {
				t.Errorf("failing receiver: %d attempts, %s", len(d.Attempts), d.Status)
			}
		}
	}
}

// Endpoints get what they subscribe to while enabled; a disabled endpoint
// gets nothing; a deleted endpoint's queued deliveries are cancelled.
func TestWebhookFiltersAndStatus(t *testing.T) {
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	users, orgs := newReceiver(t), newReceiver(t)
	usersID, _ := addEndpoint(t, srv, users.URL, "user.created")
	addEndpoint(t, srv, orgs.URL, "organization.created", "organization.deleted")
	emutest.WantJSON(t, srv.API(t, http.MethodPatch, "/webhook_endpoints/"+usersID, map[string]any{"status": "disabled"}), http.StatusOK)
	createUser(t, srv, "quiet@example.com")
	createOrg(t, srv, "Loud")
	if err := srv.FlushWebhooks(t.Context()); err != nil {
		t.Fatal(err)
	}
	if n := len(users.received()); n != 0 {
		t.Errorf("a disabled endpoint got %d POSTs", n)
	}
	got := orgs.received()
	if len(got) != 1 || !strings.Contains(string(got[0].body), `"event":"organization.created"`) {
		t.Errorf("the organizations endpoint got %d POSTs", len(got))
	}
	for _, d := range srv.WebhookDeliveries() {
		if d.EventType != "organization.created" {
			t.Errorf("unexpected delivery %s to %s", d.EventType, d.URL)
		}
	}
}

// A receiver that does not answer never holds up the request that caused
// the event.
func TestWebhookNeverBlocksTheRequest(t *testing.T) {
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	release := make(chan struct{})
	hold := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-release }))
	defer hold.Close()
	defer close(release)
	addEndpoint(t, srv, hold.URL, "user.created")
	for i := range 3 {
		createUser(t, srv, "nb"+string(rune('a'+i))+"@example.com")
	}
	// All three requests returned while the first delivery is stuck.
	if types, _, _ := listEvents(t, srv, nil); len(types) != 3 {
		t.Fatalf("events: %v", types)
	}
}

// A refused connection is an attempt with an error, retried later; a
// resend queues the event again.
func TestWebhookConnectionErrorAndResend(t *testing.T) {
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	closed := httptest.NewServer(http.NotFoundHandler())
	url := closed.URL
	closed.Close()
	addEndpoint(t, srv, url, "user.created")
	createUser(t, srv, "refused@example.com")
	d := waitFor(t, srv, "user.created", attempts(1))
	if d.Status != "pending" || d.Attempts[0].StatusCode != 0 || d.Attempts[0].Error == "" {
		t.Fatalf("refused connection: %+v", d)
	}
	res := srv.Do(t, http.MethodPost, "/_emulator/webhooks/"+d.ID+"/resend", strings.NewReader("{}"), "Content-Type", "application/json")
	again := emutest.WantJSON(t, res, http.StatusCreated)
	if again["event_id"] != d.EventID || again["id"] == d.ID || again["status"] != "pending" {
		t.Errorf("resend: %s", res.Body)
	}
	emutest.WantError(t, srv.Do(t, http.MethodPost, "/_emulator/webhooks/webhook_delivery_nope/resend", strings.NewReader("{}"), "Content-Type", "application/json"),
		http.StatusNotFound, "entity_not_found")
}

// Fixture endpoints: enabled, every event type by default, with a
// generated secret unless given.
func TestWebhookEndpointFixtures(t *testing.T) {
	rcv := newReceiver(t)
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0, Fixtures: emutest.Parse(t,
		"webhook_endpoints:\n  - endpoint_url: "+rcv.URL+"\n    secret: whsec_fixture\n")})
	list := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/webhook_endpoints", nil), http.StatusOK)["data"].([]any)
	ep := list[0].(map[string]any)
	if ep["secret"] != "whsec_fixture" || ep["status"] != "enabled" || !strings.HasPrefix(ep["id"].(string), "we_") {
		t.Fatalf("fixture endpoint: %v", ep)
	}
	createOrg(t, srv, "Everything")
	d := waitFor(t, srv, "organization.created", attempts(1))
	got := rcv.received()
	if d.Status != "delivered" || len(got) != 1 {
		t.Fatalf("delivery %+v, %d received", d, len(got))
	}
	if err := emulator.VerifyWebhookSignature(got[0].signature, got[0].body, "whsec_fixture", srv.Clock().Now(), time.Minute); err != nil {
		t.Error(err)
	}
}
