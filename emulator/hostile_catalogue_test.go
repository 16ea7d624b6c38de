package emulator_test

// The hostile-input suite's catalogue (issue 8): the hostile requests of
// every route (hostileCasesFor), from the plausible parameters of each
// (hostileGood) broken one way at a time, and the forged tokens they carry.
// The checks every answer must pass are in hostile_checks_test.go, the tests
// that send them in hostile_test.go.

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

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
	case "type":
		return "ip_address"
	case "action":
		return "block"
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
	"POST /user_management/users/:id/email_change/send":              {"new_email": "alice.hostile@example.com"},
	"POST /user_management/users/:id/email_change/confirm":           {"code": "123456"},
	"POST /user_management/redirect_uris":                            {"uri": "https://hostile.example.com/callback"},
	"POST /user_management/cors_origins":                             {"origin": "https://hostile.example.com"},
	"POST /authkit/oauth2/complete":                                  {"external_auth_id": "ext_auth_" + hostileULID, "user": map[string]any{"id": "ext-hostile", "email": "hostile@example.com"}},
	"POST /radar/attempts":                                           {"ip_address": "198.51.100.1", "user_agent": "ua", "email": "alice@example.com", "auth_method": "Password", "action": "sign-in"},
	"PUT /radar/attempts/:id":                                        {"attempt_status": "success"},
	"POST /radar/lists/:type/:action":                                {"entry": "198.51.100.1"},
	"DELETE /radar/lists/:type/:action":                              {"entry": "198.51.100.1"},
	"POST /user_management/radar_challenges":                         {"user_id": emutest.AliceID, "pending_authentication_token": "hostilePending", "phone_number": "+15555550123"},
	"PATCH /agents/claims/attempts":                                  {"type": "link_external_user", "claim_attempt_token": "cla_tkn_hostile", "user": map[string]any{"email": "alice@example.com", "external_id": "ext-alice"}},
	"POST /agents/credentials/validate":                              {"type": "api_key", "credential": "sk_agent_hostile"},
	"POST /_emulator/radar":                                          {"verdict": "challenge", "count": 1},
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
