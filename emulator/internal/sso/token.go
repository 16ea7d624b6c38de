package sso

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
)

// token serves POST /sso/token: the code of an SSO sign-in for the
// profile and an SSO access token. The SDKs send a form (Node) or JSON;
// the spec also documents the parameters in the query, so both are read
// (the body wins). The client authenticates with the API key as
// client_secret, or proves the authorization request with its PKCE
// code_verifier (or both). A code is single use, even when the exchange
// fails, and lives 10 minutes.
func (a *api) token(c echo.Context) error {
	b, err := web.Decode(c, web.OAuthParams)
	if err != nil {
		return err
	}
	q := c.QueryParams()
	param := func(k string) string {
		if v := b.Param(k); v != "" {
			return v
		}
		return q.Get(k)
	}
	st := a.env(c)
	cfg := st.Config()
	switch gt := param("grant_type"); {
	case gt == "":
		return web.OAuthError(http.StatusBadRequest, web.CodeUnsupportedGrantType, "grant_type is required: authorization_code.")
	case gt != "authorization_code":
		return web.OAuthError(http.StatusBadRequest, web.CodeUnsupportedGrantType, fmt.Sprintf("Grant type %q is not supported: authorization_code.", web.Printable(gt)))
	}
	clientID, secret, verifier, code := param("client_id"), param("client_secret"), param("code_verifier"), param("code")
	if secret == "" {
		secret, _ = web.Bearer(c)
	}
	switch {
	case clientID == "":
		return web.OAuthError(http.StatusBadRequest, web.CodeInvalidClient, "client_id is required.")
	case clientID != cfg.ClientID:
		return web.OAuthError(http.StatusBadRequest, web.CodeInvalidClient, "Invalid client ID: the SSO API takes the environment's client id.")
	case secret != "" && !cfg.ValidAPIKey(secret):
		return web.OAuthError(http.StatusBadRequest, web.CodeInvalidClient, "Invalid client secret.")
	case code == "":
		return web.OAuthError(http.StatusBadRequest, web.CodeInvalidGrant, "code is required.")
	}
	// The code is burnt first, in its own write (even a failed exchange
	// uses it up, as RFC 6749 §4.1.2 advises); the checks run on a copy.
	var sc store.SSOCode
	var found bool
	_ = st.Write(func(tx *store.Tx) error {
		if rec := tx.SSOCode(code); rec != nil && tx.Now().Before(rec.ExpiresAt) {
			sc, found = *rec, true
		}
		tx.DeleteSSOCode(code)
		return nil
	})
	switch {
	case !found:
		return web.OAuthError(http.StatusBadRequest, web.CodeInvalidGrant, fmt.Sprintf("The code '%s' has expired or is invalid.", web.Printable(code)))
	case sc.Challenge != "" && verifier == "" && secret == "":
		return web.OAuthError(http.StatusBadRequest, web.CodeInvalidGrant, "The authorization request used PKCE: code_verifier is required.")
	case sc.Challenge != "" && verifier != "" && !pkceOK(sc.Challenge, verifier):
		return web.OAuthError(http.StatusBadRequest, web.CodeInvalidGrant, "code_verifier does not match the code_challenge.")
	case sc.Challenge == "" && verifier != "":
		return web.OAuthError(http.StatusBadRequest, web.CodeInvalidGrant, "A code_verifier was sent but the authorization request had no code_challenge.")
	case sc.Challenge == "" && secret == "":
		return web.OAuthError(http.StatusBadRequest, web.CodeInvalidClient, "client_secret (an API key) is required without PKCE.")
	}
	return web.Write(c, st, http.StatusOK, func(tx *store.Tx) (any, error) {
		p := tx.Profile(sc.ProfileID)
		if p == nil {
			return nil, web.OAuthError(http.StatusBadRequest, web.CodeInvalidGrant, "The connection of this code was deleted.")
		}
		t := &store.SSOToken{Token: tx.Token(40), ProfileID: p.ID, ExpiresAt: tx.Now().Add(store.SSOTokenTTL)}
		tx.AddSSOToken(t)
		out := wire.Object{{"token_type", "Bearer"}, {"access_token", t.Token}, {"expires_in", int(store.SSOTokenTTL.Seconds())}, {"profile", p.Object()}}
		if sc.OAuth != nil {
			out = append(out, wire.KV{"oauth_tokens", sc.OAuth.Object()})
		}
		return out, nil
	})
}

// pkceOK verifies a code_verifier against an S256 challenge.
func pkceOK(challenge, verifier string) bool {
	sum := sha256.Sum256([]byte(verifier))
	return subtle.ConstantTimeCompare([]byte(base64.RawURLEncoding.EncodeToString(sum[:])), []byte(challenge)) == 1
}

// profile serves GET /sso/profile: the profile behind an SSO access token
// (Authorization: Bearer). A missing, unknown, expired or logged-out token
// is the spec's 401 {"error":"Unauthorized"}.
func (a *api) profile(c echo.Context) error {
	token, _ := web.Bearer(c)
	return web.Read(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		t := tx.SSOToken(token)
		var p *store.IdPProfile
		if t != nil && tx.Now().Before(t.ExpiresAt) {
			p = tx.Profile(t.ProfileID)
		}
		if p == nil {
			return nil, web.OAuthError(http.StatusUnauthorized, "Unauthorized", "The SSO access token is missing, invalid or expired.")
		}
		return p.Object(), nil
	})
}

// logoutAuthorize serves POST /sso/logout/authorize: a logout token for a
// profile, and the /sso/logout URL that uses it.
func (a *api) logoutAuthorize(c echo.Context) error {
	b, err := web.Decode(c, web.APIBody)
	if err != nil {
		return err
	}
	id := strings.TrimSpace(b.Str("profile_id"))
	if id == "" {
		b.Bad("profile_id", "profile_id_required")
	}
	if err := b.Err(); err != nil {
		return err
	}
	return web.Write(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		p := tx.Profile(id)
		if p == nil {
			return nil, web.NotFound("Profile", id)
		}
		l := &store.SSOLogout{Token: tx.Token(40), ProfileID: p.ID, ExpiresAt: tx.Now().Add(store.SSOLogoutTTL)}
		tx.AddSSOLogout(l)
		return wire.Object{{"logout_url", tx.Config().PublicURL + "/sso/logout?token=" + l.Token}, {"logout_token", l.Token}}, nil
	})
}

// logout serves GET /sso/logout?token=…: the profile's SSO session ends
// (its access tokens stop working) and the browser goes to the
// environment's first logout redirect URI, or sees a signed-out page when
// there is none to go to.
func (a *api) logout(c echo.Context) error {
	token := c.QueryParam("token")
	var to string
	err := a.env(c).Write(func(tx *store.Tx) error {
		l := tx.SSOLogout(token)
		if l == nil || !tx.Now().Before(l.ExpiresAt) {
			return web.APIError(http.StatusNotFound, web.CodeNotFound, "Logout token not found or expired: get a new one from POST /sso/logout/authorize.")
		}
		tx.LogOutProfile(l)
		for _, u := range tx.Config().LogoutRedirectURIs {
			if !strings.Contains(u, "*") {
				to = u
				break
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if to != "" {
		return web.Redirect(c, to)
	}
	return c.HTML(http.StatusOK, `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Signed out · authkit-emulator</title></head><body><p id="message">You are signed out of the identity provider.</p></body></html>`)
}
