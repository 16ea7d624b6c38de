package events_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// listEvents GETs /events with the query and returns the page's events
// (their "event" types and ids) and its after cursor.
func listEvents(t *testing.T, srv *emutest.Server, query url.Values) (types, ids []string, after string) {
	t.Helper()
	page := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/events?"+query.Encode(), nil), http.StatusOK)
	for _, e := range page["data"].([]any) {
		ev := e.(map[string]any)
		types = append(types, ev["event"].(string))
		ids = append(ids, ev["id"].(string))
	}
	after, _ = page["list_metadata"].(map[string]any)["after"].(string)
	return types, ids, after
}

func wantStatus(t *testing.T, r emutest.Response, status int) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %s", r.Status, status, r.Body)
	}
}

func createUser(t *testing.T, srv *emutest.Server, email string) string {
	t.Helper()
	return emutest.WantJSON(t, srv.API(t, http.MethodPost, "/user_management/users", map[string]any{"email": email}), http.StatusCreated)["id"].(string)
}

func createOrg(t *testing.T, srv *emutest.Server, name string) string {
	t.Helper()
	return emutest.WantJSON(t, srv.API(t, http.MethodPost, "/organizations", map[string]any{"name": name}), http.StatusCreated)["id"].(string)
}

func TestEventsInCommitOrderWithFilters(t *testing.T) {
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	// Nothing happened yet: the initial fixtures are where the log starts.
	if types, _, _ := listEvents(t, srv, nil); len(types) != 0 {
		t.Fatalf("a fresh world has events: %v", types)
	}
	u := createUser(t, srv, "erin@example.com")
	org := createOrg(t, srv, "Initech")
	srv.Clock().Advance(time.Hour)
	emutest.WantJSON(t, srv.API(t, http.MethodPost, "/user_management/organization_memberships",
		map[string]any{"user_id": u, "organization_id": org}), http.StatusCreated)
	emutest.WantJSON(t, srv.API(t, http.MethodPut, "/organizations/"+org, map[string]any{"name": "Initech Inc"}), http.StatusOK)
	wantStatus(t, srv.API(t, http.MethodDelete, "/user_management/users/"+u, nil), http.StatusOK)

	want := []string{"user.created", "organization.created", "organization_membership.created", "organization.updated",
		"organization_membership.deleted", "user.deleted"}
	types, ids, after := listEvents(t, srv, nil)
	if strings.Join(types, " ") != strings.Join(want, " ") || after != "" {
		t.Fatalf("log %v (after %q), want %v", types, after, want)
	}
	desc, _, _ := listEvents(t, srv, url.Values{"order": {"desc"}, "limit": {"2"}})
	if strings.Join(desc, " ") != "user.deleted organization_membership.deleted" {
		t.Errorf("desc page: %v", desc)
	}
	byType, _, _ := listEvents(t, srv, url.Values{"events[]": {"user.deleted", "user.created"}})
	if strings.Join(byType, " ") != "user.created user.deleted" {
		t.Errorf("events[] filter: %v", byType)
	}
	byOrg, _, _ := listEvents(t, srv, url.Values{"organization_id": {org}})
	if strings.Join(byOrg, " ") != "organization.created organization_membership.created organization.updated organization_membership.deleted" {
		t.Errorf("organization filter: %v", byOrg)
	}
	both, _, _ := listEvents(t, srv, url.Values{"organization_id": {org}, "events": {"organization.updated,organization.created"}})
	if strings.Join(both, " ") != "organization.created organization.updated" {
		t.Errorf("organization + type filter: %v", both)
	}
	later, _, _ := listEvents(t, srv, url.Values{"range_start": {emutest.T0.Add(30 * time.Minute).Format(time.RFC3339)}})
	if strings.Join(later, " ") != strings.Join(want[2:], " ") {
		t.Errorf("range_start: %v", later)
	}
	earlier, _, _ := listEvents(t, srv, url.Values{"range_end": {emutest.T0.Format(time.RFC3339)}})
	if strings.Join(earlier, " ") != strings.Join(want[:2], " ") {
		t.Errorf("range_end: %v", earlier)
	}

	// Pages: after continues where a page ended; before goes back.
	p1, p1ids, next := listEvents(t, srv, url.Values{"limit": {"4"}})
	if len(p1) != 4 || next != p1ids[3] {
		t.Fatalf("page 1: %v, after %q", p1, next)
	}
	p2, _, end := listEvents(t, srv, url.Values{"limit": {"4"}, "after": {next}})
	if strings.Join(append(p1, p2...), " ") != strings.Join(want, " ") || end != "" {
		t.Errorf("pages: %v + %v (after %q)", p1, p2, end)
	}
	back, _, _ := listEvents(t, srv, url.Values{"limit": {"2"}, "before": {ids[3]}})
	if strings.Join(back, " ") != "organization.created organization_membership.created" {
		t.Errorf("before: %v", back)
	}

	emutest.WantError(t, srv.API(t, http.MethodGet, "/events?after=event_01JGK40000000000000000ZZZZ", nil), http.StatusUnprocessableEntity, "invalid_request_parameters")
	emutest.WantError(t, srv.API(t, http.MethodGet, "/events?organization_id=org_01JGK40000000000000000ZZZZ", nil), http.StatusBadRequest, "organization_not_found")
	emutest.WantError(t, srv.API(t, http.MethodGet, "/events?range_start=2026-01-02T00:00:00Z&range_end=2026-01-01T00:00:00Z", nil), http.StatusUnprocessableEntity, "invalid_request_parameters")
	emutest.WantError(t, srv.API(t, http.MethodGet, "/events?limit=101", nil), http.StatusUnprocessableEntity, "invalid_request_parameters")
	// A deleted organization's events stay listable by its id.
	wantStatus(t, srv.API(t, http.MethodDelete, "/organizations/"+org, nil), http.StatusOK)
	if gone, _, _ := listEvents(t, srv, url.Values{"organization_id": {org}}); gone[len(gone)-1] != "organization.deleted" {
		t.Errorf("deleted organization's events: %v", gone)
	}
}

// A refused request changes nothing and emits nothing; a failed sign-in is
// an event of its own.
func TestRefusedRequestsEmitNothingButFailedSignIns(t *testing.T) {
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	emutest.WantError(t, srv.API(t, http.MethodPost, "/organizations", map[string]any{}), http.StatusUnprocessableEntity, "invalid_request_parameters")
	emutest.WantError(t, srv.API(t, http.MethodPost, "/user_management/users", map[string]any{"email": "alice@example.com"}), http.StatusBadRequest, "user_creation_error")
	if types, _, _ := listEvents(t, srv, nil); len(types) != 0 {
		t.Fatalf("refused requests emitted %v", types)
	}
	emutest.WantError(t, srv.Authenticate(t, map[string]any{"grant_type": "password", "email": "alice@example.com", "password": "nope"}),
		http.StatusBadRequest, "invalid_credentials")
	page := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/events", nil), http.StatusOK)
	data := page["data"].([]any)
	if len(data) != 1 {
		t.Fatalf("events: %v", data)
	}
	ev := data[0].(map[string]any)
	d := ev["data"].(map[string]any)
	if ev["event"] != "authentication.password_failed" || d["user_id"] != emutest.AliceID || d["email"] != "alice@example.com" ||
		d["error"].(map[string]any)["code"] != "invalid_credentials" {
		t.Errorf("failed sign-in event: %v", ev)
	}
}

// Same fixtures, same clock, same requests: the same event ids and bytes.
func TestEventsAreDeterministic(t *testing.T) {
	run := func() string {
		srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
		u := createUser(t, srv, "det@example.com")
		emutest.SignedIn(t, srv.Authenticate(t, map[string]any{"grant_type": "password", "email": "alice@example.com", "password": "wonderland"}))
		wantStatus(t, srv.API(t, http.MethodDelete, "/user_management/users/"+u, nil), http.StatusOK)
		return string(srv.API(t, http.MethodGet, "/events?limit=100", nil).Body)
	}
	a, b := run(), run()
	if a != b {
		t.Fatalf("two identical runs gave different event logs:\n%s\n%s", a, b)
	}
	if !strings.Contains(a, `"event":"session.created"`) {
		t.Errorf("no session.created in %s", a)
	}
}

// The log keeps environment.event_log_size events; the oldest leave
// first, and a cursor naming one that left resumes at the oldest kept.
func TestEventLogCapAndRetention(t *testing.T) {
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0, Fixtures: emutest.Parse(t, "environment: {event_log_size: 5}\n")})
	var firstID string
	for i := range 8 {
		createUser(t, srv, fmt.Sprintf("u%d@example.com", i))
		if i == 0 {
			_, ids, _ := listEvents(t, srv, nil)
			firstID = ids[0]
		}
	}
	_, ids, _ := listEvents(t, srv, url.Values{"limit": {"100"}})
	if len(ids) != 5 {
		t.Fatalf("%d events kept, want 5", len(ids))
	}
	_, resumed, _ := listEvents(t, srv, url.Values{"after": {firstID}})
	if len(resumed) != 5 || resumed[0] != ids[0] {
		t.Errorf("after an evicted event: %v, want %v", resumed, ids)
	}
	srv.Clock().Advance(30*24*time.Hour + time.Second)
	if types, _, _ := listEvents(t, srv, nil); len(types) != 0 {
		t.Errorf("events older than 30 days are listed: %v", types)
	}
	createUser(t, srv, "late@example.com")
	if types, _, _ := listEvents(t, srv, nil); strings.Join(types, " ") != "user.created" {
		t.Errorf("after retention: %v", types)
	}
}

// Reset clears the log: it survives nothing but the instance.
func TestResetClearsEvents(t *testing.T) {
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	createUser(t, srv, "r@example.com")
	if err := srv.Reset(true); err != nil {
		t.Fatal(err)
	}
	if types, _, _ := listEvents(t, srv, nil); len(types) != 0 {
		t.Fatalf("events after reset: %v", types)
	}
}

// Fixtures added at run time emit what they create; the initial ones do not.
func TestFixturesAddedAtRunTimeEmit(t *testing.T) {
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	_, err := srv.AddFixtures(t.Context(), []byte(`
organizations: [{name: Hooli}]
users: [{email: gavin@hooli.test}]
memberships: [{user_email: gavin@hooli.test, organization_id: org_01JGK40000000000000000HQQQ}]
`), "more.yaml")
	if err == nil {
		t.Fatal("a membership naming an organization that does not exist was accepted")
	}
	if types, _, _ := listEvents(t, srv, nil); len(types) != 0 {
		t.Fatalf("a refused addition emitted %v", types)
	}
	if _, err := srv.AddFixtures(t.Context(), []byte("organizations: [{name: Hooli, id: org_01JGK40000000000000000HQQQ}]\nusers: [{email: gavin@hooli.test}]\nmemberships: [{user_email: gavin@hooli.test, organization_id: org_01JGK40000000000000000HQQQ}]\n"), "more.yaml"); err != nil {
		t.Fatal(err)
	}
	types, _, _ := listEvents(t, srv, nil)
	if strings.Join(types, " ") != "organization.created user.created organization_membership.created" {
		t.Errorf("added fixtures emitted %v", types)
	}
}
