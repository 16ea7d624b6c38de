package emulator

import (
	"cmp"
	"net/http"

	"github.com/labstack/echo/v4"
	"net/url"
	"slices"
	"sort"
	"strconv"
)

// pageParams are WorkOS list parameters: limit (1-100, default 10), order
// (desc by default, newest first), and before/after cursors (object ids).
type pageParams struct {
	limit         int
	desc          bool
	before, after string
}

// parsePage reads list parameters; invalid ones are a 422.
func parsePage(q url.Values) (pageParams, error) {
	pg := pageParams{limit: 10, desc: true, before: q.Get("before"), after: q.Get("after")}
	var fields []FieldError
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 100 {
			fields = append(fields, FieldError{Field: "limit", Code: "limit_must_be_between_1_and_100"})
		}
		pg.limit = n
	}
	switch q.Get("order") {
	case "", "desc":
	case "asc", "normal":
		pg.desc = false
	default:
		fields = append(fields, FieldError{Field: "order", Code: "order_must_be_asc_or_desc"})
	}
	if pg.before != "" && pg.after != "" {
		fields = append(fields, FieldError{Field: "before", Code: "before_and_after_are_exclusive"})
	}
	if len(fields) > 0 {
		return pg, invalidParams(fields...)
	}
	return pg, nil
}

// paginate returns one page of items (sorted by ascending seq) in list
// order, with the list_metadata cursors. A cursor is an object id; its
// position comes from seqOf, which remembers deleted objects too, so
// cursors stay valid while items are added and removed. The work is a
// binary search plus the page: O(log n + limit).
func paginate[T listed](items []T, pg pageParams, seqOf func(string) (uint64, bool)) ([]T, object, error) {
	seq := func(v T) uint64 { s, _ := v.listKey(); return s }
	id := func(v T) string { _, i := v.listKey(); return i }
	n := len(items)
	cursor := func(c, field string) (uint64, error) {
		cs, ok := seqOf(c)
		if !ok {
			return 0, invalidParams(FieldError{Field: field, Code: "cursor_not_found"})
		}
		return cs, nil
	}
	searchGT := func(cs uint64) int { return sort.Search(n, func(i int) bool { return seq(items[i]) > cs }) }
	searchGE := func(cs uint64) int { return sort.Search(n, func(i int) bool { return seq(items[i]) >= cs }) }
	// lo..hi is the page as a range of the ascending slice.
	var lo, hi int
	switch {
	case pg.after != "":
		cs, err := cursor(pg.after, "after")
		if err != nil {
			return nil, nil, err
		}
		if pg.desc {
			hi = searchGE(cs)
			lo = max(0, hi-pg.limit)
		} else {
			lo = searchGT(cs)
			hi = min(n, lo+pg.limit)
		}
	case pg.before != "":
		cs, err := cursor(pg.before, "before")
		if err != nil {
			return nil, nil, err
		}
		if pg.desc {
			lo = searchGT(cs)
			hi = min(n, lo+pg.limit)
		} else {
			hi = searchGE(cs)
			lo = max(0, hi-pg.limit)
		}
	default:
		if pg.desc {
			hi, lo = n, max(0, n-pg.limit)
		} else {
			lo, hi = 0, min(n, pg.limit)
		}
	}
	out := slices.Clone(items[lo:hi])
	// In list order, "before" is toward the newest (desc) or oldest (asc).
	moreBefore, moreAfter := lo > 0, hi < n
	if pg.desc {
		slices.Reverse(out)
		moreBefore, moreAfter = hi < n, lo > 0
	}
	var before, after any
	if len(out) > 0 {
		if moreBefore {
			before = id(out[0])
		}
		if moreAfter {
			after = id(out[len(out)-1])
		}
	}
	return out, object{{"before", before}, {"after", after}}, nil
}

// writePage answers a list request: the page of items (in creation order)
// that pg selects, each rendered by render, in the WorkOS list envelope.
func writePage[T listed, R any](c echo.Context, w *world, items []T, pg pageParams, render func(T) R) error {
	page, meta, err := paginate(items, pg, w.seqOfID)
	if err != nil {
		return err
	}
	data := make([]R, len(page))
	for i, v := range page {
		data[i] = render(v)
	}
	return writeJSON(c, http.StatusOK, listBody(data, meta))
}

// listed is a record in a WorkOS list: its creation sequence orders the
// list and its id is the cursor.
type listed interface {
	listKey() (seq uint64, id string)
}

func (u *user) listKey() (uint64, string)         { return u.seq, u.ID }
func (o *organization) listKey() (uint64, string) { return o.seq, o.ID }
func (m *membership) listKey() (uint64, string)   { return m.seq, m.ID }
func (r *role) listKey() (uint64, string)         { return r.seq, r.ID }
func (p *permission) listKey() (uint64, string)   { return p.seq, p.ID }
func (i *invitation) listKey() (uint64, string)   { return i.seq, i.id }
func (ss *session) listKey() (uint64, string)     { return ss.seq, ss.ID }

// listBody is the WorkOS list envelope.
func listBody(data any, meta object) object {
	return object{{"object", "list"}, {"data", data}, {"list_metadata", meta}}
}

// sortBySeq sorts records into creation order.
func sortBySeq[T listed](s []T) {
	slices.SortFunc(s, func(a, b T) int {
		sa, _ := a.listKey()
		sb, _ := b.listKey()
		return cmp.Compare(sa, sb)
	})
}
