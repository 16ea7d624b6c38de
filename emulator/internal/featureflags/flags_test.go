package featureflags_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// world is the default world's people and organizations with three flags:
// one on for Acme, one off with a user target, one on for everyone.
const world = `
environment: {client_id: ` + emutest.EnvClientID + `}
users:
  - {id: ` + emutest.AliceID + `, email: alice@example.com, password: wonderland}
  - {id: ` + emutest.BobID + `, email: bob@example.com, password: builder}
organizations:
  - {id: ` + emutest.AcmeID + `, name: Acme}
  - {id: ` + emutest.GlobexID + `, name: Globex}
memberships:
  - {user_id: ` + emutest.AliceID + `, organization_id: ` + emutest.AcmeID + `}
  - {user_id: ` + emutest.BobID + `, organization_id: ` + emutest.GlobexID + `}
sessions:
  - {id: ` + emutest.AliceSession + `, user_id: ` + emutest.AliceID + `, organization_id: ` + emutest.AcmeID + `, refresh_token: ` + emutest.AliceRefresh + `}
feature_flags:
  - {slug: new-dashboard, name: New dashboard, enabled: true, organizations: [` + emutest.AcmeID + `]}
  - {slug: beta-search, enabled: false, users: [` + emutest.BobID + `]}
  - {slug: dark-mode, enabled: true, default_value: true, tags: [ui]}
`

// refreshFlags refreshes Alice's session (in organization org, "" for
// none) and returns the feature_flags claim of the new access token.
func refreshFlags(t *testing.T, srv *emutest.Server, refresh *string, org string) string {
	t.Helper()
	body := map[string]any{"grant_type": "refresh_token", "refresh_token": *refresh}
	if org != "" {
		body["organization_id"] = org
	}
	got := emutest.SignedIn(t, srv.Authenticate(t, body))
	*refresh = got["refresh_token"].(string)
	return fmt.Sprint(emutest.Claims(t, got["access_token"].(string))["feature_flags"])
}

// TestFlagsReachTheNextToken: the feature_flags claim of the next refreshed
// token follows enable, disable and targets, for the user and the
// organization of the session.
func TestFlagsReachTheNextToken(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0, Fixtures: emutest.Parse(t, world)})
	refresh := emutest.AliceRefresh
	steps := []struct {
		method, path string
		status       int
		want         string
	}{
		{"", "", 0, "[new-dashboard dark-mode]"},
		{http.MethodPut, "/feature-flags/new-dashboard/disable", 200, "[dark-mode]"},
		{http.MethodPut, "/feature-flags/beta-search/enable", 200, "[dark-mode]"},
		{http.MethodPost, "/feature-flags/beta-search/targets/" + emutest.AliceID, 204, "[beta-search dark-mode]"},
		{http.MethodPut, "/feature-flags/new-dashboard/enable", 200, "[new-dashboard beta-search dark-mode]"},
		{http.MethodDelete, "/feature-flags/new-dashboard/targets/" + emutest.AcmeID, 204, "[beta-search dark-mode]"},
		{http.MethodPut, "/feature-flags/dark-mode/disable", 200, "[beta-search]"},
		{http.MethodDelete, "/feature-flags/beta-search/targets/" + emutest.AliceID, 204, "<nil>"},
	}
	for _, s := range steps {
		if s.method != "" {
			if r := srv.API(t, s.method, s.path, nil); r.Status != s.status {
				t.Fatalf("%s %s: %d %s", s.method, s.path, r.Status, r.Body)
			}
		}
		if got := refreshFlags(t, srv, &refresh, emutest.AcmeID); got != s.want {
			t.Fatalf("after %s %s: feature_flags %s, want %s", s.method, s.path, got, s.want)
		}
	}
	// the control plane's mints carry them too, without an organization
	srv.API(t, http.MethodPost, "/feature-flags/beta-search/targets/"+emutest.AliceID, nil)
	r := emutest.WantJSON(t, srv.PostJSON(t, "/_emulator/tokens", map[string]any{"user_id": emutest.AliceID}), 201)
	if got := fmt.Sprint(emutest.Claims(t, r["access_token"].(string))["feature_flags"]); got != "[beta-search]" {
		t.Fatalf("minted without organization: %s", got)
	}
}

// TestFlagReadsAndLists: flags by slug and in lists (paged), the flags on
// for an organization and for a user (theirs and their organizations').
func TestFlagReadsAndLists(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0, Fixtures: emutest.Parse(t, world)})
	f := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/feature-flags/dark-mode", nil), 200)
	if f["object"] != "feature_flag" || f["name"] != "dark-mode" || f["default_value"] != true || fmt.Sprint(f["tags"]) != "[ui]" || f["owner"] != nil {
		t.Fatalf("flag %v", f)
	}
	emutest.WantError(t, srv.API(t, http.MethodGet, "/feature-flags/nope", nil), 404, "entity_not_found")
	page := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/feature-flags?limit=2", nil), 200)
	if got := slugs(page); got != "[dark-mode beta-search]" {
		t.Fatalf("first page %s", got)
	}
	after := page["list_metadata"].(map[string]any)["after"].(string)
	if got := slugs(emutest.WantJSON(t, srv.API(t, http.MethodGet, "/feature-flags?limit=2&after="+after, nil), 200)); got != "[new-dashboard]" {
		t.Fatalf("second page %s", got)
	}
	for path, want := range map[string]string{
		"/organizations/" + emutest.AcmeID + "/feature-flags":          "[dark-mode new-dashboard]",
		"/organizations/" + emutest.GlobexID + "/feature-flags":        "[dark-mode]",
		"/user_management/users/" + emutest.AliceID + "/feature-flags": "[dark-mode new-dashboard]",
		"/user_management/users/" + emutest.BobID + "/feature-flags":   "[dark-mode]",
	} {
		if got := slugs(emutest.WantJSON(t, srv.API(t, http.MethodGet, path, nil), 200)); got != want {
			t.Errorf("%s: %s, want %s", path, got, want)
		}
	}
	srv.API(t, http.MethodPut, "/feature-flags/beta-search/enable", nil)
	srv.API(t, http.MethodPost, "/feature-flags/beta-search/targets/"+emutest.GlobexID, nil)
	if got := slugs(emutest.WantJSON(t, srv.API(t, http.MethodGet, "/user_management/users/"+emutest.BobID+"/feature-flags", nil), 200)); got != "[dark-mode beta-search]" {
		t.Fatalf("Bob after targeting Globex: %s", got)
	}
	emutest.WantError(t, srv.API(t, http.MethodGet, "/organizations/org_01JGK40000000000000000ZZZZ/feature-flags", nil), 404, "entity_not_found")
	emutest.WantError(t, srv.API(t, http.MethodGet, "/user_management/users/user_01JGK40000000000000000ZZZZ/feature-flags", nil), 404, "entity_not_found")
}

func slugs(list map[string]any) string {
	var out []string
	for _, x := range list["data"].([]any) {
		out = append(out, x.(map[string]any)["slug"].(string))
	}
	return fmt.Sprint(out)
}

// TestRuleEvents: flags added at run time emit flag.created; enable,
// disable and targets emit flag.rule_updated with the rule and what it
// was, and a change that changes nothing emits nothing.
func TestRuleEvents(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0, Fixtures: emutest.Parse(t, world)})
	r := srv.PostJSON(t, "/_emulator/fixtures", map[string]any{"feature_flags": []map[string]any{{"slug": "late-flag"}}})
	if r.Status != 200 && r.Status != 201 {
		t.Fatalf("add fixtures: %d %s", r.Status, r.Body)
	}
	for _, c := range []struct{ method, path string }{
		{http.MethodPut, "/feature-flags/late-flag/enable"},
		{http.MethodPut, "/feature-flags/late-flag/enable"}, // no change
		{http.MethodPost, "/feature-flags/late-flag/targets/" + emutest.AcmeID},
		{http.MethodPost, "/feature-flags/late-flag/targets/" + emutest.AcmeID},  // no change
		{http.MethodDelete, "/feature-flags/late-flag/targets/" + emutest.BobID}, // not a target
		{http.MethodPut, "/feature-flags/late-flag/disable"},
	} {
		srv.API(t, c.method, c.path, nil)
	}
	events := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/events?order=asc&events=flag.created,flag.rule_updated", nil), 200)["data"].([]any)
	var got []string
	for _, e := range events {
		ev := e.(map[string]any)
		ctx := ev["context"].(map[string]any)
		line := ev["event"].(string) + " " + fmt.Sprint(ctx["actor"].(map[string]any)["source"])
		if ev["event"] == "flag.rule_updated" {
			targets := ctx["configured_targets"].(map[string]any)
			line += fmt.Sprintf(" %v %d %v", ctx["access_type"], len(targets["organizations"].([]any)), ctx["previous_attributes"])
		}
		got = append(got, line)
	}
	want := []string{
		"flag.created system",
		"flag.rule_updated api none 0 map[data:map[enabled:false]]",
		"flag.rule_updated api some 1 map[context:map[access_type:none configured_targets:map[organizations:[] users:[]]]]",
		"flag.rule_updated api some 1 map[data:map[enabled:true]]",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("events\n%q\nwant\n%q", got, want)
	}
}

// TestTargetRefusals: the resource id must name a user or an organization
// (400), which must exist (404), of a flag that exists (404).
func TestTargetRefusals(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0, Fixtures: emutest.Parse(t, world)})
	r := srv.API(t, http.MethodPost, "/feature-flags/dark-mode/targets/team_123", nil)
	emutest.WantError(t, r, 400, "invalid_resource_id")
	if r.JSON(t)["statusCode"] != float64(400) {
		t.Fatalf("body %s", r.Body)
	}
	emutest.WantError(t, srv.API(t, http.MethodPost, "/feature-flags/dark-mode/targets/org_01JGK40000000000000000ZZZZ", nil), 404, "entity_not_found")
	emutest.WantError(t, srv.API(t, http.MethodDelete, "/feature-flags/dark-mode/targets/user_01JGK40000000000000000ZZZZ", nil), 404, "entity_not_found")
	emutest.WantError(t, srv.API(t, http.MethodPost, "/feature-flags/nope/targets/"+emutest.AliceID, nil), 404, "entity_not_found")
	emutest.WantError(t, srv.API(t, http.MethodPut, "/feature-flags/nope/enable", nil), 404, "entity_not_found")
}
