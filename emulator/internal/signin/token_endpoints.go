package signin

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// Grant types of /user_management/authenticate besides the OAuth ones.
const (
	grantPassword          = "password"
	grantMagicAuth         = "urn:workos:oauth:grant-type:magic-auth:code"
	grantEmailVerification = "urn:workos:oauth:grant-type:email-verification:code"
	grantTOTP              = "urn:workos:oauth:grant-type:mfa-totp"
	grantOrgSelection      = "urn:workos:oauth:grant-type:organization-selection"
)

// tokenRequest is one call of a token endpoint: the decoded body, the
// environment, and who the caller is.
type tokenRequest struct {
	c  echo.Context
	st *store.Store
	b  web.Body
	// client is the authenticated Connect application (/oauth2/token).
	client *Client
	// secretOK: the environment's API key came as client_secret
	// (/user_management/authenticate).
	secretOK bool
}

// grantFunc serves one grant type at one endpoint.
type grantFunc func(r tokenRequest) error

// grant is one grant type: its handler at each token endpoint that takes
// it (nil where it is not accepted). User Management grants that need the
// environment's API key say so; authorization_code decides for itself
// (PKCE may stand in for the secret).
type grant struct {
	authenticate grantFunc // POST /user_management/authenticate
	umSecret     bool
	token        grantFunc // POST /oauth2/token (Connect applications)
}

// grants is the one table of both token endpoints.
func (e *engine) grants() map[string]grant {
	return map[string]grant{
		fixtures.GrantAuthorizationCode: {authenticate: umAuthorizationCode, token: connectAuthorizationCode},
		fixtures.GrantRefreshToken:      {authenticate: umRefresh, token: connectRefresh},
		fixtures.GrantDeviceCode:        {authenticate: umDeviceCode, token: connectDeviceCode},
		fixtures.GrantClientCredentials: {token: clientCredentials},
		grantPassword:                   {authenticate: passwordGrant, umSecret: true},
		grantMagicAuth:                  {authenticate: magicAuthGrant, umSecret: true},
		grantEmailVerification:          {authenticate: emailVerificationGrant, umSecret: true},
		grantTOTP:                       {authenticate: totpGrant, umSecret: true},
		grantOrgSelection:               {authenticate: orgSelectionGrant, umSecret: true},
		grantRadarEmail:                 {authenticate: radarEmailGrant, umSecret: true},
		grantRadarSMS:                   {authenticate: radarSMSGrant, umSecret: true},
	}
}

// unsupported is the answer for a grant type an endpoint does not take.
func unsupported(gt string) error {
	return web.OAuthError(http.StatusBadRequest, web.CodeUnsupportedGrantType, fmt.Sprintf("Grant type %q is not supported.", web.Printable(gt)))
}

// token serves POST /oauth2/token (RFC 6749) for Connect applications.
func (e *engine) token(c echo.Context) error {
	b, err := web.Decode(c, web.OAuthForm)
	if err != nil {
		return err
	}
	if err := b.Required("grant_type"); err != nil {
		return err
	}
	gt := b.Param("grant_type")
	g := e.table[gt]
	if g.token == nil {
		return unsupported(gt)
	}
	st := e.env(c)
	cl, err := AuthenticateClient(c, st, &b, true)
	if err != nil {
		return err
	}
	if cl.App == nil {
		return web.OAuthError(http.StatusBadRequest, web.CodeUnauthorizedClient, "The environment client uses /user_management/authenticate; /oauth2/token serves Connect applications.")
	}
	if !cl.App.AllowsGrant(gt) {
		return web.OAuthError(http.StatusBadRequest, web.CodeUnauthorizedClient, fmt.Sprintf("Application %s may not use the %s grant (see its grant_types).", cl.ID, gt))
	}
	return g.token(tokenRequest{c: c, st: st, b: b, client: cl})
}

// authenticate serves POST /user_management/authenticate: every grant the
// WorkOS SDKs use. The body is JSON (the SDKs) or a form (curl).
func (e *engine) authenticate(c echo.Context) error {
	b, err := web.Decode(c, web.OAuthParams)
	if err != nil {
		return err
	}
	if err := b.Required("grant_type"); err != nil {
		return err
	}
	gt := b.Param("grant_type")
	g := e.table[gt]
	if g.authenticate == nil {
		return unsupported(gt)
	}
	st := e.env(c)
	cfg := st.Config()
	clientID := b.Param("client_id")
	if clientID == "" {
		return web.OAuthError(http.StatusBadRequest, web.CodeInvalidClient, "client_id is required.")
	}
	if clientID != cfg.ClientID {
		return web.OAuthError(http.StatusBadRequest, web.CodeInvalidClient, "Unknown client_id: User Management authenticates with the environment's client id.")
	}
	// The SDKs send the API key as client_secret in the body; Node and Go v10
	// also send it as a Bearer header. Public clients send neither (Go v10
	// sends an empty "Bearer ").
	secret := b.Param("client_secret")
	if secret == "" {
		secret, _ = web.Bearer(c)
	}
	secretOK := false
	if secret != "" {
		if !cfg.ValidAPIKey(secret) {
			return web.OAuthError(http.StatusBadRequest, web.CodeInvalidClient, "Invalid client secret.")
		}
		secretOK = true
	}
	if g.umSecret && !secretOK {
		return web.OAuthError(http.StatusBadRequest, web.CodeInvalidClient, fmt.Sprintf("client_secret (an API key) is required for the %s grant.", gt))
	}
	return g.authenticate(tokenRequest{c: c, st: st, b: b, secretOK: secretOK})
}

// signIn completes a first-factor sign-in of the API: the caller's
// ip_address and user_agent for the session, the invitation it accepts,
// then the pipeline (interruptions or the session and its tokens).
func (r *tokenRequest) signIn(a store.Attempt) error {
	a.IP, a.UserAgent = r.b.Param("ip_address"), r.b.Param("user_agent")
	if err := applyInvitation(r.st, &a, r.b.Param("invitation_token")); err != nil {
		return err
	}
	return r.respond(complete(r.c.Request().Context(), r.st, a))
}

// respond writes a completed sign-in. A browser's sign-in also gets the
// session cookies (see browser_cookies.go).
func (r *tokenRequest) respond(body wire.Object, err error) error {
	if err != nil {
		return err
	}
	if fromBrowser(r.c) {
		refresh, _ := body.Get("refresh_token").(string)
		setSessionCookies(r.c, r.st.Config().ClientID, refresh, secureCookies(r.st.Config().PublicURL))
	}
	return web.JSON(r.c, http.StatusOK, body)
}

// endUser is who the sign-in is for, as the application reports it.
func (r *tokenRequest) endUser() endUser {
	return endUser{ip: r.b.Param("ip_address"), userAgent: r.b.Param("user_agent")}
}
