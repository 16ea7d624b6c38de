package tokens

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/keys"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
)

// IDTokenTTL is the lifetime of ID tokens (WorkOS's examples use an hour).
const IDTokenTTL = time.Hour

// ErrNoUser is the error of minting for a user who no longer exists.
var ErrNoUser = errors.New("the user no longer exists")

// IDToken signs an OpenID Connect ID token for a Connect session: aud is
// the application, profile and email claims follow the granted scopes.
func IDToken(ctx context.Context, st *store.Store, ss store.Session, nonce string) (string, error) {
	var claims wire.Object
	var key *keys.Key
	err := st.Read(func(tx *store.Tx) error {
		u := tx.User(ss.UserID)
		if u == nil {
			return ErrNoUser
		}
		now := tx.Now()
		claims = wire.Object{{"iss", tx.Config().Issuer}, {"aud", ss.ClientID}, {"sub", u.ID}}
		claims = append(claims, UserClaims(u, ss.Scopes)...)
		if nonce != "" {
			claims = append(claims, wire.KV{"nonce", nonce})
		}
		if ss.OrgID != "" {
			claims = append(claims, wire.KV{"org_id", ss.OrgID})
		}
		claims = append(claims, wire.KV{"sid", ss.ID}, wire.KV{"exp", now.Add(IDTokenTTL).Unix()}, wire.KV{"iat", now.Unix()})
		key = tx.Ring().Active()
		return nil
	})
	if err != nil {
		return "", err
	}
	return sign(ctx, key, claims)
}

// UserClaims are the OIDC claims of a user that the scopes grant.
func UserClaims(u *store.User, scopes []string) wire.Object {
	var out wire.Object
	if slices.Contains(scopes, "profile") {
		out = append(out, wire.KV{"name", u.Name()}, wire.KV{"given_name", u.FirstName}, wire.KV{"family_name", u.LastName})
	}
	if slices.Contains(scopes, "email") {
		out = append(out, wire.KV{"email", u.Email}, wire.KV{"email_verified", u.EmailVerified})
	}
	return out
}
