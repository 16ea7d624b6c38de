package emulator

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// grantFunc serves one grant_type of POST /oauth2/token.
type grantFunc func(c echo.Context, w *world, cl *client, p params) error

// tokenGrants lists the grants of the AuthKit-domain token endpoint.
func (s *Server) tokenGrants() map[string]grantFunc {
	return map[string]grantFunc{
		fixtures.GrantClientCredentials: s.grantClientCredentials,
		fixtures.GrantRefreshToken:      s.grantConnectRefresh,
		fixtures.GrantAuthorizationCode: s.grantConnectCode,
		fixtures.GrantDeviceCode:        s.grantConnectDevice,
	}
}

// token serves POST /oauth2/token (RFC 6749).
func (s *Server) token(c echo.Context) error {
	p, err := readForm(c, true)
	if err != nil {
		return err
	}
	if err := required(p, "grant_type"); err != nil {
		return err
	}
	gt := p.get("grant_type")
	grant, ok := s.grants[gt]
	if !ok {
		return oauthError(http.StatusBadRequest, CodeUnsupportedGrantType, fmt.Sprintf("Grant type %q is not supported.", printable(gt)))
	}
	w := s.world()
	cl, err := w.authenticateClient(c, p, true)
	if err != nil {
		return err
	}
	if cl.app == nil {
		return oauthError(http.StatusBadRequest, CodeUnauthorizedClient, "The environment client uses /user_management/authenticate; /oauth2/token serves Connect applications.")
	}
	if !cl.app.AllowsGrant(gt) {
		return oauthError(http.StatusBadRequest, CodeUnauthorizedClient, fmt.Sprintf("Application %s may not use the %s grant (see its grant_types).", cl.id, gt))
	}
	return grant(c, w, cl, p)
}

// tokenResponse is the RFC 6749 §5.1 body, in WorkOS's member order.
func tokenResponse(access string, rec *accessToken, refresh, idToken string) object {
	out := object{{"access_token", access}, {"token_type", "bearer"}, {"expires_in", rec.exp - rec.iat}}
	if idToken != "" {
		out = append(out, kv{"id_token", idToken})
	}
	if refresh != "" {
		out = append(out, kv{"refresh_token", refresh})
	}
	if rec.scope != "" {
		out = append(out, kv{"scope", rec.scope})
	}
	return out
}

// scopeParam splits a space-separated scope parameter.
func scopeParam(p params) []string { return strings.Fields(p.get("scope")) }

// grantedScopes is what an application asked for (all its scopes when it
// asked for none), or the invalid_scope description of the first scope it
// may not have.
func grantedScopes(app *application, clientID string, requested []string) (scopes []string, denied string) {
	for _, sc := range requested {
		if !slices.Contains(app.Scopes, sc) {
			return nil, fmt.Sprintf("Scope %q is not granted to application %s.", printable(sc), clientID)
		}
	}
	if len(requested) == 0 {
		return app.Scopes, ""
	}
	return requested, ""
}

// grantClientCredentials mints an M2M token: sub and client_id are the
// application, org_id its owning organization.
func (s *Server) grantClientCredentials(c echo.Context, w *world, cl *client, p params) error {
	if !cl.authenticated {
		return invalidClient(false, "client_credentials needs the application's client_secret.")
	}
	scopes, denied := grantedScopes(cl.app, cl.id, scopeParam(p))
	if denied != "" {
		return oauthError(http.StatusBadRequest, CodeInvalidScope, denied)
	}
	access, rec, err := s.mint(c.Request().Context(), w, mintSpec{family: familyM2M, clientID: cl.id, orgID: cl.app.OrganizationID, scope: scopes})
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, tokenResponse(access, rec, "", ""))
}

// grantConnectRefresh rotates a Connect refresh token: the old one stops
// working, the session (sid) stays the same.
func (s *Server) grantConnectRefresh(c echo.Context, w *world, cl *client, p params) error {
	if err := required(p, "refresh_token"); err != nil {
		return err
	}
	ss, err := s.rotateRefresh(w, p.get("refresh_token"), cl.id, familyConnect, "")
	if err != nil {
		return err
	}
	scopes := ss.Scopes
	if req := scopeParam(p); len(req) > 0 {
		for _, sc := range req {
			if !slices.Contains(ss.Scopes, sc) {
				return oauthError(http.StatusBadRequest, CodeInvalidScope, fmt.Sprintf("Scope %q was not granted to this session.", printable(sc)))
			}
		}
		scopes = req
	}
	return s.writeConnectTokens(c, w, ss, scopes, "", "")
}

// rotateRefresh consumes a refresh token and issues its successor, under the
// write lock: of N concurrent refreshes of one token exactly one wins, and
// the others get invalid_grant. A non-empty orgID switches the session's
// organization (checked before the token is consumed, so a bad switch costs
// nothing). It returns a snapshot of the session, with its new refresh
// token.
func (s *Server) rotateRefresh(w *world, value, clientID string, fam family, orgID string) (session, error) {
	now := s.clock.Now()
	next := s.ids.token(refreshTokenLength)
	w.mu.Lock()
	defer w.mu.Unlock()
	rt := w.refresh[value]
	if rt == nil {
		return session{}, oauthError(http.StatusBadRequest, CodeInvalidGrant, "The refresh token is invalid, expired, revoked or already used.")
	}
	ss := w.sessions[rt.sessionID]
	switch {
	case ss == nil || ss.refreshToken != value:
		return session{}, oauthError(http.StatusBadRequest, CodeInvalidGrant, "The refresh token is invalid, expired, revoked or already used.")
	case ss.ClientID != clientID:
		return session{}, oauthError(http.StatusBadRequest, CodeInvalidGrant, "The refresh token was issued to another client.")
	case ss.family != fam:
		return session{}, oauthError(http.StatusBadRequest, CodeInvalidGrant, "The refresh token belongs to the other token family.")
	case !ss.activeAt(now, w.env):
		return session{}, oauthError(http.StatusBadRequest, CodeInvalidGrant, "The session has ended: the refresh token is no longer valid.")
	case w.users[ss.UserID] == nil:
		return session{}, oauthError(http.StatusBadRequest, CodeInvalidGrant, "The session's user no longer exists.")
	}
	if orgID != "" {
		if w.orgs[orgID] == nil {
			return session{}, oauthError(http.StatusBadRequest, "organization_not_found", fmt.Sprintf("Organization not found: '%s'.", orgID))
		}
		if m := w.byPair[pairKey(ss.UserID, orgID)]; m == nil || m.Status != fixtures.MembershipActive {
			return session{}, oauthError(http.StatusBadRequest, "organization_membership_not_found", fmt.Sprintf("User %s has no active membership in %s.", ss.UserID, orgID))
		}
		ss.OrgID = orgID
	}
	delete(w.refresh, value)
	w.refresh[next] = &refreshToken{sessionID: ss.ID, iat: now.Unix()}
	ss.refreshToken = next
	ss.lastActive = now
	ss.UpdatedAt = now
	if w.env.inactivityTimeout > 0 {
		w.expireAt(ss.end(w.env), evictSession, ss.ID)
	}
	return *ss, nil
}
