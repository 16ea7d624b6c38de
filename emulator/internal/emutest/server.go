package emutest

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// Server is an emulator under test. Its request methods (Do, PostForm, ...)
// go through the real handler (router, middleware, error renderer) in
// memory, whether or not it listens.
type Server struct {
	*emulator.Server
	// URL is the base URL of the loopback listener ("" for New's servers).
	URL string
	// Client is an HTTP client for the listener (nil for New's servers).
	Client *http.Client
}

// Start runs an emulator on a loopback port whose public URL is that port
// (unless cfg sets one), for real clients (x/oauth2, go-oidc) that fetch
// discovery documents and keys over HTTP. The listener closes when the test
// ends.
func Start(t testing.TB, cfg emulator.Config) *Server {
	t.Helper()
	hs := httptest.NewUnstartedServer(nil)
	u := "http://" + hs.Listener.Addr().String()
	if cfg.PublicURL == "" {
		cfg.PublicURL = u
	}
	s := New(t, cfg)
	hs.Config.Handler = s.Handler()
	hs.Start()
	t.Cleanup(hs.Close)
	s.URL, s.Client = u, hs.Client()
	return s
}

// New builds an emulator without a listener (its public URL is
// emulator.DefaultPublicURL unless cfg sets one).
func New(t testing.TB, cfg emulator.Config) *Server {
	t.Helper()
	srv, err := emulator.New(cfg)
	if err != nil {
		t.Fatalf("emulator.New: %v", err)
	}
	t.Cleanup(srv.Close)
	return &Server{Server: srv}
}

// Parse parses inline fixtures (YAML) or fails the test.
func Parse(t testing.TB, yaml string) *fixtures.Set {
	t.Helper()
	set, err := fixtures.Parse([]byte(yaml), "test.yaml")
	if err != nil {
		t.Fatalf("fixtures:\n%v", err)
	}
	return set
}
