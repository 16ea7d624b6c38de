package web

import (
	"net/http"
	"sync"
)

// captureRoom is how much of a response body the front door keeps for the
// journal: what the journal's slot has room for, whatever the body's size.
const captureRoom = 2 << 10

// capture is the response writer of a journaled request: it passes every
// write through and keeps the start of the body in a fixed buffer, so
// journaling a response allocates nothing (captures are pooled).
type capture struct {
	http.ResponseWriter
	buf  [captureRoom]byte
	n    int // bytes kept
	size int // bytes written
}

// Write passes b on, keeping what still fits in the buffer.
func (w *capture) Write(b []byte) (int, error) {
	w.n += copy(w.buf[w.n:], b)
	w.size += len(b)
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController (Echo's Flush and Hijack) reach the
// connection's writer.
func (w *capture) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// captures recycles capture writers: one per request in flight.
type captures struct{ pool sync.Pool }

func (p *captures) get(w http.ResponseWriter) *capture {
	c, _ := p.pool.Get().(*capture)
	if c == nil {
		c = new(capture)
	}
	c.ResponseWriter = w
	return c
}

func (p *captures) put(c *capture) {
	c.ResponseWriter, c.n, c.size = nil, 0, 0
	p.pool.Put(c)
}
