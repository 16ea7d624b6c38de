package connect_test

import (
	"net/http"
	"testing"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// authorizedWorld has Alice's fixture grants (app_consent_ sessions) to
// three applications: two with Acme, one without an organization.
const authorizedWorld = `
environment: {client_id: client_01JGG4A9SC2402TR1E5S95RGFY}
users:
  - {id: ` + emutest.AliceID + `, email: alice@example.com}
organizations:
  - {id: ` + emutest.AcmeID + `, name: Acme}
memberships:
  - {user_id: ` + emutest.AliceID + `, organization_id: ` + emutest.AcmeID + `}
applications:
  - {client_id: client_01JGK400000000000000000AP1, client_secret: s1, name: One, redirect_uris: [https://one.test/cb], scopes: [openid]}
  - {client_id: client_01JGK400000000000000000AP2, client_secret: s2, name: Two, redirect_uris: [https://two.test/cb], scopes: [openid]}
  - {client_id: client_01JGK400000000000000000AP3, client_secret: s3, name: Three, redirect_uris: [https://three.test/cb], scopes: [openid]}
sessions:
  - {id: app_consent_01JGK400000000000000000SS1, user_id: ` + emutest.AliceID + `, client_id: client_01JGK400000000000000000AP1, organization_id: ` + emutest.AcmeID + `}
  - {id: app_consent_01JGK400000000000000000SS2, user_id: ` + emutest.AliceID + `, client_id: client_01JGK400000000000000000AP2, organization_id: ` + emutest.AcmeID + `}
  - {id: app_consent_01JGK400000000000000000SS3, user_id: ` + emutest.AliceID + `, client_id: client_01JGK400000000000000000AP3}
`

// TestFixtureGrantsAreAuthorizedApplications: fixture Connect sessions are
// authorized applications, listed by user (paged by cursor) and by the
// organization of the grant; revoking one by client id ends the fixture
// session's access token.
func TestFixtureGrantsAreAuthorizedApplications(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0, Fixtures: emutest.Parse(t, authorizedWorld)})
	users := "/user_management/users/" + emutest.AliceID + "/authorized_applications"
	first := emutest.WantJSON(t, srv.API(t, http.MethodGet, users+"?limit=2&order=asc", nil), 200)
	page := first["data"].([]any)
	if len(page) != 2 || page[0].(map[string]any)["application"].(map[string]any)["name"] != "One" {
		t.Fatalf("first page %v", first)
	}
	after := first["list_metadata"].(map[string]any)["after"].(string)
	second := emutest.WantJSON(t, srv.API(t, http.MethodGet, users+"?limit=2&order=asc&after="+after, nil), 200)
	if d := second["data"].([]any); len(d) != 1 || d[0].(map[string]any)["application"].(map[string]any)["name"] != "Three" ||
		second["list_metadata"].(map[string]any)["after"] != nil {
		t.Fatalf("second page %v", second)
	}
	acme := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/organizations/"+emutest.AcmeID+"/authorized_applications", nil), 200)
	if d := acme["data"].([]any); len(d) != 2 || d[0].(map[string]any)["application"].(map[string]any)["name"] != "Two" {
		t.Fatalf("Acme's list %v", acme)
	}

	session := emutest.WantJSON(t, srv.Do(t, http.MethodGet, "/_emulator/sessions/app_consent_01JGK400000000000000000SS1", nil), 200)
	access := session["access_token"].(string)
	if in := srv.IntrospectAs(t, "client_01JGK400000000000000000AP1", "s1", access); in["active"] != true {
		t.Fatalf("before: %v", in)
	}
	if r := srv.API(t, http.MethodDelete, users+"/client_01JGK400000000000000000AP1", nil); r.Status != 204 {
		t.Fatalf("revoke: %d %s", r.Status, r.Body)
	}
	if in := srv.IntrospectAs(t, "client_01JGK400000000000000000AP1", "s1", access); in["active"] != false {
		t.Fatalf("after: %v", in)
	}
	acme = emutest.WantJSON(t, srv.API(t, http.MethodGet, "/organizations/"+emutest.AcmeID+"/authorized_applications", nil), 200)
	if d := acme["data"].([]any); len(d) != 1 {
		t.Fatalf("Acme's list after the revocation %v", acme)
	}
	emutest.WantError(t, srv.API(t, http.MethodDelete, users+"/conn_app_01JGK40000000000000000ZZZZ", nil), 404, "entity_not_found")
	emutest.WantError(t, srv.API(t, http.MethodGet, users+"?after=authorized_connect_app_01JGK40000000000000000ZZZZ", nil), 422, "invalid_request_parameters")
}
