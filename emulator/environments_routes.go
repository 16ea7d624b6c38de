package emulator

import (
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/control"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// environmentRoutes are the control routes of run-time environments.
func (s *Server) environmentRoutes() []web.Route {
	const g, ctl = web.GroupControl, web.Control
	return []web.Route{
		web.R(http.MethodPost, "/_emulator/environments", g, ctl, "create an isolated environment ({\"fixtures\": YAML or JSON, \"clock\", \"seed\"}; none: the loaded fixtures)", s.createEnvironment),
		web.R(http.MethodGet, "/_emulator/environments", g, ctl, "list the environments created at run time", s.listEnvironments),
		web.R(http.MethodGet, "/_emulator/environments/:id", g, ctl, "an environment's credentials and URLs", s.getEnvironment),
		web.R(http.MethodDelete, "/_emulator/environments/:id", g, ctl, "drop an environment", s.deleteEnvironment),
	}
}

// createEnvironment serves POST /_emulator/environments (201).
func (s *Server) createEnvironment(c echo.Context) error {
	var body struct {
		Fixtures json.RawMessage `json:"fixtures"`
		Clock    string          `json:"clock"`
		Seed     *int64          `json:"seed"`
	}
	b, err := web.Decode(c, web.ControlJSON)
	if err != nil {
		return err
	}
	if err := b.Into(&body); err != nil {
		return err
	}
	var o EnvironmentOptions
	o.Seed = body.Seed
	if body.Clock != "" {
		t, err := time.Parse(time.RFC3339Nano, body.Clock)
		if err != nil {
			return web.Invalid(web.Field("clock", "must_be_an_rfc3339_time"))
		}
		o.Clock = t
	}
	if len(body.Fixtures) > 0 && string(body.Fixtures) != "null" {
		doc := []byte(body.Fixtures)
		var text string
		if json.Unmarshal(doc, &text) == nil {
			doc = []byte(text) // a YAML (or JSON) document in a string
		}
		set, err := fixtures.Parse(doc, "environment.yaml")
		if err != nil {
			return control.FixtureError(err)
		}
		o.Fixtures = set
	}
	view, err := s.rootServer().NewEnvironment(o)
	if err != nil {
		return control.FixtureError(err)
	}
	return web.JSON(c, http.StatusCreated, view.Info())
}

// listEnvironments serves GET /_emulator/environments.
func (s *Server) listEnvironments(c echo.Context) error {
	list := s.Environments()
	if list == nil {
		list = []EnvironmentInfo{}
	}
	return web.JSON(c, http.StatusOK, map[string]any{"data": list})
}

// getEnvironment serves GET /_emulator/environments/{id}.
func (s *Server) getEnvironment(c echo.Context) error {
	id := web.PathParam(c, "id")
	view := s.Environment(id)
	if view == nil {
		return web.NotFound("Environment", id)
	}
	return web.JSON(c, http.StatusOK, view.Info())
}

// deleteEnvironment serves DELETE /_emulator/environments/{id} (204).
func (s *Server) deleteEnvironment(c echo.Context) error {
	id := web.PathParam(c, "id")
	if err := s.DeleteEnvironment(id); errors.Is(err, ErrEnvironmentNotFound) {
		return web.NotFound("Environment", id)
	}
	return c.NoContent(http.StatusNoContent)
}
