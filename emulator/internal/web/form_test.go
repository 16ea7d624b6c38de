package web

import (
	"net/http"
	"net/url"
	"testing"
	"unicode/utf8"
)

// FuzzParseForm: the hand-written form parser agrees with url.ParseQuery:
// it accepts exactly the bodies ParseQuery accepts (less repeated keys and
// invalid UTF-8, which it rejects on purpose), with the same values.
func FuzzParseForm(f *testing.F) {
	for _, s := range []string{"", "a=1", "a=1&b=2", "a=1&a=2", "a", "a=", "=b", "a=%zz", "a=%41+b", "a;b=1", "&&a=1&",
		"k%ff=v", "token=eyJhbGciOiJSUzI1NiJ9.e30.sig", "a=1&A=2", "x=%2B%26%3D"} {
		f.Add(s)
	}
	bad := func(status int, msg string) *Error { return APIError(status, CodeInvalidRequest, msg) }
	f.Fuzz(func(t *testing.T, text string) {
		got, err := ParseForm(text, bad)
		want, werr := url.ParseQuery(text)
		valid := werr == nil
		if valid {
			for k, vs := range want {
				if len(vs) > 1 || !utf8.ValidString(k) || !utf8.ValidString(vs[0]) {
					valid = false
				}
			}
		}
		if (err == nil) != valid {
			t.Fatalf("%q: ParseForm err %v, ParseQuery err %v (want %v)", text, err, werr, want)
		}
		if err != nil {
			if e := err.(*Error); e.Status != http.StatusBadRequest {
				t.Fatalf("%q: status %d", text, e.Status)
			}
			return
		}
		if len(got) != len(want) {
			t.Fatalf("%q: %v vs %v", text, got, want)
		}
		for k, v := range got {
			if want.Get(k) != v {
				t.Fatalf("%q: %s=%q vs %q", text, k, v, want.Get(k))
			}
		}
	})
}
