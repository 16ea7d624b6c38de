package emulator

// The route table against WorkOS's OpenAPI spec (reference/workos-openapi.yaml):
// every spec operation is either served or answers a 501 that names it,
// every WorkOS API route the emulator serves is a spec operation, and the
// generated spec.Operations table is current.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/spec"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
)

// routesNotInSpec are WorkOS API routes the emulator serves although the
// spec lacks them, each with the reason it is not an invented path.
var routesNotInSpec = map[string]string{
	"GET /organizations/{}/roles": "the legacy organization roles list: workos-node's organizations.listOrganizationRoles calls GET /organizations/{organizationId}/roles",
	"GET /authorization/resources/{}/organization_memberships/{}/permissions": "effective permissions: workos-node 11's authorization.listEffectivePermissions calls this path, not the spec's /authorization/organization_memberships/{id}/resources/{resource_id}/permissions",
}

// notWorkOSAPI reports the routes that are not WorkOS API paths: the
// AuthKit domain (OAuth/OIDC, hosted pages) and the control plane.
func notWorkOSAPI(path string) bool {
	// /audit-log-exports/ serves the presigned export downloads (WorkOS's
	// are on a storage host, not the API).
	for _, p := range []string{"/oauth2/", "/.well-known/", "/authkit/", "/_emulator", "/favicon.ico", "/idp/", "/admin-portal", "/audit-log-exports/"} {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	return path == "/device"
}

// routeShape reduces /users/:id and /users/{id} to /users/{}.
func routeShape(method, path string) string {
	segs := strings.Split(path, "/")
	for i, s := range segs {
		if strings.HasPrefix(s, ":") || strings.HasPrefix(s, "{") {
			segs[i] = "{}"
		}
	}
	return method + " " + strings.Join(segs, "/")
}

// servedShapes is the route table, as shapes.
func servedShapes(t *testing.T) map[string]bool {
	t.Helper()
	s, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, r := range s.Routes() {
		out[routeShape(r.Method, r.Path)] = true
	}
	return out
}

// Default-world objects, to fill path placeholders with ids that exist.
const (
	rsAlice   = "user_01JGH00N0CRRAQG5E1V2EYRQ68"
	rsAcme    = "org_01JGJ5PDQQYSQW43DAPDSPEJEY"
	rsAliceOM = "om_01JGFNY450V3KH57A74VCB7E15"
)

// samplePath fills an operation's placeholders with plausible values,
// chosen from the segment before each (users/{x} -> Alice's id).
func samplePath(tpl string) string {
	segs := strings.Split(tpl, "/")
	for i, s := range segs {
		if !strings.HasPrefix(s, "{") {
			continue
		}
		prev := ""
		if i > 0 {
			prev = segs[i-1]
		}
		switch prev {
		case "users":
			segs[i] = rsAlice
		case "organizations":
			segs[i] = rsAcme
		case "organization_memberships":
			segs[i] = rsAliceOM
		case "roles":
			segs[i] = "admin"
		case "permissions":
			segs[i] = "users:read"
		case "jwks":
			segs[i] = "client_01JGG4A9SC2402TR1E5S95RGFY"
		default:
			segs[i] = "sample_01JGK40000000000000000ZZZZ"
		}
	}
	return strings.Join(segs, "/")
}

// TestSpecOperationsServedOr501 sends every operation of the spec, with a
// valid API key, to a default-world emulator. A served operation reaches
// its handler: never the router's 404 (code not_found), a 405 or a 501, nor
// a 5xx (a 404 entity_not_found for an object the default world lacks is
// the handler's answer). Any other operation answers 501 not_implemented
// naming its method and spec path, after the API-key check.
func TestSpecOperationsServedOr501(t *testing.T) {
	t.Parallel()
	served := servedShapes(t)
	shared, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	var nServed, n501 int
	defer func() { t.Logf("%d spec operations: %d served, %d answer 501", len(spec.Operations), nServed, n501) }()
	for _, op := range spec.Operations {
		path := samplePath(op.Path)
		isServed := served[routeShape(op.Method, op.Path)]
		h := shared.Handler()
		if isServed { // a fresh world: deleting Acme must not change what the next operation sees
			s, err := New(Config{})
			if err != nil {
				t.Fatal(err)
			}
			h = s.Handler()
		}
		status, body := routeProbe(h, op.Method, path, true)
		var got struct{ Code, Message, Error string }
		_ = json.Unmarshal(body, &got)
		where := fmt.Sprintf("%s %s (%s, as %s)", op.Method, op.Path, op.ID, path)
		switch {
		case isServed:
			nServed++
			// A handler's 404 is entity_not_found, or Vault's {"error": ...}.
			if (status == http.StatusNotFound && got.Code != web.CodeNotFound && got.Error == "") || status == http.StatusMethodNotAllowed ||
				status == http.StatusNotImplemented || status >= 500 {
				t.Errorf("%s is in the route table but answers %d: %s", where, status, body)
			}
		case status != http.StatusNotImplemented:
			t.Errorf("%s is not emulated and answers %d, want 501: %s", where, status, body)
		default:
			n501++
			if got.Code != web.CodeNotImplemented || !strings.Contains(got.Message, op.Method+" "+op.Path) {
				t.Errorf("%s: the 501 does not name the operation: %s", where, body)
			}
			if st, _ := routeProbe(h, op.Method, path, false); op.Auth && st != http.StatusUnauthorized {
				t.Errorf("%s: without the API key answers %d, want 401", where, st)
			}
		}
	}
}

// routeProbe sends one request (a JSON {} body for writes).
func routeProbe(h http.Handler, method, path string, key bool) (int, []byte) {
	var req *http.Request
	if method == http.MethodPost || method == http.MethodPut || method == http.MethodPatch {
		req = httptest.NewRequest(method, path, strings.NewReader("{}"))
		req.Header.Set("Content-Type", "application/json")
	} else {
		req = httptest.NewRequest(method, path, nil)
	}
	if key {
		req.Header.Set("Authorization", "Bearer sk_test_emulator")
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.Bytes()
}

// TestRoutesAreSpecOperations: every WorkOS API route the emulator serves is
// an operation of the spec (or in routesNotInSpec, with its reason), so the
// emulator does not invent API paths.
func TestRoutesAreSpecOperations(t *testing.T) {
	t.Parallel()
	inSpec := map[string]bool{}
	for _, op := range spec.Operations {
		inSpec[routeShape(op.Method, op.Path)] = true
	}
	s, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	var invented []string
	used := map[string]bool{}
	for _, r := range s.Routes() {
		shape := routeShape(r.Method, r.Path)
		switch {
		case notWorkOSAPI(r.Path) || inSpec[shape]:
		case routesNotInSpec[shape] != "":
			used[shape] = true
		default:
			invented = append(invented, r.Method+" "+r.Path)
		}
	}
	if len(invented) > 0 {
		t.Errorf("routes of the WorkOS API not in the spec (a typo, or an invented path?):\n\t%s", strings.Join(invented, "\n\t"))
	}
	for shape := range routesNotInSpec {
		if !used[shape] {
			t.Errorf("routesNotInSpec lists %s, which is no longer served (or is now in the spec): remove it", shape)
		}
	}
}

// TestSpecOperationsTableIsCurrent compares spec_operations.go (go generate)
// with reference/workos-openapi.yaml: method, path, operationId and whether
// the API key is required.
func TestSpecOperationsTableIsCurrent(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("../reference/workos-openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Security []map[string][]string           `yaml:"security"`
		Paths    map[string]map[string]yaml.Node `yaml:"paths"`
	}
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Security) == 0 {
		t.Fatal("the spec has no default security: the Auth rule below (absent security = the default) no longer holds")
	}
	row := func(op spec.Operation) string {
		return fmt.Sprintf("{%q, %q, %q, %v}", op.Method, op.Path, op.ID, op.Auth)
	}
	want := map[string]bool{}
	for path, ops := range doc.Paths {
		for method, node := range ops {
			m := strings.ToUpper(method)
			switch m {
			case "GET", "POST", "PUT", "PATCH", "DELETE":
			case "HEAD", "OPTIONS", "TRACE":
				t.Errorf("%s %s: spec.Operations has no room for %s", m, path, m)
				continue
			default:
				continue // parameters, summary, ...
			}
			var op struct {
				ID       string                 `yaml:"operationId"`
				Security *[]map[string][]string `yaml:"security"`
			}
			if err := node.Decode(&op); err != nil {
				t.Fatalf("%s %s: %v", m, path, err)
			}
			auth := op.Security == nil || len(*op.Security) > 0
			want[row(spec.Operation{Method: m, Path: path, ID: op.ID, Auth: auth})] = true
		}
	}
	got := map[string]bool{}
	for _, op := range spec.Operations {
		got[row(op)] = true
	}
	var missing, extra []string
	for r := range want {
		if !got[r] {
			missing = append(missing, r)
		}
	}
	for r := range got {
		if !want[r] {
			extra = append(extra, r)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing)+len(extra) > 0 {
		t.Errorf("spec_operations.go is stale (run go generate ./emulator):\nin the spec, not in the table:\n\t%s\nin the table, not in the spec:\n\t%s",
			strings.Join(missing, "\n\t"), strings.Join(extra, "\n\t"))
	}
	if len(got) != len(spec.Operations) {
		t.Errorf("spec.Operations has %d rows for %d distinct operations: duplicates", len(spec.Operations), len(got))
	}
}
