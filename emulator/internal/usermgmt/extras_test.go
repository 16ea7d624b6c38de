package usermgmt_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// eventTypes lists the types of the events logged so far, oldest first.
func eventTypes(t *testing.T, srv *emutest.Server) []string {
	t.Helper()
	var out []string
	for _, e := range emutest.WantJSON(t, srv.API(t, http.MethodGet, "/events?order=asc&limit=100", nil), 200)["data"].([]any) {
		out = append(out, e.(map[string]any)["event"].(string))
	}
	return out
}

// TestEmailChange: the code goes to the new address; confirming it moves
// the user there (verified, user.updated, signs in with the new address);
// the code is single use, expires after ten minutes, survives four wrong
// guesses, and the address must still be free when it is confirmed.
func TestEmailChange(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	send := func(id, email string) emutest.Response {
		return srv.API(t, http.MethodPost, "/user_management/users/"+id+"/email_change/send", map[string]any{"new_email": email})
	}
	confirm := func(id, code string) emutest.Response {
		return srv.API(t, http.MethodPost, "/user_management/users/"+id+"/email_change/confirm", map[string]any{"code": code})
	}
	ch := emutest.WantJSON(t, send(emutest.AliceID, "alice@wonderland.test"), 200)
	if ch["object"] != "email_change" || ch["new_email"] != "alice@wonderland.test" || ch["expires_at"] != "2026-01-15T12:10:00.000Z" ||
		ch["user"].(map[string]any)["email"] != "alice@example.com" {
		t.Fatalf("send: %v", ch)
	}
	codes := srv.Codes("alice@wonderland.test", "email_change")
	if len(codes) != 1 || codes[0].UserID != emutest.AliceID || len(codes[0].Code) != 6 {
		t.Fatalf("outbox: %+v", codes)
	}
	code := codes[0].Code
	for i := 0; i < 4; i++ {
		emutest.WantError(t, confirm(emutest.AliceID, wrong(code)), 400, "email_change_code_incorrect")
	}
	done := emutest.WantJSON(t, confirm(emutest.AliceID, code), 200)
	u := done["user"].(map[string]any)
	if done["object"] != "email_change_confirmation" || u["email"] != "alice@wonderland.test" || u["email_verified"] != true {
		t.Fatalf("confirm: %v", done)
	}
	emutest.WantError(t, confirm(emutest.AliceID, code), 409, "email_change_code_previously_used")
	if ev := eventTypes(t, srv); len(ev) != 1 || ev[0] != "user.updated" {
		t.Fatalf("events %v, want [user.updated]", ev)
	}
	emutest.SignedIn(t, srv.Authenticate(t, map[string]any{"grant_type": "password", "email": "alice@wonderland.test", "password": "wonderland"}))
	emutest.WantError(t, srv.Authenticate(t, map[string]any{"grant_type": "password", "email": "alice@example.com", "password": "wonderland"}), 400, "invalid_credentials")

	t.Run("expires", func(t *testing.T) {
		emutest.WantJSON(t, send(emutest.BobID, "bob@builder.test"), 200)
		code := srv.Codes("bob@builder.test", "email_change")[0].Code
		srv.Clock().Advance(10*time.Minute + time.Second)
		emutest.WantError(t, confirm(emutest.BobID, code), 400, "email_change_code_expired")
		// a new code supersedes it
		emutest.WantJSON(t, send(emutest.BobID, "bob@builder.test"), 200)
		emutest.WantJSON(t, confirm(emutest.BobID, srv.Codes("bob@builder.test", "email_change")[0].Code), 200)
	})
	t.Run("too many wrong codes", func(t *testing.T) {
		emutest.WantJSON(t, send(emutest.CarolID, "carol@elsewhere.test"), 200)
		code := srv.Codes("carol@elsewhere.test", "email_change")[0].Code
		for i := 0; i < 5; i++ {
			emutest.WantError(t, confirm(emutest.CarolID, wrong(code)), 400, "email_change_code_incorrect")
		}
		emutest.WantError(t, confirm(emutest.CarolID, code), 429, "email_change_too_many_attempts")
	})
	t.Run("taken meanwhile", func(t *testing.T) {
		emutest.WantJSON(t, send(emutest.CarolID, "shared@example.com"), 200)
		code := srv.Codes("shared@example.com", "email_change")[0].Code
		emutest.WantJSON(t, srv.API(t, http.MethodPost, "/user_management/users", map[string]any{"email": "shared@example.com"}), 201)
		emutest.WantError(t, confirm(emutest.CarolID, code), 409, "email_not_available")
	})
	t.Run("refusals", func(t *testing.T) {
		emutest.WantError(t, send(emutest.CarolID, "bob@builder.test"), 409, "email_not_available")
		emutest.WantError(t, send(emutest.CarolID, "not-an-email"), 422, "invalid_email")
		emutest.WantError(t, send(emutest.CarolID, ""), 422, "invalid_request_parameters")
		emutest.WantError(t, send("user_01JGK40000000000000000ZZZZ", "x@example.com"), 404, "entity_not_found")
		emutest.WantError(t, confirm(emutest.AliceID, wrong(code)), 400, "email_change_code_incorrect") // only the right code learns it was used
	})
}

// wrong returns a six-digit code other than code.
func wrong(code string) string {
	if code == "000000" {
		return "111111"
	}
	return "000000"
}

// authorizeStatus is the status of /user_management/authorize for a
// redirect URI.
func authorizeStatus(t *testing.T, srv *emutest.Server, redirectURI string) int {
	t.Helper()
	q := url.Values{"client_id": {emutest.EnvClientID}, "redirect_uri": {redirectURI}, "response_type": {"code"}, "provider": {"authkit"}}
	return srv.Do(t, http.MethodGet, "/user_management/authorize?"+q.Encode(), nil).Status
}

// TestRedirectURIsAPI: the API lists the fixture's redirect URIs (the
// first one the default), and authorize obeys an addition or a deletion by
// the very next request, wildcards included; the default one stays.
func TestRedirectURIsAPI(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	list := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/user_management/redirect_uris?order=asc", nil), 200)["data"].([]any)
	if len(list) != 3 {
		t.Fatalf("seeded: %v", list)
	}
	first := list[0].(map[string]any)
	if first["uri"] != emutest.AppCallback || first["default"] != true || list[1].(map[string]any)["default"] != false ||
		!strings.HasPrefix(first["id"].(string), "redir_") {
		t.Fatalf("seeded: %v", list)
	}
	const app = "https://app.example.com/auth/callback"
	if got := authorizeStatus(t, srv, app); got != 400 {
		t.Fatalf("before: %d", got)
	}
	r := emutest.WantJSON(t, srv.API(t, http.MethodPost, "/user_management/redirect_uris", map[string]any{"uri": app}), 201)
	if r["object"] != "redirect_uri" || r["default"] != false {
		t.Fatalf("created: %v", r)
	}
	if got := authorizeStatus(t, srv, app); got != 302 {
		t.Fatalf("after adding: %d", got)
	}
	emutest.WantError(t, srv.API(t, http.MethodPost, "/user_management/redirect_uris", map[string]any{"uri": app}), 422, "redirect_uri_already_exists")
	if got := srv.API(t, http.MethodDelete, "/user_management/redirect_uris/"+r["id"].(string), nil); got.Status != 204 {
		t.Fatalf("delete: %d %s", got.Status, got.Body)
	}
	if got := authorizeStatus(t, srv, app); got != 400 {
		t.Fatalf("after deleting: %d", got)
	}
	// a wildcard subdomain
	emutest.WantJSON(t, srv.API(t, http.MethodPost, "/user_management/redirect_uris", map[string]any{"uri": "https://*.preview.example.com/cb"}), 201)
	if authorizeStatus(t, srv, "https://pr-7.preview.example.com/cb") != 302 || authorizeStatus(t, srv, "https://a.b.preview.example.com/cb") != 400 {
		t.Fatal("wildcard not obeyed")
	}
	emutest.WantError(t, srv.API(t, http.MethodDelete, "/user_management/redirect_uris/"+first["id"].(string), nil), 409, "default_redirect_uri")
	emutest.WantError(t, srv.API(t, http.MethodPost, "/user_management/redirect_uris", map[string]any{"uri": "not a url"}), 422, "invalid_redirect_uri")
	emutest.WantError(t, srv.API(t, http.MethodPost, "/user_management/redirect_uris", map[string]any{}), 422, "invalid_request_parameters")
	// paging: 4 URIs, two a page, newest first
	p1 := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/user_management/redirect_uris?limit=2", nil), 200)
	after := p1["list_metadata"].(map[string]any)["after"].(string)
	p2 := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/user_management/redirect_uris?limit=2&after="+after, nil), 200)
	if d := p2["data"].([]any); len(d) != 2 || d[1].(map[string]any)["uri"] != emutest.AppCallback {
		t.Fatalf("second page: %v", p2)
	}
	// a reset brings back the fixtures' list
	if err := srv.Reset(true); err != nil {
		t.Fatal(err)
	}
	if got := authorizeStatus(t, srv, "https://pr-7.preview.example.com/cb"); got != 400 {
		t.Fatalf("after reset: %d", got)
	}
}

// corsOrigin is the Access-Control-Allow-Origin a browser on origin gets.
func corsOrigin(t *testing.T, srv *emutest.Server, origin string) string {
	t.Helper()
	return srv.Do(t, http.MethodGet, "/oauth2/jwks", nil, "Origin", origin).Header.Get("Access-Control-Allow-Origin")
}

// TestCORSOriginsAPI: without configured origins any localhost origin is
// allowed; the first origin added over the API replaces that default at
// once, and the list is the one the fixtures seeded plus the additions.
func TestCORSOriginsAPI(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	if corsOrigin(t, srv, "http://localhost:5173") != "http://localhost:5173" || corsOrigin(t, srv, "https://app.example.com") != "" {
		t.Fatal("default: localhost only")
	}
	o := emutest.WantJSON(t, srv.API(t, http.MethodPost, "/user_management/cors_origins", map[string]any{"origin": "https://App.Example.com"}), 201)
	if o["object"] != "cors_origin" || !strings.HasPrefix(o["id"].(string), "cors_origin_") {
		t.Fatalf("created: %v", o)
	}
	if got := corsOrigin(t, srv, "https://app.example.com"); got != "https://app.example.com" {
		t.Fatalf("added origin: %q", got)
	}
	if got := corsOrigin(t, srv, "http://localhost:5173"); got != "" {
		t.Fatalf("localhost after a list exists: %q", got)
	}
	emutest.WantError(t, srv.API(t, http.MethodPost, "/user_management/cors_origins", map[string]any{"origin": "https://app.example.com"}), 409, "duplicate_cors_origin")
	emutest.WantError(t, srv.API(t, http.MethodPost, "/user_management/cors_origins", map[string]any{"origin": "ftp:/x"}), 422, "invalid_request_parameters")

	seeded := emutest.New(t, emulator.Config{Fixtures: emutest.Parse(t, "environment: {client_id: client_1, api_keys: [sk_test_emulator], cors_origins: [https://one.example.com]}\n")})
	list := emutest.WantJSON(t, seeded.API(t, http.MethodGet, "/user_management/cors_origins", nil), 200)["data"].([]any)
	if len(list) != 1 || list[0].(map[string]any)["origin"] != "https://one.example.com" {
		t.Fatalf("seeded: %v", list)
	}
	emutest.WantJSON(t, seeded.API(t, http.MethodPost, "/user_management/cors_origins", map[string]any{"origin": "http://localhost:3000"}), 201)
	if corsOrigin(t, seeded, "http://localhost:3000") != "http://localhost:3000" || corsOrigin(t, seeded, "https://one.example.com") != "https://one.example.com" {
		t.Fatal("both origins allowed")
	}
}
