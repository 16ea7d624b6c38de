package emulator_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// load starts an emulator on a snapshot.
func load(t *testing.T, snapshot []byte) *emutest.Server {
	t.Helper()
	set, err := fixtures.Parse(snapshot, "snapshot.yaml")
	if err != nil {
		t.Fatalf("the snapshot does not load:\n%v\n%s", err, snapshot)
	}
	return emutest.New(t, emulator.Config{Fixtures: set})
}

func snapshotOf(t *testing.T, srv *emutest.Server) []byte {
	t.Helper()
	doc, err := srv.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// A world changed at run time, snapshotted: loading the snapshot gives the
// same world (same users, sessions and refresh tokens, same clock, the
// event cursor), and a snapshot of that is the same bytes.
func TestSnapshotRoundTrip(t *testing.T) {
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	user := emutest.WantJSON(t, srv.API(t, http.MethodPost, "/user_management/users", map[string]any{
		"email": "snap@example.com", "password": "pw-snap-1", "first_name": "Snap", "email_verified": true,
		"metadata": map[string]any{"tier": "gold"}}), http.StatusCreated)
	org := emutest.WantJSON(t, srv.API(t, http.MethodPost, "/organizations", map[string]any{"name": "Snapshots Inc",
		"domain_data": []map[string]string{{"domain": "snap.test", "state": "verified"}}}), http.StatusCreated)
	emutest.WantJSON(t, srv.API(t, http.MethodPost, "/user_management/organization_memberships",
		map[string]any{"user_id": user["id"], "organization_id": org["id"], "role_slug": "admin"}), http.StatusCreated)
	signed := emutest.SignedIn(t, srv.Authenticate(t, map[string]any{"grant_type": "password", "email": "snap@example.com",
		"password": "pw-snap-1", "ip_address": "203.0.113.9", "user_agent": "snap-test"}))
	srv.Clock().Advance(90 * time.Second)
	refreshed := emutest.SignedIn(t, srv.Authenticate(t, map[string]any{"grant_type": "refresh_token", "refresh_token": signed["refresh_token"]}))
	if _, err := srv.Mint(context.Background(), emulator.MintRequest{UserID: emutest.BobID}); err != nil {
		t.Fatal(err)
	}
	if err := srv.RevokeSession(emutest.AliceSession); err != nil {
		t.Fatal(err)
	}
	emutest.WantJSON(t, srv.API(t, http.MethodPost, "/webhook_endpoints", map[string]any{"endpoint_url": "http://127.0.0.1:1/hooks",
		"events": []string{"user.created"}}), http.StatusCreated)
	emutest.WantJSON(t, srv.API(t, http.MethodPut, "/user_management/jwt_template", map[string]any{"content": `{"tier": {{user.metadata.tier}}}`}), http.StatusOK)

	s1 := snapshotOf(t, srv)
	back := load(t, s1)
	s2 := snapshotOf(t, back)
	if !bytes.Equal(s1, s2) {
		t.Fatalf("load -> snapshot is not the same bytes:\n--- first\n%s\n--- second\n%s", s1, s2)
	}
	if back.Clock().Now() != srv.Clock().Now() {
		t.Errorf("clock %v, want %v", back.Clock().Now(), srv.Clock().Now())
	}
	// The same user, signing in with the same password.
	got := emutest.WantJSON(t, back.API(t, http.MethodGet, "/user_management/users/"+user["id"].(string), nil), http.StatusOK)
	want := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/user_management/users/"+user["id"].(string), nil), http.StatusOK)
	if !sameJSON(got, want) {
		t.Errorf("user %v, want %v", got, want)
	}
	emutest.SignedIn(t, back.Authenticate(t, map[string]any{"grant_type": "password", "email": "snap@example.com", "password": "pw-snap-1"}))
	// The refresh token of the session still refreshes; the revoked one does not.
	emutest.SignedIn(t, back.Authenticate(t, map[string]any{"grant_type": "refresh_token", "refresh_token": refreshed["refresh_token"]}))
	emutest.WantError(t, back.Authenticate(t, map[string]any{"grant_type": "refresh_token", "refresh_token": emutest.AliceRefresh}),
		http.StatusBadRequest, "invalid_grant")
	// The events cursor: a poller that had read everything sees only what
	// happens after the load.
	events := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/events?order=desc&limit=1", nil), http.StatusOK)["data"].([]any)
	last := events[0].(map[string]any)["id"].(string)
	after := emutest.WantJSON(t, back.API(t, http.MethodGet, "/events?after="+last, nil), http.StatusOK)["data"].([]any)
	if len(after) == 0 || after[0].(map[string]any)["event"] != "authentication.password_succeeded" {
		t.Errorf("events after the cursor: %v", after)
	}
	// New ids continue the original streams: nothing repeats an id the
	// world already has.
	fresh := emutest.WantJSON(t, back.API(t, http.MethodPost, "/user_management/users", map[string]any{"email": "later@example.com"}), http.StatusCreated)
	if strings.Contains(string(s1), fresh["id"].(string)) {
		t.Errorf("a user created after the load got an id already in the snapshot: %s", fresh["id"])
	}
	// JSON on request, loading to the same world.
	res := srv.Do(t, http.MethodGet, "/_emulator/snapshot", nil, "Accept", "application/json")
	if res.Status != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("JSON snapshot: %d %s", res.Status, res.Header.Get("Content-Type"))
	}
	if s3 := snapshotOf(t, load(t, res.Body)); !bytes.Equal(s1, s3) {
		t.Errorf("the JSON snapshot loads to another world:\n%s", s3)
	}
	yamlRes := srv.Do(t, http.MethodGet, "/_emulator/snapshot", nil)
	if !bytes.Equal(yamlRes.Body, s1) {
		t.Error("GET /_emulator/snapshot differs from Server.Snapshot")
	}
}

// The default world survives a round trip too.
func TestSnapshotOfTheDefaultWorld(t *testing.T) {
	s1 := snapshotOf(t, emutest.New(t, emulator.Config{Clock: emutest.T0}))
	if s2 := snapshotOf(t, load(t, s1)); !bytes.Equal(s1, s2) {
		t.Fatalf("not the same bytes:\n%s\n---\n%s", s1, s2)
	}
}

func sameJSON(a, b map[string]any) bool {
	for k, v := range a {
		if !bytes.Equal(mustJSON(v), mustJSON(b[k])) {
			return false
		}
	}
	return len(a) == len(b)
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}
