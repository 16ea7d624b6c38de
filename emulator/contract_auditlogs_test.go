package emulator_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// ctAuditWorld configures the action user.signed_in, as a dashboard would.
const ctAuditWorld = `
audit_log_actions:
  - name: user.signed_in
    targets: [{type: team}]
    actor: {metadata: {type: object, properties: {role: {type: string}}}}
`

// contractAuditLogs drives Audit Logs: schemas, events (with their
// validation errors), exports, retention and configuration.
func contractAuditLogs(t *testing.T, run *contractRun) {
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	if _, err := srv.AddFixtures(context.Background(), []byte(ctAuditWorld), "audit.yaml"); err != nil {
		t.Fatal(err)
	}
	c := run.client(srv.Handler())
	const GET, POST, PUT = http.MethodGet, http.MethodPost, http.MethodPut

	c.step = "audit 1 actions and schemas"
	c.json(200, GET, "/audit_logs/actions", nil)
	c.errCode(422, "invalid_request_parameters", GET, "/audit_logs/actions?limit=0", nil, invalidBecause("limit below 1"))
	schema := map[string]any{
		"actor":    map[string]any{"metadata": map[string]any{"type": "object", "properties": map[string]any{"role": map[string]any{"type": "string"}}}},
		"targets":  []any{map[string]any{"type": "invoice", "metadata": map[string]any{"type": "object", "properties": map[string]any{"cost": map[string]any{"type": "number"}}}}},
		"metadata": map[string]any{"type": "object", "properties": map[string]any{"transactionId": map[string]any{"type": "string"}}, "required": []any{"transactionId"}},
	}
	c.json(201, POST, "/audit_logs/actions/invoice.paid/schemas", schema)
	c.json(201, POST, "/audit_logs/actions/invoice.paid/schemas", schema)
	c.errCode(422, "invalid_request_parameters", POST, "/audit_logs/actions/invoice.paid/schemas", map[string]any{"targets": []any{}},
		invalidBecause("targets needs at least one item"))
	c.json(200, GET, "/audit_logs/actions/invoice.paid/schemas?order=asc", nil)
	c.errCode(404, "entity_not_found", GET, "/audit_logs/actions/no.such_action/schemas", nil)

	c.step = "audit 2 events"
	event := func(action string, metadata map[string]any) map[string]any {
		return map[string]any{"organization_id": emutest.AcmeID, "event": map[string]any{
			"action": action, "occurred_at": "2026-01-15T11:00:00.000Z", "version": 2,
			"actor":   map[string]any{"id": emutest.AliceID, "type": "user", "name": "Alice", "metadata": map[string]any{"role": "admin"}},
			"targets": []any{map[string]any{"id": "inv_1", "type": "invoice", "metadata": map[string]any{"cost": 12.5}}},
			"context": map[string]any{"location": "203.0.113.7", "user_agent": "Contract/1.0"}, "metadata": metadata}}
	}
	c.json(200, POST, "/audit_logs/events", event("invoice.paid", map[string]any{"transactionId": "tx_1"}))
	c.errCode(400, "invalid_audit_log_event", POST, "/audit_logs/events", event("invoice.paid", map[string]any{"transactionId": 7}))
	missingOrg := event("invoice.paid", map[string]any{"transactionId": "tx_2"})
	missingOrg["organization_id"] = "org_" + ctMissing
	c.errCode(404, "entity_not_found", POST, "/audit_logs/events", missingOrg)
	c.errCode(422, "invalid_request_parameters", POST, "/audit_logs/events", map[string]any{"organization_id": emutest.AcmeID, "event": map[string]any{}},
		invalidBecause("the event lacks action, occurred_at, actor, targets and context"))

	c.step = "audit 3 exports"
	exp := c.json(201, POST, "/audit_logs/exports", map[string]any{"organization_id": emutest.AcmeID,
		"range_start": "2026-01-01T00:00:00Z", "range_end": "2026-02-01T00:00:00Z", "actions": []string{"invoice.paid"}})
	c.errCode(400, "invalid_audit_log_export_range_date", POST, "/audit_logs/exports", map[string]any{"organization_id": emutest.AcmeID,
		"range_start": "2026-02-01T00:00:00Z", "range_end": "2026-01-01T00:00:00Z"})
	c.json(200, GET, "/audit_logs/exports/"+exp["id"].(string), nil)
	c.errCode(404, "entity_not_found", GET, "/audit_logs/exports/audit_log_export_"+ctMissing, nil)

	c.step = "audit 4 retention and configuration"
	c.json(200, GET, "/organizations/"+emutest.AcmeID+"/audit_logs_retention", nil)
	c.errCode(404, "entity_not_found", GET, "/organizations/org_"+ctMissing+"/audit_logs_retention", nil)
	c.json(200, PUT, "/organizations/"+emutest.AcmeID+"/audit_logs_retention", map[string]any{"retention_period_in_days": 365})
	c.errCode(422, "invalid_request_parameters", PUT, "/organizations/"+emutest.AcmeID+"/audit_logs_retention", map[string]any{"retention_period_in_days": 7})
	c.errCode(404, "entity_not_found", PUT, "/organizations/org_"+ctMissing+"/audit_logs_retention", map[string]any{"retention_period_in_days": 30})
	c.json(200, GET, "/organizations/"+emutest.AcmeID+"/audit_log_configuration", nil)
	c.errCode(404, "entity_not_found", GET, "/organizations/org_"+ctMissing+"/audit_log_configuration", nil)
}
