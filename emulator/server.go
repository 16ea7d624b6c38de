package emulator

import (
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/events"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/spec"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// Config is what a Server is built from. The zero value serves the embedded
// default world with a real clock on http://127.0.0.1:8484.
type Config struct {
	// Fixtures is the world to serve; nil means fixtures.Default().
	Fixtures *fixtures.Set
	// PublicURL is the base of every URL the emulator hands out (discovery,
	// issuers, verification links). It overrides environment.public_url; it
	// is never taken from a request's Host header.
	PublicURL string
	// Issuer overrides environment.issuer, the iss of Connect tokens.
	Issuer string
	// Clock, when set, starts the clock frozen there (overriding
	// environment.clock).
	Clock time.Time
	// Seed, when set, overrides environment.seed.
	Seed *int64
	// Logger receives the server's logs; nil discards them.
	Logger *slog.Logger
	// DisableControl removes the /_emulator control plane (but health).
	DisableControl bool
	// ControlToken, when set, is the Bearer token the control plane requires.
	ControlToken string
	// AllowedHosts are Host names the emulator answers over the network
	// besides its public URL's host, IP addresses and names without a dot
	// ("*": any). Other Hosts get a 421: a guard against DNS rebinding.
	AllowedHosts []string
	// Version is reported by the health endpoint.
	Version string
	// WebhookTransport carries webhook deliveries (nil:
	// http.DefaultTransport). The testkit routes some URLs to in-process
	// handlers through it.
	WebhookTransport http.RoundTripper
}

// DefaultPublicURL is where the CLI listens by default.
const DefaultPublicURL = store.DefaultPublicURL

// Server is one emulator instance: its environment (world, clock, random
// source, keys) and its HTTP handler. It is safe for concurrent use.
type Server struct {
	cfg      Config
	log      *slog.Logger
	st       *store.Store
	clock    *Clock
	echo     *echo.Echo
	routes   []web.Route
	unserved *spec.Unserved
	webhooks *events.Hub
	// envs are the environments created at run time (shared by every
	// view); root, envID and createdAt are set on an environment's view.
	envs      *environments
	root      *Server
	envID     string
	createdAt time.Time
}

// New builds a server from cfg. Invalid fixtures (including a signing key
// that does not parse) are reported as fixtures.Problems.
func New(cfg Config) (*Server, error) {
	set := cfg.Fixtures
	if set == nil {
		set = fixtures.Default()
	}
	st, err := store.New(store.Options{Fixtures: set, Overrides: store.Overrides{PublicURL: cfg.PublicURL, Issuer: cfg.Issuer},
		Clock: cfg.Clock, Seed: cfg.Seed})
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, log: cfg.Logger, st: st, clock: &Clock{c: st.Clock()}, envs: &environments{}}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.webhooks = events.NewHub(cfg.WebhookTransport, s.log)
	s.webhooks.Attach(st)
	if err := s.Reset(true); err != nil {
		return nil, err
	}
	s.routes = s.routeTable()
	s.echo = s.router()
	return s, nil
}

// router builds the Echo router of the route table: every route behind the
// front door, with its auth.
func (s *Server) router() *echo.Echo {
	served := make([][2]string, len(s.routes))
	for i, r := range s.routes {
		served[i] = [2]string{r.Method, r.Path}
	}
	s.unserved = spec.NewUnserved(served)
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	renderer := &web.Renderer{Log: s.log, Unserved: s.unimplemented}
	e.HTTPErrorHandler = renderer.Handle
	e.Pre(s.envPrefix)
	hosts := &web.HostPolicy{Public: hostOf(s.st.Config().PublicURL), Allowed: s.cfg.AllowedHosts}
	e.Use(web.FrontDoor(s.log, s.env, hosts))
	apiKey, ctl, page := web.RequireAPIKey(s.env), web.RequireControl(s.env, s.cfg.ControlToken), web.RequireControlPage(s.env)
	for _, r := range s.routes {
		var mw []echo.MiddlewareFunc
		switch r.Auth {
		case web.APIKey:
			mw = append(mw, apiKey)
		case web.Control:
			mw = append(mw, ctl)
		case web.ControlPage:
			mw = append(mw, page)
		}
		e.Add(r.Method, r.Path, r.Handler, mw...)
	}
	return e
}

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Hostname()
}

// unimplemented answers a request the router has no route for, when
// WorkOS's spec has the operation: after the same API-key check the real
// service makes, a 501 that names the operation, never a plausible 404 (a
// client would misread that as "not found"). It returns nil for paths
// outside the spec.
func (s *Server) unimplemented(c echo.Context) *web.Error {
	op, ok := s.unserved.Match(c.Request().Method, c.Request().URL.EscapedPath())
	if !ok {
		return nil
	}
	if op.Auth {
		if key, ok := web.Bearer(c); !ok || !s.env(c).Config().ValidAPIKey(key) {
			return web.Unauthorized()
		}
	}
	return web.APIError(http.StatusNotImplemented, web.CodeNotImplemented,
		op.Method+" "+op.Path+" (WorkOS operation "+op.ID+") is part of the WorkOS API but authkit-emulator does not emulate it.")
}

// Close stops the server's background work (webhook deliveries), waiting
// for attempts in flight. The handler keeps answering; events are still
// logged, but nothing is delivered after Close.
func (s *Server) Close() { s.webhooks.Close() }

// Handler is the emulator's whole HTTP surface.
func (s *Server) Handler() http.Handler { return s.echo }

// Clock is the instance clock.
func (s *Server) Clock() *Clock { return s.clock }

// ClientID is the environment's client id.
func (s *Server) ClientID() string { return s.st.Config().ClientID }

// APIKey is the environment's first API key.
func (s *Server) APIKey() string { return s.st.Config().APIKey() }

// PublicURL is the base URL the emulator hands out.
func (s *Server) PublicURL() string { return s.st.Config().PublicURL }

// Issuer is the iss of Connect (AuthKit-domain) tokens and of discovery.
func (s *Server) Issuer() string { return s.st.Config().Issuer }

// UserManagementIssuer is the iss of User Management tokens.
func (s *Server) UserManagementIssuer() string { return s.st.Config().UMIssuer }

// Fixtures is the world the instance was loaded from.
func (s *Server) Fixtures() *fixtures.Set { return s.st.Fixtures() }

// Counts summarizes the current world for the startup log line.
func (s *Server) Counts() map[string]int { return s.st.Counts() }

// NewHTTPServer wraps a Server in an http.Server with the timeouts and
// limits a long-running emulator needs: a slow or stuck client cannot hold
// a connection forever. Callers set the listener (Serve) themselves.
func NewHTTPServer(s *Server) *http.Server {
	return &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		// Scripted faults may delay an answer by up to a minute.
		WriteTimeout:   90 * time.Second,
		IdleTimeout:    120 * time.Second,
		MaxHeaderBytes: 1 << 20,
	}
}
