package signin

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// Device authorization (RFC 8628): a CLI gets a device code and a user code,
// the user approves at /device, the CLI polls the token endpoint.

const (
	deviceTTL      = 5 * time.Minute
	deviceInterval = 5 * time.Second
)

// userCodeAlphabet has no vowels (no accidental words) and no look-alikes.
const userCodeAlphabet = "BCDFGHJKLMNPQRSTVWXZ"

func newUserCode(tx *store.Tx) string {
	raw := tx.Token(64)
	var b strings.Builder
	for i := 0; b.Len() < 9 && i < len(raw); i++ {
		if b.Len() == 4 {
			b.WriteByte('-')
		}
		b.WriteByte(userCodeAlphabet[int(raw[i])%len(userCodeAlphabet)])
	}
	return b.String()
}

// startDevice registers a device authorization and answers RFC 8628 §3.2.
func startDevice(c echo.Context, st *store.Store, clientID string, scopes []string) error {
	uri := st.Config().PublicURL + "/device"
	return web.Write(c, st, http.StatusOK, func(tx *store.Tx) (any, error) {
		d := &store.DeviceAuth{DeviceCode: tx.Token(40), UserCode: newUserCode(tx), ClientID: clientID, Scopes: scopes,
			ExpiresAt: tx.Now().Add(deviceTTL), Interval: deviceInterval}
		for tx.DeviceByUserCode(d.UserCode) != nil {
			d.UserCode = newUserCode(tx)
		}
		tx.AddDevice(d)
		return wire.Object{{"device_code", d.DeviceCode}, {"user_code", d.UserCode},
			{"verification_uri", uri}, {"verification_uri_complete", uri + "?user_code=" + d.UserCode},
			{"expires_in", int(deviceTTL.Seconds())}, {"interval", int(deviceInterval.Seconds())}}, nil
	})
}

// authorizeDeviceUM serves POST /user_management/authorize/device.
func (e *engine) authorizeDeviceUM(c echo.Context) error {
	b, err := web.Decode(c, web.OAuthParams)
	if err != nil {
		return err
	}
	st := e.env(c)
	if b.Param("client_id") != st.Config().ClientID {
		return web.OAuthError(http.StatusBadRequest, web.CodeInvalidClient, "Unknown client")
	}
	return startDevice(c, st, st.Config().ClientID, nil)
}

// deviceAuthorization serves POST /oauth2/device_authorization for Connect
// applications allowing the device_code grant.
func (e *engine) deviceAuthorization(c echo.Context) error {
	b, err := web.Decode(c, web.OAuthForm)
	if err != nil {
		return err
	}
	st := e.env(c)
	cl, err := AuthenticateClient(c, st, &b, true)
	if err != nil {
		return err
	}
	if cl.App == nil || !cl.App.AllowsGrant(fixtures.GrantDeviceCode) {
		return web.OAuthError(http.StatusBadRequest, web.CodeUnauthorizedClient, fmt.Sprintf("Client %s may not use the device_code grant (add it to the application's grant_types).", cl.ID))
	}
	scopes, denied := GrantedScopes(cl.App, strings.Fields(b.Param("scope")))
	if denied != "" {
		return web.OAuthError(http.StatusBadRequest, web.CodeInvalidScope, denied)
	}
	return startDevice(c, st, cl.ID, scopes)
}

// deviceError is a device-flow polling error: OAuth-shaped, plus the "code"
// member Go v10's AuthKitPollDeviceCode reads to decide to keep polling.
func deviceError(code, desc string) *web.Error {
	return web.OAuthError(http.StatusBadRequest, code, desc).With("code", code)
}

// pollDevice answers a device_code grant poll: the approved sign-in, or the
// RFC 8628 §3.5 error (authorization_pending, slow_down, access_denied,
// expired_token). Polls are timed by the instance clock.
func pollDevice(st *store.Store, deviceCode, clientID string) (store.Attempt, []string, error) {
	var a store.Attempt
	var scopes []string
	err := st.Write(func(tx *store.Tx) error {
		now := tx.Now()
		d := tx.Device(deviceCode)
		if d == nil || d.ClientID != clientID || d.Status == store.DeviceConsumed {
			return deviceError(web.CodeInvalidGrant, "The device code is invalid or already used.")
		}
		if !now.Before(d.ExpiresAt) {
			return deviceError(web.CodeExpiredToken, "The device code has expired: start again.")
		}
		switch d.Status {
		case store.DeviceDenied:
			return deviceError(web.CodeAccessDenied, "The user denied the device.")
		case store.DevicePending:
			tooSoon := !d.LastPoll.IsZero() && now.Sub(d.LastPoll) < d.Interval
			d.LastPoll = now
			if tooSoon {
				d.Interval += 5 * time.Second
				return deviceError(web.CodeSlowDown, fmt.Sprintf("Polling too fast: wait %s between polls.", d.Interval))
			}
			return deviceError(web.CodeAuthorizationPending, "The user has not approved the device yet.")
		}
		d.Status = store.DeviceConsumed
		tx.ReleaseUserCode(d)
		a, scopes = d.Attempt, d.Scopes
		return nil
	})
	return a, scopes, err
}

// umDeviceCode answers a device_code poll of the environment client.
func umDeviceCode(r tokenRequest) error {
	if err := r.b.Required("device_code"); err != nil {
		return err
	}
	a, _, err := pollDevice(r.st, r.b.Param("device_code"), r.st.Config().ClientID)
	if err != nil {
		return err
	}
	return r.respond(complete(r.c.Request().Context(), r.st, a))
}

// connectDeviceCode answers a device_code poll of a Connect application.
func connectDeviceCode(r tokenRequest) error {
	if err := r.b.Required("device_code"); err != nil {
		return err
	}
	a, scopes, err := pollDevice(r.st, r.b.Param("device_code"), r.client.ID)
	if err != nil {
		return err
	}
	return connectTokens(r, a, scopes, "", "")
}

// devicePage serves GET /device: the user-code entry form.
func (e *engine) devicePage(c echo.Context) error {
	return e.render(c, outcome{page: &pageData{tmpl: "device", Title: "Sign in on a device", UserCode: c.QueryParam("user_code")}})
}

// deviceSubmit serves POST /device: a valid user code starts a sign-in whose
// last step approves the device.
func (e *engine) deviceSubmit(c echo.Context) error {
	b, err := web.Decode(c, web.PageForm)
	if err != nil {
		return err
	}
	code := strings.ToUpper(strings.TrimSpace(b.Param("user_code")))
	if len(code) == 8 && !strings.Contains(code, "-") {
		code = code[:4] + "-" + code[4:]
	}
	st := e.env(c)
	var out outcome
	_ = st.Write(func(tx *store.Tx) error {
		d := tx.DeviceByUserCode(code)
		if d == nil || d.Status != store.DevicePending || !tx.Now().Before(d.ExpiresAt) {
			out.page = &pageData{tmpl: "device", Title: "Sign in on a device", UserCode: b.Param("user_code"), Error: "That code is not valid or has expired."}
			return nil
		}
		f := &store.LoginFlow{ID: tx.Token(24), CSRF: tx.Token(32), Surface: store.SurfaceDevice, ClientID: d.ClientID, DeviceCode: d.DeviceCode, ExpiresAt: d.ExpiresAt}
		out.redirectTo = addFlow(tx, f)
		return nil
	})
	return e.render(c, out)
}
