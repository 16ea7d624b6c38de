package signin

import (
	"bytes"
	"encoding/base32"
	"encoding/base64"
	"image/png"
	"net/http"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
)

// TOTPEncoding is how TOTP secrets are written (RFC 4648 base32, no
// padding, as authenticator apps expect).
var TOTPEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewTOTPSecret is a fresh secret from the environment's seeded source.
func NewTOTPSecret(tx *store.Tx) string { return TOTPEncoding.EncodeToString([]byte(tx.Token(20))) }

// TOTPValid checks a TOTP code at the instance clock's time (30 s steps,
// one step of skew either way), so tests compute codes from the same clock.
func TOTPValid(secret, code string, now time.Time) bool {
	ok, err := totp.ValidateCustom(code, secret, now, totp.ValidateOpts{Period: 30, Skew: 1, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	return err == nil && ok
}

// VerifyChallenge checks a TOTP code against a challenge of the user's.
func VerifyChallenge(tx *store.Tx, challengeID, userID, code string) error {
	ch := tx.Challenge(challengeID)
	if ch == nil {
		return web.APIError(http.StatusBadRequest, "authentication_challenge_not_found", "The authentication challenge does not exist.")
	}
	f := tx.Factor(ch.FactorID)
	switch {
	case f == nil || f.UserID != userID:
		return web.APIError(http.StatusBadRequest, "user_mismatch", "The challenge belongs to another user.")
	case ch.UsedAt != nil:
		return web.APIError(http.StatusBadRequest, "one_time_code_previously_used", "The challenge was already completed.")
	case !tx.Now().Before(ch.ExpiresAt):
		return web.APIError(http.StatusBadRequest, "one_time_code_expired", "The challenge has expired.")
	case !TOTPValid(f.Secret, code, tx.Now()):
		return web.APIError(http.StatusBadRequest, "invalid_one_time_code", "The TOTP code is invalid.")
	}
	used := tx.Now()
	ch.UsedAt = &used
	return nil
}

// QRDataURI renders an otpauth URI as the PNG data URI WorkOS returns as a
// factor's qr_code, so an authenticator app (or a test) can scan it.
func QRDataURI(uri string) (string, error) {
	key, err := otp.NewKeyFromURL(uri)
	if err != nil {
		return "", err
	}
	img, err := key.Image(200, 200)
	if err != nil {
		return "", err
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return "", err
	}
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(b.Bytes()), nil
}
