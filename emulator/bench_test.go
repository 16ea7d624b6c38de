package emulator_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// BenchmarkIntrospect measures introspection of an active access token
// through the full handler (router, middleware, form decoding, JSON).
func BenchmarkIntrospect(b *testing.B) {
	srv := emutest.New(b, emulator.Config{})
	res, err := srv.Mint(context.Background(), emulator.MintRequest{UserID: emutest.AliceID, OrganizationID: emutest.AcmeID})
	if err != nil {
		b.Fatal(err)
	}
	body := url.Values{"client_id": {emutest.OAuthClientID}, "client_secret": {emutest.OAuthSecret}, "token": {res.AccessToken}}.Encode()
	h := srv.Handler()
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest(http.MethodPost, "/oauth2/introspection", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != 200 || !strings.HasPrefix(rec.Body.String(), `{"active":true`) {
				b.Fatalf("%d %s", rec.Code, rec.Body)
			}
		}
	})
}

// BenchmarkClientCredentials measures an M2M mint: one RS256 signature per
// request, bounded to GOMAXPROCS concurrent signers.
func BenchmarkClientCredentials(b *testing.B) {
	srv := emutest.New(b, emulator.Config{})
	body := url.Values{"grant_type": {"client_credentials"}, "client_id": {emutest.M2MClientID}, "client_secret": {emutest.M2MSecret}}.Encode()
	h := srv.Handler()
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest(http.MethodPost, "/oauth2/token", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != 200 {
				b.Fatalf("%d %s", rec.Code, rec.Body)
			}
		}
	})
}

// tenKUsers is a fixture with 10,000 users (plain passwords), 10
// organizations and a membership per user.
func tenKUsers() []byte {
	var sb strings.Builder
	sb.WriteString("environment:\n  client_id: client_123\n  seed: 42\nroles:\n  - {slug: member, permissions: [a:read]}\norganizations:\n")
	for i := 0; i < 10; i++ {
		fmt.Fprintf(&sb, "  - {name: Org %d, domains: [org%d.test]}\n", i, i)
	}
	sb.WriteString("users:\n")
	for i := 0; i < 10000; i++ {
		fmt.Fprintf(&sb, "  - {email: user%d@example.com, email_verified: true, first_name: U%d, password: pw%d}\n", i, i, i)
	}
	return []byte(sb.String())
}

// BenchmarkLoad10kUsers measures what starting on a 10,000-user fixture
// costs end to end: fixtures.Parse (decode, ids, validation) plus
// emulator.New (state, keys, session tokens).
func BenchmarkLoad10kUsers(b *testing.B) {
	data := tenKUsers()
	b.ReportAllocs()
	for b.Loop() {
		set, err := fixtures.Parse(data, "10k.yaml")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := emulator.New(emulator.Config{Fixtures: set}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNew measures emulator.New on the default world (what
// testkit.Start pays before listening).
func BenchmarkNew(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := emulator.New(emulator.Config{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkUpdateUser measures a management write (PUT
// /user_management/users/{id}, which emits user.updated) through the whole
// handler in process, and as a client sees it over loopback HTTP with a
// kept-alive connection. Beside BenchmarkWriteUserUpdate (the event's own
// cost in the store) it gives the share of a write that its event takes
// (docs/performance.md).
func BenchmarkUpdateUser(b *testing.B) {
	srv := emutest.New(b, emulator.Config{})
	h := srv.Handler()
	put := func(i int) *http.Request {
		req := httptest.NewRequest(http.MethodPut, "/user_management/users/"+emutest.AliceID,
			strings.NewReader(fmt.Sprintf(`{"first_name":"Alice%d"}`, i&7)))
		req.RequestURI = ""
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+emutest.APIKey)
		return req
	}
	b.Run("handler", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, put(i))
			if rec.Code != 200 {
				b.Fatalf("%d %s", rec.Code, rec.Body)
			}
		}
	})
	b.Run("loopback", func(b *testing.B) {
		hs := httptest.NewServer(h)
		defer hs.Close()
		base, _ := url.Parse(hs.URL)
		client := hs.Client()
		for i := 0; b.Loop(); i++ {
			req := put(i)
			req.URL.Scheme, req.URL.Host, req.Host = base.Scheme, base.Host, base.Host
			res, err := client.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != 200 {
				b.Fatalf("status %d", res.StatusCode)
			}
		}
	})
}
