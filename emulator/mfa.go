package emulator

import (
	"bytes"
	"cmp"
	"encoding/base32"
	"encoding/base64"
	"image/png"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// authFactor is a TOTP factor of a user (from fixtures' totp_secret, or
// enrolled over the API).
type authFactor struct {
	id        string
	userID    string
	secret    string // base32
	issuer    string
	account   string
	createdAt time.Time
}

// authChallenge is an MFA challenge against a factor.
type authChallenge struct {
	id        string
	factorID  string
	createdAt time.Time
	expiresAt time.Time
	usedAt    *time.Time
}

// qrDataURI renders an otpauth URI as the PNG data URI WorkOS returns as
// qr_code, so an authenticator app (or a test) can scan it.
func qrDataURI(uri string) (string, error) {
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

// totpEncoding is how TOTP secrets are written (RFC 4648 base32, no
// padding, as authenticator apps expect).
var totpEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// newTOTPSecret is a fresh secret from the instance's seeded source.
func (s *Server) newTOTPSecret() string { return totpEncoding.EncodeToString([]byte(s.ids.token(20))) }

// factorsOf lists a user's factors in creation order. Caller holds w.mu.
func (w *world) factorsOf(userID string) []*authFactor { return w.userFactors[userID] }

// addFactor registers a TOTP factor. Caller holds w.mu.
func (s *Server) addFactor(w *world, userID, secret, issuer, account string, now time.Time) *authFactor {
	id := "auth_factor_" + s.ids.ulid(now)
	f := &authFactor{id: id, userID: userID, secret: secret,
		issuer: issuer, account: account, createdAt: now}
	w.factors[f.id] = f
	w.userFactors[userID] = append(w.userFactors[userID], f)
	return f
}

// challenge opens an MFA challenge. Caller holds w.mu.
func (s *Server) challenge(w *world, f *authFactor, now time.Time) *authChallenge {
	ch := &authChallenge{id: "auth_challenge_" + s.ids.ulid(now), factorID: f.id, createdAt: now, expiresAt: now.Add(codeTTL)}
	w.challenges[ch.id] = ch
	w.expireAt(ch.expiresAt, evictChallenge, ch.id)
	return ch
}

// totpValid checks a TOTP code at the instance clock's time (30 s steps,
// one step of skew either way), so tests compute codes from the same clock.
func totpValid(secret, code string, now time.Time) bool {
	ok, err := totp.ValidateCustom(code, secret, now, totp.ValidateOpts{Period: 30, Skew: 1, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	return err == nil && ok
}

// verifyChallenge checks a TOTP code against a challenge of the user's.
// Caller holds w.mu.
func (w *world) verifyChallenge(challengeID, userID, code string, now time.Time) error {
	ch := w.challenges[challengeID]
	if ch == nil {
		return apiError(http.StatusBadRequest, "authentication_challenge_not_found", "The authentication challenge does not exist.")
	}
	f := w.factors[ch.factorID]
	switch {
	case f == nil || f.userID != userID:
		return apiError(http.StatusBadRequest, "user_mismatch", "The challenge belongs to another user.")
	case ch.usedAt != nil:
		return apiError(http.StatusBadRequest, "one_time_code_previously_used", "The challenge was already completed.")
	case !now.Before(ch.expiresAt):
		return apiError(http.StatusBadRequest, "one_time_code_expired", "The challenge has expired.")
	case !totpValid(f.secret, code, now):
		return apiError(http.StatusBadRequest, "invalid_one_time_code", "The TOTP code is invalid.")
	}
	used := now
	ch.usedAt = &used
	return nil
}

func factorObject(f *authFactor) object {
	return object{{"object", "authentication_factor"}, {"id", f.id}, {"type", "totp"}, {"user_id", f.userID},
		{"totp", object{{"issuer", f.issuer}, {"user", f.account}}},
		{"created_at", isoTime(f.createdAt)}, {"updated_at", isoTime(f.createdAt)}}
}

func challengeObject(ch *authChallenge) object {
	return object{{"object", "authentication_challenge"}, {"id", ch.id}, {"authentication_factor_id", ch.factorID},
		{"expires_at", isoTime(ch.expiresAt)}, {"created_at", isoTime(ch.createdAt)}, {"updated_at", isoTime(ch.createdAt)}}
}

// createChallenge serves POST /auth/factors/{id}/challenge: what a client
// calls after an mfa_challenge interruption, before the mfa-totp grant.
func (s *Server) createChallenge(c echo.Context) error {
	w := s.world()
	now := s.clock.Now()
	w.mu.Lock()
	defer w.mu.Unlock()
	f, err := byParam(c, w.factors, "id", "Authentication factor")
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusCreated, challengeObject(s.challenge(w, f, now)))
}

// enrollFactor serves POST /user_management/users/{id}/auth_factors (type
// totp). The secret is generated from the seed, or taken from totp_secret.
func (s *Server) enrollFactor(c echo.Context) error {
	p, err := readParams(c, false)
	if err != nil {
		return err
	}
	if p.get("type") != "totp" {
		return invalidParams(FieldError{Field: "type", Code: "type_must_be_totp"})
	}
	secret := strings.ToUpper(strings.TrimRight(p.get("totp_secret"), "="))
	if secret != "" {
		if _, err := totpEncoding.DecodeString(secret); err != nil {
			return invalidParams(FieldError{Field: "totp_secret", Code: "invalid_base32"})
		}
	}
	w := s.world()
	now := s.clock.Now()
	w.mu.Lock()
	defer w.mu.Unlock()
	u, err := w.userFor(c)
	if err != nil {
		return err
	}
	if secret == "" {
		secret = s.newTOTPSecret()
	}
	issuer := cmp.Or(p.get("totp_issuer"), "authkit-emulator")
	account := cmp.Or(p.get("totp_user"), u.Email)
	f := s.addFactor(w, u.ID, secret, issuer, account, now)
	uri := (&url.URL{Scheme: "otpauth", Host: "totp", Path: "/" + issuer + ":" + account,
		RawQuery: url.Values{"secret": {secret}, "issuer": {issuer}}.Encode()}).String()
	qr, err := qrDataURI(uri)
	if err != nil {
		return err
	}
	fo := append(factorObject(f)[:4:4], kv{"totp", object{{"issuer", issuer}, {"user", account}, {"secret", secret},
		{"qr_code", qr}, {"uri", uri}}}, kv{"created_at", isoTime(now)}, kv{"updated_at", isoTime(now)})
	return writeJSON(c, http.StatusCreated, object{{"authentication_factor", fo}, {"authentication_challenge", challengeObject(s.challenge(w, f, now))}})
}

// listFactors serves GET /user_management/users/{id}/auth_factors.
func (s *Server) listFactors(c echo.Context) error {
	w := s.world()
	w.mu.RLock()
	defer w.mu.RUnlock()
	if _, err := w.userFor(c); err != nil {
		return err
	}
	data := []object{}
	for _, f := range w.factorsOf(c.Param("id")) {
		data = append(data, factorObject(f))
	}
	return writeJSON(c, http.StatusOK, listBody(data, object{{"before", nil}, {"after", nil}}))
}
