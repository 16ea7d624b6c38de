package emulator_test

// The machinery of the contract test (contract_test.go): WorkOS's OpenAPI
// spec loaded once, a validating wrapper around the emulator's handler that
// checks every request and every response against it, a small client for
// the scenario, and the coverage bookkeeping.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/pb33f/libopenapi-validator/cache"
	"github.com/pb33f/libopenapi-validator/config"
	valerrors "github.com/pb33f/libopenapi-validator/errors"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

const (
	contractSpecFile = "../reference/workos-openapi.yaml"
	// contractServer is the spec's production server: requests are
	// validated as if they had been sent there.
	contractServer = "https://api.workos.com"
)

// contractSpec is WorkOS's OpenAPI spec, ready to validate against.
type contractSpec struct {
	v    validator.Validator
	ops  []contractOp
	took time.Duration // parse + validator construction
}

// contractOp is one operation of the spec.
type contractOp struct {
	method, path, id string
	auth             bool // behind the bearer API key
	segs             []string
}

func (op contractOp) String() string { return op.method + " " + op.path }

// loadContractSpec parses the 1.4 MB spec once per test binary.
var loadContractSpec = sync.OnceValues(func() (*contractSpec, error) {
	start := time.Now()
	raw, err := os.ReadFile(contractSpecFile)
	if err != nil {
		return nil, err
	}
	for _, fix := range contractSpecFixes {
		if n := bytes.Count(raw, []byte(fix.old)); n != fix.count {
			return nil, fmt.Errorf("spec fix %q: %d occurrences, want %d: the spec changed, review the fix", fix.why, n, fix.count)
		}
		raw = bytes.ReplaceAll(raw, []byte(fix.old), []byte(fix.new))
	}
	doc, err := libopenapi.NewDocument(raw)
	if err != nil {
		return nil, err
	}
	model, err := doc.BuildV3Model()
	if err != nil {
		return nil, err
	}
	spec := &contractSpec{}
	for p := model.Model.Paths.PathItems.First(); p != nil; p = p.Next() {
		for o := p.Value().GetOperations().First(); o != nil; o = o.Next() {
			sec := o.Value().Security // nil: the document's default, the bearer key
			spec.ops = append(spec.ops, contractOp{method: strings.ToUpper(o.Key()), path: p.Key(), id: o.Value().OperationId,
				auth: sec == nil || len(sec) > 0, segs: strings.Split(strings.Trim(p.Key(), "/"), "/")})
		}
	}
	lazy := &lazySchemaCache{SchemaCache: cache.NewDefaultCache()}
	lazy.building.Store(true)
	spec.v = validator.NewValidatorFromV3Model(&model.Model,
		config.WithSchemaCache(lazy),
		config.WithFormatAssertions(), // date-time, email, uri... are checked too
	)
	lazy.building.Store(false)
	spec.took = time.Since(start)
	return spec, nil
})

// contractSpecFixes repair the spec where it is not valid JSON Schema, so
// the validator can compile it; each must match exactly count times.
var contractSpecFixes = []struct {
	why, old, new string
	count         int
}{
	{why: "the list schemas (OrganizationList and four others) require list_metadata twice; JSON Schema wants unique required names, so they fail to compile",
		old: "        - list_metadata\n        - list_metadata\n", new: "        - list_metadata\n", count: 5},
}

// lazySchemaCache skips the validator's warm-up, which compiles every schema
// of the spec up front (1.6 s, 10 s under -race): while the validator is
// built every lookup answers "cached", so nothing is precompiled; afterwards
// it is an ordinary cache and schemas compile on first use.
type lazySchemaCache struct {
	cache.SchemaCache
	building atomic.Bool
}

func (c *lazySchemaCache) Load(key uint64) (*cache.SchemaCacheEntry, bool) {
	if c.building.Load() {
		return nil, true
	}
	return c.SchemaCache.Load(key)
}

// operation finds the spec operation a request path belongs to: literal
// segments win over placeholders (/users/external_id/{x} over /users/{id}/...).
func (s *contractSpec) operation(method, path string) (contractOp, bool) {
	got := strings.Split(strings.Trim(path, "/"), "/")
	best, bestScore := contractOp{}, -1
	for _, op := range s.ops {
		if op.method != method || len(op.segs) != len(got) {
			continue
		}
		score := 0
		for i, seg := range op.segs {
			switch {
			case strings.HasPrefix(seg, "{"):
			case seg == got[i]:
				score++
			default:
				score = -1
			}
			if score < 0 {
				break
			}
		}
		if score > bestScore {
			best, bestScore = op, score
		}
	}
	return best, bestScore >= 0
}

// contractException excuses one validator finding where the spec, not the
// emulator, is wrong about the real service. Op is "METHOD /spec/path" or
// "*" (every operation).
type contractException struct {
	Op     string
	Status int
	Match  string // substring of the validator's message
	Reason string
}

// contractRun gathers what a contract test saw across its emulators: which
// operations answered which statuses, and which exceptions were needed.
type contractRun struct {
	t          *testing.T
	spec       *contractSpec
	exceptions []contractException
	mu         sync.Mutex
	statuses   map[string]map[int]int // "METHOD /spec/path" -> status -> count
	used       map[int]int            // exception index -> times used
	exchanges  int
	// eventTypes are the event types GET /events answers showed: what the
	// scenarios made the emulator emit.
	eventTypes map[string]int
}

func newContractRun(t *testing.T, exceptions []contractException) *contractRun {
	t.Helper()
	spec, err := loadContractSpec()
	if err != nil {
		t.Fatalf("loading %s: %v", contractSpecFile, err)
	}
	return &contractRun{t: t, spec: spec, exceptions: exceptions, statuses: map[string]map[int]int{}, used: map[int]int{},
		eventTypes: map[string]int{}}
}

// validating wraps an emulator handler: every exchange through it is
// recorded with httptest and validated.
func (run *contractRun) validating(next http.Handler) http.Handler {
	return &validatingHandler{run: run, next: next}
}

type validatingHandler struct {
	run  *contractRun
	next http.Handler
}

// invalidRequestKey marks, in a request's context, a request the scenario
// makes invalid on purpose (its value says how): only its response is
// validated, and the request validator must agree that it is invalid.
type invalidRequestKey struct{}

// stepKey carries the scenario step, for messages.
type stepKey struct{}

func (vh *validatingHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	run := vh.run
	reqBody, err := io.ReadAll(r.Body)
	if err != nil {
		run.t.Fatalf("reading the request body: %v", err)
	}
	r.Body = io.NopCloser(bytes.NewReader(reqBody))
	rec := httptest.NewRecorder()
	vh.next.ServeHTTP(rec, r)
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())

	step, _ := r.Context().Value(stepKey{}).(string)
	invalid, _ := r.Context().Value(invalidRequestKey{}).(string)
	label := fmt.Sprintf("[%s] %s %s -> %d", step, r.Method, r.URL.RequestURI(), rec.Code)
	op, ok := run.spec.operation(r.Method, r.URL.Path)
	if !ok {
		run.t.Errorf("%s: not an operation of the spec; the contract test only sends spec'd requests", label)
		return
	}
	run.mu.Lock()
	run.exchanges++
	if run.statuses[op.String()] == nil {
		run.statuses[op.String()] = map[int]int{}
	}
	run.statuses[op.String()][rec.Code]++
	if op.String() == "GET /events" && rec.Code == http.StatusOK {
		var page struct {
			Data []struct {
				Event string `json:"event"`
			} `json:"data"`
		}
		_ = json.Unmarshal(rec.Body.Bytes(), &page)
		for _, e := range page.Data {
			run.eventTypes[e.Event]++
		}
	}
	run.mu.Unlock()

	// The validator sees the request as sent to the spec's server.
	target, err := url.Parse(contractServer + r.URL.RequestURI())
	if err != nil {
		run.t.Fatal(err)
	}
	vreq := r.Clone(context.Background())
	vreq.URL, vreq.Host, vreq.RequestURI = target, target.Host, ""
	vreq.Body = io.NopCloser(bytes.NewReader(reqBody))
	if invalid == "" {
		if valid, errs := run.spec.v.ValidateHttpRequestSync(vreq); !valid {
			run.report(label+" REQUEST", op, 0, errs, reqBody)
		}
	} else if valid, _ := run.spec.v.ValidateHttpRequestSync(vreq); valid {
		run.t.Errorf("%s: the request is marked invalid (%s) but the spec accepts it: drop the mark so it is validated", label, invalid)
	}
	vreq.Body = io.NopCloser(bytes.NewReader(reqBody))
	res := rec.Result()
	res.Body = io.NopCloser(bytes.NewReader(rec.Body.Bytes()))
	res.Request = vreq
	if valid, errs := run.spec.v.ValidateHttpResponse(vreq, res); !valid {
		run.report(label+" RESPONSE", op, rec.Code, errs, rec.Body.Bytes())
	}
}

// report fails the test with every finding no exception covers.
func (run *contractRun) report(label string, op contractOp, status int, errs []*valerrors.ValidationError, body []byte) {
	for _, e := range errs {
		msg := describe(e)
		if i := run.excused(op, status, msg); i >= 0 {
			run.mu.Lock()
			run.used[i]++
			run.mu.Unlock()
			continue
		}
		run.t.Errorf("%s (%s): %s\n\tbody: %s", label, op.id, msg, truncate(body, 2000))
	}
}

func (run *contractRun) excused(op contractOp, status int, msg string) int {
	for i, ex := range run.exceptions {
		if (ex.Op == "*" || ex.Op == op.String()) && ex.Status == status && strings.Contains(msg, ex.Match) {
			return i
		}
	}
	return -1
}

// describe flattens a validation error into one line.
func describe(e *valerrors.ValidationError) string {
	var b strings.Builder
	b.WriteString(e.Message)
	if e.Reason != "" && e.Reason != e.Message {
		b.WriteString(": " + e.Reason)
	}
	for _, f := range e.SchemaValidationErrors {
		b.WriteString("; " + f.Reason)
		if f.FieldPath != "" {
			b.WriteString(" at " + f.FieldPath)
		}
	}
	return b.String()
}

func truncate(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "…"
	}
	return string(b)
}

// checkCoverage asserts that every route the emulator serves that is in the
// spec answered at least one success and at least one error, and that every
// exception was needed.
func (run *contractRun) checkCoverage(routes []string) {
	t := run.t
	t.Helper()
	for _, rt := range routes {
		method, path, _ := strings.Cut(rt, " ")
		op, ok := run.spec.operation(method, echoToConcrete(path))
		if !ok {
			continue // not in the spec: see the comment at the top of contract_test.go
		}
		var ok2xx, err4xx bool
		for status := range run.statuses[op.String()] {
			ok2xx = ok2xx || status < 400
			err4xx = err4xx || status >= 400
		}
		if !ok2xx {
			t.Errorf("%s (route %s): no success exercised", op, rt)
		}
		if !err4xx {
			t.Errorf("%s (route %s): no error exercised", op, rt)
		}
	}
	for i, ex := range run.exceptions {
		if run.used[i] == 0 {
			t.Errorf("exception %d (%s %d %q) was not needed: remove it", i, ex.Op, ex.Status, ex.Match)
		}
	}
}

// echoToConcrete turns /users/:id into /users/x, to look a route up in the spec.
func echoToConcrete(path string) string {
	segs := strings.Split(path, "/")
	for i, s := range segs {
		if strings.HasPrefix(s, ":") {
			segs[i] = "x_" + s[1:]
		}
	}
	return strings.Join(segs, "/")
}

// summary lists the operations and statuses exercised, for -v.
func (run *contractRun) summary() string {
	var lines []string
	for op, st := range run.statuses {
		var codes []string
		for c := range st {
			codes = append(codes, fmt.Sprint(c))
		}
		sort.Strings(codes)
		lines = append(lines, fmt.Sprintf("%-90s %s", op, strings.Join(codes, " ")))
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// contractClient sends the scenario's requests through a validating handler.
type contractClient struct {
	t    *testing.T
	h    http.Handler
	step string
}

func (run *contractRun) client(h http.Handler) *contractClient {
	return &contractClient{t: run.t, h: run.validating(h)}
}

// ctOpt adjusts one request.
type ctOpt func(*http.Request) *http.Request

// noKey sends the request without the API key (the request is then invalid
// for the spec's bearer security).
var noKey ctOpt = func(r *http.Request) *http.Request {
	r.Header.Del("Authorization")
	return invalidBecause("no API key")(r)
}

// invalidBecause marks a request the scenario makes invalid on purpose:
// only its response is validated.
func invalidBecause(why string) ctOpt {
	return func(r *http.Request) *http.Request {
		return r.WithContext(context.WithValue(r.Context(), invalidRequestKey{}, why))
	}
}

// ctResponse is one answer.
type ctResponse struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r ctResponse) obj(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("body is not a JSON object (%v): %s", err, r.Body)
	}
	return m
}

// call sends method path with an optional JSON body and the API key, and
// requires the status want.
func (c *contractClient) call(want int, method, path string, body any, opts ...ctOpt) ctResponse {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			c.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req := httptest.NewRequest(method, path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+emutest.APIKey)
	req = req.WithContext(context.WithValue(req.Context(), stepKey{}, c.step))
	for _, o := range opts {
		req = o(req)
	}
	rec := httptest.NewRecorder()
	c.h.ServeHTTP(rec, req)
	res := ctResponse{rec.Code, rec.Header(), rec.Body.Bytes()}
	if res.Status != want {
		c.t.Fatalf("[%s] %s %s: status %d, want %d: %s", c.step, method, path, res.Status, want, res.Body)
	}
	return res
}

// json is call returning the decoded JSON object.
func (c *contractClient) json(want int, method, path string, body any, opts ...ctOpt) map[string]any {
	c.t.Helper()
	return c.call(want, method, path, body, opts...).obj(c.t)
}

// errCode is call for an error, checking its code ("code" or OAuth "error").
func (c *contractClient) errCode(want int, code, method, path string, body any, opts ...ctOpt) map[string]any {
	c.t.Helper()
	m := c.json(want, method, path, body, opts...)
	got, _ := m["code"].(string)
	if got == "" {
		got, _ = m["error"].(string)
	}
	if got != code {
		c.t.Fatalf("[%s] %s %s: error code %q, want %q: %v", c.step, method, path, got, code, m)
	}
	return m
}
