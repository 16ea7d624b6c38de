package emulator_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// fuzzIssued mints one token of every family on a fresh emulator and
// returns them by value: kind is "um", "connect", "m2m" (access tokens) or
// "refresh".
func fuzzIssued(t testing.TB, e *hostileEnv) map[string]string {
	t.Helper()
	issued := map[string]string{e.access: "um", emutest.AliceRefresh: "refresh"}
	ctx := context.Background()
	um, err := e.srv.Mint(ctx, emulator.MintRequest{UserID: emutest.BobID, OrganizationID: emutest.AcmeID})
	if err != nil {
		t.Fatal(err)
	}
	issued[um.AccessToken], issued[um.RefreshToken] = "um", "refresh"
	cn, err := e.srv.Mint(ctx, emulator.MintRequest{UserID: emutest.AliceID, ClientID: emutest.OAuthClientID, Family: emulator.FamilyConnect})
	if err != nil {
		t.Fatal(err)
	}
	issued[cn.AccessToken], issued[cn.RefreshToken] = "connect", "refresh"
	m2m, err := e.srv.Mint(ctx, emulator.MintRequest{ClientID: emutest.M2MClientID})
	if err != nil {
		t.Fatal(err)
	}
	issued[m2m.AccessToken] = "m2m"
	return issued
}

// FuzzTokens sends fuzzed token strings to introspection, userinfo, as the
// API key, as HTTP Basic client secret and as a path parameter. Properties:
// never a 5xx; introspection answers 200 {"active":false} for anything the
// emulator did not issue (400 for an empty or non-UTF-8 token, a malformed
// form) and active:true (with the right token_type) for
// what it did; userinfo answers 200 only for an issued user access token
// and otherwise 401 in the OAuth shape; the API accepts only the API key;
// Basic authenticates only with the application's secret.
func FuzzTokens(f *testing.F) {
	e := newHostileEnv(f)
	issued := fuzzIssued(f, e)
	e.baseline, e.quick = e.fingerprint(f), e.quickPrint()
	for tok := range issued {
		f.Add(tok)
		f.Add(tok[:len(tok)/2])
		f.Add(" " + tok + "\t")
		f.Add(tok + "=")
	}
	for _, tok := range hostileJWTs(f, e.access) {
		f.Add(tok)
	}
	for _, tok := range []string{"", " ", emutest.APIKey, " " + emutest.APIKey + " ", emutest.OAuthSecret, "demo%5Foauth%5Fsecret", "\x00", "\xff\xfe",
		"Bearer " + emutest.APIKey, "a.b.c", "null", "%zz", "a\r\nX-Injected: 1"} {
		f.Add(tok)
	}
	form := []string{"Content-Type", "application/x-www-form-urlencoded"}
	f.Fuzz(func(t *testing.T, tok string) {
		var problems []string
		run := func(c hostileCase, want func(hostileAnswer) string) hostileAnswer {
			req, a := e.serve(c)
			ps := hostileProblems(req, a)
			if p := want(a); p != "" {
				ps = append(ps, p)
			}
			for _, p := range ps {
				problems = append(problems, fmt.Sprintf("%s\n  %s", hostileDescribe(c, req, a), p))
			}
			return a
		}
		kind, known := issued[tok]
		// Introspection: the token in a form body.
		run(hostileCase{method: http.MethodPost, target: "/oauth2/introspection", header: form,
			body: []byte(url.Values{"client_id": {emutest.OAuthClientID}, "client_secret": {emutest.OAuthSecret}, "token": {tok}}.Encode())},
			func(a hostileAnswer) string {
				if tok == "" || !utf8.ValidString(tok) {
					if a.Status != 400 {
						return fmt.Sprintf("no token or invalid UTF-8: want 400 invalid_request, got %d", a.Status)
					}
					return ""
				}
				var m map[string]any
				if a.Status != 200 || json.Unmarshal(a.Body, &m) != nil {
					return fmt.Sprintf("want 200 JSON, got %d", a.Status)
				}
				if !known {
					if string(a.Body) != `{"active":false}` {
						return fmt.Sprintf(`a token never issued introspects %s, want {"active":false}`, a.Body)
					}
					return ""
				}
				wantType := "access_token"
				if kind == "refresh" {
					wantType = "refresh_token"
				}
				if m["active"] != true || m["token_type"] != wantType {
					return fmt.Sprintf("issued %s token introspects %s", kind, a.Body)
				}
				return ""
			})
		// The token as a Bearer header: userinfo and the API key.
		header := "Bearer " + tok
		bare := strings.TrimSpace(tok)
		tooLong := func(a hostileAnswer) bool {
			return len(header) > 60<<10 && a.Status == http.StatusRequestHeaderFieldsTooLarge
		}
		for _, m := range []string{http.MethodGet, http.MethodPost} {
			run(hostileCase{method: m, target: "/oauth2/userinfo", header: []string{"Authorization", header}},
				func(a hostileAnswer) string {
					k := issued[bare]
					switch {
					case tooLong(a):
					case k == "um" || k == "connect":
						if a.Status != 200 {
							return fmt.Sprintf("an issued %s access token: userinfo %d", k, a.Status)
						}
					case a.Status != 401:
						return fmt.Sprintf("userinfo with a token that is no user access token: %d, want 401", a.Status)
					}
					return ""
				})
		}
		run(hostileCase{method: http.MethodGet, target: "/user_management/users?limit=1", header: []string{"Authorization", header}},
			func(a hostileAnswer) string {
				switch {
				case tooLong(a):
				case bare == emutest.APIKey:
					if a.Status != 200 {
						return fmt.Sprintf("the API key: %d", a.Status)
					}
				case a.Status != 401:
					return fmt.Sprintf("not the API key, yet %d", a.Status)
				}
				return ""
			})
		// HTTP Basic: the token as the application's secret (form-encoded
		// inside Basic, RFC 6749 §2.3.1).
		basic := base64.StdEncoding.EncodeToString([]byte(emutest.OAuthClientID + ":" + tok))
		run(hostileCase{method: http.MethodPost, target: "/oauth2/introspection",
			header: append([]string{"Authorization", "Basic " + basic}, form...), body: []byte("token=x")},
			func(a hostileAnswer) string {
				secret := tok
				if u, err := url.QueryUnescape(tok); err == nil {
					secret = u
				}
				switch {
				case tooLong(a):
				case secret == emutest.OAuthSecret:
					if a.Status != 200 {
						return fmt.Sprintf("Basic with the right secret: %d", a.Status)
					}
				case a.Status != 401:
					return fmt.Sprintf("Basic with a wrong secret: %d, want 401", a.Status)
				}
				return ""
			})
		// A path parameter.
		run(hostileCase{method: http.MethodGet, target: "/user_management/invitations/by_token/" + url.PathEscape(tok),
			header: []string{"Authorization", "Bearer " + emutest.APIKey}}, func(a hostileAnswer) string {
			if a.Status < 400 {
				return fmt.Sprintf("no invitation has this token, yet %d", a.Status)
			}
			return ""
		})
		if q := e.quickPrint(); q != e.quick {
			problems = append(problems, "reading tokens changed the world:\n"+hostileDiff(e.quick, q))
			e.reset(t)
			issued = fuzzIssued(t, e)
			e.quick = e.quickPrint()
		}
		if len(problems) > 0 {
			t.Fatalf("token %q:\n%s", hostileShort(tok), strings.Join(problems, "\n"))
		}
	})
}
