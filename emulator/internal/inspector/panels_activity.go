package inspector

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
)

// The panels of what happened: the outbox (what the real service would
// have e-mailed), the event log and the webhook deliveries.

func outboxPanel() Panel {
	kinds := []string{store.KindMagicAuth, store.KindEmailVerification, store.KindPasswordReset, store.KindInvitation}
	return Panel{
		ID: "outbox", Title: "Outbox", Columns: []string{"id", "kind", "email", "code", "created", "expires", "state"},
		Filters: []Filter{{Name: "kind", Label: "kind", Options: kinds}},
		Rows: func(v View, q Query) []Row {
			var out []Row
			for _, e := range v.Tx.Outbox("", q.Filter("kind")) {
				if !q.Match(e.ID, e.Email, e.UserID, e.Code) {
					continue
				}
				state := outboxState(e, v)
				row := Row{ID: e.ID, Status: state, Cells: []string{e.ID, e.Kind, e.Email, e.Code, wire.Time(e.CreatedAt), wire.Time(e.ExpiresAt), state}}
				if e.Link != "" {
					row.Actions = []Action{{Label: "Open link", Href: e.Link}}
				}
				out = append(out, row)
			}
			return out
		},
		Detail: func(v View, id string) any {
			for _, e := range v.Tx.Outbox("", "") {
				if e.ID == id {
					return wire.Object{{"id", e.ID}, {"kind", e.Kind}, {"email", e.Email}, {"user_id", wire.Opt(e.UserID)},
						{"code", wire.Opt(e.Code)}, {"token", wire.Opt(e.Token)}, {"link", wire.Opt(e.Link)},
						{"created_at", wire.Time(e.CreatedAt)}, {"expires_at", wire.Time(e.ExpiresAt)}, {"used_at", wire.TimePtr(e.UsedAt)},
						{"state", outboxState(e, v)}}
				}
			}
			return nil
		},
	}
}

// outboxState is used, expired or pending.
func outboxState(e *store.OutboxEntry, v View) string {
	switch {
	case e.UsedAt != nil:
		return "used"
	case !v.Tx.Now().Before(e.ExpiresAt):
		return "expired"
	}
	return "pending"
}

func eventsPanel() Panel {
	return Panel{
		ID: "events", Title: "Events", Columns: []string{"id", "event", "organization", "created"},
		Filters: []Filter{{Name: "event", Label: "event type"}},
		Rows: func(v View, q Query) []Row {
			eq := store.EventQuery{Desc: true, Limit: v.Tx.EventCount() + 1}
			if t := q.Filter("event"); t != "" {
				eq.Types = []string{t}
			}
			page, err := v.Tx.Events(eq)
			if err != nil {
				return nil
			}
			var out []Row
			for _, e := range page.Events {
				if !q.Match(e.ID, e.Type, e.OrgID) && !containsFoldBytes(e.Data, q.Text) {
					continue
				}
				out = append(out, Row{ID: e.ID, Cells: []string{e.ID, e.Type, e.OrgID, wire.Time(e.CreatedAt)}})
			}
			return out
		},
		Detail: func(v View, id string) any {
			if e := v.Tx.EventByID(id); e != nil {
				return e
			}
			return nil
		},
	}
}

func webhooksPanel() Panel {
	statuses := []string{store.DeliveryPending, store.DeliveryDelivering, store.DeliveryDelivered, store.DeliveryFailed, store.DeliveryCancelled}
	return Panel{
		ID: "webhooks", Title: "Webhooks", Columns: []string{"id", "event", "endpoint", "status", "attempts", "response", "created"},
		Filters: []Filter{{Name: "status", Label: "status", Options: statuses}},
		Rows: func(v View, q Query) []Row {
			all, _ := v.Tx.Deliveries()
			var out []Row
			newestFirst(all, func(d *store.Delivery) {
				if (q.Filter("status") != "" && d.Status != q.Filter("status")) || !q.Match(d.ID, d.EventID, d.EventType, d.EndpointID, d.URL) &&
					!containsFoldBytes(d.Body, q.Text) {
					return
				}
				code := ""
				if n := len(d.Attempts); n > 0 && d.Attempts[n-1].StatusCode != 0 {
					code = strconv.Itoa(d.Attempts[n-1].StatusCode)
				}
				out = append(out, Row{ID: d.ID, Status: d.Status,
					Cells:   []string{d.ID, d.EventType, d.URL, d.Status, itoa(len(d.Attempts)), code, wire.Time(d.CreatedAt)},
					Actions: []Action{{Label: "Re-send", Method: http.MethodPost, Path: "/_emulator/webhooks/" + url.PathEscape(d.ID) + "/resend"}}})
			})
			return out
		},
		Detail: func(v View, id string) any {
			d := v.Tx.Delivery(id)
			if d == nil {
				return nil
			}
			var payload any = string(d.Body)
			if json.Valid(d.Body) {
				payload = json.RawMessage(d.Body)
			}
			return wire.Object{{"id", d.ID}, {"event_id", d.EventID}, {"event", d.EventType}, {"webhook_endpoint_id", d.EndpointID},
				{"endpoint_url", d.URL}, {"status", d.Status}, {"next_attempt_at", d.NextAttemptAt()}, {"created_at", wire.Time(d.CreatedAt)},
				{"payload", payload}, {"attempts", d.AttemptLog()}}
		},
	}
}

// webhookEndpointsPanel is where the events go: each endpoint's URL,
// status and the events it takes, its signing secret by its last
// characters only.
func webhookEndpointsPanel() Panel {
	return Panel{
		ID: "webhook_endpoints", Title: "Webhook endpoints", Columns: []string{"id", "url", "events", "secret", "created", "status"},
		Rows: func(v View, q Query) []Row {
			var out []Row
			newestFirst(v.Tx.WebhookEndpoints(), func(e *store.WebhookEndpoint) {
				events := "every event"
				if len(e.Events) > 0 {
					events = strings.Join(e.Events, ", ")
				}
				if !q.Match(e.ID, e.URL, events) {
					return
				}
				out = append(out, Row{ID: e.ID, Status: e.Status, Cells: []string{e.ID, e.URL, events, hint(e.Secret), wire.Time(e.CreatedAt), e.Status}})
			})
			return out
		},
		Detail: func(v View, id string) any {
			e := v.Tx.WebhookEndpoint(id)
			if e == nil {
				return nil
			}
			o := e.Object()
			for i := range o {
				if o[i].Key == "secret" {
					o[i].Value = hint(e.Secret)
				}
			}
			return o
		},
	}
}

// containsFoldBytes is containsFold on bytes (event data, payloads),
// without converting them.
func containsFoldBytes(b []byte, sub string) bool {
	if sub == "" {
		return false
	}
	n := len(sub)
	for i := 0; i+n <= len(b); i++ {
		if equalFoldASCII(b[i:i+n], sub) {
			return true
		}
	}
	return false
}

func equalFoldASCII(b []byte, s string) bool {
	for i := 0; i < len(s); i++ {
		x, y := b[i], s[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

func itoa(n int) string { return strconv.Itoa(n) }
