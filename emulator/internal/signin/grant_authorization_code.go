package signin

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
)

// The authorization_code grant: the code a hosted sign-in ended with,
// exchanged at /user_management/authenticate (User Management) or
// /oauth2/token (a Connect application).

var errBadCode = web.OAuthError(http.StatusBadRequest, web.CodeInvalidGrant, "The authorization code is invalid, expired or already used.")

// checkPKCE verifies a code_verifier against an S256 challenge.
func checkPKCE(challenge, verifier string) bool {
	sum := sha256.Sum256([]byte(verifier))
	want := base64.RawURLEncoding.EncodeToString(sum[:])
	return subtle.ConstantTimeCompare([]byte(want), []byte(challenge)) == 1
}

// redeemCode consumes an authorization code of the given client, checking
// PKCE: with a challenge the verifier is required (and the secret is not);
// without one the client must authenticate. A non-empty redirectURI must be
// the authorization request's.
func redeemCode(st *store.Store, code, clientID, verifier, redirectURI string, authenticated bool) (*store.AuthCode, error) {
	var ac *store.AuthCode
	err := st.Write(func(tx *store.Tx) error {
		ac = tx.AuthCode(code)
		if ac == nil || ac.ClientID != clientID || !tx.Now().Before(ac.ExpiresAt) {
			return errBadCode
		}
		// A code is single use: even a failed exchange (bad verifier) burns
		// it, as RFC 6749 §4.1.2 advises against code replay.
		tx.DeleteAuthCode(code)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if redirectURI != "" && redirectURI != ac.RedirectURI { // Connect sends it; User Management does not
		return nil, web.OAuthError(http.StatusBadRequest, web.CodeInvalidGrant, "redirect_uri does not match the authorization request.")
	}
	switch {
	case ac.Challenge != "" && verifier == "":
		return nil, web.OAuthError(http.StatusBadRequest, web.CodeInvalidGrant, "The authorization request used PKCE: code_verifier is required.")
	case ac.Challenge != "" && !checkPKCE(ac.Challenge, verifier):
		return nil, web.OAuthError(http.StatusBadRequest, web.CodeInvalidGrant, "code_verifier does not match the code_challenge.")
	case ac.Challenge == "" && verifier != "":
		return nil, web.APIError(http.StatusBadRequest, "code_challenge_not_found", "A code_verifier was sent but the authorization request had no code_challenge.")
	case ac.Challenge == "" && !authenticated:
		return nil, web.OAuthError(http.StatusBadRequest, web.CodeInvalidClient, "Without PKCE the client must authenticate (client_secret).")
	}
	return ac, nil
}

// umAuthorizationCode completes a User Management sign-in from its code.
func umAuthorizationCode(r tokenRequest) error {
	if err := r.b.Required("code"); err != nil {
		return err
	}
	ac, err := redeemCode(r.st, r.b.Param("code"), r.st.Config().ClientID, r.b.Param("code_verifier"), "", r.secretOK)
	if err != nil {
		return err
	}
	return r.signIn(ac.Attempt)
}

// connectAuthorizationCode exchanges a code of /oauth2/authorize:
// redirect_uri must match, PKCE is checked, and the grant becomes an
// app_consent_ session.
func connectAuthorizationCode(r tokenRequest) error {
	if err := r.b.Required("code", "redirect_uri"); err != nil {
		return err
	}
	ac, err := redeemCode(r.st, r.b.Param("code"), r.client.ID, r.b.Param("code_verifier"), r.b.Param("redirect_uri"), r.client.Authenticated)
	if err != nil {
		return err
	}
	return connectTokens(r, ac.Attempt, ac.Scopes, ac.Nonce, ac.Resource)
}
