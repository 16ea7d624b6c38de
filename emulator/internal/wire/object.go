// Package wire writes the emulator's JSON: objects whose members keep
// WorkOS's documented order, encoded without HTML escaping, and the time
// formats WorkOS uses. It knows nothing of HTTP, so the store can render the
// WorkOS objects (users, organizations, ...) that several areas and the
// event log share.
package wire

import (
	"bytes"
	"encoding/json"
	"sort"
	"strconv"
	"unicode/utf8"
)

// KV is one member of an ordered JSON object.
type KV = struct {
	Key   string
	Value any
}

// Object is a JSON object whose members keep their order. WorkOS documents
// its bodies and claims in a particular order; writing them in that order
// keeps our output byte-comparable with the documents (and deterministic).
type Object []KV

// MarshalJSON writes the members in order.
func (o Object) MarshalJSON() ([]byte, error) {
	return o.AppendJSON(make([]byte, 0, 256))
}

// AppendJSON encodes the object onto b. The value types the emulator's
// bodies and claims use are written directly (introspection and token
// responses are the hot path); anything else goes through encoding/json.
func (o Object) AppendJSON(b []byte) ([]byte, error) {
	b = append(b, '{')
	for i, m := range o {
		if i > 0 {
			b = append(b, ',')
		}
		b = AppendString(b, m.Key)
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
		return AppendString(b, x), nil
	case *string:
		if x == nil {
			return append(b, "null"...), nil
		}
		return AppendString(b, *x), nil
	case bool:
		return strconv.AppendBool(b, x), nil
	case int:
		return strconv.AppendInt(b, int64(x), 10), nil
	case int64:
		return strconv.AppendInt(b, x, 10), nil
	case Object:
		return x.AppendJSON(b)
	case []string:
		b = append(b, '[')
		for i, s := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = AppendString(b, s)
		}
		return append(b, ']'), nil
	case []Object:
		b = append(b, '[')
		for i, o := range x {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = o.AppendJSON(b); err != nil {
				return nil, err
			}
		}
		return append(b, ']'), nil
	case Appender:
		return x.AppendJSON(b)
	case []Appender:
		b = append(b, '[')
		for i, o := range x {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = o.AppendJSON(b); err != nil {
				return nil, err
			}
		}
		return append(b, ']'), nil
	}
	enc, err := Marshal(v)
	if err != nil {
		return nil, err
	}
	return append(b, enc...), nil
}

// Appender is a value that writes its own JSON: the objects rendered on
// hot paths (the user in every sign-in answer) are structs that append
// their members directly, without boxing each one in an interface.
type Appender interface {
	AppendJSON(b []byte) ([]byte, error)
}

// AppendString writes a JSON string, escaping as encoding/json does without
// HTML escaping.
func AppendString(b []byte, s string) []byte {
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

// WithMap appends m's members in key order, skipping keys already present.
func (o Object) WithMap(m map[string]any) Object {
	if len(m) == 0 {
		return o
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		if !o.Has(k) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		o = append(o, KV{k, m[k]})
	}
	return o
}

// Has reports whether the object has a member named key.
func (o Object) Has(key string) bool {
	for _, m := range o {
		if m.Key == key {
			return true
		}
	}
	return false
}

// Get returns the value of the member named key (nil when absent).
func (o Object) Get(key string) any {
	for _, m := range o {
		if m.Key == key {
			return m.Value
		}
	}
	return nil
}

// Marshal is json.Marshal without HTML escaping: WorkOS bodies carry URLs
// with '&' that must stay readable, and tokens are compared as bytes.
func Marshal(v any) ([]byte, error) {
	if o, ok := v.(Appender); ok {
		return o.AppendJSON(make([]byte, 0, 512))
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte{'\n'}), nil
}

// List is the WorkOS list envelope: {"object":"list","data":...,"list_metadata":...}.
func List(data any, meta Object) Object {
	return Object{{"object", "list"}, {"data", data}, {"list_metadata", meta}}
}
