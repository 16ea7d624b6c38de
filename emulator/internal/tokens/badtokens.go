package tokens

import (
	"context"
	"encoding/base64"
	"errors"
	"strings"
	"time"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/keys"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
)

// Defects of the bad-token catalogue: tokens integrators need to prove their
// verifiers reject. Each is otherwise a normal token of the requested kind;
// none is registered, so every one introspects inactive.
const (
	DefectExpired       = "expired"
	DefectNotYetValid   = "not_yet_valid"
	DefectWrongIssuer   = "wrong_issuer"
	DefectWrongAudience = "wrong_audience"
	DefectUnknownKey    = "unknown_key"
	DefectBadSignature  = "bad_signature"
	DefectAlgNone       = "alg_none"
	DefectMissingClaim  = "missing_claim"
)

// Defects lists the catalogue, for documentation and validation.
var Defects = []string{DefectExpired, DefectNotYetValid, DefectWrongIssuer, DefectWrongAudience,
	DefectUnknownKey, DefectBadSignature, DefectAlgNone, DefectMissingClaim}

// BadTokenIssuer and BadTokenAudience are the wrong values wrong_issuer and
// wrong_audience tokens carry.
const (
	BadTokenIssuer   = "https://wrong-issuer.authkit-emulator.invalid"
	BadTokenAudience = "client_wrong_audience"
)

// Errors of Bad, for the caller to answer as field errors.
var (
	// ErrUnknownDefect: the defect is not in the catalogue.
	ErrUnknownDefect = errors.New("unknown defect")
	// ErrClaimRequired: missing_claim needs the claim to leave out.
	ErrClaimRequired = errors.New("missing_claim needs a claim")
	// ErrNotAClaim: the token has no such claim to leave out.
	ErrNotAClaim = errors.New("not a claim of this token")
)

// Bad mints a token with one defect (see Defects). claim names the claim a
// missing_claim token lacks. The token is built exactly as Mint would
// build it, then broken, and is never registered.
func Bad(ctx context.Context, st *store.Store, spec Spec, defect, claim string) (string, error) {
	var claims wire.Object
	var now time.Time
	var ttl time.Duration
	var key *keys.Key
	_ = st.Read(func(tx *store.Tx) error {
		if spec.Family != store.FamilyM2M && spec.SessionID == "" {
			spec.SessionID = "session_" + tx.ULID(tx.Now())
			if spec.Family == store.FamilyConnect {
				spec.SessionID = "app_consent_" + strings.TrimPrefix(spec.SessionID, "session_")
			}
		}
		spec = Resolve(tx, spec)
		now, ttl = spec.IAT, spec.Exp.Sub(spec.IAT)
		claims, _, key = Claims(tx, spec)
		if defect == DefectUnknownKey {
			key = tx.Ring().Spare()
		}
		return nil
	})
	set := func(k string, v any) {
		for i := range claims {
			if claims[i].Key == k {
				claims[i].Value = v
				return
			}
		}
		claims = append(claims, wire.KV{k, v})
	}
	switch defect {
	case DefectExpired:
		set("iat", now.Add(-2*ttl).Unix())
		set("exp", now.Add(-ttl).Unix())
	case DefectNotYetValid:
		set("nbf", now.Add(time.Hour).Unix())
		set("iat", now.Add(time.Hour).Unix())
		set("exp", now.Add(time.Hour+ttl).Unix())
	case DefectWrongIssuer:
		set("iss", BadTokenIssuer)
	case DefectWrongAudience:
		set("aud", BadTokenAudience)
	case DefectMissingClaim:
		if claim == "" {
			return "", ErrClaimRequired
		}
		kept := claims[:0]
		for _, m := range claims {
			if m.Key != claim {
				kept = append(kept, m)
			}
		}
		if len(kept) == len(claims) {
			return "", ErrNotAClaim
		}
		claims = kept
	case DefectUnknownKey, DefectBadSignature, DefectAlgNone:
	default:
		return "", ErrUnknownDefect
	}
	if defect == DefectAlgNone {
		payload, err := claims.MarshalJSON()
		if err != nil {
			return "", err
		}
		enc := base64.RawURLEncoding
		return enc.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + enc.EncodeToString(payload) + ".", nil
	}
	token, err := sign(ctx, key, claims)
	if err != nil {
		return "", err
	}
	if defect == DefectBadSignature {
		// Flip bits in the middle of the signature: still base64url, still
		// 256 bytes, no longer valid.
		i := strings.LastIndexByte(token, '.') + 10
		b := []byte(token)
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		token = string(b)
	}
	return token, nil
}
