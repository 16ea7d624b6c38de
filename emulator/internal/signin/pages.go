package signin

import (
	"bytes"
	"crypto/subtle"
	"embed"
	"html/template"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
)

//go:embed templates/*.html
var templateFS embed.FS

// favicon is the hosted pages' icon (16×16): a browser asks for it on
// every page, and a 404 there is a console error that fails end-to-end
// suites which forbid them.
//
//go:embed templates/favicon.ico
var favicon []byte

// serveFavicon serves GET /favicon.ico.
func serveFavicon(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "public, max-age=86400")
	return c.Blob(http.StatusOK, "image/x-icon", favicon)
}

// pageTemplates are the hosted pages: server-rendered HTML, no
// JavaScript. They are parsed once per process and never change after
// (executing a template is safe for concurrent use), so every server
// shares them instead of parsing its own.
var pageTemplates = map[string]*template.Template{
	"login":  template.Must(template.ParseFS(templateFS, "templates/page.html", "templates/login.html")),
	"device": template.Must(template.ParseFS(templateFS, "templates/page.html", "templates/device.html")),
	"idp":    template.Must(template.ParseFS(templateFS, "templates/page.html", "templates/idp.html")),
}

// pageData is what a hosted page shows.
type pageData struct {
	tmpl string
	// Base is the path prefix the page was reached through (an
	// environment's), in front of every action and link.
	Base      string
	Title     string
	AppName   string
	Error     string
	Step      string
	Flow      string
	CSRF      string
	Email     string
	FirstName string
	LastName  string
	Secret    string
	Scopes    string
	UserCode  string
	Message   string
	Users     []userChoice
	Orgs      []*store.Organization
	// Social are the environment's OAuth providers (sign-in page); IdP is
	// the emulated identity provider's page.
	Social []userChoice
	IdP    *idpView
}

type userChoice struct{ ID, Label string }

// outcome is what a step of the hosted flow produces: a page, a redirect, or
// an error. It is decided in a transaction and written after it.
type outcome struct {
	page       *pageData
	redirectTo string
	err        error
}

func (e *engine) render(c echo.Context, out outcome) error {
	switch {
	case out.err != nil:
		return out.err
	case out.redirectTo != "":
		return web.Redirect(c, out.redirectTo)
	}
	out.page.Base = web.BasePath(c)
	var b bytes.Buffer
	if err := pageTemplates[out.page.tmpl].ExecuteTemplate(&b, "page", out.page); err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Cache-Control", "no-store")
	h.Set("X-Frame-Options", "DENY")
	if out.page.Flow != "" && out.page.CSRF != "" {
		c.SetCookie(&http.Cookie{Name: csrfCookie(out.page.Flow), Value: out.page.CSRF, Path: out.page.Base + "/authkit/login",
			MaxAge: int(flowTTL.Seconds()), HttpOnly: true, SameSite: http.SameSiteLaxMode})
	}
	return c.HTMLBlob(http.StatusOK, b.Bytes())
}

// csrfCookie names the cookie that carries a flow's CSRF token in the
// browser that opened the flow. A cross-site form post does not carry it
// (SameSite=Lax), so a page elsewhere cannot submit a flow's forms.
func csrfCookie(flowID string) string { return "authkit_emulator_csrf_" + flowID }

// checkCSRF refuses a form post that is cross-site, or whose token is not
// the flow's in both the form and the browser's cookie.
func checkCSRF(c echo.Context, f *store.LoginFlow, formToken, publicURL string) error {
	refuse := web.APIError(http.StatusForbidden, "csrf_token_invalid",
		"The sign-in form was not submitted from its own page (CSRF token or cookie missing or wrong): start again from your application.")
	if web.CrossSite(c.Request(), publicURL) {
		return refuse
	}
	cookie, err := c.Cookie(csrfCookie(f.ID))
	if err != nil || subtle.ConstantTimeCompare([]byte(cookie.Value), []byte(f.CSRF)) != 1 ||
		subtle.ConstantTimeCompare([]byte(formToken), []byte(f.CSRF)) != 1 {
		return refuse
	}
	return nil
}

// maxChoices bounds the one-click user list (a fixture may hold 10,000).
const maxChoices = 25

// page builds the data of a flow's page.
func page(tx *store.Tx, f *store.LoginFlow, step, errMsg string) *pageData {
	p := &pageData{tmpl: "login", Step: step, Flow: f.ID, CSRF: f.CSRF, Error: errMsg, AppName: f.AppName, Email: f.LoginHint}
	if f.Attempt != nil {
		if u := tx.User(f.Attempt.UserID); u != nil {
			p.Email = u.Email
		}
	}
	switch step {
	case "sign-in":
		p.Title = "Sign in"
		users := tx.Users()
		for _, u := range users[:min(maxChoices, len(users))] {
			label := u.Email
			if n := u.Name(); n != "" {
				label = n + " <" + u.Email + ">"
			}
			p.Users = append(p.Users, userChoice{u.ID, label})
		}
		for _, c := range tx.Providers() {
			p.Social = append(p.Social, userChoice{c.ID, providerLabel(c.Type)})
		}
	case "sign-up":
		p.Title = "Create an account"
	case "magic":
		p.Title, p.Email = "Check your email", f.MagicEmail
	case "verify-email":
		p.Title = "Verify your email"
	case "radar":
		p.Title = "Confirm it is you"
	case "mfa":
		p.Title = "Two-factor authentication"
	case "mfa-enroll":
		p.Title, p.Secret = "Set up two-factor authentication", f.EnrollSecret
	case "organization":
		p.Title = "Choose an organization"
		if f.Attempt != nil {
			p.Orgs = tx.ActiveOrgs(f.Attempt.UserID)
		}
	case "consent":
		p.Title, p.Scopes = "Authorize "+f.AppName, strings.Join(f.Scopes, " ")
	case "device-approve":
		p.Title = "Approve device"
		if d := tx.Device(f.DeviceCode); d != nil {
			p.UserCode = d.UserCode
		}
	}
	return p
}

// Message is a hosted page that only says something (signed out, device
// approved).
func message(title, msg string) *pageData {
	return &pageData{tmpl: "login", Title: title, Step: "message", Message: msg}
}

// flowFor finds a live flow.
func flowFor(tx *store.Tx, id string) (*store.LoginFlow, error) {
	f := tx.Flow(id)
	if f == nil || !tx.Now().Before(f.ExpiresAt) {
		return nil, web.APIError(http.StatusBadRequest, web.CodeInvalidRequest, "Unknown or expired sign-in: start again from your application.")
	}
	return f, nil
}

// loginPage serves GET /authkit/login?flow=…: the hosted page for where the
// flow stands.
func (e *engine) loginPage(c echo.Context) error {
	var out outcome
	_ = e.env(c).Write(func(tx *store.Tx) error {
		f, err := flowFor(tx, c.QueryParam("flow"))
		switch {
		case err != nil:
			out.err = err
		case f.Attempt != nil:
			out = advance(tx, f, "")
		case c.QueryParam("screen") == "sign-up" || (c.QueryParam("screen") == "" && f.ScreenHint == "sign-up"):
			out.page = page(tx, f, "sign-up", "")
		default:
			out.page = page(tx, f, "sign-in", "")
		}
		return nil
	})
	return e.render(c, out)
}

// providerLabel names an OAuth provider for its button ("GoogleOAuth" is
// "Google").
func providerLabel(typ string) string { return strings.TrimSuffix(typ, "OAuth") }
