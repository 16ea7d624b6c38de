package emulator

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/oklog/ulid/v2"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// Isolated environments in one process: each has its own world, client id,
// API key, issuer, clock, keys state, journal, faults and webhook
// dispatcher, and shares the router and the loaded signing keys. A request
// is scoped to an environment by, in order: the path prefix /env/<id>/ (its
// public URL and issuer, so discovery, hosted pages, links and the JWKS
// it hands out stay inside it); its API key (Bearer); its client id
// (Basic auth, client_id parameter or body member, or /sso/jwks/<client_id>).
// Anything else is the default environment, the one the server was
// started with.

// EnvPrefix starts the paths of an environment created at run time.
const EnvPrefix = "/env/"

// envKey is where a request's environment is kept in its context.
const envKey = "authkit-emulator.env"

// environments is the server's registry of run-time environments. Lookups
// are lock-free (sync.Map); count lets the default-only server skip them.
type environments struct {
	count    atomic.Int64
	next     atomic.Int64
	byID     sync.Map // id -> *Server (the environment's view)
	byKey    sync.Map // API key -> *store.Store
	byClient sync.Map // client id -> *store.Store
}

// EnvironmentOptions configure NewEnvironment.
type EnvironmentOptions struct {
	// Fixtures is the environment's world; nil means the fixtures the
	// server was loaded with. Its client id and API key are kept when it
	// sets them and no other environment uses them; otherwise the
	// environment gets its own.
	Fixtures *fixtures.Set
	// Clock, when set, starts the environment's clock frozen there; the
	// default is the loaded fixtures' clock (else real time).
	Clock time.Time
	// Seed, when set, overrides environment.seed.
	Seed *int64
}

// EnvironmentInfo describes an environment: what a test needs to use it.
type EnvironmentInfo struct {
	ID       string `json:"id"`
	ClientID string `json:"client_id"`
	APIKey   string `json:"api_key"`
	// URL is the environment's base URL (the server's public URL plus its
	// prefix): point SDKs and OAuth clients here, or use the server's URL
	// with the API key and client id.
	URL                  string    `json:"url"`
	Issuer               string    `json:"issuer"`
	UserManagementIssuer string    `json:"user_management_issuer"`
	JWKSURL              string    `json:"jwks_url"`
	CreatedAt            time.Time `json:"created_at"`
}

// ErrEnvironmentNotFound is an environment id no environment has.
var ErrEnvironmentNotFound = errors.New("environment not found")

// root is the server that owns the router and the registry (itself, for
// the server New returns).
func (s *Server) rootServer() *Server {
	if s.root != nil {
		return s.root
	}
	return s
}

// EnvironmentID is the environment's id ("" for the default environment).
func (s *Server) EnvironmentID() string { return s.envID }

// NewEnvironment creates an isolated environment and returns its view: a
// Server whose Go API (Mint, Reset, Events, Clock, ...) acts on the new
// environment, sharing the handler of the server it was made from.
func (s *Server) NewEnvironment(o EnvironmentOptions) (*Server, error) {
	root := s.rootServer()
	n := root.envs.next.Add(1)
	id := "env_" + strconv.FormatInt(n, 10)
	set := o.Fixtures
	if set == nil {
		set = root.st.Fixtures()
	}
	seed := set.Environment.Seed
	if o.Seed != nil {
		seed = *o.Seed
	}
	clientID, apiKey := envCredentials(seed, id, root.st.Clock().Now())
	if set != root.st.Fixtures() && set.EnvironmentPos("client_id").Line > 0 && !root.clientTaken(set.Environment.ClientID) {
		clientID = set.Environment.ClientID
	}
	if set != root.st.Fixtures() && set.EnvironmentPos("api_keys").Line > 0 && !root.keysTaken(set.Environment.APIKeys) {
		apiKey = set.Environment.APIKeys[0]
	}
	envSet := withCredentials(set, clientID, apiKey, set.Environment.APIKeys)
	public := root.st.Config().PublicURL + EnvPrefix + id
	opts := store.Options{Fixtures: envSet, Overrides: store.Overrides{PublicURL: public, Issuer: public}, Clock: o.Clock, Seed: o.Seed}
	if len(set.SigningKeys()) == 0 || set == root.st.Fixtures() {
		opts.Ring = root.st.LoadedRing()
	}
	st, err := store.New(opts)
	if err != nil {
		return nil, err
	}
	view := &Server{cfg: root.cfg, log: root.log, st: st, clock: &Clock{c: st.Clock()}, echo: root.echo, routes: root.routes,
		unserved: root.unserved, webhooks: root.webhooks, envs: root.envs, root: root, envID: id, createdAt: root.st.Clock().Now()}
	if err := view.Reset(true); err != nil {
		return nil, err
	}
	root.webhooks.Attach(st)
	for _, k := range st.Config().APIKeys {
		root.envs.byKey.Store(string(k), st)
	}
	root.envs.byClient.Store(st.Config().ClientID, st)
	root.envs.byID.Store(id, view)
	root.envs.count.Add(1)
	return view, nil
}

// withCredentials is set with the environment's client id and API key: a
// shallow copy (the store never changes a Set), with the sessions of the
// old client id moved to the new one.
func withCredentials(set *fixtures.Set, clientID, apiKey string, keep []string) *fixtures.Set {
	out := *set
	old := set.Environment.ClientID
	out.Environment.ClientID = clientID
	out.Environment.APIKeys = []string{apiKey}
	if len(keep) > 0 && keep[0] == apiKey {
		out.Environment.APIKeys = keep
	}
	out.Environment.PublicURL, out.Environment.Issuer = "", ""
	out.Sessions = make([]fixtures.Session, len(set.Sessions))
	for i, ss := range set.Sessions {
		if ss.ClientID == old {
			ss.ClientID = clientID
		}
		out.Sessions[i] = ss
	}
	return &out
}

// envCredentials derives an environment's client id and API key from the
// seed and its id: the same scenario gets the same credentials.
func envCredentials(seed int64, id string, now time.Time) (clientID, apiKey string) {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(seed))
	h := sha256.Sum256(append(b[:], id...))
	var u ulid.ULID
	_ = u.SetTime(ulid.Timestamp(now))
	copy(u[6:], h[:10])
	return fixtures.PrefixClient + u.String(), "sk_test_" + hex.EncodeToString(h[10:26])
}

func (s *Server) clientTaken(id string) bool {
	if s.st.Config().ClientID == id {
		return true
	}
	_, ok := s.envs.byClient.Load(id)
	return ok
}

func (s *Server) keysTaken(keys []string) bool {
	for _, k := range keys {
		if s.st.Config().ValidAPIKey(k) {
			return true
		}
		if _, ok := s.envs.byKey.Load(k); ok {
			return true
		}
	}
	return false
}

// Environment is the view of the environment with that id, or nil.
func (s *Server) Environment(id string) *Server {
	if v, ok := s.rootServer().envs.byID.Load(id); ok {
		return v.(*Server)
	}
	return nil
}

// Info describes the environment.
func (s *Server) Info() EnvironmentInfo {
	cfg := s.st.Config()
	return EnvironmentInfo{ID: s.envID, ClientID: cfg.ClientID, APIKey: cfg.APIKey(), URL: cfg.PublicURL, Issuer: cfg.Issuer,
		UserManagementIssuer: cfg.UMIssuer, JWKSURL: cfg.PublicURL + "/sso/jwks/" + cfg.ClientID, CreatedAt: s.createdAt}
}

// Environments lists the environments created at run time, oldest first.
func (s *Server) Environments() []EnvironmentInfo {
	var out []EnvironmentInfo
	s.rootServer().envs.byID.Range(func(_, v any) bool {
		out = append(out, v.(*Server).Info())
		return true
	})
	sort.Slice(out, func(i, j int) bool {
		a, _ := strconv.Atoi(strings.TrimPrefix(out[i].ID, "env_"))
		b, _ := strconv.Atoi(strings.TrimPrefix(out[j].ID, "env_"))
		return a < b
	})
	return out
}

// DeleteEnvironment drops an environment: its world, its credentials (they
// address the default environment again) and its webhook deliveries.
func (s *Server) DeleteEnvironment(id string) error {
	root := s.rootServer()
	v, ok := root.envs.byID.LoadAndDelete(id)
	if !ok {
		return ErrEnvironmentNotFound
	}
	st := v.(*Server).st
	for _, k := range st.Config().APIKeys {
		root.envs.byKey.Delete(string(k))
	}
	root.envs.byClient.Delete(st.Config().ClientID)
	root.envs.count.Add(-1)
	root.webhooks.Detach(st)
	return nil
}

// env is the web.Env of every route: the environment a request addresses.
// A server without run-time environments answers at once.
func (s *Server) env(c echo.Context) *store.Store {
	if s.envs.count.Load() == 0 {
		return s.st
	}
	if v, ok := c.Get(envKey).(*store.Store); ok {
		return v
	}
	st := s.resolveEnv(c)
	c.Set(envKey, st)
	return st
}

// resolveEnv finds a request's environment by its credentials (the path
// prefix was handled before routing).
func (s *Server) resolveEnv(c echo.Context) *store.Store {
	r := c.Request()
	lookup := func(m *sync.Map, k string) *store.Store {
		if k == "" {
			return nil
		}
		if v, ok := m.Load(k); ok {
			return v.(*store.Store)
		}
		return nil
	}
	if key, ok := web.Bearer(c); ok {
		if st := lookup(&s.envs.byKey, key); st != nil {
			return st
		}
	}
	if user, _, ok := r.BasicAuth(); ok {
		if st := lookup(&s.envs.byClient, user); st != nil {
			return st
		}
	}
	if st := lookup(&s.envs.byClient, r.URL.Query().Get("client_id")); st != nil {
		return st
	}
	if rest, ok := strings.CutPrefix(r.URL.Path, "/sso/jwks/"); ok {
		if st := lookup(&s.envs.byClient, rest); st != nil {
			return st
		}
	}
	if body := web.RawBody(c); len(body) > 0 {
		if st := lookup(&s.envs.byClient, web.BodyClientID(r, body)); st != nil {
			return st
		}
	}
	return s.st
}

// envPrefix routes /env/<id>/... to the environment: the prefix is taken
// off the path before routing, and the environment kept for the request.
// An unknown environment is a JSON 404.
func (s *Server) envPrefix(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		rest, ok := strings.CutPrefix(r.URL.Path, EnvPrefix)
		if !ok {
			return next(c)
		}
		id, path, _ := strings.Cut(rest, "/")
		v, found := s.envs.byID.Load(id)
		if !found {
			return web.APIError(http.StatusNotFound, "environment_not_found", fmt.Sprintf("No environment %q: create one with POST /_emulator/environments.", web.Printable(id)))
		}
		r.URL.Path = "/" + path
		if r.URL.RawPath != "" {
			if _, raw, ok := strings.Cut(strings.TrimPrefix(r.URL.RawPath, EnvPrefix), "/"); ok {
				r.URL.RawPath = "/" + raw
			}
		}
		c.Set(envKey, v.(*Server).st)
		web.SetBasePath(c, EnvPrefix+id)
		return next(c)
	}
}
