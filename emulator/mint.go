package emulator

import (
	"context"
	"time"

	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// Token families a MintRequest may ask for.
const (
	FamilyUserManagement = "user_management"
	FamilyConnect        = "connect"
	FamilyM2M            = "m2m"
)

// MintRequest asks for an access token without a sign-in flow: for a user
// (a User Management token by default, or a Connect token) or, with only a
// ClientID, for an M2M application. The control plane's POST
// /_emulator/tokens and the testkit's Mint helpers both call Server.Mint.
type MintRequest struct {
	UserID         string         `json:"user_id,omitempty"`
	OrganizationID string         `json:"organization_id,omitempty"`
	ClientID       string         `json:"client_id,omitempty"`
	Family         string         `json:"family,omitempty"`
	SessionID      string         `json:"session_id,omitempty"`
	Role           string         `json:"role,omitempty"`
	Roles          []string       `json:"roles,omitempty"`
	Permissions    []string       `json:"permissions,omitempty"`
	Scopes         []string       `json:"scopes,omitempty"`
	TTL            time.Duration  `json:"-"`
	Claims         map[string]any `json:"claims,omitempty"`
}

// MintResult is a minted token and the session it belongs to.
type MintResult struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
	JTI          string `json:"jti"`
	SessionID    string `json:"session_id,omitempty"`
	RefreshToken string `json:"refresh_token,omitempty"`
}

// Mint issues an access token as MintRequest describes. A user token gets a
// new session (with a refresh token) unless SessionID names one of the
// user's; an M2M token has none. Invalid requests are 422 *Errors.
func (s *Server) Mint(ctx context.Context, req MintRequest) (*MintResult, error) {
	if e := checkExtraClaims(req.Claims); e != nil {
		return nil, e
	}
	if req.TTL < 0 || (req.TTL > 0 && req.TTL < time.Second) {
		// JWT times are whole seconds: a shorter lifetime would mint a token
		// that is expired on arrival.
		return nil, invalidParams(FieldError{Field: "ttl", Code: "must_be_at_least_1s"})
	}
	w := s.world()
	spec, err := s.mintSpecFor(w, req)
	if err != nil {
		return nil, err
	}
	res := &MintResult{TokenType: "bearer"}
	if spec.family != familyM2M {
		ss, refresh, err := s.sessionForMint(w, req, spec)
		if err != nil {
			return nil, err
		}
		spec.sessionID, res.SessionID, res.RefreshToken = ss, ss, refresh
	}
	token, rec, err := s.mint(ctx, w, spec)
	if err != nil {
		return nil, err
	}
	res.AccessToken, res.ExpiresIn, res.JTI = token, rec.exp-rec.iat, rec.jti
	return res, nil
}

// mintSpecFor validates a MintRequest against the world.
func (s *Server) mintSpecFor(w *world, req MintRequest) (mintSpec, error) {
	w.mu.RLock()
	defer w.mu.RUnlock()
	spec := mintSpec{userID: req.UserID, orgID: req.OrganizationID, ttl: req.TTL, extra: req.Claims, scope: req.Scopes, keep: true}
	if req.Role != "" || req.Roles != nil {
		spec.roles, spec.rolesSet = req.Roles, true
		if req.Role != "" {
			spec.roles = append([]string{req.Role}, without(req.Roles, req.Role)...)
		}
	}
	if req.Permissions != nil {
		spec.permissions, spec.permsSet = req.Permissions, true
	}
	family := req.Family
	if family == "" {
		family = FamilyUserManagement
		if req.UserID == "" {
			family = FamilyM2M
		}
	}
	var app *application
	if req.ClientID != "" && req.ClientID != w.env.clientID {
		if app = w.apps[req.ClientID]; app == nil {
			return spec, invalidParams(FieldError{Field: "client_id", Code: "application_not_found"})
		}
	}
	if req.OrganizationID != "" && w.orgs[req.OrganizationID] == nil {
		return spec, invalidParams(FieldError{Field: "organization_id", Code: "organization_not_found"})
	}
	switch family {
	case FamilyM2M:
		if app == nil {
			return spec, invalidParams(FieldError{Field: "client_id", Code: "application_required"})
		}
		spec.family, spec.clientID, spec.userID = familyM2M, app.ClientID, ""
		if spec.orgID == "" {
			spec.orgID = app.OrganizationID
		}
		if spec.scope == nil {
			spec.scope = app.Scopes
		}
		return spec, nil
	case FamilyUserManagement, FamilyConnect:
	default:
		return spec, invalidParams(FieldError{Field: "family", Code: "invalid_family"})
	}
	if w.users[req.UserID] == nil {
		return spec, invalidParams(FieldError{Field: "user_id", Code: "user_not_found"})
	}
	if family == FamilyConnect {
		if app == nil {
			return spec, invalidParams(FieldError{Field: "client_id", Code: "application_required"})
		}
		spec.family, spec.clientID = familyConnect, app.ClientID
		if spec.scope == nil {
			spec.scope = app.Scopes
		}
		return spec, nil
	}
	if app != nil {
		return spec, invalidParams(FieldError{Field: "client_id", Code: "user_management_tokens_belong_to_the_environment"})
	}
	spec.family, spec.clientID = familyUM, w.env.clientID
	return spec, nil
}

// sessionForMint returns the session a minted user token carries: the named
// one (which must be the user's, in the same family) or a new one.
func (s *Server) sessionForMint(w *world, req MintRequest, spec mintSpec) (id, refresh string, err error) {
	now := s.clock.Now()
	if req.SessionID != "" {
		w.mu.RLock()
		defer w.mu.RUnlock()
		ss := w.sessions[req.SessionID]
		if ss == nil || ss.UserID != spec.userID || ss.family != spec.family {
			return "", "", invalidParams(FieldError{Field: "session_id", Code: "session_not_found_for_user"})
		}
		return ss.ID, "", nil
	}
	prefix := fixtures.PrefixSession
	if spec.family == familyConnect {
		prefix = fixtures.PrefixConsent
	}
	ss := &session{ID: prefix + s.ids.ulid(now), UserID: spec.userID, OrgID: spec.orgID, ClientID: spec.clientID,
		family: spec.family, Status: fixtures.SessionActive, AuthMethod: "impersonation", Scopes: spec.scope,
		CreatedAt: now, lastActive: now, UpdatedAt: now, refreshToken: s.ids.token(refreshTokenLength)}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.addSession(ss)
	return ss.ID, ss.refreshToken, nil
}

func without(list []string, v string) []string {
	var out []string
	for _, x := range list {
		if x != v {
			out = append(out, x)
		}
	}
	return out
}

// SessionInfo is a session with its current tokens, as GET
// /_emulator/sessions/{id} and the testkit's Session return it. The access
// token is kept for fixture sessions and minted ones; a session a client
// signed in to (or refreshed) has handed its access token to the client, and
// AccessToken is empty.
type SessionInfo struct {
	Object         string  `json:"object"`
	ID             string  `json:"id"`
	UserID         string  `json:"user_id"`
	OrganizationID *string `json:"organization_id"`
	ClientID       string  `json:"client_id"`
	Status         string  `json:"status"`
	AuthMethod     string  `json:"auth_method"`
	CreatedAt      string  `json:"created_at"`
	ExpiresAt      *string `json:"expires_at"`
	EndedAt        *string `json:"ended_at"`
	AccessToken    string  `json:"access_token"`
	RefreshToken   string  `json:"refresh_token"`
}

// Session returns a session and its current tokens.
func (s *Server) Session(id string) (*SessionInfo, error) {
	w := s.world()
	now := s.clock.Now()
	w.mu.RLock()
	defer w.mu.RUnlock()
	ss := w.sessions[id]
	if ss == nil {
		return nil, notFound("Session", id)
	}
	return &SessionInfo{Object: "session", ID: ss.ID, UserID: ss.UserID, OrganizationID: optional(ss.OrgID),
		ClientID: ss.ClientID, Status: ss.statusAt(now, w.env), AuthMethod: ss.AuthMethod,
		CreatedAt: isoTime(ss.CreatedAt), ExpiresAt: optionalTime(ss.ExpiresAt), EndedAt: timePtr(ss.EndedAt),
		AccessToken: ss.accessToken, RefreshToken: ss.refreshToken}, nil
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// isoTime formats a time the WorkOS way: ISO 8601, milliseconds, Z.
func isoTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func optionalTime(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := isoTime(t)
	return &s
}

func timePtr(t *time.Time) *string {
	if t == nil {
		return nil
	}
	return optionalTime(*t)
}
