package emulator

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

func counts(w *world) (sessions, access, refresh, outbox, heapLen int) {
	w.mu.RLock()
	defer w.mu.RUnlock()
	w.outbox.mu.Lock()
	defer w.outbox.mu.Unlock()
	return len(w.sessions), len(w.access), len(w.refresh), len(w.outbox.entries), len(w.evictions)
}

// TestEvictionBoundsMemory: expired tokens, used-up codes and ended sessions
// leave memory once their grace period has passed on the instance clock,
// and the answers about them stay the same (inactive, invalid_grant).
func TestEvictionBoundsMemory(t *testing.T) {
	set, err := fixtures.Parse([]byte(`
environment:
  client_id: client_123
  clock: 2026-01-15T12:00:00Z
  session: {max_length: 1h}
users: [{email: a@example.com, email_verified: true, password: pw}]
`), "t.yaml")
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(Config{Fixtures: set})
	if err != nil {
		t.Fatal(err)
	}
	w := srv.world()
	ctx := context.Background()
	var first MintResult
	for i := 0; i < 200; i++ {
		res, err := srv.Mint(ctx, MintRequest{UserID: set.Users[0].ID})
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = *res
		}
		if i%2 == 0 {
			if err := srv.RevokeSession(res.SessionID); err != nil {
				t.Fatal(err)
			}
		}
	}
	w.mu.Lock()
	w.send(&outboxEntry{id: "magic_auth_x", kind: KindMagicAuth, email: "a@example.com", code: "123456",
		createdAt: srv.clock.Now(), expiresAt: srv.clock.Now().Add(codeTTL)})
	w.mu.Unlock()
	s0, a0, r0, o0, _ := counts(w)
	if s0 != 200 || a0 != 200 || r0 != 200 || o0 != 1 {
		t.Fatalf("before: %d sessions, %d tokens, %d refresh, %d outbox", s0, a0, r0, o0)
	}

	// within the grace period everything is still known precisely
	srv.clock.Advance(30 * time.Minute)
	srv.Mint(ctx, MintRequest{UserID: set.Users[0].ID})
	if s, _ := srv.Session(first.SessionID); s == nil || s.Status != "revoked" {
		t.Fatalf("revoked session gone within the grace period: %+v", s)
	}
	if s, a, _, _, _ := counts(w); s != 201 || a != 201 {
		t.Fatalf("evicted too early: %d sessions, %d tokens", s, a)
	}

	// past max_length + grace, the next write sweeps
	srv.clock.Advance(3 * time.Hour)
	if _, err := srv.Mint(ctx, MintRequest{UserID: set.Users[0].ID}); err != nil {
		t.Fatal(err)
	}
	s1, a1, r1, o1, h1 := counts(w)
	if s1 != 1 || a1 != 1 || r1 != 1 || o1 != 0 {
		t.Fatalf("after: %d sessions, %d tokens, %d refresh, %d outbox (heap %d)", s1, a1, r1, o1, h1)
	}
	if h1 > 4 {
		t.Fatalf("eviction heap keeps %d entries", h1)
	}
	if got := srv.Introspect(first.AccessToken); got["active"] != false {
		t.Fatalf("evicted token: %v", got)
	}
	if _, err := srv.rotateRefresh(w, first.RefreshToken, set.Environment.ClientID, familyUM, ""); err == nil {
		t.Fatal("evicted refresh token still works")
	}
	if _, err := srv.Session(first.SessionID); err == nil {
		t.Fatal("evicted session still found")
	}
	w.mu.RLock()
	defer w.mu.RUnlock()
	if len(w.userSessions[set.Users[0].ID]) != 1 {
		t.Fatalf("user session index keeps %d", len(w.userSessions[set.Users[0].ID]))
	}
}

// TestEvictionRespectsActivity: a session kept alive by refreshes is not
// evicted at its first inactivity deadline.
func TestEvictionRespectsActivity(t *testing.T) {
	set, err := fixtures.Parse([]byte(`
environment:
  client_id: client_123
  clock: 2026-01-15T12:00:00Z
  session: {inactivity_timeout: 30m}
users: [{email: a@example.com, email_verified: true, password: pw}]
`), "t.yaml")
	if err != nil {
		t.Fatal(err)
	}
	srv, _ := New(Config{Fixtures: set})
	w := srv.world()
	res, _ := srv.Mint(context.Background(), MintRequest{UserID: set.Users[0].ID})
	refresh := res.RefreshToken
	for i := 0; i < 6; i++ { // 6 × 25 min: past the first deadline + grace
		srv.clock.Advance(25 * time.Minute)
		ss, err := srv.rotateRefresh(w, refresh, set.Environment.ClientID, familyUM, "")
		if err != nil {
			t.Fatalf("refresh %d: %v", i, err)
		}
		refresh = ss.refreshToken
		srv.Mint(context.Background(), MintRequest{UserID: set.Users[0].ID, SessionID: res.SessionID})
	}
	if _, err := srv.Session(res.SessionID); err != nil {
		t.Fatal("an active session was evicted")
	}
	srv.clock.Advance(31*time.Minute + evictGrace)
	srv.Mint(context.Background(), MintRequest{UserID: set.Users[0].ID})
	if _, err := srv.Session(res.SessionID); err == nil {
		t.Fatal("an idle session outlived its grace period")
	}
}

// TestJournalSlots: oversized requests are cut to their slot (and marked
// truncated), the ring keeps the newest entries, and nothing is lost or
// corrupted at the slot boundaries.
func TestJournalSlots(t *testing.T) {
	j := newJournal()
	at := time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)
	long := strings.Repeat("p", 2*journalSlot)
	for i := 0; i < journalCapacity+5; i++ {
		r := httptest.NewRequest(http.MethodPost, "/x?i="+strconv.Itoa(i), nil)
		r.Header.Set("X-Index", strconv.Itoa(i))
		body := []byte("body-" + strconv.Itoa(i))
		if i%100 == 0 {
			r.URL.Path = "/" + long
			r.Header.Set("X-Long", long)
			body = []byte(long)
		}
		j.add(at, "req-"+strconv.Itoa(i), r, body, 200+i%3)
	}
	list, dropped := j.list(RequestFilter{})
	if len(list) != journalCapacity || dropped != 5 {
		t.Fatalf("%d entries, %d dropped", len(list), dropped)
	}
	for k, e := range list {
		i := k + 5
		if e.Seq != uint64(i+1) || e.RequestID != "req-"+strconv.Itoa(i) || e.Status != 200+i%3 {
			t.Fatalf("entry %d: %+v", k, e)
		}
		if i%100 == 0 {
			if !e.Truncated || len(e.Path) > journalSlot {
				t.Fatalf("oversized entry %d not cut: truncated=%v path %d bytes", i, e.Truncated, len(e.Path))
			}
			continue
		}
		if e.Truncated || e.Headers["X-Index"] != strconv.Itoa(i) || e.Body != "body-"+strconv.Itoa(i) || e.Query["i"] != strconv.Itoa(i) {
			t.Fatalf("entry %d: %+v", i, e)
		}
	}
}
