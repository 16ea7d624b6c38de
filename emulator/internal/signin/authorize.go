package signin

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// flowTTL bounds how long a login page stays usable.
const flowTTL = 30 * time.Minute

// authorizeError is an error delivered to the redirect URI, as WorkOS does
// once the redirect URI is known to be valid.
func authorizeError(c echo.Context, redirectURI, state, code, desc string) error {
	return web.Redirect(c, withQuery(redirectURI, "error", code, "error_description", desc, "state", state))
}

// authorizeUM serves GET /user_management/authorize, the URL the SDKs'
// getAuthorizationUrl builds. Client and redirect URI problems are JSON
// 400s (there is nowhere safe to redirect); every later problem goes back to
// the redirect URI as error/error_description/state.
func (e *engine) authorizeUM(c echo.Context) error {
	q := c.QueryParams()
	st := e.env(c)
	cfg := st.Config()
	clientID, redirectURI, state := q.Get("client_id"), q.Get("redirect_uri"), q.Get("state")
	if clientID == "" {
		return web.APIError(http.StatusBadRequest, web.CodeInvalidRequest, "client_id is required.")
	}
	if clientID != cfg.ClientID {
		return web.APIError(http.StatusBadRequest, web.CodeInvalidClient, fmt.Sprintf("Unknown client_id %q: /user_management/authorize takes the environment's client id.", web.Printable(clientID)))
	}
	if redirectURI == "" {
		return web.APIError(http.StatusBadRequest, web.CodeInvalidRequest, "redirect_uri is required.")
	}
	var allowed bool
	_ = st.Read(func(tx *store.Tx) error { allowed = RedirectAllowed(redirectURI, tx.AllowedRedirectURIs()); return nil })
	if !allowed {
		return web.APIError(http.StatusBadRequest, web.CodeInvalidRequest, fmt.Sprintf("redirect_uri %q is not an allowed redirect URI of this environment (environment.redirect_uris, /user_management/redirect_uris).", web.Printable(redirectURI)))
	}
	fail := func(code, desc string) error { return authorizeError(c, redirectURI, state, code, desc) }
	if rt := q.Get("response_type"); rt != "code" {
		return fail("unsupported_response_type", "response_type must be code.")
	}
	provider, orgID, connID := q.Get("provider"), q.Get("organization_id"), q.Get("connection_id")
	switch {
	case provider == "" && orgID == "" && connID == "":
		return fail(web.CodeInvalidRequest, "One of provider, connection_id or organization_id is required.")
	case provider != "" && provider != "authkit" && !fixtures.IsOAuthProvider(provider):
		return fail(web.CodeInvalidRequest, fmt.Sprintf("provider %q is not authkit or an OAuth provider (GoogleOAuth, GitHubOAuth, MicrosoftOAuth, AppleOAuth, ...).", web.Printable(provider)))
	}
	f := &store.LoginFlow{Surface: store.SurfaceUM, ClientID: clientID, RedirectURI: redirectURI, State: state,
		LoginHint: q.Get("login_hint"), OrgID: orgID}
	if err := commonAuthorizeParams(st, q, f); err != nil {
		return fail(err.code, err.desc)
	}
	// A connection, an OAuth provider, or an organization with SSO
	// connections signs in at the emulated identity provider; an
	// organization without any is AuthKit's own login, scoped to it.
	sel := Selector{Connection: connID}
	switch {
	case connID != "":
	case provider != "" && provider != "authkit":
		sel.Provider = provider
	case provider == "" && orgID != "":
		sel.Organization = orgID
	}
	if sel != (Selector{}) {
		var conn *store.Connection
		var serr *SelectError
		_ = st.Read(func(tx *store.Tx) error {
			if sel.Organization != "" && len(tx.ConnectionsOfOrg(orgID)) == 0 {
				return nil
			}
			conn, serr = SelectConnection(tx, sel)
			return nil
		})
		if serr != nil {
			return fail(serr.Code, serr.Description)
		}
		if conn != nil {
			return e.startSSOFlow(c, st, f, conn, q)
		}
	}
	return e.startFlow(c, st, f, q)
}

// startSSOFlow registers the hosted sign-in and sends it to the emulated
// identity provider of a connection (headless with login_hint naming one
// of its profiles, and auto_login).
func (e *engine) startSSOFlow(c echo.Context, st *store.Store, f *store.LoginFlow, conn *store.Connection, q url.Values) error {
	scopes := web.QueryList(q, "provider_scopes")
	var out outcome
	_ = st.Write(func(tx *store.Tx) error {
		if conn = tx.Connection(conn.ID); conn == nil || !conn.Active() {
			out.redirectTo = withQuery(f.RedirectURI, "error", "connection_unlinked", "error_description", "The connection associated with the request is unlinked.", "state", f.State)
			return nil
		}
		f.ID, f.CSRF = tx.Token(24), tx.Token(32)
		f.ExpiresAt = tx.Now().Add(flowTTL)
		addFlow(tx, f)
		r := &store.IdPRequest{FlowID: f.ID, LoginHint: f.LoginHint, ProviderScopes: scopes, ReturnOAuth: len(scopes) > 0,
			IP: c.RealIP(), UserAgent: c.Request().UserAgent()}
		out = beginIdP(tx, r, conn, tx.Config().AutoLogin || q.Get("auto_login") == "true")
		return nil
	})
	return e.render(c, out)
}

type authzErr struct{ code, desc string }

// commonAuthorizeParams validates what both authorize endpoints share:
// PKCE, screen_hint, prompt and the requested organization.
func commonAuthorizeParams(st *store.Store, q url.Values, f *store.LoginFlow) *authzErr {
	if ch := q.Get("code_challenge"); ch != "" {
		if m := q.Get("code_challenge_method"); m != "S256" {
			return &authzErr{web.CodeInvalidRequest, "code_challenge_method must be S256 (plain is not supported)."}
		}
		if len(ch) < 43 || len(ch) > 128 {
			return &authzErr{web.CodeInvalidRequest, "code_challenge must be the base64url SHA-256 of the code_verifier."}
		}
		f.Challenge = ch
	} else if q.Get("code_challenge_method") != "" {
		return &authzErr{web.CodeInvalidRequest, "code_challenge_method without code_challenge."}
	}
	switch sh := q.Get("screen_hint"); sh {
	case "", "sign-in", "sign-up":
		f.ScreenHint = sh
	default:
		return &authzErr{web.CodeInvalidRequest, "screen_hint must be sign-in or sign-up."}
	}
	if q.Get("prompt") == "none" {
		return &authzErr{"login_required", "prompt=none: the emulator keeps no browser session, so the user must sign in."}
	}
	if f.OrgID != "" {
		var ok bool
		_ = st.Read(func(tx *store.Tx) error { ok = tx.Org(f.OrgID) != nil; return nil })
		if !ok {
			return &authzErr{"organization_invalid", fmt.Sprintf("Organization %q does not exist.", web.Printable(f.OrgID))}
		}
	}
	return nil
}

// authorizeConnect serves GET /oauth2/authorize for Connect applications.
func (e *engine) authorizeConnect(c echo.Context) error {
	q := c.QueryParams()
	st := e.env(c)
	clientID, redirectURI, state := q.Get("client_id"), q.Get("redirect_uri"), q.Get("state")
	var app *store.Application
	_ = st.Read(func(tx *store.Tx) error { app = tx.App(clientID); return nil })
	if app == nil {
		return web.OAuthError(http.StatusBadRequest, web.CodeInvalidClient, fmt.Sprintf("Unknown client_id %q.", web.Printable(clientID)))
	}
	if !RedirectAllowed(redirectURI, app.RedirectURIs) {
		return web.OAuthError(http.StatusBadRequest, web.CodeInvalidRequest, fmt.Sprintf("redirect_uri %q is not registered for application %s.", web.Printable(redirectURI), clientID))
	}
	fail := func(code, desc string) error { return authorizeError(c, redirectURI, state, code, desc) }
	if q.Get("response_type") != "code" {
		return fail("unsupported_response_type", "response_type must be code.")
	}
	if !app.AllowsGrant(fixtures.GrantAuthorizationCode) {
		return fail(web.CodeUnauthorizedClient, fmt.Sprintf("Application %s may not use the authorization_code grant.", clientID))
	}
	scopes, denied := GrantedScopes(app, strings.Fields(q.Get("scope")))
	if denied != "" {
		return fail(web.CodeInvalidScope, denied)
	}
	if slices.Contains(scopes, "profile") || slices.Contains(scopes, "email") {
		if !slices.Contains(scopes, "openid") {
			return fail(web.CodeInvalidScope, "The profile and email scopes need openid.")
		}
	}
	f := &store.LoginFlow{Surface: store.SurfaceConnect, ClientID: clientID, AppName: app.Name, RedirectURI: redirectURI, State: state,
		Scopes: scopes, Nonce: q.Get("nonce"), LoginHint: q.Get("login_hint"), OrgID: q.Get("organization_id"), ThirdParty: app.ThirdParty}
	if r := q.Get("resource"); r != "" {
		if u, err := url.Parse(r); err != nil || !u.IsAbs() || u.Fragment != "" {
			return fail("invalid_target", "resource must be an absolute URI without a fragment (RFC 8707).")
		}
		f.Resource = r
	}
	if err := commonAuthorizeParams(st, q, f); err != nil {
		return fail(err.code, err.desc)
	}
	if app.Type == fixtures.AppPublic && f.Challenge == "" {
		return fail(web.CodeInvalidRequest, "A public client must use PKCE (code_challenge with S256).")
	}
	return e.startFlow(c, st, f, q)
}

// signInFlow marks the flow's user as known: the steps after the first
// factor (verification, MFA, organization) are still to come.
func signInFlow(f *store.LoginFlow, userID, method string) {
	f.Attempt = &store.Attempt{UserID: userID, Method: method, OrgID: f.OrgID}
}

// addFlow registers a login flow until it expires and returns the URL of
// its hosted login page.
func addFlow(tx *store.Tx, f *store.LoginFlow) (loginURL string) {
	tx.AddFlow(f)
	return tx.Config().PublicURL + "/authkit/login?flow=" + f.ID
}

// startFlow registers the flow and either signs the login_hint user in
// headlessly (environment.auto_login, or auto_login=true on the request:
// at its identity provider when the e-mail's domain routes to SSO) or
// sends the browser to the hosted login page. Headless sign-in stops at the
// page of any step that needs input (an organization to choose, a code).
func (e *engine) startFlow(c echo.Context, st *store.Store, f *store.LoginFlow, q url.Values) error {
	var out outcome
	_ = st.Write(func(tx *store.Tx) error {
		f.ID, f.CSRF = tx.Token(24), tx.Token(32)
		f.ExpiresAt = tx.Now().Add(flowTTL)
		f.IP, f.UserAgent = c.RealIP(), c.Request().UserAgent()
		if f.Surface == store.SurfaceConnect && tx.Config().ConnectLoginURI != "" {
			out = outcome{redirectTo: externalLogin(tx, f)}
			return nil
		}
		out = outcome{redirectTo: addFlow(tx, f)}
		if tx.Config().AutoLogin || q.Get("auto_login") == "true" {
			// An e-mail of an SSO domain signs in at its identity provider,
			// as the hosted page would send it there.
			if conn := tx.SSOConnectionForEmail(f.LoginHint); conn != nil && f.LoginHint != "" {
				r := &store.IdPRequest{FlowID: f.ID, LoginHint: f.LoginHint, IP: c.RealIP(), UserAgent: c.Request().UserAgent()}
				out = beginIdP(tx, r, conn, true)
				return nil
			}
			if hinted := tx.UserByEmail(f.LoginHint); hinted != nil && f.LoginHint != "" {
				radar, blocked := hostedRadar(tx, f, hinted.Email, "Password", "sign-in", "sign-in")
				if blocked != nil {
					out = *blocked
					return nil
				}
				signInFlow(f, hinted.ID, "Password")
				withRadar(f.Attempt, radar)
				out = advance(tx, f, "")
			}
		}
		return nil
	})
	return e.render(c, out)
}

// issueCode ends a flow with an authorization code and returns the client
// redirect.
func issueCode(tx *store.Tx, f *store.LoginFlow) string {
	ac := &store.AuthCode{Code: tx.Token(25), ClientID: f.ClientID, RedirectURI: f.RedirectURI,
		Challenge: f.Challenge, Scopes: f.Scopes, Nonce: f.Nonce, Resource: f.Resource, Attempt: *f.Attempt,
		ExpiresAt: tx.Now().Add(tx.Config().CodeTTL)}
	tx.AddAuthCode(ac)
	tx.DeleteFlow(f.ID)
	return withQuery(f.RedirectURI, "code", ac.Code, "state", f.State)
}
