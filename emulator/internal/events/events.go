package events

import (
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
)

// list serves GET /events: the log in commit order (oldest first unless
// order=desc), filtered by event types, organization and a time range.
func (a *api) list(c echo.Context) error {
	q := c.QueryParams()
	pg, err := web.ParsePage(q)
	if err != nil {
		return err
	}
	query := store.EventQuery{Types: web.QueryList(q, "events"), OrgID: q.Get("organization_id"),
		After: pg.After, Before: pg.Before, Limit: pg.Limit, Desc: q.Get("order") == "desc"}
	var bad []web.FieldError
	for _, r := range []struct {
		name string
		into *time.Time
	}{{"range_start", &query.Start}, {"range_end", &query.End}} {
		if v := q.Get(r.name); v != "" {
			t, err := time.Parse(time.RFC3339Nano, v)
			if err != nil {
				bad = append(bad, web.Field(r.name, "must_be_an_iso8601_timestamp"))
			}
			*r.into = t
		}
	}
	if !query.Start.IsZero() && !query.End.IsZero() && query.End.Before(query.Start) {
		bad = append(bad, web.Field("range_end", "must_not_be_before_range_start"))
	}
	if len(bad) > 0 {
		return web.Invalid(bad...)
	}
	return web.Read(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		if query.OrgID != "" && tx.Org(query.OrgID) == nil && !tx.EventsMention(query.OrgID) {
			return nil, web.APIError(http.StatusBadRequest, "organization_not_found",
				"Organization not found: '"+web.Printable(query.OrgID)+"'.")
		}
		page, err := tx.Events(query)
		var cursor store.ErrUnknownCursor
		if errors.As(err, &cursor) {
			return nil, web.Invalid(web.Field(cursor.Field, "cursor_not_found"))
		}
		if err != nil {
			return nil, err
		}
		var after any
		if page.More && len(page.Events) > 0 {
			after = page.Events[len(page.Events)-1].ID
		}
		data := make([]wire.Appender, len(page.Events))
		for i, e := range page.Events {
			data[i] = e
		}
		return wire.List(data, wire.Object{{"after", after}}), nil
	})
}
