package signin_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/signin"
)

// TestAuthorizeValidation: /user_management/authorize answers an unknown
// client or a redirect URI it may not use itself (there is nowhere safe to
// redirect); every other bad request is an error redirected to the
// application with the state; the environment's localhost wildcard matches
// any port, not any path.
func TestAuthorizeValidation(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	base := url.Values{"client_id": {emutest.EnvClientID}, "redirect_uri": {emutest.AppCallback}, "response_type": {"code"}, "provider": {"authkit"}, "state": {"s"}}
	with := func(kv ...string) string {
		q := url.Values{}
		for k, v := range base {
			q[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i+1] == "" {
				q.Del(kv[i])
			} else {
				q.Set(kv[i], kv[i+1])
			}
		}
		return "/user_management/authorize?" + q.Encode()
	}
	// without a valid client and redirect URI there is nowhere to redirect
	for _, tc := range []struct{ name, query, code string }{
		{"unknown client", with("client_id", "client_nope"), "invalid_client"},
		{"redirect URI not allowed", with("redirect_uri", "https://evil.example/cb"), "invalid_request"},
		{"no redirect URI", with("redirect_uri", ""), "invalid_request"},
		{"redirect URI with userinfo", with("redirect_uri", "http://evil.com@localhost:3000/callback"), "invalid_request"},
		{"redirect URI with userinfo on a wildcard port", with("redirect_uri", "http://evil.com@localhost:5173/callback"), "invalid_request"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			emutest.WantError(t, srv.Do(t, http.MethodGet, tc.query, nil), 400, tc.code)
		})
	}
	for _, tc := range []struct{ name, query, code string }{
		{"response type", with("response_type", "token"), "unsupported_response_type"},
		{"unknown provider", with("provider", "FacebookLogin"), "invalid_request"},
		{"provider the fixtures lack", with("provider", "GoogleOAuth"), "connection_invalid"},
		{"no provider", with("provider", ""), "invalid_request"},
		{"plain PKCE", with("code_challenge", strings.Repeat("a", 43), "code_challenge_method", "plain"), "invalid_request"},
		{"screen hint", with("screen_hint", "maybe"), "invalid_request"},
		{"unknown org", with("organization_id", "org_01JGJ5PDQQYSQW43DAPDSPEJEZ"), "organization_invalid"},
		{"connection", with("connection_id", "conn_123"), "connection_invalid"},
		{"prompt none", with("prompt", "none"), "login_required"},
		{"org not members", with("organization_id", emutest.GlobexID, "login_hint", "alice@example.com", "auto_login", "true"), "organization_invalid"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := srv.Do(t, http.MethodGet, tc.query, nil)
			if r.Status != http.StatusFound {
				t.Fatalf("%d %s", r.Status, r.Body)
			}
			loc, _ := url.Parse(r.Header.Get("Location"))
			if !strings.HasPrefix(loc.String(), emutest.AppCallback) || loc.Query().Get("error") != tc.code || loc.Query().Get("state") != "s" || loc.Query().Get("error_description") == "" {
				t.Fatalf("redirect %s", loc)
			}
		})
	}
	t.Run("wildcard redirect URI: localhost on any port", func(t *testing.T) {
		if r := srv.Do(t, http.MethodGet, with("redirect_uri", "http://localhost:5173/callback"), nil); r.Status != 302 || !strings.HasPrefix(r.Header.Get("Location"), emulator.DefaultPublicURL+"/authkit/login?flow=") {
			t.Fatalf("wildcard port: %d %s", r.Status, r.Header.Get("Location"))
		}
	})
	t.Run("wildcard redirect URI: not another path", func(t *testing.T) {
		if r := srv.Do(t, http.MethodGet, with("redirect_uri", "http://localhost:5173/other"), nil); r.Status != 400 {
			t.Fatalf("wildcard must not match another path: %d", r.Status)
		}
	})
}

// TestRedirectWildcards: `*` in an allowed redirect URI is only ever the
// documented wildcard (a leftmost host label, a localhost port): the
// literal URI containing it matches nothing.
func TestRedirectWildcards(t *testing.T) {
	allowed := []string{"https://*.example.com/cb", "http://localhost:*/cb", "https://app.example.com/exact"}
	for _, tc := range []struct {
		uri  string
		want bool
	}{
		{"https://tenant.example.com/cb", true},
		{"https://*.example.com/cb", false},
		{"https://a.b.example.com/cb", false},
		{"http://localhost:4000/cb", true},
		{"http://localhost:*/cb", false},
		{"https://app.example.com/exact", true},
		{"https://user@app.example.com/exact", false},
		{"https://tenant.example.com/cb#frag", false},
	} {
		t.Run(tc.uri, func(t *testing.T) {
			if got := signin.RedirectAllowed(tc.uri, allowed); got != tc.want {
				t.Fatalf("RedirectAllowed(%q) = %v, want %v", tc.uri, got, tc.want)
			}
		})
	}
}
