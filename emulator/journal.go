package emulator

import (
	"bytes"
	"encoding/binary"
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

// journalSlot is the room one entry has: request line, headers and body
// beyond it are cut (and the cut is marked).
const journalSlot = 2 << 10

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
	Truncated bool              `json:"truncated,omitempty"`
}

// journal keeps the most recent requests in one preallocated ring of
// fixed-size slots: recording a request copies bytes and allocates nothing,
// and the journal never scatters small objects across the heap (which would
// keep memory pinned after a burst). Entries are redacted whenever they are
// read; no read path returns an unredacted secret.
type journal struct {
	mu      sync.Mutex
	buf     []byte // journalCapacity slots, allocated on first use
	next    int
	count   int
	seq     uint64
	dropped uint64
}

// rawEntry is a decoded slot.
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
	truncated bool
}

func newJournal() *journal { return &journal{} }

// Slot layout: seq, time, status (8 bytes each), a truncation flag, the
// lengths of the six fields (2 bytes each), then the fields' bytes in
// order: request id, method, path, query, headers ("Key: value\n"), body.
const (
	slotFields = 6
	slotHead   = 25
	slotData   = slotHead + 2*slotFields
)

// slotWriter fills one slot, cutting what does not fit.
type slotWriter struct {
	b     []byte
	n     int // next data byte
	field int // next field
	cut   bool
}

// put appends to the current field as much of s as fits. It is generic so
// a body goes in as bytes: converting it to a string first would copy all
// of it (up to 1 MB) to keep at most a slot's worth.
func put[T string | []byte](w *slotWriter, s T) {
	k := copy(w.b[w.n:], s)
	w.n += k
	if k < len(s) {
		w.cut = true
	}
}

// end closes the current field, recording its length.
func (w *slotWriter) end(start int) {
	binary.LittleEndian.PutUint16(w.b[slotHead+2*w.field:], uint16(w.n-start))
	w.field++
}

// add records a request, cutting whatever does not fit its slot (the entry
// is then marked truncated).
func (j *journal) add(at time.Time, requestID string, r *http.Request, body []byte, status int) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.buf == nil {
		j.buf = make([]byte, journalCapacity*journalSlot)
	}
	j.seq++
	if j.count == journalCapacity {
		j.dropped++
	} else {
		j.count++
	}
	w := slotWriter{b: j.buf[j.next*journalSlot : (j.next+1)*journalSlot], n: slotData}
	binary.LittleEndian.PutUint64(w.b[0:], j.seq)
	binary.LittleEndian.PutUint64(w.b[8:], uint64(at.UnixNano()))
	binary.LittleEndian.PutUint64(w.b[16:], uint64(status))
	for _, f := range []string{requestID, r.Method, r.URL.Path, r.URL.RawQuery} {
		start := w.n
		put(&w, f)
		w.end(start)
	}
	start := w.n
	for k, vs := range r.Header {
		for _, v := range vs {
			if w.n+len(k)+len(v)+3 > len(w.b) {
				w.cut = true
				continue
			}
			put(&w, k)
			put(&w, ": ")
			put(&w, v)
			put(&w, "\n")
		}
	}
	w.end(start)
	start = w.n
	put(&w, body)
	w.end(start)
	w.b[24] = 0
	if w.cut {
		w.b[24] = 1
	}
	j.next = (j.next + 1) % journalCapacity
}

// decode reads slot i back.
func (j *journal) decode(i int) rawEntry {
	b := j.buf[i*journalSlot : (i+1)*journalSlot]
	e := rawEntry{seq: binary.LittleEndian.Uint64(b), at: time.Unix(0, int64(binary.LittleEndian.Uint64(b[8:]))).UTC(),
		status: int(binary.LittleEndian.Uint64(b[16:])), truncated: b[24] == 1}
	n, f := slotData, 0
	field := func() string {
		l := int(binary.LittleEndian.Uint16(b[slotHead+2*f:]))
		v := string(b[n : n+l])
		n, f = n+l, f+1
		return v
	}
	e.requestID, e.method, e.path, e.rawQuery = field(), field(), field(), field()
	e.header = http.Header{}
	for _, line := range strings.Split(field(), "\n") {
		if k, v, ok := strings.Cut(line, ": "); ok {
			e.header[k] = append(e.header[k], v)
		}
	}
	e.body = []byte(field())
	return e
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
	raw := make([]rawEntry, 0, j.count)
	for k := 0; k < j.count; k++ {
		raw = append(raw, j.decode((j.next-j.count+k+journalCapacity)%journalCapacity))
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
	j.next, j.count, j.dropped = 0, 0, 0
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
		Query: map[string]string{}, Headers: map[string]string{}, Status: e.status, Truncated: e.truncated}
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
