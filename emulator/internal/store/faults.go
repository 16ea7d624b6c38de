package store

import (
	"fmt"
	"slices"
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
	order     int // queue position: the first match wins
}

// Faults is an environment's queue of scripted failures. It has its own
// small lock: faults are matched before a request reaches the world. Faults
// on an exact path are indexed by method and path, so a thousand faults
// that never match cost a request two map lookups; only patterns (* and
// **) are scanned.
type Faults struct {
	mu       sync.Mutex
	exact    map[string][]*Fault // by method (or "" for any) + " " + path, in queue order
	patterns []*Fault            // paths with * or **, in queue order
	seq      int
	n        atomic.Int64 // how many are queued, readable without mu
	// onChange runs (under mu; it must not call back) after every change
	// to the queue, a use counted down included.
	onChange func()
}

func newFaults() *Faults { return &Faults{exact: map[string][]*Fault{}} }

func isPattern(path string) bool { return strings.Contains(path, "*") }

// Add queues a fault and returns it with its id.
func (fs *Faults) Add(f Fault) Fault {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.seq++
	f.ID = fmt.Sprintf("fault_%d", fs.seq)
	f.Remaining = f.Count
	f.order = fs.seq
	if isPattern(f.Path) {
		fs.patterns = append(fs.patterns, &f)
	} else {
		k := f.Method + " " + f.Path
		fs.exact[k] = append(fs.exact[k], &f)
	}
	fs.n.Add(1)
	fs.notify()
	return f
}

func (fs *Faults) notify() {
	if fs.onChange != nil {
		fs.onChange()
	}
}

// List returns the queued faults, in queue order.
func (fs *Faults) List() []Fault {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	var out []Fault
	for _, list := range fs.exact {
		for _, f := range list {
			out = append(out, *f)
		}
	}
	for _, f := range fs.patterns {
		out = append(out, *f)
	}
	slices.SortFunc(out, func(a, b Fault) int { return a.order - b.order })
	return out
}

// Clear removes every queued fault.
func (fs *Faults) Clear() {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.exact, fs.patterns = map[string][]*Fault{}, nil
	fs.n.Store(0)
	fs.notify()
}

// Empty reports, without taking the lock, whether no fault is queued: the
// common case costs an atomic load.
func (fs *Faults) Empty() bool { return fs.n.Load() == 0 }

// Take returns the first fault (in queue order) matching the request,
// consuming one use.
func (fs *Faults) Take(method, path string) (Fault, bool) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	var best *Fault
	consider := func(f *Fault) {
		if best == nil || f.order < best.order {
			best = f
		}
	}
	for _, k := range []string{method + " " + path, " " + path} {
		if list := fs.exact[k]; len(list) > 0 {
			consider(list[0])
		}
	}
	for _, f := range fs.patterns {
		if (f.Method == "" || f.Method == method) && PathMatches(f.Path, path) {
			consider(f)
			break
		}
	}
	if best == nil {
		return Fault{}, false
	}
	got := *best
	if best.Count > 0 {
		best.Remaining--
		if best.Remaining == 0 {
			fs.remove(best)
		}
		fs.notify()
	}
	return got, true
}

// remove drops a used-up fault from its list.
func (fs *Faults) remove(f *Fault) {
	if isPattern(f.Path) {
		fs.patterns = without1(fs.patterns, f)
	} else {
		k := f.Method + " " + f.Path
		if fs.exact[k] = without1(fs.exact[k], f); len(fs.exact[k]) == 0 {
			delete(fs.exact, k)
		}
	}
	fs.n.Add(-1)
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
