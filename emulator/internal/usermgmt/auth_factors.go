package usermgmt

import (
	"cmp"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/signin"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
)

// createChallenge serves POST /auth/factors/{id}/challenge: what a client
// calls after an mfa_challenge interruption, before the mfa-totp grant, and
// what the standalone MFA API calls for any factor (an SMS factor's code
// goes to the outbox).
func (a *api) createChallenge(c echo.Context) error {
	id := web.PathParam(c, "id")
	return web.Write(c, a.env(c), http.StatusCreated, func(tx *store.Tx) (any, error) {
		f := tx.Factor(id)
		if f == nil {
			return nil, web.NotFound("Authentication factor", id)
		}
		return tx.NewChallenge(f).Object(f), nil
	})
}

// enrollFactor serves POST /user_management/users/{id}/auth_factors (type
// totp). The secret is generated from the seed, or taken from totp_secret.
func (a *api) enrollFactor(c echo.Context) error {
	b, err := web.Decode(c, web.APIBody)
	if err != nil {
		return err
	}
	if b.Param("type") != "totp" {
		return web.Invalid(web.Field("type", "type_must_be_totp"))
	}
	secret := strings.ToUpper(strings.TrimRight(b.Param("totp_secret"), "="))
	if secret != "" {
		if _, err := signin.TOTPEncoding.DecodeString(secret); err != nil {
			return web.Invalid(web.Field("totp_secret", "invalid_base32"))
		}
	}
	var f *store.Factor
	var ch *store.Challenge
	var issuer, account string
	err = a.env(c).Write(func(tx *store.Tx) error {
		u, err := userFor(c, tx)
		if err != nil {
			return err
		}
		if secret == "" {
			secret = signin.NewTOTPSecret(tx)
		}
		issuer = cmp.Or(b.Param("totp_issuer"), "authkit-emulator")
		account = cmp.Or(b.Param("totp_user"), u.Email)
		f = tx.AddFactor(u.ID, secret, issuer, account)
		ch = tx.NewChallenge(f)
		return nil
	})
	if err != nil {
		return err
	}
	uri := (&url.URL{Scheme: "otpauth", Host: "totp", Path: "/" + issuer + ":" + account,
		RawQuery: url.Values{"secret": {secret}, "issuer": {issuer}}.Encode()}).String()
	qr, err := signin.QRDataURI(uri)
	if err != nil {
		return err
	}
	fo := append(f.Object()[:4:4], wire.KV{"totp", wire.Object{{"issuer", issuer}, {"user", account}, {"secret", secret},
		{"qr_code", qr}, {"uri", uri}}}, wire.KV{"created_at", wire.Time(f.CreatedAt)}, wire.KV{"updated_at", wire.Time(f.CreatedAt)})
	return web.JSON(c, http.StatusCreated, wire.Object{{"authentication_factor", fo}, {"authentication_challenge", ch.Object(f)}})
}

// listFactors serves GET /user_management/users/{id}/auth_factors.
func (a *api) listFactors(c echo.Context) error {
	return web.Read(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		u, err := userFor(c, tx)
		if err != nil {
			return nil, err
		}
		data := []wire.Object{}
		for _, f := range tx.FactorsOf(u.ID) {
			data = append(data, f.Object())
		}
		return wire.List(data, wire.Object{{"before", nil}, {"after", nil}}), nil
	})
}
