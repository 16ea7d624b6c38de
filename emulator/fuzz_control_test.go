package emulator_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// fuzzControlRoutes are the control-plane writes FuzzControl fuzzes.
var fuzzControlRoutes = []string{"/_emulator/clock", "/_emulator/tokens", "/_emulator/faults", "/_emulator/fixtures"}

// fuzzControlTypes are the content types a fuzzed control body is sent with.
var fuzzControlTypes = []string{"application/json", "", "application/yaml", "text/plain", "application/x-www-form-urlencoded"}

// FuzzControl sends fuzzed bodies to POST /_emulator/clock, /tokens,
// /faults and /fixtures. Properties: never a 5xx; a success or a 400, 409,
// 413, 415 or 422 JSON error in the WorkOS shape; a rejected request
// changes nothing; /_emulator/health answers 200 after every request; and
// each success does what it says: the clock answers the state GET
// /_emulator/clock then reports, a minted token without a defect
// introspects active, an added fault is listed, added fixtures report their
// counts. A request that succeeded is undone (reset) before the next input.
func FuzzControl(f *testing.F) {
	e := newHostileEnv(f)
	seeds := [][]string{
		{`{"set":"2026-01-15T12:00:00Z"}`, `{"advance":"90s"}`, `{"real":true}`, `{"advance":"-1h"}`, `{"set":"9999-12-31T23:59:59Z"}`,
			`{"advance":"2562047h"}`, `{"set":"0001-01-01T00:00:00Z"}`, `{"set":"x","advance":"1s"}`, `{}`, `{"advance":1}`},
		{`{"user_id":"` + emutest.AliceID + `","organization_id":"` + emutest.AcmeID + `","ttl":"10m","claims":{"tier":"gold"}}`,
			`{"client_id":"` + emutest.M2MClientID + `"}`, `{"user_id":"` + emutest.AliceID + `","defect":"alg_none"}`,
			`{"user_id":"` + emutest.AliceID + `","family":"connect","client_id":"` + emutest.OAuthClientID + `","scopes":["openid"]}`,
			`{"user_id":"` + emutest.AliceID + `","ttl":"1ns"}`, `{"user_id":"` + emutest.AliceID + `","defect":"missing_claim","claim":"sub"}`,
			`{"user_id":"` + emutest.AliceID + `","session_id":"` + emutest.AliceSession + `"}`, `{"user_id":"` + emutest.AliceID + `","claims":{"exp":1}}`},
		{`{"method":"GET","path":"/oauth2/jwks","status":503,"count":1}`, `{"path":"/x/**","status":0,"delay":"1ms"}`,
			`{"path":"/_emulator/health","status":500}`, `{"path":"/x","status":429,"body":{"a":1}}`, `{"path":"/x","status":200,"body":"not json"}`,
			`{"path":"/x","status":503,"delay":"2m"}`, `{"path":"x","status":503}`},
		{"users:\n  - email: fuzz@example.com\n", `{"users":[{"email":"json@example.com"}]}`,
			"environment:\n  client_id: client_x\n", "users: [{email: alice@example.com}]\n", "organizations: [{name: Fuzz, domains: [acme.test]}]\n",
			"sessions: [{user_email: bob@example.com, organization_id: " + emutest.AcmeID + "}]\n", "a: &a [*a]\n", "users: [{email: x}]\nusers: []\n"},
	}
	for i, bodies := range seeds {
		for _, b := range bodies {
			f.Add(uint8(i), []byte(b), uint8(0))
		}
	}
	f.Add(uint8(3), []byte("users:\n  - email: yaml@example.com\n"), uint8(2))
	f.Add(uint8(0), []byte("set=2026-01-15T12:00:00Z"), uint8(4))
	f.Fuzz(func(t *testing.T, route uint8, body []byte, ct uint8) {
		path := fuzzControlRoutes[int(route)%len(fuzzControlRoutes)]
		c := hostileCase{name: "fuzz", method: http.MethodPost, target: path, body: body}
		if mt := fuzzControlTypes[int(ct)%len(fuzzControlTypes)]; mt != "" {
			c.header = []string{"Content-Type", mt}
		}
		req, a := e.serve(c)
		problems := hostileProblems(req, a)
		switch {
		case a.Status >= 200 && a.Status < 300:
			if p := fuzzControlEffect(t, e, path, a); p != "" {
				problems = append(problems, p)
			}
		case !slices.Contains([]int{400, 409, 413, 415, 422}, a.Status):
			problems = append(problems, fmt.Sprintf("status %d, want a success or 400/409/413/415/422", a.Status))
		default:
			if q := e.quickPrint(); q != e.quick {
				problems = append(problems, "the rejected request changed the world:\n"+hostileDiff(e.quick, q))
			} else if path == "/_emulator/fixtures" && e.fingerprint(t) != e.baseline {
				fp := e.fingerprint(t)
				problems = append(problems, "the rejected request changed the world:\n"+hostileDiff(e.baseline, fp))
			}
		}
		if h := e.get("/_emulator/health"); h.Status != http.StatusOK {
			problems = append(problems, fmt.Sprintf("health answered %d afterwards", h.Status))
		}
		if a.Status < 300 || len(problems) > 0 {
			e.reset(t)
			if q := e.quickPrint(); q != e.quick {
				problems = append(problems, "reset did not restore the loaded world:\n"+hostileDiff(e.quick, q))
			}
		}
		if len(problems) > 0 {
			t.Fatalf("%s\n- %s", hostileDescribe(c, req, a), strings.Join(problems, "\n- "))
		}
	})
}

// fuzzControlEffect checks that a successful control request did what it
// answered.
func fuzzControlEffect(t *testing.T, e *hostileEnv, path string, a hostileAnswer) string {
	var m map[string]any
	if err := json.Unmarshal(a.Body, &m); err != nil {
		return "a success without a JSON object body"
	}
	switch path {
	case "/_emulator/clock":
		now, _ := m["now"].(string)
		at, err := time.Parse(time.RFC3339Nano, now)
		if err != nil || m["unix"] != float64(at.Unix()) {
			return fmt.Sprintf("clock answer %s: now is not RFC 3339 or unix disagrees", a.Body)
		}
		if frozen := m["frozen"] == true; frozen && !e.srv.Clock().Now().Equal(at) {
			return fmt.Sprintf("clock answered %s but the instance clock says %s", now, e.srv.Clock().Now().Format(time.RFC3339Nano))
		}
	case "/_emulator/tokens":
		tok, _ := m["access_token"].(string)
		if tok == "" {
			return "a minted token answer without access_token"
		}
		if _, bad := m["defect"]; bad {
			if got := e.srv.Introspect(tok); got["active"] != false {
				return fmt.Sprintf("a defective token introspects %v", got)
			}
			return ""
		}
		exp, _ := m["expires_in"].(float64)
		if got := e.srv.Introspect(tok); exp > 0 && got["active"] != true {
			return fmt.Sprintf("a freshly minted token (expires_in %v) introspects %v", exp, got)
		}
		if exp <= 0 {
			return fmt.Sprintf("minted a token that is dead on arrival: expires_in %v", m["expires_in"])
		}
	case "/_emulator/faults":
		id, _ := m["id"].(string)
		listed := false
		for _, f := range e.srv.Faults() {
			listed = listed || f.ID == id
		}
		if !listed {
			return fmt.Sprintf("fault %q answered but not listed", id)
		}
	case "/_emulator/fixtures":
		if _, ok := m["added"].(map[string]any); !ok {
			return "added fixtures without their counts"
		}
	}
	return ""
}
