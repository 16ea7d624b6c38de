package emulator_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// contractFeatureFlags drives the Feature Flags API over flags added at run
// time (flag.created), then enable, disable and targets
// (flag.rule_updated), and the organization and user lists.
func contractFeatureFlags(t *testing.T, run *contractRun) {
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	if _, err := srv.AddFixtures(context.Background(), []byte(`
feature_flags:
  - {slug: new-dashboard, name: New dashboard, description: The redesign, tags: [ui], enabled: true, organizations: [`+emutest.AcmeID+`]}
  - {slug: beta-search, enabled: false, users: [`+emutest.BobID+`]}
`), "flags.yaml"); err != nil {
		t.Fatal(err)
	}
	c := run.client(srv.Handler())
	const GET, POST, PUT, DELETE = http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete

	c.step = "feature flags 1 read"
	c.json(200, GET, "/feature-flags", nil)
	c.json(200, GET, "/feature-flags?limit=1&order=asc", nil)
	c.errCode(422, "invalid_request_parameters", GET, "/feature-flags?limit=0", nil, invalidBecause("limit below 1"))
	c.json(200, GET, "/feature-flags/new-dashboard", nil)
	c.errCode(404, "entity_not_found", GET, "/feature-flags/no-such-flag", nil)

	c.step = "feature flags 2 rules"
	c.json(200, PUT, "/feature-flags/beta-search/enable", nil)
	c.errCode(404, "entity_not_found", PUT, "/feature-flags/no-such-flag/enable", nil)
	c.json(200, PUT, "/feature-flags/new-dashboard/disable", nil)
	c.errCode(404, "entity_not_found", PUT, "/feature-flags/no-such-flag/disable", nil)
	c.call(204, POST, "/feature-flags/beta-search/targets/"+emutest.GlobexID, nil)
	c.errCode(400, "invalid_resource_id", POST, "/feature-flags/beta-search/targets/conn_123", nil)
	c.errCode(404, "entity_not_found", POST, "/feature-flags/beta-search/targets/user_"+ctMissing, nil)
	c.call(204, DELETE, "/feature-flags/beta-search/targets/"+emutest.BobID, nil)
	c.errCode(404, "entity_not_found", DELETE, "/feature-flags/no-such-flag/targets/"+emutest.BobID, nil)

	c.step = "feature flags 3 organizations and users"
	c.json(200, GET, "/organizations/"+emutest.GlobexID+"/feature-flags", nil)
	c.errCode(404, "entity_not_found", GET, "/organizations/org_"+ctMissing+"/feature-flags", nil)
	c.json(200, GET, "/user_management/users/"+emutest.BobID+"/feature-flags", nil)
	c.errCode(404, "entity_not_found", GET, "/user_management/users/user_"+ctMissing+"/feature-flags", nil)

	c.step = "feature flags 4 events"
	c.json(200, GET, "/events?limit=100", nil)
}
