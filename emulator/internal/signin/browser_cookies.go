package signin

import (
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
)

// Browser sessions by cookie, as WorkOS serves authkit-js on a custom auth
// domain (devMode: false): a code exchange or refresh from a browser sets
// an HttpOnly cookie with the refresh token and a readable
// workos-has-session cookie listing the client ids signed in; a refresh
// that sends no refresh_token reads the cookie; logging out clears both.

const (
	// refreshCookie holds the refresh token; only this host reads it.
	refreshCookie = "workos-refresh-token"
	// hasSessionCookie tells authkit-js, which cannot read the HttpOnly
	// cookie, that a session exists: client ids joined by ".".
	hasSessionCookie = "workos-has-session"
)

// fromBrowser reports whether a token-endpoint call came from a page (a
// CORS request carries an Origin; server SDKs send none).
func fromBrowser(c echo.Context) bool { return c.Request().Header.Get(echo.HeaderOrigin) != "" }

// setSessionCookies records a browser session's refresh token and client
// id after a successful exchange or refresh.
func setSessionCookies(c echo.Context, clientID, refresh string, secure bool) {
	if refresh == "" {
		return
	}
	c.SetCookie(&http.Cookie{Name: refreshCookie, Value: refresh, Path: web.BasePath(c) + "/user_management", HttpOnly: true,
		Secure: secure, SameSite: http.SameSiteLaxMode})
	ids := []string{}
	if old, err := c.Cookie(hasSessionCookie); err == nil && old.Value != "1" {
		for _, id := range strings.Split(old.Value, ".") {
			if id != "" && id != clientID {
				ids = append(ids, id)
			}
		}
	}
	if !slices.Contains(ids, clientID) {
		ids = append(ids, clientID)
	}
	c.SetCookie(&http.Cookie{Name: hasSessionCookie, Value: strings.Join(ids, "."), Path: web.BasePath(c) + "/", Secure: secure, SameSite: http.SameSiteLaxMode})
}

// clearSessionCookies ends a browser session's cookies (logout, a dead
// refresh token): same names and paths, expired.
func clearSessionCookies(c echo.Context, secure bool) {
	c.SetCookie(&http.Cookie{Name: refreshCookie, Value: "", Path: web.BasePath(c) + "/user_management", MaxAge: -1, HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode})
	c.SetCookie(&http.Cookie{Name: hasSessionCookie, Value: "", Path: web.BasePath(c) + "/", MaxAge: -1, Secure: secure, SameSite: http.SameSiteLaxMode})
}

// cookieRefreshToken is the refresh token of the browser's session cookie,
// or "".
func cookieRefreshToken(c echo.Context) string {
	if ck, err := c.Cookie(refreshCookie); err == nil {
		return ck.Value
	}
	return ""
}

// secureCookies: cookies are Secure when the emulator is served over https.
func secureCookies(publicURL string) bool { return strings.HasPrefix(publicURL, "https://") }
