package signin_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// TestHostedPages covers the page steps: sign-up with e-mail verification,
// magic code, one-click continue, consent for a third-party app.
func TestHostedPages(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0, Fixtures: emutest.Parse(t, `
environment:
  client_id: client_123
  redirect_uris: [`+emutest.AppCallback+`]
applications:
  - {client_id: client_01JGH0H56WFYWEDS7QGWCX2YT4, client_secret: s, third_party: true, name: Partner, redirect_uris: [`+emutest.AppCallback+`], scopes: [openid, email]}
users:
  - {id: `+emutest.AliceID+`, email: alice@example.com, email_verified: true, first_name: Alice}
`)})
	authz := "/user_management/authorize?client_id=client_123&response_type=code&provider=authkit&redirect_uri=" + url.QueryEscape(emutest.AppCallback)

	t.Run("sign-up with e-mail verification", func(t *testing.T) {
		b := emutest.NewBrowser(t, srv, emutest.AppCallback)
		b.Visit(authz + "&screen_hint=sign-up")
		b.ExpectPage("Create an account")
		b.Submit("action", "signup", "email", "zoe@example.com", "password", "pw", "first_name", "Zoe", "last_name", "Z")
		b.ExpectPage("Verify your email")
		code := srv.Codes("zoe@example.com", emulator.KindEmailVerification)[0].Code
		b.Submit("action", "verify_email", "code", "999999"+code)
		b.ExpectPage("The code is invalid.")
		cb := emutest.CallbackParams(t, b.Submit("action", "verify_email", "code", code))
		out := emutest.SignedIn(t, srv.PostJSON(t, "/user_management/authenticate", map[string]any{"grant_type": "authorization_code",
			"client_id": "client_123", "client_secret": emutest.APIKey, "code": cb.Get("code")}))
		u := out["user"].(map[string]any)
		if u["email"] != "zoe@example.com" || u["first_name"] != "Zoe" || u["email_verified"] != true {
			t.Fatalf("user %v", u)
		}
	})
	t.Run("magic code", func(t *testing.T) {
		b := emutest.NewBrowser(t, srv, emutest.AppCallback)
		b.Visit(authz)
		b.Submit("action", "magic_send", "email", "alice@example.com")
		b.ExpectPage("Check your email")
		code := srv.Codes("alice@example.com", emulator.KindMagicAuth)[0].Code
		cb := emutest.CallbackParams(t, b.Submit("action", "magic_verify", "code", code))
		out := emutest.SignedIn(t, srv.PostJSON(t, "/user_management/authenticate", map[string]any{"grant_type": "authorization_code",
			"client_id": "client_123", "client_secret": emutest.APIKey, "code": cb.Get("code")}))
		if out["authentication_method"] != "MagicAuth" {
			t.Fatalf("%v", out)
		}
	})
	t.Run("continue as and consent", func(t *testing.T) {
		b := emutest.NewBrowser(t, srv, emutest.AppCallback)
		b.Visit("/oauth2/authorize?client_id=client_01JGH0H56WFYWEDS7QGWCX2YT4&response_type=code&scope=openid+email&state=z&redirect_uri=" + url.QueryEscape(emutest.AppCallback))
		b.ExpectPage("Alice &lt;alice@example.com&gt;")
		b.Submit("action", "continue", "user_id", emutest.AliceID)
		b.ExpectPage("Authorize Partner")
		cb := emutest.CallbackParams(t, b.Submit("action", "consent", "decision", "deny"))
		if cb.Get("error") != "access_denied" || cb.Get("state") != "z" {
			t.Fatalf("deny: %v", cb)
		}
	})
	t.Run("expired flow", func(t *testing.T) {
		emutest.WantError(t, srv.Do(t, http.MethodGet, "/authkit/login?flow=nope", nil), 400, "invalid_request")
	})
}

// TestFavicon: the hosted pages link an icon the emulator serves, so a
// browser logs no 404 on them (suites that forbid console errors).
func TestFavicon(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	r := srv.Do(t, http.MethodGet, "/favicon.ico", nil)
	if r.Status != http.StatusOK || r.Header.Get("Content-Type") != "image/x-icon" || len(r.Body) < 22 || string(r.Body[:4]) != "\x00\x00\x01\x00" {
		t.Fatalf("%d %v %q", r.Status, r.Header, r.Body)
	}
	b := emutest.NewBrowser(t, srv, emutest.AppCallback)
	b.Visit("/user_management/authorize?client_id=" + emutest.EnvClientID + "&response_type=code&provider=authkit&redirect_uri=" + url.QueryEscape(emutest.AppCallback))
	b.ExpectPage(`<link rel="icon" href="/favicon.ico">`)
}
