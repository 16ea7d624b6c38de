package store

import (
	"cmp"
	"crypto/subtle"
	"fmt"
	"slices"
	"sort"
	"sync/atomic"
	"time"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// PrefixAppSecret starts the ids of Connect applications' client secrets.
const PrefixAppSecret = "secret_"

// Application is a WorkOS Connect application (fixtures' applications, or
// the Connect API's). Records are never changed in place: an update
// replaces the record (ReplaceApp), so the sign-in engine may read an
// application it looked up outside the lock.
type Application struct {
	fixtures.Application
	Seq uint64
	// DefaultRedirectURI is the redirect URI marked default ("" for none).
	DefaultRedirectURI string
	// Secrets are the application's client secrets, oldest first; any of
	// them authenticates it.
	Secrets   []*AppSecret
	CreatedAt time.Time
	UpdatedAt time.Time
}

// AppSecret is one client secret of an application. Its value never
// changes; only the time it was last used does (atomically, since clients
// authenticate outside the world's lock).
type AppSecret struct {
	ID        string
	value     []byte
	lastUsed  atomic.Int64 // Unix milliseconds; 0 when never used
	CreatedAt time.Time
}

// ListKey orders applications by creation.
func (a *Application) ListKey() (uint64, string) { return a.Seq, a.ID }

// Public reports whether the application is a public (PKCE, secret-less)
// client.
func (a *Application) Public() bool { return a.Type == fixtures.AppPublic }

// Authenticate checks a client secret against each of the application's
// secrets in constant time, and records the use of the one that matches.
// Public apps created without secrets never authenticate with one. now is
// the instance clock's time.
func (a *Application) Authenticate(secret string, now time.Time) bool {
	ok := false
	for _, s := range a.Secrets {
		if subtle.ConstantTimeCompare(s.value, []byte(secret)) == 1 {
			s.lastUsed.Store(now.UnixMilli())
			ok = true
		}
	}
	return ok
}

// Hint is the end of the secret's value, for telling secrets apart.
func (s *AppSecret) Hint() string {
	if len(s.value) <= 8 {
		return ""
	}
	return string(s.value[len(s.value)-4:])
}

// Object renders the WorkOS connect_application_secret.
func (s *AppSecret) Object() wire.Object {
	var last *string
	if ms := s.lastUsed.Load(); ms != 0 {
		last = wire.OptTime(time.UnixMilli(ms))
	}
	return wire.Object{{"object", "connect_application_secret"}, {"id", s.ID}, {"secret_hint", s.Hint()},
		{"last_used_at", last}, {"created_at", wire.Time(s.CreatedAt)}, {"updated_at", wire.Time(s.CreatedAt)}}
}

// Object renders the WorkOS connect_application: OAuth applications (a
// public, PKCE one included) with their redirect URIs and party, M2M ones
// with their organization.
func (a *Application) Object() wire.Object {
	o := wire.Object{{"object", "connect_application"}, {"id", a.ID}, {"client_id", a.ClientID},
		{"description", wire.Opt(a.Description)}, {"name", a.Name}, {"scopes", wire.NonNil(a.Scopes)},
		{"created_at", wire.Time(a.CreatedAt)}, {"updated_at", wire.Time(a.UpdatedAt)}}
	if a.Type == fixtures.AppM2M {
		return append(o, wire.KV{"application_type", "m2m"}, wire.KV{"organization_id", a.OrganizationID})
	}
	uris := make([]wire.Object, len(a.RedirectURIs))
	for i, u := range a.RedirectURIs {
		uris[i] = wire.Object{{"uri", u}, {"default", u == a.DefaultRedirectURI}}
	}
	o = append(o, wire.KV{"application_type", "oauth"}, wire.KV{"redirect_uris", uris}, wire.KV{"uses_pkce", a.Public()})
	if !a.ThirdParty {
		return append(o, wire.KV{"is_first_party", true})
	}
	return append(o, wire.KV{"is_first_party", false}, wire.KV{"was_dynamically_registered", false},
		wire.KV{"organization_id", a.OrganizationID})
}

// App is the application with that client id, or nil.
func (tx *Tx) App(clientID string) *Application { return tx.w.apps[clientID] }

// AppByID is the application with that id (conn_app_...) or client id,
// or nil.
func (tx *Tx) AppByID(id string) *Application {
	if a := tx.w.apps[id]; a != nil {
		return a
	}
	return tx.w.apps[tx.w.connect.clientOf[id]]
}

// Apps lists the applications in creation order. The slice is the index:
// do not change it.
func (tx *Tx) Apps() []*Application { return tx.w.connect.order }

// AppSecretByID finds a client secret and its application.
func (tx *Tx) AppSecretByID(id string) (*Application, *AppSecret) {
	a := tx.w.apps[tx.w.connect.secretApp[id]]
	if a == nil {
		return nil, nil
	}
	for _, s := range a.Secrets {
		if s.ID == id {
			return a, s
		}
	}
	return nil, nil
}

// NewAppSecret makes a client secret: a 64-character hex-like value from
// the seeded source, as WorkOS's are long random strings.
func (tx *Tx) NewAppSecret() (*AppSecret, string) {
	value := tx.Token(64)
	return &AppSecret{ID: tx.NewID(PrefixAppSecret), value: []byte(value), CreatedAt: tx.now}, value
}

// AddApp registers a new application.
func (tx *Tx) AddApp(a *Application) error {
	w := tx.w
	if w.apps[a.ClientID] != nil || a.ClientID == tx.st.cfg.ClientID {
		return fmt.Errorf("application %s already exists", a.ClientID)
	}
	if _, dup := w.connect.clientOf[a.ID]; dup {
		return fmt.Errorf("application %s already exists", a.ID)
	}
	a.Seq = w.nextSeq(a.ID)
	w.apps[a.ClientID] = a
	w.connect.clientOf[a.ID] = a.ClientID
	w.connect.order = append(w.connect.order, a)
	for _, s := range a.Secrets {
		w.connect.secretApp[s.ID] = a.ClientID
	}
	return nil
}

// ReplaceApp swaps an application's record for its updated copy (made
// with CopyApp): readers holding the old record keep a consistent one.
func (tx *Tx) ReplaceApp(old, next *Application) {
	w := tx.w
	next.Seq = old.Seq
	next.UpdatedAt = tx.now
	w.apps[next.ClientID] = next
	order := w.connect.order
	if i := sort.Search(len(order), func(i int) bool { return order[i].Seq >= old.Seq }); i < len(order) && order[i] == old {
		order[i] = next
	}
	for _, s := range old.Secrets {
		delete(w.connect.secretApp, s.ID)
	}
	for _, s := range next.Secrets {
		w.connect.secretApp[s.ID] = next.ClientID
	}
}

// CopyApp is a copy of an application whose lists may be changed.
func CopyApp(a *Application) *Application {
	n := &Application{Application: a.Application, DefaultRedirectURI: a.DefaultRedirectURI,
		Secrets: slices.Clone(a.Secrets), CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt}
	n.RedirectURIs = slices.Clone(a.RedirectURIs)
	n.Scopes = slices.Clone(a.Scopes)
	n.GrantTypes = slices.Clone(a.GrantTypes)
	return n
}

// DeleteApp removes an application: its secrets stop working, its users'
// grants end (their tokens introspect inactive, their refresh tokens get
// invalid_grant), and its M2M tokens introspect inactive.
func (tx *Tx) DeleteApp(a *Application) {
	w := tx.w
	for _, auth := range slices.Clone(w.connect.byClient[a.ClientID]) {
		tx.RevokeAuthorization(auth)
	}
	delete(w.apps, a.ClientID)
	delete(w.connect.clientOf, a.ID)
	for _, s := range a.Secrets {
		delete(w.connect.secretApp, s.ID)
	}
	w.connect.order = without1(w.connect.order, a)
	w.forgetSeq(a.ID, tx.now)
}

// seedApp adds a fixture application with its client secrets: its
// client_secrets, or its one client_secret (if it has one).
func (tx *Tx) seedApp(fa fixtures.Application) error {
	created := at(fa.CreatedAt, tx.now)
	app := &Application{Application: fa, CreatedAt: created, UpdatedAt: at(fa.UpdatedAt, created)}
	// The record's own fields and secrets list hold these.
	app.ClientSecret, app.ClientSecrets, app.Application.DefaultRedirectURI = "", nil, ""
	app.Application.CreatedAt, app.Application.UpdatedAt = "", ""
	app.DefaultRedirectURI = fa.DefaultRedirectURI
	if app.DefaultRedirectURI == "" && len(fa.RedirectURIs) > 0 {
		app.DefaultRedirectURI = fa.RedirectURIs[0]
	}
	for i, fs := range fa.Secrets() {
		key := fa.ClientID + "/client_secret"
		if i > 0 {
			key = fmt.Sprintf("%s/%d", key, i)
		}
		s := &AppSecret{ID: cmp.Or(fs.ID, PrefixAppSecret+deriveULID(key, created)), value: []byte(fs.Value), CreatedAt: at(fs.CreatedAt, created)}
		if t, ok := fs.LastUsedAt.Time(); ok {
			s.lastUsed.Store(t.UnixMilli())
		}
		app.Secrets = append(app.Secrets, s)
	}
	return tx.AddApp(app)
}

// snapshotApplications writes the Connect applications in creation order,
// each with every client secret it has.
func snapshotApplications(tx *Tx, set *fixtures.Set) {
	for _, a := range tx.w.connect.order {
		fa := a.Application
		fa.Pos = fixtures.Pos{}
		fa.ClientSecret, fa.ClientSecrets = "", nil
		fa.DefaultRedirectURI = a.DefaultRedirectURI
		fa.CreatedAt, fa.UpdatedAt = stamp(a.CreatedAt), stamp(a.UpdatedAt)
		if fa.OrganizationID != "" && !tx.orgExists(fa.OrganizationID) {
			fa.OrganizationID = "" // deleted since: the snapshot must load
		}
		secrets := []fixtures.ApplicationSecret{}
		for _, s := range a.Secrets {
			fs := fixtures.ApplicationSecret{ID: s.ID, Value: string(s.value), CreatedAt: stamp(s.CreatedAt)}
			if ms := s.lastUsed.Load(); ms != 0 {
				fs.LastUsedAt = stamp(time.UnixMilli(ms))
			}
			secrets = append(secrets, fs)
		}
		if len(secrets) > 0 || !a.Public() {
			fa.ClientSecrets = &secrets
		}
		set.Applications = append(set.Applications, fa)
	}
}
