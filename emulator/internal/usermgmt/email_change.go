package usermgmt

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// E-mail change: a code goes to the new address (the outbox, GET
// /_emulator/codes?kind=email_change); confirming it moves the user to the
// address, verified, and emits user.updated.

// sendEmailChange serves POST /user_management/users/{id}/email_change/send.
func (a *api) sendEmailChange(c echo.Context) error {
	b, err := web.Decode(c, web.APIBody)
	if err != nil {
		return err
	}
	newEmail := strings.TrimSpace(b.Str("new_email"))
	if err := b.Err(); err != nil {
		return err
	}
	if newEmail == "" {
		return web.Invalid(web.Field("new_email", "new_email_required"))
	}
	if fixtures.CheckEmail(newEmail) != nil || len(newEmail) > fixtures.MaxEmailLength {
		return web.APIError(http.StatusUnprocessableEntity, "invalid_email", "The new e-mail address is invalid.")
	}
	return web.Write(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		u, err := userFor(c, tx)
		if err != nil {
			return nil, err
		}
		if err := emailChangeAllowed(tx, u, newEmail); err != nil {
			return nil, err
		}
		e := tx.SendEmailChange(u, newEmail)
		return wire.Object{{"object", "email_change"}, {"user", u.Object()}, {"new_email", e.Email},
			{"expires_at", wire.Time(e.ExpiresAt)}, {"created_at", wire.Time(e.CreatedAt)}}, nil
	})
}

// emailChangeAllowed is the 409 for a change to the user's own address or
// to another user's.
func emailChangeAllowed(tx *store.Tx, u *store.User, newEmail string) error {
	if store.EmailKey(newEmail) == store.EmailKey(u.Email) {
		return web.APIError(http.StatusConflict, "email_change_not_needed", "The user already has this e-mail address.")
	}
	if other := tx.UserByEmail(newEmail); other != nil && other != u {
		return web.APIError(http.StatusConflict, "email_not_available", "Another user has this e-mail address.")
	}
	return nil
}

// emailChangeCodes are the e-mail change API's names for one-time code
// failures, with their statuses.
var emailChangeCodes = map[store.CodeError]*web.Error{
	store.CodeInvalid:         web.APIError(http.StatusBadRequest, "email_change_code_incorrect", "The e-mail change code is incorrect."),
	store.CodeExpired:         web.APIError(http.StatusBadRequest, "email_change_code_expired", "The e-mail change code has expired: send a new one."),
	store.CodePreviouslyUsed:  web.APIError(http.StatusConflict, "email_change_code_previously_used", "The e-mail change code was already used."),
	store.CodeTooManyAttempts: web.APIError(http.StatusTooManyRequests, "email_change_too_many_attempts", "Too many wrong codes: send a new one."),
}

// confirmEmailChange serves POST /user_management/users/{id}/email_change/confirm:
// the newest code sent for the user, single use, 10 minutes, a few tries.
func (a *api) confirmEmailChange(c echo.Context) error {
	b, err := web.Decode(c, web.APIBody)
	if err != nil {
		return err
	}
	code := b.Param("code")
	if code == "" {
		return web.Invalid(web.Field("code", "code_required"))
	}
	return web.Write(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		u, err := userFor(c, tx)
		if err != nil {
			return nil, err
		}
		e := tx.LatestOutboxOf(store.KindEmailChange, u.ID)
		if e == nil {
			return nil, web.APIError(http.StatusConflict, "no_pending_email_change", "The user has no pending e-mail change: send one first.")
		}
		// The address may have been taken since the code was sent: checked
		// before the code is spent, so a refused change leaves it usable.
		if other := tx.UserByEmail(e.Email); other != nil && other != u {
			return nil, web.APIError(http.StatusConflict, "email_not_available", "Another user has this e-mail address now.")
		}
		if ce := tx.Redeem(e, code); ce != "" {
			return nil, emailChangeCodes[ce]
		}
		tx.SetUserKeys(u, e.Email, u.ExternalID)
		u.EmailVerified, u.UpdatedAt = true, tx.Now()
		obj := u.Object()
		tx.Emit("user.updated", "", obj)
		return wire.Object{{"object", "email_change_confirmation"}, {"user", obj}}, nil
	})
}
