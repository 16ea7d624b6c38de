package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
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
