package web

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strings"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
)

// RecordedRequest is one journal entry as it is read: a request the
// emulator received (control-plane requests excluded), with secrets
// redacted.
type RecordedRequest struct {
	Seq       uint64            `json:"seq"`
	Time      string            `json:"time"`
	RequestID string            `json:"request_id"`
	Method    string            `json:"method"`
	Path      string            `json:"path"`
	Query     map[string]string `json:"query"`
	Headers   map[string]string `json:"headers"`
	Body      string            `json:"body"`
	Status    int               `json:"status"`
	Truncated bool              `json:"truncated,omitempty"`
	// Response is the answer the emulator gave.
	Response RecordedResponse `json:"response"`
}

// Requests lists an environment's journal entries matching f, oldest
// first and redacted, and how many the bounded journal has dropped.
func Requests(st *store.Store, f store.RequestFilter) ([]RecordedRequest, uint64) {
	raw, dropped := st.Journal().List(f)
	out := make([]RecordedRequest, len(raw))
	for i, e := range raw {
		out[i] = redacted(e)
	}
	return out, dropped
}

// Redact is a journal entry as it is read: secrets redacted.
func Redact(e store.Recorded) RecordedRequest { return redacted(e) }

// Request is an environment's journal entry with sequence number seq,
// redacted, if the journal still has it.
func Request(st *store.Store, seq uint64) (RecordedRequest, bool) {
	e, ok := st.Journal().Entry(seq)
	if !ok {
		return RecordedRequest{}, false
	}
	return redacted(e), true
}

// secretFields are redacted wherever they appear: form and JSON bodies and
// query strings.
var secretFields = map[string]bool{
	"client_secret": true, "password": true, "new_password": true, "code_verifier": true,
	"refresh_token": true, "password_hash": true, "api_key": true, "value": true,
}

// secretHeaders are redacted request headers.
var secretHeaders = map[string]bool{"Authorization": true, "Cookie": true, "Proxy-Authorization": true}

const redactedMark = "[REDACTED]"

func redacted(e store.Recorded) RecordedRequest {
	r := RecordedRequest{Seq: e.Seq, Time: wire.Time(e.At), RequestID: e.RequestID, Method: e.Method, Path: e.Path,
		Query: map[string]string{}, Headers: map[string]string{}, Status: e.Status, Truncated: e.Truncated}
	for k, vs := range e.Header {
		v := strings.Join(vs, ", ")
		if secretHeaders[k] {
			v = redactAuthorization(v)
		}
		r.Headers[k] = v
	}
	if q, err := url.ParseQuery(e.RawQuery); err == nil {
		for k, vs := range q {
			r.Query[k] = strings.Join(vs, ",")
			if secretFields[k] {
				r.Query[k] = redactedMark
			}
		}
	}
	var ct string
	if vs := e.Header["Content-Type"]; len(vs) > 0 {
		ct = vs[0]
	}
	if e.Redacted {
		r.Body = strings.ToValidUTF8(string(e.Body), "?")
	} else {
		r.Body = redactBody(e.Body, ct)
	}
	r.Response = redactedResponse(e)
	return r
}

// redactAuthorization keeps the scheme, so a test can still assert that a
// client sent Basic or Bearer credentials.
func redactAuthorization(v string) string {
	if scheme, _, ok := strings.Cut(v, " "); ok {
		return scheme + " " + redactedMark
	}
	return redactedMark
}

// redactBody replaces the value of every secret field of a body, decoding
// it as the handlers do: by its media type, whatever its case or
// parameters; form keys percent-decoded, JSON keys unescaped (a client that
// writes "client_secre%74" or "pass\u0077ord" still sent a secret), JSON
// objects at any depth. A body that does not decode is kept only when it
// cannot hold a secret field name in any case.
func redactBody(body []byte, contentType string) string {
	if len(body) == 0 {
		return ""
	}
	switch mediaType(contentType) {
	case "application/json", "":
		var v any
		if json.Unmarshal(body, &v) == nil {
			out, _ := wire.Marshal(redactJSON(v))
			return string(out)
		}
	case "application/x-www-form-urlencoded":
		if q, err := url.ParseQuery(string(body)); err == nil {
			for k := range q {
				if secretFields[strings.ToLower(k)] {
					q[k] = []string{redactedMark}
				}
			}
			return q.Encode()
		}
	}
	// Undecodable: escapes could spell a secret's name, so a body with any
	// is withheld too.
	lower := bytes.ToLower(body)
	if bytes.Contains(lower, []byte(`\u`)) || bytes.IndexByte(lower, '%') >= 0 {
		return redactedMark
	}
	for k := range secretFields {
		if bytes.Contains(lower, []byte(k)) {
			return redactedMark
		}
	}
	return strings.ToValidUTF8(string(body), "?")
}

// redactCut is the journal's redaction of a body too long for its slot.
func redactCut(body []byte, contentType string) []byte { return []byte(redactBody(body, contentType)) }

// redactJSON redacts secret members of JSON objects at any depth.
func redactJSON(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if secretFields[strings.ToLower(k)] {
				x[k] = redactedMark
			} else {
				x[k] = redactJSON(e)
			}
		}
	case []any:
		for i, e := range x {
			x[i] = redactJSON(e)
		}
	}
	return v
}
