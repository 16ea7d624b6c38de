package radar

import (
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// authMethods and actions are the spec's enums for an assessment.
var (
	authMethods = []string{"Password", "Passkey", "Authenticator", "SMS_OTP", "Email_OTP", "Social", "SSO", "Other"}
	actions     = []string{"sign-up", "sign-in"}
)

// badRequest is the 400 the Radar API answers for a body it refuses.
func badRequest(msg string) *web.Error {
	return web.APIError(http.StatusBadRequest, web.CodeInvalidRequest, msg)
}

// Verdict renders the spec's RadarStandaloneResponse of an attempt.
func Verdict(a *store.RadarAttempt) wire.Object {
	out := wire.Object{{"verdict", a.Verdict}, {"reason", a.Reason}, {"attempt_id", a.ID}}
	if a.Control != "" {
		out = append(out, wire.KV{Key: "control", Value: a.Control})
	}
	if a.BlocklistType != "" {
		out = append(out, wire.KV{Key: "blocklist_type", Value: a.BlocklistType})
	}
	return out
}

// assess serves POST /radar/attempts: the attempt is assessed as sign-ins
// are (lists, then the switch) and recorded.
func (a *api) assess(c echo.Context) error {
	b, err := web.Decode(c, web.APIBody)
	if err != nil {
		return err
	}
	in := store.RadarInput{Source: "api", IP: strings.TrimSpace(b.Str("ip_address")), UserAgent: b.Str("user_agent"),
		Email: strings.TrimSpace(b.Str("email")), AuthMethod: b.Str("auth_method"), Action: b.Str("action"), SignalsID: b.Str("signals_id")}
	if err := b.Err(); err != nil {
		return err
	}
	switch {
	case in.IP == "" || in.UserAgent == "" || in.Email == "" || in.AuthMethod == "" || in.Action == "":
		return badRequest("ip_address, user_agent, email, auth_method and action are required.")
	case fixtures.CheckEmail(in.Email) != nil:
		return badRequest("email must be an e-mail address.")
	case !slices.Contains(authMethods, in.AuthMethod):
		return badRequest("auth_method must be one of " + strings.Join(authMethods, ", ") + ".")
	case !slices.Contains(actions, in.Action):
		return badRequest("action must be sign-up or sign-in.")
	}
	return web.Write(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		if u := tx.UserByEmail(in.Email); u != nil {
			in.UserID = u.ID
		}
		return Verdict(tx.AssessRadar(in, store.PrefixRadarAttempt)), nil
	})
}

// updateAttempt serves PUT /radar/attempts/{id}: the application reports
// that the attempt, or its challenge, succeeded.
func (a *api) updateAttempt(c echo.Context) error {
	b, err := web.Decode(c, web.APIBody)
	if err != nil {
		return err
	}
	cs, as := b.Str("challenge_status"), b.Str("attempt_status")
	if err := b.Err(); err != nil {
		return err
	}
	switch {
	case cs == "" && as == "":
		return badRequest("Set challenge_status or attempt_status to \"success\".")
	case (cs != "" && cs != "success") || (as != "" && as != "success"):
		return badRequest("challenge_status and attempt_status take only \"success\".")
	}
	id := web.PathParam(c, "id")
	return web.WriteNoContent(c, a.env(c), http.StatusNoContent, func(tx *store.Tx) error {
		at := tx.RadarAttempt(id)
		if at == nil {
			return web.NotFound("Radar attempt", id)
		}
		if cs != "" {
			at.ChallengeStatus = cs
		}
		if as != "" {
			at.AttemptStatus = as
		}
		at.UpdatedAt = tx.Now()
		return nil
	})
}
