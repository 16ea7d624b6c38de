package emulator

import (
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// grantConnectCode exchanges an authorization code of /oauth2/authorize:
// redirect_uri must match, PKCE is checked, and the grant becomes an
// app_consent_ session.
func (s *Server) grantConnectCode(c echo.Context, w *world, cl *client, p params) error {
	if err := required(p, "code", "redirect_uri"); err != nil {
		return err
	}
	ac, err := s.redeemCode(w, p.get("code"), cl.id, p.get("code_verifier"), p.get("redirect_uri"), cl.authenticated)
	if err != nil {
		return err
	}
	return s.connectTokens(c, w, cl.id, ac.attempt, ac.scopes, ac.nonce, ac.resource)
}

// grantConnectDevice answers a device_code poll of a Connect application.
func (s *Server) grantConnectDevice(c echo.Context, w *world, cl *client, p params) error {
	if err := required(p, "device_code"); err != nil {
		return err
	}
	a, scopes, err := s.pollDevice(w, p.get("device_code"), cl.id)
	if err != nil {
		return err
	}
	return s.connectTokens(c, w, cl.id, a, scopes, "", "")
}

// connectTokens starts a Connect grant (an app_consent_ session) for a
// finished sign-in and answers with its tokens: a refresh token with
// offline_access, an ID token with openid.
func (s *Server) connectTokens(c echo.Context, w *world, clientID string, a attempt, scopes []string, nonce, resource string) error {
	ss, err := s.newConnectSession(w, clientID, a, scopes)
	if err != nil {
		return err
	}
	return s.writeConnectTokens(c, w, *ss, scopes, nonce, resource)
}

// writeConnectTokens answers a Connect grant with a snapshot of its
// session: an access token for scopes (audience resource, default the
// client), an ID token with openid, and the session's refresh token if it
// has one.
func (s *Server) writeConnectTokens(c echo.Context, w *world, ss session, scopes []string, nonce, resource string) error {
	ctx := c.Request().Context()
	access, rec, err := s.mint(ctx, w, mintSpec{family: familyConnect, userID: ss.UserID, clientID: ss.ClientID, sessionID: ss.ID,
		orgID: ss.OrgID, scope: scopes, aud: resource})
	if err != nil {
		return err
	}
	idToken := ""
	if slices.Contains(scopes, "openid") {
		if idToken, err = s.mintIDToken(ctx, w, ss, nonce); err != nil {
			return err
		}
	}
	return writeJSON(c, http.StatusOK, tokenResponse(access, rec, ss.refreshToken, idToken))
}

// newConnectSession records a Connect grant. The refresh token exists only
// when offline_access was granted.
func (s *Server) newConnectSession(w *world, clientID string, a attempt, scopes []string) (*session, error) {
	now := s.clock.Now()
	w.mu.Lock()
	defer w.mu.Unlock()
	u := w.users[a.userID]
	if u == nil {
		return nil, oauthError(http.StatusBadRequest, CodeInvalidGrant, "The user no longer exists.")
	}
	if a.orgID != "" {
		if m := w.byPair[pairKey(a.userID, a.orgID)]; w.orgs[a.orgID] == nil || m == nil || m.Status != fixtures.MembershipActive {
			return nil, oauthError(http.StatusBadRequest, CodeInvalidGrant, "The user is no longer a member of the chosen organization.")
		}
	}
	ss := &session{ID: fixtures.PrefixConsent + s.ids.ulid(now), UserID: a.userID, OrgID: a.orgID, ClientID: clientID,
		family: familyConnect, Status: fixtures.SessionActive, AuthMethod: sessionAuthMethod(a.method), Scopes: scopes,
		CreatedAt: now, lastActive: now, UpdatedAt: now}
	if slices.Contains(scopes, "offline_access") {
		ss.refreshToken = s.ids.token(refreshTokenLength)
	}
	w.addSession(ss)
	signedIn := now
	u.LastSignInAt = &signedIn
	return ss, nil
}
