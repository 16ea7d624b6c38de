package store

import (
	"encoding/binary"
	"encoding/hex"
	"hash/fnv"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/oklog/ulid/v2"
)

// entropy is one seeded random stream. An instance has two, both derived
// from environment.seed: one for everything that reaches state (ids, tokens,
// codes) and one for request ids, so that health probes and other requests
// that change nothing cannot shift the tokens a scenario gets.
type entropy struct {
	mu sync.Mutex
	r  *rand.ChaCha8
}

func newEntropy(seed int64, stream string) *entropy {
	e := &entropy{}
	e.reseed(seed, stream)
	return e
}

// reseed restarts the stream from its seed (on reset).
func (e *entropy) reseed(seed int64, stream string) {
	var key [32]byte
	binary.LittleEndian.PutUint64(key[:8], uint64(seed))
	h := fnv.New64a()
	h.Write([]byte(stream))
	binary.LittleEndian.PutUint64(key[8:16], h.Sum64())
	e.mu.Lock()
	e.r = rand.NewChaCha8(key)
	e.mu.Unlock()
}

// state is the stream's position, for snapshots.
func (e *entropy) state() ([]byte, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.r.MarshalBinary()
}

// restore moves the stream to a position state wrote.
func (e *entropy) restore(b []byte) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.r.UnmarshalBinary(b)
}

const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// ulid returns a ULID stamped with t (the instance clock) and seeded entropy.
func (e *entropy) ulid(t time.Time) string {
	var u ulid.ULID
	_ = u.SetTime(ulid.Timestamp(t))
	e.mu.Lock()
	_, _ = e.r.Read(u[6:])
	e.mu.Unlock()
	return u.String()
}

// token returns an opaque alphanumeric string of n characters, the shape of
// WorkOS refresh tokens, authorization codes and pending tokens.
func (e *entropy) token(n int) string {
	b := make([]byte, n)
	e.mu.Lock()
	for i := range b {
		b[i] = alnum[uint64(e.r.Uint64())%uint64(len(alnum))]
	}
	e.mu.Unlock()
	return string(b)
}

// digits returns n decimal digits (magic-auth and e-mail verification codes).
func (e *entropy) digits(n int) string {
	b := make([]byte, n)
	e.mu.Lock()
	for i := range b {
		b[i] = '0' + byte(e.r.Uint64()%10)
	}
	e.mu.Unlock()
	return string(b)
}

// uuid returns a version-4-shaped UUID, the format of WorkOS request ids.
func (e *entropy) uuid() string {
	var b [16]byte
	e.mu.Lock()
	_, _ = e.r.Read(b[:])
	e.mu.Unlock()
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var out [36]byte
	hex.Encode(out[0:8], b[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], b[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], b[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], b[8:10])
	out[23] = '-'
	hex.Encode(out[24:36], b[10:16])
	return string(out[:])
}
