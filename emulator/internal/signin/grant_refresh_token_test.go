package signin_test

import (
	"context"
	"net/url"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// TestRefreshGrant: rotation, single use, organization switch re-deriving
// the role claims, and the user in the response.
func TestRefreshGrant(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	grant := func(refresh, org string) emutest.Response {
		body := map[string]any{"grant_type": "refresh_token", "refresh_token": refresh, "client_secret": ""}
		if org != "" {
			body["organization_id"] = org
		}
		return srv.Authenticate(t, body)
	}
	first := emutest.SignedIn(t, grant(emutest.AliceRefresh, ""))
	if first["organization_id"] != emutest.AcmeID || first["refresh_token"] == emutest.AliceRefresh {
		t.Fatalf("%v", first)
	}
	emutest.WantError(t, grant(emutest.AliceRefresh, ""), 400, "invalid_grant")
	if in := srv.IntrospectAs(t, emutest.EnvClientID, emutest.APIKey, emutest.AliceRefresh); in["active"] != false {
		t.Fatal("reused refresh token is active")
	}
	// Alice has no Globex membership: the switch fails and costs nothing
	emutest.WantError(t, grant(first["refresh_token"].(string), emutest.GlobexID), 400, "organization_membership_not_found")
	emutest.WantError(t, grant(first["refresh_token"].(string), "org_01JGHYEQJ3R88ZXE6V4AJ192KZ"), 400, "organization_not_found")
	second := emutest.SignedIn(t, grant(first["refresh_token"].(string), ""))
	sid := emutest.Claims(t, second["access_token"].(string))["sid"]
	if sid != emutest.AliceSession {
		t.Fatalf("sid changed: %v", sid)
	}
}

// TestConcurrentRefresh: of many parallel refreshes of one token, exactly
// one wins; the session stays consistent.
func TestConcurrentRefresh(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	const n = 32
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins, grants := 0, 0
	var winner string
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := srv.Authenticate(t, map[string]any{"grant_type": "refresh_token", "refresh_token": emutest.AliceRefresh, "client_secret": ""})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case r.Status == 200:
				wins++
				winner = r.JSON(t)["refresh_token"].(string)
			case r.Status == 400 && r.JSON(t)["error"] == "invalid_grant":
				grants++
			}
		}()
	}
	wg.Wait()
	if wins != 1 || grants != n-1 {
		t.Fatalf("%d wins, %d invalid_grant", wins, grants)
	}
	s, _ := srv.Session(emutest.AliceSession)
	if s.RefreshToken != winner || s.Status != "active" {
		t.Fatalf("session %+v, winner %s", s, winner)
	}
}

// TestOrganizationSwitchOnRefresh: a refresh with organization_id moves
// the session to that organization; the new token carries its id and role,
// and the session keeps its id.
func TestOrganizationSwitchOnRefresh(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	res, err := srv.Mint(context.Background(), emulator.MintRequest{UserID: emutest.BobID, OrganizationID: emutest.AcmeID})
	if err != nil {
		t.Fatal(err)
	}
	out := emutest.SignedIn(t, srv.Authenticate(t, map[string]any{"grant_type": "refresh_token", "refresh_token": res.RefreshToken, "organization_id": emutest.GlobexID}))
	c := emutest.Claims(t, out["access_token"].(string))
	if out["organization_id"] != emutest.GlobexID || c["org_id"] != emutest.GlobexID || c["sid"] != res.SessionID || c["role"] != "member" {
		t.Fatalf("switch: %v %v", out["organization_id"], c)
	}
	s, _ := srv.Session(res.SessionID)
	if s.OrganizationID == nil || *s.OrganizationID != emutest.GlobexID {
		t.Fatalf("session org %v", s.OrganizationID)
	}
}

// TestConnectRefreshRotation refreshes a Connect grant with x/oauth2: the
// new refresh token works once, the old one is invalid_grant and
// introspects inactive, and sid stays the same.
func TestConnectRefreshRotation(t *testing.T) {
	t.Parallel()
	ts := emutest.Start(t, emulator.Config{Clock: emutest.T0})
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, ts.Client)
	res, err := ts.Mint(ctx, emulator.MintRequest{UserID: emutest.AliceID, ClientID: emutest.OAuthClientID, Family: emulator.FamilyConnect, OrganizationID: emutest.AcmeID})
	if err != nil {
		t.Fatal(err)
	}
	conf := &oauth2.Config{ClientID: emutest.OAuthClientID, ClientSecret: emutest.OAuthSecret,
		Endpoint: oauth2.Endpoint{TokenURL: ts.URL + "/oauth2/token", AuthStyle: oauth2.AuthStyleInParams}}
	old := &oauth2.Token{AccessToken: res.AccessToken, RefreshToken: res.RefreshToken, Expiry: time.Now().Add(-time.Hour)}
	fresh, err := conf.TokenSource(ctx, old).Token()
	if err != nil {
		t.Fatalf("refresh: %v", err)
	}
	if fresh.RefreshToken == "" || fresh.RefreshToken == res.RefreshToken || fresh.AccessToken == res.AccessToken {
		t.Fatalf("refresh did not rotate: %+v", fresh)
	}
	in := ts.IntrospectAs(t, emutest.OAuthClientID, emutest.OAuthSecret, fresh.AccessToken)
	if in["sid"] != res.SessionID || in["org_id"] != emutest.AcmeID {
		t.Fatalf("sid/org changed: %v", in)
	}
	if in := ts.IntrospectAs(t, emutest.OAuthClientID, emutest.OAuthSecret, res.RefreshToken); in["active"] != false {
		t.Fatalf("rotated-away refresh token is active: %v", in)
	}
	if in := ts.IntrospectAs(t, emutest.OAuthClientID, emutest.OAuthSecret, fresh.RefreshToken); in["active"] != true || in["token_type"] != "refresh_token" {
		t.Fatalf("new refresh token: %v", in)
	}
	if _, err := conf.TokenSource(ctx, old).Token(); err == nil {
		t.Fatal("reusing the rotated refresh token succeeded")
	} else if re, ok := err.(*oauth2.RetrieveError); !ok || re.ErrorCode != "invalid_grant" {
		t.Fatalf("reuse: %v", err)
	}
	// the client that does not own the grant cannot refresh it
	r := ts.PostForm(t, "/oauth2/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {fresh.RefreshToken},
		"client_id": {emutest.PublicClientID}})
	emutest.WantError(t, r, 400, "invalid_grant")
	// a User Management refresh token is not refreshed here
	r = ts.PostForm(t, "/oauth2/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {emutest.AliceRefresh},
		"client_id": {emutest.OAuthClientID}, "client_secret": {emutest.OAuthSecret}})
	emutest.WantError(t, r, 400, "invalid_grant")
}
