//go:build browser

package browser

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/authkit-emulator/authkit-emulator/testkit"
)

const (
	acme  = "org_01JGJ5PDQQYSQW43DAPDSPEJEY"
	okta  = "conn_01JGK0000000000000000000A1"
	dana  = "prof_01JGK0000000000000000000A1"
	world = `
connections:
  - id: ` + okta + `
    name: Acme Okta
    connection_type: OktaSAML
    organization_id: ` + acme + `
    profiles:
      - {id: ` + dana + `, email: dana@acme.test, first_name: Dana, last_name: Scully}
`
)

// TestSSOThroughTheIdPPageInChromium: on the hosted login page, an e-mail
// of Acme's domain goes to Acme's (emulated) identity provider instead of
// asking for a password; its page shows the connection and its profiles;
// choosing Dana lands on the application with a code, which signs Dana in
// with SSO in Acme. A second sign-in through the SSO API types a new
// identity into the page's form.
func TestSSOThroughTheIdPPageInChromium(t *testing.T) {
	em := testkit.Start(t)
	em.AddFixtures(t, world)

	codes := make(chan url.Values, 2)
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/callback" {
			select {
			case codes <- r.URL.Query():
			default:
			}
		}
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte(`<!doctype html><title>app</title><p id="landed">signed in</p>`))
	}))
	defer app.Close()

	ctx := startChromium(t)
	step, cancelStep := context.WithTimeout(ctx, 60*time.Second)
	defer cancelStep()
	callback := func() url.Values {
		t.Helper()
		select {
		case cb := <-codes:
			return cb
		case <-step.Done():
			t.Fatal("the application never received the callback")
		}
		return nil
	}

	authorize := em.URL() + "/user_management/authorize?" + url.Values{
		"client_id": {em.ClientID()}, "redirect_uri": {app.URL + "/callback"}, "response_type": {"code"},
		"provider": {"authkit"}, "state": {"sso-state"}}.Encode()
	err := chromedp.Do(step,
		chromedp.Navigate(authorize),
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), "dana@acme.test"),
		chromedp.SendKeys(chromedp.ID("password"), "anything"),
		chromedp.Click(chromedp.ID("sign-in")),
		chromedp.WaitVisible(chromedp.ID("profile-"+dana)),
	)
	if err != nil {
		t.Fatalf("hosted login to the IdP: %v", err)
	}
	title, err := chromedp.Run(step, chromedp.Title())
	if err != nil || !strings.Contains(title, "Sign in with Acme Okta") {
		t.Fatalf("IdP page title %q %v", title, err)
	}
	conn, err := chromedp.Run(step, chromedp.Text(chromedp.ID("idp-connection")))
	if err != nil || !strings.Contains(conn, "OktaSAML") || !strings.Contains(conn, "Acme") {
		t.Fatalf("IdP page says %q %v", conn, err)
	}
	if err := chromedp.Do(step, chromedp.Click(chromedp.ID("profile-"+dana)), chromedp.WaitVisible(chromedp.ID("landed"))); err != nil {
		t.Fatalf("profile: %v", err)
	}
	cb := callback()
	if cb.Get("state") != "sso-state" || cb.Get("code") == "" {
		t.Fatalf("callback %v", cb)
	}
	var out struct {
		User                 struct{ Email string }
		OrganizationID       string `json:"organization_id"`
		AuthenticationMethod string `json:"authentication_method"`
		AccessToken          string `json:"access_token"`
	}
	post(t, em, "/user_management/authenticate", map[string]string{"grant_type": "authorization_code", "client_id": em.ClientID(),
		"client_secret": em.APIKey(), "code": cb.Get("code")}, &out)
	if out.User.Email != "dana@acme.test" || out.OrganizationID != acme || out.AuthenticationMethod != "SSO" {
		t.Fatalf("signed in as %+v", out)
	}
	em.CheckActive(t, out.AccessToken)

	// The SSO API, with an identity typed into the page.
	sso := em.URL() + "/sso/authorize?" + url.Values{"client_id": {em.ClientID()}, "redirect_uri": {app.URL + "/callback"},
		"response_type": {"code"}, "connection": {okta}, "state": {"api-state"}}.Encode()
	err = chromedp.Do(step,
		chromedp.Navigate(sso),
		chromedp.WaitVisible(chromedp.ID("idp-sign-in")),
		chromedp.SendKeys(chromedp.ID("email"), "fox@acme.test"),
		chromedp.SendKeys(chromedp.ID("first_name"), "Fox"),
		chromedp.Click(chromedp.ID("idp-sign-in")),
		chromedp.WaitVisible(chromedp.ID("landed")),
	)
	if err != nil {
		t.Fatalf("typed identity: %v", err)
	}
	cb = callback()
	var tok struct {
		Profile struct {
			Email        string
			FirstName    string `json:"first_name"`
			ConnectionID string `json:"connection_id"`
		}
	}
	post(t, em, "/sso/token", map[string]string{"grant_type": "authorization_code", "client_id": em.ClientID(),
		"client_secret": em.APIKey(), "code": cb.Get("code")}, &tok)
	if cb.Get("state") != "api-state" || tok.Profile.ConnectionID != okta || tok.Profile.FirstName != "Fox" || tok.Profile.Email != "fox@acme.test" {
		t.Fatalf("SSO API profile %+v (callback %v)", tok.Profile, cb)
	}
}

func post(t *testing.T, em *testkit.Emulator, path string, body map[string]string, out any) {
	t.Helper()
	b, _ := json.Marshal(body)
	resp, err := em.HTTPClient().Post(em.URL()+path, "application/json", strings.NewReader(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil || resp.StatusCode != 200 {
		t.Fatalf("%s: %d %v", path, resp.StatusCode, err)
	}
}
