// Package testkit runs a private authkit-emulator inside a Go test: a
// WorkOS AuthKit on a random loopback port, with helpers to mint tokens,
// move the clock, script failures, inspect requests and reset.
//
//	em := testkit.Start(t)                        // default world, shut down by t.Cleanup
//	tok := em.MintAccessToken(t, userID, testkit.WithOrganization(orgID))
//	em.Clock().Advance(10 * time.Minute)
//	em.CheckInactive(t, tok)
//
// Every Emulator is independent (its own clock, keys, state and seeded
// randomness), so parallel tests never share a world. The testkit calls the
// same operations as the HTTP control plane (/_emulator/*), so a scenario
// written here can be replayed against the container with curl.
package testkit

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// T is what the helpers need of a test: *testing.T and *testing.B satisfy
// it, and so can a stand-in outside tests (as in the Examples).
type T interface {
	Helper()
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
}

// Emulator is a running emulator instance for one test.
type Emulator struct {
	srv       *emulator.Server
	hs        *httptest.Server
	url       string
	closeOnce sync.Once
	webhooks  *webhookRouter
	// parent is the emulator an environment's view was made from ("nil"
	// for an emulator of its own): closing a view drops the environment.
	parent *Emulator
}

// Option configures Start and New.
type Option func(*options)

type options struct {
	files     []string
	yaml      []string
	clock     time.Time
	seed      *int64
	issuer    string
	logger    *slog.Logger
	ctlToken  string
	noControl bool
}

// WithFixtureFile loads fixtures from files or directories (merged in the
// order given) instead of the embedded default world.
func WithFixtureFile(paths ...string) Option {
	return func(o *options) { o.files = append(o.files, paths...) }
}

// WithFixtures loads fixtures from inline YAML (or JSON). Combined with
// WithFixtureFile, the documents are merged after the files.
func WithFixtures(yaml string) Option { return func(o *options) { o.yaml = append(o.yaml, yaml) } }

// WithClock starts the instance clock frozen at t (it moves only with
// Clock().Advance/Set); the default is the fixture's clock, else real time.
func WithClock(t time.Time) Option { return func(o *options) { o.clock = t } }

// WithSeed seeds the instance's generated ids, tokens and codes, overriding
// environment.seed for everything generated at run time.
func WithSeed(seed int64) Option { return func(o *options) { o.seed = &seed } }

// WithIssuer sets the iss of Connect tokens and of discovery (the default is
// the emulator's URL).
func WithIssuer(issuer string) Option { return func(o *options) { o.issuer = issuer } }

// WithLogger receives the emulator's logs (request lines at info); the
// default discards them.
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// WithControlToken makes the HTTP control plane require this Bearer token,
// for tests of that configuration; testkit calls are not affected.
func WithControlToken(token string) Option { return func(o *options) { o.ctlToken = token } }

// WithoutControlPlane serves no /_emulator routes over HTTP (but health),
// like --control=false; testkit calls still work.
func WithoutControlPlane() Option { return func(o *options) { o.noControl = true } }

// Start runs an emulator on 127.0.0.1:0 for the test and shuts it down with
// t.Cleanup. Invalid fixtures fail the test with every problem listed.
func Start(t testing.TB, opts ...Option) *Emulator {
	t.Helper()
	em, err := New(opts...)
	if err != nil {
		var ps fixtures.Problems
		if errors.As(err, &ps) {
			t.Fatalf("testkit: invalid fixtures (%d problems):\n%v", len(ps), ps)
		}
		t.Fatalf("testkit: %v", err)
	}
	t.Cleanup(em.Close)
	return em
}

// New runs an emulator without a testing.TB (for TestMain, examples and
// benchmarks); the caller must Close it.
func New(opts ...Option) (*Emulator, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	set, err := o.fixtures()
	if err != nil {
		return nil, err
	}
	hs := httptest.NewUnstartedServer(nil)
	em := &Emulator{hs: hs, url: "http://" + hs.Listener.Addr().String(), webhooks: newWebhookRouter()}
	em.srv, err = emulator.New(emulator.Config{Fixtures: set, PublicURL: em.url, Issuer: o.issuer, Clock: o.clock,
		Seed: o.seed, Logger: o.logger, ControlToken: o.ctlToken, DisableControl: o.noControl, WebhookTransport: em.webhooks})
	if err != nil {
		hs.Listener.Close()
		return nil, err
	}
	// The same server settings as the binary's; httptest allows replacing
	// Config before Start.
	hs.Config = emulator.NewHTTPServer(em.srv)
	hs.Start()
	return em, nil
}

func (o *options) fixtures() (*fixtures.Set, error) {
	if len(o.files) == 0 && len(o.yaml) == 0 {
		return nil, nil // the emulator's default world
	}
	// Decode everything first and merge once, so that every problem of
	// every file and document is reported together.
	var sets []*fixtures.Set
	var problems fixtures.Problems
	collect := func(err error) error {
		var ps fixtures.Problems
		if err != nil && !errors.As(err, &ps) {
			return err
		}
		problems = append(problems, ps...)
		return nil
	}
	for _, f := range o.files {
		s, err := fixtures.Read(f)
		if err := collect(err); err != nil {
			return nil, err
		}
		sets = append(sets, s...)
	}
	for i, y := range o.yaml {
		s, err := fixtures.Decode([]byte(y), fmt.Sprintf("WithFixtures#%d", i+1))
		if err := collect(err); err != nil {
			return nil, err
		}
		if s != nil {
			sets = append(sets, s)
		}
	}
	merged, err := fixtures.Merge(sets...)
	if err := collect(err); err != nil {
		return nil, err
	}
	if len(problems) > 0 {
		return nil, problems
	}
	return merged, nil
}

// Close shuts the emulator down, waiting for in-flight requests. It is
// idempotent; Start registers it with t.Cleanup.
func (e *Emulator) Close() {
	e.closeOnce.Do(func() {
		if e.parent != nil {
			_ = e.parent.srv.DeleteEnvironment(e.srv.EnvironmentID())
			return
		}
		e.hs.Close()
		e.srv.Close() // stops webhook deliveries
	})
}

// URL is the emulator's base URL, http://127.0.0.1:port, without a trailing
// slash: point the WorkOS SDK (api hostname and port) and OAuth clients here.
func (e *Emulator) URL() string { return e.url }

// Issuer is the iss of Connect tokens and discovery (see also
// UserManagementIssuer).
func (e *Emulator) Issuer() string { return e.srv.Issuer() }

// UserManagementIssuer is the iss of User Management access tokens.
func (e *Emulator) UserManagementIssuer() string { return e.srv.UserManagementIssuer() }

// ClientID is the environment's client id (WORKOS_CLIENT_ID).
func (e *Emulator) ClientID() string { return e.srv.ClientID() }

// APIKey is the environment's API key (WORKOS_API_KEY).
func (e *Emulator) APIKey() string { return e.srv.APIKey() }

// JWKSURL is where the environment's keys are published, the URL the WorkOS
// SDKs derive from the client id.
func (e *Emulator) JWKSURL() string { return e.url + "/sso/jwks/" + e.srv.ClientID() }

// HTTPClient is an http.Client for the emulator (it closes its idle
// connections when the emulator closes).
func (e *Emulator) HTTPClient() *http.Client { return e.hs.Client() }

// Handler is the emulator's http.Handler, for in-memory use without a
// socket (httptest.NewRecorder, or a custom RoundTripper).
func (e *Emulator) Handler() http.Handler { return e.srv.Handler() }

// Clock is the instance clock: Now, Set (freeze), Advance, Real.
func (e *Emulator) Clock() *emulator.Clock { return e.srv.Clock() }

// Server is the underlying emulator, for operations this package does not
// wrap.
func (e *Emulator) Server() *emulator.Server { return e.srv }
