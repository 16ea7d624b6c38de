package emulator

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/binary"
	"fmt"
	"hash/maphash"
	"strings"
	"sync"
	"time"

	"github.com/oklog/ulid/v2"
	"golang.org/x/crypto/bcrypt"

	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// world is all mutable state of an instance: what the fixtures seeded plus
// everything requests created since. One RWMutex guards it, so every
// operation is linearizable (a revoke that returned is seen by the next
// introspection). Reset swaps in a fresh world; an operation works on the
// world it started with.
type world struct {
	mu   sync.RWMutex
	env  *environment
	keys *keyRing
	// fixtures is the loaded set plus what AddFixtures merged in: later
	// additions are validated against it.
	fixtures *fixtures.Set

	apps        map[string]*application
	users       map[string]*user
	byEmail     map[string]*user
	orgs        map[string]*organization
	roles       map[string]*role
	permissions map[string]*permission
	memberships map[string]*membership
	byPair      map[string]*membership // user id + "/" + org id
	sessions    map[string]*session
	access      map[tokenKey]*accessToken // by hash of the token value (keyOf)
	tokenSeeds  [2]maphash.Seed

	refresh map[string]*refreshToken // by token value

	// indexes kept in creation order (ascending seq), for lists
	userOrder       []*user
	orgOrder        []*organization
	permOrder       []*permission
	userSessions    map[string][]*session
	userMemberships map[string][]*membership
	orgMemberships  map[string][]*membership
	usersByExternal map[string]*user
	orgsByExternal  map[string]*organization
	// orgRoles are organization-specific roles, by org id then slug.
	orgRoles map[string]map[string]*role

	// sign-in state
	flows     map[string]*loginFlow   // hosted login in progress, by id
	codes     map[string]*authCode    // authorization codes
	pending   map[string]*pendingAuth // pending authentication tokens
	devices   map[string]*deviceAuth  // by device_code
	userCodes map[string]*deviceAuth  // by user_code
	factors   map[string]*authFactor  // TOTP factors, by id
	// userFactors are each user's factors in creation order: a sign-in
	// asks for them, so it must not scan every factor.
	userFactors map[string][]*authFactor
	challenges  map[string]*authChallenge
	outbox      *outbox

	// jwtTemplate adds custom claims to User Management tokens (nil: none).
	jwtTemplate *jwtTemplate

	orgAPIKeys         map[string]*orgAPIKey // by value
	invitations        map[string]*invitation
	invitationsByToken map[string]*invitation
	invitationOrder    []*invitation

	// createdAt is when the world was built (the environment's creation
	// time, for objects that exist from the start).
	createdAt time.Time
	// evictions schedules expired records for removal (see evict.go).
	evictions           evictions
	touchedUsers        map[string]bool // users whose session list has evicted entries
	evictedSinceCompact int
	// seq orders objects by creation, for stable list cursors.
	seq     uint64
	seqByID map[string]uint64
}

// environment is the resolved, immutable configuration of a world.
type environment struct {
	clientID           string
	apiKeys            [][]byte
	issuer             string // Connect (AuthKit domain) tokens and discovery
	umIssuer           string // User Management tokens
	publicURL          string
	accessTTL          time.Duration
	codeTTL            time.Duration
	redirectURIs       []string
	logoutRedirectURIs []string
	corsOrigins        []string
	autoLogin          bool
	sessionMaxLength   time.Duration
	inactivityTimeout  time.Duration
	// requireEmailVerification interrupts sign-ins of unverified users.
	requireEmailVerification bool
	// requireMFA interrupts sign-ins of users without a factor.
	requireMFA bool
	// defaultRole is given to memberships created without a role.
	defaultRole string
}

// validAPIKey compares in constant time against every configured key.
func (e *environment) validAPIKey(key string) bool {
	ok := 0
	for _, k := range e.apiKeys {
		ok |= subtle.ConstantTimeCompare(k, []byte(key))
	}
	return ok == 1 && key != ""
}

type application struct {
	fixtures.Application
	secret []byte
}

// authenticate checks a client secret in constant time; public apps have
// none and never authenticate with one.
func (a *application) authenticate(secret string) bool {
	if len(a.secret) == 0 {
		return false
	}
	return subtle.ConstantTimeCompare(a.secret, []byte(secret)) == 1
}

type user struct {
	seq               uint64
	ID                string
	Email             string
	EmailVerified     bool
	FirstName         string
	LastName          string
	ProfilePictureURL string
	Locale            string
	ExternalID        *string
	Metadata          map[string]string
	password          []byte // as written in the fixture: compared in constant time
	passwordHash      []byte // bcrypt
	TOTPSecret        string
	LastSignInAt      *time.Time
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

// passwordUser is the id of the user email names when pw is their
// password, else "". It compares outside the world lock: a bcrypt hash
// takes tens of milliseconds, and holding even the read lock that long
// would stall every mint queued behind it. Passwords are replaced, never
// changed in place, so the copies stay valid. Caller must not hold w.mu.
func (w *world) passwordUser(email, pw string) string {
	w.mu.RLock()
	u := w.byEmail[emailKey(email)]
	var id string
	var plain, hash []byte
	if u != nil {
		id, plain, hash = u.ID, u.password, u.passwordHash
	}
	w.mu.RUnlock()
	switch {
	case plain != nil && subtle.ConstantTimeCompare(plain, []byte(pw)) == 1:
		return id
	case plain == nil && hash != nil && bcrypt.CompareHashAndPassword(hash, []byte(pw)) == nil:
		return id
	}
	return ""
}

type organization struct {
	seq                              uint64
	ID                               string
	Name                             string
	Domains                          []*orgDomain
	ExternalID                       *string
	Metadata                         map[string]string
	AllowProfilesOutsideOrganization bool
	CreatedAt                        time.Time
	UpdatedAt                        time.Time
}

type role struct {
	seq         uint64
	orgID       string // organization roles only
	ID          string
	Slug        string
	Name        string
	Description string
	Permissions []string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

type permission struct {
	seq         uint64
	ID          string
	Slug        string
	Name        string
	Description string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

type membership struct {
	seq       uint64
	ID        string
	UserID    string
	OrgID     string
	Roles     []string // slugs in priority order
	Status    string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// family is a token family: who issued it and which claims it has.
type family int

const (
	// familyUM is User Management (/user_management/authenticate) tokens.
	familyUM family = iota
	// familyConnect is AuthKit-domain OAuth tokens of a user.
	familyConnect
	// familyM2M is client_credentials tokens of an application.
	familyM2M
)

// session is one sign-in: a User Management session (`session_`) or a
// Connect grant (`app_consent_`). Its tokens live while it does.
type session struct {
	seq        uint64
	ID         string
	UserID     string
	OrgID      string
	ClientID   string
	family     family
	Status     string // fixtures.SessionActive | SessionRevoked | SessionExpired
	AuthMethod string
	Scopes     []string
	CreatedAt  time.Time
	ExpiresAt  time.Time // zero: no maximum length
	IPAddress  string
	UserAgent  string
	lastActive time.Time
	EndedAt    *time.Time
	UpdatedAt  time.Time
	// current tokens, for GET /_emulator/sessions/{id}
	accessToken  string
	refreshToken string
}

// activeAt reports whether the session is live at now: not ended, within
// its maximum length and, when the environment has one, its inactivity
// timeout.
func (s *session) activeAt(now time.Time, env *environment) bool {
	if s.Status != fixtures.SessionActive {
		return false
	}
	end := s.end(env)
	return end.IsZero() || now.Before(end)
}

// statusAt is the session's status as WorkOS would report it at now.
func (s *session) statusAt(now time.Time, env *environment) string {
	if s.Status == fixtures.SessionActive && !s.activeAt(now, env) {
		return fixtures.SessionExpired
	}
	return s.Status
}

// tokenKey indexes access tokens by a 128-bit hash of their value: 16
// bytes per token instead of the ~800-byte JWT, and a tampered token
// hashes to a key nobody issued. The hash seeds are the world's own; like
// Go's map seeds they only place tokens in the index and never reach an
// answer, so they need not come from the seeded source.
type tokenKey [2]uint64

func (w *world) keyOf(token string) tokenKey {
	return tokenKey{maphash.String(w.tokenSeeds[0], token), maphash.String(w.tokenSeeds[1], token)}
}

// String packs the key into 16 bytes, for the eviction schedule.
func (k tokenKey) String() string {
	var b [16]byte
	binary.LittleEndian.PutUint64(b[:8], k[0])
	binary.LittleEndian.PutUint64(b[8:], k[1])
	return string(b[:])
}

func parseTokenKey(s string) tokenKey {
	return tokenKey{binary.LittleEndian.Uint64([]byte(s[:8])), binary.LittleEndian.Uint64([]byte(s[8:16]))}
}

// accessToken is what the emulator knows of an access token it issued:
// introspection answers from it, without verifying a signature.
type accessToken struct {
	family    family
	kid       string
	jti       string
	iss       string
	aud       string
	sub       string
	clientID  string
	orgID     string
	sessionID string
	scope     string
	iat       int64
	exp       int64
}

// refreshToken is an opaque refresh token; it is valid while it is its
// session's current one and the session is live.
type refreshToken struct {
	sessionID string
	iat       int64
}

func newWorld(env *environment, keys *keyRing) *world {
	return &world{
		env: env, keys: keys,
		apps: map[string]*application{}, users: map[string]*user{}, byEmail: map[string]*user{},
		orgs: map[string]*organization{}, roles: map[string]*role{}, permissions: map[string]*permission{},
		memberships: map[string]*membership{}, byPair: map[string]*membership{},
		sessions: map[string]*session{}, access: map[tokenKey]*accessToken{}, refresh: map[string]*refreshToken{},
		userSessions: map[string][]*session{}, userMemberships: map[string][]*membership{},
		orgMemberships: map[string][]*membership{}, usersByExternal: map[string]*user{}, orgsByExternal: map[string]*organization{},
		orgRoles: map[string]map[string]*role{}, invitations: map[string]*invitation{}, invitationsByToken: map[string]*invitation{},
		orgAPIKeys: map[string]*orgAPIKey{},
		flows:      map[string]*loginFlow{}, codes: map[string]*authCode{}, pending: map[string]*pendingAuth{},
		devices: map[string]*deviceAuth{}, userCodes: map[string]*deviceAuth{},
		factors: map[string]*authFactor{}, userFactors: map[string][]*authFactor{}, challenges: map[string]*authChallenge{}, outbox: &outbox{},
		seqByID: map[string]uint64{}, touchedUsers: map[string]bool{},
		tokenSeeds: [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()},
	}
}

// nextSeq numbers a new object in creation order and remembers the number
// by id, even after the object is deleted, so list cursors stay valid.
// Caller holds w.mu.
func (w *world) nextSeq(id string) uint64 {
	w.seq++
	w.seqByID[id] = w.seq
	return w.seq
}

// seqOfID is the creation number of an object id, live or deleted. Caller
// holds w.mu.
func (w *world) seqOfID(id string) (uint64, bool) {
	n, ok := w.seqByID[id]
	return n, ok
}

func pairKey(userID, orgID string) string { return userID + "/" + orgID }

func emailKey(e string) string { return strings.ToLower(strings.TrimSpace(e)) }

// at returns a fixture timestamp, or def when it has none.
func at(t fixtures.Timestamp, def time.Time) time.Time {
	if v, ok := t.Time(); ok {
		return v.UTC()
	}
	return def
}

// addFixtures puts the set's objects into the world. Tokens of its sessions
// are minted by the caller (they need the signer, outside any lock).
func (w *world) addFixtures(set *fixtures.Set, now time.Time) error {
	for i := range set.Applications {
		a := set.Applications[i]
		if _, dup := w.apps[a.ClientID]; dup || a.ClientID == w.env.clientID {
			return fmt.Errorf("application %s already exists", a.ClientID)
		}
		app := &application{Application: a}
		if a.ClientSecret != "" {
			app.secret = []byte(a.ClientSecret)
		}
		w.apps[a.ClientID] = app
	}
	for i := range set.Organizations {
		o := &set.Organizations[i]
		for _, k := range o.APIKeys {
			w.orgAPIKeys[k.Value] = &orgAPIKey{orgID: o.ID, name: k.Name, value: k.Value, permissions: k.Permissions,
				id: "api_key_" + deriveULID(o.ID+"/"+k.Name, now), createdAt: now}
		}
		if _, dup := w.orgs[o.ID]; dup {
			return fmt.Errorf("organization %s already exists", o.ID)
		}
		created := at(o.CreatedAt, now)
		org := &organization{seq: w.nextSeq(o.ID), ID: o.ID, Name: o.Name,
			ExternalID: o.ExternalID, Metadata: copyMetadata(o.Metadata),
			AllowProfilesOutsideOrganization: o.AllowProfilesOutsideOrganization, CreatedAt: created, UpdatedAt: created}
		for _, d := range o.Domains {
			org.Domains = append(org.Domains, &orgDomain{id: "org_domain_" + deriveULID(o.ID+"/"+d, created), domain: d, state: "verified", createdAt: created})
		}
		w.addOrg(org)
	}
	for i := range set.Users {
		u := &set.Users[i]
		if _, dup := w.users[u.ID]; dup {
			return fmt.Errorf("user %s already exists", u.ID)
		}
		if _, dup := w.byEmail[emailKey(u.Email)]; dup {
			return fmt.Errorf("a user with e-mail %s already exists", u.Email)
		}
		created := at(u.CreatedAt, now)
		nu := &user{seq: w.nextSeq(u.ID), ID: u.ID, Email: u.Email, EmailVerified: u.EmailVerified,
			FirstName: u.FirstName, LastName: u.LastName, ProfilePictureURL: u.ProfilePictureURL, Locale: u.Locale,
			ExternalID: u.ExternalID, Metadata: copyMetadata(u.Metadata), TOTPSecret: u.TOTPSecret,
			CreatedAt: created, UpdatedAt: created}
		if u.Password != "" {
			nu.password = []byte(u.Password)
		}
		if u.PasswordHash != "" {
			nu.passwordHash = []byte(u.PasswordHash)
		}
		w.addUser(nu)
	}
	for i := range set.Permissions {
		p := &set.Permissions[i]
		w.addPermission(&permission{seq: w.nextSeq(p.ID), ID: p.ID, Slug: p.Slug, Name: p.Name, Description: p.Description, CreatedAt: now, UpdatedAt: now})
	}
	for i := range set.Roles {
		r := &set.Roles[i]
		if _, dup := w.roles[r.Slug]; dup {
			return fmt.Errorf("role %s already exists", r.Slug)
		}
		w.roles[r.Slug] = &role{seq: w.nextSeq(r.ID), ID: r.ID, Slug: r.Slug, Name: r.Name, Description: r.Description,
			Permissions: append([]string(nil), r.Permissions...), CreatedAt: now, UpdatedAt: now}
	}
	for i := range set.Memberships {
		m := &set.Memberships[i]
		if _, dup := w.memberships[m.ID]; dup {
			return fmt.Errorf("membership %s already exists", m.ID)
		}
		if _, dup := w.byPair[pairKey(m.UserID, m.OrganizationID)]; dup {
			return fmt.Errorf("user %s is already a member of %s", m.UserID, m.OrganizationID)
		}
		nm := &membership{seq: w.nextSeq(m.ID), ID: m.ID, UserID: m.UserID, OrgID: m.OrganizationID,
			Roles: append([]string(nil), m.RoleSlugs()...), Status: m.Status, CreatedAt: now, UpdatedAt: now}
		w.addMembership(nm)
	}
	return nil
}

// addMembership indexes a membership. Caller holds w.mu.
func (w *world) addMembership(m *membership) {
	w.memberships[m.ID] = m
	w.byPair[pairKey(m.UserID, m.OrgID)] = m
	w.userMemberships[m.UserID] = append(w.userMemberships[m.UserID], m)
	w.orgMemberships[m.OrgID] = append(w.orgMemberships[m.OrgID], m)
}

// removeMembership drops a membership from every index. Caller holds w.mu.
func (w *world) removeMembership(m *membership) {
	delete(w.memberships, m.ID)
	delete(w.byPair, pairKey(m.UserID, m.OrgID))
	w.userMemberships[m.UserID] = without1(w.userMemberships[m.UserID], m)
	w.orgMemberships[m.OrgID] = without1(w.orgMemberships[m.OrgID], m)
}

// addUser indexes a user. Caller holds w.mu.
func (w *world) addUser(u *user) {
	w.users[u.ID] = u
	w.byEmail[emailKey(u.Email)] = u
	if u.ExternalID != nil {
		w.usersByExternal[*u.ExternalID] = u
	}
	w.userOrder = append(w.userOrder, u)
}

// removeUser drops a user from every index. Caller holds w.mu.
func (w *world) removeUser(u *user) {
	delete(w.users, u.ID)
	delete(w.byEmail, emailKey(u.Email))
	if u.ExternalID != nil {
		delete(w.usersByExternal, *u.ExternalID)
	}
	w.userOrder = without1(w.userOrder, u)
}

// addOrg indexes an organization. Caller holds w.mu.
func (w *world) addOrg(o *organization) {
	w.orgs[o.ID] = o
	if o.ExternalID != nil {
		w.orgsByExternal[*o.ExternalID] = o
	}
	w.orgOrder = append(w.orgOrder, o)
}

// removeOrg drops an organization from every index. Caller holds w.mu.
func (w *world) removeOrg(o *organization) {
	delete(w.orgs, o.ID)
	if o.ExternalID != nil {
		delete(w.orgsByExternal, *o.ExternalID)
	}
	w.orgOrder = without1(w.orgOrder, o)
}

// addPermission indexes a permission. Caller holds w.mu.
func (w *world) addPermission(p *permission) {
	w.permissions[p.Slug] = p
	w.permOrder = append(w.permOrder, p)
}

// without1 removes one element (by identity) from a creation-ordered slice,
// keeping the order.
func without1[T comparable](s []T, x T) []T {
	for i, v := range s {
		if v == x {
			return append(s[:i:i], s[i+1:]...)
		}
	}
	return s
}

// membershipsOf lists a user's memberships in creation order. Caller holds
// w.mu.
func (w *world) membershipsOf(userID string) []*membership { return w.userMemberships[userID] }

// orgDomain is a domain of an organization.
type orgDomain struct {
	id        string
	domain    string
	state     string // verified | pending
	createdAt time.Time
}

// deriveULID makes a stable ULID for objects the fixtures describe but do
// not name (organization domains), from a key and a time.
func deriveULID(key string, t time.Time) string {
	h := sha256.Sum256([]byte(key))
	var u ulid.ULID
	_ = u.SetTime(ulid.Timestamp(t))
	copy(u[6:], h[:10])
	return u.String()
}

func copyMetadata(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// roleClaims derives role, roles and permissions for a user in an org from
// the membership's roles, in the membership's priority order.
// roleFor finds a role for a membership in an organization: the
// organization's own role of that slug, else the environment's. Caller
// holds w.mu.
func (w *world) roleFor(orgID, slug string) *role {
	if r := w.orgRoles[orgID][slug]; r != nil {
		return r
	}
	return w.roles[slug]
}

func (w *world) roleClaims(userID, orgID string) (roleSlug string, roles, perms []string) {
	m := w.byPair[pairKey(userID, orgID)]
	if m == nil || m.Status != fixtures.MembershipActive {
		return "", nil, nil
	}
	roles = append([]string(nil), m.Roles...)
	if len(roles) > 0 {
		roleSlug = roles[0]
	}
	seen := map[string]bool{}
	for _, slug := range roles {
		if r := w.roleFor(orgID, slug); r != nil {
			for _, p := range r.Permissions {
				if !seen[p] {
					seen[p] = true
					perms = append(perms, p)
				}
			}
		}
	}
	return roleSlug, roles, perms
}
