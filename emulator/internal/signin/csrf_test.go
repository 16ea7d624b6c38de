package signin_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// TestLoginFormsAreBoundToTheirBrowser: a hosted login form signs a user
// in only when it carries its flow's CSRF token and comes from the browser
// that opened the flow (the token's cookie) on the emulator's own site. A
// page elsewhere that knows a flow id (an attacker can start a flow) cannot
// sign a user in through a victim's browser.
func TestLoginFormsAreBoundToTheirBrowser(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	authz := "/user_management/authorize?client_id=" + emutest.EnvClientID + "&response_type=code&provider=authkit&redirect_uri=" + url.QueryEscape(emutest.AppCallback)

	// The attacker's browser opens a flow and reads its form.
	attacker := emutest.NewBrowser(t, srv, emutest.AppCallback)
	attacker.Visit(authz)
	attacker.ExpectPage("Sign in")
	page := srv.Do(t, http.MethodGet, "/authkit/login?flow="+flowOf(t, srv, authz), nil)
	flow, csrf := hidden(string(page.Body), "flow"), hidden(string(page.Body), "csrf")
	if flow == "" || csrf == "" {
		t.Fatalf("the page carries no flow or CSRF token: %s", page.Body)
	}
	cookie := "authkit_emulator_csrf_" + flow + "=" + csrf
	form := url.Values{"flow": {flow}, "csrf": {csrf}, "action": {"password"}, "email": {"alice@example.com"}, "password": {"wonderland"}}

	cases := []struct {
		name   string
		form   url.Values
		header []string
		status int
	}{
		{"a cross-site post (another site's page)", form, []string{"Cookie", cookie, "Sec-Fetch-Site", "cross-site"}, http.StatusForbidden},
		{"a foreign Origin", form, []string{"Cookie", cookie, "Origin", "https://evil.example"}, http.StatusForbidden},
		{"no cookie (another browser)", form, nil, http.StatusForbidden},
		{"a wrong token", with(form, "csrf", "x"+csrf), []string{"Cookie", cookie}, http.StatusForbidden},
		{"no token", with(form, "csrf", ""), []string{"Cookie", cookie}, http.StatusForbidden},
		{"the page's own form", form, []string{"Cookie", cookie, "Origin", emulator.DefaultPublicURL, "Sec-Fetch-Site", "same-origin"}, http.StatusSeeOther},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := srv.PostForm(t, "/authkit/login", tc.form, tc.header...)
			if tc.status == http.StatusForbidden {
				emutest.WantError(t, r, tc.status, "csrf_token_invalid")
				return
			}
			if r.Status != tc.status || !strings.HasPrefix(r.Header.Get("Location"), emutest.AppCallback+"?code=") {
				t.Fatalf("%d %v %s", r.Status, r.Header, r.Body)
			}
		})
	}
}

// TestLoginChecksTheFlowFirst: a post naming no live flow is refused
// before anything else (no password is checked for it).
func TestLoginChecksTheFlowFirst(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	r := srv.PostForm(t, "/authkit/login", url.Values{"flow": {"bogus"}, "action": {"password"}, "email": {"alice@example.com"}, "password": {"wonderland"}})
	emutest.WantError(t, r, http.StatusBadRequest, "invalid_request")
}

// flowOf starts a flow and returns its id (from the redirect to the page).
func flowOf(t *testing.T, srv *emutest.Server, authz string) string {
	t.Helper()
	r := srv.Do(t, http.MethodGet, authz, nil)
	u, err := url.Parse(r.Header.Get("Location"))
	if err != nil || u.Query().Get("flow") == "" {
		t.Fatalf("authorize: %d %v", r.Status, r.Header)
	}
	return u.Query().Get("flow")
}

// hidden is the value of a page's hidden input.
func hidden(page, name string) string {
	_, rest, ok := strings.Cut(page, `name="`+name+`" value="`)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(rest, `"`)
	return v
}

func with(v url.Values, k, val string) url.Values {
	out := url.Values{}
	for key, vs := range v {
		out[key] = vs
	}
	out.Set(k, val)
	return out
}
