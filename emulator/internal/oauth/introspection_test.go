package oauth_test

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// TestIntrospectionClientAuthAndRequest: who may introspect (an
// application with its secret, the environment with its API key, HTTP
// Basic; not a public client, not both Basic and a body secret) and which
// requests are malformed (no token, not a form, bad escapes, invalid UTF-8,
// a repeated parameter).
func TestIntrospectionClientAuthAndRequest(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	s, err := srv.Session(emutest.AliceSession)
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
		{name: "app secret in body", form: url.Values{"client_id": {emutest.OAuthClientID}, "client_secret": {emutest.OAuthSecret}, "token": {s.AccessToken}}, status: 200, active: true},
		{name: "environment with API key", form: url.Values{"client_id": {emutest.EnvClientID}, "client_secret": {emutest.APIKey}, "token": {s.AccessToken}}, status: 200, active: true},
		{name: "HTTP Basic", form: url.Values{"token": {s.AccessToken}}, header: []string{"Authorization", basic(emutest.M2MClientID, emutest.M2MSecret)}, status: 200, active: true},
		{name: "hint is not a filter", form: url.Values{"client_id": {emutest.OAuthClientID}, "client_secret": {emutest.OAuthSecret}, "token": {s.RefreshToken}, "token_type_hint": {"access_token"}}, status: 200, active: true},
		{name: "tampered token", form: url.Values{"client_id": {emutest.OAuthClientID}, "client_secret": {emutest.OAuthSecret}, "token": {s.AccessToken[:len(s.AccessToken)-2] + "AA"}}, status: 200, active: false},
		{name: "wrong secret", form: url.Values{"client_id": {emutest.OAuthClientID}, "client_secret": {"x"}, "token": {s.AccessToken}}, status: 401, code: "invalid_client"},
		{name: "no credentials", form: url.Values{"token": {s.AccessToken}}, status: 401, code: "invalid_client"},
		{name: "public client cannot introspect", form: url.Values{"client_id": {emutest.PublicClientID}, "token": {s.AccessToken}}, status: 401, code: "invalid_client"},
		{name: "basic and body secret", form: url.Values{"client_secret": {emutest.M2MSecret}, "token": {s.AccessToken}}, header: []string{"Authorization", basic(emutest.M2MClientID, emutest.M2MSecret)}, status: 400, code: "invalid_request"},
		{name: "missing token", form: url.Values{"client_id": {emutest.OAuthClientID}, "client_secret": {emutest.OAuthSecret}}, status: 400, code: "invalid_request"},
		{name: "JSON body", body: `{"token":"x"}`, ctype: "application/json", status: 415, code: "invalid_request"},
		{name: "body without content type", body: "token=x", ctype: "-", status: 415, code: "invalid_request"},
		{name: "malformed form", body: "token=%zz", ctype: "application/x-www-form-urlencoded", status: 400, code: "invalid_request"},
		{name: "invalid UTF-8", body: "client_id=%ff%fe", ctype: "application/x-www-form-urlencoded", status: 400, code: "invalid_request"},
		{name: "repeated token", body: "client_id=" + emutest.OAuthClientID + "&client_secret=" + emutest.OAuthSecret + "&token=a&token=b", ctype: "application/x-www-form-urlencoded", status: 400, code: "invalid_request"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var r emutest.Response
			if tc.form != nil {
				r = srv.PostForm(t, "/oauth2/introspection", tc.form, tc.header...)
			} else {
				hdr := []string{"Content-Type", tc.ctype}
				if tc.ctype == "-" {
					hdr = nil
				}
				r = srv.Do(t, http.MethodPost, "/oauth2/introspection", strings.NewReader(tc.body), hdr...)
			}
			if tc.code != "" {
				emutest.WantError(t, r, tc.status, tc.code)
				return
			}
			if r.Status != tc.status {
				t.Fatalf("status %d: %s", r.Status, r.Body)
			}
			if got := r.JSON(t)["active"]; got != tc.active {
				t.Fatalf("active %v, want %v: %s", got, tc.active, r.Body)
			}
		})
	}
}

// TestIntrospectionUserManagementToken: a User Management access token
// introspects to WorkOS's field set, in order, and stops being active at
// exp by the instance clock. (The other ways a token stops being active,
// key retirement and the session or user disappearing, are covered where
// those operations live.)
func TestIntrospectionUserManagementToken(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	res, err := srv.Mint(context.Background(), emulator.MintRequest{UserID: emutest.BobID, OrganizationID: emutest.GlobexID})
	if err != nil {
		t.Fatal(err)
	}
	r := srv.PostForm(t, "/oauth2/introspection", url.Values{"client_id": {emutest.EnvClientID}, "client_secret": {emutest.APIKey}, "token": {res.AccessToken}})
	want := `{"active":true,"client_id":"` + emutest.EnvClientID + `","iss":"` + emulator.DefaultPublicURL + `/user_management/` + emutest.EnvClientID +
		`","aud":"` + emutest.EnvClientID + `","sub":"` + emutest.BobID + `","org_id":"` + emutest.GlobexID + `","sid":"` + res.SessionID + `","jti":"` + res.JTI +
		`","exp":1768478700,"iat":1768478400,"token_type":"access_token"}`
	if string(r.Body) != want {
		t.Fatalf("got  %s\nwant %s", r.Body, want)
	}
	srv.Clock().Advance(299e9)
	if srv.IntrospectAs(t, emutest.EnvClientID, emutest.APIKey, res.AccessToken)["active"] != true {
		t.Fatal("inactive before exp")
	}
	srv.Clock().Advance(1e9)
	if srv.IntrospectAs(t, emutest.EnvClientID, emutest.APIKey, res.AccessToken)["active"] != false {
		t.Fatal("active at exp")
	}
}
