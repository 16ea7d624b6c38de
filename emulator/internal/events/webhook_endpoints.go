package events

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// listEndpoints serves GET /webhook_endpoints, newest first.
func (a *api) listEndpoints(c echo.Context) error {
	pg, err := web.ParsePage(c.QueryParams())
	if err != nil {
		return err
	}
	return web.Read(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		return web.PageOf(tx, tx.WebhookEndpoints(), pg, (*store.WebhookEndpoint).Object)
	})
}

// endpointFields are what create and update read, checked.
type endpointFields struct {
	url       string
	urlSet    bool
	events    []string
	eventsSet bool
	status    string
}

func readEndpoint(b *web.Body, create bool) (endpointFields, error) {
	var f endpointFields
	var bad []web.FieldError
	if f.urlSet = b.Given("endpoint_url"); f.urlSet {
		f.url = b.Str("endpoint_url")
	} else if create {
		bad = append(bad, web.FieldError{Field: "endpoint_url", Code: "required", Message: "endpoint_url is required."})
	}
	if f.eventsSet = b.Given("events"); f.eventsSet {
		f.events = b.Strings("events")
		for _, ev := range f.events {
			if _, ok := slices.BinarySearch(fixtures.WebhookEventTypes, ev); !ok {
				bad = append(bad, web.FieldError{Field: "events", Code: "unknown_event_type",
					Message: fmt.Sprintf("%q is not an event type a webhook endpoint can subscribe to.", web.Printable(ev))})
			}
		}
		if len(f.events) == 0 {
			bad = append(bad, web.FieldError{Field: "events", Code: "required", Message: "Subscribe to at least one event type."})
		}
	} else if create {
		bad = append(bad, web.FieldError{Field: "events", Code: "required", Message: "events is required."})
	}
	if b.Given("status") {
		f.status = b.Str("status")
		if f.status != fixtures.WebhookEnabled && f.status != fixtures.WebhookDisabled {
			bad = append(bad, web.FieldError{Field: "status", Code: "invalid_status", Message: "status is enabled or disabled."})
		}
	}
	if err := b.Err(); err != nil {
		return f, err
	}
	if len(bad) > 0 {
		return f, web.Invalid(bad...)
	}
	if f.urlSet {
		// The emulator's receivers are local services, so plain http is
		// accepted where WorkOS requires https.
		u, err := url.Parse(f.url)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || len(f.url) > fixtures.MaxURLLength {
			return f, web.APIError(http.StatusUnprocessableEntity, "invalid_url", "endpoint_url must be an absolute http(s) URL without credentials.")
		}
	}
	return f, nil
}

func duplicate(tx *store.Tx, url string, self *store.WebhookEndpoint) error {
	if other := tx.WebhookEndpointByURL(url); other != nil && other != self {
		return web.APIError(http.StatusConflict, "duplicate_endpoint", "A Webhook Endpoint with the same endpoint URL already exists.")
	}
	return nil
}

// createEndpoint serves POST /webhook_endpoints (201): enabled, with a
// new secret.
func (a *api) createEndpoint(c echo.Context) error {
	b, err := web.Decode(c, web.APIBody)
	if err != nil {
		return err
	}
	f, err := readEndpoint(&b, true)
	if err != nil {
		return err
	}
	return web.Write(c, a.env(c), http.StatusCreated, func(tx *store.Tx) (any, error) {
		if err := duplicate(tx, f.url, nil); err != nil {
			return nil, err
		}
		e := &store.WebhookEndpoint{ID: tx.NewID(fixtures.PrefixWebhookEndpoint), URL: f.url, Secret: tx.NewWebhookSecret(),
			Events: f.events, Status: fixtures.WebhookEnabled, CreatedAt: tx.Now(), UpdatedAt: tx.Now()}
		tx.AddWebhookEndpoint(e)
		return e.Object(), nil
	})
}

func endpointFor(c echo.Context, tx *store.Tx) (*store.WebhookEndpoint, error) {
	id := web.PathParam(c, "id")
	if e := tx.WebhookEndpoint(id); e != nil {
		return e, nil
	}
	return nil, web.NotFound("Webhook Endpoint", id)
}

// updateEndpoint serves PATCH /webhook_endpoints/{id}: what the body sets
// changes, the rest stays.
func (a *api) updateEndpoint(c echo.Context) error {
	b, err := web.Decode(c, web.APIBody)
	if err != nil {
		return err
	}
	f, err := readEndpoint(&b, false)
	if err != nil {
		return err
	}
	return web.Write(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		e, err := endpointFor(c, tx)
		if err != nil {
			return nil, err
		}
		if f.urlSet {
			if err := duplicate(tx, f.url, e); err != nil {
				return nil, err
			}
			tx.SetWebhookEndpointURL(e, f.url)
		}
		if f.eventsSet {
			e.Events = f.events
		}
		if f.status != "" {
			e.Status = f.status
		}
		e.UpdatedAt = tx.Now()
		return e.Object(), nil
	})
}

// deleteEndpoint serves DELETE /webhook_endpoints/{id} (204); queued
// deliveries to it are cancelled.
func (a *api) deleteEndpoint(c echo.Context) error {
	return web.WriteNoContent(c, a.env(c), http.StatusNoContent, func(tx *store.Tx) error {
		e, err := endpointFor(c, tx)
		if err != nil {
			return err
		}
		tx.DeleteWebhookEndpoint(e)
		return nil
	})
}
