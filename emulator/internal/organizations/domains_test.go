package organizations_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// TestOrganizationDomains: a domain is created pending with a DNS token
// and prefix and appears in the organization's domains; verification
// succeeds (once: again is a 400); a verified domain routes SSO by e-mail;
// a domain marked to fail ends failed; deleting removes it. Each step
// emits its organization_domain event.
func TestOrganizationDomains(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	if _, err := srv.AddFixtures(context.Background(), []byte(`
connections:
  - {name: Globex SAML, connection_type: GenericSAML, organization_id: `+emutest.GlobexID+`, profiles: [{email: hank@initech.test}]}
`), "sso.yaml"); err != nil {
		t.Fatal(err)
	}
	d := emutest.WantJSON(t, srv.API(t, http.MethodPost, "/organization_domains", map[string]any{"domain": "Initech.test", "organization_id": emutest.GlobexID}), 201)
	id := d["id"].(string)
	if d["state"] != "pending" || d["domain"] != "initech.test" || d["verification_strategy"] != "dns" || d["verification_token"] == "" ||
		!strings.HasPrefix(d["verification_prefix"].(string), "authkit-emulator-domain-verification-") || !strings.HasPrefix(id, "org_domain_") {
		t.Fatalf("created %v", d)
	}
	org := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/organizations/"+emutest.GlobexID, nil), 200)
	if !strings.Contains(string(srv.API(t, http.MethodGet, "/organizations/"+emutest.GlobexID, nil).Body), id) {
		t.Fatalf("organization domains lack it: %v", org["domains"])
	}
	emutest.WantError(t, srv.API(t, http.MethodPost, "/organization_domains", map[string]any{"domain": "initech.test", "organization_id": emutest.AcmeID}), 409, "domain_already_exists")
	emutest.WantError(t, srv.API(t, http.MethodPost, "/organization_domains", map[string]any{"domain": "not a domain", "organization_id": emutest.AcmeID}), 422, "invalid_request_parameters")
	emutest.WantError(t, srv.API(t, http.MethodPost, "/organization_domains", map[string]any{"domain": "x.test", "organization_id": "org_01JGK0000000000000000000ZZ"}), 404, "entity_not_found")

	// Pending domains do not route SSO; verified ones do.
	authorize := "/sso/authorize?" + url.Values{"client_id": {emutest.EnvClientID}, "redirect_uri": {emutest.AppCallback}, "response_type": {"code"},
		"domain": {"initech.test"}}.Encode()
	if loc := srv.Do(t, http.MethodGet, authorize, nil).Header.Get("Location"); !strings.Contains(loc, "error=invalid_connection_selector") {
		t.Fatalf("pending domain routed: %s", loc)
	}
	if v := emutest.WantJSON(t, srv.API(t, http.MethodPost, "/organization_domains/"+id+"/verify", nil), 201); v["state"] != "verified" {
		t.Fatalf("verify: %v", v)
	}
	emutest.WantError(t, srv.API(t, http.MethodPost, "/organization_domains/"+id+"/verify", nil), 400, "domain_already_verified")
	if loc := srv.Do(t, http.MethodGet, authorize, nil).Header.Get("Location"); !strings.Contains(loc, "/idp/authorize?request=") {
		t.Fatalf("verified domain did not route: %s", loc)
	}
	c := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/connections?domain=initech.test", nil), 200)["data"].([]any)
	if len(c) != 1 {
		t.Fatalf("connections of the domain: %v", c)
	}

	// The switch: this domain's verification fails.
	fail := srv.Do(t, http.MethodPut, "/_emulator/organization_domains/verification", strings.NewReader(`{"domain":"bad.test","outcome":"fail"}`),
		"Content-Type", "application/json")
	if fail.Status != 200 {
		t.Fatalf("switch: %d %s", fail.Status, fail.Body)
	}
	bad := emutest.WantJSON(t, srv.API(t, http.MethodPost, "/organization_domains", map[string]any{"domain": "bad.test", "organization_id": emutest.GlobexID}), 201)
	if v := emutest.WantJSON(t, srv.API(t, http.MethodPost, "/organization_domains/"+bad["id"].(string)+"/verify", nil), 201); v["state"] != "failed" {
		t.Fatalf("marked domain: %v", v)
	}
	srv.Do(t, http.MethodPut, "/_emulator/organization_domains/verification", strings.NewReader(`{"domain":"bad.test","outcome":"succeed"}`), "Content-Type", "application/json")
	if v := emutest.WantJSON(t, srv.API(t, http.MethodPost, "/organization_domains/"+bad["id"].(string)+"/verify", nil), 201); v["state"] != "verified" {
		t.Fatalf("unmarked domain: %v", v)
	}
	if r := srv.API(t, http.MethodDelete, "/organization_domains/"+id, nil); r.Status != 204 {
		t.Fatalf("delete: %d", r.Status)
	}
	emutest.WantError(t, srv.API(t, http.MethodGet, "/organization_domains/"+id, nil), 404, "entity_not_found")
	if strings.Contains(string(srv.API(t, http.MethodGet, "/organizations/"+emutest.GlobexID, nil).Body), id) {
		t.Fatal("deleted domain still listed")
	}
	var got []string
	for _, e := range emutest.WantJSON(t, srv.API(t, http.MethodGet, "/events?order=asc&limit=100", nil), 200)["data"].([]any) {
		if typ := e.(map[string]any)["event"].(string); strings.HasPrefix(typ, "organization_domain.") {
			got = append(got, strings.TrimPrefix(typ, "organization_domain."))
		}
	}
	want := "created verified updated created verification_failed updated verified updated deleted"
	if strings.Join(got, " ") != want {
		t.Fatalf("events %v, want %s", got, want)
	}
}
