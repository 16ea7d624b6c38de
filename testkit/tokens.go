package testkit

import (
	"context"
	"time"

	"github.com/authkit-emulator/authkit-emulator/emulator"
)

// MintOption shapes a minted token.
type MintOption func(*emulator.MintRequest)

// WithOrganization selects the organization: org_id, and the role claims of
// the user's membership there.
func WithOrganization(orgID string) MintOption {
	return func(r *emulator.MintRequest) { r.OrganizationID = orgID }
}

// WithRole overrides the role claim (and puts it first in roles).
func WithRole(role string) MintOption { return func(r *emulator.MintRequest) { r.Role = role } }

// WithRoles overrides the roles claim.
func WithRoles(roles ...string) MintOption { return func(r *emulator.MintRequest) { r.Roles = roles } }

// WithPermissions overrides the permissions claim.
func WithPermissions(perms ...string) MintOption {
	return func(r *emulator.MintRequest) { r.Permissions = append([]string{}, perms...) }
}

// WithTTL sets the token lifetime (default: environment.access_token_ttl).
func WithTTL(d time.Duration) MintOption { return func(r *emulator.MintRequest) { r.TTL = d } }

// WithClaims adds custom claims. Claims the emulator derives from state
// (iss, sub, exp, sid, org_id, role, ...) cannot be overridden: use the
// dedicated options, or MintBadToken for broken tokens.
func WithClaims(claims map[string]any) MintOption {
	return func(r *emulator.MintRequest) {
		if r.Claims == nil {
			r.Claims = map[string]any{}
		}
		for k, v := range claims {
			r.Claims[k] = v
		}
	}
}

// WithClient sets the client the token belongs to: an application's client
// id for Connect tokens (default: the first OAuth application of the world).
func WithClient(clientID string) MintOption {
	return func(r *emulator.MintRequest) { r.ClientID = clientID }
}

// WithSession mints into an existing session of the user instead of a new
// one.
func WithSession(sessionID string) MintOption {
	return func(r *emulator.MintRequest) { r.SessionID = sessionID }
}

// Connect mints a Connect (AuthKit-domain OAuth) token instead of a User
// Management one: iss is Issuer(), aud the environment client id, sid an
// app_consent_ grant.
func Connect() MintOption { return func(r *emulator.MintRequest) { r.Family = emulator.FamilyConnect } }

// MintAccessToken mints an access token for a user, in a new session (or
// the one WithSession names), and fails the test on error. By default it is
// a User Management token, as /user_management/authenticate issues.
func (e *Emulator) MintAccessToken(t T, userID string, opts ...MintOption) string {
	t.Helper()
	return e.MintSession(t, userID, opts...).AccessToken
}

// Minted is a minted token with its session.
type Minted struct {
	AccessToken  string
	RefreshToken string // empty with WithSession
	SessionID    string
	JTI          string
}

// MintSession mints like MintAccessToken and also returns the session and
// its refresh token, as a sign-in would.
func (e *Emulator) MintSession(t T, userID string, opts ...MintOption) Minted {
	t.Helper()
	req := e.mintRequest(userID, opts)
	res, err := e.srv.Mint(context.Background(), req)
	if err != nil {
		t.Fatalf("testkit: MintAccessToken(%s): %v", userID, err)
	}
	return Minted{AccessToken: res.AccessToken, RefreshToken: res.RefreshToken, SessionID: res.SessionID, JTI: res.JTI}
}

func (e *Emulator) mintRequest(userID string, opts []MintOption) emulator.MintRequest {
	req := emulator.MintRequest{UserID: userID}
	for _, o := range opts {
		o(&req)
	}
	if req.Family == emulator.FamilyConnect && req.ClientID == "" {
		req.ClientID = e.defaultConnectApp()
	}
	return req
}

func (e *Emulator) defaultConnectApp() string {
	for _, a := range e.srv.Fixtures().Applications {
		if a.Type != "m2m" {
			return a.ClientID
		}
	}
	return ""
}

// MintM2MToken mints a client_credentials token for an application, with
// the given scopes (default: all of the application's).
func (e *Emulator) MintM2MToken(t T, clientID string, scopes ...string) string {
	t.Helper()
	req := emulator.MintRequest{ClientID: clientID, Family: emulator.FamilyM2M}
	if len(scopes) > 0 {
		req.Scopes = scopes
	}
	res, err := e.srv.Mint(context.Background(), req)
	if err != nil {
		t.Fatalf("testkit: MintM2MToken(%s): %v", clientID, err)
	}
	return res.AccessToken
}

// BadToken is a defect of the bad-token catalogue.
type BadToken struct {
	defect, claim string
}

// The bad-token catalogue: tokens a verifier must reject. Each is otherwise
// the token MintAccessToken would mint.
var (
	Expired       = BadToken{defect: emulator.DefectExpired}
	NotYetValid   = BadToken{defect: emulator.DefectNotYetValid}
	WrongIssuer   = BadToken{defect: emulator.DefectWrongIssuer}
	WrongAudience = BadToken{defect: emulator.DefectWrongAudience}
	UnknownKey    = BadToken{defect: emulator.DefectUnknownKey}
	BadSignature  = BadToken{defect: emulator.DefectBadSignature}
	AlgNone       = BadToken{defect: emulator.DefectAlgNone}
)

// MissingClaim is a token without the named claim (sub, exp, sid, ...).
func MissingClaim(name string) BadToken {
	return BadToken{defect: emulator.DefectMissingClaim, claim: name}
}

// String names the defect.
func (b BadToken) String() string {
	if b.claim != "" {
		return b.defect + "(" + b.claim + ")"
	}
	return b.defect
}

// MintBadToken mints a token with the given defect for the default world's
// first user, or the user WithUser names. Options shape it as for
// MintAccessToken (Connect(), WithOrganization, ...).
func (e *Emulator) MintBadToken(t T, kind BadToken, opts ...MintOption) string {
	t.Helper()
	req := e.mintRequest("", opts)
	if req.UserID == "" && req.Family != emulator.FamilyM2M {
		if users := e.srv.Fixtures().Users; len(users) > 0 {
			req.UserID = users[0].ID
		}
	}
	tok, err := e.srv.MintBad(context.Background(), req, kind.defect, kind.claim)
	if err != nil {
		t.Fatalf("testkit: MintBadToken(%s): %v", kind, err)
	}
	return tok
}

// WithUser names the user of a bad token.
func WithUser(userID string) MintOption { return func(r *emulator.MintRequest) { r.UserID = userID } }
