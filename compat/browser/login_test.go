//go:build browser

// Package browser drives the emulator's hosted login page with a real
// browser (Debian's chromium, through chromedp): sign in with a password,
// pick an organization, land on the application's redirect URI with a code.
// Run it with: go test -tags browser ./compat/browser (scripts/browser-test.sh
// installs chromium when missing).
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
	bob    = "user_01JGJD97DGZV5Z4G8RCP6SJ6C5"
	globex = "org_01JGHYEQJ3R88ZXE6V4AJ192KN"
)

func TestHostedLoginInChromium(t *testing.T) {
	em := testkit.Start(t)

	// The application: its callback records the code and shows a page.
	codes := make(chan url.Values, 1)
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

	authorize := em.URL() + "/user_management/authorize?" + url.Values{
		"client_id": {em.ClientID()}, "redirect_uri": {app.URL + "/callback"}, "response_type": {"code"},
		"provider": {"authkit"}, "state": {"browser-state"}}.Encode()

	ctx := startChromium(t)
	step, cancelStep := context.WithTimeout(ctx, 60*time.Second)
	defer cancelStep()

	err := chromedp.Do(step,
		chromedp.Navigate(authorize),
		chromedp.WaitVisible(chromedp.ID("email")),
		// a wrong password shows an inline error
		chromedp.SendKeys(chromedp.ID("email"), "bob@example.com"),
		chromedp.SendKeys(chromedp.ID("password"), "not-his"),
		chromedp.Click(chromedp.ID("sign-in")),
		chromedp.WaitVisible(chromedp.CSS(".error")),
	)
	if err != nil {
		t.Fatalf("sign-in page: %v", err)
	}
	wrong, err := chromedp.Run(step, chromedp.Text(chromedp.CSS(".error")))
	if err != nil || !strings.Contains(wrong, "Incorrect email or password") {
		t.Fatalf("inline error: %q %v", wrong, err)
	}
	err = chromedp.Do(step,
		// the page came back with the e-mail kept and the password empty
		chromedp.SendKeys(chromedp.ID("password"), "builder"),
		chromedp.Click(chromedp.ID("sign-in")),
		// Bob belongs to Acme and Globex: the organization picker
		chromedp.WaitVisible(chromedp.ID("org-"+globex)),
	)
	if err != nil {
		t.Fatalf("password: %v", err)
	}
	title, err := chromedp.Run(step, chromedp.Title())
	if err != nil || !strings.Contains(title, "Choose an organization") {
		t.Fatalf("picker title %q %v", title, err)
	}
	if err := chromedp.Do(step, chromedp.Click(chromedp.ID("org-"+globex)), chromedp.WaitVisible(chromedp.ID("landed"))); err != nil {
		t.Fatalf("organization: %v", err)
	}
	var cb url.Values
	select {
	case cb = <-codes:
	case <-step.Done():
		t.Fatal("the application never received the callback")
	}
	if cb.Get("state") != "browser-state" || cb.Get("code") == "" {
		t.Fatalf("callback %v", cb)
	}

	// The code exchanges for Bob's tokens in Globex.
	body, _ := json.Marshal(map[string]string{"grant_type": "authorization_code", "client_id": em.ClientID(),
		"client_secret": em.APIKey(), "code": cb.Get("code")})
	resp, err := em.HTTPClient().Post(em.URL()+"/user_management/authenticate", "application/json", strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		User           struct{ ID string }
		OrganizationID string `json:"organization_id"`
		AccessToken    string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != 200 {
		t.Fatalf("exchange: %d %v", resp.StatusCode, err)
	}
	if out.User.ID != bob || out.OrganizationID != globex {
		t.Fatalf("signed in as %s in %s", out.User.ID, out.OrganizationID)
	}
	em.CheckActive(t, out.AccessToken)
}
