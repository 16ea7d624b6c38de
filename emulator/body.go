package emulator

import (
	"bytes"
	"encoding/json"

	"github.com/labstack/echo/v4"
)

// jsonBody is a decoded JSON object body of the WorkOS API. Its getters
// record a field error for a value of the wrong type, so a handler reads
// every field and then reports all problems in one 422.
type jsonBody struct {
	raw    map[string]json.RawMessage
	fields []FieldError
}

// readJSONBody decodes the request body as a JSON object. An empty body is
// an empty object (the SDKs send none on some POSTs); a form body is taken
// too, as curl users send one.
func readJSONBody(c echo.Context) (*jsonBody, error) {
	switch mediaType(c) {
	case echo.MIMEApplicationForm:
		p, err := readForm(c, false)
		if err != nil {
			return nil, err
		}
		b := &jsonBody{raw: map[string]json.RawMessage{}}
		for k, v := range p {
			b.raw[k], _ = json.Marshal(v)
		}
		return b, nil
	}
	if err := requireJSON(c); err != nil {
		return nil, err
	}
	raw, err := decodeObject(readBody(c), invalidRequest(false))
	if err != nil {
		return nil, err
	}
	return &jsonBody{raw: raw}, nil
}

func (b *jsonBody) bad(field, code string) {
	b.fields = append(b.fields, FieldError{Field: field, Code: code})
}

// has reports whether the key is present (even as null).
func (b *jsonBody) has(k string) bool { _, ok := b.raw[k]; return ok }

// null reports whether the key is present with a JSON null.
func (b *jsonBody) null(k string) bool { return string(bytes.TrimSpace(b.raw[k])) == "null" }

// str reads a string; absent or null is "".
func (b *jsonBody) str(k string) string {
	return field(b, k, "", "must_be_a_string")
}

// field reads key k as a T: def when absent or null, and a field error
// with code when it is not a T.
func field[T any](b *jsonBody, k string, def T, code string) T {
	v, ok := b.raw[k]
	if !ok || b.null(k) {
		return def
	}
	var x T
	if json.Unmarshal(v, &x) != nil {
		b.bad(k, code)
	}
	return x
}

// optStr reads a nullable string: nil for absent or null.
func (b *jsonBody) optStr(k string) *string {
	if !b.has(k) || b.null(k) {
		return nil
	}
	s := b.str(k)
	return &s
}

// boolean reads a boolean; absent or null is false.
func (b *jsonBody) boolean(k string) bool {
	return field(b, k, false, "must_be_a_boolean")
}

// integer reads an integer; absent or null is def.
func (b *jsonBody) integer(k string, def int) int {
	return field(b, k, def, "must_be_an_integer")
}

// strings reads a list of strings; absent or null is nil.
func (b *jsonBody) strings(k string) []string {
	return field[[]string](b, k, nil, "must_be_a_list_of_strings")
}

// metadata limits (the OpenAPI spec's): 50 keys of up to 40 characters,
// values of up to 600.
const (
	maxMetadataKeys     = 50
	maxMetadataKeyLen   = 40
	maxMetadataValueLen = 600
)

// metadata reads WorkOS metadata: string values only; a null value (on
// update) deletes the key, so values come back as pointers.
func (b *jsonBody) metadata(k string) map[string]*string {
	v, ok := b.raw[k]
	if !ok || b.null(k) {
		return nil
	}
	var raw map[string]json.RawMessage
	if json.Unmarshal(v, &raw) != nil {
		b.bad(k, "metadata_must_be_an_object")
		return nil
	}
	out := make(map[string]*string, len(raw))
	for mk, mv := range raw {
		if string(bytes.TrimSpace(mv)) == "null" {
			out[mk] = nil
			continue
		}
		var s string
		if json.Unmarshal(mv, &s) != nil {
			b.bad(k+"."+mk, "metadata_values_must_be_strings")
			continue
		}
		if len(mk) > maxMetadataKeyLen || len(s) > maxMetadataValueLen {
			b.bad(k+"."+mk, "metadata_too_large")
			continue
		}
		out[mk] = &s
	}
	return out
}

// applyMetadata merges an update into metadata (null deletes a key) and
// checks the size limit.
func (b *jsonBody) applyMetadata(k string, into map[string]string, update map[string]*string) map[string]string {
	out := copyMetadata(into)
	for mk, mv := range update {
		if mv == nil {
			delete(out, mk)
		} else {
			out[mk] = *mv
		}
	}
	if len(out) > maxMetadataKeys {
		b.bad(k, "metadata_too_large")
	}
	return out
}

// nameDescription reads a PATCH of name and description (recording type
// errors now) and returns what applies it: an absent name keeps the old
// one, a null description clears it.
func (b *jsonBody) nameDescription() func(name, description *string) {
	n, d, hasD := b.str("name"), b.optStr("description"), b.has("description")
	return func(name, description *string) {
		if n != "" {
			*name = n
		}
		if hasD {
			*description = ""
			if d != nil {
				*description = *d
			}
		}
	}
}

// err is the 422 listing every field problem, or nil.
func (b *jsonBody) err() error {
	if len(b.fields) == 0 {
		return nil
	}
	return invalidParams(b.fields...)
}
