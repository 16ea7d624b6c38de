package emulator

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// Device authorization (RFC 8628): a CLI gets a device code and a user code,
// the user approves at /device, the CLI polls the token endpoint.

const (
	deviceTTL      = 5 * time.Minute
	deviceInterval = 5 * time.Second
)

type deviceStatus int

const (
	devicePending deviceStatus = iota
	deviceApproved
	deviceDenied
	deviceConsumed
)

type deviceAuth struct {
	deviceCode string
	userCode   string
	clientID   string
	scopes     []string
	expiresAt  time.Time
	interval   time.Duration
	lastPoll   time.Time
	status     deviceStatus
	attempt    attempt
}

// userCodeAlphabet has no vowels (no accidental words) and no look-alikes.
const userCodeAlphabet = "BCDFGHJKLMNPQRSTVWXZ"

func (s *Server) newUserCode() string {
	raw := s.ids.token(64)
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
func (s *Server) startDevice(c echo.Context, w *world, clientID string, scopes []string) error {
	now := s.clock.Now()
	d := &deviceAuth{deviceCode: s.ids.token(40), userCode: s.newUserCode(), clientID: clientID, scopes: scopes,
		expiresAt: now.Add(deviceTTL), interval: deviceInterval}
	w.mu.Lock()
	for w.userCodes[d.userCode] != nil {
		d.userCode = s.newUserCode()
	}
	w.devices[d.deviceCode] = d
	w.userCodes[d.userCode] = d
	w.expireAt(d.expiresAt, evictDevice, d.deviceCode)
	w.mu.Unlock()
	uri := w.env.publicURL + "/device"
	return writeJSON(c, http.StatusOK, object{{"device_code", d.deviceCode}, {"user_code", d.userCode},
		{"verification_uri", uri}, {"verification_uri_complete", uri + "?user_code=" + d.userCode},
		{"expires_in", int(deviceTTL.Seconds())}, {"interval", int(deviceInterval.Seconds())}})
}

// authorizeDeviceUM serves POST /user_management/authorize/device.
func (s *Server) authorizeDeviceUM(c echo.Context) error {
	p, err := readParams(c, true)
	if err != nil {
		return err
	}
	w := s.world()
	if p.get("client_id") != w.env.clientID {
		return oauthError(http.StatusBadRequest, CodeInvalidClient, "Unknown client")
	}
	return s.startDevice(c, w, w.env.clientID, nil)
}

// deviceAuthorization serves POST /oauth2/device_authorization for Connect
// applications allowing the device_code grant.
func (s *Server) deviceAuthorization(c echo.Context) error {
	p, err := readForm(c, true)
	if err != nil {
		return err
	}
	w := s.world()
	cl, err := w.authenticateClient(c, p, true)
	if err != nil {
		return err
	}
	if cl.app == nil || !cl.app.AllowsGrant(fixtures.GrantDeviceCode) {
		return oauthError(http.StatusBadRequest, CodeUnauthorizedClient, fmt.Sprintf("Client %s may not use the device_code grant (add it to the application's grant_types).", cl.id))
	}
	scopes, denied := grantedScopes(cl.app, cl.id, scopeParam(p))
	if denied != "" {
		return oauthError(http.StatusBadRequest, CodeInvalidScope, denied)
	}
	return s.startDevice(c, w, cl.id, scopes)
}

// pollDevice answers a device_code grant poll: the approved sign-in, or the
// RFC 8628 §3.5 error (authorization_pending, slow_down, access_denied,
// expired_token). Polls are timed by the instance clock.
func (s *Server) pollDevice(w *world, deviceCode, clientID string) (attempt, []string, error) {
	now := s.clock.Now()
	w.mu.Lock()
	defer w.mu.Unlock()
	d := w.devices[deviceCode]
	if d == nil || d.clientID != clientID || d.status == deviceConsumed {
		return attempt{}, nil, deviceError(CodeInvalidGrant, "The device code is invalid or already used.")
	}
	if !now.Before(d.expiresAt) {
		return attempt{}, nil, deviceError(CodeExpiredToken, "The device code has expired: start again.")
	}
	switch d.status {
	case deviceDenied:
		return attempt{}, nil, deviceError(CodeAccessDenied, "The user denied the device.")
	case devicePending:
		tooSoon := !d.lastPoll.IsZero() && now.Sub(d.lastPoll) < d.interval
		d.lastPoll = now
		if tooSoon {
			d.interval += 5 * time.Second
			return attempt{}, nil, deviceError(CodeSlowDown, fmt.Sprintf("Polling too fast: wait %s between polls.", d.interval))
		}
		return attempt{}, nil, deviceError(CodeAuthorizationPending, "The user has not approved the device yet.")
	}
	d.status = deviceConsumed
	delete(w.userCodes, d.userCode)
	return d.attempt, d.scopes, nil
}

// devicePage serves GET /device: the user-code entry form.
func (s *Server) devicePage(c echo.Context) error {
	return s.render(c, outcome{page: &pageData{tmpl: "device", Title: "Sign in on a device", UserCode: c.QueryParam("user_code")}})
}

// deviceSubmit serves POST /device: a valid user code starts a sign-in whose
// last step approves the device.
func (s *Server) deviceSubmit(c echo.Context) error {
	form, err := readForm(c, false)
	if err != nil {
		return err
	}
	code := strings.ToUpper(strings.TrimSpace(form.get("user_code")))
	if len(code) == 8 && !strings.Contains(code, "-") {
		code = code[:4] + "-" + code[4:]
	}
	w := s.world()
	now := s.clock.Now()
	w.mu.Lock()
	d := w.userCodes[code]
	if d == nil || d.status != devicePending || !now.Before(d.expiresAt) {
		w.mu.Unlock()
		return s.render(c, outcome{page: &pageData{tmpl: "device", Title: "Sign in on a device", UserCode: form.get("user_code"),
			Error: "That code is not valid or has expired."}})
	}
	f := &loginFlow{id: s.ids.token(24), surface: surfaceDevice, clientID: d.clientID, deviceCode: d.deviceCode, expiresAt: d.expiresAt}
	loginURL := w.addFlow(f)
	w.mu.Unlock()
	return redirect(c, loginURL)
}
