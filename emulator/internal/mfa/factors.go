package mfa

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/signin"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// phoneRE is an E.164 phone number, what WorkOS takes for SMS factors.
var phoneRE = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)

// factorFor finds the factor the route's :id names, or a 404.
func factorFor(c echo.Context, tx *store.Tx) (*store.Factor, error) {
	id := web.PathParam(c, "id")
	if f := tx.Factor(id); f != nil {
		return f, nil
	}
	return nil, web.NotFound("Authentication factor", id)
}

// enroll serves POST /auth/factors/enroll (201): a TOTP factor
// (totp_issuer and totp_user required; the answer carries the secret, the
// otpauth URI and its QR code), an SMS factor (phone_number, E.164) or a
// generic OTP factor; user_id, when given, names the user it belongs to.
func (a *api) enroll(c echo.Context) error {
	b, err := web.Decode(c, web.APIBody)
	if err != nil {
		return err
	}
	f := &store.Factor{Type: b.Str("type"), UserID: b.Str("user_id")}
	switch f.Type {
	case store.FactorTOTP:
		f.Issuer, f.Account = strings.TrimSpace(b.Str("totp_issuer")), strings.TrimSpace(b.Str("totp_user"))
		if f.Issuer == "" {
			b.Bad("totp_issuer", "totp_issuer_required")
		}
		if f.Account == "" {
			b.Bad("totp_user", "totp_user_required")
		}
		b.Limit("totp_issuer", f.Issuer, fixtures.MaxNameLength)
		b.Limit("totp_user", f.Account, fixtures.MaxNameLength)
	case store.FactorSMS:
		if f.Phone = strings.TrimSpace(b.Str("phone_number")); !phoneRE.MatchString(f.Phone) {
			b.Bad("phone_number", "invalid_phone_number")
		}
	case store.FactorGenericOTP:
	case "":
		b.Bad("type", "type_required")
	default:
		b.Bad("type", "type_must_be_totp_sms_or_generic_otp")
	}
	if err := b.Err(); err != nil {
		return err
	}
	err = a.env(c).Write(func(tx *store.Tx) error {
		if f.UserID != "" && tx.User(f.UserID) == nil {
			return web.Invalid(web.Field("user_id", "user_not_found"))
		}
		if f.Type == store.FactorTOTP {
			f.Secret = signin.NewTOTPSecret(tx)
		}
		tx.EnrollFactor(f)
		return nil
	})
	if err != nil {
		return err
	}
	o := f.Object()
	if f.Type == store.FactorTOTP {
		uri := (&url.URL{Scheme: "otpauth", Host: "totp", Path: "/" + f.Issuer + ":" + f.Account,
			RawQuery: url.Values{"secret": {f.Secret}, "issuer": {f.Issuer}}.Encode()}).String()
		qr, err := signin.QRDataURI(uri)
		if err != nil {
			return err
		}
		for i := range o {
			if o[i].Key == "totp" {
				o[i].Value = wire.Object{{"issuer", f.Issuer}, {"user", f.Account}, {"secret", f.Secret}, {"qr_code", qr}, {"uri", uri}}
			}
		}
	}
	return web.JSON(c, http.StatusCreated, o)
}

// get serves GET /auth/factors/{id} (without secrets).
func (a *api) get(c echo.Context) error {
	return web.Read(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		f, err := factorFor(c, tx)
		if err != nil {
			return nil, err
		}
		return f.Object(), nil
	})
}

// delete serves DELETE /auth/factors/{id} (204): its challenges can no
// longer be verified, and a user's TOTP factor no longer asks for MFA at
// sign-in.
func (a *api) delete(c echo.Context) error {
	return web.WriteNoContent(c, a.env(c), http.StatusNoContent, func(tx *store.Tx) error {
		f, err := factorFor(c, tx)
		if err != nil {
			return err
		}
		tx.DeleteFactor(f)
		return nil
	})
}
