package emulator

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/events"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// Event is one entry of the event log, as GET /events lists it.
type Event struct {
	ID             string          `json:"id"`
	Type           string          `json:"event"`
	OrganizationID string          `json:"-"`
	Data           json.RawMessage `json:"data"`
	CreatedAt      time.Time       `json:"created_at"`
}

// EventFilter selects events: any of Types (none: all), of one
// organization, after an event id, at most Limit (0: all retained).
type EventFilter struct {
	Types          []string
	OrganizationID string
	After          string
	Limit          int
}

// Events lists the event log, oldest first.
func (s *Server) Events(f EventFilter) ([]Event, error) {
	var out []Event
	err := s.st.Read(func(tx *store.Tx) error {
		q := store.EventQuery{Types: f.Types, OrgID: f.OrganizationID, After: f.After, Limit: f.Limit}
		if q.Limit <= 0 {
			q.Limit = tx.Config().EventLogSize
		}
		page, err := tx.Events(q)
		if err != nil {
			return err
		}
		for _, e := range page.Events {
			out = append(out, Event{ID: e.ID, Type: e.Type, OrganizationID: e.OrgID, Data: slices.Clone(e.Data), CreatedAt: e.CreatedAt})
		}
		return nil
	})
	return out, err
}

// WebhookEndpoint is a webhook endpoint of the environment.
type WebhookEndpoint struct {
	ID     string
	URL    string
	Secret string
	// Events is what it subscribes to (empty: everything).
	Events  []string
	Enabled bool
}

// CreateWebhookEndpoint adds an enabled webhook endpoint for url, as POST
// /webhook_endpoints does (no events: every event type).
func (s *Server) CreateWebhookEndpoint(rawURL string, eventTypes ...string) (WebhookEndpoint, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return WebhookEndpoint{}, fmt.Errorf("webhook endpoint %q is not an http(s) URL", rawURL)
	}
	for _, e := range eventTypes {
		if _, ok := slices.BinarySearch(fixtures.WebhookEventTypes, e); !ok {
			return WebhookEndpoint{}, fmt.Errorf("%q is not an event type a webhook endpoint can subscribe to", e)
		}
	}
	var out WebhookEndpoint
	err = s.st.Write(func(tx *store.Tx) error {
		if tx.WebhookEndpointByURL(rawURL) != nil {
			return fmt.Errorf("a webhook endpoint for %s already exists", rawURL)
		}
		e := &store.WebhookEndpoint{ID: tx.NewID(fixtures.PrefixWebhookEndpoint), URL: rawURL, Secret: tx.NewWebhookSecret(),
			Events: slices.Clone(eventTypes), Status: fixtures.WebhookEnabled, CreatedAt: tx.Now(), UpdatedAt: tx.Now()}
		tx.AddWebhookEndpoint(e)
		out = publicEndpoint(e)
		return nil
	})
	return out, err
}

func publicEndpoint(e *store.WebhookEndpoint) WebhookEndpoint {
	return WebhookEndpoint{ID: e.ID, URL: e.URL, Secret: e.Secret, Events: slices.Clone(e.Events), Enabled: e.Status == fixtures.WebhookEnabled}
}

// WebhookDelivery is one event on its way to one endpoint: what GET
// /_emulator/webhooks lists.
type WebhookDelivery struct {
	ID         string
	EventID    string
	EventType  string
	EndpointID string
	URL        string
	// Status is pending, delivering, delivered, failed or cancelled.
	Status   string
	Attempts []WebhookAttempt
	// Body is the event as POSTed.
	Body []byte
}

// WebhookAttempt is one POST of a delivery.
type WebhookAttempt struct {
	At         time.Time
	Signature  string // the WorkOS-Signature header
	StatusCode int    // 0 when no HTTP answer came
	Error      string
}

func publicDelivery(d *store.Delivery) WebhookDelivery {
	out := WebhookDelivery{ID: d.ID, EventID: d.EventID, EventType: d.EventType, EndpointID: d.EndpointID, URL: d.URL,
		Status: d.Status, Body: slices.Clone(d.Body)}
	for _, a := range d.Attempts {
		out.Attempts = append(out.Attempts, WebhookAttempt{At: a.At, Signature: a.Signature, StatusCode: a.StatusCode, Error: a.Error})
	}
	return out
}

// WebhookDeliveries lists the retained deliveries, oldest first.
func (s *Server) WebhookDeliveries() []WebhookDelivery {
	var out []WebhookDelivery
	_ = s.st.Read(func(tx *store.Tx) error {
		all, _ := tx.Deliveries()
		for _, d := range all {
			out = append(out, publicDelivery(d))
		}
		return nil
	})
	return out
}

// FlushWebhooks delivers everything queued now (retries too, whatever
// their backoff) and returns when nothing is queued or in flight, as POST
// /_emulator/webhooks/flush does.
func (s *Server) FlushWebhooks(ctx context.Context) error { return s.webhooks.For(s.st).Flush(ctx) }

// WaitForDelivery waits until a delivery that match accepts has had at
// least one attempt, and returns it; it fails when ctx ends first. It
// never polls: it wakes when a delivery makes progress.
func (s *Server) WaitForDelivery(ctx context.Context, match func(WebhookDelivery) bool) (WebhookDelivery, error) {
	for {
		var found *WebhookDelivery
		var changed <-chan struct{}
		_ = s.st.Read(func(tx *store.Tx) error {
			all, _ := tx.Deliveries()
			for _, d := range all {
				if len(d.Attempts) == 0 {
					continue
				}
				if p := publicDelivery(d); match(p) {
					found = &p
					break
				}
			}
			changed = tx.DeliveriesChanged()
			return nil
		})
		if found != nil {
			return *found, nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return WebhookDelivery{}, ctx.Err()
		}
	}
}

// ErrWebhookSignature is a WorkOS-Signature header that does not match the
// body and secret, or is too old.
var ErrWebhookSignature = errors.New("webhook signature mismatch")

// WebhookSignature is the WorkOS-Signature header the emulator sends for
// body at t with secret: "t=<unix ms>, v1=<hex HMAC-SHA256 of "<t>.<body>">".
func WebhookSignature(secret string, t time.Time, body []byte) string {
	return events.Sign(secret, t, body)
}

// VerifyWebhookSignature checks a WorkOS-Signature header against the body
// and the endpoint's secret, as the SDKs' constructEvent does: the
// signature must match and its time be within tolerance of now (pass the
// emulator's clock when it is frozen).
func VerifyWebhookSignature(header string, body []byte, secret string, now time.Time, tolerance time.Duration) error {
	var ts string
	for _, part := range strings.Split(header, ",") {
		if k, v, ok := strings.Cut(strings.TrimSpace(part), "="); ok && k == "t" {
			ts = v
		}
	}
	ms, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: no timestamp in %q", ErrWebhookSignature, header)
	}
	at := time.UnixMilli(ms)
	if d := now.Sub(at); d > tolerance || d < -tolerance {
		return fmt.Errorf("%w: signed at %s, %s from now", ErrWebhookSignature, at.UTC().Format(time.RFC3339), d)
	}
	if !hmacEqual(WebhookSignature(secret, at, body), header) {
		return ErrWebhookSignature
	}
	return nil
}

func hmacEqual(want, got string) bool {
	// Compare the v1 part only: the header's spacing is not signed.
	v1 := func(h string) string {
		for _, part := range strings.Split(h, ",") {
			if k, v, ok := strings.Cut(strings.TrimSpace(part), "="); ok && k == "v1" {
				return v
			}
		}
		return ""
	}
	w, g := v1(want), v1(got)
	return w != "" && events.Equal(w, g)
}
