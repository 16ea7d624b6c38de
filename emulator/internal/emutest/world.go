// Package emutest is the test support of the emulator's own tests, and the
// one way they start a server: Start (a loopback listener whose public URL is
// its own) or New (in memory), Parse for inline fixtures, requests through
// the real handler (Do, PostForm, PostJSON, API, Authenticate,
// ClientCredentials, IntrospectAs), the answer checks (WantError, WantJSON,
// SignedIn, Claims), a Browser for the hosted pages, and the identities of
// the default world (fixtures/default.yaml).
//
// Every constructor and check fails the test on error (t.Fatalf), so no test
// can drop emulator.New's error. The package is test support: only _test.go
// files import it.
package emutest

import "time"

// Identities of the default world (fixtures/default.yaml).
const (
	// EnvClientID is the environment's client id (User Management).
	EnvClientID = "client_01JGG4A9SC2402TR1E5S95RGFY"
	// APIKey is the environment's API key, also its client secret.
	APIKey = "sk_test_emulator"
	// OAuthClientID is the confidential Connect application (authorization
	// code, refresh, device).
	OAuthClientID = "client_01JGH0H56WFYWEDS7QGWCX2YT4"
	// OAuthSecret is OAuthClientID's secret.
	OAuthSecret = "demo_oauth_secret"
	// M2MClientID is the machine-to-machine application (client_credentials,
	// organization Acme).
	M2MClientID = "client_01JGHR9D6MBAZ75T49WTR2HFYK"
	// M2MSecret is M2MClientID's secret.
	M2MSecret = "demo_m2m_secret"
	// PublicClientID is the public Connect application (no secret).
	PublicClientID = "client_01JGGF0ZHWQV5Y4T95J30VYNGB"
	// AliceID is alice@example.com (password wonderland), admin of Acme.
	AliceID = "user_01JGH00N0CRRAQG5E1V2EYRQ68"
	// BobID is bob@example.com (password builder), member of Acme and Globex.
	BobID = "user_01JGJD97DGZV5Z4G8RCP6SJ6C5"
	// CarolID is carol@example.com (password unverified), whose e-mail is
	// not verified.
	CarolID = "user_01JGJ48F1WQQHDNXHABSCR87EJ"
	// AcmeID is the organization Acme (domain acme.test).
	AcmeID = "org_01JGJ5PDQQYSQW43DAPDSPEJEY"
	// GlobexID is the organization Globex.
	GlobexID = "org_01JGHYEQJ3R88ZXE6V4AJ192KN"
	// AliceSession is Alice's pre-seeded session (organization Acme).
	AliceSession = "session_01JGGMYNRM3S81C9B7Q8ENH12Y"
	// AliceRefresh is AliceSession's refresh token.
	AliceRefresh = "AliceDefaultSessionRefresh1"
	// AppCallback is the applications' redirect URI (the environment and
	// the Connect applications allow it).
	AppCallback = "http://localhost:3000/callback"
)

// T0 is the frozen instant tests that need determinism set the clock to
// (emulator.Config{Clock: emutest.T0}).
var T0 = time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)
