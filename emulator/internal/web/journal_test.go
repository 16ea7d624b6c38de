package web_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
)

// TestJournalRedactsWhatHandlersDecode: the journal finds secrets the way
// the handlers decode a body (any case of the media type, percent-encoded
// form keys, escaped JSON keys, nested objects), also in a body too long
// for its slot.
func TestJournalRedactsWhatHandlersDecode(t *testing.T) {
	srv := emutest.New(t, emulator.Config{})
	pad := strings.Repeat("x", 3000)
	cases := []struct {
		name, ctype, body, secret string
		marked                    bool // the redaction shows (a body cut at its slot may end before it)
	}{
		{"an encoded form key, mixed-case media type", "Application/X-WWW-Form-Urlencoded", "client_secre%74=hunter2-form&grant_type=client_credentials", "hunter2-form", true},
		{"an escaped JSON key past the slot", "application/json", `{"pad":"` + pad + `","pass\u0077ord":"hunter2-json"}`, "hunter2-json", false},
		{"an escaped JSON key within the slot", "application/json", `{"pass\u0077ord":"hunter2-short"}`, "hunter2-short", true},
		{"a nested JSON secret", "application/json; charset=utf-8", `{"user":{"Password":"hunter2-nested"}}`, "hunter2-nested", true},
		{"an undecodable body naming a secret", "text/plain", `password=hunter2-text`, "hunter2-text", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv.ClearRequests()
			srv.Do(t, http.MethodPost, "/oauth2/token", strings.NewReader(tc.body), "Content-Type", tc.ctype)
			list, _ := srv.Requests(emulator.RequestFilter{Path: "/oauth2/token"})
			if len(list) != 1 {
				t.Fatalf("%d entries", len(list))
			}
			if strings.Contains(list[0].Body, tc.secret) {
				t.Fatalf("the journal leaks %q: %s", tc.secret, list[0].Body)
			}
			if tc.marked && !strings.Contains(list[0].Body, "REDACTED") {
				t.Fatalf("nothing redacted: %s", list[0].Body)
			}
		})
	}
	t.Run("what is not a secret stays readable", func(t *testing.T) {
		srv.ClearRequests()
		srv.PostForm(t, "/oauth2/token", url.Values{"grant_type": {"client_credentials"}, "client_id": {"client_x"}, "client_secret": {"s"}})
		list, _ := srv.Requests(emulator.RequestFilter{})
		if len(list) != 1 || !strings.Contains(list[0].Body, "client_id=client_x") || strings.Contains(list[0].Body, "client_secret=s&") {
			t.Fatalf("%+v", list)
		}
	})
}

// TestJournalKeepsResponses: each entry carries the answer (headers, body)
// with the credentials it handed out redacted, and the body's full size.
func TestJournalKeepsResponses(t *testing.T) {
	srv := emutest.New(t, emulator.Config{})
	r := srv.ClientCredentials(t, emutest.M2MClientID, emutest.M2MSecret, nil)
	token, _ := r.JSON(t)["access_token"].(string)
	if r.Status != 200 || token == "" {
		t.Fatalf("client_credentials: %d %s", r.Status, r.Body)
	}
	srv.IntrospectAs(t, emutest.OAuthClientID, emutest.OAuthSecret, token)
	list, _ := srv.Requests(emulator.RequestFilter{})
	if len(list) != 2 {
		t.Fatalf("%d entries", len(list))
	}
	minted, introspected := list[0].Response, list[1].Response
	if strings.Contains(minted.Body, token) || !strings.Contains(minted.Body, `"access_token":"[REDACTED]"`) ||
		!strings.Contains(minted.Body, `"token_type"`) || minted.Size != len(r.Body) || minted.Truncated {
		t.Fatalf("token response: %+v", minted)
	}
	if !strings.HasPrefix(introspected.Body, `{"active":true`) || !strings.HasPrefix(introspected.Headers["Content-Type"], "application/json") ||
		introspected.Headers["X-Request-Id"] != list[1].RequestID {
		t.Fatalf("introspection response: %+v", introspected)
	}
	if strings.Contains(list[1].Body, emutest.OAuthSecret) {
		t.Fatalf("request secret kept: %s", list[1].Body)
	}
}

// TestJournalCutsLongResponses: a long answer keeps its start, redacted as
// a prefix, and says it was cut.
func TestJournalCutsLongResponses(t *testing.T) {
	srv := emutest.New(t, emulator.Config{})
	for i := 0; i < 30; i++ {
		srv.API(t, http.MethodPost, "/user_management/users", map[string]any{"email": "user" + strings.Repeat("x", 40) + string(rune('a'+i%26)) + string(rune('a'+i/26)) + "@example.com"})
	}
	srv.ClearRequests()
	r := srv.API(t, http.MethodGet, "/user_management/users?limit=100", nil)
	list, _ := srv.Requests(emulator.RequestFilter{})
	if len(list) != 1 {
		t.Fatalf("%d entries", len(list))
	}
	got := list[0].Response
	if !got.Truncated || got.Size != len(r.Body) || len(got.Body) >= len(r.Body) || !strings.HasPrefix(string(r.Body), got.Body[:100]) {
		t.Fatalf("cut response: truncated=%v size=%d of %d, kept %d", got.Truncated, got.Size, len(r.Body), len(got.Body))
	}
}

// TestRedactJSONPrefix: secret members are redacted whatever their value's
// type and depth, at every cut of the document, and nothing else changes.
func TestRedactJSONPrefix(t *testing.T) {
	secret := func(k string) bool { return k == "access_token" || k == "secret" }
	doc := `{"a":1,"access_token":"eyJhbGciOi.SECRET1.sig","nested":{"secret":{"k":["SECRET2"]},"b":"keep"},"list":[{"secret" : 123456789}],"c":"x"}`
	want := `{"a":1,"access_token":"[REDACTED]","nested":{"secret":"[REDACTED]","b":"keep"},"list":[{"secret" : "[REDACTED]"}],"c":"x"}`
	if got := string(web.RedactJSONPrefix([]byte(doc), secret)); got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	for n := 0; n <= len(doc); n++ {
		got := string(web.RedactJSONPrefix([]byte(doc[:n]), secret))
		for _, s := range []string{"SECRET1", "SECRET2", "123456789", "eyJ"} {
			if strings.Contains(got, s) {
				t.Fatalf("prefix %d leaks %s: %s", n, s, got)
			}
		}
		if !strings.HasPrefix(want, strings.TrimSuffix(got, `"[REDACTED]"`)) {
			t.Fatalf("prefix %d changed what it kept: %s", n, got)
		}
	}
}

// FuzzRedactJSONPrefix: for any JSON document holding a secret member, no
// prefix of it redacts to something that shows the secret's value, and the
// whole document redacts to valid JSON.
func FuzzRedactJSONPrefix(f *testing.F) {
	f.Add("access_token", "tok-value-1", "pad", `{"x":[1,2]}`)
	f.Add("Secret", `va"lue\with"quotes`, "", `"str"`)
	f.Add("client_secret", "sekret-sekret", `{"a":"b"}`, `null`)
	secret := func(k string) bool {
		return strings.EqualFold(k, "access_token") || strings.EqualFold(k, "secret") || strings.EqualFold(k, "client_secret")
	}
	f.Fuzz(func(t *testing.T, key, value, pad, other string) {
		var otherV any
		if json.Unmarshal([]byte(other), &otherV) != nil {
			otherV = other
		}
		docWith := func(value string) ([]byte, error) {
			return json.Marshal(map[string]any{"pad": pad, "other": otherV, key: value, "deep": []any{map[string]any{key: value}}})
		}
		doc, err := docWith(value)
		if err != nil {
			return
		}
		// The rest of the document as it is written: a value it holds
		// anyway (in another field's escaped text, say) is no leak.
		rest, err := docWith("")
		if err != nil {
			return
		}
		whole := web.RedactJSONPrefix(doc, secret)
		var v any
		if err := json.Unmarshal(whole, &v); err != nil {
			t.Fatalf("redacted document is not JSON: %v\n%s", err, whole)
		}
		// The raw value as it appears in the document (escaped).
		enc, _ := json.Marshal(value)
		raw := string(enc[1 : len(enc)-1])
		if !secret(key) || len(raw) < 6 || bytes.Contains(rest, []byte(raw)) || strings.Contains("[REDACTED]", raw) {
			return
		}
		for n := 0; n <= len(doc); n++ {
			if got := web.RedactJSONPrefix(doc[:n], secret); bytes.Contains(got, []byte(raw)) {
				t.Fatalf("prefix %d leaks %q: %s", n, raw, got)
			}
		}
	})
}

// TestRedactResponseBody: each kind of answer loses its secrets and keeps
// the rest.
func TestRedactResponseBody(t *testing.T) {
	cases := []struct{ name, ctype, body, secret, kept string }{
		{"JSON token answer", "application/json; charset=UTF-8", `{"access_token":"eyJ.x.y","token_type":"bearer"}`, "eyJ.x.y", `"token_type":"bearer"`},
		{"JSON nested TOTP", "application/json", `{"totp":{"secret":"JBSWY3DP","uri":"otpauth://totp/x?secret=JBSWY3DP","issuer":"Acme"}}`, "JBSWY3DP", `"issuer":"Acme"`},
		{"JSON without a media type", "", `{"refresh_token":"rt-123456"}`, "rt-123456", `"refresh_token":`},
		{"JSON cut inside the secret", "application/json", `{"user":"u","id_token":"eyJhbGciOi`, "eyJhbGciOi", `"user":"u"`},
		{"HTML enrollment page", "text/html; charset=utf-8", `<p>Add: <code id="totp-secret">JBSWY3DPEHPK3PXP</code></p><input name="code">`, "JBSWY3DPEHPK3PXP", `<input name="code">`},
		{"HTML input value", "text/html", `<input type="password" name="password" value="hunter2">`, "hunter2", `name="password"`},
		{"plain text naming a secret", "text/plain", `client_secret=abc123`, "abc123", "[REDACTED]"},
		{"plain text", "text/plain", `all good`, "\x00", "all good"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := web.RedactResponseBody([]byte(tc.body), tc.ctype)
			if strings.Contains(got, tc.secret) || !strings.Contains(got, tc.kept) {
				t.Fatalf("%s -> %s", tc.body, got)
			}
		})
	}
}

// TestJournalRedactsSetCookie: the hosted page's cookies keep their name
// and attributes in the journal, not their values.
func TestJournalRedactsSetCookie(t *testing.T) {
	srv := emutest.New(t, emulator.Config{})
	r := srv.Do(t, http.MethodGet, "/user_management/authorize?"+url.Values{"client_id": {emutest.EnvClientID},
		"redirect_uri": {emutest.AppCallback}, "response_type": {"code"}, "provider": {"authkit"}}.Encode(), nil)
	page := srv.Do(t, http.MethodGet, r.Header.Get("Location"), nil)
	cookie := page.Header.Get("Set-Cookie")
	name, value, _ := strings.Cut(strings.Split(cookie, ";")[0], "=")
	if page.Status != 200 || value == "" {
		t.Fatalf("login page: %d, cookie %q", page.Status, cookie)
	}
	list, _ := srv.Requests(emulator.RequestFilter{Path: "/authkit/login"})
	if len(list) != 1 {
		t.Fatalf("%d entries", len(list))
	}
	got := list[0].Response.Headers["Set-Cookie"]
	if strings.Contains(got, value) || !strings.HasPrefix(got, name+"=[REDACTED];") || !strings.Contains(strings.ToLower(got), "httponly") {
		t.Fatalf("Set-Cookie in the journal: %q", got)
	}
	if !strings.Contains(list[0].Response.Body, "<form") {
		t.Fatalf("the page's HTML is not kept: %q", list[0].Response.Body)
	}
}
