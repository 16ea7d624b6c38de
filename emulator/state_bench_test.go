package emulator

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
)

// fillWorld adds n live sessions, each with an access token record, without
// signing (records are what lookups scale with).
func fillWorld(st *store.Store, n int) {
	_ = st.Write(func(tx *store.Tx) error {
		now := tx.Now()
		for i := 0; i < n; i++ {
			id := fmt.Sprintf("session_fill%022d", i)
			tx.AddSession(&store.Session{ID: id, UserID: aliceUser, ClientID: defaultClient, Family: store.FamilyUM, Status: "active",
				CreatedAt: now, LastActive: now, UpdatedAt: now, RefreshToken: fmt.Sprintf("fill-refresh-%d", i)})
			tx.PutAccess(fmt.Sprintf("fill-token-%d", i), &store.AccessToken{Family: store.FamilyUM, SessionID: id, Sub: aliceUser,
				IAT: now.Unix(), Exp: now.Add(time.Hour).Unix(), KID: tx.Ring().Active().KID}, false)
		}
		return nil
	})
}

// BenchmarkAsStateGrows shows the hot handlers stay flat as state grows:
// introspection and refresh rotation make the same allocations, and take
// about the same time, with 10 or 100,000 other live sessions.
func BenchmarkAsStateGrows(b *testing.B) {
	for _, n := range []int{10, 100000} {
		srv, err := New(Config{Clock: time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)})
		if err != nil {
			b.Fatal(err)
		}
		fillWorld(srv.st, n)
		res, err := srv.Mint(context.Background(), MintRequest{UserID: aliceUser})
		if err != nil {
			b.Fatal(err)
		}
		h := srv.Handler()
		b.Run(fmt.Sprintf("introspect/sessions=%d", n), func(b *testing.B) {
			body := url.Values{"client_id": {defaultClient}, "client_secret": {defaultKey}, "token": {res.AccessToken}}.Encode()
			b.ReportAllocs()
			for b.Loop() {
				req := httptest.NewRequest(http.MethodPost, "/oauth2/introspection", strings.NewReader(body))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if !strings.HasPrefix(rec.Body.String(), `{"active":true`) {
					b.Fatalf("%d %s", rec.Code, rec.Body)
				}
			}
		})
		b.Run(fmt.Sprintf("refresh/sessions=%d", n), func(b *testing.B) {
			// A session of its own: with -count > 1 this function runs
			// again, and the previous run rotated the last one away.
			own, err := srv.Mint(context.Background(), MintRequest{UserID: aliceUser})
			if err != nil {
				b.Fatal(err)
			}
			refresh := own.RefreshToken
			b.ReportAllocs()
			for b.Loop() {
				rec := serve(h, http.MethodPost, "/user_management/authenticate", "application/json",
					`{"grant_type":"refresh_token","client_id":"`+defaultClient+`","refresh_token":"`+refresh+`"}`)
				if rec.Code != 200 {
					b.Fatalf("%d %s", rec.Code, rec.Body)
				}
				body := rec.Body.String()
				i := strings.Index(body, `"refresh_token":"`) + len(`"refresh_token":"`)
				refresh = body[i : i+strings.IndexByte(body[i:], '"')]
			}
		})
	}
}
