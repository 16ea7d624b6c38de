// Package mfa is WorkOS's standalone Multi-Factor Authentication API:
// factors (TOTP, SMS, generic OTP) with or without a user, and the
// verification of their challenges. Its factors are the store's, which
// User Management's factor routes share: a TOTP factor enrolled here with
// a user_id is one of that user's factors at sign-in. Challenges are
// created at POST /auth/factors/{id}/challenge, served by usermgmt for
// both APIs.
package mfa

import (
	"net/http"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
)

// api serves the routes of every environment.
type api struct{ env web.Env }

// Routes lists the area's routes.
func Routes(env web.Env) []web.Route {
	a := &api{env: env}
	const g, key = web.GroupAPI, web.APIKey
	return []web.Route{
		web.R(http.MethodPost, "/auth/factors/enroll", g, key, "enroll a factor: totp, sms (codes to the outbox) or generic_otp", a.enroll),
		web.R(http.MethodGet, "/auth/factors/:id", g, key, "a factor", a.get),
		web.R(http.MethodDelete, "/auth/factors/:id", g, key, "delete a factor", a.delete),
		web.R(http.MethodPost, "/auth/challenges/:id/verify", g, key, "verify a challenge's code (TOTP by the instance clock)", a.verify),
	}
}
