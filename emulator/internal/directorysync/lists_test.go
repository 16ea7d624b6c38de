package directorysync_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"testing"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// ids pages through a list endpoint (limit per page, in order), following
// list_metadata.after, and returns the ids in the order served.
func ids(t *testing.T, srv *emutest.Server, path string, q url.Values) []string {
	t.Helper()
	var out []string
	for pages := 0; ; pages++ {
		if pages > 100 {
			t.Fatal("pagination does not end")
		}
		r := emutest.WantJSON(t, srv.API(t, http.MethodGet, path+"?"+q.Encode(), nil), 200)
		for _, o := range r["data"].([]any) {
			out = append(out, o.(map[string]any)["id"].(string))
		}
		after, _ := r["list_metadata"].(map[string]any)["after"].(string)
		if after == "" {
			return out
		}
		q.Set("after", after)
	}
}

// TestListsFilterAndPage: every list filters as the spec says and pages by
// cursor in both orders, newest first by default.
func TestListsFilterAndPage(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	// A second directory (Globex) and more users in the first.
	if _, err := srv.AddFixtures(context.Background(), []byte(`
directories: [{id: directory_01JGK5000000000000000000D2, name: Globex Azure, organization_id: `+emutest.GlobexID+`, type: azure scim v2.0}]
`), "more.yaml"); err != nil {
		t.Fatal(err)
	}
	var made []string
	for i := range 6 {
		u, err := srv.ProvisionDirectoryUser(dirID, emulator.DirectoryUser{Email: fmt.Sprintf("u%d@acme.test", i), IdpID: fmt.Sprintf("idp-%d", i), Groups: []string{"g-all"}})
		if err != nil {
			t.Fatal(err)
		}
		made = append(made, u.ID)
	}
	asc := append([]string{danaID}, made...)
	desc := make([]string, len(asc))
	for i, id := range asc {
		desc[len(asc)-1-i] = id
	}

	users := ids(t, srv, "/directory_users", url.Values{"directory": {dirID}, "limit": {"2"}})
	if !reflect.DeepEqual(users, desc) {
		t.Fatalf("directory users (desc, pages of 2): %v, want %v", users, desc)
	}
	if got := ids(t, srv, "/directory_users", url.Values{"group": {allID}, "limit": {"3"}, "order": {"asc"}}); !reflect.DeepEqual(got, asc) {
		t.Fatalf("group members (asc): %v, want %v", got, asc)
	}
	if got := ids(t, srv, "/directory_users", url.Values{"group": {engID}}); !reflect.DeepEqual(got, []string{danaID}) {
		t.Fatalf("Engineering: %v", got)
	}
	// before pages back.
	r := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/directory_users?directory="+dirID+"&limit=2&before="+desc[2], nil), 200)
	if d := r["data"].([]any); len(d) != 2 || d[0].(map[string]any)["id"] != desc[0] {
		t.Fatalf("before: %v", d)
	}
	for q, want := range map[string][]string{
		"directory=" + dirID + "&idp_id=idp-3":                          {made[3]},
		"directory=" + dirID + "&email=U4@acme.test":                    {made[4]},
		"directory=" + dirID + "&idp_id=idp-3&email=u4@acme.test":       nil,
		"directory=" + dirID + "&group=" + engID + "&idp_id=idp-3":      nil,
		"directory=directory_01JGK5000000000000000000D2":                nil,
		"directory=directory_01JGK5000000000000000000D2&group=" + engID: nil,
	} {
		if got := ids(t, srv, "/directory_users", mustQuery(t, q)); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %v, want %v", q, got, want)
		}
	}
	emutest.WantError(t, srv.API(t, http.MethodGet, "/directory_users?idp_id=idp-3&group="+allID, nil), 422, "invalid_request_parameters")
	emutest.WantError(t, srv.API(t, http.MethodGet, "/directory_users?group=directory_group_01JGK50000000000000000ZZZZ", nil), 404, "entity_not_found")
	emutest.WantError(t, srv.API(t, http.MethodGet, "/directory_users?directory="+dirID+"&after=directory_user_01JGK50000000000000000ZZZZ", nil), 422, "invalid_request_parameters")

	if got := ids(t, srv, "/directory_groups", url.Values{"directory": {dirID}, "order": {"asc"}, "limit": {"1"}}); !reflect.DeepEqual(got, []string{engID, allID}) {
		t.Fatalf("groups: %v", got)
	}
	if got := ids(t, srv, "/directory_groups", url.Values{"user": {made[0]}}); !reflect.DeepEqual(got, []string{allID}) {
		t.Fatalf("groups of a user: %v", got)
	}
	if got := ids(t, srv, "/directory_groups", url.Values{"user": {made[0]}, "directory": {"directory_01JGK5000000000000000000D2"}}); got != nil {
		t.Fatalf("groups of a user in another directory: %v", got)
	}

	for q, want := range map[string][]string{
		"":                                  {"directory_01JGK5000000000000000000D2", dirID},
		"organization_id=" + emutest.AcmeID: {dirID},
		"search=AZURE":                      {"directory_01JGK5000000000000000000D2"},
		"domain=acme.test":                  {dirID},
		"organization_id=org_nobody":        nil,
		"search=okta&organization_id=" + emutest.GlobexID: nil,
	} {
		if got := ids(t, srv, "/directories", mustQuery(t, q)); !reflect.DeepEqual(got, want) {
			t.Errorf("directories %q: %v, want %v", q, got, want)
		}
	}
	d := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/directories/"+dirID, nil), 200)
	meta := d["metadata"].(map[string]any)
	if meta["groups"] != 2.0 || meta["users"].(map[string]any)["active"] != 7.0 || d["domain"] != "acme.test" || d["state"] != "linked" {
		t.Fatalf("directory: %v", d)
	}
}

func mustQuery(t *testing.T, q string) url.Values {
	t.Helper()
	v, err := url.ParseQuery(q)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
