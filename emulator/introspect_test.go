package emulator_test

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/authkit-emulator/authkit-emulator/emulator"
)

func TestIntrospectionClientAuthAndRequest(t *testing.T) {
	t.Parallel()
	srv, err := emulator.New(emulator.Config{Clock: t0})
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	s, err := srv.Session(aliceSession)
	if err != nil {
		t.Fatal(err)
	}
	basic := func(id, secret string) string {
		return "Basic " + base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(id)+":"+url.QueryEscape(secret)))
	}
	tests := []struct {
		name   string
		form   url.Values
		header []string
		body   string
		ctype  string
		status int
		code   string
		active any
	}{
		{name: "app secret in body", form: url.Values{"client_id": {oauthClientID}, "client_secret": {oauthSecret}, "token": {s.AccessToken}}, status: 200, active: true},
		{name: "environment with API key", form: url.Values{"client_id": {envClientID}, "client_secret": {apiKey}, "token": {s.AccessToken}}, status: 200, active: true},
		{name: "HTTP Basic", form: url.Values{"token": {s.AccessToken}}, header: []string{"Authorization", basic(m2mClientID, m2mSecret)}, status: 200, active: true},
		{name: "hint is not a filter", form: url.Values{"client_id": {oauthClientID}, "client_secret": {oauthSecret}, "token": {s.RefreshToken}, "token_type_hint": {"access_token"}}, status: 200, active: true},
		{name: "tampered token", form: url.Values{"client_id": {oauthClientID}, "client_secret": {oauthSecret}, "token": {s.AccessToken[:len(s.AccessToken)-2] + "AA"}}, status: 200, active: false},
		{name: "wrong secret", form: url.Values{"client_id": {oauthClientID}, "client_secret": {"x"}, "token": {s.AccessToken}}, status: 401, code: "invalid_client"},
		{name: "no credentials", form: url.Values{"token": {s.AccessToken}}, status: 401, code: "invalid_client"},
		{name: "public client cannot introspect", form: url.Values{"client_id": {publicClient}, "token": {s.AccessToken}}, status: 401, code: "invalid_client"},
		{name: "basic and body secret", form: url.Values{"client_secret": {m2mSecret}, "token": {s.AccessToken}}, header: []string{"Authorization", basic(m2mClientID, m2mSecret)}, status: 400, code: "invalid_request"},
		{name: "missing token", form: url.Values{"client_id": {oauthClientID}, "client_secret": {oauthSecret}}, status: 400, code: "invalid_request"},
		{name: "JSON body", body: `{"token":"x"}`, ctype: "application/json", status: 415, code: "invalid_request"},
		{name: "body without content type", body: "token=x", ctype: "-", status: 415, code: "invalid_request"},
		{name: "malformed form", body: "token=%zz", ctype: "application/x-www-form-urlencoded", status: 400, code: "invalid_request"},
		{name: "invalid UTF-8", body: "client_id=%ff%fe", ctype: "application/x-www-form-urlencoded", status: 400, code: "invalid_request"},
		{name: "repeated token", body: "client_id=" + oauthClientID + "&client_secret=" + oauthSecret + "&token=a&token=b", ctype: "application/x-www-form-urlencoded", status: 400, code: "invalid_request"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var r response
			if tc.form != nil {
				r = postForm(t, h, "/oauth2/introspection", tc.form, tc.header...)
			} else {
				hdr := []string{"Content-Type", tc.ctype}
				if tc.ctype == "-" {
					hdr = nil
				}
				r = do(t, h, http.MethodPost, "/oauth2/introspection", strings.NewReader(tc.body), hdr...)
			}
			if tc.code != "" {
				wantError(t, r, tc.status, tc.code)
				return
			}
			if r.Status != tc.status {
				t.Fatalf("status %d: %s", r.Status, r.Body)
			}
			if got := r.json(t)["active"]; got != tc.active {
				t.Fatalf("active %v, want %v: %s", got, tc.active, r.Body)
			}
		})
	}
}

// TestIntrospectionFollowsState covers the ways a token stops being active:
// expiry by the instance clock, key retirement, and the session and user
// disappearing are covered where those operations live; here: expiry and
// the User Management field set.
func TestIntrospectionUserManagementToken(t *testing.T) {
	t.Parallel()
	srv, err := emulator.New(emulator.Config{Clock: t0})
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	res, err := srv.Mint(context.Background(), emulator.MintRequest{UserID: bobID, OrganizationID: globexID})
	if err != nil {
		t.Fatal(err)
	}
	r := postForm(t, h, "/oauth2/introspection", url.Values{"client_id": {envClientID}, "client_secret": {apiKey}, "token": {res.AccessToken}})
	want := `{"active":true,"client_id":"` + envClientID + `","iss":"` + emulator.DefaultPublicURL + `/user_management/` + envClientID +
		`","aud":"` + envClientID + `","sub":"` + bobID + `","org_id":"` + globexID + `","sid":"` + res.SessionID + `","jti":"` + res.JTI +
		`","exp":1768478700,"iat":1768478400,"token_type":"access_token"}`
	if string(r.Body) != want {
		t.Fatalf("got  %s\nwant %s", r.Body, want)
	}
	srv.Clock().Advance(299e9)
	if introspect(t, h, envClientID, apiKey, res.AccessToken)["active"] != true {
		t.Fatal("inactive before exp")
	}
	srv.Clock().Advance(1e9)
	if introspect(t, h, envClientID, apiKey, res.AccessToken)["active"] != false {
		t.Fatal("active at exp")
	}
}
