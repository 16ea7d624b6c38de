package store

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"reflect"
	"strings"
	"time"

	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// SessionSeed is a fixture session whose record is in the world and whose
// access token is still to be minted (by the tokens package, which signs):
// the pins of the fixture's access_token, zero where it pins nothing.
type SessionSeed struct {
	Session *Session
	JTI     string
	IAT     time.Time
	Exp     time.Time
	// Mint is false for a session whose access token its client holds
	// (a snapshot's): no token is made for it at load.
	Mint bool
}

// SeedFunc mints the access token of a fixture session: Reset calls it for
// each session, on the new world before anyone can see it.
type SeedFunc func(tx *Tx, seed SessionSeed) error

// Reset returns the environment to exactly the loaded world: the same ids,
// the same tokens, the same keys, an empty journal, no faults and, when
// resetClock is set, the same clock. Fixtures added at run time are
// dropped. The new world is built and its sessions' tokens minted (seed)
// before it replaces the old one, so no request sees it half made.
func (s *Store) Reset(resetClock bool, seed SeedFunc) error {
	s.fixMu.Lock()
	defer s.fixMu.Unlock()
	if resetClock {
		if s.start.IsZero() {
			s.clock.Real()
		} else {
			s.clock.Set(s.start)
		}
	}
	s.ids.reseed(s.seed, "ids")
	s.reqIDs.reseed(s.seed, "requests")
	s.eventIDs.reseed(s.seed, "events")
	now := s.clock.Now()
	tx := &Tx{st: s, w: newWorld(s.cfg, s.ring, now), now: now, write: true}
	tx.w.fixtures = s.loaded
	tx.w.events.origin = s.loaded.Environment.EventCursor
	env := &s.loaded.Environment
	tx.w.createdAt = at(env.CreatedAt, now)
	if tpl := env.JWTTemplate; tpl != "" {
		t, err := ParseJWTTemplate(tpl, now)
		if err != nil {
			p := s.loaded.EnvironmentPos("jwt_template")
			return fixtures.Problems{{File: p.File, Line: p.Line, Path: "environment.jwt_template", Message: err.Error()}}
		}
		t.CreatedAt = at(env.JWTTemplateCreatedAt, now)
		t.UpdatedAt = at(env.JWTTemplateUpdatedAt, t.CreatedAt)
		tx.w.jwtTemplate = t
	}
	if err := tx.addFixtures(s.loaded); err != nil {
		return err
	}
	tx.seedFactors(s.loaded.Users)
	for i := range s.loaded.Sessions {
		sd, err := tx.seedSession(&s.loaded.Sessions[i])
		if err != nil {
			return err
		}
		if !sd.Mint {
			continue
		}
		if err := seed(tx, sd); err != nil {
			return err
		}
	}
	// A snapshot's streams continue where they were, after whatever the
	// seeding above drew: ids made from now on never repeat the world's.
	if rs := s.loaded.Environment.RandomState; rs != "" {
		if err := s.restoreRandomState(rs); err != nil {
			p := s.loaded.EnvironmentPos("random_state")
			return fixtures.Problems{{File: p.File, Line: p.Line, Path: "environment.random_state", Message: err.Error()}}
		}
	}
	s.mu.Lock()
	old := s.w
	s.w = tx.w
	if old != nil {
		old.deliveryChanged() // waiters on the old world's deliveries look again
	}
	s.mu.Unlock()
	s.journal.reset()
	s.faults.Clear()
	s.changed()
	return nil
}

// ConflictError is an addition that collides with the running world in a
// way validation cannot phrase as a fixture problem.
type ConflictError struct{ Message string }

func (e ConflictError) Error() string { return e.Message }

// Added counts what AddFixtures merged in, by section.
type Added map[string]int

// AddFixtures merges a fixture document (YAML or JSON) into the running
// world. It is validated together with the world's fixtures; on any problem
// nothing changes and the error is a fixtures.Problems listing every
// problem (conflicts with objects created at run time included). Omitted
// ids are generated from the seed, as at load time. The environment cannot
// change at run time. The added sessions' records are in the world when it
// returns; seed mints each one's token (outside any transaction: signing
// is slow). The document is parsed before anything waits on other
// additions, and the work stops between stages when ctx ends (the client
// went away).
func (s *Store) AddFixtures(ctx context.Context, data []byte, name string, seed func(SessionSeed) error) (Added, error) {
	added, err := fixtures.Decode(data, name)
	if err != nil {
		return nil, err
	}
	if !reflect.ValueOf(added.Environment).IsZero() {
		return nil, fixtures.Problems{{File: name, Path: "environment", Message: "the environment cannot change at run time: restart with new fixtures"}}
	}
	s.fixMu.Lock()
	defer s.fixMu.Unlock()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var base *fixtures.Set
	_ = s.Read(func(tx *Tx) error { base = tx.w.fixtures; return nil })
	merged, err := fixtures.Merge(base, added)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	fresh := merged.Tail(base)
	err = s.Write(func(tx *Tx) error {
		if err := tx.conflicts(fresh); err != nil {
			return err
		}
		if err := tx.addFixtures(fresh); err != nil {
			return ConflictError{err.Error()}
		}
		tx.w.fixtures = merged
		tx.seedFactors(fresh.Users)
		tx.emitAdded(fresh)
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i := range fresh.Sessions {
		var sd SessionSeed
		err := s.Write(func(tx *Tx) error {
			var err error
			if sd, err = tx.seedSession(&fresh.Sessions[i]); err == nil && sd.Session.Status == fixtures.SessionActive {
				tx.EmitSession("session.created", sd.Session)
			}
			return err
		})
		if err != nil {
			return nil, err
		}
		if err := seed(sd); err != nil {
			return nil, err
		}
	}
	return Added(fresh.Counts()), nil
}

// addFixtures puts a set's objects into the world.
func (tx *Tx) addFixtures(set *fixtures.Set) error {
	w, now := tx.w, tx.now
	for i := range set.Applications {
		if err := tx.seedApp(set.Applications[i]); err != nil {
			return err
		}
	}
	for i := range set.Organizations {
		o := &set.Organizations[i]
		if _, dup := w.orgs[o.ID]; dup {
			return fmt.Errorf("organization %s already exists", o.ID)
		}
		created := at(o.CreatedAt, now)
		org := &Organization{ID: o.ID, Name: o.Name, ExternalID: o.ExternalID, Metadata: copyMetadata(o.Metadata),
			AllowProfilesOutsideOrganization: o.AllowProfilesOutsideOrganization, CreatedAt: created, UpdatedAt: at(o.UpdatedAt, created)}
		org.Domains = fixtureDomains(o, created)
		tx.AddOrg(org)
	}
	for i := range set.Users {
		u := &set.Users[i]
		if _, dup := w.users[u.ID]; dup {
			return fmt.Errorf("user %s already exists", u.ID)
		}
		if _, dup := w.byEmail[EmailKey(u.Email)]; dup {
			return fmt.Errorf("a user with e-mail %s already exists", u.Email)
		}
		created := at(u.CreatedAt, now)
		nu := &User{ID: u.ID, Email: u.Email, EmailVerified: u.EmailVerified,
			FirstName: u.FirstName, LastName: u.LastName, ProfilePictureURL: u.ProfilePictureURL, Locale: u.Locale,
			ExternalID: u.ExternalID, Metadata: copyMetadata(u.Metadata), CreatedAt: created, UpdatedAt: at(u.UpdatedAt, created)}
		if t, ok := u.LastSignInAt.Time(); ok {
			t = t.UTC()
			nu.LastSignInAt = &t
		}
		if u.Password != "" {
			nu.Password = []byte(u.Password)
		}
		if u.PasswordHash != "" {
			nu.PasswordHash = []byte(u.PasswordHash)
		}
		tx.AddUser(nu)
	}
	for i := range set.Permissions {
		p := &set.Permissions[i]
		pc := at(p.CreatedAt, now)
		np := &Permission{ID: p.ID, Slug: p.Slug, Name: p.Name, Description: p.Description, ResourceType: p.ResourceTypeSlug, CreatedAt: pc, UpdatedAt: at(p.UpdatedAt, pc)}
		tx.AddPermission(np)
		tx.Emit("permission.created", "", np.Object())
	}
	for i := range set.Roles {
		r := &set.Roles[i]
		if (r.OrganizationID == "" && w.roles[r.Slug] != nil) || (r.OrganizationID != "" && w.orgRoles[r.OrganizationID][r.Slug] != nil) {
			return fmt.Errorf("role %s already exists", r.Slug)
		}
		if r.OrganizationID != "" && w.orgs[r.OrganizationID] == nil {
			return fmt.Errorf("organization %s does not exist", r.OrganizationID)
		}
		rc := at(r.CreatedAt, now)
		nr := &Role{ID: r.ID, OrgID: r.OrganizationID, Slug: r.Slug, Name: r.Name, Description: r.Description, ResourceType: r.ResourceTypeSlug,
			Permissions: append([]string{}, r.Permissions...), CreatedAt: rc, UpdatedAt: at(r.UpdatedAt, rc)}
		tx.AddRole(nr)
		tx.Emit(nr.EventPrefix()+".created", r.OrganizationID, nr.EventObject())
	}
	for i := range set.Memberships {
		m := &set.Memberships[i]
		if _, dup := w.memberships[m.ID]; dup {
			return fmt.Errorf("membership %s already exists", m.ID)
		}
		if _, dup := w.byPair[pairKey(m.UserID, m.OrganizationID)]; dup {
			return fmt.Errorf("user %s is already a member of %s", m.UserID, m.OrganizationID)
		}
		mc := at(m.CreatedAt, now)
		tx.addMembership(&Membership{ID: m.ID, UserID: m.UserID, OrgID: m.OrganizationID,
			Roles: append([]string(nil), m.RoleSlugs()...), Status: m.Status, DirectoryManaged: m.DirectoryManaged,
			CustomAttributes: maps.Clone(m.CustomAttributes), CreatedAt: mc, UpdatedAt: at(m.UpdatedAt, mc)})
	}
	if err := tx.seedInvitations(set.Invitations); err != nil {
		return err
	}
	// The sections of the rest of WorkOS, one call per area.
	tx.seedAllowlists(set.Environment)
	tx.seedRadarLists(set.Environment.RadarLists)
	if err := tx.seedWebhookEndpoints(set.WebhookEndpoints); err != nil {
		return err
	}
	if err := tx.seedVaultObjects(set.VaultObjects); err != nil {
		return err
	}
	if err := tx.seedDataIntegrations(set.DataIntegrations); err != nil {
		return err
	}
	if err := tx.seedOrgAPIKeys(set.Organizations); err != nil {
		return err
	}
	if err := tx.seedUserAPIKeys(set.Users); err != nil {
		return err
	}
	if err := tx.seedFeatureFlags(set.FeatureFlags); err != nil {
		return err
	}
	if err := tx.seedConnections(set.Connections); err != nil {
		return err
	}
	if err := tx.seedDirectories(set.Directories); err != nil {
		return err
	}
	if err := tx.seedAuditLogActions(set.AuditLogActions); err != nil {
		return err
	}
	if err := tx.seedAuditLogEvents(set); err != nil {
		return err
	}
	if err := tx.seedAuthorization(set); err != nil {
		return err
	}
	if err := tx.seedAgentRegistrations(set.AgentRegistrations); err != nil {
		return err
	}
	return nil
}

// seedFactors enrolls fixture users that have a totp_secret in TOTP MFA.
func (tx *Tx) seedFactors(users []fixtures.User) {
	for _, u := range users {
		if u.TOTPSecret != "" {
			secret := strings.ToUpper(strings.TrimRight(u.TOTPSecret, "="))
			tx.AddFactor(u.ID, secret, "authkit-emulator", u.Email)
		}
	}
}

// seedSession adds a fixture session's record, honouring its pinned
// refresh token and statuses, and returns the pins of its access token.
func (tx *Tx) seedSession(fs *fixtures.Session) (SessionSeed, error) {
	var pinned fixtures.AccessToken
	if fs.AccessToken != nil {
		pinned = *fs.AccessToken
	}
	iat := at(pinned.IssuedAt, time.Time{})
	created := at(fs.CreatedAt, iat)
	if created.IsZero() {
		created = tx.now
	}
	ss := &Session{ID: fs.ID, UserID: fs.UserID, OrgID: fs.OrganizationID, ClientID: fs.ClientID,
		Status: fs.Status, AuthMethod: cmp.Or(fs.AuthMethod, "password"), Scopes: fs.Scopes,
		CreatedAt: created, LastActive: at(fs.LastActiveAt, created), UpdatedAt: created,
		IPAddress: fs.IPAddress, UserAgent: fs.UserAgent}
	ss.Family = FamilyUM
	if fs.ClientID != tx.st.cfg.ClientID {
		ss.Family = FamilyConnect
		if len(ss.Scopes) == 0 {
			if app := tx.w.apps[fs.ClientID]; app != nil {
				ss.Scopes = app.Scopes
			}
		}
	}
	if ss.Status != fixtures.SessionActive {
		ended := at(fs.EndedAt, created)
		ss.EndedAt = &ended
		ss.UpdatedAt = ended
	}
	if ss.LastActive.After(ss.UpdatedAt) {
		ss.UpdatedAt = ss.LastActive
	}
	ss.RefreshToken = fs.RefreshToken
	if ss.RefreshToken == "" {
		ss.RefreshToken = tx.Token(RefreshTokenLength)
	}
	if _, dup := tx.w.sessions[ss.ID]; dup {
		return SessionSeed{}, fmt.Errorf("session %s already exists", ss.ID)
	}
	tx.AddSession(ss)
	if fs.ConnectionID != "" {
		tx.LinkSession(fs.ConnectionID, ss.ID)
	}
	if t, ok := fs.RefreshTokenIssuedAt.Time(); ok {
		tx.w.refresh[ss.RefreshToken].IAT = t.Unix()
	}
	sd := SessionSeed{Session: ss, JTI: pinned.JTI, IAT: iat, Mint: fs.MintAccessToken == nil || *fs.MintAccessToken}
	if exp, ok := pinned.ExpiresAt.Time(); ok {
		sd.Exp = exp
		if sd.IAT.IsZero() {
			sd.IAT = tx.now
		}
	}
	return sd, nil
}

// conflicts reports added objects that collide with objects created at run
// time (over the API), which the fixture validation cannot see.
func (tx *Tx) conflicts(add *fixtures.Set) error {
	w := tx.w
	var ps fixtures.Problems
	for _, u := range add.Users {
		if w.users[u.ID] != nil {
			ps = append(ps, fixtures.Problem{File: u.File, Line: u.Line, Path: u.Path + ".id", Message: fmt.Sprintf("user %s already exists", u.ID)})
		} else if w.byEmail[EmailKey(u.Email)] != nil {
			ps = append(ps, fixtures.Problem{File: u.File, Line: u.KeyLine("email"), Path: u.Path + ".email", Message: fmt.Sprintf("a user with e-mail %s already exists", u.Email)})
		}
	}
	for _, o := range add.Organizations {
		if w.orgs[o.ID] != nil {
			ps = append(ps, fixtures.Problem{File: o.File, Line: o.Line, Path: o.Path + ".id", Message: fmt.Sprintf("organization %s already exists", o.ID)})
		}
		for _, d := range fixtureDomains(&o, tx.now) {
			if owner := tx.DomainOwner(d.Domain); owner != nil {
				ps = append(ps, fixtures.Problem{File: o.File, Line: o.Line, Path: o.Path,
					Message: fmt.Sprintf("domain %s already belongs to organization %s", d.Domain, owner.OrgID)})
			}
		}
	}
	for _, m := range add.Memberships {
		if w.byPair[pairKey(m.UserID, m.OrganizationID)] != nil || w.memberships[m.ID] != nil {
			ps = append(ps, fixtures.Problem{File: m.File, Line: m.Line, Path: m.Path, Message: fmt.Sprintf("user %s is already a member of %s", m.UserID, m.OrganizationID)})
		}
	}
	for _, r := range add.Roles {
		if (r.OrganizationID == "" && w.roles[r.Slug] != nil) || (r.OrganizationID != "" && w.orgRoles[r.OrganizationID][r.Slug] != nil) {
			ps = append(ps, fixtures.Problem{File: r.File, Line: r.Line, Path: r.Path + ".slug", Message: fmt.Sprintf("role %s already exists", r.Slug)})
		}
	}
	for _, inv := range add.Invitations {
		if w.invitations[inv.ID] != nil || w.invitationsByToken[inv.Token] != nil {
			ps = append(ps, fixtures.Problem{File: inv.File, Line: inv.Line, Path: inv.Path + ".id", Message: fmt.Sprintf("invitation %s (or its token) already exists", inv.ID)})
		}
	}
	for _, ss := range add.Sessions {
		if w.sessions[ss.ID] != nil {
			ps = append(ps, fixtures.Problem{File: ss.File, Line: ss.Line, Path: ss.Path + ".id", Message: fmt.Sprintf("session %s already exists", ss.ID)})
		}
	}
	if len(ps) > 0 {
		return ps
	}
	return nil
}

// emitAdded emits the created events of the core sections a run-time
// addition brought (the world's initial fixtures emit nothing: they are
// where the log starts). Other areas' seeders emit their own.
func (tx *Tx) emitAdded(set *fixtures.Set) {
	for i := range set.Organizations {
		tx.EmitOrg("organization.created", tx.Org(set.Organizations[i].ID))
	}
	for i := range set.Users {
		tx.EmitUser("user.created", tx.User(set.Users[i].ID))
	}
	for i := range set.Memberships {
		tx.EmitMembership("organization_membership.created", tx.Membership(set.Memberships[i].ID))
	}
}
