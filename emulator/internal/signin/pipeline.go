package signin

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/tokens"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// pendingTTL is how long a pending authentication token lives.
const pendingTTL = 10 * time.Minute

// nextStep decides what the attempt still needs, in WorkOS's order: e-mail
// verification, then MFA, then the organization. A single active
// organization is selected on the attempt.
func nextStep(tx *store.Tx, a *store.Attempt) (store.Step, error) {
	u := tx.User(a.UserID)
	if u == nil {
		return store.StepDone, web.OAuthError(http.StatusBadRequest, web.CodeInvalidGrant, "The user no longer exists.")
	}
	if a.Radar != "" {
		return store.StepRadarChallenge, nil
	}
	cfg := tx.Config()
	if !u.EmailVerified && !a.EmailVerified && cfg.RequireEmailVerification {
		return store.StepVerifyEmail, nil
	}
	if !a.MFADone {
		if len(tx.FactorsOf(u.ID)) > 0 {
			return store.StepMFAChallenge, nil
		}
		if cfg.RequireMFA {
			return store.StepMFAEnroll, nil
		}
	}
	if a.OrgID != "" {
		if tx.Org(a.OrgID) == nil {
			return store.StepDone, web.APIError(http.StatusBadRequest, "invalid_organization_id", fmt.Sprintf("Organization not found: '%s'.", a.OrgID))
		}
		if !tx.ActiveMember(u.ID, a.OrgID) {
			return store.StepDone, web.APIError(http.StatusBadRequest, "invalid_organization_id", fmt.Sprintf("User %s is not an active member of %s.", u.ID, a.OrgID))
		}
		return store.StepDone, nil
	}
	switch orgs := tx.ActiveOrgs(u.ID); len(orgs) {
	case 0:
	case 1:
		a.OrgID = orgs[0].ID
	default:
		return store.StepChooseOrg, nil
	}
	return store.StepDone, nil
}

// complete runs the pipeline for an API grant: it returns the 403
// interruption the attempt needs, or creates the session, mints its tokens
// and returns the authenticate response.
func complete(ctx context.Context, st *store.Store, a store.Attempt) (wire.Object, error) {
	var ss store.Session
	var interrupted error
	err := st.Write(func(tx *store.Tx) error {
		if a.Verified != "" {
			authenticated(tx, a.Verified, endUser{ip: a.IP, userAgent: a.UserAgent}, a.UserID, "", nil)
			a.Verified = "" // the pending sign-in, if any, has not verified anything yet
		}
		step, err := nextStep(tx, &a)
		if err != nil {
			return err
		}
		if step != store.StepDone {
			// The pending sign-in and the events of its interruption
			// (radar.challenge_created) are kept: the transaction commits.
			interrupted = interruption(tx, a, step)
			return nil
		}
		ss = *newSession(tx, a)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if interrupted != nil {
		return nil, interrupted
	}
	out, err := sessionTokens(ctx, st, ss, a.Method)
	if err == nil && a.OAuth != nil {
		out = append(out, wire.KV{"oauth_tokens", a.OAuth.Object()})
	}
	return out, err
}

// interruption records a pending sign-in and builds the 403 WorkOS answers
// with (the SDKs surface it as a typed error carrying the pending token).
func interruption(tx *store.Tx, a store.Attempt, step store.Step) *web.Error {
	p := &store.PendingAuth{Token: tx.Token(25), Attempt: a, Reason: step, ExpiresAt: tx.Now().Add(pendingTTL)}
	tx.AddPending(p)
	u := tx.User(a.UserID)
	switch step {
	case store.StepRadarChallenge:
		return radarInterruption(tx, p, u)
	case store.StepVerifyEmail:
		ev := tx.SendCode(store.KindEmailVerification, "email_verification_", u)
		p.EmailVerificationID = ev.ID
		return web.APIError(http.StatusForbidden, "email_verification_required", "Email ownership must be verified before authentication.").
			With("pending_authentication_token", p.Token).With("email", u.Email).With("email_verification_id", ev.ID)
	case store.StepMFAChallenge:
		var factors []wire.Object
		for _, f := range tx.FactorsOf(u.ID) {
			factors = append(factors, wire.Object{{"id", f.ID}, {"type", "totp"}})
		}
		return web.APIError(http.StatusForbidden, "mfa_challenge", "The user must complete an MFA challenge to finish authenticating.").
			With("pending_authentication_token", p.Token).With("user", u.Object()).With("authentication_factors", factors)
	case store.StepMFAEnroll:
		return web.APIError(http.StatusForbidden, "mfa_enrollment", "The user must enroll in MFA to finish authenticating.").
			With("pending_authentication_token", p.Token).With("user", u.Object())
	default:
		var orgs []wire.Object
		for _, o := range tx.ActiveOrgs(u.ID) {
			orgs = append(orgs, wire.Object{{"id", o.ID}, {"name", o.Name}})
		}
		return web.APIError(http.StatusForbidden, "organization_selection_required", "The user must choose an organization to finish authenticating.").
			With("pending_authentication_token", p.Token).With("user", u.Object()).With("organizations", orgs)
	}
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
	if fixtures.IsOAuthProvider(method) {
		return "oauth"
	}
	return "unknown"
}

// newSession starts a User Management session for a completed attempt and
// records the sign-in.
func newSession(tx *store.Tx, a store.Attempt) *store.Session {
	now := tx.Now()
	ss := &store.Session{ID: tx.NewID(fixtures.PrefixSession), UserID: a.UserID, OrgID: a.OrgID, ClientID: tx.Config().ClientID,
		Family: store.FamilyUM, Status: fixtures.SessionActive, AuthMethod: sessionAuthMethod(a.Method), CreatedAt: now, LastActive: now,
		UpdatedAt: now, RefreshToken: tx.Token(store.RefreshTokenLength), IPAddress: a.IP, UserAgent: a.UserAgent}
	tx.AddSession(ss)
	tx.EmitSession("session.created", ss)
	if a.ConnectionID != "" {
		tx.LinkSession(a.ConnectionID, ss.ID)
	}
	u := tx.User(a.UserID)
	signedIn := now
	u.LastSignInAt = &signedIn
	if a.EmailVerified && !u.EmailVerified {
		u.EmailVerified = true
		u.UpdatedAt = now
		tx.EmitUser("user.updated", u)
	}
	tx.DropPendingOf(a.UserID)
	if a.RadarAttemptID != "" {
		tx.RadarSucceeded(a.RadarAttemptID)
	}
	return ss
}

// sessionTokens mints the access token of a session (a snapshot taken in
// the transaction that made or rotated it) and builds the authenticate
// response: user, organization_id, tokens, method.
func sessionTokens(ctx context.Context, st *store.Store, ss store.Session, method string) (wire.Object, error) {
	spec := tokens.Spec{Family: store.FamilyUM, UserID: ss.UserID, ClientID: ss.ClientID, SessionID: ss.ID, OrgID: ss.OrgID}
	access, _, err := mintToken(ctx, st, spec)
	if err != nil {
		return nil, err
	}
	var out wire.Object
	err = st.Read(func(tx *store.Tx) error {
		u := tx.User(ss.UserID)
		if u == nil {
			return web.OAuthError(http.StatusBadRequest, web.CodeInvalidGrant, "The user no longer exists.")
		}
		out = wire.Object{{"user", u.Object()}}
		if ss.OrgID != "" {
			out = append(out, wire.KV{"organization_id", ss.OrgID})
		}
		out = append(out, wire.KV{"access_token", access}, wire.KV{"refresh_token", ss.RefreshToken})
		if method != "" {
			out = append(out, wire.KV{"authentication_method", method})
		}
		return nil
	})
	return out, err
}

// applyInvitation accepts an invitation during a sign-in (invitation_token
// on authenticate): the invitee joins the organization, and the sign-in
// selects it.
func applyInvitation(st *store.Store, a *store.Attempt, token string) error {
	if token == "" {
		return nil
	}
	return st.Write(func(tx *store.Tx) error {
		inv := tx.InvitationByToken(token)
		u := tx.User(a.UserID)
		switch {
		case inv == nil || inv.StateAt(tx.Now()) != store.InvitationPending:
			return web.OAuthError(http.StatusBadRequest, "invitation_invalid", "The invitation token is invalid, expired, revoked or already accepted.")
		case u == nil || store.EmailKey(u.Email) != store.EmailKey(inv.Email):
			return web.OAuthError(http.StatusBadRequest, "invitation_cannot_be_used_for_email", "The invitation was sent to another e-mail address.")
		}
		tx.AcceptInvitation(inv, u)
		if inv.OrgID != "" {
			a.OrgID = inv.OrgID
		}
		a.EmailVerified = true
		return nil
	})
}
