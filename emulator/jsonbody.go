package emulator

import (
	"bytes"
	"encoding/json"
	"sort"
	"strconv"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
)

// kv is one member of an ordered JSON object.
type kv struct {
	Key   string
	Value any
}

// object is a JSON object whose members keep their order. WorkOS documents
// its bodies and claims in a particular order; writing them in that order
// keeps our output byte-comparable with the documents (and deterministic).
type object []kv

// MarshalJSON writes the members in order.
func (o object) MarshalJSON() ([]byte, error) {
	return o.appendJSON(make([]byte, 0, 256))
}

// appendJSON encodes the object onto b. The value types the emulator's
// bodies and claims use are written directly (introspection and token
// responses are the hot path); anything else goes through encoding/json.
func (o object) appendJSON(b []byte) ([]byte, error) {
	b = append(b, '{')
	for i, m := range o {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, m.Key)
		b = append(b, ':')
		var err error
		if b, err = appendValue(b, m.Value); err != nil {
			return nil, err
		}
	}
	return append(b, '}'), nil
}

func appendValue(b []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case string:
		return appendString(b, x), nil
	case *string:
		if x == nil {
			return append(b, "null"...), nil
		}
		return appendString(b, *x), nil
	case bool:
		return strconv.AppendBool(b, x), nil
	case int:
		return strconv.AppendInt(b, int64(x), 10), nil
	case int64:
		return strconv.AppendInt(b, x, 10), nil
	case object:
		return x.appendJSON(b)
	case []string:
		b = append(b, '[')
		for i, s := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, s)
		}
		return append(b, ']'), nil
	case []object:
		b = append(b, '[')
		for i, o := range x {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = o.appendJSON(b); err != nil {
				return nil, err
			}
		}
		return append(b, ']'), nil
	}
	enc, err := marshalNoEscape(v)
	if err != nil {
		return nil, err
	}
	return append(b, enc...), nil
}

// appendString writes a JSON string, escaping as encoding/json does without
// HTML escaping.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			if r == utf8.RuneError {
				b = append(b, `\ufffd`...)
			} else {
				b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			}
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

const hexDigits = "0123456789abcdef"

// withMap appends m's members in key order, skipping keys already present.
func (o object) withMap(m map[string]any) object {
	if len(m) == 0 {
		return o
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		if !o.has(k) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		o = append(o, kv{k, m[k]})
	}
	return o
}

func (o object) has(key string) bool {
	for _, m := range o {
		if m.Key == key {
			return true
		}
	}
	return false
}

// marshalNoEscape is json.Marshal without HTML escaping: WorkOS bodies carry
// URLs with '&' that must stay readable, and tokens are compared as bytes.
func marshalNoEscape(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte{'\n'}), nil
}

// writeJSON writes v with Content-Type application/json, the only content
// type of every API answer (the Node SDK parses nothing else).
func writeJSON(c echo.Context, status int, v any) error {
	var body []byte
	var err error
	if o, ok := v.(object); ok {
		body, err = o.appendJSON(make([]byte, 0, 512))
	} else {
		body, err = marshalNoEscape(v)
	}
	if err != nil {
		return err
	}
	return c.Blob(status, echo.MIMEApplicationJSON, body)
}
