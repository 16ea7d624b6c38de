package emulator

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// journalCapacity bounds the journal: the oldest entries are dropped (and
// counted) beyond it, so a long suite cannot grow it without limit.
const journalCapacity = 1000

// journalBodyLimit is how much of a body an entry keeps.
const journalBodyLimit = 16 << 10

// RecordedRequest is one journal entry: a request the emulator received
// (control-plane requests excluded), with secrets redacted.
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
}

// journal keeps the most recent requests. Entries are stored raw and
// redacted whenever they are read, which keeps the request path cheap; no
// read path returns an unredacted secret.
type journal struct {
	mu      sync.Mutex
	entries []rawEntry // ring buffer
	next    int
	full    bool
	seq     uint64
	dropped uint64
}

type rawEntry struct {
	seq       uint64
	at        time.Time
	requestID string
	method    string
	path      string
	rawQuery  string
	header    http.Header
	body      []byte
	status    int
}

func newJournal() *journal { return &journal{entries: make([]rawEntry, journalCapacity)} }

func (j *journal) add(e rawEntry) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.seq++
	e.seq = j.seq
	if j.full {
		j.dropped++
	}
	j.entries[j.next] = e
	j.next = (j.next + 1) % len(j.entries)
	if j.next == 0 {
		j.full = true
	}
}

// RequestFilter selects journal entries; zero fields match everything.
type RequestFilter struct {
	Method string
	// Path matches exactly, or as a pattern where * stands for one path
	// segment and ** for any rest (the fault syntax).
	Path string
	// SinceSeq keeps entries with a larger sequence number.
	SinceSeq uint64
	// Since keeps entries at or after this instance-clock time.
	Since time.Time
}

// list returns the matching entries, oldest first, and how many were dropped.
func (j *journal) list(f RequestFilter) ([]RecordedRequest, uint64) {
	j.mu.Lock()
	var raw []rawEntry
	n := j.next
	if j.full {
		raw = append(raw, j.entries[j.next:]...)
		n = len(j.entries)
		raw = append(raw, j.entries[:j.next]...)
	} else {
		raw = append(raw, j.entries[:n]...)
	}
	dropped := j.dropped
	j.mu.Unlock()
	out := []RecordedRequest{}
	for _, e := range raw {
		if f.Method != "" && !strings.EqualFold(f.Method, e.method) {
			continue
		}
		if f.Path != "" && !pathMatches(f.Path, e.path) {
			continue
		}
		if e.seq <= f.SinceSeq || (!f.Since.IsZero() && e.at.Before(f.Since)) {
			continue
		}
		out = append(out, e.redacted())
	}
	return out, dropped
}

// clear empties the journal; sequence numbers keep counting, so a "since"
// cursor taken before stays meaningful.
func (j *journal) clear() {
	j.mu.Lock()
	defer j.mu.Unlock()
	clear(j.entries)
	j.next, j.full, j.dropped = 0, false, 0
}

// reset empties the journal and restarts its sequence, as on a fresh start.
func (j *journal) reset() {
	j.clear()
	j.mu.Lock()
	j.seq = 0
	j.mu.Unlock()
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

func (e rawEntry) redacted() RecordedRequest {
	r := RecordedRequest{Seq: e.seq, Time: isoTime(e.at), RequestID: e.requestID, Method: e.method, Path: e.path,
		Query: map[string]string{}, Headers: map[string]string{}, Status: e.status}
	for k, vs := range e.header {
		v := strings.Join(vs, ", ")
		if secretHeaders[k] {
			v = redactAuthorization(v)
		}
		r.Headers[k] = v
	}
	if q, err := url.ParseQuery(e.rawQuery); err == nil {
		for k, vs := range q {
			r.Query[k] = strings.Join(vs, ",")
			if secretFields[k] {
				r.Query[k] = redactedMark
			}
		}
	}
	r.Body = redactBody(e.body, e.header.Get("Content-Type"))
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

func redactBody(body []byte, contentType string) string {
	if len(body) == 0 {
		return ""
	}
	if strings.HasPrefix(contentType, "application/json") {
		var m map[string]any
		if json.Unmarshal(body, &m) == nil {
			for k := range m {
				if secretFields[k] {
					m[k] = redactedMark
				}
			}
			out, _ := marshalNoEscape(m)
			return string(out)
		}
	}
	if strings.HasPrefix(contentType, "application/x-www-form-urlencoded") {
		if q, err := url.ParseQuery(string(body)); err == nil {
			for k := range q {
				if secretFields[k] {
					q[k] = []string{redactedMark}
				}
			}
			return q.Encode()
		}
	}
	// Unparsed bodies may hold anything: keep them only when they cannot
	// carry a known secret field.
	for k := range secretFields {
		if bytes.Contains(body, []byte(k)) {
			return redactedMark
		}
	}
	return strings.ToValidUTF8(string(body), "?")
}

// pathMatches matches a request path against a pattern where * stands for
// one path segment and a trailing ** for any rest.
func pathMatches(pattern, path string) bool {
	if pattern == path {
		return true
	}
	ps := strings.Split(strings.Trim(pattern, "/"), "/")
	xs := strings.Split(strings.Trim(path, "/"), "/")
	for i, p := range ps {
		if p == "**" {
			return true
		}
		if i >= len(xs) || (p != "*" && p != xs[i]) {
			return false
		}
	}
	return len(ps) == len(xs)
}
