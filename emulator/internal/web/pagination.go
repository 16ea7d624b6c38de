package web

import (
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
)

// Page is WorkOS list parameters: limit (1-100, default 10), order (desc
// by default, newest first), and before/after cursors (object ids).
type Page struct {
	Limit         int
	Desc          bool
	Before, After string
}

// ParsePage reads list parameters; invalid ones are a 422.
func ParsePage(q url.Values) (Page, error) {
	pg := Page{Limit: 10, Desc: true, Before: q.Get("before"), After: q.Get("after")}
	var fields []FieldError
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 100 {
			fields = append(fields, FieldError{Field: "limit", Code: "limit_must_be_between_1_and_100"})
		}
		pg.Limit = n
	}
	switch q.Get("order") {
	case "", "desc":
	case "asc", "normal":
		pg.Desc = false
	default:
		fields = append(fields, FieldError{Field: "order", Code: "order_must_be_asc_or_desc"})
	}
	if pg.Before != "" && pg.After != "" {
		fields = append(fields, FieldError{Field: "before", Code: "before_and_after_are_exclusive"})
	}
	if len(fields) > 0 {
		return pg, Invalid(fields...)
	}
	return pg, nil
}

// Paginate returns one page of items (sorted by ascending seq) in list
// order, with the list_metadata cursors. A cursor is an object id; its
// position comes from seqOf, which remembers deleted objects too, so
// cursors stay valid while items are added and removed. The work is a
// binary search plus the page: O(log n + limit).
func Paginate[T store.Listed](items []T, pg Page, seqOf func(string) (uint64, bool)) ([]T, wire.Object, error) {
	seq := func(v T) uint64 { s, _ := v.ListKey(); return s }
	id := func(v T) string { _, i := v.ListKey(); return i }
	n := len(items)
	cursor := func(c, field string) (uint64, error) {
		cs, ok := seqOf(c)
		if !ok {
			return 0, Invalid(FieldError{Field: field, Code: "cursor_not_found"})
		}
		return cs, nil
	}
	searchGT := func(cs uint64) int { return sort.Search(n, func(i int) bool { return seq(items[i]) > cs }) }
	searchGE := func(cs uint64) int { return sort.Search(n, func(i int) bool { return seq(items[i]) >= cs }) }
	// lo..hi is the page as a range of the ascending slice.
	var lo, hi int
	switch {
	case pg.After != "":
		cs, err := cursor(pg.After, "after")
		if err != nil {
			return nil, nil, err
		}
		if pg.Desc {
			hi = searchGE(cs)
			lo = max(0, hi-pg.Limit)
		} else {
			lo = searchGT(cs)
			hi = min(n, lo+pg.Limit)
		}
	case pg.Before != "":
		cs, err := cursor(pg.Before, "before")
		if err != nil {
			return nil, nil, err
		}
		if pg.Desc {
			lo = searchGT(cs)
			hi = min(n, lo+pg.Limit)
		} else {
			hi = searchGE(cs)
			lo = max(0, hi-pg.Limit)
		}
	default:
		if pg.Desc {
			hi, lo = n, max(0, n-pg.Limit)
		} else {
			lo, hi = 0, min(n, pg.Limit)
		}
	}
	out := slices.Clone(items[lo:hi])
	// In list order, "before" is toward the newest (desc) or oldest (asc).
	moreBefore, moreAfter := lo > 0, hi < n
	if pg.Desc {
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
	return out, wire.Object{{"before", before}, {"after", after}}, nil
}

// PageOf is the answer to a list request: the page of items (in creation
// order) that pg selects, each rendered by render, in the WorkOS list
// envelope.
func PageOf[T store.Listed, R any](tx *store.Tx, items []T, pg Page, render func(T) R) (wire.Object, error) {
	page, meta, err := Paginate(items, pg, tx.SeqOf)
	if err != nil {
		return nil, err
	}
	data := make([]R, len(page))
	for i, v := range page {
		data[i] = render(v)
	}
	return wire.List(data, meta), nil
}

// QueryList reads an array query parameter in the three encodings the SDKs
// use: repeated (a=x&a=y), bracketed (a[]=x) and comma-joined (a=x,y).
func QueryList(q url.Values, name string) []string {
	var out []string
	for _, v := range append(q[name], q[name+"[]"]...) {
		for _, part := range strings.Split(v, ",") {
			if part = strings.TrimSpace(part); part != "" {
				out = append(out, part)
			}
		}
	}
	return out
}
