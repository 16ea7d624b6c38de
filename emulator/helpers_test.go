package emulator_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// Default-world identities (fixtures/default.yaml).
const (
	envClientID   = "client_01JGG4A9SC2402TR1E5S95RGFY"
	apiKey        = "sk_test_emulator"
	oauthClientID = "client_01JGH0H56WFYWEDS7QGWCX2YT4"
	oauthSecret   = "demo_oauth_secret"
	m2mClientID   = "client_01JGHR9D6MBAZ75T49WTR2HFYK"
	m2mSecret     = "demo_m2m_secret"
	publicClient  = "client_01JGGF0ZHWQV5Y4T95J30VYNGB"
	aliceID       = "user_01JGH00N0CRRAQG5E1V2EYRQ68"
	bobID         = "user_01JGJD97DGZV5Z4G8RCP6SJ6C5"
	acmeID        = "org_01JGJ5PDQQYSQW43DAPDSPEJEY"
	globexID      = "org_01JGHYEQJ3R88ZXE6V4AJ192KN"
	aliceSession  = "session_01JGGMYNRM3S81C9B7Q8ENH12Y"
	aliceRefresh  = "AliceDefaultSessionRefresh1"
)

// t0 is a frozen instant used by tests that need determinism.
var t0 = time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)

type testServer struct {
	*emulator.Server
	URL string
	hs  *httptest.Server
}

// start runs an emulator on a loopback port whose public URL is that port.
func start(t testing.TB, cfg emulator.Config) *testServer {
	t.Helper()
	hs := httptest.NewUnstartedServer(nil)
	u := "http://" + hs.Listener.Addr().String()
	if cfg.PublicURL == "" {
		cfg.PublicURL = u
	}
	srv, err := emulator.New(cfg)
	if err != nil {
		t.Fatalf("emulator.New: %v", err)
	}
	hs.Config.Handler = srv.Handler()
	hs.Start()
	t.Cleanup(hs.Close)
	return &testServer{Server: srv, URL: u, hs: hs}
}

// parse parses inline fixtures or fails the test.
func parse(t testing.TB, yaml string) *fixtures.Set {
	t.Helper()
	set, err := fixtures.Parse([]byte(yaml), "test.yaml")
	if err != nil {
		t.Fatalf("fixtures:\n%v", err)
	}
	return set
}

type response struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r response) json(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("body is not a JSON object (%v): %s", err, r.Body)
	}
	return m
}

// do sends a request through the real handler (router, middleware, error
// renderer), without a socket.
func do(t testing.TB, h http.Handler, method, target string, body io.Reader, header ...string) response {
	t.Helper()
	req := httptest.NewRequest(method, target, body)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return response{rec.Code, rec.Header(), rec.Body.Bytes()}
}

// postForm sends an urlencoded form.
func postForm(t testing.TB, h http.Handler, target string, form url.Values, header ...string) response {
	t.Helper()
	return do(t, h, http.MethodPost, target, strings.NewReader(form.Encode()),
		append([]string{"Content-Type", "application/x-www-form-urlencoded"}, header...)...)
}

// postJSON sends a JSON body.
func postJSON(t testing.TB, h http.Handler, target string, body any, header ...string) response {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	return do(t, h, http.MethodPost, target, strings.NewReader(string(b)), append([]string{"Content-Type", "application/json"}, header...)...)
}

func introspect(t testing.TB, h http.Handler, clientID, secret, token string) map[string]any {
	t.Helper()
	r := postForm(t, h, "/oauth2/introspection", url.Values{"client_id": {clientID}, "client_secret": {secret}, "token": {token}})
	if r.Status != http.StatusOK {
		t.Fatalf("introspection: %d %s", r.Status, r.Body)
	}
	return r.json(t)
}

// wantError checks a JSON error's status and code (OAuth "error" or WorkOS
// "code") and its content type.
func wantError(t testing.TB, r response, status int, code string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %s", r.Status, status, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("Content-Type %q, want application/json", ct)
	}
	m := r.json(t)
	got, _ := m["error"].(string)
	if got == "" {
		got, _ = m["code"].(string)
	}
	if got != code {
		t.Fatalf("error code %q, want %q: %s", got, code, r.Body)
	}
}

func clientCredentials(t testing.TB, h http.Handler, id, secret string, extra url.Values) response {
	t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {id}, "client_secret": {secret}}
	for k, v := range extra {
		form[k] = v
	}
	return postForm(t, h, "/oauth2/token", form)
}
