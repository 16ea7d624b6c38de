package usermgmt_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// TestMemberships: a membership answers its role, its organization's
// current name and its user; a second membership of the same user and
// organization is a 409, an unknown role a 422; the role, and a later
// change of roles, show in the next token; lists need a user or an
// organization and filter by status (comma-separated or repeated);
// deactivation and reactivation succeed.
func TestMemberships(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	orgID := emutest.WantJSON(t, srv.API(t, http.MethodPost, "/organizations", map[string]any{"name": "Initech"}), 201)["id"].(string)
	emutest.WantJSON(t, srv.API(t, http.MethodPut, "/organizations/"+orgID, map[string]any{"name": "Initech Inc"}), 200)

	// membership with a role; the role change shows in the next token
	m := emutest.WantJSON(t, srv.API(t, http.MethodPost, "/user_management/organization_memberships", map[string]any{"user_id": emutest.AliceID, "organization_id": orgID, "role_slug": "member"}), 201)
	mid := m["id"].(string)
	if m["role"].(map[string]any)["slug"] != "member" || m["organization_name"] != "Initech Inc" || m["user"].(map[string]any)["id"] != emutest.AliceID {
		t.Fatalf("%v", m)
	}
	emutest.WantError(t, srv.API(t, http.MethodPost, "/user_management/organization_memberships", map[string]any{"user_id": emutest.AliceID, "organization_id": orgID}), 409, "conflict")
	emutest.WantError(t, srv.API(t, http.MethodPost, "/user_management/organization_memberships", map[string]any{"user_id": emutest.BobID, "organization_id": orgID, "role_slug": "ghost"}), 422, "invalid_role")
	grant := map[string]any{"grant_type": "refresh_token", "refresh_token": emutest.AliceRefresh, "organization_id": orgID}
	out := emutest.SignedIn(t, srv.Authenticate(t, grant))
	if c := emutest.Claims(t, out["access_token"].(string)); c["role"] != "member" || c["org_id"] != orgID {
		t.Fatalf("claims %v", c)
	}
	emutest.WantJSON(t, srv.API(t, http.MethodPut, "/user_management/organization_memberships/"+mid, map[string]any{"role_slugs": []string{"admin", "member"}}), 200)
	out = emutest.SignedIn(t, srv.Authenticate(t, map[string]any{"grant_type": "refresh_token", "refresh_token": out["refresh_token"]}))
	if c := emutest.Claims(t, out["access_token"].(string)); c["role"] != "admin" || fmt.Sprint(c["roles"]) != "[admin member]" {
		t.Fatalf("role change not in the next token: %v", c)
	}

	// list filters and statuses
	emutest.WantError(t, srv.API(t, http.MethodGet, "/user_management/organization_memberships", nil), 400, "missing_user_id_or_organization_id")
	emutest.WantJSON(t, srv.API(t, http.MethodPut, "/user_management/organization_memberships/"+mid+"/deactivate", nil), 200)
	active := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/user_management/organization_memberships?user_id="+emutest.AliceID, nil), 200)["data"].([]any)
	all := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/user_management/organization_memberships?user_id="+emutest.AliceID+"&statuses=active,inactive", nil), 200)["data"].([]any)
	rep := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/user_management/organization_memberships?user_id="+emutest.AliceID+"&statuses=active&statuses=inactive", nil), 200)["data"].([]any)
	if len(active) != 1 || len(all) != 2 || len(rep) != 2 {
		t.Fatalf("statuses: %d active, %d all, %d repeated", len(active), len(all), len(rep))
	}
	emutest.WantJSON(t, srv.API(t, http.MethodPut, "/user_management/organization_memberships/"+mid+"/reactivate", nil), 200)
}
