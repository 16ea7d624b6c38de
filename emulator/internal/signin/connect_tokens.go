package signin

import (
	"errors"
	"net/http"
	"slices"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/tokens"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// connectTokens starts a Connect grant (an app_consent_ session) for a
// finished sign-in and answers with its tokens: a refresh token with
// offline_access, an ID token with openid.
func connectTokens(r tokenRequest, a store.Attempt, scopes []string, nonce, resource string) error {
	var ss store.Session
	err := r.st.Write(func(tx *store.Tx) error {
		u := tx.User(a.UserID)
		if u == nil {
			return web.OAuthError(http.StatusBadRequest, web.CodeInvalidGrant, "The user no longer exists.")
		}
		if a.OrgID != "" && (tx.Org(a.OrgID) == nil || !tx.ActiveMember(a.UserID, a.OrgID)) {
			return web.OAuthError(http.StatusBadRequest, web.CodeInvalidGrant, "The user is no longer a member of the chosen organization.")
		}
		now := tx.Now()
		s := &store.Session{ID: tx.NewID(fixtures.PrefixConsent), UserID: a.UserID, OrgID: a.OrgID, ClientID: r.client.ID,
			Family: store.FamilyConnect, Status: fixtures.SessionActive, AuthMethod: sessionAuthMethod(a.Method), Scopes: scopes,
			CreatedAt: now, LastActive: now, UpdatedAt: now}
		if slices.Contains(scopes, "offline_access") {
			s.RefreshToken = tx.Token(store.RefreshTokenLength)
		}
		tx.AddSession(s)
		signedIn := now
		u.LastSignInAt = &signedIn
		ss = *s
		return nil
	})
	if err != nil {
		return err
	}
	return writeConnectTokens(r, ss, scopes, nonce, resource)
}

// writeConnectTokens answers a Connect grant with a snapshot of its
// session: an access token for scopes (audience resource, default the
// environment), an ID token with openid, and the session's refresh token if
// it has one.
func writeConnectTokens(r tokenRequest, ss store.Session, scopes []string, nonce, resource string) error {
	ctx := r.c.Request().Context()
	access, rec, err := mintToken(ctx, r.st, tokens.Spec{Family: store.FamilyConnect, UserID: ss.UserID, ClientID: ss.ClientID, SessionID: ss.ID,
		OrgID: ss.OrgID, Scope: scopes, Aud: resource})
	if err != nil {
		return err
	}
	idToken := ""
	if slices.Contains(scopes, "openid") {
		if idToken, err = tokens.IDToken(ctx, r.st, ss, nonce); err != nil {
			if errors.Is(err, tokens.ErrNoUser) {
				return web.OAuthError(http.StatusBadRequest, web.CodeInvalidGrant, "The session's user no longer exists.")
			}
			return err
		}
	}
	return web.JSON(r.c, http.StatusOK, tokenResponse(access, rec, ss.RefreshToken, idToken))
}
