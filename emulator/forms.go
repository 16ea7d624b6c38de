package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
)

// maxBodyBytes bounds every request body; larger bodies get a 413 JSON error.
const maxBodyBytes = 1 << 20

// params is a decoded request body (form or JSON object of scalars), with
// every key present once.
type params map[string]string

func (p params) get(k string) string { return p[k] }

// bufferedBody is a request body frontDoor already read: handlers take the
// bytes from it instead of reading the request twice.
type bufferedBody struct {
	*bytes.Reader
	b []byte
}

// Close does nothing: the bytes are in memory.
func (bufferedBody) Close() error { return nil }

// readBody is the request body: frontDoor has read every non-empty one
// (and refused those over the limit or unreadable), so anything else is
// empty.
func readBody(c echo.Context) []byte {
	if bb, ok := c.Request().Body.(bufferedBody); ok {
		return bb.b
	}
	return nil
}

// readSized reads a body, in one allocation when its length is announced.
func readSized(r io.Reader, n int64) ([]byte, error) {
	if n <= 0 || n > maxBodyBytes {
		return io.ReadAll(r)
	}
	b := make([]byte, n, n+1)
	if _, err := io.ReadFull(r, b); err != nil {
		return nil, err
	}
	// The announced length must be the real one; read past it to be sure.
	var extra [1]byte
	if k, _ := r.Read(extra[:]); k > 0 {
		rest, err := io.ReadAll(r)
		return append(append(b, extra[0]), rest...), err
	}
	return b, nil
}

// mediaType is the request's Content-Type without parameters ("" if none).
func mediaType(c echo.Context) string {
	ct := c.Request().Header.Get(echo.HeaderContentType)
	if ct == "" {
		return ""
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return "invalid"
	}
	return strings.ToLower(mt)
}

// readForm decodes an application/x-www-form-urlencoded body, the encoding
// RFC 6749 prescribes for /oauth2/*. Errors are OAuth-shaped when oauth is
// set: a wrong Content-Type (415), malformed encoding, invalid UTF-8 and a
// repeated parameter (RFC 6749 §3.2: "MUST NOT be included more than once")
// are all the client's mistakes, never a 5xx.
func readForm(c echo.Context, oauth bool) (params, error) {
	body := readBody(c)
	bad := invalidRequest(oauth)
	switch mediaType(c) {
	case echo.MIMEApplicationForm:
	case "":
		if len(bytes.TrimSpace(body)) > 0 {
			return nil, bad(http.StatusUnsupportedMediaType, "Send the body as application/x-www-form-urlencoded.")
		}
	default:
		return nil, bad(http.StatusUnsupportedMediaType, "Content-Type must be application/x-www-form-urlencoded.")
	}
	return parseForm(string(body), bad)
}

// parseForm decodes urlencoded text strictly (see readForm), as
// url.ParseQuery would (a ';' separator and a malformed escape are
// errors), straight into params: forms are on the hot path.
func parseForm(text string, bad func(int, string) *Error) (params, error) {
	out := make(params, 4)
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
			return nil, bad(http.StatusBadRequest, fmt.Sprintf("Parameter %q is included more than once.", printable(k)))
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

// invalidRequest is a decoder's error constructor: OAuth-shaped
// ({"error","error_description"}) for /oauth2/* callers, WorkOS-shaped
// otherwise.
func invalidRequest(oauth bool) func(status int, msg string) *Error {
	if oauth {
		return func(status int, msg string) *Error { return oauthError(status, CodeInvalidRequest, msg) }
	}
	return func(status int, msg string) *Error { return apiError(status, CodeInvalidRequest, msg) }
}

// decodeObject decodes a JSON object body; an empty (or blank) body is an
// empty object.
func decodeObject(body []byte, bad func(int, string) *Error) (map[string]json.RawMessage, error) {
	raw := map[string]json.RawMessage{}
	if len(bytes.TrimSpace(body)) == 0 {
		return raw, nil
	}
	if !utf8.Valid(body) {
		return nil, bad(http.StatusBadRequest, "The JSON body is not valid UTF-8.")
	}
	if err := json.Unmarshal(body, &raw); err != nil {
		return nil, bad(http.StatusBadRequest, "The body is not a JSON object.")
	}
	return raw, nil
}

// requireJSON refuses a body that is declared as anything but JSON.
func requireJSON(c echo.Context) error {
	switch mediaType(c) {
	case echo.MIMEApplicationJSON, "":
		return nil
	}
	return apiError(http.StatusUnsupportedMediaType, CodeUnsupportedMediaType, "Content-Type must be application/json.")
}

// readParams decodes a body that may be JSON (what the WorkOS SDKs send) or
// a form (what curl and OAuth libraries send). JSON values must be strings,
// numbers or booleans at the top level; nested values are kept as JSON text.
func readParams(c echo.Context, oauth bool) (params, error) {
	mt := mediaType(c)
	if mt != echo.MIMEApplicationJSON {
		return readForm(c, oauth)
	}
	body := readBody(c)
	bad := invalidRequest(oauth)
	raw, err := decodeObject(body, bad)
	if err != nil {
		return nil, err
	}
	out := make(params, len(raw))
	for k, v := range raw {
		var s string
		switch {
		case json.Unmarshal(v, &s) == nil:
			out[k] = s
		case string(v) == "null":
		default:
			out[k] = string(v)
		}
	}
	return out, nil
}

// printable trims a client-supplied string for an error message.
func printable(s string) string {
	if len(s) > 64 {
		s = s[:64] + "…"
	}
	return strings.ToValidUTF8(s, "?")
}
