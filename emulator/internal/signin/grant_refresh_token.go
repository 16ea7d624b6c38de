package signin

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
)

// The refresh_token grant: a refresh token is single use; each refresh
// rotates it and keeps the session (sid).

var errBadRefresh = web.OAuthError(http.StatusBadRequest, web.CodeInvalidGrant, "The refresh token is invalid, expired, revoked or already used.")

// rotateRefresh consumes a refresh token and issues its successor, in one
// write transaction: of N concurrent refreshes of one token exactly one
// wins, and the others get invalid_grant. A non-empty orgID switches the
// session's organization (checked before the token is consumed, so a bad
// switch costs nothing). It returns a snapshot of the session, with its
// new refresh token.
func rotateRefresh(st *store.Store, value, clientID string, fam store.Family, orgID string) (store.Session, error) {
	var out store.Session
	err := st.Write(func(tx *store.Tx) error {
		rt := tx.Refresh(value)
		if rt == nil {
			return errBadRefresh
		}
		ss := tx.Session(rt.SessionID)
		switch {
		case ss == nil || ss.RefreshToken != value:
			return errBadRefresh
		case ss.ClientID != clientID:
			return web.OAuthError(http.StatusBadRequest, web.CodeInvalidGrant, "The refresh token was issued to another client.")
		case ss.Family != fam:
			return web.OAuthError(http.StatusBadRequest, web.CodeInvalidGrant, "The refresh token belongs to the other token family.")
		case !ss.ActiveAt(tx.Now(), tx.Config()):
			return web.OAuthError(http.StatusBadRequest, web.CodeInvalidGrant, "The session has ended: the refresh token is no longer valid.")
		case tx.User(ss.UserID) == nil:
			return web.OAuthError(http.StatusBadRequest, web.CodeInvalidGrant, "The session's user no longer exists.")
		}
		if orgID != "" {
			if tx.Org(orgID) == nil {
				return web.OAuthError(http.StatusBadRequest, "organization_not_found", fmt.Sprintf("Organization not found: '%s'.", orgID))
			}
			if !tx.ActiveMember(ss.UserID, orgID) {
				return web.OAuthError(http.StatusBadRequest, "organization_membership_not_found", fmt.Sprintf("User %s has no active membership in %s.", ss.UserID, orgID))
			}
			ss.OrgID = orgID
		}
		tx.RotateRefresh(ss, tx.Token(store.RefreshTokenLength))
		out = *ss
		return nil
	})
	return out, err
}

// umRefresh rotates a User Management refresh token; organization_id
// switches the session's organization, re-deriving org_id and the role
// claims from the membership there. The response includes the user, as the
// Node SDK requires.
//
// A browser may send no refresh_token: authkit-js on a custom domain
// refreshes from the session cookie an earlier exchange set; when that
// token is dead, the cookies go too, so the page stops retrying.
func umRefresh(r tokenRequest) error {
	token, fromCookie := r.b.Param("refresh_token"), false
	if token == "" && fromBrowser(r.c) {
		token, fromCookie = cookieRefreshToken(r.c), true
	}
	if token == "" {
		return r.b.Required("refresh_token")
	}
	ss, err := rotateRefresh(r.st, token, r.st.Config().ClientID, store.FamilyUM, r.b.Param("organization_id"))
	if err != nil {
		if fromCookie {
			clearSessionCookies(r.c, secureCookies(r.st.Config().PublicURL))
		}
		return err
	}
	return r.respond(sessionTokens(r.c.Request().Context(), r.st, ss, ""))
}

// connectRefresh rotates a Connect refresh token; a narrower scope may be
// asked for, never a wider one.
func connectRefresh(r tokenRequest) error {
	if err := r.b.Required("refresh_token"); err != nil {
		return err
	}
	ss, err := rotateRefresh(r.st, r.b.Param("refresh_token"), r.client.ID, store.FamilyConnect, "")
	if err != nil {
		return err
	}
	scopes := ss.Scopes
	if req := strings.Fields(r.b.Param("scope")); len(req) > 0 {
		for _, sc := range req {
			if !slices.Contains(ss.Scopes, sc) {
				return web.OAuthError(http.StatusBadRequest, web.CodeInvalidScope, fmt.Sprintf("Scope %q was not granted to this session.", web.Printable(sc)))
			}
		}
		scopes = req
	}
	return writeConnectTokens(r, ss, scopes, "", "")
}
