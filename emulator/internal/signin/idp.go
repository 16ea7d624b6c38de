package signin

import (
	"bytes"
	"crypto/subtle"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// The emulated identity provider: the page an SSO connection or OAuth
// provider "is" in the emulator. Both the SSO API (/sso/authorize) and
// AuthKit (/user_management/authorize with a connection, an organization
// or a provider, the hosted page's social buttons and SSO domains) send
// the browser here; the page offers the connection's profiles as buttons,
// a form to type a new identity, and deny / error buttons. No JavaScript.

// idpPath is the IdP page (GET shows it, POST submits it).
const idpPath = "/idp/authorize"

// idpView is what the IdP page shows.
type idpView struct {
	Request    string
	Connection string
	Type       string
	OrgName    string
	Hint       string
	Profiles   []userChoice
}

// BeginIdP sends a sign-in to the emulated identity provider, inside the
// caller's transaction: it registers r and returns the IdP page's URL, or,
// headless (login_hint naming one of the connection's profiles, with
// auto_login), signs that profile in at once and returns where that leads.
// r.ID, r.CSRF and r.ExpiresAt are set here. For the SSO API the result
// is always a URL; AuthKit sign-ins use beginIdP (which may end on a page).
func BeginIdP(tx *store.Tx, r *store.IdPRequest, c *store.Connection, headless bool) string {
	return beginIdP(tx, r, c, headless).redirectTo
}

func beginIdP(tx *store.Tx, r *store.IdPRequest, c *store.Connection, headless bool) outcome {
	r.ID, r.CSRF, r.ConnectionID = tx.Token(24), tx.Token(32), c.ID
	r.ExpiresAt = tx.Now().Add(store.IdPRequestTTL)
	tx.AddIdPRequest(r)
	if !c.OAuth() {
		tx.Emit("authentication.sso_started", c.OrgID, ssoEvent(r, c, "started", "", "", ""))
	}
	if headless && r.LoginHint != "" {
		if p := tx.ProfileByEmail(c, r.LoginHint); p != nil {
			return completeIdP(tx, r, c, p)
		}
	}
	return outcome{redirectTo: tx.Config().PublicURL + idpPath + "?request=" + url.QueryEscape(r.ID)}
}

// ssoEvent is the data of authentication.sso_* events.
func ssoEvent(r *store.IdPRequest, c *store.Connection, status, userID, email, sessionID string) wire.Object {
	return wire.Object{{"type", "sso"}, {"status", status}, {"ip_address", wire.Opt(r.IP)}, {"user_agent", wire.Opt(r.UserAgent)},
		{"user_id", wire.Opt(userID)}, {"email", wire.Opt(email)},
		{"sso", wire.Object{{"organization_id", wire.Opt(c.OrgID)}, {"connection_id", c.ID}, {"session_id", wire.Opt(sessionID)}}}}
}

// oauthEvent is the data of authentication.oauth_* events.
func oauthEvent(r *store.IdPRequest, status, userID, email string) wire.Object {
	return wire.Object{{"type", "oauth"}, {"status", status}, {"ip_address", wire.Opt(r.IP)}, {"user_agent", wire.Opt(r.UserAgent)},
		{"user_id", wire.Opt(userID)}, {"email", wire.Opt(email)}}
}

// completeIdP signs a profile in: the SSO API gets a code at its redirect
// URI; an AuthKit sign-in gets its user (created just in time) and moves
// on to its next step (or its code).
func completeIdP(tx *store.Tx, r *store.IdPRequest, c *store.Connection, p *store.IdPProfile) outcome {
	tx.DeleteIdPRequest(r.ID)
	var tokens *store.OAuthTokens
	if r.ReturnOAuth && c.OAuth() {
		tokens = providerTokens(tx, c, r.ProviderScopes)
	}
	succeeded := func(userID string) {
		if c.OAuth() {
			tx.Emit("authentication.oauth_succeeded", "", oauthEvent(r, "succeeded", userID, p.Email))
		} else {
			tx.Emit("authentication.sso_succeeded", c.OrgID, ssoEvent(r, c, "succeeded", userID, p.Email, ""))
		}
	}
	if r.FlowID == "" {
		sc := &store.SSOCode{Code: tx.ULID(tx.Now()), ProfileID: p.ID, RedirectURI: r.RedirectURI, Challenge: r.Challenge,
			OAuth: tokens, ExpiresAt: tx.Now().Add(store.SSOCodeTTL)}
		tx.AddSSOCode(sc)
		succeeded("")
		return outcome{redirectTo: withQuery(r.RedirectURI, "code", sc.Code, "state", r.State)}
	}
	f := tx.Flow(r.FlowID)
	if f == nil || !tx.Now().Before(f.ExpiresAt) {
		return outcome{page: message("Sign-in expired", "This sign-in is no longer valid: start again from your application.")}
	}
	u := jitUser(tx, c, p)
	orgID := f.OrgID
	if c.OrgID != "" {
		orgID = c.OrgID
	}
	f.Attempt = &store.Attempt{UserID: u.ID, Method: signInMethod(c), OrgID: orgID, EmailVerified: true, ConnectionID: c.ID, OAuth: tokens}
	succeeded(u.ID)
	return advance(tx, f, "")
}

// failIdP ends a sign-in at the IdP with an error for the application:
// access_denied (the user said no), oauth_failed or server_error (the
// provider failed), connection_unlinked (the connection stopped working).
func failIdP(tx *store.Tx, r *store.IdPRequest, c *store.Connection, code, desc string) outcome {
	tx.DeleteIdPRequest(r.ID)
	failure := wire.Object{{"code", code}, {"message", desc}}
	if c != nil && c.OAuth() {
		tx.Emit("authentication.oauth_failed", "", append(oauthEvent(r, "failed", "", r.LoginHint), wire.KV{"error", failure}))
	} else if c != nil {
		tx.Emit("authentication.sso_failed", c.OrgID, append(ssoEvent(r, c, "failed", "", r.LoginHint, ""), wire.KV{"error", failure}))
	}
	redirectURI, state := r.RedirectURI, r.State
	if r.FlowID != "" {
		f := tx.Flow(r.FlowID)
		if f == nil {
			return outcome{page: message("Sign-in expired", "This sign-in is no longer valid: start again from your application.")}
		}
		redirectURI, state = f.RedirectURI, f.State
		tx.DeleteFlow(f.ID)
	}
	return outcome{redirectTo: withQuery(redirectURI, "error", code, "error_description", desc, "state", state)}
}

// idpRequestFor finds a live IdP sign-in.
func idpRequestFor(tx *store.Tx, id string) (*store.IdPRequest, error) {
	r := tx.IdPRequest(id)
	if r == nil || !tx.Now().Before(r.ExpiresAt) {
		return nil, web.APIError(http.StatusBadRequest, web.CodeInvalidRequest, "Unknown or expired identity provider sign-in: start again from your application.")
	}
	return r, nil
}

// liveConnection is the request's connection when it can still sign users
// in; otherwise the sign-in fails with the error WorkOS gives.
func liveConnection(tx *store.Tx, r *store.IdPRequest) (*store.Connection, *outcome) {
	c := tx.Connection(r.ConnectionID)
	switch {
	case c == nil:
		out := failIdP(tx, r, nil, "connection_invalid", "The connection of this sign-in was deleted.")
		return nil, &out
	case !c.Active():
		out := failIdP(tx, r, c, "connection_unlinked", "The connection associated with the request is unlinked (state "+c.State+").")
		return nil, &out
	}
	return c, nil
}

// idpPage serves GET /idp/authorize?request=…: the emulated identity
// provider's sign-in page.
func (e *engine) idpPage(c echo.Context) error {
	var out outcome
	var view *idpView
	var csrf string
	_ = e.env(c).Write(func(tx *store.Tx) error {
		r, err := idpRequestFor(tx, c.QueryParam("request"))
		if err != nil {
			out.err = err
			return nil
		}
		conn, failed := liveConnection(tx, r)
		if failed != nil {
			out = *failed
			return nil
		}
		view, csrf = idpPageView(tx, r, conn), r.CSRF
		return nil
	})
	if view == nil {
		return e.render(c, out)
	}
	return renderIdP(c, view, csrf, "")
}

func idpPageView(tx *store.Tx, r *store.IdPRequest, c *store.Connection) *idpView {
	v := &idpView{Request: r.ID, Connection: c.Name, Type: c.Type, Hint: r.LoginHint}
	if o := tx.Org(c.OrgID); o != nil {
		v.OrgName = o.Name
	}
	for _, p := range c.Profiles[:min(maxChoices, len(c.Profiles))] {
		label := p.Email
		if n := strings.TrimSpace(p.FirstName + " " + p.LastName); n != "" {
			label = n + " <" + p.Email + ">"
		}
		v.Profiles = append(v.Profiles, userChoice{p.ID, label})
	}
	return v
}

// idpCookie names the cookie that binds an IdP page's forms to the browser
// that opened it (as the hosted login page's CSRF cookie does).
func idpCookie(requestID string) string { return "authkit_emulator_idp_" + requestID }

func renderIdP(c echo.Context, v *idpView, csrf, errMsg string) error {
	p := &pageData{tmpl: "idp", Title: "Sign in with " + v.Connection, AppName: "Emulated identity provider · " + v.Type,
		CSRF: csrf, Error: errMsg, IdP: v, Email: v.Hint}
	var b bytes.Buffer
	if err := pageTemplates["idp"].ExecuteTemplate(&b, "page", p); err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Cache-Control", "no-store")
	h.Set("X-Frame-Options", "DENY")
	c.SetCookie(&http.Cookie{Name: idpCookie(v.Request), Value: csrf, Path: "/idp", MaxAge: int(store.IdPRequestTTL.Seconds()),
		HttpOnly: true, SameSite: http.SameSiteLaxMode})
	return c.HTMLBlob(http.StatusOK, b.Bytes())
}

// idpSubmit serves POST /idp/authorize: sign in as a profile, as a typed
// identity, or answer with an error (deny, error).
func (e *engine) idpSubmit(c echo.Context) error {
	form, err := web.Decode(c, web.PageForm)
	if err != nil {
		return err
	}
	st := e.env(c)
	id := form.Param("request")
	err = st.Read(func(tx *store.Tx) error {
		r, err := idpRequestFor(tx, id)
		if err != nil {
			return err
		}
		refuse := web.APIError(http.StatusForbidden, "csrf_token_invalid",
			"The identity provider's form was not submitted from its own page (CSRF token or cookie missing or wrong): start again from your application.")
		cookie, cerr := c.Cookie(idpCookie(r.ID))
		if web.CrossSite(c.Request(), tx.Config().PublicURL) || cerr != nil ||
			subtle.ConstantTimeCompare([]byte(cookie.Value), []byte(r.CSRF)) != 1 ||
			subtle.ConstantTimeCompare([]byte(form.Param("csrf")), []byte(r.CSRF)) != 1 {
			return refuse
		}
		return nil
	})
	if err != nil {
		return err
	}
	var out outcome
	var again *idpView
	var csrf, errMsg string
	_ = st.Write(func(tx *store.Tx) error {
		r, err := idpRequestFor(tx, id)
		if err != nil {
			out.err = err
			return nil
		}
		conn, failed := liveConnection(tx, r)
		if failed != nil {
			out = *failed
			return nil
		}
		switch form.Param("action") {
		case "profile":
			p := tx.Profile(form.Param("profile_id"))
			if p == nil || p.ConnectionID != conn.ID {
				again, csrf, errMsg = idpPageView(tx, r, conn), r.CSRF, "That identity is not offered by this identity provider."
				return nil
			}
			out = completeIdP(tx, r, conn, p)
		case "identity":
			p, msg := typedIdentity(tx, conn, &form)
			if p == nil {
				again, csrf, errMsg = idpPageView(tx, r, conn), r.CSRF, msg
				again.Hint = form.Param("email")
				return nil
			}
			out = completeIdP(tx, r, conn, p)
		case "deny":
			out = failIdP(tx, r, conn, web.CodeAccessDenied, "The user denied access at the identity provider.")
		case "error":
			code, desc := "server_error", "The SSO authentication failed for the user at the identity provider."
			if conn.OAuth() {
				code, desc = "oauth_failed", "The OAuth authorization request failed at the provider."
			}
			out = failIdP(tx, r, conn, code, desc)
		default:
			out.err = web.APIError(http.StatusBadRequest, web.CodeInvalidRequest, "Unknown identity provider action.")
		}
		return nil
	})
	if again != nil {
		return renderIdP(c, again, csrf, errMsg)
	}
	return e.render(c, out)
}

// typedIdentity is the profile of an identity typed on the IdP page: the
// connection's profile with that e-mail, or a new one (kept, so the same
// e-mail is the same profile next time). A bad e-mail or an over-long
// name is a message for the page.
func typedIdentity(tx *store.Tx, c *store.Connection, form *web.Body) (*store.IdPProfile, string) {
	email := strings.TrimSpace(form.Param("email"))
	first, last := strings.TrimSpace(form.Param("first_name")), strings.TrimSpace(form.Param("last_name"))
	switch {
	case fixtures.CheckEmail(email) != nil || len(email) > fixtures.MaxEmailLength:
		return nil, "Enter a valid email address."
	case len(first) > fixtures.MaxNameLength || len(last) > fixtures.MaxNameLength:
		return nil, "A name is too long."
	}
	if p := tx.ProfileByEmail(c, email); p != nil {
		return p, ""
	}
	p := &store.IdPProfile{ID: tx.NewID(fixtures.PrefixProfile), IdpID: strings.ToLower(tx.Token(16)), Email: email, FirstName: first, LastName: last}
	tx.AddProfile(c, p)
	return p, ""
}
