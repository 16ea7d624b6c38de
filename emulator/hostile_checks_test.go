package emulator_test

// The hostile-input suite's checks (issue 8): the environment a case runs
// in (one emulator, its baseline world), the properties every answer must
// have (hostileProblems: status, shape, content type, no internal text, no
// unsafe headers), the fingerprints that prove a rejected request changed
// nothing, and the failure descriptions.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// --- the environment and its requests ---

// hostileAnswer is the emulator's answer to a case.
type hostileAnswer struct {
	Status int
	Header http.Header
	Body   []byte
}

// hostileEnv is one emulator with a frozen clock and its baseline world.
type hostileEnv struct {
	srv      *emulator.Server
	h        http.Handler
	access   string // the fixture session's access token
	baseline string // fingerprint of the loaded world
	quick    string // quickPrint of the loaded world
}

// newHostileEnv starts an emulator on the default world, its clock frozen,
// and records the baseline fingerprints.
func newHostileEnv(t testing.TB) *hostileEnv {
	t.Helper()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0, PublicURL: "http://127.0.0.1:8484"}).Server
	s, err := srv.Session(emutest.AliceSession)
	if err != nil {
		t.Fatal(err)
	}
	e := &hostileEnv{srv: srv, h: srv.Handler(), access: s.AccessToken}
	e.baseline, e.quick = e.fingerprint(t), e.quickPrint()
	return e
}

// serve sends one case through the real handler.
func (e *hostileEnv) serve(c hostileCase) (*http.Request, hostileAnswer) {
	req := hostileRequest(c)
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	return req, hostileAnswer{rec.Code, rec.Header(), rec.Body.Bytes()}
}

func hostileRequest(c hostileCase) *http.Request {
	var body io.Reader
	if c.body != nil {
		body = bytes.NewReader(c.body)
	}
	req := httptest.NewRequest(c.method, c.target, body)
	if c.chunked {
		req.ContentLength = -1
		req.Body = io.NopCloser(io.MultiReader(bytes.NewReader(c.body)))
		req.TransferEncoding = []string{"chunked"}
	}
	for i := 0; i+1 < len(c.header); i += 2 {
		req.Header.Set(c.header[i], c.header[i+1])
	}
	return req.WithContext(context.WithValue(req.Context(), hostileInputKey{}, c.body))
}

// hostileInputKey keys the body a request was sent with, for hostileEcho.
type hostileInputKey struct{}

// hostileEcho is everything the client sent, raw and unescaped: text an
// error message may legitimately quote back.
func hostileEcho(req *http.Request) string {
	body, _ := req.Context().Value(hostileInputKey{}).([]byte)
	parts := []string{req.RequestURI, req.URL.Path, req.URL.RawQuery, string(body)}
	for _, raw := range []string{req.RequestURI, req.URL.RawQuery, string(body)} {
		if u, err := url.QueryUnescape(raw); err == nil {
			parts = append(parts, u)
		}
		if q, err := url.ParseQuery(raw); err == nil {
			for k, vs := range q {
				parts = append(parts, k)
				parts = append(parts, vs...)
			}
		}
	}
	for k, vs := range req.Header {
		parts = append(parts, k)
		parts = append(parts, vs...)
	}
	return strings.Join(parts, "\n")
}

// hostileEncodeForm encodes params as a form (lists repeat the key).
func hostileEncodeForm(p map[string]any) string {
	v := url.Values{}
	for k, x := range p {
		switch x := x.(type) {
		case []string:
			v[k] = x
		default:
			v.Set(k, fmt.Sprint(x))
		}
	}
	return v.Encode()
}

func hostileJSON(p map[string]any) []byte {
	b, _ := json.Marshal(p)
	return b
}

func hostileWith(p map[string]any, k string, v any) map[string]any {
	out := make(map[string]any, len(p)+1)
	for kk, vv := range p {
		out[kk] = vv
	}
	out[k] = v
	return out
}

// hostileBodyMethod reports whether the route's parameters travel in the
// body (else in the query).
func hostileBodyMethod(m string) bool {
	return m == http.MethodPost || m == http.MethodPut || m == http.MethodPatch
}

// --- running a case ---

// check sends one case and asserts the properties: the answer's, health,
// and an unchanged world after a rejection (after a success the world is
// reset, so the next case starts from the baseline again). Every rejection
// is followed by a quick comparison; those that reached a handler able to
// write get the full one.
func (e *hostileEnv) check(t *testing.T, c hostileCase) hostileAnswer {
	t.Helper()
	req, a := e.serve(c)
	problems := hostileProblems(req, a)
	if c.want != nil {
		if p := c.want(a); p != "" {
			problems = append(problems, p)
		}
	}
	if h := e.get("/_emulator/health"); h.Status != http.StatusOK {
		problems = append(problems, fmt.Sprintf("health answered %d afterwards", h.Status))
	}
	if a.Status >= 400 && a.Status < 500 {
		changed := ""
		if q := e.quickPrint(); q != e.quick {
			changed = hostileDiff(e.quick, q)
		} else if hostileMayWrite(req, a) {
			if after := e.fingerprint(t); after != e.baseline {
				changed = hostileDiff(e.baseline, after)
			}
		}
		if changed != "" {
			problems = append(problems, "the rejected request changed the world:\n"+changed)
			e.reset(t)
		}
	} else if hostileMayWrite(req, a) || e.quickPrint() != e.quick {
		e.reset(t) // the success may have changed the world: start over from the baseline
	}
	if len(problems) > 0 {
		t.Errorf("%s:\n%s\n- %s", c.name, hostileDescribe(c, req, a), strings.Join(problems, "\n- "))
	}
	return a
}

// hostileMayWrite reports whether a rejected request may have reached a
// handler that writes: not a safe method (but the GETs that end sessions
// or advance sign-ins), and not refused by the router or a middleware
// before any handler ran.
func hostileMayWrite(req *http.Request, a hostileAnswer) bool {
	switch a.Status {
	case http.StatusUnauthorized, http.StatusMethodNotAllowed, http.StatusRequestEntityTooLarge, http.StatusRequestHeaderFieldsTooLarge:
		return false
	case http.StatusNotFound:
		if strings.Contains(string(a.Body), `"not_found"`) {
			return false // no route
		}
	}
	switch req.Method {
	case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
		return true
	}
	return hostileHTMLPage(req.URL.Path) || strings.HasSuffix(req.URL.Path, "/authorize")
}

func (e *hostileEnv) reset(t testing.TB) {
	t.Helper()
	if err := e.srv.Reset(true); err != nil {
		t.Fatal(err)
	}
}

// --- world fingerprints ---

// get is a GET with the API key, for fingerprints.
func (e *hostileEnv) get(target string) hostileAnswer {
	_, a := e.serve(hostileCase{method: http.MethodGet, target: target, header: []string{"Authorization", "Bearer " + emutest.APIKey}})
	return a
}

// quickPrint is the part of the world the Go API shows cheaply: counts,
// the fixture session and its tokens' introspection, keys, clock, faults
// and the outbox. It is compared after every case.
func (e *hostileEnv) quickPrint() string {
	var b strings.Builder
	counts := e.srv.Counts()
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "%s=%d ", k, counts[k])
	}
	s, err := e.srv.Session(emutest.AliceSession)
	sj, _ := json.Marshal(s)
	fmt.Fprintf(&b, "\nsession %s %v", sj, err)
	for _, tok := range []string{e.access, emutest.AliceRefresh} {
		ij, _ := json.Marshal(e.srv.Introspect(tok))
		fmt.Fprintf(&b, "\nintrospect %s", ij)
	}
	kj, _ := json.Marshal(e.srv.Keys())
	cj, _ := json.Marshal(e.srv.Codes("", ""))
	fmt.Fprintf(&b, "\nkeys %s\nclock %s frozen=%v\nfaults %d\ncodes %s\n", kj, e.srv.Clock().Now(), e.srv.Clock().Frozen(), len(e.srv.Faults()), cj)
	return b.String()
}

// fingerprint renders everything observable about the world through the
// API (the journal excluded: it may grow): every object in full.
func (e *hostileEnv) fingerprint(t testing.TB) string {
	t.Helper()
	var b strings.Builder
	b.WriteString(e.quickPrint())
	targets := []string{
		"/user_management/users?limit=100&order=asc",
		"/organizations?limit=100&order=asc",
		"/user_management/invitations?limit=100&order=asc",
		"/authorization/roles",
		"/authorization/organizations/" + emutest.AcmeID + "/roles",
		"/authorization/organizations/" + emutest.GlobexID + "/roles",
		"/authorization/permissions?limit=100&order=asc",
		"/user_management/jwt_template",
	}
	for _, u := range []string{emutest.AliceID, emutest.BobID, "user_01JGJ48F1WQQHDNXHABSCR87EJ"} {
		targets = append(targets,
			"/user_management/organization_memberships?limit=100&order=asc&statuses=active,inactive,pending&user_id="+u,
			"/user_management/users/"+u+"/auth_factors")
	}
	for _, target := range targets {
		a := e.get(target)
		fmt.Fprintf(&b, "GET %s -> %d %s\n", target, a.Status, a.Body)
	}
	return b.String()
}

// hostileDiff lists the lines of the fingerprint that differ.
func hostileDiff(before, after string) string {
	a, b := strings.Split(before, "\n"), strings.Split(after, "\n")
	var out []string
	for i := 0; i < max(len(a), len(b)); i++ {
		var x, y string
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		if x != y {
			out = append(out, "  before: "+hostileShort(x), "  after:  "+hostileShort(y))
		}
	}
	return strings.Join(out, "\n")
}

// --- answer checks ---

// hostileInternal are fragments of Go internals that must never reach a
// client: panics, runtime errors, source positions, stdlib error texts.
var hostileInternal = []string{"runtime error", "panic", "goroutine", "invalid memory", ".go:", "nil pointer",
	"json: ", "strconv.", "time: invalid", "parsing time", "EOF", "http: ", "MaxBytesError", "echo:", "x509:", "yaml: unmarshal",
	"*emulator.", "reflect.", "index out of range"}

// hostileInternal2xx are the fragments checked in successful bodies, which
// carry tokens and keys (base64 could spell anything short).
var hostileInternal2xx = []string{"runtime error", "goroutine ", "invalid memory address", "nil pointer dereference", ".go:"}

// hostileHTMLPage reports whether a path serves a hosted HTML page.
func hostileHTMLPage(path string) bool {
	return path == "/authkit/login" || path == "/device" || path == "/user_management/sessions/logout" ||
		path == "/idp/authorize" || path == "/admin-portal" || path == "/sso/logout" ||
		path == "/_emulator/ui"
}

// hostileShape is the error shape the path documents: "oauth", "workos",
// "either" for the User Management endpoints that speak OAuth grants, or
// "vault" for Vault (another backend, with its own shape).
func hostileShape(path string) string {
	switch {
	case strings.HasPrefix(path, "/oauth2/"):
		return "oauth"
	case path == "/user_management/authenticate", path == "/user_management/authorize/device",
		path == "/sso/token", path == "/sso/profile", path == "/sso/logout/authorize":
		return "either"
	case strings.HasPrefix(path, "/vault/"):
		return "vault" // Vault's handlers answer {"error"}; the guard and router, WorkOS's shape
	}
	return "workos"
}

// hostileProblems checks the properties every answer has; it returns what
// is wrong (nothing when fine).
func hostileProblems(req *http.Request, a hostileAnswer) []string {
	var out []string
	bad := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	path := req.URL.Path
	switch {
	case a.Status == http.StatusNotImplemented && hostileUnemulated(req):
		// A WorkOS operation the emulator does not emulate: the documented
		// 501 {"code":"not_implemented"} (checked below as an error body).
	case a.Status >= 500:
		bad("status %d (5xx)", a.Status)
	case a.Status < 200:
		bad("status %d", a.Status)
	}
	if id := a.Header.Get("X-Request-ID"); id == "" {
		bad("no X-Request-ID")
	} else if strings.ContainsFunc(id, func(r rune) bool { return r < 0x21 || r > 0x7e }) || len(id) > 128 {
		bad("X-Request-ID %q echoes unsafe client input", hostileShort(id))
	}
	for k, vs := range a.Header {
		for _, v := range vs {
			if strings.ContainsAny(v, "\r\n\x00") {
				bad("response header %s carries CR, LF or NUL: %q", k, hostileShort(v))
			}
		}
	}
	if acao := a.Header.Get("Access-Control-Allow-Origin"); acao != "" {
		u, err := url.Parse(acao)
		local := err == nil && (u.Hostname() == "localhost" || u.Hostname() == "127.0.0.1" || u.Hostname() == "::1")
		if !local || acao != req.Header.Get("Origin") || strings.HasPrefix(path, "/_emulator") {
			bad("CORS allows origin %q on %s (request Origin %q)", hostileShort(acao), hostileShort(path), hostileShort(req.Header.Get("Origin")))
		}
	}
	if strings.Contains(string(a.Body), "root:x:0:0") {
		bad("the body carries a file of the host")
	}
	lower := strings.ToLower(string(a.Body))
	frags := hostileInternal
	if a.Status < 300 {
		frags = hostileInternal2xx
	}
	var echo string
	for _, frag := range frags {
		if strings.Contains(string(a.Body), frag) {
			if echo == "" {
				echo = hostileEcho(req)
			}
			if strings.Contains(echo, frag) {
				continue // the client's own text, quoted back
			}
			if word, ok := strings.CutSuffix(frag, ": "); ok && strings.Contains(echo, word) {
				continue // a key the client wrote, named by a problem ("json: unknown key")
			}
			bad("body carries internal text %q", frag)
		}
	}
	ct := a.Header.Get("Content-Type")
	mt, _, _ := mime.ParseMediaType(ct)
	if req.Method == http.MethodHead {
		if len(a.Body) != 0 {
			bad("HEAD answer has a body")
		}
		return out
	}
	switch {
	case a.Status >= 300 && a.Status < 400:
		if a.Header.Get("Location") == "" {
			bad("redirect %d without Location", a.Status)
		}
		return out
	case a.Status >= 200 && a.Status < 300:
		if len(a.Body) == 0 {
			return out
		}
		if mt == "text/html" && a.Status == http.StatusOK && hostileHTMLPage(path) {
			return out
		}
		if mt == "image/x-icon" && a.Status == http.StatusOK && path == "/favicon.ico" {
			return out
		}
		if mt == "application/yaml" && a.Status == http.StatusOK && path == "/_emulator/snapshot" {
			return out // a fixture document, YAML unless JSON is asked for
		}
		if mt != "application/json" {
			bad("2xx Content-Type %q, want application/json", ct)
		} else if !json.Valid(a.Body) {
			bad("2xx body is not JSON")
		}
		return out
	}
	// 4xx (and the documented 501): a JSON error in the documented shape.
	if mt != "application/json" {
		bad("error Content-Type %q, want application/json", ct)
	}
	if strings.Contains(lower, "<html") || strings.Contains(lower, "<!doctype") || strings.Contains(lower, "<body") {
		bad("HTML in an error body")
	}
	var m map[string]any
	if err := json.Unmarshal(a.Body, &m); err != nil || m == nil {
		bad("error body is not a JSON object")
		return out
	}
	oauthOK := hostileString(m, "error") && hostileString(m, "error_description")
	workosOK := hostileString(m, "code") && hostileString(m, "message")
	switch hostileShape(path) {
	case "oauth":
		if !oauthOK {
			bad(`error body on %s lacks the OAuth shape {"error","error_description"}`, hostileShort(path))
		}
	case "vault":
		if !workosOK && !(hostileString(m, "error") && len(m) == 1) {
			bad(`error body on %s lacks Vault's shape {"error"} and the WorkOS shape {"code","message"}`, hostileShort(path))
		}
	case "workos":
		if !workosOK {
			bad(`error body on %s lacks the WorkOS shape {"code","message"}`, hostileShort(path))
		}
	default:
		if !oauthOK && !workosOK {
			bad("error body has neither documented shape")
		}
	}
	return out
}

var (
	hostileSpecOnce sync.Once
	hostileSpec     []emulator.Route
)

// hostileUnemulated reports whether a request is, exactly, an operation of
// WorkOS's spec that the emulator does not serve: the one case where a 501
// is the documented answer. The match is strict (the escaped path, segment
// by segment), so a trailing slash or an encoded slash added to an emulated
// route does not count.
func hostileUnemulated(req *http.Request) bool {
	hostileSpecOnce.Do(func() {
		srv, err := emulator.New(emulator.Config{})
		if err != nil {
			panic(err)
		}
		hostileSpec = srv.Unemulated()
	})
	method := req.Method
	if method == http.MethodHead {
		method = http.MethodGet
	}
	got := strings.Split(req.URL.EscapedPath(), "/")
	for _, op := range hostileSpec {
		tpl := strings.Split(op.Path, "/")
		if op.Method != method || len(tpl) != len(got) {
			continue
		}
		ok := true
		for i, seg := range tpl {
			if strings.HasPrefix(seg, "{") {
				ok = ok && got[i] != ""
			} else {
				ok = ok && seg == got[i]
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func hostileString(m map[string]any, k string) bool {
	s, ok := m[k].(string)
	return ok && s != ""
}

// --- failure messages ---

// hostileDescribe renders a request and its answer for a failure message
// (long values shortened).
func hostileDescribe(c hostileCase, req *http.Request, a hostileAnswer) string {
	var b strings.Builder
	fmt.Fprintf(&b, "request: %s %s", c.method, hostileShort(c.target))
	for i := 0; i+1 < len(c.header); i += 2 {
		fmt.Fprintf(&b, "\n  %s: %s", c.header[i], hostileShort(c.header[i+1]))
	}
	if c.body != nil {
		fmt.Fprintf(&b, "\n  body (%d bytes%s): %q", len(c.body), map[bool]string{true: ", chunked"}[c.chunked], hostileShort(string(c.body)))
	}
	fmt.Fprintf(&b, "\n  (path as served: %q)", hostileShort(req.URL.Path))
	fmt.Fprintf(&b, "\nanswer: %d Content-Type=%q body=%q", a.Status, a.Header.Get("Content-Type"), hostileShort(string(a.Body)))
	return b.String()
}

func hostileShort(s string) string {
	if len(s) > 160 {
		return s[:160] + fmt.Sprintf("…(%d bytes)", len(s))
	}
	return s
}

// hostileSorted is a map's keys in order, so cases run in a fixed order.
func hostileSorted[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
