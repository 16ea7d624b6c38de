package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
)

// Decoding says which bodies a route accepts and in which shape its
// decoding errors are written.
type Decoding struct {
	// Form accepts application/x-www-form-urlencoded.
	Form bool
	// JSON accepts application/json (and a body without a Content-Type).
	JSON bool
	// OAuth writes errors in the OAuth shape ({"error","error_description"}).
	OAuth bool
}

// The decodings the emulator's routes use.
var (
	// OAuthForm is RFC 6749's encoding, for /oauth2/*: forms only.
	OAuthForm = Decoding{Form: true, OAuth: true}
	// OAuthParams is /user_management/authenticate and its kin: JSON (the
	// SDKs) or a form (curl, OAuth libraries), OAuth-shaped errors.
	OAuthParams = Decoding{Form: true, JSON: true, OAuth: true}
	// APIBody is the WorkOS API: JSON (the SDKs) or a form (curl).
	APIBody = Decoding{Form: true, JSON: true}
	// PageForm is a hosted page's form post.
	PageForm = Decoding{Form: true}
	// ControlJSON is the control plane: JSON only.
	ControlJSON = Decoding{JSON: true}
)

// Body is a decoded request body: a form or a JSON object, every key once.
// One set of getters reads both: a form value reads as a JSON string. The
// typed getters record a field error for a value of the wrong type, so a
// handler reads every field and then reports all problems in one 422.
type Body struct {
	form   map[string]string          // a form body's values (nil for JSON)
	raw    map[string]json.RawMessage // a JSON body's members
	data   []byte                     // the JSON object as sent (for Into)
	fields []FieldError
}

// maxBodyBytes bounds every request body; larger bodies get a 413 JSON error.
const maxBodyBytes = 1 << 20

// Decode decodes the request body as d allows. An empty body is an empty
// object (the SDKs send none on some POSTs). Every malformed body is the
// client's mistake: a 4xx in the route's shape, never a 5xx.
//
// The Body comes back by value: on the hot paths (introspection, the token
// endpoint) it then lives on the caller's stack.
func Decode(c echo.Context, d Decoding) (Body, error) {
	bad := invalidRequest(d.OAuth)
	body := RawBody(c)
	switch mt := MediaType(c.Request()); {
	case mt == echo.MIMEApplicationForm && d.Form:
		return parseFormBody(string(body), bad)
	case (mt == echo.MIMEApplicationJSON || mt == "") && d.JSON:
		return parseJSONBody(body, bad)
	case mt == "" && len(bytes.TrimSpace(body)) == 0:
		return Body{form: map[string]string{}}, nil
	case mt == "" && d.Form:
		return Body{}, bad(http.StatusUnsupportedMediaType, "Send the body as application/x-www-form-urlencoded.")
	case d.Form && !d.JSON:
		return Body{}, bad(http.StatusUnsupportedMediaType, "Content-Type must be application/x-www-form-urlencoded.")
	case d.OAuth:
		return Body{}, bad(http.StatusUnsupportedMediaType, "Content-Type must be application/x-www-form-urlencoded or application/json.")
	}
	return Body{}, APIError(http.StatusUnsupportedMediaType, CodeUnsupportedMediaType, "Content-Type must be application/json.")
}

// DecodeText decodes a body that is already in hand (the journal's copy)
// the way Decode would, given its Content-Type.
func DecodeText(contentType string, body []byte) (Body, error) {
	bad := invalidRequest(false)
	switch mediaType(contentType) {
	case echo.MIMEApplicationForm:
		return parseFormBody(string(body), bad)
	case echo.MIMEApplicationJSON, "":
		return parseJSONBody(body, bad)
	}
	return Body{}, bad(http.StatusUnsupportedMediaType, "unsupported media type")
}

func parseFormBody(text string, bad func(int, string) *Error) (Body, error) {
	p, err := ParseForm(text, bad)
	if err != nil {
		return Body{}, err
	}
	return Body{form: p}, nil
}

func parseJSONBody(body []byte, bad func(int, string) *Error) (Body, error) {
	raw := map[string]json.RawMessage{}
	if len(bytes.TrimSpace(body)) == 0 {
		return Body{raw: raw, data: []byte("{}")}, nil
	}
	if !utf8.Valid(body) {
		return Body{}, bad(http.StatusBadRequest, "The JSON body is not valid UTF-8.")
	}
	if err := json.Unmarshal(body, &raw); err != nil {
		return Body{}, bad(http.StatusBadRequest, "The body is not a JSON object.")
	}
	return Body{raw: raw, data: body}, nil
}

// invalidRequest is a decoder's error constructor: OAuth-shaped for OAuth
// routes, WorkOS-shaped otherwise.
func invalidRequest(oauth bool) func(status int, msg string) *Error {
	if oauth {
		return func(status int, msg string) *Error { return OAuthError(status, CodeInvalidRequest, msg) }
	}
	return func(status int, msg string) *Error { return APIError(status, CodeInvalidRequest, msg) }
}

// MediaType is the request's Content-Type without parameters, lower case
// ("" if none, "invalid" if it does not parse).
func MediaType(r *http.Request) string { return mediaType(r.Header.Get(echo.HeaderContentType)) }

func mediaType(ct string) string {
	if ct == "" {
		return ""
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return "invalid"
	}
	return strings.ToLower(mt)
}

// Keys lists the body's keys (in no particular order).
func (b *Body) Keys() []string {
	out := make([]string, 0, len(b.raw)+len(b.form))
	for k := range b.raw {
		out = append(out, k)
	}
	for k := range b.form {
		out = append(out, k)
	}
	return out
}

// member is key k as JSON: a form value as a JSON string (made only on
// this slow path: OAuth endpoints read forms through Param).
func (b *Body) member(k string) (json.RawMessage, bool) {
	if b.form != nil {
		v, ok := b.form[k]
		if !ok {
			return nil, false
		}
		m, _ := json.Marshal(v)
		return m, true
	}
	v, ok := b.raw[k]
	return v, ok
}

// Bad records a field error.
func (b *Body) Bad(field, code string) {
	b.fields = append(b.fields, FieldError{Field: field, Code: code})
}

// Err is the 422 listing every field problem, or nil.
func (b *Body) Err() error {
	if len(b.fields) == 0 {
		return nil
	}
	return Invalid(b.fields...)
}

// Has reports whether the key is present (even as null).
func (b *Body) Has(k string) bool {
	if b.form != nil {
		_, ok := b.form[k]
		return ok
	}
	_, ok := b.raw[k]
	return ok
}

// Null reports whether the key is present with a JSON null (a form has
// no nulls).
func (b *Body) Null(k string) bool { return string(bytes.TrimSpace(b.raw[k])) == "null" }

// Given reports whether the key is present with a non-null value.
func (b *Body) Given(k string) bool { return b.Has(k) && !b.Null(k) }

// Param reads a parameter leniently, as OAuth endpoints do: a string as
// is, any other scalar as its JSON text, absent or null as "".
func (b *Body) Param(k string) string {
	if b.form != nil {
		return b.form[k]
	}
	v, ok := b.raw[k]
	if !ok {
		return ""
	}
	var s string
	switch {
	case json.Unmarshal(v, &s) == nil:
		return s
	case string(v) == "null":
		return ""
	}
	return string(v)
}

// Required is the OAuth 400 for the first of names that is empty.
func (b *Body) Required(names ...string) error {
	for _, n := range names {
		if b.Param(n) == "" {
			return OAuthError(http.StatusBadRequest, CodeInvalidRequest, fmt.Sprintf("The %s parameter is required.", n))
		}
	}
	return nil
}

// Str reads a string; absent or null is "".
func (b *Body) Str(k string) string { return Get(b, k, "", "must_be_a_string") }

// OptStr reads a nullable string: nil for absent or null.
func (b *Body) OptStr(k string) *string {
	if !b.Given(k) {
		return nil
	}
	s := b.Str(k)
	return &s
}

// Bool reads a boolean; absent or null is false.
func (b *Body) Bool(k string) bool { return Get(b, k, false, "must_be_a_boolean") }

// Int reads an integer; absent or null is def.
func (b *Body) Int(k string, def int) int { return Get(b, k, def, "must_be_an_integer") }

// Strings reads a list of strings; absent or null is nil.
func (b *Body) Strings(k string) []string {
	return Get[[]string](b, k, nil, "must_be_a_list_of_strings")
}

// Get reads key k as a T: def when absent or null, and a field error with
// code when it is not a T.
func Get[T any](b *Body, k string, def T, code string) T {
	v, ok := b.member(k)
	if !ok || b.Null(k) {
		return def
	}
	var x T
	if json.Unmarshal(v, &x) != nil {
		b.Bad(k, code)
	}
	return x
}

// Raw is the JSON text of key k (nil when absent).
func (b *Body) Raw(k string) json.RawMessage {
	v, _ := b.member(k)
	return v
}

// Into strictly decodes the JSON body into v: unknown fields and trailing
// data are 400s, so a typo in a scenario fails loudly. A form body is
// refused.
func (b *Body) Into(v any) error {
	if b.form != nil {
		return APIError(http.StatusUnsupportedMediaType, CodeUnsupportedMediaType, "Content-Type must be application/json.")
	}
	dec := json.NewDecoder(bytes.NewReader(b.data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return APIError(http.StatusBadRequest, CodeInvalidRequest, "The body is not the expected JSON object: "+jsonProblem(err))
	}
	if dec.More() {
		return APIError(http.StatusBadRequest, CodeInvalidRequest, "The body has data after its JSON object.")
	}
	return nil
}

// jsonProblem describes a JSON decode error without internal type names.
func jsonProblem(err error) string {
	var ute *json.UnmarshalTypeError
	switch {
	case errors.As(err, &ute):
		field := ute.Field
		if i := strings.LastIndexByte(field, '.'); i >= 0 {
			field = field[i+1:]
		}
		return "field " + field + " has the wrong type."
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return "unknown field " + strings.TrimPrefix(err.Error(), "json: unknown field ") + "."
	}
	return "malformed JSON."
}

// BodyClientID is the client_id a request body names (a form field or a
// JSON member), or "": how a token request without other credentials
// says which environment it is for.
func BodyClientID(r *http.Request, body []byte) string {
	switch mediaType(r.Header.Get(echo.HeaderContentType)) {
	case echo.MIMEApplicationForm:
		v, _ := url.ParseQuery(string(body))
		return v.Get("client_id")
	case echo.MIMEApplicationJSON:
		var m struct {
			ClientID string `json:"client_id"`
		}
		_ = json.Unmarshal(body, &m)
		return m.ClientID
	}
	return ""
}
