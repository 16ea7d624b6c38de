package wire

import "time"

// Time formats a time the WorkOS way: ISO 8601 with milliseconds, in UTC.
func Time(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

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
