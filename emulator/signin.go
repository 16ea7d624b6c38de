package emulator

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// attempt is a sign-in in progress: who proved who they are (and how), and
// which of the follow-up steps are done. The same pipeline serves the API
// (where a missing step is a 403 with a pending_authentication_token), the
// hosted login page (where it is the next screen) and authorization codes
// (which carry the attempt to /user_management/authenticate).
type attempt struct {
	userID        string
	method        string // authentication_method: Password, MagicAuth, ...
	orgID         string // requested or chosen organization
	emailVerified bool   // the e-mail verification step is done
	mfaDone       bool
	invitationID  string
	ip, userAgent string
}

// step is what a sign-in needs next.
type step int

const (
	stepDone step = iota
	stepVerifyEmail
	stepMFAChallenge
	stepMFAEnroll
	stepChooseOrg
)

// nextStep decides what the attempt still needs, in WorkOS's order: e-mail
// verification, then MFA, then the organization. Caller holds w.mu.
func (w *world) nextStep(a *attempt) (step, error) {
	u := w.users[a.userID]
	if u == nil {
		return stepDone, oauthError(http.StatusBadRequest, CodeInvalidGrant, "The user no longer exists.")
	}
	if !u.EmailVerified && !a.emailVerified && w.env.requireEmailVerification {
		return stepVerifyEmail, nil
	}
	if !a.mfaDone {
		if len(w.factorsOf(u.ID)) > 0 {
			return stepMFAChallenge, nil
		}
		if w.env.requireMFA {
			return stepMFAEnroll, nil
		}
	}
	if a.orgID != "" {
		if w.orgs[a.orgID] == nil {
			return stepDone, apiError(http.StatusBadRequest, "invalid_organization_id", fmt.Sprintf("Organization not found: '%s'.", a.orgID))
		}
		if m := w.byPair[pairKey(u.ID, a.orgID)]; m == nil || m.Status != fixtures.MembershipActive {
			return stepDone, apiError(http.StatusBadRequest, "invalid_organization_id", fmt.Sprintf("User %s is not an active member of %s.", u.ID, a.orgID))
		}
		return stepDone, nil
	}
	switch orgs := w.activeOrgs(u.ID); len(orgs) {
	case 0:
	case 1:
		a.orgID = orgs[0].ID
	default:
		return stepChooseOrg, nil
	}
	return stepDone, nil
}

// activeOrgs lists the organizations where the user has an active
// membership, in membership order. Caller holds w.mu.
func (w *world) activeOrgs(userID string) []*organization {
	var out []*organization
	for _, m := range w.membershipsOf(userID) {
		if m.Status == fixtures.MembershipActive {
			if o := w.orgs[m.OrgID]; o != nil {
				out = append(out, o)
			}
		}
	}
	return out
}

// pendingAuth is an interrupted API sign-in, named by its
// pending_authentication_token.
type pendingAuth struct {
	token     string
	attempt   attempt
	reason    step
	expiresAt time.Time
	// emailVerificationID is the code sent for stepVerifyEmail.
	emailVerificationID string
}

// pendingTTL is how long a pending authentication token lives.
const pendingTTL = 10 * time.Minute

// completeSignIn runs the pipeline for an API grant: it returns the 403
// interruption the attempt needs, or creates the session, mints its tokens
// and returns the authenticate response.
func (s *Server) completeSignIn(ctx context.Context, w *world, a attempt) (object, error) {
	now := s.clock.Now()
	w.mu.Lock()
	st, err := w.nextStep(&a)
	if err != nil {
		w.mu.Unlock()
		return nil, err
	}
	if st != stepDone {
		e := s.interruption(w, a, st, now)
		w.mu.Unlock()
		return nil, e
	}
	ss := *s.newSession(w, a, now)
	w.mu.Unlock()
	return s.issueSessionTokens(ctx, w, ss, a.method)
}

// interruption records a pending sign-in and builds the 403 WorkOS answers
// with (the SDKs surface it as a typed error carrying the pending token).
// Caller holds w.mu.
func (s *Server) interruption(w *world, a attempt, st step, now time.Time) *Error {
	p := &pendingAuth{token: s.ids.token(25), attempt: a, reason: st, expiresAt: now.Add(pendingTTL)}
	w.pending[p.token] = p
	w.expireAt(p.expiresAt, evictPending, p.token)
	u := w.users[a.userID]
	switch st {
	case stepVerifyEmail:
		ev := s.sendEmailVerification(w, u, now)
		p.emailVerificationID = ev.id
		return apiError(http.StatusForbidden, "email_verification_required", "Email ownership must be verified before authentication.").
			With("pending_authentication_token", p.token).With("email", u.Email).With("email_verification_id", ev.id)
	case stepMFAChallenge:
		var factors []object
		for _, f := range w.factorsOf(u.ID) {
			factors = append(factors, object{{"id", f.id}, {"type", "totp"}})
		}
		return apiError(http.StatusForbidden, "mfa_challenge", "The user must complete an MFA challenge to finish authenticating.").
			With("pending_authentication_token", p.token).With("user", u.object()).With("authentication_factors", factors)
	case stepMFAEnroll:
		return apiError(http.StatusForbidden, "mfa_enrollment", "The user must enroll in MFA to finish authenticating.").
			With("pending_authentication_token", p.token).With("user", u.object())
	default:
		var orgs []object
		for _, o := range w.activeOrgs(u.ID) {
			orgs = append(orgs, object{{"id", o.ID}, {"name", o.Name}})
		}
		return apiError(http.StatusForbidden, "organization_selection_required", "The user must choose an organization to finish authenticating.").
			With("pending_authentication_token", p.token).With("user", u.object()).With("organizations", orgs)
	}
}

// takePending looks up a pending authentication token. It stays valid until
// the sign-in completes, so a wrong code can be retried. Caller holds w.mu.
func (w *world) takePending(token string, now time.Time) (*pendingAuth, error) {
	p := w.pending[token]
	if p == nil || !now.Before(p.expiresAt) {
		return nil, apiError(http.StatusBadRequest, "invalid_pending_authentication_token", "The pending authentication token is invalid or expired.")
	}
	return p, nil
}

// sessionAuthMethods maps authentication_method to the session object's
// lower-case auth_method.
var sessionAuthMethods = map[string]string{"Password": "password", "MagicAuth": "magic_code", "Impersonation": "impersonation",
	"SSO": "sso", "ExternalAuth": "external_auth", "MigratedSession": "migrated_session"}

// sessionAuthMethod is the session object's auth_method for an
// authentication_method ("unknown" for one it has no name for).
func sessionAuthMethod(method string) string {
	if m, ok := sessionAuthMethods[method]; ok {
		return m
	}
	return "unknown"
}

// newSession starts a User Management session for a completed attempt and
// records the sign-in. Caller holds w.mu.
func (s *Server) newSession(w *world, a attempt, now time.Time) *session {
	ss := &session{ID: fixtures.PrefixSession + s.ids.ulid(now), UserID: a.userID, OrgID: a.orgID, ClientID: w.env.clientID,
		family: familyUM, Status: fixtures.SessionActive, AuthMethod: sessionAuthMethod(a.method), CreatedAt: now, lastActive: now,
		UpdatedAt: now, refreshToken: s.ids.token(refreshTokenLength), IPAddress: a.ip, UserAgent: a.userAgent}
	w.addSession(ss)
	u := w.users[a.userID]
	signedIn := now
	u.LastSignInAt = &signedIn
	if a.emailVerified && !u.EmailVerified {
		u.EmailVerified = true
		u.UpdatedAt = now
	}
	for id, p := range w.pending {
		if p.attempt.userID == a.userID {
			delete(w.pending, id)
		}
	}
	return ss
}

// addSession registers a session and its refresh token; the environment's
// session.max_length sets when it expires. Caller holds w.mu.
func (w *world) addSession(ss *session) {
	if w.env.sessionMaxLength > 0 {
		ss.ExpiresAt = ss.CreatedAt.Add(w.env.sessionMaxLength)
	}
	ss.seq = w.nextSeq(ss.ID)
	w.sessions[ss.ID] = ss
	w.userSessions[ss.UserID] = append(w.userSessions[ss.UserID], ss)
	if end := ss.end(w.env); !end.IsZero() {
		w.expireAt(end, evictSession, ss.ID)
	}
	if ss.refreshToken != "" {
		w.refresh[ss.refreshToken] = &refreshToken{sessionID: ss.ID, iat: ss.CreatedAt.Unix()}
	}
}

// issueSessionTokens mints the access token of a session (a snapshot taken
// under the lock) and builds the authenticate response: user,
// organization_id, tokens, method.
func (s *Server) issueSessionTokens(ctx context.Context, w *world, ss session, method string) (object, error) {
	spec := mintSpec{family: familyUM, userID: ss.UserID, clientID: ss.ClientID, sessionID: ss.ID, orgID: ss.OrgID}
	access, _, err := s.mint(ctx, w, spec)
	if err != nil {
		return nil, err
	}
	w.mu.RLock()
	defer w.mu.RUnlock()
	u := w.users[ss.UserID]
	if u == nil {
		return nil, oauthError(http.StatusBadRequest, CodeInvalidGrant, "The user no longer exists.")
	}
	out := object{{"user", u.object()}}
	if ss.OrgID != "" {
		out = append(out, kv{"organization_id", ss.OrgID})
	}
	out = append(out, kv{"access_token", access}, kv{"refresh_token", ss.refreshToken})
	if method != "" {
		out = append(out, kv{"authentication_method", method})
	}
	return out, nil
}
