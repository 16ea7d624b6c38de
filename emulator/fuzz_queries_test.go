package emulator_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// fuzzQueryWorld is the default world plus enough users, organizations,
// memberships and permissions for several pages of every list.
func fuzzQueryWorld(t testing.TB) *fixtures.Set {
	t.Helper()
	var b strings.Builder
	b.WriteString("users:\n")
	for i := 0; i < 25; i++ {
		fmt.Fprintf(&b, "  - {email: fuzz%d@example.com, email_verified: true, password: pw}\n", i)
	}
	b.WriteString("organizations:\n")
	for i := 0; i < 25; i++ {
		fmt.Fprintf(&b, "  - {id: %s, name: Fuzz %d, domains: [fuzz%d.test]}\n", fuzzOrgID(i), i, i)
	}
	b.WriteString("memberships:\n")
	for i := 0; i < 25; i++ {
		fmt.Fprintf(&b, "  - {user_email: fuzz%d@example.com, organization_id: %s, role: member}\n", i, emutest.AcmeID)
		fmt.Fprintf(&b, "  - {user_id: %s, organization_id: %s, status: %s}\n", emutest.BobID, fuzzOrgID(i),
			[]string{"active", "inactive", "pending"}[i%3])
	}
	b.WriteString("permissions:\n")
	for i := 0; i < 25; i++ {
		fmt.Fprintf(&b, "  - {slug: \"fuzz:%d\", name: Fuzz %d}\n", i, i)
	}
	added, err := fixtures.Decode([]byte(b.String()), "fuzz.yaml")
	if err != nil {
		t.Fatal(err)
	}
	set, err := fixtures.Merge(fixtures.Default(), added)
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func fuzzOrgID(i int) string { return fmt.Sprintf("org_01JGJ5PDQQYSQW43DAPDSPFZ%02d", i) }

// fuzzQueryTargets are the list endpoints and the authorize endpoints whose
// query strings FuzzQueries fuzzes.
var fuzzQueryTargets = []string{
	"/user_management/users",
	"/organizations",
	"/user_management/organization_memberships",
	"/user_management/invitations",
	"/authorization/permissions",
	"/user_management/users/" + emutest.AliceID + "/sessions",
	"/user_management/authorize",
	"/oauth2/authorize",
}

// FuzzQueries fuzzes raw query strings on the list endpoints (users,
// organizations, memberships, invitations, permissions, sessions) and on
// both authorize endpoints. Properties: 2xx, 3xx or 4xx only, errors JSON in
// the documented shape; a 200 list has the list envelope and its
// list_metadata; cursors round-trip: when a page has list_metadata.after
// (before), asking for after=<it> (before=<it>) with the same filters
// answers 200 with a page that does not repeat the cursor; an authorize
// redirect goes to the hosted login page or to the request's redirect_uri,
// nowhere else.
func FuzzQueries(f *testing.F) {
	world := fuzzQueryWorld(f)
	var h http.Handler
	setup := func(t testing.TB) {
		srv := emutest.New(t, emulator.Config{Clock: emutest.T0, Fixtures: world, PublicURL: "http://127.0.0.1:8484"})
		h = srv.Handler()
		// Sessions and invitations to page through.
		for i := 0; i < 12; i++ {
			if _, err := srv.Mint(context.Background(), emulator.MintRequest{UserID: emutest.AliceID, OrganizationID: emutest.AcmeID}); err != nil {
				t.Fatal(err)
			}
			c := hostileCase{method: http.MethodPost, target: "/user_management/invitations",
				header: []string{"Authorization", "Bearer " + emutest.APIKey, "Content-Type", "application/json"},
				body:   []byte(fmt.Sprintf(`{"email":"invitee%d@example.com","organization_id":%q}`, i, emutest.AcmeID))}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, hostileRequest(c))
			if rec.Code != http.StatusCreated {
				t.Fatalf("invitation: %d %s", rec.Code, rec.Body)
			}
		}
	}
	setup(f)
	serve := func(path, rawQuery string) (*http.Request, hostileAnswer) {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.URL.RawQuery = rawQuery
		req.RequestURI = path + "?" + rawQuery
		req.Header.Set("Authorization", "Bearer "+emutest.APIKey)
		req = req.WithContext(context.WithValue(req.Context(), hostileInputKey{}, []byte(nil)))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return req, hostileAnswer{rec.Code, rec.Header(), rec.Body.Bytes()}
	}
	for i := range fuzzQueryTargets {
		f.Add(uint8(i), "")
		f.Add(uint8(i), "limit=3&order=asc")
		f.Add(uint8(i), "limit=2&order=desc&user_id="+emutest.BobID+"&statuses=active,inactive&statuses[]=pending")
	}
	for _, q := range []string{"limit=0", "limit=101", "limit=-1", "limit=1e3", "order=sideways", "after=user_nope", "before=x&after=y",
		"organization_id=" + emutest.AcmeID + "&limit=5", "domains=acme.test&domains[]=globex.test&search=ac", "email=ALICE@example.com",
		"limit=%zz", "a=%", "statuses=bogus&user_id=" + emutest.BobID, "limit=1&limit=2", ";;;", "email=%ff",
		"client_id=" + emutest.EnvClientID + "&redirect_uri=http://localhost:3000/callback&response_type=code&provider=authkit&login_hint=alice@example.com&auto_login=true&state=s",
		"client_id=" + emutest.OAuthClientID + "&redirect_uri=http://localhost:3000/callback&response_type=code&scope=openid%20profile&state=s&code_challenge=" + strings.Repeat("a", 43) + "&code_challenge_method=S256",
		"client_id=" + emutest.EnvClientID + "&redirect_uri=http://evil.example/callback&response_type=code&provider=authkit",
		"client_id=" + emutest.EnvClientID + "&redirect_uri=http://localhost:1234/callback&response_type=token&provider=authkit&state=%00",
	} {
		f.Add(uint8(0), q)
		f.Add(uint8(6), q)
	}
	redirects := 0
	f.Fuzz(func(t *testing.T, target uint8, rawQuery string) {
		path := fuzzQueryTargets[int(target)%len(fuzzQueryTargets)]
		req, a := serve(path, rawQuery)
		problems := hostileProblems(req, a)
		if a.Status >= 300 && a.Status < 400 {
			redirects++
			if p := fuzzRedirectProblem(req, a); p != "" {
				problems = append(problems, p)
			}
		}
		if a.Status == http.StatusOK && !strings.HasSuffix(path, "/authorize") {
			problems = append(problems, fuzzListProblems(req, a, serve)...)
		}
		if len(problems) > 0 {
			t.Fatalf("GET %s?%s\nanswer: %d %s\n- %s", path, hostileShort(rawQuery), a.Status, hostileShort(string(a.Body)), strings.Join(problems, "\n- "))
		}
		if redirects > 5000 {
			// Sign-ins in progress pile up (the world is otherwise read-only
			// here): start over.
			redirects = 0
			setup(t)
		}
	})
}

// fuzzRedirectProblem checks where an authorize redirect goes: the hosted
// login page, or the redirect_uri of the request (an error or a code),
// never anywhere else.
func fuzzRedirectProblem(req *http.Request, a hostileAnswer) string {
	loc := a.Header.Get("Location")
	if strings.HasPrefix(strings.TrimPrefix(loc, "http://127.0.0.1:8484"), "/authkit/login?flow=") {
		return "" // the hosted login page, relative or under the public URL
	}
	got, err := url.Parse(loc)
	want, err2 := url.Parse(req.URL.Query().Get("redirect_uri"))
	if err != nil || err2 != nil || got.Scheme != want.Scheme || got.Host != want.Host || got.Path != want.Path {
		return fmt.Sprintf("redirect to %q, which is neither the login page nor the redirect_uri %q", loc, req.URL.Query().Get("redirect_uri"))
	}
	if !slices.ContainsFunc([]string{"code", "error"}, func(k string) bool { return got.Query().Get(k) != "" }) {
		return fmt.Sprintf("redirect to the client without code or error: %q", loc)
	}
	return ""
}

// fuzzListProblems checks a 200 list: the envelope, and the cursors'
// round trips.
func fuzzListProblems(req *http.Request, a hostileAnswer, serve func(path, rawQuery string) (*http.Request, hostileAnswer)) []string {
	var list struct {
		Object string            `json:"object"`
		Data   []json.RawMessage `json:"data"`
		Meta   map[string]any    `json:"list_metadata"`
	}
	if err := json.Unmarshal(a.Body, &list); err != nil || list.Object != "list" || list.Data == nil || list.Meta == nil {
		return []string{"a 200 list without the list envelope {object:list, data:[], list_metadata:{}}"}
	}
	var out []string
	for _, dir := range []string{"before", "after"} {
		v, present := list.Meta[dir]
		if !present {
			out = append(out, "list_metadata lacks "+dir)
			continue
		}
		cursor, ok := v.(string)
		if v != nil && !ok {
			out = append(out, fmt.Sprintf("list_metadata.%s is %v, want a string or null", dir, v))
		}
		if !ok {
			continue
		}
		q := req.URL.Query()
		q.Del("before")
		q.Del("after")
		q.Set(dir, cursor)
		_, next := serve(req.URL.Path, q.Encode())
		if next.Status != http.StatusOK {
			out = append(out, fmt.Sprintf("round trip: %s=%s answered %d %s", dir, cursor, next.Status, hostileShort(string(next.Body))))
			continue
		}
		if strings.Contains(string(next.Body), `"id":"`+cursor+`"`) {
			out = append(out, fmt.Sprintf("round trip: the page %s=%s repeats the cursor", dir, cursor))
		}
	}
	return out
}
