package store

import (
	"time"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
)

// Factor is a TOTP factor of a user (from fixtures' totp_secret, or
// enrolled over the API).
type Factor struct {
	ID        string
	UserID    string
	Secret    string // base32
	Issuer    string
	Account   string
	CreatedAt time.Time
}

// Challenge is an MFA challenge against a factor.
type Challenge struct {
	ID        string
	FactorID  string
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    *time.Time
}

// ChallengeTTL is how long an MFA challenge can be answered.
const ChallengeTTL = 10 * time.Minute

// Object renders the WorkOS authentication_factor (without the secret).
func (f *Factor) Object() wire.Object {
	return wire.Object{{"object", "authentication_factor"}, {"id", f.ID}, {"type", "totp"}, {"user_id", f.UserID},
		{"totp", wire.Object{{"issuer", f.Issuer}, {"user", f.Account}}},
		{"created_at", wire.Time(f.CreatedAt)}, {"updated_at", wire.Time(f.CreatedAt)}}
}

// Object renders the WorkOS authentication_challenge.
func (ch *Challenge) Object() wire.Object {
	return wire.Object{{"object", "authentication_challenge"}, {"id", ch.ID}, {"authentication_factor_id", ch.FactorID},
		{"expires_at", wire.Time(ch.ExpiresAt)}, {"created_at", wire.Time(ch.CreatedAt)}, {"updated_at", wire.Time(ch.CreatedAt)}}
}

// Factor is the factor with that id, or nil.
func (tx *Tx) Factor(id string) *Factor { return tx.w.factors[id] }

// FactorsOf lists a user's factors in creation order. The slice is the
// index: do not change it.
func (tx *Tx) FactorsOf(userID string) []*Factor { return tx.w.userFactors[userID] }

// AddFactor enrolls a user in a TOTP factor.
func (tx *Tx) AddFactor(userID, secret, issuer, account string) *Factor {
	f := &Factor{ID: tx.NewID("auth_factor_"), UserID: userID, Secret: secret, Issuer: issuer, Account: account, CreatedAt: tx.now}
	tx.w.factors[f.ID] = f
	tx.w.userFactors[userID] = append(tx.w.userFactors[userID], f)
	return f
}

// Challenge is the challenge with that id, or nil.
func (tx *Tx) Challenge(id string) *Challenge { return tx.w.challenges[id] }

// NewChallenge opens an MFA challenge against a factor.
func (tx *Tx) NewChallenge(f *Factor) *Challenge {
	ch := &Challenge{ID: tx.NewID("auth_challenge_"), FactorID: f.ID, CreatedAt: tx.now, ExpiresAt: tx.now.Add(ChallengeTTL)}
	tx.w.challenges[ch.ID] = ch
	tx.w.expireAt(ch.ExpiresAt, evictChallenge, ch.ID)
	return ch
}
