package inspector

import (
	"embed"
	"net/http"
	"path"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
)

// assets are the page: the HTML shell, its script and its style.
//
//go:embed assets
var assets embed.FS

// Row limits of a panel answer: a page shows the newest rows; the search
// finds the others.
const (
	defaultLimit = 200
	maxLimit     = 1000
)

// page serves GET /_emulator/ui: the HTML shell. It holds no data, so it
// needs no token; the script asks for one when the data routes want it.
func (a *api) page(c echo.Context) error {
	b, err := assets.ReadFile("assets/index.html")
	if err != nil {
		return err
	}
	return c.Blob(http.StatusOK, "text/html; charset=utf-8", b)
}

// assetTypes are the media types of the embedded assets, by extension.
var assetTypes = map[string]string{".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}

// asset serves GET /_emulator/ui/assets/{name}.
func (a *api) asset(c echo.Context) error {
	name := web.PathParam(c, "name")
	ct, ok := assetTypes[path.Ext(name)]
	if !ok || path.Base(name) != name {
		return web.NotFound("Asset", name)
	}
	b, err := assets.ReadFile("assets/" + name)
	if err != nil {
		return web.NotFound("Asset", name)
	}
	return c.Blob(http.StatusOK, ct, b)
}

// changes serves GET /_emulator/ui/api/changes: what the page polls to
// know when to look again. It reads counters, not the world: the world
// version (every write, reset, clock move and fault change), the journal's
// newest sequence number, and the clock.
func (a *api) changes(c echo.Context) error {
	st := a.env(c)
	clk := st.Clock()
	return web.JSON(c, http.StatusOK, wire.Object{{"version", st.Version()}, {"journal", st.Journal().Seq()},
		{"clock", wire.Object{{"now", clk.Now().Format(time.RFC3339Nano)}, {"frozen", clk.Frozen()}}},
		{"environment", web.BasePath(c)}})
}

// query reads the search text and a panel's filters from the query string.
func query(c echo.Context, p *Panel) Query {
	qs := c.QueryParams()
	q := Query{Text: qs.Get("q"), Filters: map[string]string{}}
	for _, f := range p.Filters {
		if v := qs.Get(f.Name); v != "" {
			q.Filters[f.Name] = v
		}
	}
	return q
}

// listPanels serves GET /_emulator/ui/api/panels: every panel's
// description and how many of its rows match ?q= (the search runs over
// every panel, so the page shows where an e-mail or id appears).
func (a *api) listPanels(c echo.Context) error {
	st := a.env(c)
	type described struct {
		*Panel
		Count int `json:"count"`
	}
	return web.Read(c, st, http.StatusOK, func(tx *store.Tx) (any, error) {
		v := View{Tx: tx, Store: st}
		out := make([]described, len(a.panels))
		for i := range a.panels {
			p := &a.panels[i]
			out[i] = described{Panel: p, Count: len(p.Rows(v, Query{Text: c.QueryParam("q")}))}
		}
		return wire.Object{{"version", st.Version()}, {"panels", out}}, nil
	})
}

// panel finds the panel a request names (404 otherwise).
func (a *api) panel(c echo.Context) (*Panel, error) {
	id := web.PathParam(c, "panel")
	p := a.byID[id]
	if p == nil {
		return nil, web.NotFound("Panel", id)
	}
	return p, nil
}

// rows serves GET /_emulator/ui/api/panels/{panel}: the newest rows
// matching the search and filters (limit, default 200, at most 1000) and
// how many match in all.
func (a *api) rows(c echo.Context) error {
	p, err := a.panel(c)
	if err != nil {
		return err
	}
	limit := defaultLimit
	if s := c.QueryParam("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxLimit {
			return web.Invalid(web.Field("limit", "must_be_between_1_and_1000"))
		}
		limit = n
	}
	st, q := a.env(c), query(c, p)
	return web.Read(c, st, http.StatusOK, func(tx *store.Tx) (any, error) {
		rows := p.Rows(View{Tx: tx, Store: st}, q)
		total := len(rows)
		if rows == nil {
			rows = []Row{}
		}
		if len(rows) > limit {
			rows = rows[:limit]
		}
		return wire.Object{{"panel", p.ID}, {"version", st.Version()}, {"total", total}, {"rows", rows}}, nil
	})
}

// detail serves GET /_emulator/ui/api/panels/{panel}/rows/{id}.
func (a *api) detail(c echo.Context) error {
	p, err := a.panel(c)
	if err != nil {
		return err
	}
	st, id := a.env(c), web.PathParam(c, "id")
	return web.Read(c, st, http.StatusOK, func(tx *store.Tx) (any, error) {
		d := p.Detail(View{Tx: tx, Store: st}, id)
		if d == nil {
			return nil, web.NotFound(p.Title+" row", id)
		}
		return wire.Object{{"panel", p.ID}, {"id", id}, {"detail", d}}, nil
	})
}
