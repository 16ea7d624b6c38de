package wire

import (
	"sort"
	"time"
)

// Time formats a time the WorkOS way: ISO 8601 with milliseconds, in UTC.
func Time(t time.Time) string { return string(AppendTime(make([]byte, 0, 24), t)) }

// timeLayout is WorkOS's timestamp form: UTC, milliseconds, a Z.
const timeLayout = "2006-01-02T15:04:05.000Z"

// AppendTime appends t in WorkOS's timestamp form. Every object and every
// event carries several timestamps, and time's general formatter (which
// parses its layout on each call) was the largest cost of rendering an
// event's data; years outside 0-9999 still go through it.
func AppendTime(b []byte, t time.Time) []byte {
	t = t.UTC()
	y, mo, d := t.Date()
	if y < 0 || y > 9999 {
		return t.AppendFormat(b, timeLayout)
	}
	h, mi, s := t.Clock()
	ms := t.Nanosecond() / 1e6
	return append(b,
		byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+int(mo)/10), byte('0'+int(mo)%10), '-', byte('0'+d/10), byte('0'+d%10), 'T',
		byte('0'+h/10), byte('0'+h%10), ':', byte('0'+mi/10), byte('0'+mi%10), ':',
		byte('0'+s/10), byte('0'+s%10), '.', byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10), 'Z')
}

// OptTime is Time, or nil (JSON null) for the zero time.
func OptTime(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := Time(t)
	return &s
}

// TimePtr is OptTime of a possibly absent time.
func TimePtr(t *time.Time) *string {
	if t == nil {
		return nil
	}
	return OptTime(*t)
}

// Opt is s, or nil (JSON null) for "": WorkOS writes absent strings as null.
func Opt(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// NonNil is s, or an empty list: WorkOS writes empty lists as [], never null.
func NonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// CopyMap copies a string map (metadata) so a rendered object never shares
// the record's map.
func CopyMap(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// Members writes "key":value members of an object, each preceded by a
// comma but the first: a struct's AppendJSON writes itself with it.
type Members struct {
	B     []byte
	count int
}

func (m *Members) key(k string) {
	if m.count > 0 {
		m.B = append(m.B, ',')
	}
	m.count++
	m.B = AppendString(m.B, k)
	m.B = append(m.B, ':')
}

// Str writes a string member.
func (m *Members) Str(k, v string) { m.key(k); m.B = AppendString(m.B, v) }

// OptStr writes a string member, null when empty.
func (m *Members) OptStr(k, v string) {
	m.key(k)
	if v == "" {
		m.B = append(m.B, "null"...)
		return
	}
	m.B = AppendString(m.B, v)
}

// PtrStr writes a nullable string member.
func (m *Members) PtrStr(k string, v *string) {
	if v == nil {
		m.OptStr(k, "")
		return
	}
	m.Str(k, *v)
}

// Bool writes a boolean member.
func (m *Members) Bool(k string, v bool) {
	m.key(k)
	if v {
		m.B = append(m.B, "true"...)
	} else {
		m.B = append(m.B, "false"...)
	}
}

// Time writes a time member in WorkOS's format, null when zero.
func (m *Members) Time(k string, t time.Time) {
	m.key(k)
	if t.IsZero() {
		m.B = append(m.B, "null"...)
		return
	}
	m.B = append(m.B, '"')
	m.B = AppendTime(m.B, t)
	m.B = append(m.B, '"')
}

// StrMap writes a string-to-string map member with its keys sorted.
func (m *Members) StrMap(k string, v map[string]string) {
	m.key(k)
	keys := make([]string, 0, len(v))
	for mk := range v {
		keys = append(keys, mk)
	}
	sort.Strings(keys)
	m.B = append(m.B, '{')
	for i, mk := range keys {
		if i > 0 {
			m.B = append(m.B, ',')
		}
		m.B = AppendString(m.B, mk)
		m.B = append(m.B, ':')
		m.B = AppendString(m.B, v[mk])
	}
	m.B = append(m.B, '}')
}

// Raw writes a member whose value is already encoded JSON.
func (m *Members) Raw(k string, v []byte) { m.key(k); m.B = append(m.B, v...) }
