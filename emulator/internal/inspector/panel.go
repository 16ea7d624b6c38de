package inspector

import (
	"strings"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
)

// Panel is one tab of the inspector: a table of rows read from the world,
// the full record of a row on demand, and what the page may do (row
// actions, panel actions, a form). The page renders every panel the same
// way, so a panel is data, not HTML: adding one is a function returning a
// Panel, listed in panels() (docs/inspector.md has the recipe).
type Panel struct {
	// ID names the panel in URLs (/_emulator/ui/api/panels/{id}).
	ID    string `json:"id"`
	Title string `json:"title"`
	// Group heads the panel's part of the tab list (the product area).
	Group string `json:"group"`
	// Columns are the headings of the row cells.
	Columns []string `json:"columns"`
	// Filters are the panel's own filters, besides the search.
	Filters []Filter `json:"filters,omitempty"`
	// Actions act on the panel as a whole (rotate the key, clear faults).
	Actions []Action `json:"actions,omitempty"`
	// Form, when set, adds something (a fault) through a control route.
	Form *Form `json:"form,omitempty"`
	// Rows lists the rows matching q, newest first. It runs inside a read
	// transaction and must not change anything.
	Rows func(v View, q Query) []Row `json:"-"`
	// Detail is the full record of the row with that id (nil when it is
	// gone), rendered as JSON in the page.
	Detail func(v View, id string) any `json:"-"`
}

// View is what a panel reads: the world (a read transaction) and the
// environment's store, for what lives beside the world (journal, faults,
// keys). It lives for one request.
type View struct {
	Tx    *store.Tx
	Store *store.Store
}

// Row is one line of a panel.
type Row struct {
	ID    string   `json:"id"`
	Cells []string `json:"cells"`
	// Status is a state word (active, revoked, failed, ...) the page shows
	// as a colored badge; "" for none.
	Status  string   `json:"status,omitempty"`
	Actions []Action `json:"actions,omitempty"`
}

// Action is a button of the page. It calls a control-plane route with
// fetch (Method, Path relative to the environment, optional JSON Body),
// after a confirmation when Confirm is set; or, with Href, opens a link
// (an e-mailed magic or invitation link) in a new tab.
type Action struct {
	Label   string `json:"label"`
	Method  string `json:"method,omitempty"`
	Path    string `json:"path,omitempty"`
	Body    any    `json:"body,omitempty"`
	Confirm string `json:"confirm,omitempty"`
	Href    string `json:"href,omitempty"`
}

// Filter is a panel's own filter: a choice among Options, or free text
// when there are none.
type Filter struct {
	Name    string   `json:"name"`
	Label   string   `json:"label"`
	Options []string `json:"options,omitempty"`
}

// Form posts its fields as a JSON object to a control route.
type Form struct {
	Label  string  `json:"label"`
	Method string  `json:"method"`
	Path   string  `json:"path"`
	Fields []Field `json:"fields"`
}

// Field is one input of a Form. Type is "text", "number" (sent as a JSON
// number) or "json" (sent as the JSON value typed).
type Field struct {
	Name        string `json:"name"`
	Label       string `json:"label"`
	Type        string `json:"type"`
	Placeholder string `json:"placeholder,omitempty"`
}

// Query is what the page asks of a panel: the search text (an e-mail, an
// id, any part of a cell) and the panel's filters.
type Query struct {
	Text    string
	Filters map[string]string
}

// Match reports whether the search text is empty or found, in any case, in
// one of the fields.
func (q Query) Match(fields ...string) bool {
	if q.Text == "" {
		return true
	}
	for _, f := range fields {
		if containsFold(f, q.Text) {
			return true
		}
	}
	return false
}

// Filter is the value of one of the panel's filters ("" for any).
func (q Query) Filter(name string) string { return q.Filters[name] }

// containsFold is strings.Contains ignoring case, without allocating for
// ASCII text.
func containsFold(s, sub string) bool {
	n := len(sub)
	for i := 0; i+n <= len(s); i++ {
		if strings.EqualFold(s[i:i+n], sub) {
			return true
		}
	}
	return false
}

// newestFirst walks a creation-ordered slice from its end.
func newestFirst[T any](list []T, fn func(T)) {
	for i := len(list) - 1; i >= 0; i-- {
		fn(list[i])
	}
}

// redactedMark stands for a secret the inspector does not show (the
// journal's mark).
const redactedMark = "[REDACTED]"

// hint shows a secret by its last four characters, as WorkOS shows API
// keys and client secrets after creation ("…3456"); a secret too short to
// keep anything back is only marked. "" stays "".
func hint(secret string) string {
	switch {
	case secret == "":
		return ""
	case len(secret) <= 12:
		return redactedMark
	}
	return "…" + secret[len(secret)-4:]
}

// redacted marks a secret that is set (nil when it is not).
func redacted(secret string) any {
	if secret == "" {
		return nil
	}
	return redactedMark
}
