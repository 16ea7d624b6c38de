package radar

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
)

// challengeObject renders the spec's RadarChallenge.
func challengeObject(e *store.OutboxEntry) wire.Object {
	return wire.Object{{"object", "radar_challenge"}, {"id", e.ID}, {"type", "email"}, {"user_id", e.UserID}, {"email", e.Email},
		{"expires_at", wire.Time(e.ExpiresAt)}, {"created_at", wire.Time(e.CreatedAt)}, {"updated_at", wire.Time(e.CreatedAt)},
		{"code", e.Code}}
}

// getChallenge serves GET /user_management/radar_challenges/{id}: an
// e-mail challenge of a sign-in, code included (for applications that send
// their own e-mails).
func (a *api) getChallenge(c echo.Context) error {
	id := web.PathParam(c, "id")
	return web.Read(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		e := tx.OutboxEntry(id, store.KindRadarChallenge)
		if e == nil {
			return nil, web.NotFound("Radar challenge", id)
		}
		return challengeObject(e), nil
	})
}

// maxPhoneLength bounds a phone number.
const maxPhoneLength = 32

// plausiblePhone accepts E.164-like numbers: an optional +, digits, and
// the usual separators.
func plausiblePhone(p string) bool {
	digits := 0
	for i, r := range p {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '+' && i == 0, r == ' ', r == '-', r == '(', r == ')', r == '.':
		default:
			return false
		}
	}
	return digits >= 6 && len(p) <= maxPhoneLength
}

// sendSMSChallenge serves POST /user_management/radar_challenges: the code
// of a sign-in's Radar SMS challenge goes to the outbox (kind radar_sms,
// under the user's e-mail, with the phone number), and its id is the
// verification_id of the radar-sms-challenge grant.
func (a *api) sendSMSChallenge(c echo.Context) error {
	b, err := web.Decode(c, web.APIBody)
	if err != nil {
		return err
	}
	userID, token, phone := b.Str("user_id"), b.Str("pending_authentication_token"), strings.TrimSpace(b.Str("phone_number"))
	if err := b.Err(); err != nil {
		return err
	}
	var bad []web.FieldError
	for _, f := range []struct{ name, v string }{{"user_id", userID}, {"pending_authentication_token", token}, {"phone_number", phone}} {
		if f.v == "" {
			bad = append(bad, web.Field(f.name, f.name+"_required"))
		}
	}
	if phone != "" && !plausiblePhone(phone) {
		bad = append(bad, web.Field("phone_number", "phone_number_invalid"))
	}
	if len(bad) > 0 {
		return web.Invalid(bad...)
	}
	return web.Write(c, a.env(c), http.StatusCreated, func(tx *store.Tx) (any, error) {
		u := tx.User(userID)
		if u == nil {
			return nil, web.NotFound("User", userID)
		}
		p := tx.Pending(token)
		if p == nil || !tx.Now().Before(p.ExpiresAt) || p.Attempt.UserID != u.ID || p.Reason != store.StepRadarChallenge {
			return nil, web.APIError(http.StatusBadRequest, "invalid_pending_authentication_token",
				"The pending authentication token is invalid, expired, another user's, or not waiting for a Radar challenge.")
		}
		e := tx.SendRadarSMS(u, phone)
		p.RadarChallengeID = e.ID // the sign-in's grant may omit verification_id
		return wire.Object{{"verification_id", e.ID}, {"phone_number", e.Phone}}, nil
	})
}
