package control

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
)

// AddFault validates and queues a scripted failure.
func AddFault(st *store.Store, f store.Fault) (store.Fault, error) {
	f, err := web.CheckFault(f)
	if err != nil {
		return f, err
	}
	return st.Faults().Add(f), nil
}

// faultBody is the JSON of POST /_emulator/faults.
type faultBody struct {
	Method string          `json:"method"`
	Path   string          `json:"path"`
	Status int             `json:"status"`
	Body   json.RawMessage `json:"body"`
	Count  int             `json:"count"`
	Delay  string          `json:"delay"`
}

// addFault serves POST /_emulator/faults.
func (a *api) addFault(c echo.Context) error {
	var body faultBody
	if err := decodeInto(c, &body); err != nil {
		return err
	}
	f := store.Fault{Method: body.Method, Path: body.Path, Status: body.Status, Body: body.Body, Count: body.Count}
	if body.Delay != "" {
		d, err := time.ParseDuration(body.Delay)
		if err != nil {
			return web.Invalid(web.Field("delay", "invalid_duration"))
		}
		f.Delay = d
	}
	added, err := AddFault(a.env(c), f)
	if err != nil {
		return err
	}
	return web.JSON(c, http.StatusCreated, faultJSON(added))
}

// listFaults serves GET /_emulator/faults.
func (a *api) listFaults(c echo.Context) error {
	list := []wire.Object{}
	for _, f := range a.env(c).Faults().List() {
		list = append(list, faultJSON(f))
	}
	return web.JSON(c, http.StatusOK, wire.Object{{"faults", list}})
}

// clearFaults serves DELETE /_emulator/faults.
func (a *api) clearFaults(c echo.Context) error {
	a.env(c).Faults().Clear()
	return c.NoContent(http.StatusNoContent)
}

func faultJSON(f store.Fault) wire.Object {
	o := wire.Object{{"id", f.ID}, {"method", f.Method}, {"path", f.Path}, {"status", f.Status}}
	if len(f.Body) > 0 {
		o = append(o, wire.KV{"body", json.RawMessage(f.Body)})
	}
	return append(o, wire.KV{"count", f.Count}, wire.KV{"remaining", f.Remaining}, wire.KV{"delay", f.Delay.String()})
}
