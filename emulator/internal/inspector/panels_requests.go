package inspector

import (
	"net/http"
	"strconv"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
)

// requestsPanel is the request journal: what the application sent and
// what the emulator answered, secrets redacted (the journal's own
// redaction, the one GET /_emulator/requests applies).
func requestsPanel() Panel {
	methods := []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}
	return Panel{
		ID: "requests", Title: "Requests", Columns: []string{"#", "time", "method", "path", "status", "request id"},
		Filters: []Filter{
			{Name: "method", Label: "method", Options: methods},
			{Name: "path", Label: "path, /a/*/c or /a/**"},
			{Name: "status", Label: "status", Options: []string{"2xx", "3xx", "4xx", "5xx"}},
		},
		Actions: []Action{{Label: "Clear journal", Method: http.MethodDelete, Path: "/_emulator/requests", Confirm: "Clear the request journal?"}},
		Rows: func(v View, q Query) []Row {
			f := store.RequestFilter{Method: q.Filter("method"), Path: q.Filter("path")}
			var list []store.Recorded
			if q.Text == "" {
				list = v.Store.Journal().Summaries(f) // no bodies to search: the cheap listing
			} else {
				list, _ = v.Store.Journal().List(f)
			}
			class := q.Filter("status")
			var out []Row
			newestFirst(list, func(e store.Recorded) {
				status := strconv.Itoa(e.Status)
				if (class != "" && (len(class) != 3 || status[0] != class[0])) || !(q.Match(e.RequestID, e.Path, e.Method, status) || mentions(e, q)) {
					return
				}
				out = append(out, Row{ID: strconv.FormatUint(e.Seq, 10), Status: statusClass(e.Status),
					Cells: []string{strconv.FormatUint(e.Seq, 10), wire.Time(e.At), e.Method, e.Path, status, e.RequestID}})
			})
			return out
		},
		Detail: func(v View, id string) any {
			seq, err := strconv.ParseUint(id, 10, 64)
			if err != nil {
				return nil
			}
			e, ok := web.Request(v.Store, seq)
			if !ok {
				return nil
			}
			return wire.Object{{"seq", e.Seq}, {"time", e.Time}, {"request_id", e.RequestID},
				{"request", wire.Object{{"method", e.Method}, {"path", e.Path}, {"query", e.Query}, {"headers", e.Headers},
					{"body", e.Body}, {"truncated", e.Truncated}}},
				{"response", wire.Object{{"status", e.Status}, {"headers", e.Response.Headers}, {"body", e.Response.Body},
					{"size", e.Response.Size}, {"truncated", e.Response.Truncated}}}}
		},
	}
}

// mentions reports whether the search text is in the entry's query,
// request body or response body as the journal shows them (redacted): an
// e-mail sent, an id created. The raw bytes are looked at first, so only
// the few entries that may match are redacted, and a secret's value never
// matches (it is not in the redacted entry).
func mentions(e store.Recorded, q Query) bool {
	if q.Text == "" || !(containsFold(e.RawQuery, q.Text) || containsFoldBytes(e.Body, q.Text) || containsFoldBytes(e.RespBody, q.Text)) {
		return false
	}
	r := web.Redact(e)
	for _, v := range r.Query {
		if containsFold(v, q.Text) {
			return true
		}
	}
	return containsFold(r.Body, q.Text) || containsFold(r.Response.Body, q.Text)
}

// statusClass names an HTTP status's class for the page's badge.
func statusClass(code int) string {
	switch {
	case code >= 500:
		return "failed"
	case code >= 400:
		return "refused"
	case code >= 300:
		return "redirect"
	}
	return "ok"
}
