package emulator

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

// The control plane (/_emulator/*) gives container users what the Go
// testkit gives Go users. Every route decodes its input, calls the same
// exported Server operation the testkit calls, and encodes the result:
// there is one implementation of each power.

// requireControlToken guards the control plane when a control token is
// configured (health stays open for container health checks).
func (s *Server) requireControlToken(next echo.HandlerFunc) echo.HandlerFunc {
	if s.cfg.ControlToken == "" {
		return next
	}
	want := []byte(s.cfg.ControlToken)
	return func(c echo.Context) error {
		if got, ok := bearer(c); !ok || subtle.ConstantTimeCompare([]byte(got), want) != 1 {
			return apiError(http.StatusUnauthorized, CodeUnauthorized, "The control plane requires Authorization: Bearer <control token>.")
		}
		return next(c)
	}
}

// controlIndex serves GET /_emulator: the control routes.
func (s *Server) controlIndex(c echo.Context) error {
	var routes []object
	for _, r := range s.Routes() {
		if r.Group == groupControl {
			routes = append(routes, object{{"method", r.Method}, {"path", r.Path}, {"doc", r.Doc}})
		}
	}
	return writeJSON(c, http.StatusOK, object{{"routes", routes}})
}

// health serves GET /_emulator/health: 200 once fixtures and keys are
// loaded, which New guarantees before the handler exists.
func (s *Server) health(c echo.Context) error {
	return writeJSON(c, http.StatusOK, object{{"status", "ok"}})
}

// controlReset serves POST /_emulator/reset; {"keep_clock":true} leaves the
// clock where it is.
func (s *Server) controlReset(c echo.Context) error {
	var body struct {
		KeepClock bool `json:"keep_clock"`
	}
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	if err := s.Reset(!body.KeepClock); err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, object{{"status", "reset"}, {"clock", s.clockState()}})
}

func (s *Server) clockState() object {
	now := s.clock.Now()
	return object{{"now", now.Format(time.RFC3339Nano)}, {"unix", now.Unix()}, {"frozen", s.clock.Frozen()}}
}

// controlClock serves GET and POST /_emulator/clock. POST takes one of
// {"set":"RFC3339"}, {"advance":"90s"} or {"real":true}.
func (s *Server) controlClock(c echo.Context) error {
	if c.Request().Method == http.MethodPost {
		var body struct {
			Set     string `json:"set"`
			Advance string `json:"advance"`
			Real    bool   `json:"real"`
		}
		if err := decodeJSON(c, &body); err != nil {
			return err
		}
		n := 0
		for _, set := range []bool{body.Set != "", body.Advance != "", body.Real} {
			if set {
				n++
			}
		}
		if n != 1 {
			return invalidParams(FieldError{Field: "set|advance|real", Code: "exactly_one_required"})
		}
		switch {
		case body.Set != "":
			t, err := time.Parse(time.RFC3339Nano, body.Set)
			if err != nil {
				return invalidParams(FieldError{Field: "set", Code: "invalid_rfc3339_time"})
			}
			s.clock.Set(t)
		case body.Advance != "":
			d, err := time.ParseDuration(body.Advance)
			if err != nil {
				return invalidParams(FieldError{Field: "advance", Code: "invalid_duration"})
			}
			s.clock.Advance(d)
		default:
			s.clock.Real()
		}
	}
	return writeJSON(c, http.StatusOK, s.clockState())
}

// controlFixtures serves POST /_emulator/fixtures: a YAML or JSON fixture
// document merged into the running world.
func (s *Server) controlFixtures(c echo.Context) error {
	body := readBody(c)
	added, err := s.AddFixtures(c.Request().Context(), body, "request")
	if err != nil {
		return problemsError(err)
	}
	return writeJSON(c, http.StatusOK, object{{"added", added}})
}

// mintBody is the JSON of POST /_emulator/tokens: a MintRequest whose ttl
// is a duration string ("10m"), optionally with a defect from the
// bad-token catalogue.
type mintBody struct {
	MintRequest
	TTL    string `json:"ttl,omitempty"`
	Defect string `json:"defect,omitempty"`
	Claim  string `json:"claim,omitempty"`
}

// controlMint serves POST /_emulator/tokens.
func (s *Server) controlMint(c echo.Context) error {
	var body mintBody
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	req := body.MintRequest
	if body.TTL != "" {
		d, err := time.ParseDuration(body.TTL)
		if err != nil || d <= 0 {
			return invalidParams(FieldError{Field: "ttl", Code: "invalid_duration"})
		}
		req.TTL = d
	}
	if body.Defect != "" {
		token, err := s.MintBad(c.Request().Context(), req, body.Defect, body.Claim)
		if err != nil {
			return err
		}
		return writeJSON(c, http.StatusCreated, object{{"access_token", token}, {"token_type", "bearer"}, {"defect", body.Defect}})
	}
	res, err := s.Mint(c.Request().Context(), req)
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusCreated, res)
}

// controlSession serves GET /_emulator/sessions/{id}.
func (s *Server) controlSession(c echo.Context) error {
	info, err := s.Session(c.Param("id"))
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, info)
}

// controlRevokeSession serves POST /_emulator/sessions/{id}/revoke.
func (s *Server) controlRevokeSession(c echo.Context) error {
	if err := s.RevokeSession(c.Param("id")); err != nil {
		return err
	}
	return s.controlSession(c)
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

// controlFaults serves GET, POST and DELETE /_emulator/faults.
func (s *Server) controlFaults(c echo.Context) error {
	switch c.Request().Method {
	case http.MethodPost:
		var body faultBody
		if err := decodeJSON(c, &body); err != nil {
			return err
		}
		f := Fault{Method: body.Method, Path: body.Path, Status: body.Status, Body: body.Body, Count: body.Count}
		if body.Delay != "" {
			d, err := time.ParseDuration(body.Delay)
			if err != nil {
				return invalidParams(FieldError{Field: "delay", Code: "invalid_duration"})
			}
			f.Delay = d
		}
		added, err := s.AddFault(f)
		if err != nil {
			return err
		}
		return writeJSON(c, http.StatusCreated, faultJSON(added))
	case http.MethodDelete:
		s.ClearFaults()
		return c.NoContent(http.StatusNoContent)
	}
	list := []object{}
	for _, f := range s.Faults() {
		list = append(list, faultJSON(f))
	}
	return writeJSON(c, http.StatusOK, object{{"faults", list}})
}

func faultJSON(f Fault) object {
	o := object{{"id", f.ID}, {"method", f.Method}, {"path", f.Path}, {"status", f.Status}}
	if len(f.Body) > 0 {
		o = append(o, kv{"body", f.Body})
	}
	return append(o, kv{"count", f.Count}, kv{"remaining", f.Remaining}, kv{"delay", f.Delay.String()})
}

// controlRequests serves GET and DELETE /_emulator/requests. Filters:
// method, path (exact or pattern), since (a sequence number or an RFC 3339
// instance-clock time).
func (s *Server) controlRequests(c echo.Context) error {
	if c.Request().Method == http.MethodDelete {
		s.ClearRequests()
		return c.NoContent(http.StatusNoContent)
	}
	q := c.QueryParams()
	f := RequestFilter{Method: q.Get("method"), Path: q.Get("path")}
	if since := q.Get("since"); since != "" {
		if n, err := strconv.ParseUint(since, 10, 64); err == nil {
			f.SinceSeq = n
		} else if t, err := time.Parse(time.RFC3339Nano, since); err == nil {
			f.Since = t
		} else {
			return invalidParams(FieldError{Field: "since", Code: "sequence_number_or_rfc3339_time"})
		}
	}
	list, dropped := s.Requests(f)
	return writeJSON(c, http.StatusOK, object{{"requests", list}, {"dropped", dropped}})
}

// Requests lists journal entries matching f, oldest first, and how many
// entries the bounded journal has dropped.
func (s *Server) Requests(f RequestFilter) ([]RecordedRequest, uint64) { return s.journal.list(f) }

// ClearRequests empties the journal.
func (s *Server) ClearRequests() { s.journal.clear() }

// controlKeys serves GET /_emulator/keys.
func (s *Server) controlKeys(c echo.Context) error {
	return writeJSON(c, http.StatusOK, object{{"keys", s.Keys()}})
}

// controlRotateKey serves POST /_emulator/keys/rotate.
func (s *Server) controlRotateKey(c echo.Context) error {
	kid, err := s.RotateKey()
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, object{{"kid", kid}, {"keys", s.Keys()}})
}

// controlRetireKey serves DELETE /_emulator/keys/{kid}.
func (s *Server) controlRetireKey(c echo.Context) error {
	if err := s.RetireKey(c.Param("kid")); err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, object{{"keys", s.Keys()}})
}

// decodeJSON strictly decodes a JSON object body into v: unknown fields and
// trailing data are 400s, so a typo in a scenario fails loudly.
func decodeJSON(c echo.Context, v any) error {
	if err := requireJSON(c); err != nil {
		return err
	}
	body := readBody(c)
	if len(bytes.TrimSpace(body)) == 0 {
		body = []byte("{}")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return apiError(http.StatusBadRequest, CodeInvalidRequest, "The body is not the expected JSON object: "+jsonProblem(err))
	}
	if dec.More() {
		return apiError(http.StatusBadRequest, CodeInvalidRequest, "The body has data after its JSON object.")
	}
	return nil
}

// jsonProblem describes a JSON decode error without internal type names.
func jsonProblem(err error) string {
	var ute *json.UnmarshalTypeError
	switch {
	case errors.As(err, &ute):
		field := ute.Field
		if i := strings.LastIndexByte(field, '.'); i >= 0 && strings.HasPrefix(field, "MintRequest") {
			field = field[i+1:]
		}
		return "field " + field + " has the wrong type."
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return "unknown field " + strings.TrimPrefix(err.Error(), "json: unknown field ") + "."
	}
	return "malformed JSON."
}
