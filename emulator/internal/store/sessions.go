package store

import (
	"slices"
	"time"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// Family is a token family: who issued it and which claims it has.
type Family int

const (
	// FamilyUM is User Management (/user_management/authenticate) tokens.
	FamilyUM Family = iota
	// FamilyConnect is AuthKit-domain OAuth tokens of a user.
	FamilyConnect
	// FamilyM2M is client_credentials tokens of an application.
	FamilyM2M
)

// RefreshTokenLength is the length of generated opaque refresh tokens,
// within the 25-30 characters of WorkOS's.
const RefreshTokenLength = 25

// Session is one sign-in: a User Management session (`session_`) or a
// Connect grant (`app_consent_`). Its tokens live while it does.
type Session struct {
	Seq        uint64
	ID         string
	UserID     string
	OrgID      string
	ClientID   string
	Family     Family
	Status     string // fixtures.SessionActive | SessionRevoked | SessionExpired
	AuthMethod string
	Scopes     []string
	CreatedAt  time.Time
	ExpiresAt  time.Time // zero: no maximum length
	IPAddress  string
	UserAgent  string
	LastActive time.Time
	EndedAt    *time.Time
	UpdatedAt  time.Time
	// AccessToken is kept for fixture sessions and minted ones only (GET
	// /_emulator/sessions/{id} returns it); a sign-in hands its tokens to
	// the client instead. RefreshToken is the current one ("" when the
	// grant has none).
	AccessToken  string
	RefreshToken string
	// minted counts the access tokens registered for the session, so a
	// deferred fixture token signed late does not pass for the newest.
	minted uint64
}

// ListKey orders sessions by creation.
func (s *Session) ListKey() (uint64, string) { return s.Seq, s.ID }

// ActiveAt reports whether the session is live at now: not ended, within
// its maximum length and, when the environment has one, its inactivity
// timeout.
func (s *Session) ActiveAt(now time.Time, cfg *Config) bool {
	if s.Status != fixtures.SessionActive {
		return false
	}
	end := s.End(cfg)
	return end.IsZero() || now.Before(end)
}

// StatusAt is the session's status as WorkOS would report it at now.
func (s *Session) StatusAt(now time.Time, cfg *Config) string {
	if s.Status == fixtures.SessionActive && !s.ActiveAt(now, cfg) {
		return fixtures.SessionExpired
	}
	return s.Status
}

// End is when a session stopped (or will stop) being valid; zero when
// nothing ends it.
func (s *Session) End(cfg *Config) time.Time {
	end := time.Time{}
	if s.EndedAt != nil {
		end = *s.EndedAt
	}
	if !s.ExpiresAt.IsZero() && (end.IsZero() || s.ExpiresAt.Before(end)) {
		end = s.ExpiresAt
	}
	if cfg.InactivityTimeout > 0 {
		if idle := s.LastActive.Add(cfg.InactivityTimeout); end.IsZero() || idle.Before(end) {
			end = idle
		}
	}
	return end
}

// Session is the session with that id, or nil.
func (tx *Tx) Session(id string) *Session { return tx.w.sessions[id] }

// SessionsOfUser lists a user's sessions (both families) in creation order.
// The slice is the index: do not change it.
func (tx *Tx) SessionsOfUser(userID string) []*Session { return tx.w.userSessions[userID] }

// AddSession registers a session and its refresh token; the environment's
// session.max_length sets when it expires. A Connect grant joins its
// user's authorization of the application.
func (tx *Tx) AddSession(ss *Session) {
	w, cfg := tx.w, tx.st.cfg
	if cfg.SessionMaxLength > 0 {
		ss.ExpiresAt = ss.CreatedAt.Add(cfg.SessionMaxLength)
	}
	ss.Seq = w.nextSeq(ss.ID)
	w.sessions[ss.ID] = ss
	w.userSessions[ss.UserID] = append(w.userSessions[ss.UserID], ss)
	if end := ss.End(cfg); !end.IsZero() {
		w.expireAt(end, evictSession, ss.ID)
	}
	if ss.RefreshToken != "" {
		w.refresh[ss.RefreshToken] = &RefreshToken{SessionID: ss.ID, IAT: ss.CreatedAt.Unix()}
	}
	tx.authorize(ss)
}

// EndSession marks a live session ended (revoked or expired): its tokens
// introspect inactive and its refresh token gets invalid_grant from now.
// Ending an ended session changes nothing.
func (tx *Tx) EndSession(ss *Session, status string) {
	if ss.Status != fixtures.SessionActive {
		return
	}
	now := tx.now
	ss.Status = status
	ss.EndedAt = &now
	ss.UpdatedAt = now
	tx.w.expireAt(now, evictSession, ss.ID)
	if status == fixtures.SessionRevoked {
		tx.EmitSession("session.revoked", ss)
	}
}

// SessionObject renders the WorkOS session object.
func (tx *Tx) SessionObject(ss *Session) wire.Object {
	o := wire.Object{{"object", "session"}, {"id", ss.ID}, {"user_id", ss.UserID}}
	if ss.OrgID != "" {
		o = append(o, wire.KV{"organization_id", ss.OrgID})
	}
	return append(o, wire.KV{"status", ss.StatusAt(tx.now, tx.st.cfg)}, wire.KV{"auth_method", ss.AuthMethod},
		wire.KV{"ip_address", wire.Opt(ss.IPAddress)}, wire.KV{"user_agent", wire.Opt(ss.UserAgent)},
		wire.KV{"expires_at", wire.OptTime(ss.ExpiresAt)}, wire.KV{"ended_at", wire.TimePtr(ss.EndedAt)},
		wire.KV{"created_at", wire.Time(ss.CreatedAt)}, wire.KV{"updated_at", wire.Time(ss.UpdatedAt)})
}

// snapshotSessions writes the sessions in creation order with their
// refresh tokens and the pins of the access tokens they keep; a live
// session started through an SSO connection names it.
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
	via := map[string]string{}
	for connID, ids := range tx.w.sso.connSessions {
		for _, id := range ids {
			via[id] = connID
		}
	}
	for _, s := range ss {
		fs := fixtures.Session{ID: s.ID, UserID: s.UserID, OrganizationID: s.OrgID, ClientID: s.ClientID, Status: s.Status,
			RefreshToken: s.RefreshToken, Scopes: slices.Clone(s.Scopes), CreatedAt: stamp(s.CreatedAt), AuthMethod: s.AuthMethod,
			LastActiveAt: stamp(s.LastActive), IPAddress: s.IPAddress, UserAgent: s.UserAgent, EndedAt: stampPtr(s.EndedAt)}
		if rt := tx.w.refresh[s.RefreshToken]; rt != nil {
			fs.RefreshTokenIssuedAt = stamp(time.Unix(rt.IAT, 0))
		}
		fs.AccessToken = tx.keptToken(s)
		if fs.AccessToken == nil {
			no := false
			fs.MintAccessToken = &no
		}
		// Only a live session's link matters: ending the connection ends
		// live sessions, and a link is pruned once its session ends.
		if c := via[s.ID]; c != "" && s.Status == fixtures.SessionActive && tx.w.sso.conns[c] != nil {
			fs.ConnectionID = c
		}
		set.Sessions = append(set.Sessions, fs)
	}
}
