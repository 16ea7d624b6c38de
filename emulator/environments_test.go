package emulator_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// newEnv creates an environment over the control plane and returns its
// credentials.
func newEnv(t *testing.T, srv *emutest.Server, body string) emulator.EnvironmentInfo {
	t.Helper()
	res := srv.Do(t, http.MethodPost, "/_emulator/environments", strings.NewReader(body), "Content-Type", "application/json")
	var info emulator.EnvironmentInfo
	if res.Status != http.StatusCreated || json.Unmarshal(res.Body, &info) != nil {
		t.Fatalf("create environment: %d %s", res.Status, res.Body)
	}
	return info
}

func apiAs(t *testing.T, srv *emutest.Server, key, method, path string, body any) emutest.Response {
	t.Helper()
	var b []byte
	if body != nil {
		b, _ = json.Marshal(body)
	}
	return srv.Do(t, method, path, strings.NewReader(string(b)), "Authorization", "Bearer "+key, "Content-Type", "application/json")
}

// Two environments and the default one share a process and nothing else:
// credentials, users, events, clocks and tokens are each their own.
func TestEnvironmentsAreIsolated(t *testing.T) {
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	a := newEnv(t, srv, `{}`)
	b := newEnv(t, srv, `{"clock":"2030-01-01T00:00:00Z"}`)
	if a.ClientID == b.ClientID || a.APIKey == b.APIKey || a.ClientID == emutest.EnvClientID || a.APIKey == emutest.APIKey {
		t.Fatalf("credentials are not their own: %+v %+v", a, b)
	}
	if a.URL != emulator.DefaultPublicURL+"/env/"+a.ID || a.Issuer != a.URL || a.UserManagementIssuer != a.URL+"/user_management/"+a.ClientID {
		t.Fatalf("URLs: %+v", a)
	}

	emutest.WantJSON(t, apiAs(t, srv, a.APIKey, http.MethodPost, "/user_management/users", map[string]any{"email": "only-a@example.com"}), http.StatusCreated)
	for name, key := range map[string]string{"b": b.APIKey, "default": emutest.APIKey} {
		list := emutest.WantJSON(t, apiAs(t, srv, key, http.MethodGet, "/user_management/users?email=only-a@example.com", nil), http.StatusOK)
		if n := len(list["data"].([]any)); n != 0 {
			t.Errorf("environment %s sees a's user", name)
		}
	}
	// The loaded fixtures are in every environment.
	emutest.WantJSON(t, apiAs(t, srv, b.APIKey, http.MethodGet, "/user_management/users/"+emutest.AliceID, nil), http.StatusOK)
	// An environment's key is not the default's, nor the other's.
	emutest.WantError(t, apiAs(t, srv, a.APIKey+"x", http.MethodGet, "/organizations", nil), http.StatusUnauthorized, "unauthorized")

	// Each has its own event log and clock.
	evA := emutest.WantJSON(t, apiAs(t, srv, a.APIKey, http.MethodGet, "/events", nil), http.StatusOK)["data"].([]any)
	evB := emutest.WantJSON(t, apiAs(t, srv, b.APIKey, http.MethodGet, "/events", nil), http.StatusOK)["data"].([]any)
	if len(evA) != 1 || len(evB) != 0 {
		t.Errorf("events: a %d, b %d", len(evA), len(evB))
	}
	clock := emutest.WantJSON(t, srv.Do(t, http.MethodGet, "/env/"+b.ID+"/_emulator/clock", nil), http.StatusOK)
	if clock["now"] != "2030-01-01T00:00:00Z" {
		t.Errorf("b's clock: %v", clock)
	}
	if srv.Clock().Now() != emutest.T0 {
		t.Errorf("the default clock moved: %v", srv.Clock().Now())
	}

	// A sign-in in a: its client id, its key, its issuer; the token is
	// active in a and unknown elsewhere.
	res := srv.PostJSON(t, "/user_management/authenticate", map[string]any{"grant_type": "password", "client_id": a.ClientID,
		"client_secret": a.APIKey, "email": "alice@example.com", "password": "wonderland"})
	signed := emutest.SignedIn(t, res)
	claims := emutest.Claims(t, signed["access_token"].(string))
	if claims["iss"] != a.UserManagementIssuer {
		t.Errorf("iss %v, want %s", claims["iss"], a.UserManagementIssuer)
	}
	introspect := func(clientID, secret string) any {
		r := srv.PostForm(t, "/oauth2/introspection", url.Values{"client_id": {clientID}, "client_secret": {secret}, "token": {signed["access_token"].(string)}})
		return emutest.WantJSON(t, r, http.StatusOK)["active"]
	}
	if introspect(a.ClientID, a.APIKey) != true || introspect(emutest.EnvClientID, emutest.APIKey) != false || introspect(b.ClientID, b.APIKey) != false {
		t.Error("a's token is not active in a alone")
	}
}

// The path prefix is an environment's issuer: discovery, the JWKS and the
// tokens verify with go-oidc against it, and hosted pages stay inside it.
func TestEnvironmentPrefixWithRealClients(t *testing.T) {
	srv := emutest.Start(t, emulator.Config{})
	a := newEnv(t, srv, `{}`)
	if !strings.HasPrefix(a.URL, srv.URL+"/env/") {
		t.Fatalf("URL %s", a.URL)
	}
	ctx := oidc.ClientContext(context.Background(), srv.Client)
	provider, err := oidc.NewProvider(ctx, a.Issuer)
	if err != nil {
		t.Fatalf("discovery through the prefix: %v", err)
	}
	var meta struct {
		JWKS  string `json:"jwks_uri"`
		Token string `json:"token_endpoint"`
	}
	_ = provider.Claims(&meta)
	if !strings.HasPrefix(meta.JWKS, a.URL) || !strings.HasPrefix(meta.Token, a.URL) {
		t.Errorf("discovery points outside the environment: %+v", meta)
	}

	// Headless hosted sign-in: the redirects stay under the prefix.
	q := url.Values{"client_id": {a.ClientID}, "redirect_uri": {emutest.AppCallback}, "response_type": {"code"},
		"provider": {"authkit"}, "login_hint": {"alice@example.com"}, "auto_login": {"true"}, "state": {"s"}}
	br := emutest.NewBrowser(t, srv, emutest.AppCallback)
	code := emutest.CallbackParams(t, br.Visit("/user_management/authorize?"+q.Encode())).Get("code")
	res := srv.PostJSON(t, "/user_management/authenticate", map[string]any{"grant_type": "authorization_code", "client_id": a.ClientID,
		"client_secret": a.APIKey, "code": code})
	signed := emutest.SignedIn(t, res)
	keySet := oidc.NewRemoteKeySet(ctx, a.JWKSURL)
	verifier := oidc.NewVerifier(a.UserManagementIssuer, keySet, &oidc.Config{SkipClientIDCheck: true})
	if _, err := verifier.Verify(ctx, signed["access_token"].(string)); err != nil {
		t.Errorf("the environment's token does not verify with its JWKS: %v", err)
	}

	// The default environment does not know a's code.
	res = srv.PostJSON(t, "/user_management/authenticate", map[string]any{"grant_type": "authorization_code", "client_id": emutest.EnvClientID,
		"client_secret": emutest.APIKey, "code": code})
	emutest.WantError(t, res, http.StatusBadRequest, "invalid_grant")
}

// A posted world, deletion, and the errors.
func TestEnvironmentLifecycle(t *testing.T) {
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	info := newEnv(t, srv, `{"fixtures": "users: [{email: solo@example.com}]\n"}`)
	users := emutest.WantJSON(t, apiAs(t, srv, info.APIKey, http.MethodGet, "/user_management/users", nil), http.StatusOK)["data"].([]any)
	if len(users) != 1 || users[0].(map[string]any)["email"] != "solo@example.com" {
		t.Fatalf("posted world: %v", users)
	}
	list := emutest.WantJSON(t, srv.Do(t, http.MethodGet, "/_emulator/environments", nil), http.StatusOK)["data"].([]any)
	if len(list) != 1 || list[0].(map[string]any)["id"] != info.ID {
		t.Errorf("list: %v", list)
	}
	res := srv.Do(t, http.MethodPost, "/_emulator/environments", strings.NewReader(`{"fixtures":"users: [{email: 1}]"}`), "Content-Type", "application/json")
	emutest.WantError(t, res, http.StatusUnprocessableEntity, "invalid_fixtures")
	if res := srv.Do(t, http.MethodDelete, "/_emulator/environments/"+info.ID, nil); res.Status != http.StatusNoContent {
		t.Fatalf("delete: %d %s", res.Status, res.Body)
	}
	emutest.WantError(t, srv.Do(t, http.MethodGet, "/env/"+info.ID+"/oauth2/jwks", nil), http.StatusNotFound, "environment_not_found")
	emutest.WantError(t, apiAs(t, srv, info.APIKey, http.MethodGet, "/user_management/users", nil), http.StatusUnauthorized, "unauthorized")
	emutest.WantError(t, srv.Do(t, http.MethodDelete, "/_emulator/environments/"+info.ID, nil), http.StatusNotFound, "entity_not_found")
}

// The Go API: an environment's view acts on it alone.
func TestEnvironmentViewGoAPI(t *testing.T) {
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	view, err := srv.NewEnvironment(emulator.EnvironmentOptions{})
	if err != nil {
		t.Fatal(err)
	}
	minted, err := view.Mint(context.Background(), emulator.MintRequest{UserID: emutest.AliceID})
	if err != nil {
		t.Fatal(err)
	}
	if view.Introspect(minted.AccessToken)["active"] != true || srv.Introspect(minted.AccessToken)["active"] != false {
		t.Error("a token minted in the view is not the view's alone")
	}
	view.Clock().Advance(time.Hour)
	if srv.Clock().Now() != emutest.T0 {
		t.Error("the view's clock is the default's")
	}
	if srv.Environment(view.EnvironmentID()) == nil || len(srv.Environments()) != 1 {
		t.Error("the environment is not listed")
	}
}

// BenchmarkNewEnvironment measures creating an environment from the loaded
// fixtures (target: at most 1 ms) and the memory an idle one holds
// (target: at most 200 KB), reported as bytes/env.
func BenchmarkNewEnvironment(b *testing.B) {
	srv := emutest.New(b, emulator.Config{})
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	n := 0
	for b.Loop() {
		if _, err := srv.NewEnvironment(emulator.EnvironmentOptions{}); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.StopTimer()
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/float64(n), "bytes/env")
	if testing.Verbose() {
		fmt.Println(n, "environments")
	}
}

// Fixture sessions' access tokens are signed on first use; whenever that
// is, they are the same bytes, they introspect active, and a refresh that
// came first makes them the session's previous token, as an eager reset
// would.
func TestDeferredFixtureTokens(t *testing.T) {
	eager := emutest.New(t, emulator.Config{Clock: emutest.T0})
	first, err := eager.Session(emutest.AliceSession)
	if err != nil || first.AccessToken == "" {
		t.Fatalf("session: %v %+v", err, first)
	}
	// A fresh server: introspect the same token before anything signed it.
	lazy := emutest.New(t, emulator.Config{Clock: emutest.T0})
	if lazy.Introspect(first.AccessToken)["active"] != true {
		t.Fatal("a fixture token presented before it was signed is not active")
	}
	// Another fresh server: refresh first, then look at the session.
	other := emutest.New(t, emulator.Config{Clock: emutest.T0})
	res := other.Authenticate(t, map[string]any{"grant_type": "refresh_token", "refresh_token": emutest.AliceRefresh})
	emutest.SignedIn(t, res)
	info, err := other.Session(emutest.AliceSession)
	if err != nil {
		t.Fatal(err)
	}
	if info.AccessToken != "" {
		t.Errorf("after a refresh the session still shows the fixture token")
	}
	if other.Introspect(first.AccessToken)["active"] != true {
		t.Error("the fixture token signed after a refresh is not active until it expires")
	}
}
