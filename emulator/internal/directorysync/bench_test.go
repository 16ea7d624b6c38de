package directorysync_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// BenchmarkDirectoryLists measures a page (limit 10) of a directory's
// users, of a group's members and of a directory's groups, from the front
// and from a cursor in the middle, at 10, 1,000 and 100,000 records: the
// cost must stay flat (a binary search plus the page).
func BenchmarkDirectoryLists(b *testing.B) {
	for _, n := range []int{10, 1_000, 100_000} {
		srv, mid, midGroup := bigDirectory(b, n)
		for _, bc := range []struct{ name, path string }{
			{"users", "/directory_users?directory=" + dirID},
			{"users_after", "/directory_users?directory=" + dirID + "&after=" + mid},
			{"group_members", "/directory_users?group=" + allID},
			{"groups", "/directory_groups?directory=" + dirID},
			{"groups_after", "/directory_groups?directory=" + dirID + "&after=" + midGroup},
		} {
			b.Run(fmt.Sprintf("%s/n=%d", bc.name, n), func(b *testing.B) {
				h := srv.Handler()
				req := httptest.NewRequest(http.MethodGet, bc.path, nil)
				req.Header.Set("Authorization", "Bearer "+emutest.APIKey)
				b.ReportAllocs()
				for b.Loop() {
					rec := httptest.NewRecorder()
					h.ServeHTTP(rec, req)
					if rec.Code != 200 {
						b.Fatalf("%d %s", rec.Code, rec.Body)
					}
				}
			})
		}
	}
}

// bigDirectory is a directory (not provisioning into AuthKit) with n
// users, all in one group, and n groups; it returns the ids of a user and
// a group in the middle.
func bigDirectory(b *testing.B, n int) (*emutest.Server, string, string) {
	b.Helper()
	srv := emutest.New(b, emulator.Config{Clock: emutest.T0})
	if _, err := srv.AddFixtures(context.Background(), []byte(`
directories:
  - id: `+dirID+`
    name: Big
    organization_id: `+emutest.AcmeID+`
    authkit_provisioning: false
    groups: [{id: `+allID+`, idp_id: g-all, name: Everyone}]
`), "big.yaml"); err != nil {
		b.Fatal(err)
	}
	var mid, midGroup string
	for i := range n {
		u, err := srv.ProvisionDirectoryUser(dirID, emulator.DirectoryUser{Email: fmt.Sprintf("u%d@acme.test", i), Groups: []string{"g-all"}})
		if err != nil {
			b.Fatal(err)
		}
		g, err := srv.CreateDirectoryGroup(dirID, emulator.DirectoryGroup{Name: fmt.Sprintf("Group %d", i)})
		if err != nil {
			b.Fatal(err)
		}
		if i == n/2 {
			mid, midGroup = u.ID, g.ID
		}
	}
	// Collect the setup's garbage now, so the benchmark measures a page,
	// not the sweep of 100,000 provisionings.
	runtime.GC()
	return srv, mid, midGroup
}
