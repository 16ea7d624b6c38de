package signin_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// TestBrowserSessionCookies: what authkit-js needs on a custom auth domain
// (devMode: false). A code exchange or refresh from a page sets an HttpOnly
// refresh-token cookie and a readable workos-has-session cookie; a refresh
// with no refresh_token reads the cookie and rotates it; logging out
// clears both; a dead token clears them too. Server SDKs (no Origin) get no
// cookies.
func TestBrowserSessionCookies(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	page := []string{"Origin", "http://localhost:3000"}
	cookies := func(r emutest.Response) map[string]*http.Cookie {
		out := map[string]*http.Cookie{}
		for _, c := range (&http.Response{Header: r.Header}).Cookies() {
			out[c.Name] = c
		}
		return out
	}
	signIn := srv.PostJSON(t, "/user_management/authenticate", map[string]any{"grant_type": "refresh_token", "client_id": emutest.EnvClientID,
		"refresh_token": emutest.AliceRefresh}, page...)
	emutest.SignedIn(t, signIn)
	set := cookies(signIn)
	rt, has := set["workos-refresh-token"], set["workos-has-session"]
	if rt == nil || !rt.HttpOnly || rt.Path != "/user_management" || rt.Value != signIn.JSON(t)["refresh_token"] {
		t.Fatalf("refresh-token cookie: %+v", rt)
	}
	if has == nil || has.HttpOnly || has.Path != "/" || has.Value != emutest.EnvClientID {
		t.Fatalf("workos-has-session cookie: %+v", has)
	}

	// A refresh that names no token uses the cookie, and rotates it.
	fromCookie := srv.PostJSON(t, "/user_management/authenticate", map[string]any{"grant_type": "refresh_token", "client_id": emutest.EnvClientID},
		append(page, "Cookie", "workos-refresh-token="+rt.Value+"; workos-has-session="+has.Value)...)
	emutest.SignedIn(t, fromCookie)
	next := cookies(fromCookie)["workos-refresh-token"]
	if next == nil || next.Value == rt.Value || next.Value != fromCookie.JSON(t)["refresh_token"] {
		t.Fatalf("rotated cookie: %+v", next)
	}

	// The used token is dead: refused, and the cookies are cleared.
	dead := srv.PostJSON(t, "/user_management/authenticate", map[string]any{"grant_type": "refresh_token", "client_id": emutest.EnvClientID},
		append(page, "Cookie", "workos-refresh-token="+rt.Value)...)
	emutest.WantError(t, dead, http.StatusBadRequest, "invalid_grant")
	if c := cookies(dead)["workos-refresh-token"]; c == nil || c.MaxAge >= 0 {
		t.Fatalf("a dead cookie is not cleared: %+v", c)
	}

	// Logging out clears both cookies.
	sid := emutest.Claims(t, fromCookie.JSON(t)["access_token"].(string))["sid"].(string)
	out := srv.Do(t, http.MethodGet, "/user_management/sessions/logout?session_id="+sid, nil)
	for _, name := range []string{"workos-refresh-token", "workos-has-session"} {
		if c := cookies(out)[name]; c == nil || c.MaxAge >= 0 {
			t.Fatalf("logout does not clear %s: %v", name, out.Header["Set-Cookie"])
		}
	}

	// Server SDKs send no Origin: no cookies, and no cookie fallback.
	server := srv.Authenticate(t, map[string]any{"grant_type": "password", "email": "bob@example.com", "password": "builder", "organization_id": emutest.AcmeID})
	if len(server.Header["Set-Cookie"]) > 0 {
		t.Fatalf("cookies for a server SDK: %v", server.Header["Set-Cookie"])
	}
	noToken := srv.PostJSON(t, "/user_management/authenticate", map[string]any{"grant_type": "refresh_token", "client_id": emutest.EnvClientID},
		"Cookie", "workos-refresh-token="+next.Value)
	emutest.WantError(t, noToken, http.StatusBadRequest, "invalid_request")
	if !strings.Contains(string(noToken.Body), "refresh_token") {
		t.Fatalf("%s", noToken.Body)
	}
}
