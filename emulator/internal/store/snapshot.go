package store

import (
	"cmp"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// Snapshots: the world as a fixture set that, loaded into a fresh
// emulator, reproduces it (GET /_emulator/snapshot, --export-on-exit,
// the testkit's Snapshot). Every item is written with its id and times,
// nothing is left to defaults, and the seeded streams' positions and the
// event cursor go into the environment, so loading a snapshot and taking
// one again gives the same bytes. Each product area adds its section's
// exporter to snapshotters.

// snapshotters fill the sections of a snapshot, one per area.
var snapshotters = []func(tx *Tx, set *fixtures.Set){
	snapshotEnvironment,
	snapshotApplications,
	snapshotOrganizations,
	snapshotUsers,
	snapshotRoles,
	snapshotMemberships,
	snapshotSessions,
	snapshotWebhookEndpoints,
}

// Snapshot renders the world as a fixture set.
func (s *Store) Snapshot() *fixtures.Set {
	set := &fixtures.Set{Version: fixtures.SchemaVersion}
	_ = s.Read(func(tx *Tx) error {
		for _, fill := range snapshotters {
			fill(tx, set)
		}
		return nil
	})
	return set
}

// stamp writes a time the way fixtures read it, to the nanosecond.
func stamp(t time.Time) fixtures.Timestamp {
	if t.IsZero() {
		return ""
	}
	return fixtures.Timestamp(t.UTC().Format(time.RFC3339Nano))
}

func snapshotEnvironment(tx *Tx, set *fixtures.Set) {
	env := tx.w.fixtures.Environment
	cfg := tx.st.cfg
	env.ClientID = cfg.ClientID
	env.APIKeys = nil
	for _, k := range cfg.APIKeys {
		env.APIKeys = append(env.APIKeys, string(k))
	}
	env.Clock = stamp(tx.now)
	env.Seed = tx.st.seed
	env.RandomState = tx.st.randomState()
	if n := len(tx.w.events.all.items); n > 0 {
		env.EventCursor = tx.w.events.all.items[n-1].ID
	} else {
		env.EventCursor = tx.w.events.origin
	}
	if t := tx.w.jwtTemplate; t != nil {
		env.JWTTemplate = t.Content
	} else {
		env.JWTTemplate = ""
	}
	set.Environment = env
}

// snapshotApplications writes the Connect applications in creation order;
// an application keeps its first client secret (fixtures have one).
func snapshotApplications(tx *Tx, set *fixtures.Set) {
	for _, a := range tx.w.connect.order {
		fa := a.Application
		fa.Pos = fixtures.Pos{}
		fa.ClientSecret = ""
		if len(a.Secrets) > 0 {
			fa.ClientSecret = string(a.Secrets[0].value)
		}
		set.Applications = append(set.Applications, fa)
	}
}

func snapshotOrganizations(tx *Tx, set *fixtures.Set) {
	for _, o := range tx.w.orgOrder {
		fo := fixtures.Organization{ID: o.ID, Name: o.Name, ExternalID: o.ExternalID, Metadata: fixtures.Metadata(o.Metadata),
			AllowProfilesOutsideOrganization: o.AllowProfilesOutsideOrganization, CreatedAt: stamp(o.CreatedAt), UpdatedAt: stamp(o.UpdatedAt)}
		for _, d := range o.Domains {
			fo.Domains = append(fo.Domains, d.Domain)
		}
		for _, k := range tx.w.apiKeys.byOrg[o.ID] {
			fo.APIKeys = append(fo.APIKeys, fixtures.OrgAPIKey{Name: k.Name, Value: k.value, Permissions: slices.Clone(k.Permissions)})
		}
		set.Organizations = append(set.Organizations, fo)
	}
}

func snapshotUsers(tx *Tx, set *fixtures.Set) {
	for _, u := range tx.w.userOrder {
		fu := fixtures.User{ID: u.ID, Email: u.Email, EmailVerified: u.EmailVerified, FirstName: u.FirstName, LastName: u.LastName,
			Password: string(u.Password), PasswordHash: string(u.PasswordHash), ExternalID: u.ExternalID, Metadata: fixtures.Metadata(u.Metadata),
			ProfilePictureURL: u.ProfilePictureURL, Locale: u.Locale, CreatedAt: stamp(u.CreatedAt), UpdatedAt: stamp(u.UpdatedAt)}
		if u.LastSignInAt != nil {
			fu.LastSignInAt = stamp(*u.LastSignInAt)
		}
		if fs := tx.w.userFactors[u.ID]; len(fs) > 0 {
			fu.TOTPSecret = fs[0].Secret
		}
		set.Users = append(set.Users, fu)
	}
}

func snapshotRoles(tx *Tx, set *fixtures.Set) {
	for _, p := range tx.w.permOrder {
		set.Permissions = append(set.Permissions, fixtures.Permission{ID: p.ID, Slug: p.Slug, Name: p.Name, Description: p.Description})
	}
	var roles []*Role
	for _, r := range tx.w.roles {
		roles = append(roles, r)
	}
	slices.SortFunc(roles, func(a, b *Role) int { return cmp.Compare(a.Seq, b.Seq) })
	for _, r := range roles {
		set.Roles = append(set.Roles, fixtures.Role{ID: r.ID, Slug: r.Slug, Name: r.Name, Description: r.Description,
			Permissions: slices.Clone(r.Permissions)})
	}
}

func snapshotMemberships(tx *Tx, set *fixtures.Set) {
	ms := make([]*Membership, 0, len(tx.w.memberships))
	for _, m := range tx.w.memberships {
		ms = append(ms, m)
	}
	SortBySeq(ms)
	for _, m := range ms {
		fm := fixtures.Membership{ID: m.ID, UserID: m.UserID, OrganizationID: m.OrgID, Status: m.Status,
			CreatedAt: stamp(m.CreatedAt), UpdatedAt: stamp(m.UpdatedAt)}
		if len(m.Roles) == 1 {
			fm.Role = m.Roles[0]
		} else {
			fm.Roles = slices.Clone(m.Roles)
		}
		set.Memberships = append(set.Memberships, fm)
	}
}

func snapshotSessions(tx *Tx, set *fixtures.Set) {
	ss := make([]*Session, 0, len(tx.w.sessions))
	for _, s := range tx.w.sessions {
		// A session outlives its user only until it is evicted; it cannot
		// be loaded without one.
		if tx.w.users[s.UserID] != nil && (s.OrgID == "" || tx.w.orgs[s.OrgID] != nil) {
			ss = append(ss, s)
		}
	}
	SortBySeq(ss)
	for _, s := range ss {
		fs := fixtures.Session{ID: s.ID, UserID: s.UserID, OrganizationID: s.OrgID, ClientID: s.ClientID, Status: s.Status,
			RefreshToken: s.RefreshToken, Scopes: slices.Clone(s.Scopes), CreatedAt: stamp(s.CreatedAt), AuthMethod: s.AuthMethod,
			LastActiveAt: stamp(s.LastActive), IPAddress: s.IPAddress, UserAgent: s.UserAgent}
		if s.EndedAt != nil {
			fs.EndedAt = stamp(*s.EndedAt)
		}
		if rt := tx.w.refresh[s.RefreshToken]; rt != nil {
			fs.RefreshTokenIssuedAt = stamp(time.Unix(rt.IAT, 0))
		}
		fs.AccessToken = tx.keptToken(s)
		if fs.AccessToken == nil {
			no := false
			fs.MintAccessToken = &no
		}
		set.Sessions = append(set.Sessions, fs)
	}
}

func snapshotWebhookEndpoints(tx *Tx, set *fixtures.Set) {
	for _, e := range tx.w.webhooks.order {
		set.WebhookEndpoints = append(set.WebhookEndpoints, fixtures.WebhookEndpoint{ID: e.ID, EndpointURL: e.URL, Secret: e.Secret,
			Events: slices.Clone(e.Events), Status: e.Status})
	}
}

// randomState encodes the positions of the seeded streams.
func (s *Store) randomState() string {
	parts := []string{"v1"}
	// The request-id stream is left out: request ids need not continue, and
	// with it every request (a GET of the snapshot itself) would change
	// the snapshot.
	for _, e := range []*entropy{s.ids, s.eventIDs} {
		b, err := e.state()
		if err != nil {
			return ""
		}
		parts = append(parts, base64.RawURLEncoding.EncodeToString(b))
	}
	return strings.Join(parts, ".")
}

// restoreRandomState puts the seeded streams where a snapshot left them.
func (s *Store) restoreRandomState(state string) error {
	parts := strings.Split(state, ".")
	if len(parts) != 3 || parts[0] != "v1" {
		return errors.New("environment.random_state is not a state this emulator wrote")
	}
	for i, e := range []*entropy{s.ids, s.eventIDs} {
		b, err := base64.RawURLEncoding.DecodeString(parts[i+1])
		if err == nil {
			err = e.restore(b)
		}
		if err != nil {
			return fmt.Errorf("environment.random_state: %v", err)
		}
	}
	return nil
}

// keptToken is the pins of the access token a session keeps (fixture and
// minted sessions), whether signed yet or still deferred, or nil.
func (tx *Tx) keptToken(s *Session) *fixtures.AccessToken {
	pins := func(rec *AccessToken) *fixtures.AccessToken {
		return &fixtures.AccessToken{JTI: rec.JTI, IssuedAt: stamp(time.Unix(rec.IAT, 0)), ExpiresAt: stamp(time.Unix(rec.Exp, 0))}
	}
	if s.AccessToken != "" {
		if rec := tx.w.access[tx.w.keyOf(s.AccessToken)]; rec != nil {
			return pins(rec)
		}
		return nil
	}
	for _, d := range tx.w.deferred {
		if d.Rec.SessionID == s.ID && d.minted == s.minted {
			return pins(d.Rec)
		}
	}
	return nil
}
