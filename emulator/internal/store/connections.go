package store

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// ssoState is the enterprise sign-in part of the world: SSO connections and
// the identities their emulated identity provider offers, the IdP's
// requests, codes and tokens, the identities users signed in with,
// organization domains and Admin Portal links.
type ssoState struct {
	conns         map[string]*Connection
	connOrder     []*Connection
	connsByOrg    map[string][]*Connection
	connsByType   map[string][]*Connection
	connsByDomain map[string][]*Connection // explicit connection domains only

	profiles       map[string]*IdPProfile // by id
	profileByIdp   map[string]*IdPProfile // connection id + "\x00" + idp id
	profileByEmail map[string]*IdPProfile // connection id + "\x00" + e-mail key

	requests map[string]*IdPRequest
	codes    map[string]*SSOCode
	tokens   map[string]*SSOToken
	logouts  map[string]*SSOLogout
	// profileTokens are the live SSO access tokens of each profile, so a
	// logout ends them without scanning every token.
	profileTokens map[string][]string
	// connSessions are the User Management sessions started through each
	// connection: deleting the connection ends them.
	connSessions map[string][]string
	identities   map[string][]*Identity // by user id, in link order
	linked       map[string]string      // profile id -> user id

	domains     map[string]*OrgDomain // by id
	domainOwner map[string]*OrgDomain // by domain (lower case): a domain belongs to one organization
	// failDomains are domains whose verification fails (the control
	// plane's switch: the emulator has no DNS to look at).
	failDomains map[string]bool

	portal map[string]*PortalLink
}

func newSSOState() ssoState {
	return ssoState{conns: map[string]*Connection{}, connsByOrg: map[string][]*Connection{}, connsByType: map[string][]*Connection{},
		connsByDomain: map[string][]*Connection{}, profiles: map[string]*IdPProfile{}, profileByIdp: map[string]*IdPProfile{},
		profileByEmail: map[string]*IdPProfile{}, requests: map[string]*IdPRequest{}, codes: map[string]*SSOCode{},
		tokens: map[string]*SSOToken{}, logouts: map[string]*SSOLogout{}, profileTokens: map[string][]string{},
		connSessions: map[string][]string{}, identities: map[string][]*Identity{}, linked: map[string]string{},
		domains: map[string]*OrgDomain{}, domainOwner: map[string]*OrgDomain{}, failDomains: map[string]bool{},
		portal: map[string]*PortalLink{}}
}

// Connection is an SSO connection of an organization, or an OAuth provider
// of the environment (Google, GitHub, ...), with the identities its
// emulated identity provider offers.
type Connection struct {
	Seq   uint64
	ID    string
	Name  string
	Type  string
	OrgID string // "" for OAuth providers
	State string
	// Domains are the connection's own domains; nil means its
	// organization's verified domains, as they are at each moment.
	Domains []string
	// Profiles are the identities the IdP offers: the fixture's, then
	// those typed on its page, in creation order.
	Profiles    []*IdPProfile
	ExternalKey string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// ListKey orders connections by creation.
func (c *Connection) ListKey() (uint64, string) { return c.Seq, c.ID }

// OAuth reports whether the connection is an OAuth provider.
func (c *Connection) OAuth() bool { return fixtures.IsOAuthProvider(c.Type) }

// Active reports whether the connection can sign anyone in.
func (c *Connection) Active() bool { return c.State == fixtures.ConnectionActive }

// IdPProfile is an identity at a connection's identity provider: what the
// IdP says about a user. A profile copies its connection's type and
// organization, so codes and tokens issued for it still render after the
// connection changes.
type IdPProfile struct {
	ID           string
	ConnectionID string
	ConnType     string
	OrgID        string
	IdpID        string
	Email        string
	FirstName    string
	LastName     string
	Role         string
	Groups       []string
	Custom       map[string]any
	Raw          map[string]any
}

// Object renders the WorkOS SSO profile.
func (p *IdPProfile) Object() wire.Object {
	var role, roles any
	if p.Role != "" {
		role, roles = wire.Object{{"slug", p.Role}}, []wire.Object{{{"slug", p.Role}}}
	}
	name := strings.TrimSpace(p.FirstName + " " + p.LastName)
	custom, raw := p.Custom, p.Raw
	if custom == nil {
		custom = map[string]any{}
	}
	if raw == nil {
		raw = map[string]any{}
	}
	return wire.Object{{"object", "profile"}, {"id", p.ID}, {"organization_id", wire.Opt(p.OrgID)}, {"connection_id", p.ConnectionID},
		{"connection_type", p.ConnType}, {"idp_id", p.IdpID}, {"email", p.Email}, {"first_name", wire.Opt(p.FirstName)},
		{"last_name", wire.Opt(p.LastName)}, {"name", wire.Opt(name)}, {"role", role}, {"roles", roles},
		{"groups", wire.NonNil(p.Groups)}, {"custom_attributes", custom}, {"raw_attributes", raw}}
}

// Connection is the connection with that id, or nil.
func (tx *Tx) Connection(id string) *Connection { return tx.w.sso.conns[id] }

// Connections lists every connection in creation order. The slice is the
// index: do not change it.
func (tx *Tx) Connections() []*Connection { return tx.w.sso.connOrder }

// ConnectionsOfOrg lists an organization's connections in creation order.
// The slice is the index: do not change it.
func (tx *Tx) ConnectionsOfOrg(orgID string) []*Connection { return tx.w.sso.connsByOrg[orgID] }

// ConnectionsOfType lists the connections of a type in creation order.
// The slice is the index: do not change it.
func (tx *Tx) ConnectionsOfType(typ string) []*Connection { return tx.w.sso.connsByType[typ] }

// ConnectionsWithDomain lists the connections a domain routes to, in
// creation order: those naming it, and those of the organization that
// verified it and name no domains of their own.
func (tx *Tx) ConnectionsWithDomain(domain string) []*Connection {
	s := &tx.w.sso
	key := strings.ToLower(domain)
	out := s.connsByDomain[key]
	if d := s.domainOwner[key]; d != nil && d.State == DomainVerified {
		var implicit []*Connection
		for _, c := range s.connsByOrg[d.OrgID] {
			if c.Domains == nil {
				implicit = append(implicit, c)
			}
		}
		if len(implicit) > 0 {
			out = append(slices.Clone(out), implicit...)
			SortBySeq(out)
		}
	}
	return out
}

// ProviderConnection is the environment's OAuth provider of a type (the
// first, when there are several), or nil.
func (tx *Tx) ProviderConnection(typ string) *Connection {
	if list := tx.w.sso.connsByType[typ]; len(list) > 0 && fixtures.IsOAuthProvider(typ) {
		return list[0]
	}
	return nil
}

// Providers lists the environment's active OAuth providers, in creation
// order: the hosted login page shows a button for each.
func (tx *Tx) Providers() []*Connection {
	var out []*Connection
	for _, typ := range fixtures.ConnectionTypes {
		if c := tx.ProviderConnection(typ); c != nil && c.Active() {
			out = append(out, c)
		}
	}
	SortBySeq(out)
	return out
}

// SSOConnectionForEmail is the active enterprise connection an e-mail's
// domain routes to, or nil: the hosted login page sends such e-mails to
// their identity provider, as AuthKit does.
func (tx *Tx) SSOConnectionForEmail(email string) *Connection {
	at := strings.LastIndexByte(email, '@')
	if at < 0 {
		return nil
	}
	for _, c := range tx.ConnectionsWithDomain(email[at+1:]) {
		if c.Active() && !c.OAuth() {
			return c
		}
	}
	return nil
}

// ConnectionDomains are the domains a connection routes.
func (tx *Tx) ConnectionDomains(c *Connection) []string {
	if c.Domains != nil || c.OrgID == "" {
		return c.Domains
	}
	var out []string
	if o := tx.Org(c.OrgID); o != nil {
		for _, d := range o.Domains {
			if d.State == DomainVerified {
				out = append(out, d.Domain)
			}
		}
	}
	return out
}

// ConnectionObject renders the WorkOS connection.
func (tx *Tx) ConnectionObject(c *Connection) wire.Object {
	domains := []wire.Object{}
	for _, d := range tx.ConnectionDomains(c) {
		domains = append(domains, wire.Object{{"id", "conn_domain_" + deriveULID(c.ID+"/"+d, c.CreatedAt)}, {"object", "connection_domain"}, {"domain", d}})
	}
	status := "unlinked"
	if c.Active() {
		status = "linked"
	}
	o := wire.Object{{"object", "connection"}, {"id", c.ID}}
	if c.OrgID != "" {
		o = append(o, wire.KV{"organization_id", c.OrgID})
	}
	return append(o, wire.KV{"connection_type", c.Type}, wire.KV{"name", c.Name}, wire.KV{"state", c.State},
		wire.KV{"status", status}, wire.KV{"domains", domains},
		wire.KV{"created_at", wire.Time(c.CreatedAt)}, wire.KV{"updated_at", wire.Time(c.UpdatedAt)})
}

// ConnectionEventObject is the data of the connection.* events: the
// connection with its external key.
func (tx *Tx) ConnectionEventObject(c *Connection) wire.Object {
	return append(tx.ConnectionObject(c), wire.KV{"external_key", c.ExternalKey})
}

// AddConnection indexes a new connection and its profiles. An active
// connection emits connection.activated.
func (tx *Tx) AddConnection(c *Connection) {
	s := &tx.w.sso
	c.Seq = tx.w.nextSeq(c.ID)
	if c.ExternalKey == "" {
		c.ExternalKey = strings.ToLower(deriveULID("external_key/"+c.ID, c.CreatedAt))
	}
	s.conns[c.ID] = c
	s.connOrder = append(s.connOrder, c)
	if c.OrgID != "" {
		s.connsByOrg[c.OrgID] = append(s.connsByOrg[c.OrgID], c)
	}
	s.connsByType[c.Type] = append(s.connsByType[c.Type], c)
	for _, d := range c.Domains {
		key := strings.ToLower(d)
		s.connsByDomain[key] = append(s.connsByDomain[key], c)
	}
	profiles := c.Profiles
	c.Profiles = nil
	for _, p := range profiles {
		tx.AddProfile(c, p)
	}
	if c.Active() {
		tx.Emit("connection.activated", c.OrgID, tx.ConnectionEventObject(c))
	}
}

// AddProfile adds an identity to a connection's identity provider.
func (tx *Tx) AddProfile(c *Connection, p *IdPProfile) {
	s := &tx.w.sso
	p.ConnectionID, p.ConnType, p.OrgID = c.ID, c.Type, c.OrgID
	c.Profiles = append(c.Profiles, p)
	s.profiles[p.ID] = p
	s.profileByIdp[c.ID+"\x00"+p.IdpID] = p
	s.profileByEmail[c.ID+"\x00"+EmailKey(p.Email)] = p
}

// Profile is the IdP profile with that id, or nil.
func (tx *Tx) Profile(id string) *IdPProfile { return tx.w.sso.profiles[id] }

// ProfileByEmail is the identity with that e-mail at a connection's IdP,
// or nil.
func (tx *Tx) ProfileByEmail(c *Connection, email string) *IdPProfile {
	return tx.w.sso.profileByEmail[c.ID+"\x00"+EmailKey(email)]
}

// SetConnectionState changes a connection's state, emitting
// connection.activated or connection.deactivated when it starts or stops
// being able to sign users in. Leaving active ends its sessions.
func (tx *Tx) SetConnectionState(c *Connection, state string) {
	if c.State == state {
		return
	}
	was := c.Active()
	c.State, c.UpdatedAt = state, tx.now
	switch {
	case c.Active() && !was:
		tx.Emit("connection.activated", c.OrgID, tx.ConnectionEventObject(c))
	case was && !c.Active():
		tx.endConnectionSessions(c)
		tx.Emit("connection.deactivated", c.OrgID, tx.ConnectionEventObject(c))
	}
}

// DeleteConnection removes a connection and its profiles: the sessions
// started through it end, and its codes and SSO tokens stop working. It
// emits connection.deleted.
func (tx *Tx) DeleteConnection(c *Connection) {
	s := &tx.w.sso
	tx.Emit("connection.deleted", c.OrgID, tx.ConnectionObject(c))
	tx.endConnectionSessions(c)
	delete(s.connSessions, c.ID)
	delete(s.conns, c.ID)
	s.connOrder = without1(s.connOrder, c)
	if c.OrgID != "" {
		if s.connsByOrg[c.OrgID] = without1(s.connsByOrg[c.OrgID], c); len(s.connsByOrg[c.OrgID]) == 0 {
			delete(s.connsByOrg, c.OrgID)
		}
	}
	if s.connsByType[c.Type] = without1(s.connsByType[c.Type], c); len(s.connsByType[c.Type]) == 0 {
		delete(s.connsByType, c.Type)
	}
	for _, d := range c.Domains {
		key := strings.ToLower(d)
		if s.connsByDomain[key] = without1(s.connsByDomain[key], c); len(s.connsByDomain[key]) == 0 {
			delete(s.connsByDomain, key)
		}
	}
	for _, p := range c.Profiles {
		delete(s.profiles, p.ID)
		delete(s.profileByIdp, c.ID+"\x00"+p.IdpID)
		delete(s.profileByEmail, c.ID+"\x00"+EmailKey(p.Email))
		for _, tok := range s.profileTokens[p.ID] {
			delete(s.tokens, tok)
		}
		delete(s.profileTokens, p.ID)
	}
	tx.w.forgetSeq(c.ID, tx.now)
}

// endConnectionSessions revokes the sessions started through a connection.
func (tx *Tx) endConnectionSessions(c *Connection) {
	s := &tx.w.sso
	for _, id := range s.connSessions[c.ID] {
		if ss := tx.w.sessions[id]; ss != nil {
			tx.EndSession(ss, fixtures.SessionRevoked)
		}
	}
	delete(s.connSessions, c.ID)
}

// LinkSession records that a User Management session started through a
// connection.
func (tx *Tx) LinkSession(connectionID, sessionID string) {
	s := &tx.w.sso
	if s.conns[connectionID] == nil {
		return
	}
	// Ended sessions leave the list as it grows, so it stays as long as
	// the connection's live sessions.
	live := s.connSessions[connectionID][:0]
	for _, id := range s.connSessions[connectionID] {
		if ss := tx.w.sessions[id]; ss != nil && ss.Status == fixtures.SessionActive {
			live = append(live, id)
		}
	}
	s.connSessions[connectionID] = append(live, sessionID)
}

// seedConnections adds a fixture's connections (emitting, when fixtures
// are added at run time, connection.activated for the active ones).
func (tx *Tx) seedConnections(list []fixtures.Connection) error {
	for i := range list {
		f := &list[i]
		if tx.Connection(f.ID) != nil {
			return fmt.Errorf("connection %s already exists", f.ID)
		}
		if f.OrganizationID != "" && tx.Org(f.OrganizationID) == nil {
			return fmt.Errorf("organization %s does not exist", f.OrganizationID)
		}
		created := at(f.CreatedAt, tx.now)
		c := &Connection{ID: f.ID, Name: f.Name, Type: f.ConnectionType, OrgID: f.OrganizationID, State: f.State,
			CreatedAt: created, UpdatedAt: at(f.UpdatedAt, created)}
		if len(f.Domains) > 0 {
			c.Domains = make([]string, len(f.Domains))
			for j, d := range f.Domains {
				c.Domains[j] = strings.ToLower(d)
			}
		}
		for j := range f.Profiles {
			fp := &f.Profiles[j]
			if tx.Profile(fp.ID) != nil {
				return fmt.Errorf("profile %s already exists", fp.ID)
			}
			c.Profiles = append(c.Profiles, &IdPProfile{ID: fp.ID, IdpID: fp.IdpID, Email: fp.Email, FirstName: fp.FirstName,
				LastName: fp.LastName, Role: fp.Role, Groups: slices.Clone(fp.Groups), Custom: maps.Clone(fp.CustomAttributes),
				Raw: maps.Clone(fp.RawAttributes)})
		}
		tx.AddConnection(c)
		for j, p := range c.Profiles {
			if u := tx.w.users[f.Profiles[j].UserID]; u != nil {
				tx.LinkIdentity(u, p)
			}
		}
	}
	return nil
}

// snapshotConnections writes the connections in creation order with every
// identity their IdP offers (those typed on its page included) and the
// user each identity signed in as. The IdP's pending requests, codes, SSO
// tokens and Admin Portal links are not fixture state.
func snapshotConnections(tx *Tx, set *fixtures.Set) {
	s := &tx.w.sso
	for _, c := range s.connOrder {
		fc := fixtures.Connection{ID: c.ID, Name: c.Name, ConnectionType: c.Type, OrganizationID: c.OrgID, State: c.State,
			Domains: slices.Clone(c.Domains), CreatedAt: stamp(c.CreatedAt), UpdatedAt: stamp(c.UpdatedAt)}
		for _, p := range c.Profiles {
			fp := fixtures.ConnectionProfile{ID: p.ID, IdpID: p.IdpID, Email: p.Email, FirstName: p.FirstName, LastName: p.LastName,
				Groups: slices.Clone(p.Groups), Role: p.Role, CustomAttributes: plain(p.Custom), RawAttributes: plain(p.Raw)}
			if p.Role != "" && tx.RoleFor(c.OrgID, p.Role) == nil {
				fp.Role = "" // an organization role deleted since
			}
			if id := s.linked[p.ID]; tx.userExists(id) {
				fp.UserID = id
			}
			fc.Profiles = append(fc.Profiles, fp)
		}
		set.Connections = append(set.Connections, fc)
	}
}
