package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
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

// bodyKey holds the body observe already read, so handlers do not read it
// twice.
const bodyKey = "authkit-emulator.body"

// readBody reads the whole (size-limited) body.
func readBody(c echo.Context) ([]byte, error) {
	if b, ok := c.Get(bodyKey).([]byte); ok {
		return b, nil
	}
	body, err := readSized(c.Request().Body, c.Request().ContentLength)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, err
		}
		// An HTTPError takes the path's error shape (OAuth on /oauth2/*).
		return nil, echo.NewHTTPError(http.StatusBadRequest, "The request body could not be read.")
	}
	return body, nil
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
	body, err := readBody(c)
	if err != nil {
		return nil, err
	}
	bad := func(status int, msg string) *Error {
		if oauth {
			return oauthError(status, CodeInvalidRequest, msg)
		}
		return apiError(status, CodeInvalidRequest, msg)
	}
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

// parseForm decodes urlencoded text strictly (see readForm).
func parseForm(text string, bad func(int, string) *Error) (params, error) {
	values, err := url.ParseQuery(text)
	if err != nil {
		return nil, bad(http.StatusBadRequest, "The form body is not valid application/x-www-form-urlencoded.")
	}
	return singleValues(values, bad)
}

// singleValues flattens form or query values, rejecting repeated keys and
// invalid UTF-8.
func singleValues(values url.Values, bad func(int, string) *Error) (params, error) {
	out := make(params, len(values))
	for k, vs := range values {
		if len(vs) > 1 {
			return nil, bad(http.StatusBadRequest, fmt.Sprintf("Parameter %q is included more than once.", printable(k)))
		}
		if !utf8.ValidString(k) || !utf8.ValidString(vs[0]) {
			return nil, bad(http.StatusBadRequest, "Parameters must be valid UTF-8.")
		}
		out[k] = vs[0]
	}
	return out, nil
}

// readParams decodes a body that may be JSON (what the WorkOS SDKs send) or
// a form (what curl and OAuth libraries send). JSON values must be strings,
// numbers or booleans at the top level; nested values are kept as JSON text.
func readParams(c echo.Context, oauth bool) (params, error) {
	mt := mediaType(c)
	if mt != echo.MIMEApplicationJSON {
		return readForm(c, oauth)
	}
	body, err := readBody(c)
	if err != nil {
		return nil, err
	}
	bad := func(status int, msg string) *Error {
		if oauth {
			return oauthError(status, CodeInvalidRequest, msg)
		}
		return apiError(status, CodeInvalidRequest, msg)
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return params{}, nil
	}
	if !utf8.Valid(body) {
		return nil, bad(http.StatusBadRequest, "The JSON body is not valid UTF-8.")
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil {
		return nil, bad(http.StatusBadRequest, "The body is not a JSON object.")
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
