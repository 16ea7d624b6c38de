package usermgmt

import (
	"cmp"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/signin"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
)

// The e-mailed codes and links of User Management: magic auth, e-mail
// verification and password resets. What the real service e-mails lands in
// the outbox (GET /_emulator/codes).

// checkEmailParam is the 422 WorkOS answers for a missing or bad e-mail.
func checkEmailParam(email string) error {
	if email == "" {
		return web.Invalid(web.Field("email", "email_required"))
	}
	if !signin.PlausibleEmail(email) {
		return web.Invalid(web.Field("email", "email_invalid"))
	}
	return nil
}

// getCode serves a GET of one outbox object of kind; name is what its 404
// calls it.
func (a *api) getCode(c echo.Context, kind, name string, render func(*store.OutboxEntry) wire.Object) error {
	id := web.PathParam(c, "id")
	return web.Read(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		e := tx.OutboxEntry(id, kind)
		if e == nil {
			return nil, web.NotFound(name, id)
		}
		return render(e), nil
	})
}

func magicAuthObject(e *store.OutboxEntry) wire.Object { return e.CodeObject("magic_auth") }

func emailVerificationObject(e *store.OutboxEntry) wire.Object {
	return e.CodeObject("email_verification")
}

func passwordResetObject(e *store.OutboxEntry) wire.Object {
	return wire.Object{{"object", "password_reset"}, {"id", e.ID}, {"user_id", e.UserID}, {"email", e.Email},
		{"password_reset_token", e.Token}, {"password_reset_url", e.Link}, {"expires_at", wire.Time(e.ExpiresAt)}, {"created_at", wire.Time(e.CreatedAt)}}
}

// createMagicAuth serves POST /user_management/magic_auth: the code goes to
// the outbox, and an unknown e-mail gets a user (WorkOS signs new users up
// this way).
func (a *api) createMagicAuth(c echo.Context) error {
	b, err := web.Decode(c, web.APIBody)
	if err != nil {
		return err
	}
	email := b.Param("email")
	if err := checkEmailParam(email); err != nil {
		return err
	}
	return web.Write(c, a.env(c), http.StatusCreated, func(tx *store.Tx) (any, error) {
		return magicAuthObject(signin.SendMagicAuth(tx, email)), nil
	})
}

// getMagicAuth serves GET /user_management/magic_auth/{id}.
func (a *api) getMagicAuth(c echo.Context) error {
	return a.getCode(c, store.KindMagicAuth, "Magic Auth", magicAuthObject)
}

// sendVerificationEmail serves POST /user_management/users/{id}/email_verification/send.
func (a *api) sendVerificationEmail(c echo.Context) error {
	return web.Write(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		u, err := userFor(c, tx)
		if err != nil {
			return nil, err
		}
		if u.EmailVerified {
			return nil, web.APIError(http.StatusBadRequest, "email_already_verified", "The user's e-mail is already verified.")
		}
		tx.SendCode(store.KindEmailVerification, "email_verification_", u)
		return wire.Object{{"user", u.Object()}}, nil
	})
}

// verificationCodes are the e-mail verification API's names for one-time
// code failures.
var verificationCodes = map[store.CodeError]string{
	store.CodeInvalid: "email_verification_code_incorrect", store.CodeExpired: "email_verification_code_expired",
	store.CodePreviouslyUsed: "email_verification_code_previously_used", store.CodeTooManyAttempts: "email_verification_code_incorrect",
}

// confirmEmail serves POST /user_management/users/{id}/email_verification/confirm.
func (a *api) confirmEmail(c echo.Context) error {
	b, err := web.Decode(c, web.APIBody)
	if err != nil {
		return err
	}
	return web.Write(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		u, err := userFor(c, tx)
		if err != nil {
			return nil, err
		}
		if u.EmailVerified {
			return nil, web.APIError(http.StatusBadRequest, "email_previously_verified", "The user's e-mail is already verified.")
		}
		if ce := tx.Redeem(tx.LatestOutbox(store.KindEmailVerification, u.Email), b.Param("code")); ce != "" {
			return nil, web.APIError(http.StatusBadRequest, verificationCodes[ce], signin.CodeError(ce).Message)
		}
		u.EmailVerified, u.UpdatedAt = true, tx.Now()
		tx.EmitUser("user.updated", u)
		return wire.Object{{"user", u.Object()}}, nil
	})
}

// getEmailVerification serves GET /user_management/email_verification/{id}.
func (a *api) getEmailVerification(c echo.Context) error {
	return a.getCode(c, store.KindEmailVerification, "Email verification", emailVerificationObject)
}

// createPasswordReset serves POST /user_management/password_reset.
func (a *api) createPasswordReset(c echo.Context) error {
	b, err := web.Decode(c, web.APIBody)
	if err != nil {
		return err
	}
	email := b.Param("email")
	if err := checkEmailParam(email); err != nil {
		return err
	}
	return web.Write(c, a.env(c), http.StatusCreated, func(tx *store.Tx) (any, error) {
		u := tx.UserByEmail(email)
		if u == nil {
			return nil, web.NotFound("User", email)
		}
		token := tx.Token(25)
		base := cmp.Or(b.Param("password_reset_url"), tx.Config().PublicURL+"/reset-password")
		now := tx.Now()
		e := &store.OutboxEntry{ID: tx.NewID("password_reset_"), Kind: store.KindPasswordReset, UserID: u.ID, Email: u.Email, Token: token,
			Link: base + "?token=" + url.QueryEscape(token), CreatedAt: now, ExpiresAt: now.Add(store.CodeTTL)}
		tx.Send(e)
		tx.EmitCodeCreated(e)
		return passwordResetObject(e), nil
	})
}

// getPasswordReset serves GET /user_management/password_reset/{id}.
func (a *api) getPasswordReset(c echo.Context) error {
	return a.getCode(c, store.KindPasswordReset, "Password reset", passwordResetObject)
}

// confirmPasswordReset serves POST /user_management/password_reset/confirm:
// sets the password (and verifies the e-mail, which the link proved).
func (a *api) confirmPasswordReset(c echo.Context) error {
	b, err := web.Decode(c, web.APIBody)
	if err != nil {
		return err
	}
	token, pw := b.Param("token"), b.Param("new_password")
	if token == "" || pw == "" {
		var fields []web.FieldError
		for _, f := range []string{"token", "new_password"} {
			if b.Param(f) == "" {
				fields = append(fields, web.Field(f, f+"_required"))
			}
		}
		return web.Invalid(fields...)
	}
	resetError := func(code, msg string) error {
		return web.APIError(http.StatusBadRequest, "password_reset_error", "The password could not be reset.").
			With("errors", []wire.Object{{{"code", code}, {"message", msg}}})
	}
	return web.Write(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		e := tx.OutboxByToken(token)
		switch {
		case e == nil || e.Kind != store.KindPasswordReset:
			return nil, resetError("password_reset_token_invalid", "The password reset token is invalid.")
		case e.UsedAt != nil:
			return nil, resetError("password_reset_token_previously_used", "The password reset token was already used.")
		case !tx.Now().Before(e.ExpiresAt):
			return nil, resetError("password_reset_token_expired", "The password reset token has expired.")
		}
		u := tx.User(e.UserID)
		if u == nil {
			return nil, web.NotFound("User", e.UserID)
		}
		used := tx.Now()
		e.UsedAt = &used
		u.Password, u.PasswordHash = []byte(pw), nil
		u.EmailVerified, u.UpdatedAt = true, tx.Now()
		tx.Emit("password_reset.succeeded", "", store.PasswordResetEventData(e))
		tx.EmitUser("user.updated", u)
		return wire.Object{{"user", u.Object()}}, nil
	})
}
