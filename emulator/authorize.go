package emulator

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// surface is which front door a sign-in came through.
type surface int

const (
	surfaceUM      surface = iota // /user_management/authorize
	surfaceConnect                // /oauth2/authorize
	surfaceDevice                 // /device approval
)

// loginFlow is a hosted sign-in in progress: the validated authorization
// request, and how far the user got.
type loginFlow struct {
	id          string
	surface     surface
	clientID    string
	appName     string
	redirectURI string
	state       string
	challenge   string
	scopes      []string
	nonce       string
	resource    string
	screenHint  string
	loginHint   string
	orgID       string // requested organization
	thirdParty  bool
	deviceCode  string
	expiresAt   time.Time

	attempt      *attempt // set once the user proved who they are
	emailCode    string   // outbox id of the verification code sent
	challenge2   string   // MFA challenge id
	enrollSecret string
	magicEmail   string // magic code sent, waiting for it
	consented    bool
}

// authCode is an authorization code: a finished sign-in waiting to be
// exchanged at /user_management/authenticate or /oauth2/token.
type authCode struct {
	code        string
	clientID    string
	redirectURI string
	challenge   string
	scopes      []string
	nonce       string
	resource    string
	attempt     attempt
	expiresAt   time.Time
}

// flowTTL bounds how long a login page stays usable.
const flowTTL = 30 * time.Minute

// authorizeError is an error delivered to the redirect URI, as WorkOS does
// once the redirect URI is known to be valid.
func authorizeError(c echo.Context, redirectURI, state, code, desc string) error {
	return redirect(c, withQuery(redirectURI, "error", code, "error_description", desc, "state", state))
}

// redirectAllowed matches a redirect URI against allowed ones: exactly, or
// with WorkOS wildcards (a leftmost `*.` host label, a `:*` localhost port).
func redirectAllowed(uri string, allowed []string) bool {
	got, err := url.Parse(uri)
	if err != nil || got.Scheme == "" || got.Host == "" || got.Fragment != "" {
		return false
	}
	for _, a := range allowed {
		if a == uri {
			return true
		}
		if !strings.Contains(a, "*") {
			continue
		}
		pattern, err := url.Parse(strings.Replace(strings.Replace(a, "*.", "wildcard.", 1), ":*", ":1", 1))
		if err != nil || pattern.Scheme != got.Scheme || pattern.Path != got.Path || pattern.RawQuery != got.RawQuery {
			continue
		}
		host, port := got.Hostname(), got.Port()
		ph := pattern.Hostname()
		if strings.HasPrefix(ph, "wildcard.") {
			suffix := strings.TrimPrefix(ph, "wildcard")
			label, ok := strings.CutSuffix(host, suffix)
			if !ok || label == "" || strings.Contains(label, ".") {
				continue
			}
		} else if ph != host {
			continue
		}
		if strings.Contains(a, ":*") {
			if port == "" {
				continue
			}
		} else if pattern.Port() != port {
			continue
		}
		return true
	}
	return false
}

// authorizeUM serves GET /user_management/authorize, the URL the SDKs'
// getAuthorizationUrl builds. Client and redirect URI problems are JSON
// 400s (there is nowhere safe to redirect); every later problem goes back to
// the redirect URI as error/error_description/state.
func (s *Server) authorizeUM(c echo.Context) error {
	q := c.QueryParams()
	w := s.world()
	clientID, redirectURI, state := q.Get("client_id"), q.Get("redirect_uri"), q.Get("state")
	if clientID == "" {
		return apiError(http.StatusBadRequest, CodeInvalidRequest, "client_id is required.")
	}
	if clientID != w.env.clientID {
		return apiError(http.StatusBadRequest, CodeInvalidClient, fmt.Sprintf("Unknown client_id %q: /user_management/authorize takes the environment's client id.", printable(clientID)))
	}
	if redirectURI == "" {
		return apiError(http.StatusBadRequest, CodeInvalidRequest, "redirect_uri is required.")
	}
	if !redirectAllowed(redirectURI, w.env.redirectURIs) {
		return apiError(http.StatusBadRequest, CodeInvalidRequest, fmt.Sprintf("redirect_uri %q is not an allowed redirect URI of this environment (environment.redirect_uris).", printable(redirectURI)))
	}
	fail := func(code, desc string) error { return authorizeError(c, redirectURI, state, code, desc) }
	if rt := q.Get("response_type"); rt != "code" {
		return fail("unsupported_response_type", "response_type must be code.")
	}
	provider, orgID := q.Get("provider"), q.Get("organization_id")
	switch {
	case q.Get("connection_id") != "":
		return fail("connection_invalid", "SSO connections are not emulated: use provider=authkit.")
	case provider == "" && orgID == "":
		return fail(CodeInvalidRequest, "One of provider, connection_id or organization_id is required.")
	case provider != "" && provider != "authkit":
		return fail(CodeInvalidRequest, fmt.Sprintf("provider %q is not emulated: authkit-emulator signs users in with provider=authkit.", printable(provider)))
	}
	f := &loginFlow{surface: surfaceUM, clientID: clientID, appName: "", redirectURI: redirectURI, state: state,
		loginHint: q.Get("login_hint"), orgID: orgID}
	if err := s.commonAuthorizeParams(w, q, f); err != nil {
		return fail(err.code, err.desc)
	}
	return s.startFlow(c, w, f, q)
}

type authzErr struct{ code, desc string }

// commonAuthorizeParams validates what both authorize endpoints share:
// PKCE, screen_hint, prompt and the requested organization.
func (s *Server) commonAuthorizeParams(w *world, q url.Values, f *loginFlow) *authzErr {
	if ch := q.Get("code_challenge"); ch != "" {
		if m := q.Get("code_challenge_method"); m != "S256" {
			return &authzErr{CodeInvalidRequest, "code_challenge_method must be S256 (plain is not supported)."}
		}
		if len(ch) < 43 || len(ch) > 128 {
			return &authzErr{CodeInvalidRequest, "code_challenge must be the base64url SHA-256 of the code_verifier."}
		}
		f.challenge = ch
	} else if q.Get("code_challenge_method") != "" {
		return &authzErr{CodeInvalidRequest, "code_challenge_method without code_challenge."}
	}
	switch sh := q.Get("screen_hint"); sh {
	case "", "sign-in", "sign-up":
		f.screenHint = sh
	default:
		return &authzErr{CodeInvalidRequest, "screen_hint must be sign-in or sign-up."}
	}
	if q.Get("prompt") == "none" {
		return &authzErr{"login_required", "prompt=none: the emulator keeps no browser session, so the user must sign in."}
	}
	if f.orgID != "" {
		w.mu.RLock()
		ok := w.orgs[f.orgID] != nil
		w.mu.RUnlock()
		if !ok {
			return &authzErr{"organization_invalid", fmt.Sprintf("Organization %q does not exist.", printable(f.orgID))}
		}
	}
	return nil
}

// authorizeConnect serves GET /oauth2/authorize for Connect applications.
func (s *Server) authorizeConnect(c echo.Context) error {
	q := c.QueryParams()
	w := s.world()
	clientID, redirectURI, state := q.Get("client_id"), q.Get("redirect_uri"), q.Get("state")
	w.mu.RLock()
	app := w.apps[clientID]
	w.mu.RUnlock()
	if app == nil {
		return oauthError(http.StatusBadRequest, CodeInvalidClient, fmt.Sprintf("Unknown client_id %q.", printable(clientID)))
	}
	if !redirectAllowed(redirectURI, app.RedirectURIs) {
		return oauthError(http.StatusBadRequest, CodeInvalidRequest, fmt.Sprintf("redirect_uri %q is not registered for application %s.", printable(redirectURI), clientID))
	}
	fail := func(code, desc string) error { return authorizeError(c, redirectURI, state, code, desc) }
	if q.Get("response_type") != "code" {
		return fail("unsupported_response_type", "response_type must be code.")
	}
	if !app.AllowsGrant(fixtures.GrantAuthorizationCode) {
		return fail(CodeUnauthorizedClient, fmt.Sprintf("Application %s may not use the authorization_code grant.", clientID))
	}
	scopes, denied := grantedScopes(app, clientID, strings.Fields(q.Get("scope")))
	if denied != "" {
		return fail(CodeInvalidScope, denied)
	}
	if slices.Contains(scopes, "profile") || slices.Contains(scopes, "email") {
		if !slices.Contains(scopes, "openid") {
			return fail(CodeInvalidScope, "The profile and email scopes need openid.")
		}
	}
	f := &loginFlow{surface: surfaceConnect, clientID: clientID, appName: app.Name, redirectURI: redirectURI, state: state,
		scopes: scopes, nonce: q.Get("nonce"), loginHint: q.Get("login_hint"), orgID: q.Get("organization_id"), thirdParty: app.ThirdParty}
	if r := q.Get("resource"); r != "" {
		if u, err := url.Parse(r); err != nil || !u.IsAbs() || u.Fragment != "" {
			return fail("invalid_target", "resource must be an absolute URI without a fragment (RFC 8707).")
		}
		f.resource = r
	}
	if err := s.commonAuthorizeParams(w, q, f); err != nil {
		return fail(err.code, err.desc)
	}
	if app.Type == fixtures.AppPublic && f.challenge == "" {
		return fail(CodeInvalidRequest, "A public client must use PKCE (code_challenge with S256).")
	}
	return s.startFlow(c, w, f, q)
}

// signIn starts the flow's sign-in: the user is known, the steps after the
// first factor (verification, MFA, organization) are still to come.
func (f *loginFlow) signIn(userID, method string) {
	f.attempt = &attempt{userID: userID, method: method, orgID: f.orgID}
}

// addFlow registers a login flow until it expires and returns the URL of
// its hosted login page. Caller holds w.mu.
func (w *world) addFlow(f *loginFlow) (loginURL string) {
	w.flows[f.id] = f
	w.expireAt(f.expiresAt, evictFlow, f.id)
	return w.env.publicURL + "/authkit/login?flow=" + f.id
}

// startFlow registers the flow and either signs the login_hint user in
// headlessly (environment.auto_login, or auto_login=true on the request) or
// sends the browser to the hosted login page. Headless sign-in stops at the
// page of any step that needs input (an organization to choose, a code).
func (s *Server) startFlow(c echo.Context, w *world, f *loginFlow, q url.Values) error {
	now := s.clock.Now()
	f.id = s.ids.token(24)
	f.expiresAt = now.Add(flowTTL)
	w.mu.Lock()
	out := outcome{redirectTo: w.addFlow(f)}
	if w.env.autoLogin || q.Get("auto_login") == "true" {
		if hinted := w.byEmail[emailKey(f.loginHint)]; hinted != nil && f.loginHint != "" {
			f.signIn(hinted.ID, "Password")
			out = s.advanceLocked(w, f, "")
		}
	}
	w.mu.Unlock()
	return s.render(c, out)
}

// issueCodeLocked ends a flow with an authorization code and returns the
// client redirect. Caller holds w.mu.
func (s *Server) issueCodeLocked(w *world, f *loginFlow) string {
	now := s.clock.Now()
	ac := &authCode{code: s.ids.token(25), clientID: f.clientID, redirectURI: f.redirectURI,
		challenge: f.challenge, scopes: f.scopes, nonce: f.nonce, resource: f.resource, attempt: *f.attempt,
		expiresAt: now.Add(w.env.codeTTL)}
	w.codes[ac.code] = ac
	w.expireAt(ac.expiresAt, evictCode, ac.code)
	delete(w.flows, f.id)
	return withQuery(f.redirectURI, "code", ac.code, "state", f.state)
}

// withQuery adds non-empty parameters to a URL's query.
func withQuery(raw string, kv ...string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	q := u.Query()
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			q.Set(kv[i], kv[i+1])
		}
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// redirect answers 302 to a GET (as WorkOS's authorize does) and 303 to a
// form POST, so the browser follows with a GET either way.
func redirect(c echo.Context, to string) error {
	if c.Request().Method == http.MethodGet {
		return c.Redirect(http.StatusFound, to)
	}
	return c.Redirect(http.StatusSeeOther, to)
}
