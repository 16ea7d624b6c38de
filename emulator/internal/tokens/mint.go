// Package tokens mints the environment's JWTs: User Management and Connect
// access tokens (registered in the store, so introspection answers from
// state), OpenID Connect ID tokens, and the bad-token catalogue. Claims are
// laid out in WorkOS's order from the world at mint time, signed outside
// any transaction, and registered after. It does no HTTP.
package tokens

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/keys"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
)

// Spec describes an access token: who it is for, in which family, and the
// optional pins and overrides of the control plane and the testkit.
type Spec struct {
	Family    store.Family
	UserID    string // user tokens
	ClientID  string // the client the token belongs to
	SessionID string
	OrgID     string
	// Roles and Permissions override the membership-derived role claims
	// when RolesSet and PermsSet are.
	Roles       []string
	Permissions []string
	RolesSet    bool
	PermsSet    bool
	Scope       []string
	Aud         string // Connect: environment client id unless a resource was requested
	JTI         string
	IAT         time.Time
	Exp         time.Time
	TTL         time.Duration
	Extra       map[string]any
	// Keep records the token on its session, for GET /_emulator/sessions:
	// for fixture sessions and control-plane mints, whose tokens nobody
	// else holds. A sign-in hands its tokens to the client instead, and
	// not keeping them halves what a live session costs.
	Keep bool
}

// Mint signs an access token and registers it, so introspection knows it.
// The claims are built under the read lock, the RSA signature is made
// outside any lock, and the token is registered under the write lock.
func Mint(ctx context.Context, st *store.Store, spec Spec) (string, *store.AccessToken, error) {
	var claims wire.Object
	var rec *store.AccessToken
	var key *keys.Key
	_ = st.Read(func(tx *store.Tx) error {
		spec = Resolve(tx, spec)
		claims, rec, key = Claims(tx, spec)
		return nil
	})
	token, err := sign(ctx, key, claims)
	if err != nil {
		return "", nil, err
	}
	_ = st.Write(func(tx *store.Tx) error {
		tx.PutAccess(token, rec, spec.Keep)
		return nil
	})
	return token, rec, nil
}

// MintIn mints within a transaction: for a world nobody else sees yet (a
// reset seeding its fixture sessions), where holding it while signing
// stalls no one.
func MintIn(ctx context.Context, tx *store.Tx, spec Spec) (string, *store.AccessToken, error) {
	spec = Resolve(tx, spec)
	claims, rec, key := Claims(tx, spec)
	token, err := sign(ctx, key, claims)
	if err != nil {
		return "", nil, err
	}
	tx.PutAccess(token, rec, spec.Keep)
	return token, rec, nil
}

// Seed mints a fixture session's access token with the fixture's pins;
// it is the store.SeedFunc of resets.
func Seed(ctx context.Context) store.SeedFunc {
	return func(tx *store.Tx, sd store.SessionSeed) error {
		_, _, err := MintIn(ctx, tx, SeedSpec(sd))
		return err
	}
}

// SeedLater lays out a fixture session's access token with the fixture's
// pins, to be signed on first use (SignDeferred); it is the store.SeedFunc
// of resets. Everything but the signature is decided now (the jti is drawn
// in the same order as an eager reset would), so the token is the same.
func SeedLater() store.SeedFunc {
	return func(tx *store.Tx, sd store.SessionSeed) error {
		spec := Resolve(tx, SeedSpec(sd))
		claims, rec, key := Claims(tx, spec)
		payload, err := claims.MarshalJSON()
		if err != nil {
			return err
		}
		if len(payload) > MaxClaimsBytes {
			return ClaimsTooLargeError{Size: len(payload)}
		}
		tx.DeferToken(&store.DeferredToken{Claims: claims, Rec: rec, Key: key})
		return nil
	}
}

// SignDeferred signs the fixture tokens a reset laid out, if any: call it
// before reading a session's access token, and when a lookup of an access
// token misses while HasDeferred (the token may be one of them).
func SignDeferred(ctx context.Context, st *store.Store) error {
	pending := false
	_ = st.Read(func(tx *store.Tx) error { pending = tx.HasDeferred(); return nil })
	if !pending {
		return nil
	}
	return st.Write(func(tx *store.Tx) error {
		for _, d := range tx.TakeDeferred() {
			token, err := sign(ctx, d.Key, d.Claims)
			if err != nil {
				return err
			}
			tx.PutDeferred(token, d)
		}
		return nil
	})
}

// SeedSpec is the spec of a fixture session's access token.
func SeedSpec(sd store.SessionSeed) Spec {
	ss := sd.Session
	return Spec{Family: ss.Family, UserID: ss.UserID, ClientID: ss.ClientID, SessionID: ss.ID,
		OrgID: ss.OrgID, Scope: ss.Scopes, JTI: sd.JTI, IAT: sd.IAT, Exp: sd.Exp, Keep: true}
}

// Resolve fills the jti, iat and exp a spec does not pin, from the instance
// clock, the seeded source and the environment's TTL.
func Resolve(tx *store.Tx, spec Spec) Spec {
	now := tx.Now()
	if spec.JTI == "" {
		spec.JTI = tx.ULID(now)
	}
	if spec.IAT.IsZero() {
		spec.IAT = now
	}
	if spec.Exp.IsZero() {
		ttl := spec.TTL
		if ttl <= 0 {
			ttl = tx.Config().AccessTTL
		}
		spec.Exp = spec.IAT.Add(ttl)
	}
	return spec
}

// Claims lays out a token's claims in WorkOS's order, with the record
// introspection will answer from and the key that signs it. Role claims of
// User Management tokens come from the membership at this moment, so a role
// change shows in the next token; so do their feature_flags, from the flags
// on for the user and organization now.
func Claims(tx *store.Tx, spec Spec) (wire.Object, *store.AccessToken, *keys.Key) {
	cfg := tx.Config()
	active := tx.Ring().Active()
	rec := &store.AccessToken{Family: spec.Family, JTI: spec.JTI, Sub: spec.UserID, ClientID: spec.ClientID,
		OrgID: spec.OrgID, SessionID: spec.SessionID, Scope: strings.Join(spec.Scope, " "),
		IAT: spec.IAT.Unix(), Exp: spec.Exp.Unix(), KID: active.KID}
	var claims wire.Object
	switch spec.Family {
	case store.FamilyUM:
		rec.Iss = cfg.UMIssuer
		rec.ClientID = cfg.ClientID
		role, roles, perms := "", spec.Roles, spec.Permissions
		if spec.OrgID != "" {
			r, rs, ps := tx.RoleClaims(spec.UserID, spec.OrgID)
			if !spec.RolesSet {
				roles = rs
			}
			if !spec.PermsSet {
				perms = ps
			}
			role = r
			if len(roles) > 0 {
				role = roles[0]
			}
		}
		claims = wire.Object{{"iss", rec.Iss}, {"sub", rec.Sub}}
		if spec.OrgID != "" {
			claims = append(claims, wire.KV{"org_id", spec.OrgID})
			if role != "" {
				claims = append(claims, wire.KV{"role", role}, wire.KV{"roles", wire.NonNil(roles)})
			}
			if len(perms) > 0 || spec.PermsSet {
				claims = append(claims, wire.KV{"permissions", wire.NonNil(perms)})
			}
		}
		if flags := tx.FlagsOn(spec.UserID, spec.OrgID); len(flags) > 0 {
			claims = append(claims, wire.KV{"feature_flags", flags})
		}
		claims = append(claims, wire.KV{"sid", rec.SessionID}, wire.KV{"jti", rec.JTI}, wire.KV{"exp", rec.Exp}, wire.KV{"iat", rec.IAT})
		// The JWT template applies to every User Management mint; explicit
		// extra claims (testkit, control plane) win over it.
		claims = claims.WithMap(spec.Extra).WithMap(tx.TemplateClaims(spec.UserID, spec.OrgID))
		return claims, rec, active
	case store.FamilyConnect, store.FamilyM2M:
		rec.Iss = cfg.Issuer
		rec.Aud = spec.Aud
		if rec.Aud == "" {
			rec.Aud = cfg.ClientID
		}
		if spec.Family == store.FamilyM2M {
			rec.Sub = spec.ClientID
		}
		claims = wire.Object{{"iss", rec.Iss}, {"aud", rec.Aud}, {"sub", rec.Sub}, {"client_id", rec.ClientID}}
		if rec.OrgID != "" {
			claims = append(claims, wire.KV{"org_id", rec.OrgID})
		}
		if rec.SessionID != "" {
			claims = append(claims, wire.KV{"sid", rec.SessionID})
		}
		if rec.Scope != "" {
			claims = append(claims, wire.KV{"scope", rec.Scope})
		}
		claims = append(claims, wire.KV{"jti", rec.JTI}, wire.KV{"exp", rec.Exp}, wire.KV{"iat", rec.IAT})
	}
	return claims.WithMap(spec.Extra), rec, active
}

// MaxClaimsBytes bounds a token's claims (its JSON payload). A JWT
// template that references a long field many times would otherwise make
// every sign-in answer megabytes; tokens travel in headers and cookies,
// where far less fits.
const MaxClaimsBytes = 16 << 10

// ClaimsTooLargeError is a mint refused because its claims exceed
// MaxClaimsBytes; the JWT template is what grows them.
type ClaimsTooLargeError struct{ Size int }

func (e ClaimsTooLargeError) Error() string {
	return fmt.Sprintf("the token's claims are %d bytes, over the limit of %d", e.Size, MaxClaimsBytes)
}

// sign serializes and signs a JWT. RS256 (PKCS#1 v1.5) is deterministic:
// the same claims and key give the same token, byte for byte.
func sign(ctx context.Context, key *keys.Key, claims wire.Object) (string, error) {
	payload, err := claims.MarshalJSON()
	if err != nil {
		return "", err
	}
	if len(payload) > MaxClaimsBytes {
		return "", ClaimsTooLargeError{Size: len(payload)}
	}
	return key.Sign(ctx, payload)
}

// AddFixtures merges a fixture document into the running world
// (store.AddFixtures) and mints its sessions' tokens.
func AddFixtures(ctx context.Context, st *store.Store, data []byte, name string) (store.Added, error) {
	return st.AddFixtures(ctx, data, name, func(sd store.SessionSeed) error {
		_, _, err := Mint(ctx, st, SeedSpec(sd))
		return err
	})
}
