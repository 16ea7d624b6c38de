package testkit

import (
	"errors"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// NewEnvironment creates an isolated environment in this emulator (its own
// world, client id, API key, issuer and clock; the same listener) and
// returns it as an Emulator: every helper acts on the environment, and its
// URL is the environment's (the emulator's URL plus /env/<id>). The
// environment is dropped when the test ends. Options: WithFixtures,
// WithFixtureFile (default: the emulator's fixtures), WithClock, WithSeed.
//
// One emulator per package (TestMain) and one environment per test is the
// cheap way to isolate parallel tests: an environment costs about a
// millisecond and some kilobytes, an emulator much more.
func (e *Emulator) NewEnvironment(t T, opts ...Option) *Emulator {
	t.Helper()
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	eo := emulator.EnvironmentOptions{Clock: o.clock, Seed: o.seed}
	set, err := o.fixtures()
	if err != nil {
		var ps fixtures.Problems
		if errors.As(err, &ps) {
			t.Fatalf("testkit: invalid fixtures (%d problems):\n%v", len(ps), ps)
		}
		t.Fatalf("testkit: %v", err)
	}
	eo.Fixtures = set
	root := e
	if e.parent != nil {
		root = e.parent
	}
	view, err := root.srv.NewEnvironment(eo)
	if err != nil {
		t.Fatalf("testkit: NewEnvironment: %v", err)
	}
	env := &Emulator{srv: view, hs: root.hs, url: view.PublicURL(), webhooks: root.webhooks, parent: root}
	if c, ok := t.(interface{ Cleanup(func()) }); ok {
		c.Cleanup(env.Close)
	}
	return env
}

// EnvironmentID is the environment's id ("" for an emulator's own).
func (e *Emulator) EnvironmentID() string { return e.srv.EnvironmentID() }
