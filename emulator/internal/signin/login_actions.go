package signin

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// loginSubmit serves POST /authkit/login: one form action of the flow.
func (e *engine) loginSubmit(c echo.Context) error {
	form, err := web.Decode(c, web.PageForm)
	if err != nil {
		return err
	}
	st := e.env(c)
	// The flow and its CSRF token are checked first: a post that cannot
	// act on a flow must cost nothing (no password hashing).
	var sso bool // the e-mail's domain signs in with SSO: no password to check
	err = st.Read(func(tx *store.Tx) error {
		f, err := flowFor(tx, form.Param("flow"))
		if err != nil {
			return err
		}
		sso = ssoRouted(tx, &form) != nil
		return checkCSRF(c, f, form.Param("csrf"), tx.Config().PublicURL)
	})
	if err != nil {
		return err
	}
	var pw passwordCheck // checked outside the transaction: bcrypt is slow
	if form.Param("action") == "password" && !sso {
		pw.userID, pw.known = checkPassword(st, form.Param("email"), form.Param("password"))
	}
	var out outcome
	_ = st.Write(func(tx *store.Tx) error {
		f, err := flowFor(tx, form.Param("flow"))
		switch {
		case err != nil:
			out.err = err
		case ssoRouted(tx, &form) != nil:
			// As AuthKit does, an e-mail whose domain belongs to an
			// organization with an active SSO connection signs in there.
			r := &store.IdPRequest{FlowID: f.ID, LoginHint: strings.TrimSpace(form.Param("email")), IP: c.RealIP(), UserAgent: c.Request().UserAgent()}
			out = beginIdP(tx, r, ssoRouted(tx, &form), false)
		case form.Param("action") == "social":
			conn := tx.Connection(form.Param("connection_id"))
			if conn == nil || !conn.OAuth() || !conn.Active() {
				out = outcome{page: page(tx, f, "sign-in", "That sign-in provider is not available.")}
				break
			}
			r := &store.IdPRequest{FlowID: f.ID, IP: c.RealIP(), UserAgent: c.Request().UserAgent()}
			out = beginIdP(tx, r, conn, false)
		default:
			f.IP, f.UserAgent = c.RealIP(), c.Request().UserAgent()
			out = loginAction(tx, f, &form, pw, browserUser(c))
		}
		return nil
	})
	return e.render(c, out)
}

// ssoRouted is the SSO connection a password or magic-code form's e-mail
// routes to, or nil.
func ssoRouted(tx *store.Tx, form *web.Body) *store.Connection {
	if a := form.Param("action"); a != "password" && a != "magic_send" {
		return nil
	}
	return tx.SSOConnectionForEmail(strings.TrimSpace(form.Param("email")))
}

// PlausibleEmail is how the hosted page and the code APIs check an e-mail.
func PlausibleEmail(e string) bool {
	at := strings.LastIndexByte(e, '@')
	return at > 0 && at < len(e)-3 && strings.Contains(e[at:], ".") && !strings.ContainsAny(e, " \t\r\n<>\"")
}

// SendMagicAuth e-mails a magic-auth code, creating the user when there is
// none (WorkOS signs new users up this way).
func SendMagicAuth(tx *store.Tx, email string) *store.OutboxEntry {
	u := tx.UserByEmail(email)
	if u == nil {
		u = tx.NewUser(email)
	}
	return tx.SendCode(store.KindMagicAuth, "magic_auth_", u)
}

// passwordCheck is the outcome of a "password" action's credentials: the
// user they sign in (userID, "" when wrong) and the user the e-mail names
// (known), for the event.
type passwordCheck struct{ userID, known string }

// loginAction applies one submitted form to the flow, for the browser who.
func loginAction(tx *store.Tx, f *store.LoginFlow, form *web.Body, pw passwordCheck, who endUser) outcome {
	again := func(step, msg string) outcome { return outcome{page: page(tx, f, step, msg)} }
	switch form.Param("action") {
	case "verify_email", "mfa", "mfa_enroll", "organization", "radar":
		if f.Attempt == nil { // a later step of a sign-in that has not happened
			return again("sign-in", "")
		}
	}
	switch form.Param("action") {
	case "password":
		f.LoginHint = form.Param("email")
		radar, blocked := hostedRadar(tx, f, form.Param("email"), "Password", "sign-in", "sign-in")
		if blocked != nil {
			return *blocked
		}
		if pw.userID == "" {
			authenticated(tx, "password", who, pw.known, form.Param("email"),
				web.APIError(http.StatusBadRequest, web.CodeInvalidCredentials, "Invalid credentials."))
			return again("sign-in", "Incorrect email or password.")
		}
		authenticated(tx, "password", who, pw.userID, "", nil)
		signInFlow(f, pw.userID, "Password")
		withRadar(f.Attempt, radar)
	case "continue":
		u := tx.User(form.Param("user_id"))
		if u == nil {
			return again("sign-in", "That user no longer exists.")
		}
		radar, blocked := hostedRadar(tx, f, u.Email, "Password", "sign-in", "sign-in")
		if blocked != nil {
			return *blocked
		}
		authenticated(tx, "password", who, u.ID, "", nil)
		signInFlow(f, u.ID, "Password")
		withRadar(f.Attempt, radar)
	case "signup":
		email, password := strings.TrimSpace(form.Param("email")), form.Param("password")
		f.LoginHint = email
		switch {
		case fixtures.CheckEmail(email) != nil || len(email) > fixtures.MaxEmailLength:
			return again("sign-up", "Enter a valid email address.")
		case password == "":
			return again("sign-up", "Choose a password.")
		case len(password) > fixtures.MaxPasswordLength || len(form.Param("first_name")) > fixtures.MaxNameLength || len(form.Param("last_name")) > fixtures.MaxNameLength:
			return again("sign-up", "A field is too long.")
		case tx.UserByEmail(email) != nil:
			return again("sign-up", "An account with this email already exists: sign in instead.")
		}
		radar, blocked := hostedRadar(tx, f, email, "Password", "sign-up", "sign-up")
		if blocked != nil {
			return *blocked
		}
		u := tx.NewUserWith(email, func(u *store.User) {
			u.FirstName, u.LastName, u.Password = form.Param("first_name"), form.Param("last_name"), []byte(password)
		})
		authenticated(tx, "password", who, u.ID, "", nil)
		signInFlow(f, u.ID, "Password")
		withRadar(f.Attempt, radar)
	case "magic_send":
		email := strings.TrimSpace(form.Param("email"))
		if !PlausibleEmail(email) {
			return again("sign-in", "Enter a valid email address to get a code.")
		}
		SendMagicAuth(tx, email)
		f.MagicEmail = email
		return again("magic", "")
	case "magic_verify":
		radar, blocked := hostedRadar(tx, f, f.MagicEmail, "MagicAuth", "sign-in", "magic")
		if blocked != nil {
			return *blocked
		}
		userID, err := RedeemMagicCode(tx, f.MagicEmail, form.Param("code"))
		if err != nil {
			var known string
			if u := tx.UserByEmail(f.MagicEmail); u != nil {
				known = u.ID
			}
			authenticated(tx, "magic_auth", who, known, f.MagicEmail, err)
			return again("magic", web.Text(err))
		}
		authenticated(tx, "magic_auth", who, userID, "", nil)
		signInFlow(f, userID, "MagicAuth")
		f.Attempt.EmailVerified = true
		withRadar(f.Attempt, radar)
	case "radar":
		if ce := tx.Redeem(tx.OutboxEntry(f.RadarChallengeID, store.KindRadarChallenge), form.Param("code")); ce != "" {
			return again("radar", web.Text(CodeError(ce)))
		}
		f.Attempt.Radar = ""
		tx.RadarChallengePassed(f.Attempt.RadarAttemptID)
	case "verify_email":
		if ce := tx.Redeem(tx.OutboxEntry(f.EmailCodeID, store.KindEmailVerification), form.Param("code")); ce != "" {
			authenticated(tx, "email_verification", who, f.Attempt.UserID, "", CodeError(ce))
			return again("verify-email", web.Text(CodeError(ce)))
		}
		authenticated(tx, "email_verification", who, f.Attempt.UserID, "", nil)
		if u := tx.User(f.Attempt.UserID); u != nil && !u.EmailVerified {
			u.EmailVerified, u.UpdatedAt = true, tx.Now()
			tx.EmitUser("user.updated", u)
		}
		f.Attempt.EmailVerified = true
	case "mfa":
		if err := VerifyChallenge(tx, f.ChallengeID, f.Attempt.UserID, form.Param("code")); err != nil {
			f.ChallengeID = "" // a fresh challenge for the next try
			authenticated(tx, "mfa", who, f.Attempt.UserID, "", err)
			return advance(tx, f, web.Text(err))
		}
		authenticated(tx, "mfa", who, f.Attempt.UserID, "", nil)
		f.Attempt.MFADone = true
	case "mfa_enroll":
		if !TOTPValid(f.EnrollSecret, form.Param("code"), tx.Now()) {
			authenticated(tx, "mfa", who, f.Attempt.UserID, "",
				web.APIError(http.StatusBadRequest, "invalid_one_time_code", "The TOTP code is invalid."))
			return again("mfa-enroll", "That code is not valid for this secret.")
		}
		authenticated(tx, "mfa", who, f.Attempt.UserID, "", nil)
		tx.AddFactor(f.Attempt.UserID, f.EnrollSecret, "authkit-emulator", tx.User(f.Attempt.UserID).Email)
		f.Attempt.MFADone = true
	case "organization":
		f.Attempt.OrgID = form.Param("organization_id")
	case "consent":
		if form.Param("decision") != "allow" {
			tx.DeleteFlow(f.ID)
			return outcome{redirectTo: withQuery(f.RedirectURI, "error", web.CodeAccessDenied, "error_description", "The user denied access.", "state", f.State)}
		}
		f.Consented = true
	case "device":
		d := tx.Device(f.DeviceCode)
		tx.DeleteFlow(f.ID)
		if d == nil || f.Attempt == nil {
			return outcome{page: message("Device sign-in", "This device request is no longer valid.")}
		}
		if form.Param("decision") != "allow" {
			d.Status = store.DeviceDenied
			return outcome{page: message("Device sign-in denied", "The device was not signed in.")}
		}
		d.Status, d.Attempt = store.DeviceApproved, *f.Attempt
		return outcome{page: message("Device approved", "You are signed in on your device: you can close this page.")}
	default:
		return outcome{err: web.APIError(http.StatusBadRequest, web.CodeInvalidRequest, "Unknown sign-in action.")}
	}
	return advance(tx, f, "")
}

// advance moves a signed-in flow to its next page (e-mail verification,
// MFA, organization, consent, device approval) or finishes it with an
// authorization code.
func advance(tx *store.Tx, f *store.LoginFlow, errMsg string) outcome {
	if f.Attempt == nil {
		return outcome{page: page(tx, f, "sign-in", errMsg)}
	}
	step, err := nextStep(tx, f.Attempt)
	if err != nil {
		if f.Surface == store.SurfaceDevice {
			return outcome{page: message("Device sign-in", web.Text(err))}
		}
		// The requested organization is not the user's: the client asked
		// for something impossible; tell it, as WorkOS's authorize does.
		tx.DeleteFlow(f.ID)
		return outcome{redirectTo: withQuery(f.RedirectURI, "error", "organization_invalid", "error_description", web.Text(err), "state", f.State)}
	}
	switch step {
	case store.StepRadarChallenge:
		// The hosted page always challenges by e-mail.
		if f.RadarChallengeID == "" {
			f.RadarChallengeID = radarChallengeCreated(tx, tx.User(f.Attempt.UserID)).ID
		}
		return outcome{page: page(tx, f, "radar", errMsg)}
	case store.StepVerifyEmail:
		if f.EmailCodeID == "" {
			f.EmailCodeID = tx.SendCode(store.KindEmailVerification, "email_verification_", tx.User(f.Attempt.UserID)).ID
		}
		return outcome{page: page(tx, f, "verify-email", errMsg)}
	case store.StepMFAChallenge:
		if f.ChallengeID == "" {
			f.ChallengeID = tx.NewChallenge(tx.FactorsOf(f.Attempt.UserID)[0]).ID
		}
		return outcome{page: page(tx, f, "mfa", errMsg)}
	case store.StepMFAEnroll:
		if f.EnrollSecret == "" {
			f.EnrollSecret = NewTOTPSecret(tx)
		}
		return outcome{page: page(tx, f, "mfa-enroll", errMsg)}
	case store.StepChooseOrg:
		return outcome{page: page(tx, f, "organization", errMsg)}
	}
	switch {
	case f.Surface == store.SurfaceDevice:
		return outcome{page: page(tx, f, "device-approve", errMsg)}
	case f.ThirdParty && !f.Consented:
		return outcome{page: page(tx, f, "consent", errMsg)}
	}
	return outcome{redirectTo: issueCode(tx, f)}
}
