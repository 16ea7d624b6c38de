package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"
)

// ParseForm decodes urlencoded text strictly, as url.ParseQuery would (a
// ';' separator and a malformed escape are errors), straight into a map:
// forms are on the hot path. A repeated parameter is refused (RFC 6749
// §3.2: "MUST NOT be included more than once"), and so is invalid UTF-8.
// bad builds the error in the caller's shape.
func ParseForm(text string, bad func(int, string) *Error) (map[string]string, error) {
	out := make(map[string]string, 4)
	malformed := func() error {
		return bad(http.StatusBadRequest, "The form body is not valid application/x-www-form-urlencoded.")
	}
	for text != "" {
		var pair string
		pair, text, _ = strings.Cut(text, "&")
		if pair == "" {
			continue
		}
		if strings.IndexByte(pair, ';') >= 0 {
			return nil, malformed()
		}
		k, v, _ := strings.Cut(pair, "=")
		var err error
		if k, err = formUnescape(k); err != nil {
			return nil, malformed()
		}
		if v, err = formUnescape(v); err != nil {
			return nil, malformed()
		}
		if _, dup := out[k]; dup {
			return nil, bad(http.StatusBadRequest, fmt.Sprintf("Parameter %q is included more than once.", Printable(k)))
		}
		if !utf8.ValidString(k) || !utf8.ValidString(v) {
			return nil, bad(http.StatusBadRequest, "Parameters must be valid UTF-8.")
		}
		out[k] = v
	}
	return out, nil
}

// formUnescape decodes a form component, without work when it has nothing
// to decode (a JWT or an id never has).
func formUnescape(s string) (string, error) {
	if strings.IndexByte(s, '%') < 0 && strings.IndexByte(s, '+') < 0 {
		return s, nil
	}
	return url.QueryUnescape(s)
}
