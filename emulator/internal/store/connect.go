package store

import (
	"slices"
	"time"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// PrefixAuthorization starts the ids of authorized applications (a user's
// consent to a Connect application).
const PrefixAuthorization = "authorized_connect_app_"

// Authorization is an authorized Connect application: a user's standing
// grant to one application, made by their first Connect sign-in to it
// (an app_consent_ session, fixture sessions included). Every later grant
// of the same user to the same application joins it; revoking it ends
// them all.
type Authorization struct {
	Seq      uint64
	ID       string
	UserID   string
	ClientID string
	// OrgID is the organization of the grant that made it ("" for none):
	// the organization's list of authorized applications shows it.
	OrgID string
	// Scopes are those the latest grant was given.
	Scopes []string
	// Sessions are the grants' session ids (some may have been evicted:
	// they are dropped when the list has doubled since it was last
	// pruned, so a user signing in again and again keeps it bounded).
	Sessions  []string
	pruneAt   int
	CreatedAt time.Time
}

// ListKey orders authorizations by creation.
func (a *Authorization) ListKey() (uint64, string) { return a.Seq, a.ID }

// connect is the Connect area's state beyond the apps map: application
// ids, their order, the secrets' owners, and users' authorizations.
type connect struct {
	clientOf  map[string]string // application id -> client id
	secretApp map[string]string // secret id -> client id
	order     []*Application

	auths    map[string]*Authorization   // user id + "\x00" + client id
	byUser   map[string][]*Authorization // creation order
	byOrg    map[string][]*Authorization
	byClient map[string][]*Authorization
}

func newConnect() connect {
	return connect{clientOf: map[string]string{}, secretApp: map[string]string{}, auths: map[string]*Authorization{},
		byUser: map[string][]*Authorization{}, byOrg: map[string][]*Authorization{}, byClient: map[string][]*Authorization{}}
}

// authorize records a Connect session's grant in its user's authorization
// of the application, making the authorization on the first grant. Its id
// derives from the session's, so no seeded id is drawn: scenarios written
// before authorizations existed keep their ids.
func (tx *Tx) authorize(ss *Session) {
	if ss.Family != FamilyConnect || ss.UserID == "" || ss.ClientID == tx.st.cfg.ClientID {
		return
	}
	c := &tx.w.connect
	key := ss.UserID + "\x00" + ss.ClientID
	a := c.auths[key]
	if a == nil {
		a = &Authorization{ID: PrefixAuthorization + deriveULID(ss.ID, ss.CreatedAt), UserID: ss.UserID,
			ClientID: ss.ClientID, OrgID: ss.OrgID, CreatedAt: ss.CreatedAt}
		a.Seq = tx.w.nextSeq(a.ID)
		c.auths[key] = a
		c.byUser[a.UserID] = append(c.byUser[a.UserID], a)
		c.byClient[a.ClientID] = append(c.byClient[a.ClientID], a)
		if a.OrgID != "" {
			c.byOrg[a.OrgID] = append(c.byOrg[a.OrgID], a)
		}
	}
	a.Scopes = slices.Clone(ss.Scopes)
	if len(a.Sessions) >= a.pruneAt {
		a.Sessions = slices.DeleteFunc(a.Sessions, func(id string) bool { return tx.w.sessions[id] == nil })
		a.pruneAt = max(64, 2*len(a.Sessions))
	}
	a.Sessions = append(a.Sessions, ss.ID)
}

// AuthorizationsOfUser lists a user's authorized applications in creation
// order. The slice is the index: do not change it.
func (tx *Tx) AuthorizationsOfUser(userID string) []*Authorization {
	return tx.w.connect.byUser[userID]
}

// AuthorizationsOfOrg lists the authorized applications whose grant chose
// the organization, in creation order. The slice is the index: do not
// change it.
func (tx *Tx) AuthorizationsOfOrg(orgID string) []*Authorization { return tx.w.connect.byOrg[orgID] }

// Authorization is a user's authorization of an application, or nil.
func (tx *Tx) Authorization(userID, clientID string) *Authorization {
	return tx.w.connect.auths[userID+"\x00"+clientID]
}

// RevokeAuthorization removes an authorization and ends every grant in it:
// their access tokens introspect inactive and their refresh tokens get
// invalid_grant from now.
func (tx *Tx) RevokeAuthorization(a *Authorization) {
	c := &tx.w.connect
	for _, id := range a.Sessions {
		if ss := tx.w.sessions[id]; ss != nil {
			tx.EndSession(ss, fixtures.SessionRevoked)
		}
	}
	delete(c.auths, a.UserID+"\x00"+a.ClientID)
	removeFrom(c.byUser, a.UserID, a)
	removeFrom(c.byClient, a.ClientID, a)
	if a.OrgID != "" {
		removeFrom(c.byOrg, a.OrgID, a)
	}
	tx.w.forgetSeq(a.ID, tx.now)
}

// removeFrom takes a out of the list at key, dropping the key when its
// list empties.
func removeFrom(m map[string][]*Authorization, key string, a *Authorization) {
	if rest := without1(m[key], a); len(rest) > 0 {
		m[key] = rest
	} else {
		delete(m, key)
	}
}

// AuthorizationObject renders the WorkOS authorized_connect_application;
// withUser adds user_id (the organization's list has it).
func (tx *Tx) AuthorizationObject(a *Authorization, withUser bool) wire.Object {
	o := wire.Object{{"object", "authorized_connect_application"}, {"id", a.ID}, {"granted_scopes", wire.NonNil(a.Scopes)}}
	if app := tx.w.apps[a.ClientID]; app != nil {
		o = append(o, wire.KV{"application", app.Object()})
	}
	if withUser {
		o = append(o, wire.KV{"user_id", a.UserID})
	}
	return o
}
