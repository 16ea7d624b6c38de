package auditlogs

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
)

// CSVColumns are the columns of an export, one event a row, oldest first.
// WorkOS does not publish its export's columns; these carry every field of
// the event (actor and targets flattened, metadata as JSON).
var CSVColumns = []string{"occurred_at", "action", "version", "actor_id", "actor_type", "actor_name", "actor_metadata",
	"targets", "target_types", "target_ids", "context_location", "context_user_agent", "metadata"}

// exportFilter is a POST /audit_logs/exports body, checked.
type exportFilter struct {
	orgID                                  string
	start, end                             time.Time
	actions, actorNames, actorIDs, targets []string
}

func (f *exportFilter) keep(e *store.AuditEvent) bool {
	if e.OccurredAt.Before(f.start) || e.OccurredAt.After(f.end) {
		return false
	}
	if len(f.actions) > 0 && !slices.Contains(f.actions, e.Action) {
		return false
	}
	if len(f.actorNames) > 0 && !slices.Contains(f.actorNames, e.ActorName) {
		return false
	}
	if len(f.actorIDs) > 0 && !slices.Contains(f.actorIDs, e.ActorID) {
		return false
	}
	if len(f.targets) > 0 && !slices.ContainsFunc(e.Targets, func(t store.AuditTarget) bool { return slices.Contains(f.targets, t.Type) }) {
		return false
	}
	return true
}

// badRequest is the 400 the export operation answers for invalid input
// (the spec documents no 422 for it).
func badRequest(fields ...web.FieldError) error {
	e := web.Invalid(fields...)
	e.Status = http.StatusBadRequest
	return e
}

func readExport(b *web.Body) (exportFilter, error) {
	var f exportFilter
	var bad []web.FieldError
	f.orgID = b.Str("organization_id")
	if f.orgID == "" {
		bad = append(bad, web.FieldError{Field: "organization_id", Code: "required", Message: "organization_id is required."})
	}
	for _, r := range []struct {
		name string
		into *time.Time
	}{{"range_start", &f.start}, {"range_end", &f.end}} {
		v := b.Str(r.name)
		if v == "" {
			bad = append(bad, web.FieldError{Field: r.name, Code: "required", Message: r.name + " is required."})
			continue
		}
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			bad = append(bad, web.FieldError{Field: r.name, Code: "must_be_an_iso8601_timestamp", Message: r.name + " must be an ISO-8601 timestamp."})
		}
		*r.into = t
	}
	f.actions, f.actorIDs, f.targets = b.Strings("actions"), b.Strings("actor_ids"), b.Strings("targets")
	f.actorNames = append(b.Strings("actor_names"), b.Strings("actors")...)
	if err := b.Err(); err != nil {
		we, ok := err.(*web.Error)
		if !ok {
			return f, err
		}
		bad = append(bad, we.Fields...)
	}
	if len(bad) > 0 {
		return f, badRequest(bad...)
	}
	if !f.start.Before(f.end) {
		return f, web.APIError(http.StatusBadRequest, "invalid_audit_log_export_range_date", "Invalid date range: range_start must be before range_end.")
	}
	return f, nil
}

// createExport serves POST /audit_logs/exports (201, pending): the
// organization's retained events in the range that pass the filters,
// taken now.
func (a *api) createExport(c echo.Context) error {
	b, err := web.Decode(c, web.APIBody)
	if err != nil {
		return err
	}
	f, err := readExport(&b)
	if err != nil {
		return err
	}
	return web.Write(c, a.env(c), http.StatusCreated, func(tx *store.Tx) (any, error) {
		if tx.Org(f.orgID) == nil {
			return nil, web.APIError(http.StatusBadRequest, "organization_not_found", "Organization not found: '"+web.Printable(f.orgID)+"'.")
		}
		var events []*store.AuditEvent
		for _, e := range tx.AuditEvents(f.orgID) {
			if f.keep(e) {
				events = append(events, e)
			}
		}
		slices.SortStableFunc(events, func(x, y *store.AuditEvent) int { return x.OccurredAt.Compare(y.OccurredAt) })
		e := &store.AuditExport{ID: tx.NewID(store.PrefixAuditLogExport), OrgID: f.orgID, State: store.ExportPending,
			Events: events, CreatedAt: tx.Now(), UpdatedAt: tx.Now()}
		tx.AddAuditExport(e)
		return e.Object(), nil
	})
}

// getExport serves GET /audit_logs/exports/{id}: the export, ready, with a
// new download URL valid ExportURLValidity (fetching again makes another,
// as WorkOS regenerates its presigned URL).
func (a *api) getExport(c echo.Context) error {
	st := a.env(c)
	base := strings.TrimRight(st.Config().PublicURL, "/")
	return web.Write(c, st, http.StatusOK, func(tx *store.Tx) (any, error) {
		id := web.PathParam(c, "id")
		e := tx.AuditExport(id)
		if e == nil {
			return nil, web.NotFound("Audit Log Export", id)
		}
		tx.NewExportURL(e, base)
		return e.Object(), nil
	})
}

// download serves an export's CSV at its presigned URL: no API key, as
// WorkOS's URL needs none; an unknown or expired URL is a 403, as a
// storage service answers one.
func (a *api) download(c echo.Context) error {
	token, ok := strings.CutSuffix(web.PathParam(c, "file"), ".csv")
	var events []*store.AuditEvent
	err := a.env(c).Read(func(tx *store.Tx) error {
		e, expired := tx.ExportByToken(token)
		switch {
		case !ok || (e == nil && !expired):
			return web.APIError(http.StatusForbidden, "access_denied", "The export URL is not valid.")
		case expired:
			return web.APIError(http.StatusForbidden, "request_expired", "The export URL has expired: fetch the export again for a new one.")
		}
		events = e.Events
		return nil
	})
	if err != nil {
		return err
	}
	c.Response().Header().Set("Content-Disposition", `attachment; filename="export.csv"`)
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", CSV(events))
}

// CSV renders events as an export file (header row first).
func CSV(events []*store.AuditEvent) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write(CSVColumns)
	for _, e := range events {
		types, ids := make([]string, len(e.Targets)), make([]string, len(e.Targets))
		for i, t := range e.Targets {
			types[i], ids[i] = t.Type, t.ID
		}
		_ = w.Write([]string{wire.Time(e.OccurredAt), e.Action, strconv.Itoa(e.Version), e.ActorID, e.ActorType, e.ActorName,
			jsonText(e.ActorMetadata), jsonText(e.Targets), strings.Join(types, ","), strings.Join(ids, ","),
			e.Location, e.UserAgent, jsonText(e.Metadata)})
	}
	w.Flush()
	return buf.Bytes()
}

// jsonText is v as compact JSON ("" for nothing).
func jsonText[T any](v T) string {
	b, err := wire.Marshal(v)
	if err != nil || string(b) == "null" || string(b) == "{}" {
		return ""
	}
	return string(b)
}
