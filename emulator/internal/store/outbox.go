package store

import (
	"crypto/subtle"
	"slices"
	"strings"
	"time"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
)

// Outbox kinds: what the real service would have e-mailed.
const (
	KindMagicAuth         = "magic_auth"
	KindEmailVerification = "email_verification"
	KindPasswordReset     = "password_reset"
	KindInvitation        = "invitation"
)

// CodeTTL is how long e-mailed codes and links live (WorkOS: 10 minutes).
const CodeTTL = 10 * time.Minute

// maxCodeAttempts is how many wrong guesses a one-time code survives.
const maxCodeAttempts = 5

// OutboxEntry is one e-mail the emulator "sent": a one-time code (magic
// auth, e-mail verification) or a link token (password reset, invitation).
// The WorkOS objects (magic_auth, email_verification, password_reset) are
// views of it.
type OutboxEntry struct {
	ID        string // magic_auth_..., email_verification_..., password_reset_..., invitation_...
	Kind      string
	UserID    string
	Email     string
	Phone     string // the number an SMS code went to (MFA and Radar challenges)
	Code      string // six digits, for codes
	Token     string // for links
	Link      string
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    *time.Time
	Attempts  int
	evicted   bool
}

// CodeObject renders a one-time code the way WorkOS's magic_auth and
// email_verification objects share; name is the object name.
func (e *OutboxEntry) CodeObject(name string) wire.Object {
	return wire.Object{{"object", name}, {"id", e.ID}, {"user_id", e.UserID}, {"email", e.Email},
		{"expires_at", wire.Time(e.ExpiresAt)}, {"code", e.Code}, {"created_at", wire.Time(e.CreatedAt)}, {"updated_at", wire.Time(e.CreatedAt)}}
}

// outbox holds every entry, newest last, with indexes by id and token.
type outbox struct {
	dirty   bool // some entries are evicted but still listed
	entries []*OutboxEntry
	byID    map[string]*OutboxEntry
	byToken map[string]*OutboxEntry
}

// Send puts an e-mail in the outbox and schedules its eviction.
func (tx *Tx) Send(e *OutboxEntry) {
	o := &tx.w.outbox
	o.entries = append(o.entries, e)
	o.byID[e.ID] = e
	if e.Token != "" {
		o.byToken[e.Token] = e
	}
	tx.w.expireAt(e.ExpiresAt, evictOutbox, e.ID)
}

// SendCode e-mails a fresh six-digit code of a kind to a user.
func (tx *Tx) SendCode(kind, prefix string, u *User) *OutboxEntry {
	e := &OutboxEntry{ID: tx.NewID(prefix), Kind: kind, UserID: u.ID, Email: u.Email, Code: tx.Digits(6),
		CreatedAt: tx.now, ExpiresAt: tx.now.Add(CodeTTL)}
	tx.Send(e)
	tx.EmitCodeCreated(e)
	return e
}

// OutboxEntry is the entry with that id when it is of kind, or nil.
func (tx *Tx) OutboxEntry(id, kind string) *OutboxEntry {
	if e := tx.w.outbox.byID[id]; e != nil && e.Kind == kind {
		return e
	}
	return nil
}

// OutboxByToken is the entry carrying a link token, or nil.
func (tx *Tx) OutboxByToken(token string) *OutboxEntry { return tx.w.outbox.byToken[token] }

// LatestOutbox is the newest entry of a kind sent to an e-mail, or nil.
func (tx *Tx) LatestOutbox(kind, email string) *OutboxEntry {
	es := tx.w.outbox.entries
	for i := len(es) - 1; i >= 0; i-- {
		if e := es[i]; e.Kind == kind && strings.EqualFold(e.Email, email) {
			return e
		}
	}
	return nil
}

// Outbox lists what was "e-mailed", newest first; email and kind filter
// when not empty.
func (tx *Tx) Outbox(email, kind string) []*OutboxEntry {
	var out []*OutboxEntry
	es := tx.w.outbox.entries
	for i := len(es) - 1; i >= 0; i-- {
		e := es[i]
		if (email != "" && !strings.EqualFold(e.Email, email)) || (kind != "" && e.Kind != kind) {
			continue
		}
		out = append(out, e)
	}
	return out
}

// CodeError names why a one-time code was refused (the WorkOS error code).
type CodeError string

// One-time code failures.
const (
	CodeInvalid         CodeError = "invalid_one_time_code"
	CodePreviouslyUsed  CodeError = "one_time_code_previously_used"
	CodeExpired         CodeError = "one_time_code_expired"
	CodeTooManyAttempts CodeError = "one_time_code_too_many_attempts"
)

// Redeem checks a one-time code: single use, 10 minutes, a few tries. It
// returns "" when the code is good (and marks it used). A wrong code is
// invalid whatever state the right one is in: only the right code can learn
// that it was used or has expired.
func (tx *Tx) Redeem(e *OutboxEntry, code string) CodeError {
	switch {
	case e == nil:
		return CodeInvalid
	case e.Attempts >= maxCodeAttempts:
		return CodeTooManyAttempts
	case subtle.ConstantTimeCompare([]byte(e.Code), []byte(code)) != 1:
		e.Attempts++
		return CodeInvalid
	case e.UsedAt != nil:
		return CodePreviouslyUsed
	case !tx.now.Before(e.ExpiresAt):
		return CodeExpired
	}
	used := tx.now
	e.UsedAt = &used
	return ""
}

// evict drops an expired outbox entry from the indexes; compact removes
// it from the list.
func (o *outbox) evict(id string, now time.Time) bool {
	e := o.byID[id]
	if e == nil || now.Before(e.ExpiresAt.Add(evictGrace)) {
		return false
	}
	delete(o.byID, id)
	if e.Token != "" && o.byToken[e.Token] == e {
		delete(o.byToken, e.Token)
	}
	e.evicted = true
	o.dirty = true
	return true
}

// compact removes evicted entries from the list in one pass.
func (o *outbox) compact() {
	if !o.dirty {
		return
	}
	kept := slices.DeleteFunc(o.entries, func(e *OutboxEntry) bool { return e.evicted })
	o.entries, o.dirty = trimCap(kept, 16), false
}
