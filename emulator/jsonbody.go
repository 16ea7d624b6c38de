package emulator

import (
	"bytes"
	"encoding/json"
	"sort"

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
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := json.Marshal(m.Key)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		v, err := marshalNoEscape(m.Value)
		if err != nil {
			return nil, err
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

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
	body, err := marshalNoEscape(v)
	if err != nil {
		return err
	}
	return c.Blob(status, echo.MIMEApplicationJSON, body)
}
