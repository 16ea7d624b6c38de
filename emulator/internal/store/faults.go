package store

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Fault is a scripted failure: requests matching Method and Path answer
// Status with Body (after Delay) instead of reaching the emulator, Count
// times (0: until cleared). A fault with Status 0 and a Delay only slows
// matching requests down. The web layer validates faults before they are
// queued.
type Fault struct {
	ID     string
	Method string // "": any
	Path   string // exact, or * per segment and trailing **
	Status int
	Body   []byte
	Count  int
	Delay  time.Duration
	// Remaining counts down from Count.
	Remaining int
}

// Faults is an environment's queue of scripted failures. It has its own
// small lock: faults are matched before a request reaches the world.
type Faults struct {
	mu   sync.Mutex
	list []*Fault
	seq  int
	n    atomic.Int64 // len(list), readable without mu
}

func newFaults() *Faults { return &Faults{} }

// Add queues a fault and returns it with its id.
func (fs *Faults) Add(f Fault) Fault {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.seq++
	f.ID = fmt.Sprintf("fault_%d", fs.seq)
	f.Remaining = f.Count
	fs.list = append(fs.list, &f)
	fs.n.Store(int64(len(fs.list)))
	return f
}

// List returns the queued faults.
func (fs *Faults) List() []Fault {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	out := make([]Fault, len(fs.list))
	for i, f := range fs.list {
		out[i] = *f
	}
	return out
}

// Clear removes every queued fault.
func (fs *Faults) Clear() {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.list = nil
	fs.n.Store(0)
}

// Empty reports, without taking the lock, whether no fault is queued: the
// common case costs an atomic load.
func (fs *Faults) Empty() bool { return fs.n.Load() == 0 }

// Take returns the first fault matching the request, consuming one use.
func (fs *Faults) Take(method, path string) (Fault, bool) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for i, f := range fs.list {
		if (f.Method == "" || f.Method == method) && PathMatches(f.Path, path) {
			got := *f
			if f.Count > 0 {
				f.Remaining--
				if f.Remaining == 0 {
					fs.list = append(fs.list[:i:i], fs.list[i+1:]...)
					fs.n.Store(int64(len(fs.list)))
				}
			}
			return got, true
		}
	}
	return Fault{}, false
}

// PathMatches matches a request path against a pattern where * stands for
// one path segment and a trailing ** for any rest.
func PathMatches(pattern, path string) bool {
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
