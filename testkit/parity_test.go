package testkit_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/authkit-emulator/authkit-emulator/fixtures"
	"github.com/authkit-emulator/authkit-emulator/testkit"
)

// TestParityWithProcess runs one scenario twice: through the testkit in
// process, and against the authkit-emulator binary over HTTP using only the
// control plane. Same fixtures, same clock, same request sequence: the
// tokens must be byte-identical.
func TestParityWithProcess(t *testing.T) {
	const fixture = "testdata/parity.yaml"
	bin := filepath.Join(t.TempDir(), "authkit-emulator")
	build := exec.Command("go", "build", "-o", bin, "..")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	base := startProcess(t, bin, fixture)

	em := testkit.Start(t, testkit.WithFixtureFile(fixture))
	inProcess := scenario(t, testkitDriver{t: t, em: em})
	overHTTP := scenario(t, httpDriver{t: t, base: base})
	if len(inProcess) != len(overHTTP) {
		t.Fatalf("step counts differ: %d vs %d", len(inProcess), len(overHTTP))
	}
	for i := range inProcess {
		if inProcess[i] != overHTTP[i] {
			t.Errorf("step %d differs:\n testkit %s\n process %s", i, inProcess[i], overHTTP[i])
		}
	}
}

// startProcess runs the binary on a free port and returns its URL, read from
// its startup log line.
func startProcess(t *testing.T, bin, fixture string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "serve", "--fixtures", fixture, "--addr", "127.0.0.1:0", "--log-format", "json")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	t.Cleanup(func() {
		cancel()
		<-done
	})
	addr := make(chan string, 1)
	go func() {
		defer close(done)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			var line struct{ Msg, Addr string }
			if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "authkit-emulator ready" {
				addr <- line.Addr
			}
		}
		_ = cmd.Wait()
	}()
	select {
	case a := <-addr:
		return "http://" + a
	case <-time.After(30 * time.Second):
		t.Fatal("the emulator process did not log its ready line")
	}
	return ""
}

// driver is the control surface a scenario uses.
type driver interface {
	mint(body map[string]any) map[string]any
	advance(d string)
	rotate()
	session(id string) map[string]any
	post(path string, form url.Values) map[string]any
}

func scenario(t *testing.T, d driver) []string {
	const user, org, app = "user_01JPXN6KA7622KJ4VP83X1NTKX", "org_01HRDMC6CM357W30QMHMQ96Q0S", "client_01JP8BD0CZ401TDF9X54NT5ZEK"
	var out []string
	add := func(v any) { b, _ := json.Marshal(v); out = append(out, string(b)) }

	fixtureSession := d.session(fixtureSessionID(t))
	add([]any{fixtureSession["access_token"], fixtureSession["refresh_token"]})
	um := d.mint(map[string]any{"user_id": user, "organization_id": org})
	add([]any{um["access_token"], um["refresh_token"], um["session_id"]})
	add(d.post("/oauth2/token", url.Values{"grant_type": {"client_credentials"}, "client_id": {app}, "client_secret": {"parity_secret"}}))
	d.advance("90s")
	connect := d.mint(map[string]any{"user_id": user, "client_id": app, "family": "connect", "ttl": "10m"})
	add([]any{connect["access_token"], connect["refresh_token"]})
	add(d.post("/oauth2/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {connect["refresh_token"].(string)},
		"client_id": {app}, "client_secret": {"parity_secret"}}))
	d.rotate()
	add(d.mint(map[string]any{"user_id": user, "claims": map[string]any{"plan": "pro"}})["access_token"])
	add(d.mint(map[string]any{"user_id": user, "defect": "expired"})["access_token"])
	return out
}

// fixtureSessionID is the parity world's session id, which the fixture
// omits: it is generated from the seed, the same for every loader.
func fixtureSessionID(t *testing.T) string {
	t.Helper()
	set, err := fixtures.Load("testdata/parity.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return set.Sessions[0].ID
}

type testkitDriver struct {
	t  *testing.T
	em *testkit.Emulator
}

func (d testkitDriver) mint(body map[string]any) map[string]any {
	// The same decoding path as the HTTP route: the testkit is a thin
	// layer, so exercise it through its options.
	opts := []testkit.MintOption{}
	if org, ok := body["organization_id"].(string); ok {
		opts = append(opts, testkit.WithOrganization(org))
	}
	if c, ok := body["client_id"].(string); ok {
		opts = append(opts, testkit.WithClient(c))
	}
	if body["family"] == "connect" {
		opts = append(opts, testkit.Connect())
	}
	if ttl, ok := body["ttl"].(string); ok {
		dur, _ := time.ParseDuration(ttl)
		opts = append(opts, testkit.WithTTL(dur))
	}
	if c, ok := body["claims"].(map[string]any); ok {
		opts = append(opts, testkit.WithClaims(c))
	}
	if body["defect"] == "expired" {
		return map[string]any{"access_token": d.em.MintBadToken(d.t, testkit.Expired, append(opts, testkit.WithUser(body["user_id"].(string)))...)}
	}
	s := d.em.MintSession(d.t, body["user_id"].(string), opts...)
	return map[string]any{"access_token": s.AccessToken, "refresh_token": s.RefreshToken, "session_id": s.SessionID}
}
func (d testkitDriver) advance(s string) { dur, _ := time.ParseDuration(s); d.em.Clock().Advance(dur) }
func (d testkitDriver) rotate()          { d.em.RotateKey(d.t) }
func (d testkitDriver) session(id string) map[string]any {
	s := d.em.Session(d.t, id)
	return map[string]any{"access_token": s.AccessToken, "refresh_token": s.RefreshToken}
}
func (d testkitDriver) post(path string, form url.Values) map[string]any {
	return postTo(d.t, d.em.URL()+path, form)
}

type httpDriver struct {
	t    *testing.T
	base string
}

func (d httpDriver) control(method, path string, body any) map[string]any {
	d.t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, d.base+path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		d.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		d.t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, data)
	}
	var m map[string]any
	_ = json.Unmarshal(data, &m)
	return m
}
func (d httpDriver) mint(body map[string]any) map[string]any {
	return d.control("POST", "/_emulator/tokens", body)
}
func (d httpDriver) advance(s string) {
	d.control("POST", "/_emulator/clock", map[string]any{"advance": s})
}
func (d httpDriver) rotate() { d.control("POST", "/_emulator/keys/rotate", nil) }
func (d httpDriver) session(id string) map[string]any {
	return d.control("GET", "/_emulator/sessions/"+id, nil)
}
func (d httpDriver) post(path string, form url.Values) map[string]any {
	return postTo(d.t, d.base+path, form)
}

func postTo(t *testing.T, u string, form url.Values) map[string]any {
	t.Helper()
	resp, err := http.PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil || resp.StatusCode != 200 {
		t.Fatalf("POST %s: %d %v %v", u, resp.StatusCode, err, m)
	}
	return m
}
