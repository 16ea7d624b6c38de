package web

import (
	"bytes"
	"encoding/json"

	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// Metadata limits (the OpenAPI spec's): 50 keys of up to 40 characters,
// values of up to 600.
const (
	MaxMetadataKeys     = 50
	MaxMetadataKeyLen   = 40
	MaxMetadataValueLen = 600
)

// Metadata reads WorkOS metadata: string values only; a null value (on
// update) deletes the key, so values come back as pointers.
func (b *Body) Metadata(k string) map[string]*string {
	v, ok := b.member(k)
	if !ok || b.Null(k) {
		return nil
	}
	var raw map[string]json.RawMessage
	if json.Unmarshal(v, &raw) != nil {
		b.Bad(k, "metadata_must_be_an_object")
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
			b.Bad(k+"."+mk, "metadata_values_must_be_strings")
			continue
		}
		if len(mk) > MaxMetadataKeyLen || len(s) > MaxMetadataValueLen {
			b.Bad(k+"."+mk, "metadata_too_large")
			continue
		}
		out[mk] = &s
	}
	return out
}

// ApplyMetadata merges an update into metadata (null deletes a key) and
// checks the size limit, recording a field error under key k.
func (b *Body) ApplyMetadata(k string, into map[string]string, update map[string]*string) map[string]string {
	out := make(map[string]string, len(into)+len(update))
	for mk, mv := range into {
		out[mk] = mv
	}
	for mk, mv := range update {
		if mv == nil {
			delete(out, mk)
		} else {
			out[mk] = *mv
		}
	}
	if len(out) > MaxMetadataKeys {
		b.Bad(k, "metadata_too_large")
	}
	return out
}

// NameDescription reads a PATCH of name and description (recording type
// errors now) and returns what applies it: an absent name keeps the old
// one, a null description clears it.
func (b *Body) NameDescription() func(name, description *string) {
	n, d, hasD := b.Str("name"), b.OptStr("description"), b.Has("description")
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

// Limit records a field error when a string field is longer than limit
// (the fixtures package's Max*Length, shared with fixture validation).
func (b *Body) Limit(k, v string, limit int) {
	if len(v) > limit {
		b.Bad(k, "too_long")
	}
}

// ExternalID records the spec's rules for an external id (at most 128
// ASCII characters).
func (b *Body) ExternalID(k string, id *string) {
	if id != nil {
		if code := fixtures.CheckExternalID(*id); code != "" {
			b.Bad(k, code)
		}
	}
}
