package emulator

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// fillAuthz adds n resources to Acme (workspaces of nine projects each),
// one role assignment of another membership on every workspace, and gives
// Alice's Acme membership the workspace-admin role on the first workspace.
// It returns the id of a project of that workspace.
func fillAuthz(st *store.Store, n int) string {
	var leaf string
	_ = st.Write(func(tx *store.Tx) error {
		now := tx.Now()
		tx.AddResourceType(&store.ResourceType{Slug: "workspace", Name: "Workspace", Parent: fixtures.ResourceTypeOrganization})
		tx.AddResourceType(&store.ResourceType{Slug: "project", Name: "Project", Parent: "workspace"})
		tx.AddPermission(&store.Permission{ID: tx.NewID(fixtures.PrefixPermission), Slug: "project:edit", Name: "Edit", ResourceType: "project", CreatedAt: now, UpdatedAt: now})
		tx.AddRole(&store.Role{ID: tx.NewID(fixtures.PrefixRole), Slug: "workspace-admin", Name: "Admin", ResourceType: "workspace",
			Permissions: []string{"project:edit"}, CreatedAt: now, UpdatedAt: now})
		org := tx.Org(acmeOrg)
		alice := tx.MembershipOf(aliceUser, acmeOrg)
		other := tx.NewMembership("user_01JGK00000000000000000OTHR", acmeOrg, nil, fixtures.MembershipActive)
		var ws *store.Resource
		for i := 0; i < n; i++ {
			r := &store.Resource{ID: fmt.Sprintf("authz_resource_fill%019d", i), OrgID: acmeOrg, ExternalID: fmt.Sprintf("r%d", i),
				Name: "R", CreatedAt: now, UpdatedAt: now}
			if i%10 == 0 {
				r.Type, r.ParentID = "workspace", tx.OrgResource(org).ID
				ws = r
				tx.AddResource(r)
				tx.Assign(other, "workspace-admin", r, fmt.Sprintf("role_assignment_fill%019d", i))
				continue
			}
			r.Type, r.ParentID = "project", ws.ID
			tx.AddResource(r)
			if leaf == "" {
				leaf = r.ID
				tx.Assign(alice, "workspace-admin", ws, tx.NewID(fixtures.PrefixRoleAssignment))
			}
		}
		return nil
	})
	return leaf
}

// BenchmarkCheckAsWorldGrows shows an access check costs the same with 10
// or 100,000 resources (and assignments of others) in the world: it walks
// up from the resource and reads the membership's own assignments.
func BenchmarkCheckAsWorldGrows(b *testing.B) {
	for _, n := range []int{10, 100000} {
		srv, err := New(Config{Clock: time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)})
		if err != nil {
			b.Fatal(err)
		}
		leaf := fillAuthz(srv.st, n)
		h := srv.Handler()
		body := `{"permission_slug":"project:edit","resource_id":"` + leaf + `"}`
		b.Run(fmt.Sprintf("check/resources=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				req := httptest.NewRequest(http.MethodPost, "/authorization/organization_memberships/om_01JGFNY450V3KH57A74VCB7E15/check", strings.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+defaultKey)
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Body.String() != `{"authorized":true}` {
					b.Fatalf("%d %s", rec.Code, rec.Body)
				}
			}
		})
		srv.Close()
	}
}
