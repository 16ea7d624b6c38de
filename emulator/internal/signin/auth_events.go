package signin

import (
	"errors"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
)

// Authentication events: each factor a sign-in verifies, or refuses, is an
// authentication.<factor>_succeeded or _failed event, as WorkOS reports
// them (a wrong password is an event even though nothing else changes).

// endUser is who is signing in, as the events record it: the API's
// ip_address and user_agent parameters, or the browser on a hosted page.
type endUser struct{ ip, userAgent string }

// browserUser is the browser posting to a hosted page.
func browserUser(c echo.Context) endUser {
	return endUser{ip: c.RealIP(), userAgent: c.Request().UserAgent()}
}

// authenticated emits the event of one verified (err == nil) or refused
// factor of type typ for a user (by id, or by the e-mail they typed when
// no user matched).
func authenticated(tx *store.Tx, typ string, who endUser, userID, email string, err error) {
	a := store.Authentication{Type: typ, UserID: userID, Email: email, IP: who.ip, UserAgent: who.userAgent}
	if u := tx.User(userID); u != nil {
		a.Email = u.Email
	}
	if err != nil {
		a.ErrCode, a.ErrMessage = "authentication_failed", err.Error()
		var we *web.Error
		if errors.As(err, &we) {
			a.ErrCode, a.ErrMessage = we.Code, we.Message
		}
	}
	tx.EmitAuthentication(a)
}
