package store

import (
	"time"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
)

// The emulated identity provider's state: sign-ins waiting on its page,
// the codes it issued, the SSO API's access and logout tokens, and the
// identities users signed in with.

// SSO lifetimes: codes 10 minutes (WorkOS's), the SSO API's access tokens
// 10 minutes (its example expires_in is 600), logout tokens 5 minutes, and
// an IdP page as long as a hosted login page.
const (
	SSOCodeTTL       = 10 * time.Minute
	SSOTokenTTL      = 10 * time.Minute
	SSOLogoutTTL     = 5 * time.Minute
	IdPRequestTTL    = 30 * time.Minute
	OAuthProviderTTL = time.Hour // the provider access token's lifetime, for oauth_tokens.expires_at
)

// IdPRequest is a sign-in waiting at the emulated identity provider's page:
// where its answer goes (the SSO API's redirect URI, or an AuthKit hosted
// sign-in) and what the request asked for.
type IdPRequest struct {
	ID           string
	CSRF         string
	ConnectionID string
	// FlowID is the AuthKit hosted sign-in the answer completes; "" for
	// the SSO API, whose answer is a code for RedirectURI.
	FlowID         string
	RedirectURI    string
	State          string
	Challenge      string // PKCE code_challenge (SSO API)
	LoginHint      string
	ProviderScopes []string
	// ReturnOAuth asks for the provider's tokens (oauth_tokens).
	ReturnOAuth   bool
	IP, UserAgent string
	ExpiresAt     time.Time
}

// OAuthTokens are an OAuth provider's tokens for the signed-in user, as
// WorkOS returns them (oauth_tokens).
type OAuthTokens struct {
	Provider     string
	AccessToken  string
	RefreshToken string
	ExpiresAt    int64
	Scopes       []string
}

// Object renders oauth_tokens.
func (o *OAuthTokens) Object() wire.Object {
	return wire.Object{{"provider", o.Provider}, {"refresh_token", o.RefreshToken}, {"access_token", o.AccessToken},
		{"expires_at", o.ExpiresAt}, {"scopes", wire.NonNil(o.Scopes)}}
}

// SSOCode is an SSO API authorization code: a profile waiting to be
// exchanged at /sso/token.
type SSOCode struct {
	Code        string
	ProfileID   string
	RedirectURI string
	Challenge   string
	OAuth       *OAuthTokens
	ExpiresAt   time.Time
}

// SSOToken is an SSO API access token: it reads its profile at
// /sso/profile until it expires, the profile logs out or the connection
// goes.
type SSOToken struct {
	Token     string
	ProfileID string
	ExpiresAt time.Time
}

// SSOLogout is a logout token of /sso/logout/authorize.
type SSOLogout struct {
	Token     string
	ProfileID string
	ExpiresAt time.Time
}

// Identity is an external identity a user signed in with: a profile of a
// connection's identity provider.
type Identity struct {
	UserID       string
	ProfileID    string
	ConnectionID string
	ConnType     string
	IdpID        string
}

// IdPRequest is the pending IdP sign-in with that id, or nil.
func (tx *Tx) IdPRequest(id string) *IdPRequest { return tx.w.sso.requests[id] }

// AddIdPRequest registers a sign-in waiting at the IdP page.
func (tx *Tx) AddIdPRequest(r *IdPRequest) {
	tx.w.sso.requests[r.ID] = r
	tx.w.expireAt(r.ExpiresAt, evictSSO, "r"+r.ID)
}

// DeleteIdPRequest ends a sign-in at the IdP page.
func (tx *Tx) DeleteIdPRequest(id string) { delete(tx.w.sso.requests, id) }

// SSOCode is the SSO authorization code record, or nil.
func (tx *Tx) SSOCode(code string) *SSOCode { return tx.w.sso.codes[code] }

// AddSSOCode registers an SSO authorization code until it expires.
func (tx *Tx) AddSSOCode(sc *SSOCode) {
	tx.w.sso.codes[sc.Code] = sc
	tx.w.expireAt(sc.ExpiresAt, evictSSO, "c"+sc.Code)
}

// DeleteSSOCode burns an SSO authorization code.
func (tx *Tx) DeleteSSOCode(code string) { delete(tx.w.sso.codes, code) }

// SSOToken is the SSO access token record, or nil.
func (tx *Tx) SSOToken(token string) *SSOToken { return tx.w.sso.tokens[token] }

// AddSSOToken registers an SSO access token until it expires.
func (tx *Tx) AddSSOToken(t *SSOToken) {
	s := &tx.w.sso
	s.tokens[t.Token] = t
	live := s.profileTokens[t.ProfileID][:0]
	for _, tok := range s.profileTokens[t.ProfileID] {
		if s.tokens[tok] != nil {
			live = append(live, tok)
		}
	}
	s.profileTokens[t.ProfileID] = append(live, t.Token)
	tx.w.expireAt(t.ExpiresAt, evictSSO, "t"+t.Token)
}

// SSOLogout is the logout token record, or nil.
func (tx *Tx) SSOLogout(token string) *SSOLogout { return tx.w.sso.logouts[token] }

// AddSSOLogout registers a logout token until it expires.
func (tx *Tx) AddSSOLogout(l *SSOLogout) {
	tx.w.sso.logouts[l.Token] = l
	tx.w.expireAt(l.ExpiresAt, evictSSO, "l"+l.Token)
}

// LogOutProfile ends a profile's SSO access tokens and burns the logout
// token.
func (tx *Tx) LogOutProfile(l *SSOLogout) {
	s := &tx.w.sso
	for _, tok := range s.profileTokens[l.ProfileID] {
		delete(s.tokens, tok)
	}
	delete(s.profileTokens, l.ProfileID)
	delete(s.logouts, l.Token)
}

// LinkedUser is the user a profile signed in as before, or nil.
func (tx *Tx) LinkedUser(profileID string) *User {
	if id, ok := tx.w.sso.linked[profileID]; ok {
		return tx.w.users[id]
	}
	return nil
}

// LinkIdentity records that a user signed in with a profile.
func (tx *Tx) LinkIdentity(u *User, p *IdPProfile) {
	s := &tx.w.sso
	if s.linked[p.ID] == u.ID {
		return
	}
	if prev := s.linked[p.ID]; prev != "" {
		s.identities[prev] = dropIdentity(s.identities[prev], p.ID)
	}
	s.linked[p.ID] = u.ID
	s.identities[u.ID] = append(s.identities[u.ID], &Identity{UserID: u.ID, ProfileID: p.ID, ConnectionID: p.ConnectionID,
		ConnType: p.ConnType, IdpID: p.IdpID})
}

func dropIdentity(list []*Identity, profileID string) []*Identity {
	out := list[:0]
	for _, id := range list {
		if id.ProfileID != profileID {
			out = append(out, id)
		}
	}
	return out
}

// IdentitiesOf lists the external identities a user signed in with, in
// link order. The slice is the index: do not change it.
func (tx *Tx) IdentitiesOf(userID string) []*Identity { return tx.w.sso.identities[userID] }

// forgetIdentities drops a deleted user's identities.
func (tx *Tx) forgetIdentities(userID string) {
	s := &tx.w.sso
	for _, id := range s.identities[userID] {
		delete(s.linked, id.ProfileID)
	}
	delete(s.identities, userID)
}

// evict drops an expired IdP record (key: its kind letter, then its key).
func (s *ssoState) evict(key string, now time.Time) bool {
	if key == "" {
		return false
	}
	dead := func(t time.Time) bool { return !now.Before(t.Add(evictGrace)) }
	k := key[1:]
	switch key[0] {
	case 'r':
		if r := s.requests[k]; r != nil && dead(r.ExpiresAt) {
			delete(s.requests, k)
			return true
		}
	case 'c':
		if c := s.codes[k]; c != nil && dead(c.ExpiresAt) {
			delete(s.codes, k)
			return true
		}
	case 't':
		if t := s.tokens[k]; t != nil && dead(t.ExpiresAt) {
			delete(s.tokens, k)
			if list := dropString(s.profileTokens[t.ProfileID], k); len(list) == 0 {
				delete(s.profileTokens, t.ProfileID)
			} else {
				s.profileTokens[t.ProfileID] = list
			}
			return true
		}
	case 'l':
		if l := s.logouts[k]; l != nil && dead(l.ExpiresAt) {
			delete(s.logouts, k)
			return true
		}
	case 'p':
		if p := s.portal[k]; p != nil && dead(p.End()) {
			delete(s.portal, k)
			return true
		}
	}
	return false
}

func dropString(list []string, v string) []string {
	out := list[:0]
	for _, x := range list {
		if x != v {
			out = append(out, x)
		}
	}
	return out
}
