package authorization_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// TestRolesAndPermissions: a permission is created once (a second one with
// its slug is a 409) and added to an environment role; an organization
// role with its permissions is given to a membership, listed in the legacy
// organization roles list, and shows in the next token minted.
func TestRolesAndPermissions(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	emutest.WantJSON(t, srv.API(t, http.MethodPost, "/authorization/permissions", map[string]any{"slug": "reports:export", "name": "Export"}), 201)
	emutest.WantError(t, srv.API(t, http.MethodPost, "/authorization/permissions", map[string]any{"slug": "reports:export", "name": "Again"}), 409, "permission_slug_conflict")
	emutest.WantJSON(t, srv.API(t, http.MethodPost, "/authorization/roles/member/permissions", map[string]any{"slug": "reports:export"}), 200)
	roles := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/authorization/roles", nil), 200)["data"].([]any)
	if len(roles) != 2 || fmt.Sprint(roles[1].(map[string]any)["permissions"]) != "[users:read reports:export]" {
		t.Fatalf("roles %v", roles)
	}
	// an organization role, used by a membership
	emutest.WantJSON(t, srv.API(t, http.MethodPost, "/authorization/organizations/"+emutest.GlobexID+"/roles", map[string]any{"slug": "auditor", "name": "Auditor"}), 201)
	emutest.WantJSON(t, srv.API(t, http.MethodPost, "/authorization/permissions", map[string]any{"slug": "audit:read", "name": "Read the audit log"}), 201)
	emutest.WantJSON(t, srv.API(t, http.MethodPut, "/authorization/organizations/"+emutest.GlobexID+"/roles/auditor/permissions", map[string]any{"permissions": []string{"audit:read"}}), 200)
	ms := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/user_management/organization_memberships?user_id="+emutest.BobID+"&organization_id="+emutest.GlobexID, nil), 200)["data"].([]any)
	emutest.WantJSON(t, srv.API(t, http.MethodPut, "/user_management/organization_memberships/"+ms[0].(map[string]any)["id"].(string), map[string]any{"role_slug": "auditor"}), 200)
	legacy := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/organizations/"+emutest.GlobexID+"/roles", nil), 200)["data"].([]any)
	if len(legacy) != 3 || legacy[2].(map[string]any)["type"] != "OrganizationRole" {
		t.Fatalf("legacy roles %v", legacy)
	}
	res := emutest.WantJSON(t, srv.PostJSON(t, "/_emulator/tokens", map[string]any{"user_id": emutest.BobID, "organization_id": emutest.GlobexID}), 201)
	if c := emutest.Claims(t, res["access_token"].(string)); c["role"] != "auditor" || fmt.Sprint(c["permissions"]) != "[audit:read]" {
		t.Fatalf("claims %v", c)
	}
}

// TestEncodedPathParameters: every path parameter is percent-decoded once,
// the same way for every route, as the Python SDK encodes every path
// segment (documents:read arrives as documents%3Aread); a permission a
// role lacks is a 404 to remove, never a 200 that removed nothing.
func TestEncodedPathParameters(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	emutest.WantJSON(t, srv.API(t, http.MethodPost, "/authorization/permissions", map[string]any{"slug": "reports:read", "name": "Read reports"}), 201)
	emutest.WantJSON(t, srv.API(t, http.MethodPost, "/authorization/permissions", map[string]any{"slug": "deploy:prod", "name": "Deploy"}), 201)
	if p := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/authorization/permissions/reports%3Aread", nil), 200); p["slug"] != "reports:read" {
		t.Fatalf("%v", p)
	}
	roles := "/authorization/organizations/" + emutest.AcmeID + "/roles"
	emutest.WantJSON(t, srv.API(t, http.MethodPost, roles, map[string]any{"slug": "deployer", "name": "Deployer"}), 201)
	emutest.WantJSON(t, srv.API(t, http.MethodPut, roles+"/deployer/permissions", map[string]any{"permissions": []string{"deploy:prod", "reports:read"}}), 200)
	r := emutest.WantJSON(t, srv.API(t, http.MethodDelete, roles+"/deployer/permissions/deploy%3Aprod", nil), 200)
	if fmt.Sprint(r["permissions"]) != "[reports:read]" {
		t.Fatalf("encoded delete removed nothing: %v", r)
	}
	emutest.WantError(t, srv.API(t, http.MethodDelete, roles+"/deployer/permissions/deploy%3Aprod", nil), http.StatusNotFound, "entity_not_found")
	emutest.WantError(t, srv.API(t, http.MethodDelete, roles+"/deployer/permissions/never:held", nil), http.StatusNotFound, "entity_not_found")
}

// TestDefaultWorldPermissionsExist: every permission a role of the default
// world names is listed and can be read.
func TestDefaultWorldPermissionsExist(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{})
	list := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/authorization/permissions?limit=100", nil), 200)
	listed := map[string]bool{}
	for _, p := range list["data"].([]any) {
		listed[p.(map[string]any)["slug"].(string)] = true
	}
	roles := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/authorization/roles", nil), 200)
	for _, r := range roles["data"].([]any) {
		for _, slug := range r.(map[string]any)["permissions"].([]any) {
			s := slug.(string)
			if !listed[s] {
				t.Errorf("role %v names %s, which GET /authorization/permissions does not list", r.(map[string]any)["slug"], s)
			}
			emutest.WantJSON(t, srv.API(t, http.MethodGet, "/authorization/permissions/"+s, nil), 200)
		}
	}
}
