package portal_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// portalPage opens a link and returns the page, its CSRF token (when it
// has a form) and the cookie header that goes with it.
func portalPage(t *testing.T, srv *emutest.Server, link string) (page, csrf string, cookie []string) {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	r := srv.Do(t, http.MethodGet, u.RequestURI(), nil)
	if r.Status != 200 {
		t.Fatalf("portal page: %d %s", r.Status, r.Body)
	}
	if m := csrfRE.FindStringSubmatch(string(r.Body)); m != nil {
		csrf = m[1]
	}
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		cookie = []string{"Cookie", c.Name + "=" + c.Value}
	}
	return string(r.Body), csrf, cookie
}

func generate(t *testing.T, srv *emutest.Server, body map[string]any) string {
	t.Helper()
	link := emutest.WantJSON(t, srv.API(t, http.MethodPost, "/portal/generate_link", body), 201)["link"].(string)
	if !strings.HasPrefix(link, emulator.DefaultPublicURL+"/admin-portal?token=") {
		t.Fatalf("link %s", link)
	}
	return link
}

// TestSSOPortal: the sso intent's page names the organization and lets a
// test set up a connection with a test identity; the connection is active
// (connection.activated) and signs that identity in at once.
func TestSSOPortal(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	emutest.WantError(t, srv.API(t, http.MethodPost, "/portal/generate_link", map[string]any{"organization": emutest.AcmeID}), 422, "invalid_request_parameters")
	emutest.WantError(t, srv.API(t, http.MethodPost, "/portal/generate_link", map[string]any{"organization": emutest.AcmeID, "intent": "sso", "success_url": "nope"}), 422, "invalid_request_parameters")
	emutest.WantError(t, srv.API(t, http.MethodPost, "/portal/generate_link", map[string]any{"organization": "org_01JGK0000000000000000000ZZ", "intent": "sso"}), 404, "entity_not_found")
	link := generate(t, srv, map[string]any{"organization": emutest.AcmeID, "intent": "sso", "success_url": "http://localhost:3000/done"})
	page, csrf, cookie := portalPage(t, srv, link)
	for _, want := range []string{"Acme", emutest.AcmeID, "Set up Single Sign-On", `id="portal-intent">sso`, "has no SSO connection yet", "http://localhost:3000/done"} {
		if !strings.Contains(page, want) {
			t.Fatalf("page lacks %q:\n%s", want, page)
		}
	}
	token := strings.TrimPrefix(link, emulator.DefaultPublicURL+"/admin-portal?token=")
	form := url.Values{"token": {token}, "csrf": {csrf}, "action": {"create_connection"}, "name": {"Acme Okta"}, "connection_type": {"OktaSAML"},
		"email": {"pat@acme.test"}, "first_name": {"Pat"}}
	emutest.WantError(t, srv.PostForm(t, "/admin-portal", form), 403, "csrf_token_invalid")
	r := srv.PostForm(t, "/admin-portal", form, cookie...)
	if r.Status != 200 || !strings.Contains(string(r.Body), "is active") {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	conns := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/connections?organization_id="+emutest.AcmeID, nil), 200)["data"].([]any)
	if len(conns) != 1 || conns[0].(map[string]any)["state"] != "active" || conns[0].(map[string]any)["connection_type"] != "OktaSAML" {
		t.Fatalf("connections %v", conns)
	}
	ev := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/events?events=connection.activated", nil), 200)["data"].([]any)
	if len(ev) != 1 {
		t.Fatalf("events %v", ev)
	}
	loc := srv.Do(t, http.MethodGet, "/sso/authorize?"+url.Values{"client_id": {emutest.EnvClientID}, "redirect_uri": {emutest.AppCallback},
		"response_type": {"code"}, "organization": {emutest.AcmeID}, "login_hint": {"pat@acme.test"}, "auto_login": {"true"}}.Encode(), nil).Header.Get("Location")
	if !strings.Contains(loc, "code=") {
		t.Fatalf("the new connection did not sign its identity in: %s", loc)
	}
	form.Set("connection_type", "GoogleOAuth")
	if r := srv.PostForm(t, "/admin-portal", form, cookie...); !strings.Contains(string(r.Body), "Choose a connection type") {
		t.Fatalf("an OAuth type accepted: %s", r.Body)
	}
}

// TestDomainVerificationPortal: the domain_verification intent's page
// verifies the organization's pending domains.
func TestDomainVerificationPortal(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	d := emutest.WantJSON(t, srv.API(t, http.MethodPost, "/organization_domains", map[string]any{"domain": "acme-corp.test", "organization_id": emutest.AcmeID}), 201)
	link := generate(t, srv, map[string]any{"organization": emutest.AcmeID, "intent": "domain_verification"})
	page, csrf, cookie := portalPage(t, srv, link)
	if !strings.Contains(page, "acme-corp.test") || !strings.Contains(page, "pending") {
		t.Fatalf("page:\n%s", page)
	}
	token := strings.TrimPrefix(link, emulator.DefaultPublicURL+"/admin-portal?token=")
	r := srv.PostForm(t, "/admin-portal", url.Values{"token": {token}, "csrf": {csrf}, "action": {"verify_domain"}, "domain_id": {d["id"].(string)}}, cookie...)
	if !strings.Contains(string(r.Body), "acme-corp.test is verified") {
		t.Fatalf("verify: %s", r.Body)
	}
	if got := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/organization_domains/"+d["id"].(string), nil), 200); got["state"] != "verified" {
		t.Fatalf("domain %v", got)
	}
	// an action of another intent
	r = srv.PostForm(t, "/admin-portal", url.Values{"token": {token}, "csrf": {csrf}, "action": {"create_connection"}}, cookie...)
	emutest.WantError(t, r, 400, "invalid_request")
}

// TestLinkExpiry: a link unopened for 5 minutes is dead; an opened one
// works for the session that opening it started.
func TestLinkExpiry(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	unopened := generate(t, srv, map[string]any{"organization": emutest.AcmeID, "intent": "dsync"})
	opened := generate(t, srv, map[string]any{"organization": emutest.AcmeID, "intent": "audit_logs"})
	page, _, _ := portalPage(t, srv, opened)
	if !strings.Contains(page, "Audit Logs") {
		t.Fatalf("page:\n%s", page)
	}
	srv.Clock().Advance(5*time.Minute + time.Second)
	u, _ := url.Parse(unopened)
	emutest.WantError(t, srv.Do(t, http.MethodGet, u.RequestURI(), nil), 404, "portal_link_invalid")
	portalPage(t, srv, opened)
	srv.Clock().Advance(30 * time.Minute)
	u, _ = url.Parse(opened)
	emutest.WantError(t, srv.Do(t, http.MethodGet, u.RequestURI(), nil), 404, "portal_link_invalid")
}
