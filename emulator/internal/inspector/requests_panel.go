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
			list := v.Store.Journal().Summaries(store.RequestFilter{Method: q.Filter("method"), Path: q.Filter("path")})
			class := q.Filter("status")
			var out []Row
			newestFirst(list, func(e store.Recorded) {
				status := strconv.Itoa(e.Status)
				if (class != "" && (len(class) != 3 || status[0] != class[0])) || !q.Match(e.RequestID, e.Path, e.Method, status) {
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
