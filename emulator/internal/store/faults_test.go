package store

import (
	"fmt"
	"testing"
)

// TestFaultOrder: the first queued fault that matches answers, whether it
// is on an exact path (indexed) or a pattern (scanned); a used-up fault
// leaves the queue.
func TestFaultOrder(t *testing.T) {
	fs := newFaults()
	pattern := fs.Add(Fault{Path: "/user_management/*", Status: 503, Count: 1})
	exact := fs.Add(Fault{Method: "GET", Path: "/user_management/users", Status: 500, Count: 1})
	anyMethod := fs.Add(Fault{Path: "/user_management/users", Status: 502})
	for _, want := range []string{pattern.ID, exact.ID, anyMethod.ID, anyMethod.ID} {
		got, ok := fs.Take("GET", "/user_management/users")
		if !ok || got.ID != want {
			t.Fatalf("took %v (%v), want %s", got.ID, ok, want)
		}
	}
	if _, ok := fs.Take("POST", "/oauth2/token"); ok {
		t.Fatal("a fault matched another path")
	}
	if list := fs.List(); len(list) != 1 || list[0].ID != anyMethod.ID {
		t.Fatalf("left: %+v", list)
	}
}

// BenchmarkFaultsThatNeverMatch: 10,000 queued faults on other paths cost
// a request an index lookup, not a scan (was 0.55 → 2.3 ms per JWKS).
func BenchmarkFaultsThatNeverMatch(b *testing.B) {
	for _, n := range []int{0, 10_000} {
		fs := newFaults()
		for i := range n {
			fs.Add(Fault{Method: "POST", Path: fmt.Sprintf("/user_management/users/user_%d", i), Status: 500})
		}
		fs.Add(Fault{Path: "/never/*", Status: 500})
		b.Run(fmt.Sprintf("faults=%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, ok := fs.Take("GET", "/oauth2/jwks"); ok {
					b.Fatal("matched")
				}
			}
		})
	}
}
