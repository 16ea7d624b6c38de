package sso

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/signin"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
)

// authorize serves GET /sso/authorize, the URL sso.getAuthorizationUrl
// builds. Client and redirect URI problems are JSON 400s (there is nowhere
// safe to redirect); every later problem goes to the redirect URI as
// error/error_description/state, with WorkOS's codes.
func (a *api) authorize(c echo.Context) error {
	q := c.QueryParams()
	st := a.env(c)
	cfg := st.Config()
	clientID, redirectURI, state := q.Get("client_id"), q.Get("redirect_uri"), q.Get("state")
	switch {
	case clientID == "":
		return web.APIError(http.StatusBadRequest, web.CodeInvalidRequest, "client_id is required.")
	case clientID != cfg.ClientID:
		return web.APIError(http.StatusBadRequest, web.CodeInvalidClient, fmt.Sprintf("Unknown client_id %q: /sso/authorize takes the environment's client id.", web.Printable(clientID)))
	case redirectURI == "":
		return web.APIError(http.StatusBadRequest, web.CodeInvalidRequest, "redirect_uri is required.")
	case !redirectAllowed(st, redirectURI):
		return web.APIError(http.StatusBadRequest, web.CodeInvalidRequest, fmt.Sprintf("redirect_uri %q is not an allowed redirect URI of this environment (environment.redirect_uris).", web.Printable(redirectURI)))
	}
	fail := func(code, desc string) error {
		u, err := url.Parse(redirectURI)
		if err != nil {
			return web.APIError(http.StatusBadRequest, web.CodeInvalidRequest, "redirect_uri does not parse.")
		}
		v := u.Query()
		v.Set("error", code)
		v.Set("error_description", desc)
		if state != "" {
			v.Set("state", state)
		}
		u.RawQuery = v.Encode()
		return web.Redirect(c, u.String())
	}
	if q.Get("response_type") != "code" {
		return fail("unsupported_response_type", "response_type must be code.")
	}
	challenge := q.Get("code_challenge")
	switch m := q.Get("code_challenge_method"); {
	case challenge != "" && m != "S256":
		return fail(web.CodeInvalidRequest, "code_challenge_method must be S256 (plain is not supported).")
	case challenge != "" && (len(challenge) < 43 || len(challenge) > 128):
		return fail(web.CodeInvalidRequest, "code_challenge must be the base64url SHA-256 of the code_verifier.")
	case challenge == "" && m != "":
		return fail(web.CodeInvalidRequest, "code_challenge_method without code_challenge.")
	}
	sel := signin.Selector{Connection: q.Get("connection"), Organization: q.Get("organization"), Provider: q.Get("provider")}
	n := 0
	for _, v := range []string{sel.Connection, sel.Organization, sel.Provider} {
		if v != "" {
			n++
		}
	}
	if n > 1 {
		return fail("invalid_connection_selector", "connection, organization and provider are mutually exclusive: give exactly one.")
	}
	if n == 0 {
		// The deprecated domain, then the domain of the hints.
		for _, d := range []string{q.Get("domain"), q.Get("domain_hint"), signin.EmailDomain(q.Get("login_hint"))} {
			if d != "" {
				sel.Domain = d
				break
			}
		}
	}
	scopes := web.QueryList(q, "provider_scopes")
	var to string
	var serr *signin.SelectError
	_ = st.Write(func(tx *store.Tx) error {
		conn, err := signin.SelectConnection(tx, sel)
		if err != nil {
			serr = err
			return nil
		}
		r := &store.IdPRequest{RedirectURI: redirectURI, State: state, Challenge: challenge, LoginHint: q.Get("login_hint"),
			ProviderScopes: scopes, ReturnOAuth: len(scopes) > 0, IP: c.RealIP(), UserAgent: c.Request().UserAgent()}
		to = signin.BeginIdP(tx, r, conn, tx.Config().AutoLogin || q.Get("auto_login") == "true")
		return nil
	})
	if serr != nil {
		return fail(serr.Code, serr.Description)
	}
	return web.Redirect(c, to)
}

// redirectAllowed checks a redirect URI against the environment's list
// (which the redirect URI API changes at run time).
func redirectAllowed(st *store.Store, uri string) bool {
	var allowed []string
	_ = st.Read(func(tx *store.Tx) error { allowed = tx.AllowedRedirectURIs(); return nil })
	return signin.RedirectAllowed(uri, allowed)
}
