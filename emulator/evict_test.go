package emulator

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

func counts(st *store.Store) (sessions, access, refresh, outbox, heapLen int) {
	z := st.Sizes()
	return z.Sessions, z.AccessTokens, z.RefreshTokens, z.Outbox, z.Evictions
}

// refresh redeems a User Management refresh token over the API and returns
// its successor ("" when refused).
func refresh(t *testing.T, srv *Server, token string) string {
	t.Helper()
	rec := httptest.NewRecorder()
	body := url.Values{"grant_type": {"refresh_token"}, "client_id": {srv.ClientID()}, "refresh_token": {token}}.Encode()
	req := httptest.NewRequest(http.MethodPost, "/user_management/authenticate", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	srv.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		return ""
	}
	var out struct {
		RefreshToken string `json:"refresh_token"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	return out.RefreshToken
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
	st := srv.st
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
	_ = st.Write(func(tx *store.Tx) error {
		tx.Send(&store.OutboxEntry{ID: "magic_auth_x", Kind: KindMagicAuth, Email: "a@example.com", Code: "123456",
			CreatedAt: tx.Now(), ExpiresAt: tx.Now().Add(store.CodeTTL)})
		return nil
	})
	s0, a0, r0, o0, _ := counts(st)
	if s0 != 200 || a0 != 200 || r0 != 200 || o0 != 1 {
		t.Fatalf("before: %d sessions, %d tokens, %d refresh, %d outbox", s0, a0, r0, o0)
	}

	// within the grace period sessions are still known precisely; expired
	// access tokens are gone at once (an expired token and an unknown one
	// both introspect inactive): only the one just minted is left
	srv.clock.Advance(30 * time.Minute)
	if _, err := srv.Mint(ctx, MintRequest{UserID: set.Users[0].ID}); err != nil {
		t.Fatal(err)
	}
	if s, err := srv.Session(first.SessionID); err != nil || s.Status != "revoked" {
		t.Fatalf("revoked session gone within the grace period: %+v %v", s, err)
	}
	if s, a, _, _, _ := counts(st); s != 201 || a != 1 {
		t.Fatalf("after 30 minutes: %d sessions (want 201: none evicted yet), %d tokens (want 1: the expired ones evicted)", s, a)
	}
	if got := srv.Introspect(first.AccessToken); got["active"] != false {
		t.Fatalf("expired token: %v", got)
	}

	// past max_length + grace, the next write sweeps
	srv.clock.Advance(3 * time.Hour)
	if _, err := srv.Mint(ctx, MintRequest{UserID: set.Users[0].ID}); err != nil {
		t.Fatal(err)
	}
	s1, a1, r1, o1, h1 := counts(st)
	if s1 != 1 || a1 != 1 || r1 != 1 || o1 != 0 {
		t.Fatalf("after: %d sessions, %d tokens, %d refresh, %d outbox (heap %d)", s1, a1, r1, o1, h1)
	}
	if h1 > 4 {
		t.Fatalf("eviction heap keeps %d entries", h1)
	}
	if got := srv.Introspect(first.AccessToken); got["active"] != false {
		t.Fatalf("evicted token: %v", got)
	}
	if refresh(t, srv, first.RefreshToken) != "" {
		t.Fatal("evicted refresh token still works")
	}
	if _, err := srv.Session(first.SessionID); err == nil {
		t.Fatal("evicted session still found")
	}
	if n := st.Sizes().UserSessions[set.Users[0].ID]; n != 1 {
		t.Fatalf("user session index keeps %d", n)
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
	srv, err := New(Config{Fixtures: set})
	if err != nil {
		t.Fatal(err)
	}
	res, _ := srv.Mint(context.Background(), MintRequest{UserID: set.Users[0].ID})
	token := res.RefreshToken
	for i := 0; i < 6; i++ { // 6 × 25 min: past the first deadline + grace
		srv.clock.Advance(25 * time.Minute)
		if token = refresh(t, srv, token); token == "" {
			t.Fatalf("refresh %d refused", i)
		}
		srv.Mint(context.Background(), MintRequest{UserID: set.Users[0].ID, SessionID: res.SessionID})
	}
	if _, err := srv.Session(res.SessionID); err != nil {
		t.Fatal("an active session was evicted")
	}
	srv.clock.Advance(31*time.Minute + time.Hour) // the inactivity timeout, then the grace period
	srv.Mint(context.Background(), MintRequest{UserID: set.Users[0].ID})
	if _, err := srv.Session(res.SessionID); err == nil {
		t.Fatal("an idle session outlived its grace period")
	}
}
