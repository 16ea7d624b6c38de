package emulator_test

import (
	"net/http"
	"testing"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// contractWidgets drives the widget and Client API tokens.
func contractWidgets(t *testing.T, run *contractRun) {
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	c := run.client(srv.Handler())
	const POST = http.MethodPost

	c.step = "widgets 1 widget tokens"
	c.json(201, POST, "/widgets/token", map[string]any{"user_id": emutest.AliceID, "organization_id": emutest.AcmeID,
		"scopes": []string{"widgets:users-table:manage"}})
	c.json(201, POST, "/widgets/token", map[string]any{"user_id": emutest.AliceID})
	c.errCode(404, "entity_not_found", POST, "/widgets/token", map[string]any{"user_id": "user_" + ctMissing})
	c.errCode(400, "organization_membership_not_found", POST, "/widgets/token", map[string]any{"user_id": emutest.AliceID, "organization_id": emutest.GlobexID})
	c.errCode(422, "invalid_request_parameters", POST, "/widgets/token", map[string]any{"organization_id": emutest.AcmeID,
		"scopes": []string{"widgets:everything"}}, invalidBecause("widgets:everything is not a widget scope"))

	c.step = "widgets 2 client API tokens"
	c.json(201, POST, "/client/token", map[string]any{"user_id": emutest.AliceID, "organization_id": emutest.AcmeID})
	c.errCode(404, "entity_not_found", POST, "/client/token", map[string]any{"user_id": emutest.AliceID, "organization_id": "org_" + ctMissing})
	c.errCode(422, "invalid_request_parameters", POST, "/client/token", map[string]any{"user_id": emutest.AliceID}, invalidBecause("organization_id is required"))
}
