package events

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
)

// control serves the area's control-plane routes.
type control struct {
	env web.Env
	hub *Hub
}

// ControlRoutes lists the area's control-plane routes.
func ControlRoutes(env web.Env, hub *Hub) []web.Route {
	c := &control{env: env, hub: hub}
	const g, ctl = web.GroupControl, web.Control
	return []web.Route{
		web.R(http.MethodGet, "/_emulator/webhooks", g, ctl, "webhook deliveries: event, endpoint, status, attempts, response codes, body (?event=&status=)", c.list),
		web.R(http.MethodPost, "/_emulator/webhooks/flush", g, ctl, "deliver everything queued now (retries too) and answer when done", c.flush),
		web.R(http.MethodPost, "/_emulator/webhooks/:id/resend", g, ctl, "send a delivery again", c.resend),
	}
}

// DeliveryObject renders a delivery for the control plane.
func DeliveryObject(d *store.Delivery) wire.Object {
	var code any
	if n := len(d.Attempts); n > 0 && d.Attempts[n-1].StatusCode != 0 {
		code = d.Attempts[n-1].StatusCode
	}
	return wire.Object{{"id", d.ID}, {"event_id", d.EventID}, {"event", d.EventType}, {"webhook_endpoint_id", d.EndpointID},
		{"endpoint_url", d.URL}, {"status", d.Status}, {"attempts", len(d.Attempts)}, {"response_code", code},
		{"next_attempt_at", d.NextAttemptAt()}, {"created_at", wire.Time(d.CreatedAt)}, {"body", string(d.Body)}, {"attempt_log", d.AttemptLog()}}
}

// list serves GET /_emulator/webhooks: the retained deliveries, oldest
// first.
func (c *control) list(e echo.Context) error {
	q := e.QueryParams()
	event, status := q.Get("event"), q.Get("status")
	return web.Read(e, c.env(e), http.StatusOK, func(tx *store.Tx) (any, error) {
		all, dropped := tx.Deliveries()
		out := []wire.Object{}
		for _, d := range all {
			if (event == "" || d.EventType == event) && (status == "" || d.Status == status) {
				out = append(out, DeliveryObject(d))
			}
		}
		return wire.Object{{"data", out}, {"dropped", dropped}}, nil
	})
}

// flush serves POST /_emulator/webhooks/flush: it answers when nothing is
// queued or in flight, with how many deliveries are retained by status.
func (c *control) flush(e echo.Context) error {
	st := c.env(e)
	if err := c.hub.For(st).Flush(e.Request().Context()); err != nil {
		if err == context.Canceled || err == context.DeadlineExceeded {
			return web.APIError(http.StatusRequestTimeout, "flush_interrupted", "The client went away before the queue was empty.")
		}
		return err
	}
	return web.Read(e, st, http.StatusOK, func(tx *store.Tx) (any, error) {
		all, _ := tx.Deliveries()
		counts := map[string]int{}
		for _, d := range all {
			counts[d.Status]++
		}
		out := wire.Object{}
		for _, s := range []string{store.DeliveryDelivered, store.DeliveryFailed, store.DeliveryCancelled} {
			out = append(out, wire.KV{Key: s, Value: counts[s]})
		}
		return out, nil
	})
}

// resend serves POST /_emulator/webhooks/{id}/resend: a new delivery of the
// same event to the same endpoint (201).
func (c *control) resend(e echo.Context) error {
	id := web.PathParam(e, "id")
	return web.Write(e, c.env(e), http.StatusCreated, func(tx *store.Tx) (any, error) {
		d := tx.Delivery(id)
		if d == nil {
			return nil, web.NotFound("Delivery", id)
		}
		nd := tx.Redeliver(d)
		if nd == nil {
			return nil, web.APIError(http.StatusConflict, web.CodeConflict, "The delivery's webhook endpoint ("+d.EndpointID+") no longer exists.")
		}
		return DeliveryObject(nd), nil
	})
}
