package store

import (
	"strings"
	"unsafe"
)

// Records that a bounded log keeps for hours (events, Radar attempts) are
// allocated in blocks, and their bytes copied into large byte blocks. A
// sign-in allocates and frees dozens of small objects; a log record made
// during it and kept would otherwise sit on the same memory pages as
// those, and after the sign-ins are evicted every such page stays in use
// for one small record: measured, 100,000 sign-ins left 38 MiB of pages
// pinned by 18 MiB of live data. In blocks, a log holds a few large
// allocations that die together, because logs drop their oldest first.

// blockMax is the most records of one block; blocks start at blockMin
// and double, so a world that logs a little (one test's environment)
// stays small.
const (
	blockMin      = 8
	blockMax      = 512
	byteBlockMin  = 1 << 10
	byteBlockMax  = 64 << 10
	internedLimit = 4096
)

// blocks hands out zeroed records of T from shared arrays.
type blocks[T any] struct {
	cur []T
}

// new is a pointer to a fresh zero T.
func (b *blocks[T]) new() *T {
	if len(b.cur) == cap(b.cur) {
		b.cur = make([]T, 0, min(blockMax, max(blockMin, 2*cap(b.cur))))
	}
	b.cur = b.cur[:len(b.cur)+1]
	return &b.cur[len(b.cur)-1]
}

// byteBlocks copies byte strings into shared arrays.
type byteBlocks struct {
	cur []byte
}

// copy is p's bytes in a block (nil for nil). The result's capacity ends
// at its length, so appending to it never writes over a neighbour.
func (b *byteBlocks) copy(p []byte) []byte {
	if p == nil {
		return nil
	}
	if cap(b.cur)-len(b.cur) < len(p) {
		b.cur = make([]byte, 0, max(len(p), min(byteBlockMax, max(byteBlockMin, 2*cap(b.cur)))))
	}
	start := len(b.cur)
	b.cur = append(b.cur, p...)
	return b.cur[start:len(b.cur):len(b.cur)]
}

// str is s, copied into a block: for the ids a log keeps, which would
// otherwise be small strings scattered over the pages of sign-ins. The
// string shares the block's bytes, which is sound because a block's bytes
// are written once, when appended, and never changed after.
func (b *byteBlocks) str(s string) string {
	if s == "" {
		return ""
	}
	p := b.copy([]byte(s))
	return unsafe.String(&p[0], len(p))
}

// interner shares one copy of the strings a log keeps over and over (the
// same e-mail, address and user agent on every attempt of a test user),
// and cuts them loose from the request body they were decoded from. It
// forgets everything past internedLimit strings.
type interner struct {
	m map[string]string
}

func (in *interner) get(s string) string {
	if s == "" {
		return ""
	}
	if v, ok := in.m[s]; ok {
		return v
	}
	if in.m == nil || len(in.m) >= internedLimit {
		in.m = make(map[string]string, 64)
	}
	s = strings.Clone(s)
	in.m[s] = s
	return s
}
