package sso_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

func ids(t testing.TB, list map[string]any) []string {
	t.Helper()
	var out []string
	for _, c := range list["data"].([]any) {
		out = append(out, c.(map[string]any)["id"].(string))
	}
	return out
}

// TestListConnections: newest first, filters by organization, type (the
// spec's GithubOAuth spelling too), domain (the organization's verified
// domains) and name, cursors both ways.
func TestListConnections(t *testing.T) {
	t.Parallel()
	srv := startSSO(t)
	list := func(q string) []string {
		return ids(t, emutest.WantJSON(t, srv.API(t, http.MethodGet, "/connections?"+q, nil), 200))
	}
	if got := strings.Join(list(""), " "); got != googleID+" "+globexID+" "+oktaID {
		t.Fatalf("all: %s", got)
	}
	for q, want := range map[string]string{
		"organization_id=" + emutest.AcmeID:                           oktaID,
		"connection_type=GoogleOAuth":                                 googleID,
		"connection_type=AzureSAML&organization_id=" + emutest.AcmeID: "",
		"domain=ACME.test":                                            oktaID,
		"domain=globex.test":                                          globexID,
		"search=entra":                                                globexID,
		"order=asc&limit=1":                                           oktaID,
		"order=asc&after=" + oktaID:                                   globexID + " " + googleID,
		"before=" + oktaID + "&limit=1":                               globexID,
	} {
		if got := strings.Join(list(q), " "); got != want {
			t.Errorf("%s: %q, want %q", q, got, want)
		}
	}
	emutest.WantError(t, srv.API(t, http.MethodGet, "/connections?connection_type=Nope", nil), 422, "invalid_request_parameters")
	c := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/connections/"+oktaID, nil), 200)
	domains := c["domains"].([]any)
	if c["state"] != "active" || c["status"] != "linked" || c["organization_id"] != emutest.AcmeID || len(domains) != 1 ||
		domains[0].(map[string]any)["domain"] != "acme.test" || domains[0].(map[string]any)["object"] != "connection_domain" {
		t.Fatalf("connection %v", c)
	}
	if g := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/connections/"+googleID, nil), 200); g["organization_id"] != nil || g["name"] != "GoogleOAuth" {
		t.Fatalf("provider %v", g)
	}
	emutest.WantError(t, srv.API(t, http.MethodGet, "/connections/conn_01JGK0000000000000000000ZZ", nil), 404, "entity_not_found")
}

// TestConnectionStates: deactivating a connection (control plane) ends the
// sessions it started and stops sign-ins; activating it again emits
// connection.activated.
func TestConnectionStates(t *testing.T) {
	t.Parallel()
	srv := startSSO(t)
	r := srv.Do(t, http.MethodGet, "/user_management/authorize?"+url.Values{"client_id": {emutest.EnvClientID}, "redirect_uri": {emutest.AppCallback},
		"response_type": {"code"}, "connection_id": {oktaID}, "login_hint": {"alice@acme.test"}, "auto_login": {"true"}}.Encode(), nil)
	loc, _ := url.Parse(r.Header.Get("Location"))
	signedIn := emutest.SignedIn(t, srv.Authenticate(t, map[string]any{"grant_type": "authorization_code", "code": loc.Query().Get("code")}))
	state := func(s string) emutest.Response {
		return srv.Do(t, http.MethodPatch, "/_emulator/connections/"+oktaID, strings.NewReader(`{"state":"`+s+`"}`), "Content-Type", "application/json")
	}
	if c := emutest.WantJSON(t, state("inactive"), 200); c["state"] != "inactive" || c["status"] != "unlinked" {
		t.Fatalf("deactivated: %v", c)
	}
	emutest.WantError(t, srv.Authenticate(t, map[string]any{"grant_type": "refresh_token", "refresh_token": signedIn["refresh_token"]}), 400, "invalid_grant")
	r = srv.Do(t, http.MethodGet, "/sso/authorize?"+url.Values{"client_id": {emutest.EnvClientID}, "redirect_uri": {emutest.AppCallback},
		"response_type": {"code"}, "connection": {oktaID}}.Encode(), nil)
	if loc, _ := url.Parse(r.Header.Get("Location")); loc.Query().Get("error") != "connection_unlinked" {
		t.Fatalf("inactive connection signed in: %s", loc)
	}
	emutest.WantJSON(t, state("active"), 200)
	emutest.WantError(t, state("sleeping"), 422, "invalid_request_parameters")
	ev := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/events?events=connection.activated&events=connection.deactivated&order=asc", nil), 200)
	var got []string
	for _, e := range ev["data"].([]any) {
		got = append(got, e.(map[string]any)["event"].(string))
	}
	// Two active connections came with the fixtures added at run time.
	if strings.Join(got, " ") != "connection.activated connection.activated connection.deactivated connection.activated" {
		t.Fatalf("events %v", got)
	}
}

// TestLogout: /sso/logout/authorize makes a logout URL; following it ends
// the profile's access tokens and goes to the environment's logout
// redirect; the token is single use.
func TestLogout(t *testing.T) {
	t.Parallel()
	srv := startSSO(t)
	r := srv.Do(t, http.MethodGet, "/sso/authorize?"+url.Values{"client_id": {emutest.EnvClientID}, "redirect_uri": {emutest.AppCallback},
		"response_type": {"code"}, "connection": {oktaID}, "login_hint": {"alice@acme.test"}, "auto_login": {"true"}}.Encode(), nil)
	loc, _ := url.Parse(r.Header.Get("Location"))
	tok := emutest.WantJSON(t, srv.PostForm(t, "/sso/token", url.Values{"client_id": {emutest.EnvClientID}, "client_secret": {emutest.APIKey},
		"grant_type": {"authorization_code"}, "code": {loc.Query().Get("code")}}), 200)
	lo := emutest.WantJSON(t, srv.API(t, http.MethodPost, "/sso/logout/authorize", map[string]any{"profile_id": aliceID}), 200)
	u, _ := url.Parse(lo["logout_url"].(string))
	if u.Query().Get("token") != lo["logout_token"] || !strings.HasPrefix(lo["logout_url"].(string), srv.URL+"/sso/logout?") {
		t.Fatalf("logout %v", lo)
	}
	if r := srv.Do(t, http.MethodGet, u.RequestURI(), nil); r.Status != 302 || r.Header.Get("Location") != "http://localhost:3000" {
		t.Fatalf("logout redirect: %d %s", r.Status, r.Header.Get("Location"))
	}
	emutest.WantError(t, srv.Do(t, http.MethodGet, "/sso/profile", nil, "Authorization", "Bearer "+tok["access_token"].(string)), 401, "Unauthorized")
	emutest.WantError(t, srv.Do(t, http.MethodGet, u.RequestURI(), nil), 404, "entity_not_found")
	emutest.WantError(t, srv.API(t, http.MethodPost, "/sso/logout/authorize", map[string]any{}), 422, "invalid_request_parameters")
}

// connectionsYAML is n connections of one organization, for the
// benchmark.
func connectionsYAML(n int) string {
	var b strings.Builder
	b.WriteString("connections:\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "  - {name: Conn %d, connection_type: GenericSAML, organization_id: %s}\n", i, emutest.AcmeID)
	}
	return b.String()
}

// BenchmarkListConnections: a page of connections costs the same with 100
// or 20,000 of them (binary search in the creation-ordered index), first
// page or deep in the list.
func BenchmarkListConnections(b *testing.B) {
	for _, n := range []int{100, 20000} {
		srv := emutest.New(b, emulator.Config{Clock: emutest.T0})
		if _, err := srv.AddFixtures(context.Background(), []byte(connectionsYAML(n)), "many.yaml"); err != nil {
			b.Fatal(err)
		}
		mid := ids(b, emutest.WantJSON(b, srv.API(b, http.MethodGet, "/connections?limit=100&order=asc", nil), 200))[50]
		for _, bc := range []struct{ name, query string }{
			{"first page", "limit=10"},
			{"by organization", "limit=10&organization_id=" + emutest.AcmeID},
			{"after a cursor", "limit=10&after=" + mid},
		} {
			q := bc.query
			b.Run(fmt.Sprintf("n=%d/%s", n, bc.name), func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					if r := srv.API(b, http.MethodGet, "/connections?"+q, nil); r.Status != 200 {
						b.Fatal(r.Status)
					}
				}
			})
		}
	}
}
