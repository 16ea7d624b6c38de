package emulator

import (
	"cmp"
	"crypto/subtle"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
)

// codeTTL is how long e-mailed codes and links live (WorkOS: 10 minutes).
const codeTTL = 10 * time.Minute

// maxCodeAttempts is how many wrong guesses a one-time code survives.
const maxCodeAttempts = 5

// Outbox kinds: what the real service would have e-mailed.
const (
	KindMagicAuth         = "magic_auth"
	KindEmailVerification = "email_verification"
	KindPasswordReset     = "password_reset"
	KindInvitation        = "invitation"
)

// outboxEntry is one e-mail the emulator "sent": a one-time code (magic
// auth, e-mail verification) or a link token (password reset, invitation).
// The WorkOS objects (magic_auth, email_verification, password_reset) are
// views of it.
type outboxEntry struct {
	id        string // magic_auth_..., email_verification_..., password_reset_..., invitation_...
	kind      string
	userID    string
	email     string
	code      string // six digits, for codes
	token     string // for links
	link      string
	createdAt time.Time
	expiresAt time.Time
	usedAt    *time.Time
	attempts  int
	evicted   bool
}

// outbox holds every entry, newest last, with an index by id.
type outbox struct {
	mu      sync.Mutex
	dirty   bool // some entries are evicted but still listed
	entries []*outboxEntry
	byID    map[string]*outboxEntry
	byToken map[string]*outboxEntry
}

func (o *outbox) add(e *outboxEntry) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.byID == nil {
		o.byID, o.byToken = map[string]*outboxEntry{}, map[string]*outboxEntry{}
	}
	o.entries = append(o.entries, e)
	o.byID[e.id] = e
	if e.token != "" {
		o.byToken[e.token] = e
	}
}

// send puts an e-mail in the outbox and schedules its eviction. Caller
// holds w.mu.
func (w *world) send(e *outboxEntry) {
	w.outbox.add(e)
	w.expireAt(e.expiresAt, evictOutbox, e.id)
}

func (o *outbox) get(id string) *outboxEntry {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.byID[id]
}

// getKind returns the entry id names when it is of kind.
func (o *outbox) getKind(id, kind string) *outboxEntry {
	if e := o.get(id); e != nil && e.kind == kind {
		return e
	}
	return nil
}

// getCode serves a GET of one outbox object of kind; name is what its 404
// calls it.
func (s *Server) getCode(c echo.Context, kind, name string, render func(*outboxEntry) object) error {
	e := s.world().outbox.getKind(c.Param("id"), kind)
	if e == nil {
		return notFound(name, c.Param("id"))
	}
	return writeJSON(c, http.StatusOK, render(e))
}

// codeObject renders a one-time code the way WorkOS's magic_auth and
// email_verification objects share.
func codeObject(name string, e *outboxEntry) object {
	return object{{"object", name}, {"id", e.id}, {"user_id", e.userID}, {"email", e.email},
		{"expires_at", isoTime(e.expiresAt)}, {"code", e.code}, {"created_at", isoTime(e.createdAt)}, {"updated_at", isoTime(e.createdAt)}}
}

func (o *outbox) getToken(token string) *outboxEntry {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.byToken[token]
}

// latest returns the newest entry of a kind for an e-mail.
func (o *outbox) latest(kind, email string) *outboxEntry {
	o.mu.Lock()
	defer o.mu.Unlock()
	for i := len(o.entries) - 1; i >= 0; i-- {
		if e := o.entries[i]; e.kind == kind && strings.EqualFold(e.email, email) {
			return e
		}
	}
	return nil
}

// Code is an outbox entry as GET /_emulator/codes and testkit Codes show it.
type Code struct {
	ID        string  `json:"id"`
	Kind      string  `json:"kind"`
	Email     string  `json:"email"`
	UserID    string  `json:"user_id,omitempty"`
	Code      string  `json:"code,omitempty"`
	Token     string  `json:"token,omitempty"`
	Link      string  `json:"link,omitempty"`
	CreatedAt string  `json:"created_at"`
	ExpiresAt string  `json:"expires_at"`
	UsedAt    *string `json:"used_at"`
}

// Codes lists what the emulator would have e-mailed, newest first; email and
// kind filter when not empty.
func (s *Server) Codes(email, kind string) []Code {
	o := s.world().outbox
	o.mu.Lock()
	defer o.mu.Unlock()
	out := []Code{}
	for i := len(o.entries) - 1; i >= 0; i-- {
		e := o.entries[i]
		if (email != "" && !strings.EqualFold(e.email, email)) || (kind != "" && e.kind != kind) {
			continue
		}
		out = append(out, Code{ID: e.id, Kind: e.kind, Email: e.email, UserID: e.userID, Code: e.code, Token: e.token,
			Link: e.link, CreatedAt: isoTime(e.createdAt), ExpiresAt: isoTime(e.expiresAt), UsedAt: timePtr(e.usedAt)})
	}
	return out
}

// controlCodes serves GET /_emulator/codes?email=&kind=.
func (s *Server) controlCodes(c echo.Context) error {
	return writeJSON(c, http.StatusOK, object{{"codes", s.Codes(c.QueryParam("email"), c.QueryParam("kind"))}})
}

// newCode records a code e-mail in the outbox.
func (s *Server) newCode(w *world, kind, prefix string, u *user, now time.Time) *outboxEntry {
	e := &outboxEntry{id: prefix + s.ids.ulid(now), kind: kind, userID: u.ID, email: u.Email, code: s.ids.digits(6),
		createdAt: now, expiresAt: now.Add(codeTTL)}
	w.send(e)
	return e
}

// redeemCode checks a one-time code: single use, 10 minutes, a few tries.
func redeemOneTime(e *outboxEntry, code string, now time.Time) error {
	switch {
	case e == nil:
		return apiError(http.StatusBadRequest, "invalid_one_time_code", "The code is invalid.")
	case e.usedAt != nil:
		return apiError(http.StatusBadRequest, "one_time_code_previously_used", "The code was already used.")
	case !now.Before(e.expiresAt):
		return apiError(http.StatusBadRequest, "one_time_code_expired", "The code has expired.")
	case e.attempts >= maxCodeAttempts:
		return apiError(http.StatusBadRequest, "one_time_code_too_many_attempts", "Too many wrong codes: request a new one.")
	case !constantEqual(e.code, code):
		e.attempts++
		return apiError(http.StatusBadRequest, "invalid_one_time_code", "The code is invalid.")
	}
	used := now
	e.usedAt = &used
	return nil
}

// --- magic auth ---

// magicAuthObject renders the WorkOS magic_auth object.
func magicAuthObject(e *outboxEntry) object { return codeObject("magic_auth", e) }

// sendMagicAuth creates a magic-auth code for an e-mail, creating the user
// when there is none (WorkOS signs new users up this way).
func (s *Server) sendMagicAuth(w *world, email string, now time.Time) (*outboxEntry, error) {
	if err := checkEmailParam(email); err != nil {
		return nil, err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return s.sendMagicAuthLocked(w, email, now), nil
}

// sendMagicAuthLocked is sendMagicAuth for a valid e-mail. Caller holds w.mu.
func (s *Server) sendMagicAuthLocked(w *world, email string, now time.Time) *outboxEntry {
	u := w.byEmail[emailKey(email)]
	if u == nil {
		u = s.createUser(w, email, now)
	}
	return s.newCode(w, KindMagicAuth, "magic_auth_", u, now)
}

// createMagicAuth serves POST /user_management/magic_auth.
func (s *Server) createMagicAuth(c echo.Context) error {
	p, err := readParams(c, false)
	if err != nil {
		return err
	}
	e, err := s.sendMagicAuth(s.world(), p.get("email"), s.clock.Now())
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusCreated, magicAuthObject(e))
}

// getMagicAuth serves GET /user_management/magic_auth/{id}.
func (s *Server) getMagicAuth(c echo.Context) error {
	return s.getCode(c, KindMagicAuth, "Magic Auth", magicAuthObject)
}

// redeemMagicCode verifies the newest magic-auth code sent to an e-mail.
func (s *Server) redeemMagicCode(w *world, email, code string) (string, error) {
	now := s.clock.Now()
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.redeemMagicCodeLocked(email, code, now)
}

// redeemMagicCodeLocked is redeemMagicCode. Caller holds w.mu.
func (w *world) redeemMagicCodeLocked(email, code string, now time.Time) (string, error) {
	e := w.outbox.latest(KindMagicAuth, email)
	if err := redeemOneTime(e, code, now); err != nil {
		return "", err
	}
	if w.users[e.userID] == nil {
		return "", apiError(http.StatusBadRequest, "invalid_one_time_code", "The code's user no longer exists.")
	}
	return e.userID, nil
}

// --- e-mail verification ---

func emailVerificationObject(e *outboxEntry) object { return codeObject("email_verification", e) }

// sendEmailVerification e-mails a verification code. Caller holds w.mu.
func (s *Server) sendEmailVerification(w *world, u *user, now time.Time) *outboxEntry {
	return s.newCode(w, KindEmailVerification, "email_verification_", u, now)
}

// redeemEmailCode verifies an e-mail verification code. Caller holds w.mu.
func (w *world) redeemEmailCode(id, code string, now time.Time) error {
	return redeemOneTime(w.outbox.getKind(id, KindEmailVerification), code, now)
}

// sendVerificationEmail serves POST /user_management/users/{id}/email_verification/send.
func (s *Server) sendVerificationEmail(c echo.Context) error {
	w := s.world()
	now := s.clock.Now()
	w.mu.Lock()
	defer w.mu.Unlock()
	u, err := w.userFor(c)
	if err != nil {
		return err
	}
	if u.EmailVerified {
		return apiError(http.StatusBadRequest, "email_already_verified", "The user's e-mail is already verified.")
	}
	s.sendEmailVerification(w, u, now)
	return writeJSON(c, http.StatusOK, object{{"user", u.object()}})
}

// confirmEmail serves POST /user_management/users/{id}/email_verification/confirm.
func (s *Server) confirmEmail(c echo.Context) error {
	p, err := readParams(c, false)
	if err != nil {
		return err
	}
	w := s.world()
	now := s.clock.Now()
	w.mu.Lock()
	defer w.mu.Unlock()
	u, err := w.userFor(c)
	if err != nil {
		return err
	}
	if u.EmailVerified {
		return apiError(http.StatusBadRequest, "email_previously_verified", "The user's e-mail is already verified.")
	}
	e := w.outbox.latest(KindEmailVerification, u.Email)
	if err := redeemOneTime(e, p.get("code"), now); err != nil {
		codes := map[string]string{"invalid_one_time_code": "email_verification_code_incorrect", "one_time_code_expired": "email_verification_code_expired",
			"one_time_code_previously_used": "email_verification_code_previously_used", "one_time_code_too_many_attempts": "email_verification_code_incorrect"}
		if ae, ok := err.(*Error); ok {
			return apiError(http.StatusBadRequest, codes[ae.Code], ae.Message)
		}
		return err
	}
	u.EmailVerified, u.UpdatedAt = true, now
	return writeJSON(c, http.StatusOK, object{{"user", u.object()}})
}

// getEmailVerification serves GET /user_management/email_verification/{id}.
func (s *Server) getEmailVerification(c echo.Context) error {
	return s.getCode(c, KindEmailVerification, "Email verification", emailVerificationObject)
}

// --- password reset ---

func passwordResetObject(e *outboxEntry) object {
	return object{{"object", "password_reset"}, {"id", e.id}, {"user_id", e.userID}, {"email", e.email},
		{"password_reset_token", e.token}, {"password_reset_url", e.link}, {"expires_at", isoTime(e.expiresAt)}, {"created_at", isoTime(e.createdAt)}}
}

// createPasswordReset serves POST /user_management/password_reset.
func (s *Server) createPasswordReset(c echo.Context) error {
	p, err := readParams(c, false)
	if err != nil {
		return err
	}
	if err := checkEmailParam(p.get("email")); err != nil {
		return err
	}
	w := s.world()
	now := s.clock.Now()
	w.mu.Lock()
	defer w.mu.Unlock()
	u := w.byEmail[emailKey(p.get("email"))]
	if u == nil {
		return notFound("User", p.get("email"))
	}
	token := s.ids.token(25)
	base := cmp.Or(p.get("password_reset_url"), w.env.publicURL+"/reset-password")
	e := &outboxEntry{id: "password_reset_" + s.ids.ulid(now), kind: KindPasswordReset, userID: u.ID, email: u.Email, token: token,
		link: base + "?token=" + url.QueryEscape(token), createdAt: now, expiresAt: now.Add(codeTTL)}
	w.send(e)
	return writeJSON(c, http.StatusCreated, passwordResetObject(e))
}

// getPasswordReset serves GET /user_management/password_reset/{id}.
func (s *Server) getPasswordReset(c echo.Context) error {
	return s.getCode(c, KindPasswordReset, "Password reset", passwordResetObject)
}

// confirmPasswordReset serves POST /user_management/password_reset/confirm:
// sets the password (and verifies the e-mail, which the link proved).
func (s *Server) confirmPasswordReset(c echo.Context) error {
	p, err := readParams(c, false)
	if err != nil {
		return err
	}
	if p.get("token") == "" || p.get("new_password") == "" {
		var fields []FieldError
		for _, f := range []string{"token", "new_password"} {
			if p.get(f) == "" {
				fields = append(fields, FieldError{Field: f, Code: f + "_required"})
			}
		}
		return invalidParams(fields...)
	}
	w := s.world()
	now := s.clock.Now()
	w.mu.Lock()
	defer w.mu.Unlock()
	e := w.outbox.getToken(p.get("token"))
	resetError := func(code, msg string) error {
		return apiError(http.StatusBadRequest, "password_reset_error", "The password could not be reset.").
			With("errors", []object{{{"code", code}, {"message", msg}}})
	}
	switch {
	case e == nil || e.kind != KindPasswordReset:
		return resetError("password_reset_token_invalid", "The password reset token is invalid.")
	case e.usedAt != nil:
		return resetError("password_reset_token_previously_used", "The password reset token was already used.")
	case !now.Before(e.expiresAt):
		return resetError("password_reset_token_expired", "The password reset token has expired.")
	}
	u := w.users[e.userID]
	if u == nil {
		return notFound("User", e.userID)
	}
	used := now
	e.usedAt = &used
	u.password, u.passwordHash = []byte(p.get("new_password")), nil
	u.EmailVerified, u.UpdatedAt = true, now
	return writeJSON(c, http.StatusOK, object{{"user", u.object()}})
}

// checkEmailParam is the 422 WorkOS answers for a missing or bad e-mail.
func checkEmailParam(email string) error {
	if email == "" {
		return invalidParams(FieldError{Field: "email", Code: "email_required"})
	}
	if !plausibleEmail(email) {
		return invalidParams(FieldError{Field: "email", Code: "email_invalid"})
	}
	return nil
}

func plausibleEmail(e string) bool {
	at := strings.LastIndexByte(e, '@')
	return at > 0 && at < len(e)-3 && strings.Contains(e[at:], ".") && !strings.ContainsAny(e, " \t\r\n<>\"")
}

// createUser adds a user known only by e-mail (magic auth and sign-up create
// users this way). Caller holds w.mu.
func (s *Server) createUser(w *world, email string, now time.Time) *user {
	id := "user_" + s.ids.ulid(now)
	u := &user{seq: w.nextSeq(id), ID: id, Email: email, Metadata: map[string]string{}, CreatedAt: now, UpdatedAt: now}
	w.addUser(u)
	return u
}

func constantEqual(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
