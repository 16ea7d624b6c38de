package inspector_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// rows is a panel answer.
type rows struct {
	Panel   string `json:"panel"`
	Version uint64 `json:"version"`
	Total   int    `json:"total"`
	Rows    []struct {
		ID      string   `json:"id"`
		Cells   []string `json:"cells"`
		Status  string   `json:"status"`
		Actions []struct {
			Label, Method, Path, Href, Confirm string
			Body                               json.RawMessage
		} `json:"actions"`
	} `json:"rows"`
}

func getRows(t *testing.T, srv *emutest.Server, path string, header ...string) rows {
	t.Helper()
	r := srv.Do(t, http.MethodGet, path, nil, header...)
	if r.Status != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, r.Status, r.Body)
	}
	var out rows
	if err := json.Unmarshal(r.Body, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func counts(t *testing.T, srv *emutest.Server, q string) map[string]int {
	t.Helper()
	r := srv.Do(t, http.MethodGet, "/_emulator/ui/api/panels?q="+url.QueryEscape(q), nil)
	var out struct {
		Panels []struct {
			ID    string `json:"id"`
			Count int    `json:"count"`
		} `json:"panels"`
	}
	if r.Status != http.StatusOK || json.Unmarshal(r.Body, &out) != nil {
		t.Fatalf("panels: %d %s", r.Status, r.Body)
	}
	m := map[string]int{}
	for _, p := range out.Panels {
		m[p.ID] = p.Count
	}
	return m
}

func detail(t *testing.T, srv *emutest.Server, panel, id string) map[string]any {
	t.Helper()
	r := srv.Do(t, http.MethodGet, "/_emulator/ui/api/panels/"+panel+"/rows/"+url.PathEscape(id), nil)
	return emutest.WantJSON(t, r, http.StatusOK)["detail"].(map[string]any)
}

// TestPageIsAShellThatCannotBeFramed: the page and its assets are served
// with headers that keep them out of frames and their scripts to their own,
// and the shell holds no data of the world.
func TestPageIsAShellThatCannotBeFramed(t *testing.T) {
	srv := emutest.New(t, emulator.Config{})
	r := srv.Do(t, http.MethodGet, "/_emulator/ui", nil)
	if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("page: %d %s", r.Status, r.Header)
	}
	csp := r.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "script-src 'self'") || r.Header.Get("X-Frame-Options") != "DENY" {
		t.Fatalf("page headers: %v", r.Header)
	}
	if strings.Contains(string(r.Body), "alice@example.com") || strings.Contains(string(r.Body), emutest.AliceID) {
		t.Fatal("the shell carries world data")
	}
	for _, a := range []struct{ path, ctype string }{{"/_emulator/ui/assets/app.js", "text/javascript"}, {"/_emulator/ui/assets/app.css", "text/css"}} {
		r := srv.Do(t, http.MethodGet, a.path, nil)
		if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), a.ctype) || r.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Fatalf("%s: %d %v", a.path, r.Status, r.Header)
		}
	}
	for _, bad := range []string{"/_emulator/ui/assets/index.html", "/_emulator/ui/assets/nope.js", "/_emulator/ui/assets/..%2froutes.go"} {
		emutest.WantError(t, srv.Do(t, http.MethodGet, bad, nil), http.StatusNotFound, "entity_not_found")
	}
}

// TestCrossSiteRefused: a page of another site cannot load the inspector,
// frame it, or read its data, token or not.
func TestCrossSiteRefused(t *testing.T) {
	srv := emutest.New(t, emulator.Config{})
	for _, path := range []string{"/_emulator/ui", "/_emulator/ui/assets/app.js", "/_emulator/ui/api/changes", "/_emulator/ui/api/panels",
		"/_emulator/ui/api/panels/sessions", "/_emulator/ui/api/panels/sessions/rows/" + emutest.AliceSession} {
		for _, h := range [][]string{{"Sec-Fetch-Site", "cross-site"}, {"Origin", "https://evil.example"}, {"Origin", "http://localhost:3000"}} {
			emutest.WantError(t, srv.Do(t, http.MethodGet, path, nil, h...), http.StatusForbidden, "cross_site_request_refused")
		}
	}
	// The emulator's own origin is the page's.
	r := srv.Do(t, http.MethodGet, "/_emulator/ui/api/changes", nil, "Origin", emulator.DefaultPublicURL, "Sec-Fetch-Site", "same-origin")
	emutest.WantJSON(t, r, http.StatusOK)
}

// TestControlToken: with a control token, the shell and its assets load
// (a browser navigating cannot send the token) but every piece of data
// needs the token as a Bearer header; a cookie or query parameter is not
// taken for it.
func TestControlToken(t *testing.T) {
	srv := emutest.New(t, emulator.Config{ControlToken: "s3cret-token"})
	for _, path := range []string{"/_emulator/ui", "/_emulator/ui/assets/app.js"} {
		if r := srv.Do(t, http.MethodGet, path, nil); r.Status != 200 {
			t.Fatalf("%s without token: %d", path, r.Status)
		}
	}
	for _, path := range []string{"/_emulator/ui/api/changes", "/_emulator/ui/api/panels", "/_emulator/ui/api/panels/users",
		"/_emulator/ui/api/panels/users/rows/" + emutest.AliceID} {
		emutest.WantError(t, srv.Do(t, http.MethodGet, path, nil), http.StatusUnauthorized, "unauthorized")
		emutest.WantError(t, srv.Do(t, http.MethodGet, path, nil, "Authorization", "Bearer wrong"), http.StatusUnauthorized, "unauthorized")
		emutest.WantError(t, srv.Do(t, http.MethodGet, path+"?token=s3cret-token", nil, "Cookie", "token=s3cret-token"), http.StatusUnauthorized, "unauthorized")
		if r := srv.Do(t, http.MethodGet, path, nil, "Authorization", "Bearer s3cret-token"); r.Status != 200 {
			t.Fatalf("%s with token: %d %s", path, r.Status, r.Body)
		}
	}
}

// TestAbsentWithoutControlPlane: --control=false leaves no trace of the
// inspector.
func TestAbsentWithoutControlPlane(t *testing.T) {
	srv := emutest.New(t, emulator.Config{DisableControl: true})
	for _, path := range []string{"/_emulator/ui", "/_emulator/ui/assets/app.js", "/_emulator/ui/api/changes", "/_emulator/ui/api/panels/users"} {
		r := srv.Do(t, http.MethodGet, path, nil)
		if r.Status != http.StatusNotFound || strings.Contains(string(r.Body), "inspector") {
			t.Fatalf("%s with the control plane off: %d %s", path, r.Status, r.Body)
		}
	}
	for _, rt := range srv.Routes() {
		if strings.HasPrefix(rt.Path, "/_emulator/ui") {
			t.Fatalf("route %s %s served with the control plane off", rt.Method, rt.Path)
		}
	}
}

// TestSearchEverywhere: an e-mail or an id finds its rows in every panel
// that mentions it, in any case.
func TestSearchEverywhere(t *testing.T) {
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	u := emutest.WantJSON(t, srv.API(t, http.MethodPost, "/user_management/users", map[string]any{"email": "dora@example.com", "first_name": "Dora"}), 201)
	dora := u["id"].(string)
	emutest.WantJSON(t, srv.API(t, http.MethodPost, "/user_management/organization_memberships",
		map[string]any{"user_id": dora, "organization_id": emutest.AcmeID}), 201)
	emutest.WantJSON(t, srv.API(t, http.MethodPost, "/user_management/magic_auth", map[string]any{"email": "dora@example.com"}), 201)

	c := counts(t, srv, "DORA@example.com")
	// requests: her creation, her membership's answer, the magic-auth
	// request.
	if c["users"] != 1 || c["memberships"] != 1 || c["outbox"] != 1 || c["events"] < 2 || c["requests"] != 3 || c["sessions"] != 0 || c["organizations"] != 0 {
		t.Fatalf("search by e-mail: %v", c)
	}
	c = counts(t, srv, dora)
	// requests: her creation's answer, the membership's request, the
	// magic-auth answer.
	if c["users"] != 1 || c["memberships"] != 1 || c["outbox"] != 1 || c["events"] < 2 || c["requests"] != 3 {
		t.Fatalf("search by id: %v", c)
	}
	// Alice's session is found by her e-mail, her id and its own id.
	for _, q := range []string{"alice@EXAMPLE.com", emutest.AliceID, emutest.AliceSession} {
		got := getRows(t, srv, "/_emulator/ui/api/panels/sessions?q="+url.QueryEscape(q))
		if got.Total != 1 || got.Rows[0].ID != emutest.AliceSession || got.Rows[0].Status != "active" {
			t.Fatalf("sessions ?q=%s: %+v", q, got)
		}
	}
	if got := getRows(t, srv, "/_emulator/ui/api/panels/users?q=nobody@nowhere"); got.Total != 0 || got.Rows == nil {
		t.Fatalf("no match: %+v", got)
	}
	// The newest rows come first, and the limit bounds the answer.
	got := getRows(t, srv, "/_emulator/ui/api/panels/users?limit=1")
	if got.Total < 2 || len(got.Rows) != 1 || got.Rows[0].ID != dora {
		t.Fatalf("limit: %+v", got)
	}
	emutest.WantError(t, srv.Do(t, http.MethodGet, "/_emulator/ui/api/panels/users?limit=0", nil), 422, "invalid_request_parameters")
	emutest.WantError(t, srv.Do(t, http.MethodGet, "/_emulator/ui/api/panels/nope", nil), 404, "entity_not_found")
	emutest.WantError(t, srv.Do(t, http.MethodGet, "/_emulator/ui/api/panels/users/rows/user_nope", nil), 404, "entity_not_found")
	if d := detail(t, srv, "users", dora); d["user"].(map[string]any)["email"] != "dora@example.com" || len(d["memberships"].([]any)) != 1 {
		t.Fatalf("user detail: %v", d)
	}
}

// TestJournalEntryWithResponse: the requests panel lists what the
// application sent, filtered; one entry shows the request and the response
// in full, secrets redacted on both sides.
func TestJournalEntryWithResponse(t *testing.T) {
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	r := srv.Authenticate(t, map[string]any{"grant_type": "password", "email": "alice@example.com", "password": "wonderland"})
	signedIn := emutest.WantJSON(t, r, 200)
	access, refresh := signedIn["access_token"].(string), signedIn["refresh_token"].(string)
	srv.API(t, http.MethodGet, "/user_management/users/user_nope", nil)

	all := getRows(t, srv, "/_emulator/ui/api/panels/requests")
	if all.Total != 2 || all.Rows[0].Cells[3] != "/user_management/users/user_nope" || all.Rows[0].Status != "refused" {
		t.Fatalf("journal: %+v", all)
	}
	for _, f := range []string{"method=POST", "status=2xx", "path=/user_management/*", "q=authenticate"} {
		got := getRows(t, srv, "/_emulator/ui/api/panels/requests?"+f)
		if got.Total != 1 || got.Rows[0].Cells[3] != "/user_management/authenticate" {
			t.Fatalf("filter %s: %+v", f, got)
		}
	}
	// The search looks into the bodies as the journal shows them: the
	// e-mail sent is found, a redacted password is not.
	if got := getRows(t, srv, "/_emulator/ui/api/panels/requests?q=ALICE@example.com"); got.Total != 1 || got.Rows[0].Cells[3] != "/user_management/authenticate" {
		t.Fatalf("search by e-mail: %+v", got)
	}
	if got := getRows(t, srv, "/_emulator/ui/api/panels/requests?q=wonderland"); got.Total != 0 {
		t.Fatalf("a redacted password matched: %+v", got)
	}
	if got := getRows(t, srv, "/_emulator/ui/api/panels/requests?q="+refresh[:12]); got.Total != 0 {
		t.Fatalf("a redacted refresh token matched: %+v", got)
	}
	d := detail(t, srv, "requests", all.Rows[1].ID)
	raw, _ := json.Marshal(d)
	for _, secret := range []string{"wonderland", emutest.APIKey, access, refresh} {
		if strings.Contains(string(raw), secret) {
			t.Fatalf("the entry leaks %q: %s", secret, raw)
		}
	}
	req, resp := d["request"].(map[string]any), d["response"].(map[string]any)
	if req["method"] != "POST" || !strings.Contains(req["body"].(string), `"password":"[REDACTED]"`) ||
		!strings.Contains(req["body"].(string), "alice@example.com") {
		t.Fatalf("request: %v", req)
	}
	body := resp["body"].(string)
	if resp["status"] != float64(200) || !strings.Contains(body, `"access_token":"[REDACTED]"`) || !strings.Contains(body, `"refresh_token":"[REDACTED]"`) ||
		!strings.Contains(body, emutest.AliceID) || resp["size"] != float64(len(r.Body)) {
		t.Fatalf("response: %v", resp)
	}
	if resp["headers"].(map[string]any)["X-Request-Id"] != d["request_id"] {
		t.Fatalf("response headers: %v", resp["headers"])
	}
	emutest.WantError(t, srv.Do(t, http.MethodGet, "/_emulator/ui/api/panels/requests/rows/999", nil), 404, "entity_not_found")
	emutest.WantError(t, srv.Do(t, http.MethodGet, "/_emulator/ui/api/panels/requests/rows/x", nil), 404, "entity_not_found")
}

// TestChangesCounters: the counters the page polls move with every change
// of the world, the clock and the faults, and with every journaled
// request; reading the inspector moves nothing.
func TestChangesCounters(t *testing.T) {
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	read := func() (uint64, uint64) {
		m := emutest.WantJSON(t, srv.Do(t, http.MethodGet, "/_emulator/ui/api/changes", nil), 200)
		return uint64(m["version"].(float64)), uint64(m["journal"].(float64))
	}
	v0, j0 := read()
	getRows(t, srv, "/_emulator/ui/api/panels/users")
	if v, j := read(); v != v0 || j != j0 {
		t.Fatalf("reading moved the counters: %d/%d -> %d/%d", v0, j0, v, j)
	}
	steps := []struct {
		name    string
		do      func()
		journal bool
	}{
		{"a user created", func() {
			srv.API(t, http.MethodPost, "/user_management/users", map[string]any{"email": "e@example.com"})
		}, true},
		{"the clock advanced", func() { srv.PostJSON(t, "/_emulator/clock", map[string]any{"advance": "1m"}) }, false},
		{"a fault added", func() {
			srv.PostJSON(t, "/_emulator/faults", map[string]any{"path": "/x", "status": 503})
		}, false},
		{"a session revoked", func() { srv.Do(t, http.MethodPost, "/_emulator/sessions/"+emutest.AliceSession+"/revoke", nil) }, false},
		{"a reset", func() { srv.PostJSON(t, "/_emulator/reset", map[string]any{}) }, true},
	}
	for _, s := range steps {
		v1, j1 := read()
		s.do()
		v2, j2 := read()
		if v2 == v1 || (j2 != j1) != s.journal {
			t.Fatalf("%s: version %d -> %d, journal %d -> %d", s.name, v1, v2, j1, j2)
		}
	}
}

// TestSessionsAndRevoke: sessions show live, revoked and expired (with a
// filter for each), the live ones with the revoke action, which the
// control route carries out.
func TestSessionsAndRevoke(t *testing.T) {
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	r := srv.Authenticate(t, map[string]any{"grant_type": "password", "email": "alice@example.com", "password": "wonderland"})
	signedIn := sessionOf(t, r)
	got := getRows(t, srv, "/_emulator/ui/api/panels/sessions")
	var revoke string
	for _, row := range got.Rows {
		if row.ID == signedIn && row.Status == "active" && len(row.Actions) == 1 {
			revoke = row.Actions[0].Path
		}
	}
	if revoke != "/_emulator/sessions/"+signedIn+"/revoke" {
		t.Fatalf("no revoke action for %s: %+v", signedIn, got)
	}
	emutest.WantJSON(t, srv.Do(t, http.MethodPost, revoke, nil), 200)
	revoked := getRows(t, srv, "/_emulator/ui/api/panels/sessions?status=revoked")
	if revoked.Total != 1 || revoked.Rows[0].ID != signedIn || len(revoked.Rows[0].Actions) != 0 {
		t.Fatalf("revoked: %+v", revoked)
	}
	if d := detail(t, srv, "sessions", signedIn); d["status"] != "revoked" || d["ended_at"] == nil {
		t.Fatalf("detail: %v", d)
	}
	// Past the sessions' maximum length, Alice's fixture session shows
	// expired (the revoked one stays revoked).
	emutest.WantJSON(t, srv.PostJSON(t, "/_emulator/clock", map[string]any{"advance": "2000h"}), 200)
	expired := getRows(t, srv, "/_emulator/ui/api/panels/sessions?status=expired")
	if expired.Total != 1 || expired.Rows[0].ID != emutest.AliceSession || len(expired.Rows[0].Actions) != 0 {
		t.Fatalf("expired: %+v", expired)
	}
	if n := getRows(t, srv, "/_emulator/ui/api/panels/sessions?status=revoked").Total; n != 1 {
		t.Fatalf("%d revoked", n)
	}
}

// sessionOf is the sid of a sign-in answer's access token.
func sessionOf(t *testing.T, r emutest.Response) string {
	t.Helper()
	claims := emutest.Claims(t, emutest.WantJSON(t, r, 200)["access_token"].(string))
	return claims["sid"].(string)
}

// TestWebhooksOutboxFaultsKeys: deliveries with payload, signature and
// attempts (and re-send through the control route), e-mailed links with
// their open action, faults and keys with the control routes that own them.
func TestWebhooksOutboxFaultsKeys(t *testing.T) {
	got := make(chan string, 10)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- string(b)
	}))
	defer hook.Close()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	emutest.WantJSON(t, srv.API(t, http.MethodPost, "/webhook_endpoints", map[string]any{"endpoint_url": hook.URL, "events": []string{"user.created"}}), 201)
	emutest.WantJSON(t, srv.API(t, http.MethodPost, "/user_management/users", map[string]any{"email": "erin@example.com"}), 201)
	emutest.WantJSON(t, srv.Do(t, http.MethodPost, "/_emulator/webhooks/flush", nil), 200)
	<-got

	wh := getRows(t, srv, "/_emulator/ui/api/panels/webhooks?q=erin@example.com")
	if wh.Total != 1 || wh.Rows[0].Status != "delivered" || wh.Rows[0].Cells[1] != "user.created" || wh.Rows[0].Cells[5] != "200" {
		t.Fatalf("deliveries: %+v", wh)
	}
	d := detail(t, srv, "webhooks", wh.Rows[0].ID)
	attempts := d["attempts"].([]any)
	if len(attempts) != 1 || !strings.HasPrefix(attempts[0].(map[string]any)["signature"].(string), "t=") ||
		d["payload"].(map[string]any)["event"] != "user.created" {
		t.Fatalf("delivery detail: %v", d)
	}
	resend := wh.Rows[0].Actions[0]
	emutest.WantJSON(t, srv.Do(t, http.MethodPost, resend.Path, nil), 201)
	emutest.WantJSON(t, srv.Do(t, http.MethodPost, "/_emulator/webhooks/flush", nil), 200)
	<-got
	if n := getRows(t, srv, "/_emulator/ui/api/panels/webhooks?status=delivered").Total; n != 2 {
		t.Fatalf("%d delivered after the re-send", n)
	}

	emutest.WantJSON(t, srv.API(t, http.MethodPost, "/user_management/password_reset", map[string]any{"email": "erin@example.com"}), 201)
	ob := getRows(t, srv, "/_emulator/ui/api/panels/outbox?kind=password_reset")
	if ob.Total != 1 || ob.Rows[0].Status != "pending" || len(ob.Rows[0].Actions) != 1 || !strings.Contains(ob.Rows[0].Actions[0].Href, "token=") {
		t.Fatalf("outbox: %+v", ob)
	}

	emutest.WantJSON(t, srv.PostJSON(t, "/_emulator/faults", map[string]any{"method": "POST", "path": "/oauth2/token", "status": 503, "count": 2}), 201)
	f := getRows(t, srv, "/_emulator/ui/api/panels/faults")
	if f.Total != 1 || f.Rows[0].Cells[2] != "/oauth2/token" || f.Rows[0].Cells[4] != "2 of 2" {
		t.Fatalf("faults: %+v", f)
	}
	srv.PostForm(t, "/oauth2/token", url.Values{})
	if f := getRows(t, srv, "/_emulator/ui/api/panels/faults"); f.Rows[0].Cells[4] != "1 of 2" {
		t.Fatalf("fault used once: %+v", f)
	}

	k := getRows(t, srv, "/_emulator/ui/api/panels/keys")
	if k.Total != 1 || k.Rows[0].Status != "active" || len(k.Rows[0].Actions) != 0 {
		t.Fatalf("keys: %+v", k)
	}
	emutest.WantJSON(t, srv.Do(t, http.MethodPost, "/_emulator/keys/rotate", nil), 200)
	k = getRows(t, srv, "/_emulator/ui/api/panels/keys")
	if k.Total != 2 || k.Rows[0].Status == "active" || k.Rows[0].Actions[0].Method != http.MethodDelete || k.Rows[1].Status != "active" {
		t.Fatalf("keys after rotation: %+v", k)
	}
}

// TestPerEnvironment: under /env/<id>, the inspector shows that
// environment's world and nothing of the default one.
func TestPerEnvironment(t *testing.T) {
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	env := emutest.WantJSON(t, srv.PostJSON(t, "/_emulator/environments", map[string]any{}), 201)
	id, key := env["id"].(string), env["api_key"].(string)
	r := srv.Do(t, http.MethodPost, "/user_management/users", strings.NewReader(`{"email":"only-in-env@example.com"}`),
		"Authorization", "Bearer "+key, "Content-Type", "application/json")
	emutest.WantJSON(t, r, 201)

	for _, path := range []string{"/env/" + id + "/_emulator/ui", "/env/" + id + "/_emulator/ui/assets/app.js"} {
		if r := srv.Do(t, http.MethodGet, path, nil); r.Status != 200 {
			t.Fatalf("%s: %d", path, r.Status)
		}
	}
	in := getRows(t, srv, "/env/"+id+"/_emulator/ui/api/panels/users?q=only-in-env")
	out := getRows(t, srv, "/_emulator/ui/api/panels/users?q=only-in-env")
	if in.Total != 1 || out.Total != 0 {
		t.Fatalf("environment %s: %d rows in it, %d in the default one", id, in.Total, out.Total)
	}
	if j := getRows(t, srv, "/env/"+id+"/_emulator/ui/api/panels/requests"); j.Total != 1 {
		t.Fatalf("environment journal: %+v", j)
	}
	emutest.WantError(t, srv.Do(t, http.MethodGet, "/env/env_999/_emulator/ui/api/panels", nil), 404, "environment_not_found")
}
