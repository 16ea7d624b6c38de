package emulator

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"
	"time"
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

// MintBad mints a token with one defect (see Defects). claim names the
// claim a missing_claim token lacks. The token is built exactly as Mint
// would build it, then broken, and is never registered.
func (s *Server) MintBad(ctx context.Context, req MintRequest, defect, claim string) (string, error) {
	if e := checkExtraClaims(req.Claims); e != nil {
		return "", e
	}
	if req.TTL < 0 || (req.TTL > 0 && req.TTL < time.Second) {
		return "", invalidParams(FieldError{Field: "ttl", Code: "must_be_at_least_1s"})
	}
	w := s.world()
	spec, err := s.mintSpecFor(w, req)
	if err != nil {
		return "", err
	}
	if spec.family != familyM2M && spec.sessionID == "" {
		spec.sessionID = "session_" + s.ids.ulid(s.clock.Now())
		if spec.family == familyConnect {
			spec.sessionID = "app_consent_" + strings.TrimPrefix(spec.sessionID, "session_")
		}
	}
	spec = s.resolveTimes(w, spec)
	now, ttl := spec.iat, spec.exp.Sub(spec.iat)
	claims, _, key := w.buildClaims(spec)
	set := func(k string, v any) {
		for i := range claims {
			if claims[i].Key == k {
				claims[i].Value = v
				return
			}
		}
		claims = append(claims, kv{k, v})
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
	case DefectUnknownKey:
		w.mu.RLock()
		key = w.keys.spare
		w.mu.RUnlock()
	case DefectMissingClaim:
		if claim == "" {
			return "", invalidParams(FieldError{Field: "claim", Code: "required_for_missing_claim"})
		}
		kept := claims[:0]
		for _, m := range claims {
			if m.Key != claim {
				kept = append(kept, m)
			}
		}
		if len(kept) == len(claims) {
			return "", invalidParams(FieldError{Field: "claim", Code: "not_a_claim_of_this_token"})
		}
		claims = kept
	case DefectBadSignature, DefectAlgNone:
	default:
		return "", invalidParams(FieldError{Field: "defect", Code: "unknown_defect"}).
			With("message", fmt.Sprintf("Unknown defect %q; one of %s.", defect, strings.Join(Defects, ", ")))
	}
	if defect == DefectAlgNone {
		payload, err := claims.MarshalJSON()
		if err != nil {
			return "", err
		}
		enc := base64.RawURLEncoding
		return enc.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + enc.EncodeToString(payload) + ".", nil
	}
	token, err := s.signClaims(ctx, key, claims)
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
