package web_test

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

// TestPagination walks a list forward with after and back with before while
// objects are added and removed; cursors stay stable.
func TestPagination(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	var created []string
	for i := 0; i < 7; i++ {
		created = append(created, emutest.WantJSON(t, srv.API(t, http.MethodPost, "/user_management/users", map[string]any{"email": fmt.Sprintf("p%d@example.com", i)}), 201)["id"].(string))
	}
	// ids newest first: created[6..0] then the 3 fixture users
	walk := func(order string) []string {
		var ids []string
		after := ""
		for {
			q := url.Values{"limit": {"3"}}
			if order != "" {
				q.Set("order", order)
			}
			if after != "" {
				q.Set("after", after)
			}
			page := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/user_management/users?"+q.Encode(), nil), 200)
			for _, u := range page["data"].([]any) {
				ids = append(ids, u.(map[string]any)["id"].(string))
			}
			next, _ := page["list_metadata"].(map[string]any)["after"].(string)
			if next == "" {
				return ids
			}
			after = next
		}
	}
	desc := walk("")
	if len(desc) != 10 || desc[0] != created[6] || desc[6] != created[0] {
		t.Fatalf("desc walk: %v", desc)
	}
	asc := walk("asc")
	if len(asc) != 10 || asc[9] != created[6] {
		t.Fatalf("asc walk: %v", asc)
	}
	// back with before from the last page
	page := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/user_management/users?limit=3&before="+desc[9], nil), 200)
	got := page["data"].([]any)
	if len(got) != 3 || got[0].(map[string]any)["id"] != desc[6] || got[2].(map[string]any)["id"] != desc[8] {
		t.Fatalf("before page: %v", got)
	}
	if page["list_metadata"].(map[string]any)["before"] != desc[6] {
		t.Fatalf("before cursor: %v", page["list_metadata"])
	}
	// a deleted cursor object keeps its place
	srv.API(t, http.MethodDelete, "/user_management/users/"+created[3], nil)
	page = emutest.WantJSON(t, srv.API(t, http.MethodGet, "/user_management/users?limit=2&after="+created[3], nil), 200)
	if ids := page["data"].([]any); ids[0].(map[string]any)["id"] != created[2] || ids[1].(map[string]any)["id"] != created[1] {
		t.Fatalf("after a deleted cursor: %v", ids)
	}
	for _, bad := range []string{"limit=0", "limit=101", "order=sideways", "after=user_nope", "limit=x"} {
		t.Run("refused: "+bad, func(t *testing.T) {
			emutest.WantError(t, srv.API(t, http.MethodGet, "/user_management/users?"+bad, nil), 422, "invalid_request_parameters")
		})
	}
}

// TestDeletedCursors: a cursor naming a deleted object keeps working for
// the grace period, then is forgotten (the positions of everything ever
// deleted are not kept forever): a 422 cursor_not_found.
func TestDeletedCursors(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	id := emutest.WantJSON(t, srv.API(t, http.MethodPost, "/user_management/users", map[string]any{"email": "gone@example.com"}), 201)["id"].(string)
	if r := srv.API(t, http.MethodDelete, "/user_management/users/"+id, nil); r.Status != http.StatusOK {
		t.Fatalf("delete: %d %s", r.Status, r.Body)
	}
	page := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/user_management/users?limit=2&after="+id, nil), 200)
	if n := len(page["data"].([]any)); n != 2 {
		t.Fatalf("within the grace period the cursor still places the page: %d users", n)
	}
	srv.Clock().Advance(2 * time.Hour)
	emutest.WantJSON(t, srv.API(t, http.MethodPost, "/user_management/users", map[string]any{"email": "sweeper@example.com"}), 201) // a write sweeps
	r := srv.API(t, http.MethodGet, "/user_management/users?after="+id, nil)
	emutest.WantError(t, r, http.StatusUnprocessableEntity, "invalid_request_parameters")
	if !strings.Contains(string(r.Body), "cursor_not_found") {
		t.Fatalf("%s", r.Body)
	}
}
