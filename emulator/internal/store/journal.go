package store

import (
	"encoding/binary"
	"net/textproto"
	"strings"
	"sync"
	"time"
)

// journalCapacity bounds the journal: the oldest entries are dropped (and
// counted) beyond it, so a long suite cannot grow it without limit.
const journalCapacity = 1000

// journalSlot is the room one entry has: requestRoom for the request line,
// headers and body, the rest for the response's headers and body. What
// does not fit is cut (and the cut is marked).
const (
	journalSlot = 4 << 10
	requestRoom = 2 << 10
)

// chunkSlots is how many slots are allocated at once: the ring grows by
// chunks as requests arrive, so an environment that served a few requests
// holds a chunk, not the whole ring.
const chunkSlots = 32

// Journal keeps the most recent requests and their responses in a ring of
// fixed-size slots: recording one copies bytes and allocates nothing (once
// its chunk exists), and the journal never scatters small objects across
// the heap (which would keep memory pinned after a burst). It has its own
// small lock: requests are journaled outside the world's transactions. The
// web layer redacts entries whenever they are read.
type Journal struct {
	mu      sync.Mutex
	chunks  [][]byte // chunkSlots slots each, allocated on first use
	next    int
	count   int
	seq     uint64
	dropped uint64
}

// JournalResponse is the answer to a journaled request, as the front door
// captured it: its headers, the start of its body (as much as a slot can
// keep) and the body's full size.
type JournalResponse struct {
	Header map[string][]string
	Body   []byte
	Size   int
}

// Recorded is a journal entry as recorded (secrets not yet redacted).
type Recorded struct {
	Seq       uint64
	At        time.Time
	RequestID string
	Method    string
	Path      string
	RawQuery  string
	Header    map[string][]string
	Body      []byte
	Status    int
	Truncated bool
	// Redacted: the body was redacted when it was recorded (it was too
	// long for its slot).
	Redacted bool
	// RespHeader and RespBody are the response's headers and the start of
	// its body; RespSize is the body's full size, and RespTruncated tells
	// that the headers or body were cut (the body is then a prefix, which
	// the reader must redact as such).
	RespHeader    map[string][]string
	RespBody      []byte
	RespSize      int
	RespTruncated bool
}

// Slot flags (byte 24).
const (
	flagTruncated byte = 1 << iota
	flagRedacted
	flagRespTruncated
)

// Slot layout: seq, time, status (8 bytes each), the flags, the response
// body's full size (4 bytes), the lengths of the eight fields (2 bytes
// each), then the request fields' bytes in order (request id, method,
// path, query, headers as "Key: value\n", body) up to requestRoom, and the
// response fields' (headers, body) after it.
const (
	slotFields = 8
	slotHead   = 29
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

// headers writes a header map as one field of "Key: value\n" lines,
// skipping (and marking cut) lines that do not fit whole.
func (w *slotWriter) headers(header map[string][]string) {
	start := w.n
	for k, vs := range header {
		for _, v := range vs {
			if w.n+len(k)+len(v)+3 > len(w.b) {
				w.cut = true
				continue
			}
			put(w, k)
			put(w, ": ")
			put(w, v)
			put(w, "\n")
		}
	}
	w.end(start)
}

// slot is the bytes of slot i, allocating its chunk on first use.
func (j *Journal) slot(i int) []byte {
	if j.chunks == nil {
		j.chunks = make([][]byte, (journalCapacity+chunkSlots-1)/chunkSlots)
	}
	c := j.chunks[i/chunkSlots]
	if c == nil {
		c = make([]byte, chunkSlots*journalSlot)
		j.chunks[i/chunkSlots] = c
	}
	k := i % chunkSlots
	return c[k*journalSlot : (k+1)*journalSlot]
}

// Add records a request and its response, cutting whatever does not fit
// its slot (the entry is then marked truncated). The request line and
// headers go first, the body fills what is left of the request's room. A
// request body that would be cut is first passed through redact (and the
// entry marked redacted): the reader redacts whole bodies by decoding
// them, which a cut body no longer allows, so a secret past the cut must
// go before it. A response body is kept as the prefix that fits: the
// reader redacts response bodies with a scanner that works on prefixes.
func (j *Journal) Add(at time.Time, requestID, method, path, rawQuery string, header map[string][]string, body []byte, status int,
	resp JournalResponse, redact func(body []byte, contentType string) []byte) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.seq++
	if j.count == journalCapacity {
		j.dropped++
	} else {
		j.count++
	}
	b := j.slot(j.next)
	w := slotWriter{b: b[:requestRoom], n: slotData}
	binary.LittleEndian.PutUint64(b[0:], j.seq)
	binary.LittleEndian.PutUint64(b[8:], uint64(at.UnixNano()))
	binary.LittleEndian.PutUint64(b[16:], uint64(status))
	binary.LittleEndian.PutUint32(b[25:], uint32(min(resp.Size, 1<<31)))
	for _, f := range []string{requestID, method, path, rawQuery} {
		start := w.n
		put(&w, f)
		w.end(start)
	}
	w.headers(header)
	start := w.n
	var flags byte
	if len(body) > len(w.b)-w.n && redact != nil {
		var ct string
		if vs := header["Content-Type"]; len(vs) > 0 {
			ct = vs[0]
		}
		body = redact(body, ct)
		flags |= flagRedacted
	}
	put(&w, body)
	w.end(start)
	if w.cut {
		flags |= flagTruncated
	}
	r := slotWriter{b: b, n: requestRoom, field: w.field}
	r.headers(resp.Header)
	start = r.n
	put(&r, resp.Body)
	r.end(start)
	if r.cut || resp.Size > len(resp.Body) {
		flags |= flagRespTruncated
	}
	b[24] = flags
	j.next = (j.next + 1) % journalCapacity
}

// Seq is the sequence number of the newest entry (0 when none was ever
// recorded since the last reset): it changes whenever a request is
// journaled, so a watcher can tell without listing the journal.
func (j *Journal) Seq() uint64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.seq
}

// decode reads slot i back: all of it, or (full unset) the request line,
// id, time and status only.
func (j *Journal) decode(i int, full bool) Recorded {
	b := j.slot(i)
	e := Recorded{Seq: binary.LittleEndian.Uint64(b), At: time.Unix(0, int64(binary.LittleEndian.Uint64(b[8:]))).UTC(),
		Status: int(binary.LittleEndian.Uint64(b[16:])), Truncated: b[24]&flagTruncated != 0, Redacted: b[24]&flagRedacted != 0,
		RespTruncated: b[24]&flagRespTruncated != 0, RespSize: int(binary.LittleEndian.Uint32(b[25:]))}
	n, f := slotData, 0
	field := func() string {
		l := int(binary.LittleEndian.Uint16(b[slotHead+2*f:]))
		v := string(b[n : n+l])
		n, f = n+l, f+1
		return v
	}
	e.RequestID, e.Method, e.Path, e.RawQuery = field(), field(), field(), field()
	if !full {
		return e
	}
	e.Header = parseHeaders(field())
	e.Body = []byte(field())
	n = requestRoom
	e.RespHeader = parseHeaders(field())
	e.RespBody = []byte(field())
	return e
}

// parseHeaders reads back a headers field.
func parseHeaders(s string) map[string][]string {
	h := map[string][]string{}
	for _, line := range strings.Split(s, "\n") {
		if k, v, ok := strings.Cut(line, ": "); ok {
			k = textproto.CanonicalMIMEHeaderKey(k)
			h[k] = append(h[k], v)
		}
	}
	return h
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

// List returns the matching entries, oldest first, and how many the
// bounded journal has dropped.
func (j *Journal) List(f RequestFilter) ([]Recorded, uint64) { return j.list(f, true) }

// Entry is the entry with sequence number seq, if the journal still has
// it: found where the ring put it, without reading the others.
func (j *Journal) Entry(seq uint64) (Recorded, bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if seq == 0 || seq > j.seq || j.seq-seq >= uint64(j.count) {
		return Recorded{}, false
	}
	back := int(j.seq - seq)
	return j.decode(((j.next-1-back)%journalCapacity+journalCapacity)%journalCapacity, true), true
}

// Summaries is List without the headers and bodies (nil): the request
// line, id, time and status of each entry, for listing many cheaply.
func (j *Journal) Summaries(f RequestFilter) []Recorded {
	out, _ := j.list(f, false)
	return out
}

func (j *Journal) list(f RequestFilter, full bool) ([]Recorded, uint64) {
	j.mu.Lock()
	raw := make([]Recorded, 0, j.count)
	for k := 0; k < j.count; k++ {
		raw = append(raw, j.decode((j.next-j.count+k+journalCapacity)%journalCapacity, full))
	}
	dropped := j.dropped
	j.mu.Unlock()
	out := []Recorded{}
	for _, e := range raw {
		if f.Method != "" && !strings.EqualFold(f.Method, e.Method) {
			continue
		}
		if f.Path != "" && !PathMatches(f.Path, e.Path) {
			continue
		}
		if e.Seq <= f.SinceSeq || (!f.Since.IsZero() && e.At.Before(f.Since)) {
			continue
		}
		out = append(out, e)
	}
	return out, dropped
}

// Clear empties the journal; sequence numbers keep counting, so a "since"
// cursor taken before stays meaningful.
func (j *Journal) Clear() {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.next, j.count, j.dropped = 0, 0, 0
}

// reset empties the journal and restarts its sequence, as on a fresh start.
func (j *Journal) reset() {
	j.Clear()
	j.mu.Lock()
	j.seq = 0
	j.mu.Unlock()
}
