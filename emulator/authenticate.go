package emulator

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// Grant types of /user_management/authenticate (reference §3.2).
const (
	grantPassword          = "password"
	grantMagicAuth         = "urn:workos:oauth:grant-type:magic-auth:code"
	grantEmailVerification = "urn:workos:oauth:grant-type:email-verification:code"
	grantTOTP              = "urn:workos:oauth:grant-type:mfa-totp"
	grantOrgSelection      = "urn:workos:oauth:grant-type:organization-selection"
)

// umGrant serves one grant of /user_management/authenticate.
type umGrant struct {
	// secret: whether the environment's client_secret (an API key) is
	// required. authorization_code decides for itself (PKCE may stand in).
	secret bool
	fn     func(c echo.Context, w *world, p params, secretOK bool) error
}

func (s *Server) umGrants() map[string]umGrant {
	return map[string]umGrant{
		fixtures.GrantAuthorizationCode: {false, s.umAuthorizationCode},
		grantPassword:                   {true, s.umPassword},
		fixtures.GrantRefreshToken:      {false, s.umRefresh},
		grantMagicAuth:                  {true, s.umMagicAuth},
		grantEmailVerification:          {true, s.umEmailVerification},
		grantTOTP:                       {true, s.umTOTP},
		grantOrgSelection:               {true, s.umOrgSelection},
		fixtures.GrantDeviceCode:        {false, s.umDeviceCode},
	}
}

// authenticate serves POST /user_management/authenticate: every grant the
// WorkOS SDKs use. The body is JSON (the SDKs) or a form (curl).
func (s *Server) authenticate(c echo.Context) error {
	p, err := readParams(c, true)
	if err != nil {
		return err
	}
	if err := required(p, "grant_type"); err != nil {
		return err
	}
	gt := p.get("grant_type")
	g, ok := s.umGrantTable[gt]
	if !ok {
		return oauthError(http.StatusBadRequest, CodeUnsupportedGrantType, fmt.Sprintf("Grant type %q is not supported.", printable(gt)))
	}
	w := s.world()
	clientID := p.get("client_id")
	if clientID == "" {
		return oauthError(http.StatusBadRequest, CodeInvalidClient, "client_id is required.")
	}
	if clientID != w.env.clientID {
		return oauthError(http.StatusBadRequest, CodeInvalidClient, "Unknown client_id: User Management authenticates with the environment's client id.")
	}
	// The SDKs send the API key as client_secret in the body; Node and Go v10
	// also send it as a Bearer header. Public clients send neither (Go v10
	// sends an empty "Bearer ").
	secret := p.get("client_secret")
	if secret == "" {
		secret, _ = bearer(c)
	}
	secretOK := false
	if secret != "" {
		if !w.env.validAPIKey(secret) {
			return oauthError(http.StatusBadRequest, CodeInvalidClient, "Invalid client secret.")
		}
		secretOK = true
	}
	if g.secret && !secretOK {
		return oauthError(http.StatusBadRequest, CodeInvalidClient, fmt.Sprintf("client_secret (an API key) is required for the %s grant.", gt))
	}
	return g.fn(c, w, p, secretOK)
}

func required(p params, names ...string) error {
	for _, n := range names {
		if p.get(n) == "" {
			return oauthError(http.StatusBadRequest, CodeInvalidRequest, fmt.Sprintf("The %s parameter is required.", n))
		}
	}
	return nil
}

// signIn completes a first-factor sign-in of the API: the caller's
// ip_address and user_agent for the session, the invitation it accepts,
// then the pipeline (interruptions or the session and its tokens).
func (s *Server) signIn(c echo.Context, w *world, p params, a attempt) error {
	a.ip, a.userAgent = p.get("ip_address"), p.get("user_agent")
	if err := s.applyInvitation(w, &a, p.get("invitation_token")); err != nil {
		return err
	}
	body, err := s.completeSignIn(c.Request().Context(), w, a)
	return respond(c, body, err)
}

// respond writes a completed sign-in.
func respond(c echo.Context, body object, err error) error {
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, body)
}

// checkPKCE verifies a code_verifier against an S256 challenge.
func checkPKCE(challenge, verifier string) bool {
	sum := sha256.Sum256([]byte(verifier))
	want := base64.RawURLEncoding.EncodeToString(sum[:])
	return subtle.ConstantTimeCompare([]byte(want), []byte(challenge)) == 1
}

var errBadCode = oauthError(http.StatusBadRequest, CodeInvalidGrant, "The authorization code is invalid, expired or already used.")

// redeemCode consumes an authorization code of the given client, checking
// PKCE: with a challenge the verifier is required (and the secret is not);
// without one the client must authenticate. A non-empty redirectURI must be
// the authorization request's.
func (s *Server) redeemCode(w *world, code, clientID, verifier, redirectURI string, authenticated bool) (*authCode, error) {
	now := s.clock.Now()
	w.mu.Lock()
	defer w.mu.Unlock()
	ac := w.codes[code]
	if ac == nil || ac.clientID != clientID || !now.Before(ac.expiresAt) {
		return nil, errBadCode
	}
	// A code is single use: even a failed exchange (bad verifier) burns it,
	// as RFC 6749 §4.1.2 advises against code replay.
	delete(w.codes, code)
	if redirectURI != "" && redirectURI != ac.redirectURI { // Connect sends it; User Management does not
		return nil, oauthError(http.StatusBadRequest, CodeInvalidGrant, "redirect_uri does not match the authorization request.")
	}
	switch {
	case ac.challenge != "" && verifier == "":
		return nil, oauthError(http.StatusBadRequest, CodeInvalidGrant, "The authorization request used PKCE: code_verifier is required.")
	case ac.challenge != "" && !checkPKCE(ac.challenge, verifier):
		return nil, oauthError(http.StatusBadRequest, CodeInvalidGrant, "code_verifier does not match the code_challenge.")
	case ac.challenge == "" && verifier != "":
		return nil, apiError(http.StatusBadRequest, "code_challenge_not_found", "A code_verifier was sent but the authorization request had no code_challenge.")
	case ac.challenge == "" && !authenticated:
		return nil, oauthError(http.StatusBadRequest, CodeInvalidClient, "Without PKCE the client must authenticate (client_secret).")
	}
	return ac, nil
}

func (s *Server) umAuthorizationCode(c echo.Context, w *world, p params, secretOK bool) error {
	if err := required(p, "code"); err != nil {
		return err
	}
	ac, err := s.redeemCode(w, p.get("code"), w.env.clientID, p.get("code_verifier"), "", secretOK)
	if err != nil {
		return err
	}
	return s.signIn(c, w, p, ac.attempt)
}

func (s *Server) umPassword(c echo.Context, w *world, p params, _ bool) error {
	if err := required(p, "email", "password"); err != nil {
		return err
	}
	id := w.passwordUser(p.get("email"), p.get("password"))
	if id == "" {
		return apiError(http.StatusBadRequest, CodeInvalidCredentials, "Invalid credentials.")
	}
	return s.signIn(c, w, p, attempt{userID: id, method: "Password"})
}

// umRefresh rotates a User Management refresh token; organization_id
// switches the session's organization, re-deriving org_id and the role
// claims from the membership there. The response includes the user, as the
// Node SDK requires.
func (s *Server) umRefresh(c echo.Context, w *world, p params, _ bool) error {
	if err := required(p, "refresh_token"); err != nil {
		return err
	}
	ss, err := s.rotateRefresh(w, p.get("refresh_token"), w.env.clientID, familyUM, p.get("organization_id"))
	if err != nil {
		return err
	}
	body, err := s.issueSessionTokens(c.Request().Context(), w, ss, "")
	return respond(c, body, err)
}

func (s *Server) umMagicAuth(c echo.Context, w *world, p params, _ bool) error {
	if err := required(p, "code", "email"); err != nil {
		return err
	}
	userID, err := s.redeemMagicCode(w, p.get("email"), p.get("code"))
	if err != nil {
		return err
	}
	return s.signIn(c, w, p, attempt{userID: userID, method: "MagicAuth", emailVerified: true})
}

// continuePending applies the step a pending sign-in waits for (reasons)
// and completes it; a failed step leaves the pending token usable, so a
// wrong code can be retried.
func (s *Server) continuePending(c echo.Context, w *world, token, waitingFor string, reasons []step,
	apply func(pa *pendingAuth, a *attempt, now time.Time) error) error {
	now := s.clock.Now()
	w.mu.Lock()
	pa, err := w.takePending(token, now)
	if err == nil && !slices.Contains(reasons, pa.reason) {
		err = apiError(http.StatusBadRequest, "invalid_pending_authentication_token", "This pending authentication is not waiting for "+waitingFor+".")
	}
	var a attempt
	if err == nil {
		a = pa.attempt
		err = apply(pa, &a, now)
	}
	if err == nil {
		delete(w.pending, pa.token)
	}
	w.mu.Unlock()
	if err != nil {
		return err
	}
	body, err := s.completeSignIn(c.Request().Context(), w, a)
	return respond(c, body, err)
}

func (s *Server) umEmailVerification(c echo.Context, w *world, p params, _ bool) error {
	if err := required(p, "code", "pending_authentication_token"); err != nil {
		return err
	}
	return s.continuePending(c, w, p.get("pending_authentication_token"), "e-mail verification", []step{stepVerifyEmail},
		func(pa *pendingAuth, a *attempt, now time.Time) error {
			a.emailVerified = true
			return w.redeemEmailCode(pa.emailVerificationID, p.get("code"), now)
		})
}

func (s *Server) umTOTP(c echo.Context, w *world, p params, _ bool) error {
	if err := required(p, "code", "pending_authentication_token", "authentication_challenge_id"); err != nil {
		return err
	}
	return s.continuePending(c, w, p.get("pending_authentication_token"), "MFA", []step{stepMFAChallenge, stepMFAEnroll},
		func(pa *pendingAuth, a *attempt, now time.Time) error {
			a.mfaDone = true
			return w.verifyChallenge(p.get("authentication_challenge_id"), pa.attempt.userID, p.get("code"), now)
		})
}

func (s *Server) umOrgSelection(c echo.Context, w *world, p params, _ bool) error {
	if err := required(p, "pending_authentication_token", "organization_id"); err != nil {
		return err
	}
	return s.continuePending(c, w, p.get("pending_authentication_token"), "an organization", []step{stepChooseOrg},
		func(_ *pendingAuth, a *attempt, _ time.Time) error {
			a.orgID = p.get("organization_id")
			_, err := w.nextStep(a) // not a member: the token stays usable for another choice
			return err
		})
}

// deviceError is a device-flow polling error: OAuth-shaped, plus the "code"
// member Go v10's AuthKitPollDeviceCode reads to decide to keep polling.
func deviceError(code, desc string) *Error {
	return oauthError(http.StatusBadRequest, code, desc).With("code", code)
}

func (s *Server) umDeviceCode(c echo.Context, w *world, p params, _ bool) error {
	if err := required(p, "device_code"); err != nil {
		return err
	}
	a, _, err := s.pollDevice(w, p.get("device_code"), w.env.clientID)
	if err != nil {
		return err
	}
	body, err := s.completeSignIn(c.Request().Context(), w, a)
	return respond(c, body, err)
}
