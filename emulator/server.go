package emulator

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"

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
	// Version is reported by the health endpoint.
	Version string
}

// DefaultPublicURL is where the CLI listens by default.
const DefaultPublicURL = "http://127.0.0.1:8484"

// Server is one emulator instance: its world, clock, random source, keys
// and HTTP handler. It is safe for concurrent use.
type Server struct {
	cfg   Config
	set   *fixtures.Set
	log   *slog.Logger
	clock *Clock
	echo  *echo.Echo
	// ids is the seeded stream for ids, tokens and codes; reqIDs the one
	// for request ids (see entropy).
	ids    *entropy
	reqIDs *entropy
	seed   int64
	start  time.Time // the clock's initial frozen time, zero when real
	env    *environment
	// keys is the loaded key ring. Rings never change (rotation builds a
	// new one), so every Reset starts from this one: keys are parsed, and
	// their JWKS and certificates made, once per instance.
	keys *keyRing
	w    atomic.Pointer[world]

	signSlots chan struct{}
	grants    map[string]grantFunc
	// umGrantTable is the grants of /user_management/authenticate.
	umGrantTable map[string]umGrant
	discovery    discoveryDocs
	faultq       faults
	// unserved are the spec operations that answer 501.
	unserved []unservedOp
	journal  *journal
	// fixMu serializes AddFixtures, so concurrent additions validate against
	// each other.
	fixMu sync.Mutex
}

// New builds a server from cfg. Invalid fixtures (including a signing key
// that does not parse) are reported as fixtures.Problems.
func New(cfg Config) (*Server, error) {
	set := cfg.Fixtures
	if set == nil {
		set = fixtures.Default()
	}
	s := &Server{cfg: cfg, set: set, log: cfg.Logger, signSlots: newSignSlots(), journal: newJournal()}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.seed = set.Environment.Seed
	if cfg.Seed != nil {
		s.seed = *cfg.Seed
	}
	s.start = cfg.Clock
	if s.start.IsZero() {
		s.start, _ = set.Environment.Clock.Time()
	}
	s.clock = NewClock(s.start)
	s.ids = newEntropy(s.seed, "ids")
	s.reqIDs = newEntropy(s.seed, "requests")
	env, err := resolveEnvironment(set, cfg)
	if err != nil {
		return nil, err
	}
	s.env = env
	s.discovery = newDiscoveryDocs(env)
	if s.keys, err = newKeyRing(set); err != nil {
		return nil, err
	}
	if err := s.Reset(true); err != nil {
		return nil, err
	}
	s.grants = s.tokenGrants()
	s.umGrantTable = s.umGrants()
	table := s.routeTable()
	s.echo = s.router(table)
	s.unserved = unservedOps(table)
	return s, nil
}

// resolveEnvironment applies defaults and the Config's overrides.
func resolveEnvironment(set *fixtures.Set, cfg Config) (*environment, error) {
	fe := set.Environment
	env := &environment{clientID: fe.ClientID, autoLogin: fe.AutoLogin,
		redirectURIs: fe.RedirectURIs, logoutRedirectURIs: fe.LogoutRedirectURIs, corsOrigins: fe.CORSOrigins}
	for _, k := range fe.APIKeys {
		env.apiKeys = append(env.apiKeys, []byte(k))
	}
	env.publicURL = cmp.Or(cfg.PublicURL, fe.PublicURL, DefaultPublicURL)
	env.publicURL = strings.TrimRight(env.publicURL, "/")
	if u, err := url.Parse(env.publicURL); err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, fmt.Errorf("public URL %q is not an absolute http(s) URL", env.publicURL)
	}
	env.issuer = cmp.Or(cfg.Issuer, fe.Issuer, env.publicURL)
	env.umIssuer = cmp.Or(fe.UserManagementIssuer, env.publicURL+"/user_management/"+fe.ClientID)
	env.accessTTL = fe.AccessTokenTTL.Or(5 * time.Minute)
	env.codeTTL = fe.AuthorizationCodeTTL.Or(10 * time.Minute)
	env.sessionMaxLength = fe.Session.MaxLength.Or(30 * 24 * time.Hour)
	env.inactivityTimeout = fe.Session.InactivityTimeout.Or(0)
	env.requireEmailVerification = fe.RequireEmailVerification == nil || *fe.RequireEmailVerification
	env.requireMFA = fe.RequireMFA
	env.defaultRole = fe.DefaultRole
	return env, nil
}

// Reset returns the instance to exactly the loaded world: the same ids, the
// same tokens, the same keys, an empty journal, no faults and, when
// resetClock is set, the same clock. Fixtures added at run time are dropped.
func (s *Server) Reset(resetClock bool) error {
	if resetClock {
		if s.start.IsZero() {
			s.clock.Real()
		} else {
			s.clock.Set(s.start)
		}
	}
	s.ids.reseed(s.seed, "ids")
	s.reqIDs.reseed(s.seed, "requests")
	w := newWorld(s.env, s.keys)
	w.fixtures = s.set
	now := s.clock.Now()
	w.createdAt = now
	if tpl := s.set.Environment.JWTTemplate; tpl != "" {
		t, err := parseJWTTemplate(tpl, now)
		if err != nil {
			p := s.set.EnvironmentPos("jwt_template")
			return fixtures.Problems{{File: p.File, Line: p.Line, Path: "environment.jwt_template", Message: err.Error()}}
		}
		w.jwtTemplate = t
	}
	if err := w.addFixtures(s.set, now); err != nil {
		return err
	}
	s.seedFactors(w, s.set.Users, now)
	if err := s.seedSessions(context.Background(), w, s.set.Sessions, now); err != nil {
		return err
	}
	s.w.Store(w)
	s.journal.reset()
	s.ClearFaults()
	return nil
}

// world is the current world.
func (s *Server) world() *world { return s.w.Load() }

// seedSessions creates fixture sessions and mints their tokens, honouring
// the pinned jti, issued_at, expires_at and refresh token.
func (s *Server) seedSessions(ctx context.Context, w *world, sessions []fixtures.Session, now time.Time) error {
	for i := range sessions {
		fs := &sessions[i]
		var pinned fixtures.AccessToken
		if fs.AccessToken != nil {
			pinned = *fs.AccessToken
		}
		iat := at(pinned.IssuedAt, time.Time{})
		created := at(fs.CreatedAt, iat)
		if created.IsZero() {
			created = now
		}
		ss := &session{ID: fs.ID, UserID: fs.UserID, OrgID: fs.OrganizationID, ClientID: fs.ClientID,
			Status: fs.Status, AuthMethod: cmp.Or(fs.AuthMethod, "password"), Scopes: fs.Scopes,
			CreatedAt: created, lastActive: created, UpdatedAt: created}
		ss.family = familyUM
		if fs.ClientID != s.env.clientID {
			ss.family = familyConnect
			if len(ss.Scopes) == 0 {
				if app := w.apps[fs.ClientID]; app != nil {
					ss.Scopes = app.Scopes
				}
			}
		}
		if ss.Status != fixtures.SessionActive {
			ended := created
			ss.EndedAt = &ended
		}
		ss.refreshToken = fs.RefreshToken
		if ss.refreshToken == "" {
			ss.refreshToken = s.ids.token(refreshTokenLength)
		}
		w.mu.Lock()
		if _, dup := w.sessions[ss.ID]; dup {
			w.mu.Unlock()
			return fmt.Errorf("session %s already exists", ss.ID)
		}
		w.addSession(ss)
		w.mu.Unlock()
		spec := mintSpec{family: ss.family, userID: ss.UserID, clientID: ss.ClientID, sessionID: ss.ID,
			orgID: ss.OrgID, scope: ss.Scopes, jti: pinned.JTI, iat: iat, keep: true}
		if exp, ok := pinned.ExpiresAt.Time(); ok {
			spec.exp = exp
			if spec.iat.IsZero() {
				spec.iat = now
			}
		}
		if _, _, err := s.mint(ctx, w, spec); err != nil {
			return err
		}
	}
	return nil
}

// seedFactors enrolls fixture users that have a totp_secret in TOTP MFA.
func (s *Server) seedFactors(w *world, users []fixtures.User, now time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, u := range users {
		if u.TOTPSecret != "" {
			secret := strings.ToUpper(strings.TrimRight(u.TOTPSecret, "="))
			s.addFactor(w, u.ID, secret, "authkit-emulator", u.Email, now)
		}
	}
}

// refreshTokenLength is the length of generated opaque refresh tokens,
// within the 25-30 characters of WorkOS's.
const refreshTokenLength = 25

// Handler is the emulator's whole HTTP surface.
func (s *Server) Handler() http.Handler { return s.echo }

// Clock is the instance clock.
func (s *Server) Clock() *Clock { return s.clock }

// ClientID is the environment's client id.
func (s *Server) ClientID() string { return s.env.clientID }

// APIKey is the environment's first API key.
func (s *Server) APIKey() string { return string(s.env.apiKeys[0]) }

// PublicURL is the base URL the emulator hands out.
func (s *Server) PublicURL() string { return s.env.publicURL }

// Issuer is the iss of Connect (AuthKit-domain) tokens and of discovery.
func (s *Server) Issuer() string { return s.env.issuer }

// UserManagementIssuer is the iss of User Management tokens.
func (s *Server) UserManagementIssuer() string { return s.env.umIssuer }

// Fixtures is the world the instance was loaded from.
func (s *Server) Fixtures() *fixtures.Set { return s.set }

// Counts summarizes the current world for the startup log line.
func (s *Server) Counts() map[string]int {
	w := s.world()
	w.mu.RLock()
	defer w.mu.RUnlock()
	return map[string]int{"applications": len(w.apps), "users": len(w.users), "organizations": len(w.orgs),
		"memberships": len(w.memberships), "roles": len(w.roles), "sessions": len(w.sessions)}
}
