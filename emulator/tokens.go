package emulator

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// mintSpec describes an access token: who it is for, in which family, and
// the optional pins and overrides of the control plane and the testkit.
type mintSpec struct {
	family    family
	userID    string // user tokens
	clientID  string // the client the token belongs to
	sessionID string
	orgID     string
	// roles overrides the membership-derived role claims when set.
	roles       []string
	permissions []string
	rolesSet    bool
	permsSet    bool
	scope       []string
	aud         string // Connect: environment client id unless a resource was requested
	jti         string
	iat         time.Time
	exp         time.Time
	ttl         time.Duration
	extra       map[string]any
	// keep records the token on its session, for GET /_emulator/sessions:
	// for fixture sessions and control-plane mints, whose tokens nobody
	// else holds. A sign-in hands its tokens to the client instead, and
	// not keeping them halves what a live session costs.
	keep bool
}

// reservedClaims are set by the emulator from state; extra claims may not
// override them, or introspection (which answers from state) would disagree
// with the token. Use the dedicated options (organization, roles, TTL).
var reservedClaims = map[string]bool{
	"iss": true, "sub": true, "aud": true, "exp": true, "iat": true, "nbf": true, "jti": true, "sid": true,
	"org_id": true, "client_id": true, "scope": true, "role": true, "roles": true, "permissions": true,
}

// checkExtraClaims rejects extra claims that would contradict state.
func checkExtraClaims(extra map[string]any) *Error {
	for k := range extra {
		if reservedClaims[k] {
			return invalidParams(FieldError{Field: "claims." + k, Code: "reserved_claim"}).
				With("message", fmt.Sprintf("Claim %q is set by the emulator; use the dedicated option instead.", k))
		}
	}
	return nil
}

// mint signs an access token and registers it, so introspection knows it.
// State is read under the read lock, the RSA signature is made outside any
// lock, and the token is registered under the write lock.
func (s *Server) mint(ctx context.Context, w *world, spec mintSpec) (string, *accessToken, error) {
	spec = s.resolveTimes(w, spec)
	claims, rec, key := w.buildClaims(spec)
	token, err := s.signClaims(ctx, key, claims)
	if err != nil {
		return "", nil, err
	}
	tk := w.keyOf(token)
	w.mu.Lock()
	w.access[tk] = rec
	w.expireAt(time.Unix(rec.exp, 0), evictAccess, tk.String())
	if ss := w.sessions[rec.sessionID]; ss != nil {
		ss.accessToken = ""
		if spec.keep {
			ss.accessToken = token
		}
	}
	release := w.sweep(s.clock.Now())
	w.mu.Unlock()
	if release {
		releaseMemory()
	}
	return token, rec, nil
}

// resolveTimes fills the jti, iat and exp a spec does not pin, from the
// instance clock, the seeded source and the environment's TTL.
func (s *Server) resolveTimes(w *world, spec mintSpec) mintSpec {
	now := s.clock.Now()
	if spec.jti == "" {
		spec.jti = s.ids.ulid(now)
	}
	if spec.iat.IsZero() {
		spec.iat = now
	}
	if spec.exp.IsZero() {
		ttl := spec.ttl
		if ttl <= 0 {
			ttl = w.env.accessTTL
		}
		spec.exp = spec.iat.Add(ttl)
	}
	return spec
}

// buildClaims lays out a token's claims in WorkOS's order, with the record
// introspection will answer from and the key that signs it. Role claims of
// User Management tokens come from the membership at this moment, so a role
// change shows in the next token.
func (w *world) buildClaims(spec mintSpec) (object, *accessToken, *signingKey) {
	w.mu.RLock()
	defer w.mu.RUnlock()
	env := w.env
	rec := &accessToken{family: spec.family, jti: spec.jti, sub: spec.userID, clientID: spec.clientID,
		orgID: spec.orgID, sessionID: spec.sessionID, scope: strings.Join(spec.scope, " "),
		iat: spec.iat.Unix(), exp: spec.exp.Unix(), kid: w.keys.active.kid}
	var claims object
	switch spec.family {
	case familyUM:
		rec.iss = env.umIssuer
		rec.clientID = env.clientID
		role, roles, perms := "", spec.roles, spec.permissions
		if spec.orgID != "" {
			r, rs, ps := w.roleClaims(spec.userID, spec.orgID)
			if !spec.rolesSet {
				roles = rs
			}
			if !spec.permsSet {
				perms = ps
			}
			role = r
			if len(roles) > 0 {
				role = roles[0]
			}
		}
		claims = object{{"iss", rec.iss}, {"sub", rec.sub}}
		if spec.orgID != "" {
			claims = append(claims, kv{"org_id", spec.orgID})
			if role != "" {
				claims = append(claims, kv{"role", role}, kv{"roles", nonNil(roles)})
			}
			if len(perms) > 0 || spec.permsSet {
				claims = append(claims, kv{"permissions", nonNil(perms)})
			}
		}
		claims = append(claims, kv{"sid", rec.sessionID}, kv{"jti", rec.jti}, kv{"exp", rec.exp}, kv{"iat", rec.iat})
		// The JWT template applies to every User Management mint; explicit
		// extra claims (testkit, control plane) win over it.
		claims = claims.withMap(spec.extra).withMap(w.templateClaims(spec.userID, spec.orgID))
		return claims, rec, w.keys.active
	case familyConnect, familyM2M:
		rec.iss = env.issuer
		rec.aud = spec.aud
		if rec.aud == "" {
			rec.aud = env.clientID
		}
		if spec.family == familyM2M {
			rec.sub = spec.clientID
		}
		claims = object{{"iss", rec.iss}, {"aud", rec.aud}, {"sub", rec.sub}, {"client_id", rec.clientID}}
		if rec.orgID != "" {
			claims = append(claims, kv{"org_id", rec.orgID})
		}
		if rec.sessionID != "" {
			claims = append(claims, kv{"sid", rec.sessionID})
		}
		if rec.scope != "" {
			claims = append(claims, kv{"scope", rec.scope})
		}
		claims = append(claims, kv{"jti", rec.jti}, kv{"exp", rec.exp}, kv{"iat", rec.iat})
	}
	return claims.withMap(spec.extra), rec, w.keys.active
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// signClaims serializes and signs a JWT. RS256 (PKCS#1 v1.5) is
// deterministic: the same claims and key give the same token, byte for byte.
func (s *Server) signClaims(ctx context.Context, key *signingKey, claims object) (string, error) {
	payload, err := claims.MarshalJSON()
	if err != nil {
		return "", err
	}
	select {
	case s.signSlots <- struct{}{}:
	case <-ctx.Done():
		return "", apiError(http.StatusServiceUnavailable, CodeServerError, "The request was cancelled while waiting to sign.").Wrap(ctx.Err())
	}
	jws, err := key.signer.Sign(payload)
	<-s.signSlots
	if err != nil {
		return "", err
	}
	return jws.CompactSerialize()
}
