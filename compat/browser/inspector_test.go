//go:build browser

package browser

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"flag"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/authkit-emulator/authkit-emulator/testkit"
)

// screenshot, when set, is where TestInspectorInChromium writes its
// screenshot (docs/inspector.png is made with
// go test -tags browser ./compat/browser -run Inspector -args -screenshot=$PWD/docs/inspector.png).
var screenshot = flag.String("screenshot", "", "write the inspector's screenshot to this file")

const alice = "user_01JGH00N0CRRAQG5E1V2EYRQ68"

// TestInspectorInChromium opens the inspector (behind a control token)
// during a scripted sign-in in another tab: the new session and its
// session.created webhook delivery appear without a reload, and revoking
// the session from the page makes introspection of its token inactive.
// Every wait is for a condition of the page's DOM, never a sleep.
func TestInspectorInChromium(t *testing.T) {
	const token = "inspector-test-token"
	em := testkit.Start(t, testkit.WithControlToken(token), testkit.WithClock(time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)))
	delivered := make(chan string, 4)
	em.ReceiveWebhooks(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case delivered <- r.Header.Get("WorkOS-Signature"):
		default:
		}
	}), "session.created")

	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte(`<!doctype html><title>app</title><p id="landed">signed in</p>`))
	}))
	defer app.Close()

	inspector := startChromium(t, chromedp.WindowSize(1440, 900))
	step, cancelStep := context.WithTimeout(inspector, 90*time.Second)
	defer cancelStep()
	// The page confirms destructive actions: accept its dialogs.
	dialogs := chromedp.Events(step, page.JavascriptDialogOpening)
	go func() {
		for _, err := range dialogs {
			if err != nil {
				return
			}
			go chromedp.Call(step, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
		}
	}()

	// 1. The inspector asks for the control token, then shows the world.
	err := chromedp.Do(step,
		chromedp.EmulateViewport(1440, 900),
		chromedp.Navigate(em.URL()+"/_emulator/ui#panel=sessions"),
		chromedp.WaitVisible(chromedp.ID("token-input")),
		chromedp.SendKeys(chromedp.ID("token-input"), token),
		chromedp.Click(chromedp.CSS(`#token-form button`)),
		chromedp.WaitVisible(chromedp.CSS(`#tab-sessions.active`)),
		chromedp.WaitVisible(chromedp.CSS(`tbody tr[data-status="active"]`)),
	)
	if err != nil {
		t.Fatalf("open the inspector: %v", err)
	}
	// A marker that a reload would wipe out.
	if _, err := chromedp.Run(step, chromedp.Evaluate[bool](`window.stillTheSamePage = true`)); err != nil {
		t.Fatal(err)
	}
	stored, err := chromedp.Run(step, chromedp.Evaluate[string](`sessionStorage.getItem("authkit-emulator.control-token") + "|" + document.cookie + "|" + location.href`))
	if err != nil {
		t.Fatal(err)
	}
	if stored != token+"||"+em.URL()+"/_emulator/ui#panel=sessions" {
		t.Fatalf("the token is kept in sessionStorage only, not in a cookie or the URL: %q", stored)
	}

	// 2. A scripted sign-in in another tab: Alice on the hosted page, then
	// the code exchange her application makes.
	login, cancelLogin := chromedp.NewContext(inspector)
	defer cancelLogin()
	loginStep, cancelLoginStep := context.WithTimeout(login, 60*time.Second)
	defer cancelLoginStep()
	authorize := em.URL() + "/user_management/authorize?" + url.Values{
		"client_id": {em.ClientID()}, "redirect_uri": {app.URL + "/callback"}, "response_type": {"code"},
		"provider": {"authkit"}, "state": {"inspector"}}.Encode()
	err = chromedp.Do(loginStep,
		chromedp.Navigate(authorize),
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), "alice@example.com"),
		chromedp.SendKeys(chromedp.ID("password"), "wonderland"),
		chromedp.Click(chromedp.ID("sign-in")),
		chromedp.WaitVisible(chromedp.ID("landed")),
	)
	if err != nil {
		t.Fatalf("sign-in: %v", err)
	}
	callback, err := chromedp.Run(loginStep, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	cb, _ := url.Parse(callback)
	access, sid := exchange(t, em, cb.Query().Get("code"))
	em.CheckActive(t, access)

	// 3. The inspector shows the new session, live.
	row := `tbody tr[data-id="` + sid + `"]`
	if err := chromedp.Do(step, chromedp.WaitVisible(chromedp.CSS(row+`[data-status="active"]`))); err != nil {
		t.Fatalf("the session never appeared: %v", err)
	}
	// ... and its webhook delivery, counted on the Webhooks tab, then listed.
	select {
	case sig := <-delivered:
		if !strings.HasPrefix(sig, "t=") {
			t.Fatalf("signature %q", sig)
		}
	case <-step.Done():
		t.Fatal("no session.created webhook was delivered")
	}
	if _, err := chromedp.Run(step, chromedp.Poll[bool](`document.querySelector("#tab-webhooks .count").textContent === "1"`,
		chromedp.WithPollingInterval(50*time.Millisecond))); err != nil {
		t.Fatalf("the Webhooks tab never counted the delivery: %v", err)
	}
	delivery := chromedp.CSS(`tbody tr[data-status="delivered"]`)
	err = chromedp.Do(step,
		chromedp.Click(chromedp.ID("tab-webhooks")),
		chromedp.WaitVisible(delivery),
		chromedp.Click(delivery),
		chromedp.WaitVisible(chromedp.ID("detail-json")),
	)
	if err != nil {
		t.Fatalf("the webhook delivery: %v", err)
	}
	eventCell, err := chromedp.Run(step, chromedp.Text(chromedp.CSS(`tbody tr[data-status="delivered"] td:nth-child(2)`)))
	if err != nil || eventCell != "session.created" {
		t.Fatalf("the webhook delivery's event: %q %v", eventCell, err)
	}
	payload, err := chromedp.Run(step, chromedp.Text(chromedp.ID("detail-json")))
	if err != nil || !strings.Contains(payload, `"signature": "t=`) || !strings.Contains(payload, sid) {
		t.Fatalf("delivery detail: %v\n%s", err, payload)
	}

	// 4. Revoke the session from the page; introspection turns inactive.
	revoke := chromedp.CSS(row + ` button[data-action="Revoke"]`)
	err = chromedp.Do(step,
		chromedp.Click(chromedp.ID("tab-sessions")),
		chromedp.WaitVisible(revoke),
		chromedp.Click(revoke),
		chromedp.WaitVisible(chromedp.CSS(row+`[data-status="revoked"]`)),
	)
	if err != nil {
		t.Fatalf("revoke from the page: %v", err)
	}
	em.CheckInactive(t, access)
	same, err := chromedp.Run(step, chromedp.Evaluate[bool](`window.stillTheSamePage === true`))
	if err != nil || !same {
		t.Fatalf("the page reloaded (marker %v, %v): the updates were not live", same, err)
	}

	// 5. The journal entry of the code exchange, for the screenshot: the
	// request and the response, secrets redacted.
	exchanged := chromedp.CSS(`tbody tr td[title="/user_management/authenticate"]`)
	err = chromedp.Do(step,
		chromedp.Click(chromedp.ID("tab-requests")),
		chromedp.WaitVisible(exchanged),
		chromedp.Click(exchanged),
		chromedp.WaitVisible(chromedp.ID("detail-response-body")),
	)
	if err != nil {
		t.Fatalf("journal entry: %v", err)
	}
	response, err := chromedp.Run(step, chromedp.Text(chromedp.ID("detail-response-body")))
	if err != nil || !strings.Contains(response, `"access_token": "[REDACTED]"`) || strings.Contains(response, access) {
		t.Fatalf("journal entry: %v\n%s", err, response)
	}
	if err := chromedp.Do(step, chromedp.WaitNotVisible(chromedp.ID("toast"))); err != nil {
		t.Fatal(err)
	}
	png, err := chromedp.Run(step, chromedp.CaptureScreenshot())
	if err != nil || len(png) < 1000 {
		t.Fatalf("screenshot: %d bytes, %v", len(png), err)
	}
	if *screenshot != "" {
		if err := os.WriteFile(*screenshot, png, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	// 6. A product area's panel: a connection added at run time appears on
	// the Connections tab (under its group's heading) and is deactivated
	// from its row, through the control route.
	em.AddFixtures(t, `connections: [{id: conn_01JGK0000000000000000000A1, name: Acme Okta, connection_type: OktaSAML,
  organization_id: org_01JGJ5PDQQYSQW43DAPDSPEJEY, state: active, profiles: [{email: dana@acme.test}]}]`)
	conn := `tbody tr[data-id="conn_01JGK0000000000000000000A1"]`
	err = chromedp.Do(step,
		chromedp.Click(chromedp.ID("tab-connections")),
		chromedp.WaitVisible(chromedp.CSS(conn+`[data-status="active"]`)),
		chromedp.Click(chromedp.CSS(conn+` button[data-action="Deactivate"]`)),
		chromedp.WaitVisible(chromedp.CSS(conn+`[data-status="inactive"] button[data-action="Activate"]`)),
	)
	if err != nil {
		t.Fatalf("the connections panel: %v", err)
	}
	heading, err := chromedp.Run(step, chromedp.Evaluate[string](`document.getElementById("tab-connections").previousElementSibling.textContent`))
	if err != nil || heading != "SSO and Directory Sync" {
		t.Fatalf("the tab's heading: %q %v", heading, err)
	}

	// 7. An environment created at run time: the picker lists it and
	// switches to its inspector, which shows its world only (the token
	// stays with the tab).
	env := em.NewEnvironment(t)
	env.AddFixtures(t, "users: [{email: only-in-env@example.com}]")
	option := chromedp.CSS(`#env-picker option[value="` + env.EnvironmentID() + `"]`)
	err = chromedp.Do(step,
		chromedp.Click(chromedp.ID("tab-users")),
		chromedp.WaitVisible(chromedp.CSS(`tbody tr td[title="alice@example.com"]`)),
		chromedp.Focus(chromedp.ID("env-picker")),
		chromedp.WaitReady(option),
	)
	if err != nil {
		t.Fatalf("the picker never listed %s: %v", env.EnvironmentID(), err)
	}
	// Choose it (as a person would; the change navigates, so it is
	// dispatched after this evaluation returns).
	if _, err := chromedp.Run(step, chromedp.Evaluate[bool](`(() => { const s = document.getElementById("env-picker");
		s.value = "`+env.EnvironmentID()+`"; setTimeout(() => s.dispatchEvent(new Event("change"))); return true })()`)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(step, chromedp.WaitVisible(chromedp.CSS(`tbody tr td[title="only-in-env@example.com"]`))); err != nil {
		t.Fatalf("the environment's inspector: %v", err)
	}
	where, err := chromedp.Run(step, chromedp.Location())
	if err != nil || !strings.HasPrefix(where, em.URL()+"/env/"+env.EnvironmentID()+"/_emulator/ui#") {
		t.Fatalf("location %q %v", where, err)
	}
}

// exchange trades an authorization code for Alice's tokens, as her
// application would, and returns the access token and its session id.
func exchange(t *testing.T, em *testkit.Emulator, code string) (access, sid string) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"grant_type": "authorization_code", "client_id": em.ClientID(),
		"client_secret": em.APIKey(), "code": code})
	resp, err := em.HTTPClient().Post(em.URL()+"/user_management/authenticate", "application/json", strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		User        struct{ ID string }
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != 200 || out.User.ID != alice {
		t.Fatalf("exchange: %d %v %+v", resp.StatusCode, err, out)
	}
	parts := strings.Split(out.AccessToken, ".")
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var claims struct {
		SID string `json:"sid"`
	}
	if err := json.Unmarshal(payload, &claims); err != nil || claims.SID == "" {
		t.Fatalf("claims %s: %v", payload, err)
	}
	return out.AccessToken, claims.SID
}
