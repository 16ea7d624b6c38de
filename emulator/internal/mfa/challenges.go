package mfa

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/signin"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
)

// verify serves POST /auth/challenges/{id}/verify (201 {challenge,
// valid}): a TOTP code is checked by the instance clock (30 s steps, one
// step of skew); an SMS or generic OTP code against the challenge's, which
// expires after 10 minutes and survives 5 wrong tries. A wrong code is
// valid: false, not an error; a challenge already verified, expired, or
// tried too often is refused.
func (a *api) verify(c echo.Context) error {
	b, err := web.Decode(c, web.APIBody)
	if err != nil {
		return err
	}
	code := b.Str("code")
	if code == "" {
		b.Bad("code", "code_required")
	}
	if err := b.Err(); err != nil {
		return err
	}
	id := web.PathParam(c, "id")
	// A wrong guess is recorded even though the answer is not an error,
	// so the write never fails after it changed something.
	var out wire.Object
	err = a.env(c).Write(func(tx *store.Tx) error {
		ch := tx.Challenge(id)
		var f *store.Factor
		if ch != nil {
			f = tx.Factor(ch.FactorID)
		}
		switch {
		case ch == nil || f == nil:
			return web.NotFound("Authentication challenge", id)
		case ch.UsedAt != nil:
			return web.APIError(http.StatusUnprocessableEntity, "authentication_challenge_previously_verified", "The authentication challenge was already verified.")
		case f.FactorType() != store.FactorTOTP && !tx.Now().Before(ch.ExpiresAt):
			return web.APIError(http.StatusUnprocessableEntity, "authentication_challenge_expired", "The authentication challenge has expired.")
		case f.FactorType() != store.FactorTOTP && ch.Attempts >= store.MaxChallengeAttempts:
			return web.APIError(http.StatusBadRequest, string(store.CodeTooManyAttempts), "The authentication challenge was tried too many times.")
		}
		var valid bool
		if f.FactorType() == store.FactorTOTP {
			valid = signin.TOTPValid(f.Secret, code, tx.Now())
		} else {
			valid = tx.CheckChallengeCode(ch, code)
		}
		if valid {
			tx.CompleteChallenge(ch)
		}
		out = wire.Object{{"challenge", ch.Object(f)}, {"valid", valid}}
		return nil
	})
	if err != nil {
		return err
	}
	return web.JSON(c, http.StatusCreated, out)
}
