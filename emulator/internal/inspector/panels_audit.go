package inspector

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
)

// The panels of Audit Logs: the actions with their schema versions, and
// the events organizations were sent (retained ones: the retention and the
// per-organization cap evict the oldest).

func auditActionsPanel() Panel {
	return Panel{
		ID: "audit_actions", Title: "Audit Log actions", Columns: []string{"name", "schema version", "targets", "metadata", "updated"},
		Rows: func(v View, q Query) []Row {
			var out []Row
			newestFirst(v.Tx.AuditLogActions(), func(a *store.AuditLogAction) {
				latest := a.Schemas[len(a.Schemas)-1]
				types := make([]string, len(latest.Targets))
				for i, t := range latest.Targets {
					types[i] = t.Type
				}
				ts := strings.Join(types, ", ")
				if !q.Match(a.ID, a.Name, ts) {
					return
				}
				out = append(out, Row{ID: a.ID, Cells: []string{a.Name, itoa(latest.Version), ts, yesNo(latest.Metadata != nil), wire.Time(a.UpdatedAt)}})
			})
			return out
		},
		Detail: func(v View, id string) any {
			for _, a := range v.Tx.AuditLogActions() {
				if a.ID == id {
					schemas := make([]wire.Object, len(a.Schemas))
					for i, s := range a.Schemas {
						schemas[i] = s.Object()
					}
					return wire.Object{{"action", a.Object()}, {"schemas", schemas}}
				}
			}
			return nil
		},
	}
}

func auditEventsPanel() Panel {
	return Panel{
		ID: "audit_events", Title: "Audit Log events", Columns: []string{"#", "occurred", "organization", "action", "actor", "targets"},
		Filters: []Filter{{Name: "action", Label: "action"}},
		Rows: func(v View, q Query) []Row {
			var out []Row
			for _, e := range auditEvents(v.Tx) {
				if f := q.Filter("action"); f != "" && e.Action != f {
					continue
				}
				org := orgName(v.Tx, e.OrgID)
				targets := make([]string, len(e.Targets))
				for i, t := range e.Targets {
					targets[i] = t.Type + ":" + t.ID
				}
				ts := strings.Join(targets, ", ")
				// An actor that is a user is found by their e-mail too.
				if !q.Match(e.OrgID, org, e.Action, e.ActorID, userEmail(v.Tx, e.ActorID), e.ActorName, e.ActorType, ts, e.Location) && !targetsMatch(e, q) {
					continue
				}
				actor := e.ActorType + ":" + e.ActorID
				if e.ActorName != "" {
					actor = e.ActorName + " (" + actor + ")"
				}
				seq := strconv.FormatUint(e.Seq, 10)
				out = append(out, Row{ID: seq, Cells: []string{seq, wire.Time(e.OccurredAt), org, e.Action, actor, ts}})
			}
			return out
		},
		Detail: func(v View, id string) any {
			for _, e := range auditEvents(v.Tx) {
				if strconv.FormatUint(e.Seq, 10) == id {
					return auditEventObject(v.Tx, e)
				}
			}
			return nil
		},
	}
}

// auditEvents lists every organization's retained events, the most
// recently stored first.
func auditEvents(tx *store.Tx) []*store.AuditEvent {
	var all []*store.AuditEvent
	for _, o := range tx.Orgs() {
		all = append(all, tx.AuditEvents(o.ID)...)
	}
	slices.SortFunc(all, func(a, b *store.AuditEvent) int { return cmp.Compare(b.Seq, a.Seq) })
	return all
}

// targetsMatch reports whether the search finds a target's name.
func targetsMatch(e *store.AuditEvent, q Query) bool {
	for _, t := range e.Targets {
		if q.Text != "" && q.Match(t.Name) {
			return true
		}
	}
	return false
}

// auditEventObject is an event as it was sent (POST /audit_logs/events),
// with its organization and when the emulator stored it.
func auditEventObject(tx *store.Tx, e *store.AuditEvent) wire.Object {
	targets := make([]wire.Object, len(e.Targets))
	for i, t := range e.Targets {
		targets[i] = wire.Object{{"id", t.ID}, {"type", t.Type}, {"name", wire.Opt(t.Name)}, {"metadata", t.Metadata}}
	}
	return wire.Object{{"organization_id", e.OrgID}, {"organization", orgName(tx, e.OrgID)}, {"action", e.Action}, {"version", e.Version},
		{"occurred_at", wire.Time(e.OccurredAt)},
		{"actor", wire.Object{{"id", e.ActorID}, {"type", e.ActorType}, {"name", wire.Opt(e.ActorName)}, {"metadata", e.ActorMetadata}}},
		{"targets", targets}, {"context", wire.Object{{"location", e.Location}, {"user_agent", wire.Opt(e.UserAgent)}}},
		{"metadata", e.Metadata}, {"stored_at", wire.Time(e.CreatedAt)}}
}
