package organizations_test

import (
	"net/http"
	"testing"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// TestOrganizations: an organization is created with its domains (from
// domain_data); a domain another organization has is a 409 and a missing
// name a 422; lists filter by domain and search by name; an organization is
// found by its external id and updated.
func TestOrganizations(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	org := emutest.WantJSON(t, srv.API(t, http.MethodPost, "/organizations", map[string]any{"name": "Initech", "external_id": "init",
		"domain_data": []map[string]string{{"domain": "initech.test", "state": "verified"}}}), 201)
	orgID := org["id"].(string)
	if d := org["domains"].([]any); len(d) != 1 || d[0].(map[string]any)["domain"] != "initech.test" {
		t.Fatalf("%v", org)
	}
	emutest.WantError(t, srv.API(t, http.MethodPost, "/organizations", map[string]any{"name": "Other", "domains": []string{"acme.test"}}), 409, "conflict")
	emutest.WantError(t, srv.API(t, http.MethodPost, "/organizations", map[string]any{}), 422, "invalid_request_parameters")
	if l := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/organizations?domains=initech.test", nil), 200)["data"].([]any); len(l) != 1 {
		t.Fatalf("domains filter: %v", l)
	}
	if l := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/organizations?search=glob", nil), 200)["data"].([]any); len(l) != 1 || l[0].(map[string]any)["id"] != emutest.GlobexID {
		t.Fatalf("search: %v", l)
	}
	if got := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/organizations/external_id/init", nil), 200); got["id"] != orgID {
		t.Fatal("by external id")
	}
	emutest.WantJSON(t, srv.API(t, http.MethodPut, "/organizations/"+orgID, map[string]any{"name": "Initech Inc", "metadata": map[string]any{"plan": "pro"}}), 200)
}

// TestDeleteOrganization: deleting an organization removes its
// memberships, and the tokens scoped to it stop being active.
func TestDeleteOrganization(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	orgID := emutest.WantJSON(t, srv.API(t, http.MethodPost, "/organizations", map[string]any{"name": "Initech"}), 201)["id"].(string)
	mid := emutest.WantJSON(t, srv.API(t, http.MethodPost, "/user_management/organization_memberships",
		map[string]any{"user_id": emutest.AliceID, "organization_id": orgID, "role_slug": "member"}), 201)["id"].(string)
	out := emutest.SignedIn(t, srv.Authenticate(t, map[string]any{"grant_type": "refresh_token", "refresh_token": emutest.AliceRefresh, "organization_id": orgID}))
	if r := srv.API(t, http.MethodDelete, "/organizations/"+orgID, nil); r.Status != 200 {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	if srv.IntrospectAs(t, emutest.EnvClientID, emutest.APIKey, out["access_token"].(string))["active"] != false {
		t.Fatal("token scoped to a deleted organization is active")
	}
	emutest.WantError(t, srv.API(t, http.MethodGet, "/user_management/organization_memberships/"+mid, nil), 404, "entity_not_found")
}
