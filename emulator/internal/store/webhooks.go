package store

import (
	"fmt"
	"slices"
	"time"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// WebhookEndpoint is a URL that receives the environment's events. Its
// URL is an index key: change it with SetWebhookEndpointURL.
type WebhookEndpoint struct {
	Seq    uint64
	ID     string
	URL    string
	Secret string
	// Events filters what the endpoint receives; empty means every event.
	Events    []string
	Status    string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// ListKey orders endpoints by creation.
func (e *WebhookEndpoint) ListKey() (uint64, string) { return e.Seq, e.ID }

// Wants reports whether the endpoint receives events of type typ now.
func (e *WebhookEndpoint) Wants(typ string) bool {
	return e.Status == fixtures.WebhookEnabled && (len(e.Events) == 0 || slices.Contains(e.Events, typ))
}

// Object renders the WorkOS webhook endpoint (the spec's WebhookEndpointJson).
func (e *WebhookEndpoint) Object() wire.Object {
	return wire.Object{{"object", "webhook_endpoint"}, {"id", e.ID}, {"endpoint_url", e.URL}, {"secret", e.Secret},
		{"status", e.Status}, {"events", wire.NonNil(e.Events)},
		{"created_at", wire.Time(e.CreatedAt)}, {"updated_at", wire.Time(e.UpdatedAt)}}
}

type webhooks struct {
	byID  map[string]*WebhookEndpoint
	byURL map[string]*WebhookEndpoint
	order []*WebhookEndpoint
}

func newWebhooks() webhooks {
	return webhooks{byID: map[string]*WebhookEndpoint{}, byURL: map[string]*WebhookEndpoint{}}
}

// WebhookEndpoint is the endpoint with that id, or nil.
func (tx *Tx) WebhookEndpoint(id string) *WebhookEndpoint { return tx.w.webhooks.byID[id] }

// WebhookEndpointByURL is the endpoint with that URL, or nil.
func (tx *Tx) WebhookEndpointByURL(url string) *WebhookEndpoint { return tx.w.webhooks.byURL[url] }

// WebhookEndpoints lists the endpoints in creation order. The slice is the
// index: do not change it.
func (tx *Tx) WebhookEndpoints() []*WebhookEndpoint { return tx.w.webhooks.order }

// AddWebhookEndpoint indexes a new endpoint.
func (tx *Tx) AddWebhookEndpoint(e *WebhookEndpoint) {
	w := &tx.w.webhooks
	e.Seq = tx.w.nextSeq(e.ID)
	w.byID[e.ID], w.byURL[e.URL] = e, e
	w.order = append(w.order, e)
}

// SetWebhookEndpointURL changes an endpoint's URL, re-indexing it.
func (tx *Tx) SetWebhookEndpointURL(e *WebhookEndpoint, url string) {
	w := &tx.w.webhooks
	delete(w.byURL, e.URL)
	e.URL = url
	w.byURL[url] = e
}

// DeleteWebhookEndpoint removes an endpoint. Its queued deliveries are
// cancelled when their turn comes.
func (tx *Tx) DeleteWebhookEndpoint(e *WebhookEndpoint) {
	w := &tx.w.webhooks
	delete(w.byID, e.ID)
	delete(w.byURL, e.URL)
	w.order = without1(w.order, e)
	tx.w.forgetSeq(e.ID, tx.now)
}

// NewWebhookSecret is a new endpoint secret, shaped like WorkOS's.
func (tx *Tx) NewWebhookSecret() string { return "whsec_" + tx.Token(32) }

// seedWebhookEndpoints adds a fixture's webhook endpoints.
func (tx *Tx) seedWebhookEndpoints(list []fixtures.WebhookEndpoint) error {
	for i := range list {
		f := &list[i]
		if tx.WebhookEndpoint(f.ID) != nil {
			return fmt.Errorf("webhook endpoint %s already exists", f.ID)
		}
		if tx.WebhookEndpointByURL(f.EndpointURL) != nil {
			return fmt.Errorf("a webhook endpoint for %s already exists", f.EndpointURL)
		}
		created := at(f.CreatedAt, tx.now)
		tx.AddWebhookEndpoint(&WebhookEndpoint{ID: f.ID, URL: f.EndpointURL, Secret: f.Secret,
			Events: slices.Clone(f.Events), Status: f.Status, CreatedAt: created, UpdatedAt: at(f.UpdatedAt, created)})
	}
	return nil
}

// snapshotWebhookEndpoints writes the endpoints in creation order (their
// deliveries are not fixture state).
func snapshotWebhookEndpoints(tx *Tx, set *fixtures.Set) {
	for _, e := range tx.w.webhooks.order {
		set.WebhookEndpoints = append(set.WebhookEndpoints, fixtures.WebhookEndpoint{ID: e.ID, EndpointURL: e.URL, Secret: e.Secret,
			Events: slices.Clone(e.Events), Status: e.Status, CreatedAt: stamp(e.CreatedAt), UpdatedAt: stamp(e.UpdatedAt)})
	}
}
