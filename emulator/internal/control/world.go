package control

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/tokens"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// health serves GET /_emulator/health: 200 once fixtures and keys are
// loaded, which the server guarantees before its handler exists.
func health(c echo.Context) error {
	return web.JSON(c, http.StatusOK, wire.Object{{"status", "ok"}})
}

// index serves GET /_emulator: the control routes.
func (a *api) index(c echo.Context) error {
	var routes []wire.Object
	for _, r := range a.routes {
		routes = append(routes, wire.Object{{"method", r.Method}, {"path", r.Path}, {"doc", r.Doc}})
	}
	return web.JSON(c, http.StatusOK, wire.Object{{"routes", routes}})
}

// Reset returns an environment to exactly its loaded world (see
// store.Reset), minting the fixture sessions' tokens again.
func Reset(ctx context.Context, st *store.Store, resetClock bool) error {
	return st.Reset(resetClock, tokens.SeedLater())
}

// reset serves POST /_emulator/reset; {"keep_clock":true} leaves the clock
// where it is.
func (a *api) reset(c echo.Context) error {
	var body struct {
		KeepClock bool `json:"keep_clock"`
	}
	if err := decodeInto(c, &body); err != nil {
		return err
	}
	st := a.env(c)
	if err := Reset(c.Request().Context(), st, !body.KeepClock); err != nil {
		return err
	}
	return web.JSON(c, http.StatusOK, wire.Object{{"status", "reset"}, {"clock", clockState(st.Clock())}})
}

func clockState(clk *store.Clock) wire.Object {
	now := clk.Now()
	return wire.Object{{"now", now.Format(time.RFC3339Nano)}, {"unix", now.Unix()}, {"frozen", clk.Frozen()}}
}

// clock serves GET and POST /_emulator/clock. POST takes one of
// {"set":"RFC3339"}, {"advance":"90s"} or {"real":true}.
func (a *api) clock(c echo.Context) error {
	clk := a.env(c).Clock()
	if c.Request().Method == http.MethodPost {
		var body struct {
			Set     string `json:"set"`
			Advance string `json:"advance"`
			Real    bool   `json:"real"`
		}
		if err := decodeInto(c, &body); err != nil {
			return err
		}
		n := 0
		for _, set := range []bool{body.Set != "", body.Advance != "", body.Real} {
			if set {
				n++
			}
		}
		if n != 1 {
			return web.Invalid(web.Field("set|advance|real", "exactly_one_required"))
		}
		switch {
		case body.Set != "":
			t, err := time.Parse(time.RFC3339Nano, body.Set)
			if err != nil {
				return web.Invalid(web.Field("set", "invalid_rfc3339_time"))
			}
			clk.Set(t)
		case body.Advance != "":
			d, err := time.ParseDuration(body.Advance)
			if err != nil {
				return web.Invalid(web.Field("advance", "invalid_duration"))
			}
			clk.Advance(d)
		default:
			clk.Real()
		}
	}
	return web.JSON(c, http.StatusOK, clockState(clk))
}

// fixtures serves POST /_emulator/fixtures: a YAML or JSON fixture
// document merged into the running world.
func (a *api) fixtures(c echo.Context) error {
	added, err := tokens.AddFixtures(c.Request().Context(), a.env(c), web.RawBody(c), "request")
	if err != nil {
		return FixtureError(err)
	}
	return web.JSON(c, http.StatusOK, wire.Object{{"added", map[string]int(added)}})
}

// FixtureError renders fixture problems as a 422 listing every problem,
// and a conflict with the running world as a 409.
func FixtureError(err error) error {
	var ps fixtures.Problems
	var conflict store.ConflictError
	switch {
	case errors.As(err, &ps):
		lines := make([]string, len(ps))
		for i, p := range ps {
			lines[i] = p.String()
		}
		return web.APIError(http.StatusUnprocessableEntity, "invalid_fixtures", fmt.Sprintf("The fixtures have %d problem(s); nothing was changed.", len(ps))).
			With("problems", lines)
	case errors.As(err, &conflict):
		return web.APIError(http.StatusConflict, web.CodeConflict, conflict.Message)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return web.APIError(http.StatusRequestTimeout, "request_cancelled", "The client went away while the fixtures were read; nothing was changed.")
	}
	return err
}

// requests serves GET /_emulator/requests. Filters: method, path (exact or
// pattern), since (a sequence number or an RFC 3339 instance-clock time).
func (a *api) requests(c echo.Context) error {
	q := c.QueryParams()
	f := store.RequestFilter{Method: q.Get("method"), Path: q.Get("path")}
	if since := q.Get("since"); since != "" {
		if n, err := strconv.ParseUint(since, 10, 64); err == nil {
			f.SinceSeq = n
		} else if t, err := time.Parse(time.RFC3339Nano, since); err == nil {
			f.Since = t
		} else {
			return web.Invalid(web.Field("since", "sequence_number_or_rfc3339_time"))
		}
	}
	list, dropped := web.Requests(a.env(c), f)
	return web.JSON(c, http.StatusOK, wire.Object{{"requests", list}, {"dropped", dropped}})
}

// clearRequests serves DELETE /_emulator/requests.
func (a *api) clearRequests(c echo.Context) error {
	a.env(c).Journal().Clear()
	return c.NoContent(http.StatusNoContent)
}

// decodeInto strictly decodes the control route's JSON body into v.
func decodeInto(c echo.Context, v any) error {
	b, err := web.Decode(c, web.ControlJSON)
	if err != nil {
		return err
	}
	return b.Into(v)
}
