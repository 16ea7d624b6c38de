package emulator_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// contractEvents drives the Events API and the webhook endpoints: the
// events a realistic sequence of changes emits must validate against the
// spec's EventSchema (one variant per event type).
func contractEvents(t *testing.T, run *contractRun) {
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	c := run.client(srv.Handler())
	const GET, POST, PUT, PATCH, DELETE = http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete

	c.step = "events 1 webhook endpoints"
	we := c.json(201, POST, "/webhook_endpoints", map[string]any{"endpoint_url": "https://app.test/webhooks", "events": []string{"user.created", "user.deleted"}})
	weID := we["id"].(string)
	c.errCode(409, "duplicate_endpoint", POST, "/webhook_endpoints", map[string]any{"endpoint_url": "https://app.test/webhooks", "events": []string{"user.created"}})
	c.errCode(422, "invalid_url", POST, "/webhook_endpoints", map[string]any{"endpoint_url": "not a url", "events": []string{"user.created"}})
	c.errCode(422, "invalid_request_parameters", POST, "/webhook_endpoints", map[string]any{"endpoint_url": "https://app.test/other", "events": []string{"user.exploded"}},
		invalidBecause("user.exploded is not in the spec's enum"))
	c.json(200, GET, "/webhook_endpoints?limit=5", nil)
	c.json(200, PATCH, "/webhook_endpoints/"+weID, map[string]any{"status": "disabled", "events": []string{"organization.created"}})
	c.errCode(404, "entity_not_found", PATCH, "/webhook_endpoints/we_"+ctMissing, map[string]any{"status": "enabled"})

	c.step = "events 2 changes that emit"
	user := c.json(201, POST, "/user_management/users", map[string]any{"email": "erin@example.com", "first_name": "Erin"})
	c.json(200, PUT, "/user_management/users/"+user["id"].(string), map[string]any{"last_name": "Example"})
	org := c.json(201, POST, "/organizations", map[string]any{"name": "Events Inc"})
	c.json(201, POST, "/user_management/organization_memberships", map[string]any{"user_id": user["id"], "organization_id": org["id"]})

	c.step = "events 3 the log"
	c.json(200, GET, "/events?limit=100", nil)
	c.json(200, GET, "/events?"+url.Values{"events": {"user.created", "user.updated"}, "order": {"desc"}}.Encode(), nil)
	c.json(200, GET, "/events?organization_id="+org["id"].(string)+"&range_start=2025-01-01T00:00:00Z&range_end=2030-01-01T00:00:00Z", nil)
	c.errCode(400, "organization_not_found", GET, "/events?organization_id=org_"+ctMissing, nil)
	c.errCode(422, "invalid_request_parameters", GET, "/events?range_start=yesterday", nil)

	c.allEvents()

	c.step = "events 4 deletions"
	c.call(204, DELETE, "/webhook_endpoints/"+weID, nil)
	c.errCode(404, "entity_not_found", DELETE, "/webhook_endpoints/"+weID, nil)
	_ = PUT
}

// allEvents pages through the whole event log (so the validator sees every
// event's data against its EventSchema variant) and returns how many
// events there were, with the types seen in the test log.
func (c *contractClient) allEvents() int {
	c.t.Helper()
	n, after := 0, ""
	types := map[string]int{}
	var prev string
	for {
		page := c.json(200, http.MethodGet, "/events?limit=100&after="+after, nil)
		for _, e := range page["data"].([]any) {
			ev := e.(map[string]any)
			types[ev["event"].(string)]++
			n++
			// One change emits its event once: the same event with the same
			// data twice in a row is a change emitted by two layers.
			data, _ := json.Marshal(ev["data"])
			key := ev["event"].(string) + string(data) + ev["created_at"].(string)
			if key == prev {
				c.t.Errorf("[%s] %s emitted twice for one change: %s", c.step, ev["event"], data)
			}
			prev = key
		}
		next, _ := page["list_metadata"].(map[string]any)["after"].(string)
		if next == "" {
			break
		}
		after = next
	}
	c.t.Logf("[%s] %d events: %v", c.step, n, types)
	return n
}
