package emulator_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// fuzzWriteRoutes are the POST, PUT and PATCH routes of the WorkOS API, in
// route-table order: the targets of FuzzJSONBodies.
func fuzzWriteRoutes(srv *emulator.Server) []emulator.Route {
	var out []emulator.Route
	for _, rt := range srv.Routes() {
		if rt.Group == "WorkOS API" && hostileBodyMethod(rt.Method) {
			out = append(out, rt)
		}
	}
	return out
}

// fuzzContentTypes are the encodings a fuzzed body is sent with.
var fuzzContentTypes = []string{"application/json", "application/x-www-form-urlencoded", "", "text/plain", "application/json; charset=utf-8"}

// FuzzJSONBodies sends fuzzed bodies to the write routes of the management
// API (a route picked by index, with the API key), as JSON, a form, or
// without a content type. Properties: never a 5xx; every answer JSON, errors
// in the WorkOS shape (or the OAuth one at /user_management/authenticate);
// a 201 is a WorkOS object (its "object" member set) or an envelope of
// them; a 200 to an update is the updated object; a rejected request leaves
// the world unchanged, a successful one is undone before the next input.
func FuzzJSONBodies(f *testing.F) {
	e := newHostileEnv(f)
	routes := fuzzWriteRoutes(e.srv)
	if len(routes) == 0 {
		f.Fatal("no write routes")
	}
	for i, rt := range routes {
		good := hostileGood[rt.Method+" "+rt.Path]
		if good == nil {
			good = map[string]any{}
		}
		f.Add(uint8(i), hostileJSON(good), uint8(0))
		f.Add(uint8(i), []byte(hostileEncodeForm(good)), uint8(1))
	}
	for _, body := range []string{"", "{}", "{", "null", "[]", `{"email":1}`, `{"metadata":{"a":null,"b":1}}`,
		`{"domain_data":[{"domain":"x.test","state":"bogus"}],"name":"X"}`, `{"role_slugs":["admin","nope"]}`, "a=%zz", "\xff"} {
		f.Add(uint8(0), []byte(body), uint8(0))
	}
	f.Fuzz(func(t *testing.T, route uint8, body []byte, ct uint8) {
		rt := routes[int(route)%len(routes)]
		c := hostileCase{name: "fuzz", method: rt.Method, target: hostilePath(rt.Path), body: body,
			header: []string{"Authorization", "Bearer " + emutest.APIKey}}
		if mt := fuzzContentTypes[int(ct)%len(fuzzContentTypes)]; mt != "" {
			c.header = append(c.header, "Content-Type", mt)
		}
		req, a := e.serve(c)
		problems := hostileProblems(req, a)
		if a.Status >= 200 && a.Status < 300 && len(a.Body) > 0 {
			if p := fuzzObjectProblem(rt, a); p != "" {
				problems = append(problems, p)
			}
		}
		if a.Status >= 400 {
			if q := e.quickPrint(); q != e.quick {
				problems = append(problems, "the rejected request changed the world:\n"+hostileDiff(e.quick, q))
			} else if hostileMayWrite(req, a) {
				if fp := e.fingerprint(t); fp != e.baseline {
					problems = append(problems, "the rejected request changed the world:\n"+hostileDiff(e.baseline, fp))
				}
			}
		}
		if len(problems) > 0 || (a.Status >= 200 && a.Status < 300) {
			e.reset(t)
		}
		if len(problems) > 0 {
			t.Fatalf("%s %s\n%s\n- %v", rt.Method, rt.Path, hostileDescribe(c, req, a), problems)
		}
	})
}

// fuzzObjectProblem checks a successful write's body: creates (201) answer
// a WorkOS object or an envelope of them (or a minted token), updates (PUT,
// PATCH) the object.
func fuzzObjectProblem(rt emulator.Route, a hostileAnswer) string {
	var m map[string]any
	if err := json.Unmarshal(a.Body, &m); err != nil {
		return "" // not an object: hostileProblems judged the JSON already
	}
	isObject := func(v any) bool {
		o, ok := v.(map[string]any)
		s, _ := o["object"].(string)
		return ok && s != ""
	}
	envelope := len(m) > 0
	for _, v := range m {
		envelope = envelope && isObject(v)
	}
	// The widget and Client API tokens are answered as {"token": ...}, as
	// the spec has them.
	_, token := m["token"].(string)
	token = token && len(m) == 1
	switch {
	case a.Status == http.StatusCreated && !isObject(m) && !envelope && !token:
		return `a 201 whose body is neither a WorkOS object (with "object") nor an envelope of them`
	case a.Status == http.StatusOK && (rt.Method == http.MethodPut || rt.Method == http.MethodPatch) && !isObject(m):
		return `an update answered 200 without the object (no "object" member)`
	}
	return ""
}
