package emulator_test

// The hostile-input suite (issue 8): every route of the route table gets
// wrong methods, missing and duplicate parameters, wrong content types,
// malformed JSON and forms, invalid UTF-8, oversized bodies, very long
// headers and tokens, forged JWTs and path tricks. Every answer must be a
// 2xx/3xx (when the request happens to be valid) or a 4xx JSON error in the
// documented shape, never a 5xx, never internal text; health stays 200 and
// rejected requests leave the world unchanged.

import (
	"bufio"
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"mime"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/go-jose/go-jose/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// hostileKID is the default world's signing key id.
const hostileKID = "sso_oidc_key_pair_01JPXN6KF7NAEAZTFDYESAE0KX"

// hostileULID is a well-formed ULID no default-world object has.
const hostileULID = "01JGH00N0CRRAQG5E1V2EYRQ99"

// hostilePath substitutes a route's path parameters with plausible ids of
// the default world (unknown parameters get a well-formed unknown id), so
// requests reach the handlers rather than the router's 404.
func hostilePath(route string) string {
	segs := strings.Split(route, "/")
	for i, s := range segs {
		if strings.HasPrefix(s, ":") {
			prev := ""
			if i > 0 {
				prev = segs[i-1]
			}
			segs[i] = hostileParam(route, prev, s[1:])
		}
	}
	return strings.Join(segs, "/")
}

func hostileParam(route, prev, name string) string {
	switch name {
	case "client_id":
		return emutest.EnvClientID
	case "external_id":
		return "ext_hostile"
	case "token":
		return "hostileInvitationToken1234"
	case "kid":
		return hostileKID
	case "org":
		return emutest.AcmeID
	case "permission":
		return "users:read"
	case "slug":
		if strings.HasPrefix(route, "/authorization/permissions") {
			return "users:read"
		}
		return "admin"
	}
	switch prev {
	case "users":
		return emutest.AliceID
	case "organizations":
		return emutest.AcmeID
	case "organization_memberships":
		return "om_01JGFNY450V3KH57A74VCB7E15"
	case "sessions":
		return emutest.AliceSession
	case "magic_auth":
		return "magic_auth_" + hostileULID
	case "email_verification":
		return "email_verification_" + hostileULID
	case "password_reset":
		return "password_reset_" + hostileULID
	case "factors":
		return "auth_factor_" + hostileULID
	case "invitations":
		return "invitation_" + hostileULID
	}
	return "hostile_" + hostileULID
}

// hostileGood holds plausible parameters per route ("METHOD path"), which
// the cases then break one way at a time. Routes without an entry (new
// ones included) get the generic cases only.
var hostileGood = map[string]map[string]any{
	"POST /oauth2/introspection":                                     {"client_id": emutest.OAuthClientID, "client_secret": emutest.OAuthSecret, "token": "@alice_access"},
	"POST /oauth2/token":                                             {"grant_type": "client_credentials", "client_id": emutest.M2MClientID, "client_secret": emutest.M2MSecret},
	"GET /oauth2/authorize":                                          {"client_id": emutest.OAuthClientID, "redirect_uri": "http://localhost:3000/callback", "response_type": "code", "scope": "openid", "state": "st"},
	"POST /oauth2/device_authorization":                              {"client_id": emutest.OAuthClientID, "client_secret": emutest.OAuthSecret},
	"GET /authkit/login":                                             {"flow": "hostileFlowId"},
	"POST /authkit/login":                                            {"flow": "hostileFlowId", "action": "password", "email": "alice@example.com", "password": "wonderland"},
	"GET /device":                                                    {"user_code": "BCDF-GHJK"},
	"POST /device":                                                   {"user_code": "BCDF-GHJK"},
	"GET /user_management/authorize":                                 {"client_id": emutest.EnvClientID, "redirect_uri": "http://localhost:3000/callback", "response_type": "code", "provider": "authkit", "state": "st"},
	"POST /user_management/authenticate":                             {"grant_type": "password", "client_id": emutest.EnvClientID, "client_secret": emutest.APIKey, "email": "alice@example.com", "password": "wonderland"},
	"POST /user_management/authorize/device":                         {"client_id": emutest.EnvClientID},
	"GET /user_management/sessions/logout":                           {"session_id": emutest.AliceSession, "return_to": "http://localhost:3000"},
	"POST /user_management/sessions/revoke":                          {"session_id": emutest.AliceSession},
	"GET /user_management/users/:id/sessions":                        {"limit": "2", "order": "asc"},
	"POST /user_management/magic_auth":                               {"email": "alice@example.com"},
	"POST /user_management/users/:id/email_verification/confirm":     {"code": "123456"},
	"POST /user_management/password_reset":                           {"email": "alice@example.com"},
	"POST /user_management/password_reset/confirm":                   {"token": "hostileResetToken", "new_password": "pw"},
	"POST /user_management/users/:id/auth_factors":                   {"type": "totp"},
	"GET /user_management/users":                                     {"limit": "2", "order": "asc", "email": "alice@example.com"},
	"POST /user_management/users":                                    {"email": "hostile@example.com", "first_name": "Hostile", "email_verified": true},
	"PUT /user_management/users/:id":                                 {"first_name": "Alicia"},
	"GET /organizations":                                             {"limit": "1", "domains": "acme.test"},
	"POST /organizations":                                            {"name": "Hostile Inc", "domains": []string{"hostile.test"}},
	"PUT /organizations/:id":                                         {"name": "Acme 2"},
	"GET /user_management/organization_memberships":                  {"user_id": emutest.BobID, "statuses": "active", "limit": "1"},
	"POST /user_management/organization_memberships":                 {"user_id": "user_01JGJ48F1WQQHDNXHABSCR87EJ", "organization_id": emutest.GlobexID, "role_slug": "member"},
	"PUT /user_management/organization_memberships/:id":              {"role_slug": "member"},
	"POST /authorization/roles":                                      {"slug": "hostile", "name": "Hostile"},
	"PATCH /authorization/roles/:slug":                               {"name": "Administrator"},
	"PUT /authorization/roles/:slug/permissions":                     {"permissions": []string{"users:read"}},
	"POST /authorization/roles/:slug/permissions":                    {"slug": "users:read"},
	"POST /authorization/organizations/:org/roles":                   {"slug": "hostile", "name": "Hostile"},
	"PATCH /authorization/organizations/:org/roles/:slug":            {"name": "Administrator"},
	"PUT /authorization/organizations/:org/roles/:slug/permissions":  {"permissions": []string{"users:read"}},
	"POST /authorization/organizations/:org/roles/:slug/permissions": {"slug": "users:read"},
	"GET /authorization/permissions":                                 {"limit": "1"},
	"POST /authorization/permissions":                                {"slug": "hostile:perm", "name": "Hostile"},
	"PATCH /authorization/permissions/:slug":                         {"name": "Read"},
	"GET /user_management/invitations":                               {"organization_id": emutest.AcmeID, "limit": "1"},
	"POST /user_management/invitations":                              {"email": "invitee@example.com", "organization_id": emutest.AcmeID},
	"POST /api_keys/validations":                                     {"value": "sk_org_hostile"},
	"PUT /user_management/jwt_template":                              {"content": `{"tier":"gold"}`},
	"POST /_emulator/reset":                                          {"keep_clock": true},
	"POST /_emulator/clock":                                          {"advance": "1s"},
	"POST /_emulator/tokens":                                         {"user_id": emutest.AliceID},
	"POST /_emulator/faults":                                         {"method": "GET", "path": "/hostile", "status": 503, "count": 1},
	"GET /_emulator/requests":                                        {"since": "0"},
	"GET /_emulator/codes":                                           {"email": "alice@example.com"},
}

// hostileTokenParams are parameters that carry secrets or tokens: the JWT
// and long-token cases put their forgeries there.
var hostileTokenParams = []string{"token", "refresh_token", "code", "client_secret", "session_id", "value",
	"pending_authentication_token", "device_code", "invitation_token", "user_code", "flow"}

// hostileCase is one hostile request.
type hostileCase struct {
	name    string
	method  string
	target  string // request-URI, already escaped
	body    []byte
	chunked bool // no Content-Length: the body's size is unknown up front
	header  []string
	// want, when set, is an extra check of the answer ("" when fine).
	want func(hostileAnswer) string
}

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
	return path == "/authkit/login" || path == "/device" || path == "/user_management/sessions/logout"
}

// hostileShape is the error shape the path documents: "oauth", "workos",
// or "either" for the User Management endpoints that speak OAuth grants.
func hostileShape(path string) string {
	switch {
	case strings.HasPrefix(path, "/oauth2/"):
		return "oauth"
	case path == "/user_management/authenticate", path == "/user_management/authorize/device":
		return "either"
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

// --- forged tokens ---

var (
	hostileKeyOnce sync.Once
	hostileKey     *rsa.PrivateKey
)

// hostileRSAKey is a fresh RSA key, generated once per test binary: it
// signs tokens the emulator never issued.
func hostileRSAKey(t testing.TB) *rsa.PrivateKey {
	hostileKeyOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		hostileKey = k
	})
	return hostileKey
}

func hostileSign(t testing.TB, key *rsa.PrivateKey, kid string, payload []byte) string {
	t.Helper()
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: key, KeyID: kid}},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		t.Fatal(err)
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	out, err := jws.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// hostileJWTs are forgeries of a real token: alg none, an unknown kid, the
// right kid with a wrong key, HS256 keyed with the API key, a tampered
// payload, and garbage segments. None was issued by the emulator.
func hostileJWTs(t testing.TB, real string) map[string]string {
	t.Helper()
	if m, ok := hostileJWTCache.Load(real); ok {
		return maps.Clone(m.(map[string]string))
	}
	m := hostileForge(t, real)
	hostileJWTCache.Store(real, m)
	return maps.Clone(m)
}

// hostileJWTCache memoizes hostileJWTs: every emulator of the suite hands
// out the same fixture token.
var hostileJWTCache sync.Map

func hostileForge(t testing.TB, real string) map[string]string {
	t.Helper()
	enc := base64.RawURLEncoding
	parts := strings.Split(real, ".")
	payload, err := enc.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var claims map[string]any
	if err := json.Unmarshal(payload, &claims); err != nil {
		t.Fatal(err)
	}
	claims["sub"] = emutest.BobID
	tampered, _ := json.Marshal(claims)
	key := hostileRSAKey(t)
	hs := func(header string) string {
		signing := enc.EncodeToString([]byte(header)) + "." + parts[1]
		mac := hmac.New(sha256.New, []byte(emutest.APIKey))
		mac.Write([]byte(signing))
		return signing + "." + enc.EncodeToString(mac.Sum(nil))
	}
	none := enc.EncodeToString([]byte(`{"alg":"none","typ":"JWT","kid":"`+hostileKID+`"}`)) + "." + parts[1]
	return map[string]string{
		"alg none":             none + ".",
		"alg none with sig":    none + "." + parts[2],
		"alg None":             enc.EncodeToString([]byte(`{"alg":"None","typ":"JWT"}`)) + "." + parts[1] + ".",
		"unknown kid":          hostileSign(t, key, "sso_oidc_key_pair_"+hostileULID, payload),
		"wrong key":            hostileSign(t, key, hostileKID, payload),
		"no kid":               hostileSign(t, key, "", payload),
		"HS256 with api key":   hs(`{"alg":"HS256","typ":"JWT","kid":"` + hostileKID + `"}`),
		"tampered payload":     parts[0] + "." + enc.EncodeToString(tampered) + "." + parts[2],
		"swapped segments":     parts[1] + "." + parts[0] + "." + parts[2],
		"extra segment":        real + ".",
		"five segments":        real + ".a.b",
		"garbage a.b.c":        "a.b.c",
		"garbage dots":         "...",
		"garbage two dots":     "..",
		"garbage eyJ":          "eyJ.eyJ.eyJ",
		"not base64":           "%%%.%%%.%%%",
		"header not JSON":      enc.EncodeToString([]byte("not json")) + "." + parts[1] + "." + parts[2],
		"header JSON array":    enc.EncodeToString([]byte("[1,2]")) + "." + parts[1] + "." + parts[2],
		"huge kid":             enc.EncodeToString([]byte(`{"alg":"RS256","kid":"`+strings.Repeat("k", 16<<10)+`"}`)) + "." + parts[1] + "." + parts[2],
		"payload not JSON":     parts[0] + "." + enc.EncodeToString([]byte("\xff\xfe")) + "." + parts[2],
		"std base64 padding":   strings.TrimRight(base64.StdEncoding.EncodeToString([]byte(`{"alg":"RS256"}`)), "") + "." + parts[1] + "." + parts[2],
		"real token truncated": real[:len(real)-5],
		"real token uppercase": strings.ToUpper(real),
	}
}

// --- the cases ---

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

// hostileCasesFor builds the cases of one route (the routeIndex-th of the
// table). methods lists every method the router serves at the route's path.
func hostileCasesFor(t testing.TB, e *hostileEnv, rt emulator.Route, routeIndex int, methods []string, firstOfPath bool) []hostileCase {
	t.Helper()
	path := hostilePath(rt.Path)
	good := map[string]any{}
	for k, v := range hostileGood[rt.Method+" "+rt.Path] {
		if v == "@alice_access" {
			v = e.access
		}
		good[k] = v
	}
	key := []string{"Authorization", "Bearer " + emutest.APIKey}
	jsonCT := []string{"Content-Type", "application/json"}
	formCT := []string{"Content-Type", "application/x-www-form-urlencoded"}
	withKey := func(h ...string) []string { return append(append([]string{}, key...), h...) }
	var cases []hostileCase
	add := func(c hostileCase) {
		if c.method == "" {
			c.method = rt.Method
		}
		if c.target == "" {
			c.target = path
		}
		cases = append(cases, c)
	}
	// send puts params where the route reads them: the query, or the body
	// as JSON (or a form when form is set).
	send := func(name string, p map[string]any, form bool, extra ...string) hostileCase {
		c := hostileCase{name: name, header: withKey(extra...)}
		if hostileBodyMethod(rt.Method) {
			if form {
				c.body = []byte(hostileEncodeForm(p))
				c.header = append(c.header, formCT...)
			} else {
				c.body = hostileJSON(p)
				c.header = append(c.header, jsonCT...)
			}
		} else if len(p) > 0 {
			c.target = path + "?" + hostileEncodeForm(p)
		}
		return c
	}

	// The plausible request itself, as JSON and as a form.
	add(send("plausible json", good, false))
	add(send("plausible form", good, true))

	// Wrong methods (once per path).
	if firstOfPath {
		for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete,
			http.MethodHead, http.MethodOptions, http.MethodTrace, "PROPFIND", "BREW", "get"} {
			if !slices.Contains(methods, m) {
				add(hostileCase{name: "method " + m, method: m, header: key})
				add(hostileCase{name: "method " + m + " with body", method: m, header: withKey(jsonCT...), body: hostileJSON(good)})
			}
		}
		add(hostileCase{name: "CORS preflight", method: http.MethodOptions, header: []string{"Origin", "http://localhost:3000",
			"Access-Control-Request-Method", rt.Method, "Access-Control-Request-Headers", "authorization, content-type"}})
		add(hostileCase{name: "CORS preflight from a foreign origin", method: http.MethodOptions, header: []string{"Origin", "https://evil.example",
			"Access-Control-Request-Method", rt.Method}})
	}

	// Authentication: none, wrong, malformed.
	add(hostileCase{name: "no credentials at all"})
	for _, nv := range [][2]string{
		{"wrong API key", "Bearer sk_test_wrong"}, {"empty Bearer", "Bearer "}, {"Bearer only", "Bearer"}, {"lowercase bearer", "bearer " + emutest.APIKey},
		{"Basic garbage", "Basic !!!"}, {"Basic no colon", "Basic " + base64.StdEncoding.EncodeToString([]byte("nocolon"))},
		{"Basic env client", "Basic " + base64.StdEncoding.EncodeToString([]byte(emutest.EnvClientID+":"+emutest.APIKey))},
		{"two schemes", "Bearer " + emutest.APIKey + ", Basic eDp5"}, {"API key with NUL", "Bearer " + emutest.APIKey + "\x00"}, {"Digest", "Digest username=x"},
	} {
		c := send("auth: "+nv[0], good, false)
		c.header[1] = nv[1]
		add(c)
	}

	// Missing parameters: none at all, and each one left out.
	add(hostileCase{name: "missing: no params, JSON {}", header: withKey(jsonCT...), body: []byte("{}")})
	add(hostileCase{name: "missing: no params, empty form", header: withKey(formCT...), body: []byte{}})
	for _, k := range hostileSorted(good) {
		p := hostileWith(good, k, nil)
		delete(p, k)
		add(send("missing "+k, p, false))
		add(send("empty "+k, hostileWith(good, k, ""), true))
	}

	// Duplicate parameters: in the query, the form, JSON keys, and
	// bracketed.
	if len(good) > 0 {
		form := hostileEncodeForm(good)
		for _, k := range hostileSorted(good) {
			dup := form + "&" + url.QueryEscape(k) + "=other"
			if hostileBodyMethod(rt.Method) {
				add(hostileCase{name: "duplicate form " + k, header: withKey(formCT...), body: []byte(dup)})
				j := string(hostileJSON(good))
				add(hostileCase{name: "duplicate JSON key " + k, header: withKey(jsonCT...),
					body: []byte(j[:len(j)-1] + `,"` + k + `":"other"}`)})
			} else {
				add(hostileCase{name: "duplicate query " + k, target: path + "?" + dup, header: key})
				add(hostileCase{name: "bracketed query " + k, target: path + "?" + form + "&" + url.QueryEscape(k+"[]") + "=x", header: key})
			}
		}
	}
	add(hostileCase{name: "duplicate unknown query", target: path + "?x=1&x=2&limit=1&limit=2&after=a&after=b", header: key})

	// Wrong content types, malformed JSON and forms: the whole catalogue
	// where the route reads a body, a sample elsewhere.
	bodied := hostileBodyMethod(rt.Method) || rt.Method == http.MethodDelete
	sample := func(i int) bool { return bodied || i%5 == 0 }
	for i, ct := range []string{"text/plain", "application/xml", "multipart/form-data; boundary=x", "application/json; charset=utf-16",
		"application/x-www-form-urlencoded", "invalid;;;/", "application/json, text/plain", "APPLICATION/JSON",
		`application/json; charset="`, "application/merge-patch+json", "application/yaml", "*/*", "\xff\xfe"} {
		if sample(i) {
			add(hostileCase{name: "content type " + ct + " with JSON", header: withKey("Content-Type", ct), body: hostileJSON(good)})
		}
	}
	add(hostileCase{name: "JSON content type with a form", header: withKey(jsonCT...), body: []byte(hostileEncodeForm(good))})
	add(hostileCase{name: "no content type with JSON", header: key, body: hostileJSON(good)})
	add(hostileCase{name: "no content type with a form", header: key, body: []byte(hostileEncodeForm(good))})

	// Malformed JSON.
	for i, nb := range [][2]string{
		{"truncated", "{"}, {"missing value", `{"a":}`}, {"array", `[1,2]`}, {"string", `"str"`}, {"null", "null"}, {"number", "1e999"},
		{"trailing garbage", `{"a":"b"}garbage`}, {"two objects", `{}{}`}, {"nested operator", `{"email":{"$ne":1},"name":{"a":[1]}}`},
		{"wrong types", `{"email":1,"name":true,"metadata":"x","domains":"x","roles":{},"permissions":7,"limit":"x","ttl":5,"role_slugs":"x"}`},
		{"deep nesting", strings.Repeat("[", 10001) + strings.Repeat("]", 10001)},
		{"deep object", strings.Repeat(`{"a":`, 10001) + "1" + strings.Repeat("}", 10001)},
		{"huge number", `{"limit":` + strings.Repeat("9", 5000) + `,"expires_in_days":1e300}`}, {"BOM", "\xef\xbb\xbf{}"}, {"comment", `{/*c*/}`},
		{"single quotes", `{'a':'b'}`}, {"NaN", `{"a":NaN}`}, {"escaped NUL", `{"email":"a\u0000@example.com","name":"\u0000","slug":"\u0000"}`},
		{"lone surrogate", `{"email":"\ud800@example.com","name":"\udfff"}`}, {"many keys", hostileManyKeys(3000)},
		{"metadata bomb", `{"metadata":` + hostileManyKeys(1000) + `,"name":"x","email":"m@example.com"}`},
	} {
		if sample(i) {
			add(hostileCase{name: "malformed JSON: " + nb[0], header: withKey(jsonCT...), body: []byte(nb[1])})
		}
	}

	// Malformed forms.
	for i, nb := range [][2]string{
		{"bad escape", "a=%zz"}, {"truncated escape", "a=%"}, {"semicolons", "a=1;b=2"}, {"only equals", "="}, {"only ampersands", "&&&"},
		{"invalid UTF-8 value", "email=%ff%fe&token=%c3%28"}, {"invalid UTF-8 key", "%ff=1"}, {"raw invalid UTF-8", "email=\xff\xfe"},
		{"many params", strings.Repeat("a=1&", 10001)}, {"many distinct params", hostileManyForm(10001)}, {"NUL", "token=%00&email=%00"},
		{"plus and spaces", "email=a+b@example.com&token= x "}, {"newlines", "token=a%0d%0aSet-Cookie:%20x=y"},
	} {
		if sample(i) {
			add(hostileCase{name: "malformed form: " + nb[0], header: withKey(formCT...), body: []byte(nb[1])})
		}
	}

	// Invalid UTF-8 in JSON values, the query, a path parameter, headers.
	add(hostileCase{name: "invalid UTF-8 JSON", header: withKey(jsonCT...), body: []byte("{\"email\":\"\xff@example.com\",\"name\":\"\xc3\x28\"}")})
	add(hostileCase{name: "invalid UTF-8 query", target: path + "?email=%ff&organization_id=%c3%28&limit=%ff", header: key})
	add(hostileCase{name: "invalid UTF-8 header values", header: withKey("X-Request-ID", "\xff\xfe", "Origin", "http://\xff", "User-Agent", "\xc3\x28")})
	for _, k := range hostileSorted(good) {
		add(send("invalid UTF-8 in "+k, hostileWith(good, k, "\xff\xfe\xc3\x28"), false))
		add(send("invalid UTF-8 in form "+k, hostileWith(good, k, "\xff\xfe\xc3\x28"), true))
	}
	if strings.Contains(rt.Path, ":") {
		add(hostileCase{name: "invalid UTF-8 path parameter", target: hostileReplaceLastParam(rt.Path, "%ff%fe"), header: key})
		add(hostileCase{name: "NUL path parameter", target: hostileReplaceLastParam(rt.Path, "%00"), header: key})
		add(hostileCase{name: "long path parameter", target: hostileReplaceLastParam(rt.Path, strings.Repeat("x", 64<<10)), header: key})
		add(hostileCase{name: "dot-dot path parameter", target: hostileReplaceLastParam(rt.Path, "%2e%2e"), header: key})
		add(hostileCase{name: "encoded slash path parameter", target: hostileReplaceLastParam(rt.Path, "a%2Fb"), header: key})
	}

	// Bodies over 1 MB: 413 JSON, declared or not.
	big := append([]byte(`{"email":"`), bytes.Repeat([]byte("a"), 1<<20)...)
	big = append(big, `"}`...)
	want413 := func(a hostileAnswer) string {
		if a.Status != http.StatusRequestEntityTooLarge {
			return fmt.Sprintf("status %d, want 413", a.Status)
		}
		return ""
	}
	add(hostileCase{name: "body over 1 MB", header: withKey(jsonCT...), body: big, want: want413})
	add(hostileCase{name: "body over 1 MB, chunked", header: withKey(jsonCT...), body: big, chunked: true, want: want413})
	add(hostileCase{name: "form over 1 MB", header: withKey(formCT...), body: []byte("token=" + strings.Repeat("a", 1<<20)), want: want413})
	// 1 MB of padding, then a plausible request: all of it is the body.
	padded := append(bytes.Repeat([]byte(" "), 1<<20+1), hostileJSON(good)...)
	add(hostileCase{name: "padding over 1 MB then a valid body, chunked", header: withKey(jsonCT...), body: padded, chunked: true, want: want413})

	// Very long headers and tokens.
	long := strings.Repeat("x", 100<<10)
	add(hostileCase{name: "100 KB header", header: withKey("X-Hostile", long)})
	add(hostileCase{name: "64 KB Authorization", header: []string{"Authorization", "Bearer " + strings.Repeat("A", 64<<10)}})
	add(hostileCase{name: "64 KB Basic", header: []string{"Authorization", "Basic " + base64.StdEncoding.EncodeToString([]byte(strings.Repeat("u", 32<<10)+":"+strings.Repeat("p", 32<<10)))}})
	add(hostileCase{name: "100 KB cookie", header: withKey("Cookie", "a="+long)})
	add(hostileCase{name: "100 KB request id", header: withKey("X-Request-ID", long)})
	add(hostileCase{name: "100 KB content type", header: withKey("Content-Type", "application/json; x="+long), body: []byte("{}")})
	add(hostileCase{name: "100 KB origin", header: withKey("Origin", "http://localhost:3000/"+long)})
	add(hostileCase{name: "100 KB query", target: path + "?q=" + long, header: key})
	many := withKey()
	for i := 0; i < 2000; i++ {
		many = append(many, fmt.Sprintf("X-Hostile-%d", i), "v")
	}
	add(hostileCase{name: "2000 headers", header: many})
	longTok := strings.Repeat("T", 64<<10)
	for _, k := range hostileTokenParams {
		if _, ok := good[k]; ok {
			add(send("64 KB "+k, hostileWith(good, k, longTok), false))
			add(send("64 KB "+k+" (form)", hostileWith(good, k, longTok), true))
		}
	}
	add(send("64 KB email", hostileWith(good, "email", strings.Repeat("a", 64<<10)+"@example.com"), false))

	// Forged JWTs: as the API key, as tokens in the parameters. Routes
	// that take no token get a few representatives (TestHostileForgedTokens
	// has the whole catalogue at the token endpoints).
	jwts := hostileJWTs(t, e.access)
	if !slices.ContainsFunc(hostileTokenParams, func(k string) bool { _, ok := good[k]; return ok }) &&
		!strings.HasPrefix(rt.Path, "/oauth2/") {
		for name := range jwts {
			if !slices.Contains([]string{"alg none", "unknown kid", "wrong key", "garbage a.b.c", "huge kid"}, name) {
				delete(jwts, name)
			}
		}
	}
	for _, name := range hostileSorted(jwts) {
		jwt := jwts[name]
		add(send("JWT as Bearer: "+name, good, false))
		cases[len(cases)-1].header[1] = "Bearer " + jwt
		placed := false
		for _, k := range hostileTokenParams {
			if _, ok := good[k]; ok {
				add(send("JWT in "+k+": "+name, hostileWith(good, k, jwt), true))
				placed = true
			}
		}
		if !placed {
			add(send("JWT as token: "+name, hostileWith(good, "token", jwt), true))
		}
	}

	// Path tricks.
	trimmed := strings.TrimPrefix(path, "/")
	segs := strings.Split(trimmed, "/")
	tricks := map[string]string{
		"trailing slash":           path + "/",
		"double trailing slash":    path + "//",
		"leading double slash":     "/" + path,
		"inner double slash":       "/" + strings.Join(segs, "//"),
		"dot-dot suffix":           path + "/..",
		"dot-dot back":             "/" + segs[0] + "/../" + trimmed,
		"dot segment":              "/./" + trimmed,
		"encoded dot-dot":          "/%2e%2e/" + trimmed,
		"encoded dot-dot suffix":   path + "/%2e%2e",
		"encoded slashes":          "/" + strings.Join(segs, "%2F"),
		"encoded backslashes":      "/" + strings.Join(segs, "%5C"),
		"NUL suffix":               path + "%00",
		"NUL segment":              path + "/%00",
		"double-encoded NUL":       path + "%2500",
		"matrix parameter":         path + ";jsessionid=x",
		"upper case":               strings.ToUpper(path),
		"invalid UTF-8 suffix":     path + "%ff",
		"bad query escape":         path + "?%zz=1&a=%",
		"fragment":                 path + "#frag",
		"encoded question mark":    path + "%3Fa=b",
		"long path":                path + "/" + strings.Repeat("a", 64<<10),
		"many segments":            path + strings.Repeat("/a", 5000),
		"absolute-form elsewhere":  "http://evil.example" + path,
		"control plane traversal":  path + "/../../_emulator/reset",
		"encoded traversal to key": "/%2e%2e/%2e%2e/etc/passwd",
	}
	core := []string{"trailing slash", "double trailing slash", "leading double slash", "encoded slashes", "NUL suffix", "encoded dot-dot suffix"}
	for i, name := range hostileSorted(tricks) {
		// The core tricks on every route, the others on every third route
		// in turn (all of them across the table).
		if !slices.Contains(core, name) && (i+routeIndex)%3 != 0 {
			continue
		}
		target := tricks[name]
		c := send("path: "+name, good, false)
		c.target = target
		if !hostileBodyMethod(rt.Method) && len(good) > 0 && !strings.Contains(target, "?") && !strings.Contains(target, "#") {
			c.target = target + "?" + hostileEncodeForm(good)
		}
		add(c)
	}
	return cases
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

func hostileManyKeys(n int) string {
	var b strings.Builder
	b.WriteByte('{')
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"k%d":"v"`, i)
	}
	b.WriteByte('}')
	return b.String()
}

func hostileManyForm(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "k%d=v&", i)
	}
	return b.String()
}

// hostileReplaceLastParam fills a route's parameters, the last one with v.
func hostileReplaceLastParam(route, v string) string {
	segs := strings.Split(route, "/")
	last := -1
	for i, s := range segs {
		if strings.HasPrefix(s, ":") {
			last = i
		}
	}
	filled := strings.Split(hostilePath(route), "/")
	filled[last] = v
	return strings.Join(filled, "/")
}

// TestHostileEveryRoute runs the hostile cases against every route of the
// route table (new routes included), each route on its own emulator.
func TestHostileEveryRoute(t *testing.T) {
	t.Parallel()
	probe := emutest.New(t, emulator.Config{Clock: emutest.T0})
	routes := probe.Routes()
	methods := map[string][]string{}
	for _, rt := range routes {
		methods[rt.Path] = append(methods[rt.Path], rt.Method)
	}
	seen := map[string]bool{}
	for i, rt := range routes {
		first := !seen[rt.Path]
		seen[rt.Path] = true
		t.Run(rt.Method+" "+rt.Path, func(t *testing.T) {
			t.Parallel()
			e := newHostileEnv(t)
			for _, c := range hostileCasesFor(t, e, rt, i, methods[rt.Path], first) {
				e.check(t, c)
			}
		})
	}
}

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

// TestHostileForgedTokens: forged and garbage tokens are inactive at
// introspection, rejected by userinfo and refused as API keys.
func TestHostileForgedTokens(t *testing.T) {
	t.Parallel()
	e := newHostileEnv(t)
	jwts := hostileJWTs(t, e.access)
	for _, tok := range []string{"x", " ", strings.Repeat("A", 64<<10), emutest.AliceRefresh + "x", "\xff\xfe", "null", "undefined", "Bearer " + e.access} {
		jwts["opaque "+hostileShort(tok)[:min(20, len(hostileShort(tok)))]] = tok
	}
	names := make([]string, 0, len(jwts))
	for n := range jwts {
		names = append(names, n)
	}
	sort.Strings(names)
	form := []string{"Content-Type", "application/x-www-form-urlencoded"}
	for _, name := range names {
		tok := jwts[name]
		for _, hint := range []string{"", "access_token", "refresh_token"} {
			body := url.Values{"client_id": {emutest.OAuthClientID}, "client_secret": {emutest.OAuthSecret}, "token": {tok}}
			if hint != "" {
				body.Set("token_type_hint", hint)
			}
			c := hostileCase{name: "introspect " + name + " hint=" + hint, method: http.MethodPost, target: "/oauth2/introspection",
				body: []byte(body.Encode()), header: form, want: func(a hostileAnswer) string {
					if !utf8.ValidString(tok) {
						if a.Status != 400 || !strings.Contains(string(a.Body), `"invalid_request"`) {
							return fmt.Sprintf("a non-UTF-8 form: want 400 invalid_request, got %d %s", a.Status, hostileShort(string(a.Body)))
						}
						return ""
					}
					if a.Status != 200 || string(a.Body) != `{"active":false}` {
						return fmt.Sprintf(`want 200 {"active":false}, got %d %s`, a.Status, hostileShort(string(a.Body)))
					}
					return ""
				}}
			e.check(t, c)
		}
		for _, m := range []string{http.MethodGet, http.MethodPost} {
			e.check(t, hostileCase{name: "userinfo " + m + " " + name, method: m, target: "/oauth2/userinfo",
				header: []string{"Authorization", "Bearer " + tok}, want: func(a hostileAnswer) string {
					if len(tok) > 60<<10 && a.Status == http.StatusRequestHeaderFieldsTooLarge {
						return "" // over the emulator's header limit
					}
					code := `"invalid_token"`
					if strings.TrimSpace(tok) == "" {
						code = `"unauthorized"` // no token at all
					}
					if a.Status != 401 || !strings.Contains(string(a.Body), code) || a.Header.Get("WWW-Authenticate") == "" {
						return fmt.Sprintf("want 401 invalid_token with WWW-Authenticate, got %d %s", a.Status, hostileShort(string(a.Body)))
					}
					return ""
				}})
		}
		e.check(t, hostileCase{name: "API key " + name, method: http.MethodGet, target: "/user_management/users",
			header: []string{"Authorization", "Bearer " + tok}, want: func(a hostileAnswer) string {
				if len(tok) > 60<<10 && a.Status == http.StatusRequestHeaderFieldsTooLarge {
					return ""
				}
				if a.Status != 401 {
					return fmt.Sprintf("want 401, got %d", a.Status)
				}
				return ""
			}})
		e.check(t, hostileCase{name: "refresh with " + name, method: http.MethodPost, target: "/oauth2/token",
			body: []byte(url.Values{"grant_type": {"refresh_token"}, "client_id": {emutest.OAuthClientID}, "client_secret": {emutest.OAuthSecret},
				"refresh_token": {tok}}.Encode()), header: form, want: func(a hostileAnswer) string {
				code := `"invalid_grant"`
				if !utf8.ValidString(tok) {
					code = `"invalid_request"` // a malformed form
				}
				if a.Status != 400 || !strings.Contains(string(a.Body), code) {
					return fmt.Sprintf("want 400 invalid_grant, got %d %s", a.Status, hostileShort(string(a.Body)))
				}
				return ""
			}})
	}
	// The real token still works: the suite's forgeries are not a fluke of
	// a broken setup.
	e.check(t, hostileCase{name: "the real token", method: http.MethodGet, target: "/oauth2/userinfo",
		header: []string{"Authorization", "Bearer " + e.access}, want: func(a hostileAnswer) string {
			if a.Status != 200 {
				return fmt.Sprintf("want 200, got %d", a.Status)
			}
			return ""
		}})
}

// TestHostileDefectTokens: the control plane's own bad tokens are inactive
// too (they are built exactly like real ones, then broken).
func TestHostileDefectTokens(t *testing.T) {
	t.Parallel()
	e := newHostileEnv(t)
	for _, d := range emulator.Defects {
		res, err := e.srv.MintBad(context.Background(), emulator.MintRequest{UserID: emutest.AliceID, OrganizationID: emutest.AcmeID}, d, "sid")
		if err != nil {
			t.Fatalf("%s: %v", d, err)
		}
		if got := e.srv.Introspect(res); got["active"] != false || len(got) != 1 {
			t.Errorf("%s token introspects %v", d, got)
		}
	}
}

// --- over a real TCP listener ---

// hostileRaw writes a raw request on a fresh connection and reads the
// answer: what a real server does with framing no in-process test sees.
func hostileRaw(t *testing.T, addr string, raw []byte) (hostileAnswer, error) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(20 * time.Second))
	go func() { _, _ = conn.Write(raw) }() // the server may answer before it read everything
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	for err == nil && resp.StatusCode >= 100 && resp.StatusCode < 200 {
		resp, err = http.ReadResponse(br, nil) // past 100 Continue
	}
	if err != nil {
		return hostileAnswer{}, err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return hostileAnswer{resp.StatusCode, resp.Header, body}, nil
}

// TestHostileOverTCP sends a subset of the hostile cases through a real
// net/http server (the CLI's defaults: 1 MB MaxHeaderBytes): long headers,
// oversized and chunked bodies, and request framing net/http judges before
// any handler runs. The same properties hold for every answer.
func TestHostileOverTCP(t *testing.T) {
	t.Parallel()
	e := newHostileEnv(t)
	ts := httptest.NewServer(e.h)
	t.Cleanup(ts.Close)
	addr := ts.Listener.Addr().String()
	key := "Authorization: Bearer " + emutest.APIKey + "\r\n"
	check := func(t *testing.T, name, method, path string, raw []byte, want func(hostileAnswer) string) {
		t.Helper()
		a, err := hostileRaw(t, addr, raw)
		desc := fmt.Sprintf("raw request (%d bytes): %q", len(raw), hostileShort(string(raw)))
		if err != nil {
			t.Errorf("%s: no answer: %v\n%s", name, err, desc)
			return
		}
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.Method, req.URL.Path, req.URL.RawPath = method, path, ""
		problems := hostileProblems(req, a)
		if want != nil {
			if p := want(a); p != "" {
				problems = append(problems, p)
			}
		}
		if h := e.get("/_emulator/health"); h.Status != http.StatusOK {
			problems = append(problems, fmt.Sprintf("health answered %d afterwards", h.Status))
		}
		if q := e.quickPrint(); q != e.quick {
			e.reset(t)
		}
		if len(problems) > 0 {
			t.Errorf("%s:\n%s\nanswer: %d Content-Type=%q body=%q\n- %s", name, desc, a.Status, a.Header.Get("Content-Type"),
				hostileShort(string(a.Body)), strings.Join(problems, "\n- "))
		}
	}
	status := func(codes ...int) func(hostileAnswer) string {
		return func(a hostileAnswer) string {
			if !slices.Contains(codes, a.Status) {
				return fmt.Sprintf("status %d, want one of %v", a.Status, codes)
			}
			return ""
		}
	}
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {emutest.M2MClientID}, "client_secret": {emutest.M2MSecret}}.Encode()
	big := strings.Repeat("a", 1<<20+1)
	chunk := func(body string) string {
		var b strings.Builder
		for len(body) > 0 {
			n := min(len(body), 64<<10)
			fmt.Fprintf(&b, "%x\r\n%s\r\n", n, body[:n])
			body = body[n:]
		}
		b.WriteString("0\r\n\r\n")
		return b.String()
	}

	t.Run("every route", func(t *testing.T) {
		// Long headers on every route and oversized bodies on a sample,
		// through the real server.
		for i, rt := range e.srv.Routes() {
			path := hostilePath(rt.Path)
			line := rt.Method + " " + path + " HTTP/1.1\r\nHost: x\r\n"
			check(t, rt.Method+" "+rt.Path+" 100 KB header", rt.Method, path,
				[]byte(line+key+"X-Hostile: "+strings.Repeat("x", 100<<10)+"\r\n\r\n"), nil)
			check(t, rt.Method+" "+rt.Path+" 64 KB Authorization", rt.Method, path,
				[]byte(line+"Authorization: Bearer "+strings.Repeat("A", 64<<10)+"\r\n\r\n"), nil)
			if i%6 != 0 && !strings.HasPrefix(rt.Path, "/oauth2/") && rt.Path != "/user_management/authenticate" {
				continue // bodies over 1 MB on a sample (all of them in process)
			}
			check(t, rt.Method+" "+rt.Path+" body over 1 MB", rt.Method, path,
				[]byte(line+key+"Content-Type: application/json\r\nContent-Length: "+fmt.Sprint(len(big))+"\r\n\r\n"+big), status(413))
			check(t, rt.Method+" "+rt.Path+" chunked body over 1 MB", rt.Method, path,
				[]byte(line+key+"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"+chunk(big)), status(413))
		}
	})

	t.Run("net/http framing", func(t *testing.T) {
		for _, c := range []struct {
			name, method, path, raw string
			want                    func(hostileAnswer) string
		}{
			{"headers over net/http's 1 MB MaxHeaderBytes", "GET", "/oauth2/jwks",
				"GET /oauth2/jwks HTTP/1.1\r\nHost: x\r\nX-Hostile: " + strings.Repeat("x", 1<<20+8192) + "\r\n\r\n", status(431)},
			{"2000 headers of 600 bytes", "GET", "/user_management/users",
				"GET /user_management/users HTTP/1.1\r\nHost: x\r\n" + key + strings.Repeat("X-Hostile: "+strings.Repeat("y", 600)+"\r\n", 2000) + "\r\n", status(431)},
			{"request line over 1 MB", "GET", "/user_management/users",
				"GET /user_management/users?q=" + strings.Repeat("q", 1<<20+8192) + " HTTP/1.1\r\nHost: x\r\n\r\n", status(431, 414)},
			{"raw NUL in the path", "GET", "/oauth2/jwks\x00",
				"GET /oauth2/jwks\x00 HTTP/1.1\r\nHost: x\r\n\r\n", nil},
			{"raw control character in the path", "GET", "/oauth2/jwks\x01",
				"GET /oauth2/jwks\x01 HTTP/1.1\r\nHost: x\r\n\r\n", nil},
			{"raw invalid UTF-8 in the path", "GET", "/user_management/users/\xff\xfe",
				"GET /user_management/users/\xff\xfe HTTP/1.1\r\nHost: x\r\n" + key + "\r\n", nil},
			{"raw dot-dot path", "GET", "/../../_emulator/reset",
				"GET /../../_emulator/reset HTTP/1.1\r\nHost: x\r\n\r\n", nil},
			{"absolute-form request-target", "POST", "/oauth2/token",
				"POST http://evil.example/oauth2/token HTTP/1.1\r\nHost: evil.example\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " + fmt.Sprint(len(form)) + "\r\n\r\n" + form, nil},
			{"unsupported Transfer-Encoding", "POST", "/oauth2/token",
				"POST /oauth2/token HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\n" + form, nil},
			{"conflicting Content-Length", "POST", "/oauth2/token",
				"POST /oauth2/token HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\nabcdef", nil},
			{"negative Content-Length", "POST", "/oauth2/token",
				"POST /oauth2/token HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", nil},
			{"Content-Length and chunked", "POST", "/oauth2/token",
				"POST /oauth2/token HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\n" + chunk(form), nil},
			{"malformed chunk size", "POST", "/oauth2/token",
				"POST /oauth2/token HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\nzz\r\nabc\r\n0\r\n\r\n", nil},
			{"space in a header name", "GET", "/oauth2/jwks",
				"GET /oauth2/jwks HTTP/1.1\r\nHost: x\r\nBad Header: x\r\n\r\n", nil},
			{"NUL in a header value", "GET", "/oauth2/jwks",
				"GET /oauth2/jwks HTTP/1.1\r\nHost: x\r\nX-Hostile: a\x00b\r\n\r\n", nil},
			{"invalid UTF-8 in a header value", "GET", "/oauth2/jwks",
				"GET /oauth2/jwks HTTP/1.1\r\nHost: x\r\nX-Hostile: \xff\xfe\r\n\r\n", nil},
			{"missing Host", "GET", "/oauth2/jwks",
				"GET /oauth2/jwks HTTP/1.1\r\n\r\n", nil},
			{"two Host headers", "GET", "/oauth2/jwks",
				"GET /oauth2/jwks HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", nil},
			{"HTTP/2.0 on an HTTP/1 connection", "GET", "/oauth2/jwks",
				"GET /oauth2/jwks HTTP/2.0\r\nHost: x\r\n\r\n", nil},
			{"malformed HTTP version", "GET", "/oauth2/jwks",
				"GET /oauth2/jwks HTTP/x.y\r\nHost: x\r\n\r\n", nil},
			{"garbage request line", "GET", "/",
				"GARBAGE\r\n\r\n", nil},
			{"Expect: 100-continue", "POST", "/oauth2/token",
				"POST /oauth2/token HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " + fmt.Sprint(len(form)) + "\r\n\r\n" + form, nil},
			{"unknown Expect", "POST", "/oauth2/token",
				"POST /oauth2/token HTTP/1.1\r\nHost: x\r\nExpect: bogus\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " + fmt.Sprint(len(form)) + "\r\n\r\n" + form, nil},
			{"HTTP/1.0 without Host", "GET", "/_emulator/health",
				"GET /_emulator/health HTTP/1.0\r\n\r\n", status(200)},
		} {
			if byNetHTTP[c.name] {
				checkNetHTTP(t, c.name, []byte(c.raw))
				continue
			}
			check(t, c.name, c.method, c.path, []byte(c.raw), c.want)
		}
	})
}

// byNetHTTP are framing violations net/http rejects while reading the
// request, before any handler (and so any emulator code) runs: it answers
// them itself, in plain text, and closes the connection. No Go HTTP server
// can render these as JSON; the README says so. The test checks they never
// reach the emulator and leave it healthy.
var byNetHTTP = map[string]bool{
	"headers over net/http's 1 MB MaxHeaderBytes": true, "2000 headers of 600 bytes": true, "request line over 1 MB": true,
	"raw NUL in the path": true, "raw control character in the path": true, "unsupported Transfer-Encoding": true,
	"conflicting Content-Length": true, "negative Content-Length": true, "space in a header name": true,
	"NUL in a header value": true, "missing Host": true, "two Host headers": true, "HTTP/2.0 on an HTTP/1 connection": true,
	"malformed HTTP version": true, "garbage request line": true, "unknown Expect": true,
}

// checkNetHTTP asserts a raw request was refused by net/http itself.
func checkNetHTTP(t *testing.T, name string, raw []byte) {
	t.Helper()
	e := newHostileEnv(t)
	ts := httptest.NewServer(e.h)
	defer ts.Close()
	a, err := hostileRaw(t, ts.Listener.Addr().String(), raw)
	if err != nil {
		t.Errorf("%s: no answer: %v", name, err)
		return
	}
	allowed := []int{http.StatusBadRequest, http.StatusExpectationFailed, http.StatusRequestHeaderFieldsTooLarge,
		http.StatusNotImplemented, http.StatusHTTPVersionNotSupported}
	if !slices.Contains(allowed, a.Status) || a.Header.Get("X-Request-ID") != "" {
		t.Errorf("%s: answer %d (X-Request-ID %q): not net/http's own refusal; body %q", name, a.Status,
			a.Header.Get("X-Request-ID"), hostileShort(string(a.Body)))
	}
	if h := e.get("/_emulator/health"); h.Status != http.StatusOK {
		t.Errorf("%s: health answered %d afterwards", name, h.Status)
	}
}

// TestHostileSignInSteps throws hostile input at every step of the hosted
// sign-in (each action of the login page, in a live flow of each surface)
// and at the interrupted grants of /user_management/authenticate (with real
// pending authentication tokens). Answers keep the properties; pages are
// HTML, everything else JSON.
func TestHostileSignInSteps(t *testing.T) {
	t.Parallel()
	e := newHostileEnv(t)
	formCT := []string{"Content-Type", "application/x-www-form-urlencoded"}
	jsonCT := []string{"Content-Type", "application/json"}
	send := func(c hostileCase) hostileAnswer {
		t.Helper()
		req, a := e.serve(c)
		if ps := hostileProblems(req, a); len(ps) > 0 {
			t.Errorf("%s:\n%s\n- %s", c.name, hostileDescribe(c, req, a), strings.Join(ps, "\n- "))
		}
		if h := e.get("/_emulator/health"); h.Status != http.StatusOK {
			t.Errorf("%s: health answered %d afterwards", c.name, h.Status)
		}
		return a
	}
	flowOf := func(a hostileAnswer) string {
		u, err := url.Parse(a.Header.Get("Location"))
		if err != nil {
			return ""
		}
		return u.Query().Get("flow")
	}
	// Fresh flows of each surface.
	surfaces := map[string]func() string{
		"user management": func() string {
			return flowOf(send(hostileCase{name: "authorize", method: http.MethodGet, target: "/user_management/authorize?" + url.Values{
				"client_id": {emutest.EnvClientID}, "redirect_uri": {"http://localhost:3000/callback"}, "response_type": {"code"},
				"provider": {"authkit"}, "state": {"st"}}.Encode()}))
		},
		"connect": func() string {
			return flowOf(send(hostileCase{name: "authorize", method: http.MethodGet, target: "/oauth2/authorize?" + url.Values{
				"client_id": {emutest.OAuthClientID}, "redirect_uri": {"http://localhost:3000/callback"}, "response_type": {"code"},
				"scope": {"openid profile email"}, "state": {"st"}, "nonce": {"n"}}.Encode()}))
		},
		"device": func() string {
			a := send(hostileCase{name: "device authorization", method: http.MethodPost, target: "/user_management/authorize/device",
				header: jsonCT, body: []byte(`{"client_id":"` + emutest.EnvClientID + `"}`)})
			var d struct {
				UserCode string `json:"user_code"`
			}
			_ = json.Unmarshal(a.Body, &d)
			return flowOf(send(hostileCase{name: "device code", method: http.MethodPost, target: "/device", header: formCT,
				body: []byte("user_code=" + url.QueryEscape(strings.ToLower(d.UserCode)))}))
		},
	}
	// Steps to reach before the hostile action: none, signed in (Alice), a
	// user with two organizations (Bob), an unverified e-mail (Carol).
	before := map[string]string{
		"fresh": "",
		"alice": "action=password&email=alice%40example.com&password=wonderland",
		"bob":   "action=password&email=bob%40example.com&password=builder",
		"carol": "action=password&email=carol%40example.com&password=unverified",
	}
	long := strings.Repeat("x", 64<<10)
	hostileForms := []string{
		"", "action=", "action=bogus", "action=%ff", "action=password", "action=password&email=%ff&password=x",
		"action=password&email=" + long + "&password=" + long, "action=continue", "action=continue&user_id=user_nope",
		"action=continue&user_id=" + emutest.AliceID + "&user_id=" + emutest.BobID, "action=signup", "action=signup&email=not-an-email&password=x",
		"action=signup&email=alice%40example.com&password=x", "action=signup&email=new%40example.com&password=",
		"action=magic_send", "action=magic_send&email=%3Cscript%3E%40x.y", "action=magic_verify&code=000000",
		"action=magic_verify&code=" + long, "action=verify_email&code=", "action=verify_email&code=%00%00%00%00%00%00",
		"action=mfa&code=abcdef", "action=mfa_enroll&code=123456", "action=organization", "action=organization&organization_id=org_nope",
		"action=organization&organization_id=" + emutest.GlobexID, "action=consent&decision=maybe", "action=consent&decision=allow",
		"action=device&decision=allow", "action=device&decision=%ff", "action=device",
	}
	for _, sname := range hostileSorted(surfaces) {
		for _, bname := range hostileSorted(before) {
			for _, form := range hostileForms {
				flow := surfaces[sname]()
				if flow == "" {
					t.Fatalf("%s: no flow", sname)
				}
				if b := before[bname]; b != "" {
					send(hostileCase{name: sname + " " + bname, method: http.MethodPost, target: "/authkit/login", header: formCT,
						body: []byte("flow=" + flow + "&" + b)})
				}
				name := fmt.Sprintf("%s flow, %s, then %q", sname, bname, hostileShort(form))
				send(hostileCase{name: name, method: http.MethodPost, target: "/authkit/login", header: formCT,
					body: []byte("flow=" + flow + "&" + form)})
				send(hostileCase{name: name + ", then the page", method: http.MethodGet, target: "/authkit/login?flow=" + flow + "&screen=%ff"})
				send(hostileCase{name: name + ", flow repeated", method: http.MethodPost, target: "/authkit/login", header: formCT,
					body: []byte("flow=" + flow + "&flow=" + flow + "&" + form)})
			}
		}
		e.reset(t)
	}

	// Interrupted grants, with real pending authentication tokens.
	authn := func(name string, body map[string]any) hostileAnswer {
		body["client_id"], body["client_secret"] = emutest.EnvClientID, emutest.APIKey
		return send(hostileCase{name: name, method: http.MethodPost, target: "/user_management/authenticate", header: jsonCT, body: hostileJSON(body)})
	}
	pending := func(email, password string) string {
		var m map[string]any
		_ = json.Unmarshal(authn("sign in "+email, map[string]any{"grant_type": "password", "email": email, "password": password}).Body, &m)
		tok, _ := m["pending_authentication_token"].(string)
		if tok == "" {
			t.Fatalf("no pending authentication token for %s: %v", email, m)
		}
		return tok
	}
	carol, bob := pending("carol@example.com", "unverified"), pending("bob@example.com", "builder")
	for _, tok := range []string{carol, bob, "", "x", long, "\xff", carol + carol} {
		for _, code := range []string{"", "000000", "1", long, "\x00\x00\x00\x00\x00\x00", "１２３４５６"} {
			authn("email verification "+hostileShort(code), map[string]any{"grant_type": "urn:workos:oauth:grant-type:email-verification:code",
				"pending_authentication_token": tok, "code": code})
			authn("mfa "+hostileShort(code), map[string]any{"grant_type": "urn:workos:oauth:grant-type:mfa-totp",
				"pending_authentication_token": tok, "code": code, "authentication_challenge_id": code})
		}
		for _, org := range []string{"", "org_nope", emutest.AcmeID, emutest.GlobexID + " ", long, "\xff"} {
			authn("organization selection "+hostileShort(org), map[string]any{"grant_type": "urn:workos:oauth:grant-type:organization-selection",
				"pending_authentication_token": tok, "organization_id": org})
		}
	}
	for _, org := range []string{"org_nope", "", long, "\xff", emutest.GlobexID} {
		authn("refresh switching to "+hostileShort(org), map[string]any{"grant_type": "refresh_token", "refresh_token": emutest.AliceRefresh, "organization_id": org})
		e.reset(t)
	}
	for _, dc := range []string{"", "x", long, "\x00"} {
		authn("device poll "+hostileShort(dc), map[string]any{"grant_type": "urn:ietf:params:oauth:grant-type:device_code", "device_code": dc})
		send(hostileCase{name: "connect device poll " + hostileShort(dc), method: http.MethodPost, target: "/oauth2/token", header: formCT,
			body: []byte(url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:device_code"}, "client_id": {emutest.OAuthClientID},
				"client_secret": {emutest.OAuthSecret}, "device_code": {dc}}.Encode())})
	}
	for _, code := range []string{"", "x", long, "\x00"} {
		authn("code "+hostileShort(code), map[string]any{"grant_type": "authorization_code", "code": code, "code_verifier": code})
		send(hostileCase{name: "connect code " + hostileShort(code), method: http.MethodPost, target: "/oauth2/token", header: formCT,
			body: []byte(url.Values{"grant_type": {"authorization_code"}, "client_id": {emutest.OAuthClientID}, "client_secret": {emutest.OAuthSecret},
				"code": {code}, "redirect_uri": {"http://localhost:3000/callback"}, "code_verifier": {code}}.Encode())})
	}
}

// TestHostileFingerprintSees proves the world comparison is not vacuous:
// every kind of write the suite guards against shows in the fingerprint.
func TestHostileFingerprintSees(t *testing.T) {
	t.Parallel()
	key := []string{"Authorization", "Bearer " + emutest.APIKey, "Content-Type", "application/json"}
	for _, c := range []hostileCase{
		{name: "rename a user", method: http.MethodPut, target: "/user_management/users/" + emutest.AliceID, body: []byte(`{"first_name":"Eve"}`)},
		{name: "change a role", method: http.MethodPut, target: "/authorization/roles/member/permissions", body: []byte(`{"permissions":[]}`)},
		{name: "deactivate a membership", method: http.MethodPut, target: "/user_management/organization_memberships/om_01JGHT8E1PNQC34TXMB5F06KZ1/deactivate"},
		{name: "revoke the session", method: http.MethodPost, target: "/user_management/sessions/revoke", body: []byte(`{"session_id":"` + emutest.AliceSession + `"}`)},
		{name: "set the JWT template", method: http.MethodPut, target: "/user_management/jwt_template", body: []byte(`{"content":"{\"a\":\"b\"}"}`)},
		{name: "create a permission", method: http.MethodPost, target: "/authorization/permissions", body: []byte(`{"slug":"x:y","name":"X"}`)},
		{name: "invite", method: http.MethodPost, target: "/user_management/invitations", body: []byte(`{"email":"new@example.com"}`)},
		{name: "enroll a factor", method: http.MethodPost, target: "/user_management/users/" + emutest.BobID + "/auth_factors", body: []byte(`{"type":"totp"}`)},
		{name: "advance the clock", method: http.MethodPost, target: "/_emulator/clock", body: []byte(`{"advance":"1s"}`)},
		{name: "rotate the key", method: http.MethodPost, target: "/_emulator/keys/rotate"},
		{name: "queue a fault", method: http.MethodPost, target: "/_emulator/faults", body: []byte(`{"path":"/x","status":503}`)},
		{name: "send a magic code", method: http.MethodPost, target: "/user_management/magic_auth", body: []byte(`{"email":"alice@example.com"}`)},
	} {
		e := newHostileEnv(t)
		c.header = key
		_, a := e.serve(c)
		if a.Status >= 300 {
			t.Fatalf("%s: %d %s", c.name, a.Status, a.Body)
		}
		if e.fingerprint(t) == e.baseline {
			t.Errorf("%s: the fingerprint did not change", c.name)
		}
	}
}
