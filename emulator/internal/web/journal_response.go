package web

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
)

// RecordedResponse is the answer to a journaled request, secrets redacted:
// its headers and the start of its body (Size is the body's full size;
// Truncated tells that the headers or the body were cut to the journal's
// room).
type RecordedResponse struct {
	Headers   map[string]string `json:"headers"`
	Body      string            `json:"body"`
	Size      int               `json:"size"`
	Truncated bool              `json:"truncated,omitempty"`
}

// responseSecrets are the members redacted from response bodies: the
// request's secret fields plus the credentials the emulator hands out
// (tokens, webhook and TOTP secrets). Codes and links "e-mailed" through
// the outbox are not secrets here: the control plane shows them on purpose.
var responseSecrets = map[string]bool{
	"access_token": true, "id_token": true, "secret": true, "qr_code": true, "uri": true, "sealed_session": true,
}

func isResponseSecret(key string) bool {
	k := strings.ToLower(key)
	return secretFields[k] || responseSecrets[k]
}

// secretResponseHeaders are response headers whose values are redacted.
var secretResponseHeaders = map[string]bool{"Set-Cookie": true, "Authorization": true}

func redactedResponse(e store.Recorded) RecordedResponse {
	r := RecordedResponse{Headers: map[string]string{}, Size: e.RespSize, Truncated: e.RespTruncated}
	for k, vs := range e.RespHeader {
		if secretResponseHeaders[k] {
			for i, v := range vs {
				vs[i] = redactCookie(v)
			}
		}
		r.Headers[k] = strings.Join(vs, ", ")
	}
	var ct string
	if vs := e.RespHeader["Content-Type"]; len(vs) > 0 {
		ct = vs[0]
	}
	r.Body = RedactResponseBody(e.RespBody, ct)
	return r
}

// redactCookie keeps a Set-Cookie's name and attributes, not its value.
func redactCookie(v string) string {
	name, rest, _ := strings.Cut(v, "=")
	_, attrs, hasAttrs := strings.Cut(rest, ";")
	if hasAttrs {
		return name + "=" + redactedMark + ";" + attrs
	}
	return name + "=" + redactedMark
}

// RedactResponseBody redacts a response body, whole or cut at any byte:
// JSON with a scanner that replaces the value of every secret member
// without decoding the document (so a body cut by the journal is redacted
// as well as a whole one), HTML by its secret fields, anything else
// withheld when it names a secret.
func RedactResponseBody(body []byte, contentType string) string {
	if len(body) == 0 {
		return ""
	}
	switch mt := mediaType(contentType); {
	case mt == "application/json" || strings.HasSuffix(mt, "+json") || (mt == "" && (body[0] == '{' || body[0] == '[')):
		return strings.ToValidUTF8(string(RedactJSONPrefix(body, isResponseSecret)), "?")
	case mt == "text/html":
		return strings.ToValidUTF8(redactHTML(string(body)), "?")
	}
	lower := bytes.ToLower(body)
	for k := range secretFields {
		if bytes.Contains(lower, []byte(k)) {
			return redactedMark
		}
	}
	for k := range responseSecrets {
		if bytes.Contains(lower, []byte(k)) {
			return redactedMark
		}
	}
	return strings.ToValidUTF8(string(body), "?")
}

// The hosted pages hold secrets in two places: an element whose id names a
// secret (the TOTP secret shown at MFA enrollment) and, in principle, the
// value of a secret-named input. Either may be cut off by the journal.
var (
	htmlSecretText  = regexp.MustCompile(`(?i)(<[a-z][^>]*\bid="[^"]*secret[^"]*"[^>]*>)[^<]*`)
	htmlSecretInput = regexp.MustCompile(`(?i)(<input\b[^>]*\bname="(?:password|new_password|client_secret|code_verifier|refresh_token|api_key|secret)"[^>]*\bvalue=")[^"]*`)
)

func redactHTML(s string) string {
	s = htmlSecretText.ReplaceAllString(s, "${1}"+redactedMark)
	return htmlSecretInput.ReplaceAllString(s, "${1}"+redactedMark)
}

// RedactJSONPrefix replaces with "[REDACTED]" the value of every object
// member whose name secret accepts (at any depth, whatever the value's
// type), in a JSON document or any prefix of one: a value cut off by the
// end of the input is redacted too. The rest of the input is kept byte for
// byte. Input that is not JSON comes out with no secret member's value
// either: the scanner only looks at string literals followed by a colon.
func RedactJSONPrefix(body []byte, secret func(name string) bool) []byte {
	out := make([]byte, 0, len(body))
	for i := 0; i < len(body); {
		if body[i] != '"' {
			out = append(out, body[i])
			i++
			continue
		}
		end := endOfString(body, i)
		out = append(out, body[i:end]...)
		colon := skipSpace(body, end)
		if end == len(body) || colon >= len(body) || body[colon] != ':' || !secret(memberName(body[i:end])) {
			i = end
			continue
		}
		v := skipSpace(body, colon+1)
		out = append(out, body[end:v]...)
		if i = endOfValue(body, v); i > v {
			out = append(out, `"`+redactedMark+`"`...)
		}
	}
	return out
}

// memberName decodes a complete string literal (escapes included).
func memberName(lit []byte) string {
	if bytes.IndexByte(lit, '\\') < 0 {
		return string(lit[1 : len(lit)-1])
	}
	var s string
	if json.Unmarshal(lit, &s) != nil {
		return ""
	}
	return s
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// endOfString is the index after the string literal starting at b[i] (a
// quote), or len(b) when the input ends inside it.
func endOfString(b []byte, i int) int {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return len(b)
}

// endOfValue is the index after the JSON value starting at b[i], or len(b)
// when the input ends inside it.
func endOfValue(b []byte, i int) int {
	if i >= len(b) {
		return i
	}
	switch b[i] {
	case '"':
		return endOfString(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				j = endOfString(b, j) - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return j + 1
				}
			}
		}
		return len(b)
	}
	j := i
	for j < len(b) && !strings.ContainsRune(",}] \t\r\n", rune(b[j])) {
		j++
	}
	return j // == i at a delimiter: no value
}
