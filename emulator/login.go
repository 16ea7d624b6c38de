package emulator

import (
	"bytes"
	"embed"
	"html/template"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

//go:embed templates/*.html
var templateFS embed.FS

// pageTemplates are the hosted pages: server-rendered HTML, no JavaScript.
// They are parsed once and never change.
var pageTemplates = map[string]*template.Template{
	"login":  template.Must(template.ParseFS(templateFS, "templates/page.html", "templates/login.html")),
	"device": template.Must(template.ParseFS(templateFS, "templates/page.html", "templates/device.html")),
}

// pageData is what a hosted page shows.
type pageData struct {
	tmpl      string
	Title     string
	AppName   string
	Error     string
	Step      string
	Flow      string
	Email     string
	FirstName string
	LastName  string
	Secret    string
	Scopes    string
	UserCode  string
	Message   string
	Users     []userChoice
	Orgs      []*organization
}

type userChoice struct{ ID, Label string }

// outcome is what a step of the hosted flow produces: a page, a redirect, or
// an error. It is decided under the world lock and written after it.
type outcome struct {
	page       *pageData
	redirectTo string
	err        error
}

func (s *Server) render(c echo.Context, out outcome) error {
	switch {
	case out.err != nil:
		return out.err
	case out.redirectTo != "":
		return redirect(c, out.redirectTo)
	}
	var b bytes.Buffer
	if err := pageTemplates[out.page.tmpl].ExecuteTemplate(&b, "page", out.page); err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Cache-Control", "no-store")
	h.Set("X-Frame-Options", "DENY")
	return c.HTMLBlob(http.StatusOK, b.Bytes())
}

// maxChoices bounds the one-click user list (a fixture may hold 10,000).
const maxChoices = 25

// page builds the data of a flow's page. Caller holds w.mu.
func (w *world) page(f *loginFlow, step, errMsg string) *pageData {
	p := &pageData{tmpl: "login", Step: step, Flow: f.id, Error: errMsg, AppName: f.appName, Email: f.loginHint}
	if f.attempt != nil {
		if u := w.users[f.attempt.userID]; u != nil {
			p.Email = u.Email
		}
	}
	switch step {
	case "sign-in":
		p.Title = "Sign in"
		for _, u := range w.firstUsers(maxChoices) {
			label := u.Email
			if n := fullName(u); n != "" {
				label = n + " <" + u.Email + ">"
			}
			p.Users = append(p.Users, userChoice{u.ID, label})
		}
	case "sign-up":
		p.Title = "Create an account"
	case "magic":
		p.Title, p.Email = "Check your email", f.magicEmail
	case "verify-email":
		p.Title = "Verify your email"
	case "mfa":
		p.Title = "Two-factor authentication"
	case "mfa-enroll":
		p.Title, p.Secret = "Set up two-factor authentication", f.enrollSecret
	case "organization":
		p.Title = "Choose an organization"
		if f.attempt != nil {
			p.Orgs = w.activeOrgs(f.attempt.userID)
		}
	case "consent":
		p.Title, p.Scopes = "Authorize "+f.appName, strings.Join(f.scopes, " ")
	case "device-approve":
		p.Title = "Approve device"
		if d := w.devices[f.deviceCode]; d != nil {
			p.UserCode = d.userCode
		}
	}
	return p
}

func message(title, msg string) *pageData {
	return &pageData{tmpl: "login", Title: title, Step: "message", Message: msg}
}

// firstUsers returns up to n users in creation order. Caller holds w.mu.
func (w *world) firstUsers(n int) []*user {
	return w.userOrder[:min(n, len(w.userOrder))]
}

// flowFor finds a live flow. Caller holds w.mu.
func (s *Server) flowFor(w *world, id string) (*loginFlow, error) {
	f := w.flows[id]
	if f == nil || !s.clock.Now().Before(f.expiresAt) {
		return nil, apiError(http.StatusBadRequest, CodeInvalidRequest, "Unknown or expired sign-in: start again from your application.")
	}
	return f, nil
}

// loginPage serves GET /authkit/login?flow=…: the hosted page for where the
// flow stands.
func (s *Server) loginPage(c echo.Context) error {
	w := s.world()
	w.mu.Lock()
	f, err := s.flowFor(w, c.QueryParam("flow"))
	var out outcome
	switch {
	case err != nil:
		out.err = err
	case f.attempt != nil:
		out = s.advanceLocked(w, f, "")
	case c.QueryParam("screen") == "sign-up" || (c.QueryParam("screen") == "" && f.screenHint == "sign-up"):
		out.page = w.page(f, "sign-up", "")
	default:
		out.page = w.page(f, "sign-in", "")
	}
	w.mu.Unlock()
	return s.render(c, out)
}

// loginSubmit serves POST /authkit/login: one form action of the flow.
func (s *Server) loginSubmit(c echo.Context) error {
	form, err := readForm(c, false)
	if err != nil {
		return err
	}
	w := s.world()
	var passwordUser string // checked before the write lock: bcrypt is slow
	if form.get("action") == "password" {
		passwordUser = w.passwordUser(form.get("email"), form.get("password"))
	}
	w.mu.Lock()
	var out outcome
	if f, err := s.flowFor(w, form.get("flow")); err != nil {
		out.err = err
	} else {
		out = s.loginAction(w, f, form, passwordUser)
	}
	w.mu.Unlock()
	return s.render(c, out)
}

// loginAction applies one submitted form to the flow; passwordUser is the
// user a "password" action's credentials named ("" when wrong). Caller
// holds w.mu.
func (s *Server) loginAction(w *world, f *loginFlow, form params, passwordUser string) outcome {
	now := s.clock.Now()
	again := func(step, msg string) outcome { return outcome{page: w.page(f, step, msg)} }
	switch form.get("action") {
	case "verify_email", "mfa", "mfa_enroll", "organization":
		if f.attempt == nil { // a later step of a sign-in that has not happened
			return again("sign-in", "")
		}
	}
	switch form.get("action") {
	case "password":
		if passwordUser == "" {
			f.loginHint = form.get("email")
			return again("sign-in", "Incorrect email or password.")
		}
		f.signIn(passwordUser, "Password")
	case "continue":
		u := w.users[form.get("user_id")]
		if u == nil {
			return again("sign-in", "That user no longer exists.")
		}
		f.signIn(u.ID, "Password")
	case "signup":
		email, pw := strings.TrimSpace(form.get("email")), form.get("password")
		f.loginHint = email
		switch {
		case fixtures.CheckEmail(email) != nil:
			return again("sign-up", "Enter a valid email address.")
		case pw == "":
			return again("sign-up", "Choose a password.")
		case w.byEmail[emailKey(email)] != nil:
			return again("sign-up", "An account with this email already exists: sign in instead.")
		}
		u := s.createUser(w, email, now)
		u.FirstName, u.LastName, u.password = form.get("first_name"), form.get("last_name"), []byte(pw)
		f.signIn(u.ID, "Password")
	case "magic_send":
		email := strings.TrimSpace(form.get("email"))
		if !plausibleEmail(email) {
			return again("sign-in", "Enter a valid email address to get a code.")
		}
		s.sendMagicAuthLocked(w, email, now)
		f.magicEmail = email
		return again("magic", "")
	case "magic_verify":
		userID, err := w.redeemMagicCodeLocked(f.magicEmail, form.get("code"), now)
		if err != nil {
			return again("magic", errorText(err))
		}
		f.signIn(userID, "MagicAuth")
		f.attempt.emailVerified = true
	case "verify_email":
		if err := w.redeemEmailCode(f.emailCode, form.get("code"), now); err != nil {
			return again("verify-email", errorText(err))
		}
		if u := w.users[f.attempt.userID]; u != nil {
			u.EmailVerified, u.UpdatedAt = true, now
		}
		f.attempt.emailVerified = true
	case "mfa":
		if err := w.verifyChallenge(f.challenge2, f.attempt.userID, form.get("code"), now); err != nil {
			f.challenge2 = "" // a fresh challenge for the next try
			return s.advanceLocked(w, f, errorText(err))
		}
		f.attempt.mfaDone = true
	case "mfa_enroll":
		if !totpValid(f.enrollSecret, form.get("code"), now) {
			return again("mfa-enroll", "That code is not valid for this secret.")
		}
		s.addFactor(w, f.attempt.userID, f.enrollSecret, "authkit-emulator", w.users[f.attempt.userID].Email, now)
		f.attempt.mfaDone = true
	case "organization":
		f.attempt.orgID = form.get("organization_id")
	case "consent":
		if form.get("decision") != "allow" {
			delete(w.flows, f.id)
			return outcome{redirectTo: withQuery(f.redirectURI, "error", CodeAccessDenied, "error_description", "The user denied access.", "state", f.state)}
		}
		f.consented = true
	case "device":
		d := w.devices[f.deviceCode]
		delete(w.flows, f.id)
		if d == nil || f.attempt == nil {
			return outcome{page: message("Device sign-in", "This device request is no longer valid.")}
		}
		if form.get("decision") != "allow" {
			d.status = deviceDenied
			return outcome{page: message("Device sign-in denied", "The device was not signed in.")}
		}
		d.status, d.attempt = deviceApproved, *f.attempt
		return outcome{page: message("Device approved", "You are signed in on your device: you can close this page.")}
	default:
		return outcome{err: apiError(http.StatusBadRequest, CodeInvalidRequest, "Unknown sign-in action.")}
	}
	return s.advanceLocked(w, f, "")
}

// errorText is the message of an *Error, for inline display.
func errorText(err error) string {
	if e, ok := err.(*Error); ok {
		return e.Message
	}
	return "Something went wrong."
}

// advanceLocked moves a signed-in flow to its next page (e-mail
// verification, MFA, organization, consent, device approval) or finishes it
// with an authorization code. Caller holds w.mu.
func (s *Server) advanceLocked(w *world, f *loginFlow, errMsg string) outcome {
	if f.attempt == nil {
		return outcome{page: w.page(f, "sign-in", errMsg)}
	}
	now := s.clock.Now()
	st, err := w.nextStep(f.attempt)
	if err != nil {
		if f.surface == surfaceDevice {
			return outcome{page: message("Device sign-in", errorText(err))}
		}
		// The requested organization is not the user's: the client asked
		// for something impossible; tell it, as WorkOS's authorize does.
		delete(w.flows, f.id)
		return outcome{redirectTo: withQuery(f.redirectURI, "error", "organization_invalid", "error_description", errorText(err), "state", f.state)}
	}
	switch st {
	case stepVerifyEmail:
		if f.emailCode == "" {
			f.emailCode = s.sendEmailVerification(w, w.users[f.attempt.userID], now).id
		}
		return outcome{page: w.page(f, "verify-email", errMsg)}
	case stepMFAChallenge:
		if f.challenge2 == "" {
			f.challenge2 = s.challenge(w, w.factorsOf(f.attempt.userID)[0], now).id
		}
		return outcome{page: w.page(f, "mfa", errMsg)}
	case stepMFAEnroll:
		if f.enrollSecret == "" {
			f.enrollSecret = s.newTOTPSecret()
		}
		return outcome{page: w.page(f, "mfa-enroll", errMsg)}
	case stepChooseOrg:
		return outcome{page: w.page(f, "organization", errMsg)}
	}
	switch {
	case f.surface == surfaceDevice:
		return outcome{page: w.page(f, "device-approve", errMsg)}
	case f.thirdParty && !f.consented:
		return outcome{page: w.page(f, "consent", errMsg)}
	}
	return outcome{redirectTo: s.issueCodeLocked(w, f)}
}
