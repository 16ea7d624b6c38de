package store

import (
	"crypto/subtle"
	"time"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
)

// Factor types.
const (
	FactorTOTP       = "totp"
	FactorSMS        = "sms"
	FactorGenericOTP = "generic_otp"
)

// KindSMS is the outbox kind of the codes an SMS factor's challenges "send".
const KindSMS = "sms"

// Factor is an MFA factor: a user's TOTP factor (from fixtures'
// totp_secret, or enrolled over either API) or a factor of the standalone
// MFA API (TOTP, SMS or generic OTP, with or without a user).
type Factor struct {
	ID        string
	Type      string // FactorTOTP (default) | FactorSMS | FactorGenericOTP
	UserID    string // "" for a standalone factor enrolled without user_id
	Secret    string // base32 (TOTP)
	Issuer    string
	Account   string
	Phone     string // SMS
	CreatedAt time.Time
}

// Challenge is an MFA challenge against a factor. SMS and generic OTP
// challenges carry their one-time code.
type Challenge struct {
	ID        string
	FactorID  string
	Code      string
	Attempts  int
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    *time.Time
	UpdatedAt time.Time
}

// ChallengeTTL is how long an MFA challenge can be answered.
const ChallengeTTL = 10 * time.Minute

// FactorType is the factor's type (TOTP when none was recorded).
func (f *Factor) FactorType() string {
	if f.Type == "" {
		return FactorTOTP
	}
	return f.Type
}

// Object renders the WorkOS authentication_factor (without the secret).
func (f *Factor) Object() wire.Object {
	o := wire.Object{{"object", "authentication_factor"}, {"id", f.ID}, {"type", f.FactorType()}}
	if f.UserID != "" {
		o = append(o, wire.KV{"user_id", f.UserID})
	}
	switch f.FactorType() {
	case FactorTOTP:
		o = append(o, wire.KV{"totp", wire.Object{{"issuer", f.Issuer}, {"user", f.Account}}})
	case FactorSMS:
		o = append(o, wire.KV{"sms", wire.Object{{"phone_number", f.Phone}}})
	}
	return append(o, wire.KV{"created_at", wire.Time(f.CreatedAt)}, wire.KV{"updated_at", wire.Time(f.CreatedAt)})
}

// Object renders the WorkOS authentication_challenge. A generic OTP
// challenge shows its code (the caller delivers it); an SMS one does not
// (the code is "sent": it is in the outbox).
func (ch *Challenge) Object(f *Factor) wire.Object {
	o := wire.Object{{"object", "authentication_challenge"}, {"id", ch.ID}, {"authentication_factor_id", ch.FactorID},
		{"expires_at", wire.Time(ch.ExpiresAt)}}
	if f != nil && f.FactorType() == FactorGenericOTP {
		o = append(o, wire.KV{"code", ch.Code})
	}
	updated := ch.UpdatedAt
	if updated.IsZero() {
		updated = ch.CreatedAt
	}
	return append(o, wire.KV{"created_at", wire.Time(ch.CreatedAt)}, wire.KV{"updated_at", wire.Time(updated)})
}

// Factor is the factor with that id, or nil.
func (tx *Tx) Factor(id string) *Factor { return tx.w.factors[id] }

// FactorsOf lists a user's TOTP factors in creation order (what AuthKit's
// MFA step asks for). The slice is the index: do not change it.
func (tx *Tx) FactorsOf(userID string) []*Factor { return tx.w.userFactors[userID] }

// AddFactor enrolls a user in a TOTP factor.
func (tx *Tx) AddFactor(userID, secret, issuer, account string) *Factor {
	return tx.EnrollFactor(&Factor{Type: FactorTOTP, UserID: userID, Secret: secret, Issuer: issuer, Account: account})
}

// EnrollFactor registers a factor, giving it an id and a creation time. A
// user's TOTP factors join the user's list (AuthKit's MFA step).
func (tx *Tx) EnrollFactor(f *Factor) *Factor {
	f.ID, f.CreatedAt = tx.NewID("auth_factor_"), tx.now
	tx.w.factors[f.ID] = f
	if f.UserID != "" && f.FactorType() == FactorTOTP {
		tx.w.userFactors[f.UserID] = append(tx.w.userFactors[f.UserID], f)
	}
	return f
}

// DeleteFactor removes a factor: its challenges can no longer be answered.
func (tx *Tx) DeleteFactor(f *Factor) {
	w := tx.w
	delete(w.factors, f.ID)
	if list := without1(w.userFactors[f.UserID], f); len(list) == 0 {
		delete(w.userFactors, f.UserID)
	} else {
		w.userFactors[f.UserID] = list
	}
}

// Challenge is the challenge with that id, or nil.
func (tx *Tx) Challenge(id string) *Challenge { return tx.w.challenges[id] }

// NewChallenge opens an MFA challenge against a factor. An SMS challenge
// "sends" a six-digit code to the factor's phone (the outbox, kind sms); a
// generic OTP challenge carries its code in the answer.
func (tx *Tx) NewChallenge(f *Factor) *Challenge {
	ch := &Challenge{ID: tx.NewID("auth_challenge_"), FactorID: f.ID, CreatedAt: tx.now, ExpiresAt: tx.now.Add(ChallengeTTL)}
	switch f.FactorType() {
	case FactorSMS:
		ch.Code = tx.Digits(6)
		tx.Send(&OutboxEntry{ID: ch.ID, Kind: KindSMS, UserID: f.UserID, Phone: f.Phone, Code: ch.Code,
			CreatedAt: tx.now, ExpiresAt: ch.ExpiresAt})
	case FactorGenericOTP:
		ch.Code = tx.Digits(6)
	}
	tx.w.challenges[ch.ID] = ch
	tx.w.expireAt(ch.ExpiresAt, evictChallenge, ch.ID)
	return ch
}

// CheckChallengeCode compares a code with an SMS or generic OTP
// challenge's, counting the attempt (constant time).
func (tx *Tx) CheckChallengeCode(ch *Challenge, code string) bool {
	ch.Attempts++
	ch.UpdatedAt = tx.now
	return ch.Code != "" && subtle.ConstantTimeCompare([]byte(ch.Code), []byte(code)) == 1
}

// MaxChallengeAttempts is how many wrong codes a challenge survives.
const MaxChallengeAttempts = maxCodeAttempts

// CompleteChallenge marks a challenge answered.
func (tx *Tx) CompleteChallenge(ch *Challenge) {
	used := tx.now
	ch.UsedAt, ch.UpdatedAt = &used, used
}
