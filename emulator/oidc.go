package emulator

import (
	"context"
	"net/http"
	"slices"
	"time"

	"github.com/labstack/echo/v4"
)

// idTokenTTL is the lifetime of ID tokens (WorkOS's examples use an hour).
const idTokenTTL = time.Hour

// mintIDToken signs an OpenID Connect ID token for a Connect session: aud
// is the application, profile and email claims follow the granted scopes.
func (s *Server) mintIDToken(ctx context.Context, w *world, ss session, nonce string) (string, error) {
	now := s.clock.Now()
	w.mu.RLock()
	u := w.users[ss.UserID]
	if u == nil {
		w.mu.RUnlock()
		return "", oauthError(http.StatusBadRequest, CodeInvalidGrant, "The session's user no longer exists.")
	}
	claims := object{{"iss", w.env.issuer}, {"aud", ss.ClientID}, {"sub", u.ID}}
	claims = append(claims, userClaims(u, ss.Scopes)...)
	if nonce != "" {
		claims = append(claims, kv{"nonce", nonce})
	}
	if ss.OrgID != "" {
		claims = append(claims, kv{"org_id", ss.OrgID})
	}
	claims = append(claims, kv{"sid", ss.ID}, kv{"exp", now.Add(idTokenTTL).Unix()}, kv{"iat", now.Unix()})
	key := w.keys.active
	w.mu.RUnlock()
	return s.signClaims(ctx, key, claims)
}

// userClaims are the OIDC claims of a user that the scopes grant.
func userClaims(u *user, scopes []string) object {
	var out object
	if slices.Contains(scopes, "profile") {
		out = append(out, kv{"name", fullName(u)}, kv{"given_name", u.FirstName}, kv{"family_name", u.LastName})
	}
	if slices.Contains(scopes, "email") {
		out = append(out, kv{"email", u.Email}, kv{"email_verified", u.EmailVerified})
	}
	return out
}

func fullName(u *user) string {
	switch {
	case u.FirstName != "" && u.LastName != "":
		return u.FirstName + " " + u.LastName
	case u.FirstName != "":
		return u.FirstName
	}
	return u.LastName
}

// userinfo serves GET and POST /oauth2/userinfo: the claims of the bearer
// access token's user, by the token's scopes.
func (s *Server) userinfo(c echo.Context) error {
	token, ok := bearer(c)
	if !ok {
		return oauthError(http.StatusUnauthorized, "unauthorized", "A Bearer access token is required.").
			WithHeader("WWW-Authenticate", `Bearer realm="authkit-emulator"`)
	}
	w := s.world()
	now := s.clock.Now()
	w.mu.RLock()
	defer w.mu.RUnlock()
	rec := w.access[w.keyOf(token)]
	if rec == nil || rec.family == familyM2M || !w.accessActive(rec, now) {
		return oauthError(http.StatusUnauthorized, CodeInvalidToken, "The access token is invalid, expired or revoked.").
			WithHeader("WWW-Authenticate", `Bearer error="invalid_token"`)
	}
	u := w.users[rec.sub]
	scopes := splitScope(rec.scope)
	if rec.family == familyUM {
		scopes = []string{"openid", "profile", "email"}
	}
	body := append(object{{"sub", u.ID}}, userClaims(u, scopes)...)
	return writeJSON(c, http.StatusOK, body)
}
