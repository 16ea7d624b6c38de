package emulator

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const (
	defaultClient = "client_01JGG4A9SC2402TR1E5S95RGFY"
	defaultKey    = "sk_test_emulator"
	aliceUser     = "user_01JGH00N0CRRAQG5E1V2EYRQ68"
	bobUser       = "user_01JGJD97DGZV5Z4G8RCP6SJ6C5"
	acmeOrg       = "org_01JGJ5PDQQYSQW43DAPDSPEJEY"
)

func serve(h http.Handler, method, target, ctype, body string, header ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func introspectActive(h http.Handler, token string) bool {
	rec := serve(h, http.MethodPost, "/oauth2/introspection", "application/x-www-form-urlencoded",
		url.Values{"client_id": {defaultClient}, "client_secret": {defaultKey}, "token": {token}}.Encode())
	return strings.HasPrefix(rec.Body.String(), `{"active":true`)
}

// TestEndingIsLinearizable: once a revoke, a logout or a user deletion has
// returned, no introspection that starts afterwards says active for the
// session's tokens, while introspections run concurrently throughout.
func TestEndingIsLinearizable(t *testing.T) {
	srv, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	ends := map[string]func(sessionID, userID string){
		"revoke": func(sid, _ string) { srv.RevokeSession(sid) },
		"logout": func(sid, _ string) {
			serve(h, http.MethodGet, "/user_management/sessions/logout?session_id="+sid, "", "")
		},
		"delete user": func(_, uid string) {
			serve(h, http.MethodDelete, "/user_management/users/"+uid, "", "", "Authorization", "Bearer "+defaultKey)
		},
	}
	for name, end := range ends {
		t.Run(name, func(t *testing.T) {
			for round := 0; round < 20; round++ {
				uid := aliceUser
				if name == "delete user" {
					rec := serve(h, http.MethodPost, "/user_management/users", "application/json",
						fmt.Sprintf(`{"email":"lin-%d@example.com"}`, round), "Authorization", "Bearer "+defaultKey)
					var u struct{ ID string }
					json.Unmarshal(rec.Body.Bytes(), &u)
					uid = u.ID
				}
				res, err := srv.Mint(context.Background(), MintRequest{UserID: uid})
				if err != nil {
					t.Fatal(err)
				}
				var ended atomic.Bool
				var violations, checkedAfter atomic.Int64
				var wg sync.WaitGroup
				stop := make(chan struct{})
				for g := 0; g < 4; g++ {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for {
							select {
							case <-stop:
								return
							default:
							}
							after := ended.Load()
							for _, tok := range []string{res.AccessToken, res.RefreshToken} {
								if introspectActive(h, tok) && after {
									violations.Add(1)
								}
							}
							if after {
								checkedAfter.Add(1)
							}
						}
					}()
				}
				end(res.SessionID, uid)
				ended.Store(true)
				// the readers must have checked after the end, or the test
				// proves nothing
				for checkedAfter.Load() < 4 {
					introspectActive(h, res.AccessToken)
				}
				close(stop)
				wg.Wait()
				if n := violations.Load(); n > 0 {
					t.Fatalf("round %d: %d introspections said active after %s returned", round, n, name)
				}
			}
		})
	}
}

// TestMixedLoad runs mints, introspections, refreshes, revocations,
// management writes, fixture additions and resets from many goroutines on
// one instance: no 5xx, no race (under -race), no deadlock, and the indexes
// agree with each other at the end.
func TestMixedLoad(t *testing.T) {
	srv, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	var bad atomic.Int64
	check := func(rec *httptest.ResponseRecorder, what string) {
		if rec.Code >= 500 {
			bad.Add(1)
			t.Errorf("%s: %d %s", what, rec.Code, rec.Body)
		}
	}
	key := []string{"Authorization", "Bearer " + defaultKey}
	workers := map[string]func(i int){
		"mint and introspect": func(i int) {
			res, err := srv.Mint(context.Background(), MintRequest{UserID: bobUser, OrganizationID: acmeOrg})
			if err == nil {
				introspectActive(h, res.AccessToken)
			}
		},
		"client credentials": func(i int) {
			check(serve(h, http.MethodPost, "/oauth2/token", "application/x-www-form-urlencoded",
				"grant_type=client_credentials&client_id=client_01JGHR9D6MBAZ75T49WTR2HFYK&client_secret=demo_m2m_secret"), "client_credentials")
		},
		"login and refresh": func(i int) {
			rec := serve(h, http.MethodPost, "/user_management/authenticate", "application/json",
				`{"grant_type":"password","client_id":"`+defaultClient+`","client_secret":"`+defaultKey+`","email":"alice@example.com","password":"wonderland"}`)
			check(rec, "password")
			var out struct {
				RefreshToken string `json:"refresh_token"`
			}
			json.Unmarshal(rec.Body.Bytes(), &out)
			if out.RefreshToken != "" {
				check(serve(h, http.MethodPost, "/user_management/authenticate", "application/json",
					`{"grant_type":"refresh_token","client_id":"`+defaultClient+`","refresh_token":"`+out.RefreshToken+`"}`), "refresh")
			}
		},
		"revoke": func(i int) {
			res, err := srv.Mint(context.Background(), MintRequest{UserID: aliceUser})
			if err == nil {
				check(serve(h, http.MethodPost, "/user_management/sessions/revoke", "application/json", `{"session_id":"`+res.SessionID+`"}`, key...), "revoke")
			}
		},
		"management writes": func(i int) {
			rec := serve(h, http.MethodPost, "/organizations", "application/json", fmt.Sprintf(`{"name":"Org %d"}`, i), key...)
			check(rec, "create org")
			var o struct{ ID string }
			json.Unmarshal(rec.Body.Bytes(), &o)
			rec = serve(h, http.MethodPost, "/user_management/users", "application/json", fmt.Sprintf(`{"email":"mixed-%d@example.com"}`, i), key...)
			check(rec, "create user")
			var u struct{ ID string }
			json.Unmarshal(rec.Body.Bytes(), &u)
			if o.ID != "" && u.ID != "" {
				check(serve(h, http.MethodPost, "/user_management/organization_memberships", "application/json",
					`{"user_id":"`+u.ID+`","organization_id":"`+o.ID+`"}`, key...), "membership")
				check(serve(h, http.MethodGet, "/user_management/users?organization_id="+o.ID, "", "", key...), "list")
				check(serve(h, http.MethodDelete, "/organizations/"+o.ID, "", "", key...), "delete org")
			}
		},
		"vault and pipes": func(i int) {
			rec := serve(h, http.MethodPost, "/vault/v1/kv", "application/json", fmt.Sprintf(`{"name":"obj-%d","value":"v","key_context":{"org":"%d"}}`, i, i%3), key...)
			check(rec, "vault create")
			var o struct{ ID string }
			json.Unmarshal(rec.Body.Bytes(), &o)
			if o.ID != "" {
				check(serve(h, http.MethodPut, "/vault/v1/kv/"+o.ID, "application/json", `{"value":"w"}`, key...), "vault update")
				check(serve(h, http.MethodDelete, "/vault/v1/kv/"+o.ID, "", "", key...), "vault delete")
			}
			check(serve(h, http.MethodPost, "/data-integrations", "application/json",
				`{"provider":"notion","enabled":true,"credentials":{"type":"custom","client_id":"c","client_secret":"s"}}`, key...), "integration")
			accounts := "/user_management/users/" + aliceUser + "/connected_accounts/notion"
			check(serve(h, http.MethodPost, accounts, "application/json", `{"access_token":"t","expires_at":"2020-01-01T00:00:00Z"}`, key...), "import")
			check(serve(h, http.MethodPost, "/data-integrations/notion/token", "application/json", `{"user_id":"`+aliceUser+`"}`, key...), "token")
			check(serve(h, http.MethodDelete, accounts, "", "", key...), "disconnect")
			if i%7 == 0 {
				check(serve(h, http.MethodDelete, "/data-integrations/notion", "", "", key...), "delete integration")
			}
		},
		"fixtures and keys": func(i int) {
			srv.AddFixtures(context.Background(), []byte(fmt.Sprintf("users: [{email: fx-%d@example.com}]\n", i)), "load")
			if i%10 == 0 {
				if kid, err := srv.RotateKey(); err == nil {
					_ = kid
				}
			}
			check(serve(h, http.MethodGet, "/oauth2/jwks", "", ""), "jwks")
		},
		"reset": func(i int) {
			if i%5 == 0 {
				if err := srv.Reset(false); err != nil {
					t.Error(err)
				}
			}
			check(serve(h, http.MethodGet, "/_emulator/sessions/session_01JGGMYNRM3S81C9B7Q8ENH12Y", "", ""), "session")
		},
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	for name, work := range workers {
		for g := 0; g < 2; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < 40; i++ {
					work(g*1000 + i)
				}
				_ = name
			}()
		}
	}
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(2 * time.Minute):
		t.Fatal("deadlock: the mixed load did not finish")
	}
	if bad.Load() > 0 {
		t.Fatalf("%d answers were 5xx", bad.Load())
	}
	if err := srv.st.CheckIndexes(); err != nil {
		t.Fatal(err)
	}
	if rec := serve(h, http.MethodGet, "/_emulator/health", "", ""); rec.Code != 200 {
		t.Fatal("unhealthy after load")
	}
}
