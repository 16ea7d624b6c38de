package auditlogs_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

const world = `
audit_log_actions:
  - name: user.signed_in
    targets: [{type: team}]
  - name: invoice.paid
    targets:
      - type: invoice
        metadata: {type: object, properties: {cost: {type: number}}, required: [cost]}
    actor: {metadata: {type: object, properties: {role: {type: string, enum: [admin, member]}}, additionalProperties: false}}
    metadata: {type: object, properties: {transactionId: {type: string, minLength: 3}}, required: [transactionId]}
`

func newServer(t *testing.T) *emutest.Server {
	t.Helper()
	srv := emutest.Start(t, emulator.Config{Clock: emutest.T0})
	if _, err := srv.AddFixtures(context.Background(), []byte(world), "world.yaml"); err != nil {
		t.Fatal(err)
	}
	return srv
}

// event is a valid invoice.paid event, as the SDKs send it.
func event(occurred string) map[string]any {
	return map[string]any{"organization_id": emutest.AcmeID, "event": map[string]any{
		"action": "invoice.paid", "occurred_at": occurred,
		"actor":    map[string]any{"id": emutest.AliceID, "type": "user", "name": "Alice", "metadata": map[string]any{"role": "admin"}},
		"targets":  []any{map[string]any{"id": "inv_1", "type": "invoice", "name": "Invoice 1", "metadata": map[string]any{"cost": 12.5}}},
		"context":  map[string]any{"location": "203.0.113.7", "user_agent": "Test/1.0"},
		"metadata": map[string]any{"transactionId": "tx_001"}}}
}

func post(t *testing.T, srv *emutest.Server, body any, key string) emutest.Response {
	t.Helper()
	b, _ := json.Marshal(body)
	h := []string{"Authorization", "Bearer " + emutest.APIKey, "Content-Type", "application/json"}
	if key != "" {
		h = append(h, "Idempotency-Key", key)
	}
	return srv.Do(t, http.MethodPost, "/audit_logs/events", bytes.NewReader(b), h...)
}

// exportCSV exports Acme's events of January 2026 and downloads the CSV
// from the export's presigned URL (without the API key).
func exportCSV(t *testing.T, srv *emutest.Server, filter map[string]any) [][]string {
	t.Helper()
	body := map[string]any{"organization_id": emutest.AcmeID, "range_start": "2026-01-01T00:00:00Z", "range_end": "2026-02-01T00:00:00Z"}
	for k, v := range filter {
		body[k] = v
	}
	exp := emutest.WantJSON(t, srv.API(t, http.MethodPost, "/audit_logs/exports", body), 201)
	if exp["state"] != "pending" || exp["url"] != nil {
		t.Fatalf("created export: %v", exp)
	}
	got := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/audit_logs/exports/"+exp["id"].(string), nil), 200)
	if got["state"] != "ready" {
		t.Fatalf("export: %v", got)
	}
	resp, err := srv.Client.Get(got["url"].(string))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("download: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	rows, err := csv.NewReader(resp.Body).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestEventsAndExport: valid events are stored and exported, oldest first,
// one row each, with every field; filters narrow the export.
func TestEventsAndExport(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	emutest.WantJSON(t, post(t, srv, event("2026-01-10T09:00:00.000Z"), ""), 200)
	emutest.WantJSON(t, post(t, srv, event("2026-01-05T09:00:00.000Z"), ""), 200)
	emutest.WantJSON(t, post(t, srv, map[string]any{"organization_id": emutest.AcmeID, "event": map[string]any{
		"action": "user.signed_in", "occurred_at": "2026-01-07T09:00:00Z",
		"actor":   map[string]any{"id": emutest.BobID, "type": "user"},
		"targets": []any{map[string]any{"id": "team_1", "type": "team"}},
		"context": map[string]any{"location": "198.51.100.1"}}}, ""), 200)
	emutest.WantJSON(t, post(t, srv, event("2025-12-31T23:00:00.000Z"), ""), 200) // outside the range

	rows := exportCSV(t, srv, nil)
	want := []string{"occurred_at", "action", "version", "actor_id", "actor_type", "actor_name", "actor_metadata",
		"targets", "target_types", "target_ids", "context_location", "context_user_agent", "metadata"}
	if !reflect.DeepEqual(rows[0], want) {
		t.Fatalf("header %v", rows[0])
	}
	if len(rows) != 4 {
		t.Fatalf("%d rows: %v", len(rows), rows)
	}
	first := rows[1]
	if first[0] != "2026-01-05T09:00:00.000Z" || first[1] != "invoice.paid" || first[2] != "1" || first[3] != emutest.AliceID ||
		first[5] != "Alice" || first[6] != `{"role":"admin"}` || first[8] != "invoice" || first[9] != "inv_1" ||
		first[10] != "203.0.113.7" || first[11] != "Test/1.0" || first[12] != `{"transactionId":"tx_001"}` {
		t.Fatalf("row: %q", first)
	}
	if !strings.Contains(first[7], `"metadata":{"cost":12.5}`) {
		t.Fatalf("targets: %s", first[7])
	}
	if rows[2][1] != "user.signed_in" || rows[2][5] != "" || rows[3][0] != "2026-01-10T09:00:00.000Z" {
		t.Fatalf("order: %q", rows)
	}
	for filter, n := range map[string]int{`{"actions":["user.signed_in"]}`: 1, `{"actor_ids":["` + emutest.AliceID + `"]}`: 2,
		`{"actor_names":["Alice"]}`: 2, `{"actors":["Nobody"]}`: 0, `{"targets":["team"]}`: 1} {
		var f map[string]any
		_ = json.Unmarshal([]byte(filter), &f)
		if got := len(exportCSV(t, srv, f)) - 1; got != n {
			t.Errorf("%s: %d rows, want %d", filter, got, n)
		}
	}
}

// TestSchemaValidation: an event its schema refuses is a 400
// invalid_audit_log_event locating every violation; a malformed one a 422.
func TestSchemaValidation(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	for name, tc := range map[string]struct {
		change func(ev map[string]any)
		paths  []string
	}{
		"metadata type":     {func(ev map[string]any) { ev["metadata"] = map[string]any{"transactionId": 7} }, []string{"/metadata/transactionId"}},
		"metadata required": {func(ev map[string]any) { delete(ev, "metadata") }, []string{"/metadata"}},
		"min length":        {func(ev map[string]any) { ev["metadata"] = map[string]any{"transactionId": "x"} }, []string{"/metadata/transactionId"}},
		"actor enum and extra key": {func(ev map[string]any) {
			ev["actor"].(map[string]any)["metadata"] = map[string]any{"role": "root", "extra": true}
		}, []string{"/actor/metadata", "/actor/metadata/role"}},
		"target type": {func(ev map[string]any) {
			ev["targets"] = []any{map[string]any{"id": "t", "type": "team"}}
		}, []string{"/targets/0/type"}},
		"target metadata": {func(ev map[string]any) {
			ev["targets"] = []any{map[string]any{"id": "t", "type": "invoice", "metadata": map[string]any{}}}
		}, []string{"/targets/0/metadata"}},
		"unknown action":  {func(ev map[string]any) { ev["action"] = "user.exploded" }, []string{"/action"}},
		"unknown version": {func(ev map[string]any) { ev["version"] = 2 }, []string{"/version"}},
	} {
		t.Run(name, func(t *testing.T) {
			body := event("2026-01-10T09:00:00Z")
			tc.change(body["event"].(map[string]any))
			r := post(t, srv, body, "")
			emutest.WantError(t, r, 400, "invalid_audit_log_event")
			var paths []string
			for _, e := range r.JSON(t)["errors"].([]any) {
				paths = append(paths, e.(map[string]any)["instancePath"].(string))
			}
			if !reflect.DeepEqual(paths, tc.paths) {
				t.Fatalf("instancePaths %v, want %v: %s", paths, tc.paths, r.Body)
			}
		})
	}
	for name, change := range map[string]func(body map[string]any){
		"no organization": func(b map[string]any) { delete(b, "organization_id") },
		"no context":      func(b map[string]any) { delete(b["event"].(map[string]any), "context") },
		"bad occurred_at": func(b map[string]any) { b["event"].(map[string]any)["occurred_at"] = "yesterday" },
		"targets object":  func(b map[string]any) { b["event"].(map[string]any)["targets"] = map[string]any{} },
		"metadata key":    func(b map[string]any) { b["event"].(map[string]any)["metadata"] = map[string]any{"bad key!": "x"} },
		"metadata value":  func(b map[string]any) { b["event"].(map[string]any)["metadata"] = map[string]any{"k": []any{1}} },
		"metadata too big": func(b map[string]any) {
			b["event"].(map[string]any)["metadata"] = map[string]any{"k": strings.Repeat("x", 501)}
		},
		"version zero": func(b map[string]any) { b["event"].(map[string]any)["version"] = 0 },
	} {
		t.Run(name, func(t *testing.T) {
			body := event("2026-01-10T09:00:00Z")
			change(body)
			emutest.WantError(t, post(t, srv, body, ""), 422, "invalid_request_parameters")
		})
	}
	body := event("2026-01-10T09:00:00Z")
	body["organization_id"] = "org_01JGK50000000000000000ZZZZ"
	emutest.WantError(t, post(t, srv, body, ""), 404, "entity_not_found")
	// Nothing refused was stored.
	if rows := exportCSV(t, srv, nil); len(rows) != 1 {
		t.Fatalf("refused events were stored: %v", rows)
	}
}

// TestIdempotency: the same key and body answer the same without a second
// event (whatever the member order); the key with another body is a 400;
// after 24 hours the key is forgotten.
func TestIdempotency(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	body := event("2026-01-10T09:00:00Z")
	first := post(t, srv, body, "key-1")
	emutest.WantJSON(t, first, 200)
	// The same event, members in another order.
	reordered := []byte(`{"event":` + string(mustJSON(t, body["event"])) + `,"organization_id":"` + emutest.AcmeID + `"}`)
	again := srv.Do(t, http.MethodPost, "/audit_logs/events", bytes.NewReader(reordered),
		"Authorization", "Bearer "+emutest.APIKey, "Content-Type", "application/json", "Idempotency-Key", "key-1")
	if again.Status != 200 || !bytes.Equal(again.Body, first.Body) {
		t.Fatalf("replay: %d %s", again.Status, again.Body)
	}
	other := event("2026-01-11T09:00:00Z")
	emutest.WantError(t, post(t, srv, other, "key-1"), 400, "idempotency_key_reused")
	if rows := exportCSV(t, srv, nil); len(rows) != 2 {
		t.Fatalf("%d events stored, want 1", len(rows)-1)
	}
	srv.Clock().Advance(24*time.Hour + time.Second)
	emutest.WantJSON(t, post(t, srv, other, "key-1"), 200)
	emutest.WantJSON(t, post(t, srv, other, ""), 200) // no key: a second event
	if rows := exportCSV(t, srv, nil); len(rows) != 4 {
		t.Fatalf("%d events stored, want 3", len(rows)-1)
	}
	emutest.WantError(t, post(t, srv, other, strings.Repeat("k", 256)), 400, "invalid_idempotency_key")
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestSchemasVersioned: each POST .../schemas makes the next version; the
// action lists its latest; events pick their version (1 by default).
func TestSchemasVersioned(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	s := emutest.WantJSON(t, srv.API(t, http.MethodPost, "/audit_logs/actions/user.signed_in/schemas",
		map[string]any{"targets": []any{map[string]any{"type": "team"}, map[string]any{"type": "project"}}}), 201)
	if s["version"] != 2.0 || s["object"] != "audit_log_schema" {
		t.Fatalf("schema: %v", s)
	}
	list := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/audit_logs/actions/user.signed_in/schemas", nil), 200)["data"].([]any)
	if len(list) != 2 || list[0].(map[string]any)["version"] != 2.0 {
		t.Fatalf("schemas (newest first): %v", list)
	}
	acts := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/audit_logs/actions?order=asc", nil), 200)["data"].([]any)
	if len(acts) != 2 || acts[0].(map[string]any)["name"] != "user.signed_in" || acts[0].(map[string]any)["schema"].(map[string]any)["version"] != 2.0 {
		t.Fatalf("actions: %v", acts)
	}
	ev := func(version any) map[string]any {
		e := map[string]any{"action": "user.signed_in", "occurred_at": "2026-01-10T09:00:00Z", "actor": map[string]any{"id": "u", "type": "user"},
			"targets": []any{map[string]any{"id": "p", "type": "project"}}, "context": map[string]any{"location": "x"}}
		if version != nil {
			e["version"] = version
		}
		return map[string]any{"organization_id": emutest.AcmeID, "event": e}
	}
	emutest.WantError(t, post(t, srv, ev(nil), ""), 400, "invalid_audit_log_event") // version 1 has no project target
	emutest.WantJSON(t, post(t, srv, ev(2), ""), 200)
	// A new action by its first schema; bad schemas are refused.
	emutest.WantJSON(t, srv.API(t, http.MethodPost, "/audit_logs/actions/doc.viewed/schemas", map[string]any{"targets": []any{map[string]any{"type": "doc"}}}), 201)
	for _, bad := range []map[string]any{
		{"targets": []any{}},
		{"targets": []any{map[string]any{"type": "doc"}, map[string]any{"type": "doc"}}},
		{"targets": []any{map[string]any{"type": "doc"}}, "metadata": map[string]any{"type": "object", "$ref": "#/x"}},
		{"targets": []any{map[string]any{"type": "doc"}}, "actor": map[string]any{}},
	} {
		emutest.WantError(t, srv.API(t, http.MethodPost, "/audit_logs/actions/doc.viewed/schemas", bad), 422, "invalid_request_parameters")
	}
	emutest.WantError(t, srv.API(t, http.MethodPost, "/audit_logs/actions/bad%20name/schemas", map[string]any{"targets": []any{map[string]any{"type": "doc"}}}), 422, "invalid_request_parameters")
}

// TestExportURLs: the URL needs no API key, expires after 10 minutes, and
// fetching the export again makes a new one; unknown URLs are refused.
func TestExportURLs(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	emutest.WantJSON(t, post(t, srv, event("2026-01-10T09:00:00Z"), ""), 200)
	exp := emutest.WantJSON(t, srv.API(t, http.MethodPost, "/audit_logs/exports", map[string]any{"organization_id": emutest.AcmeID,
		"range_start": "2026-01-01T00:00:00Z", "range_end": "2026-02-01T00:00:00Z"}), 201)
	get := func() string {
		return emutest.WantJSON(t, srv.API(t, http.MethodGet, "/audit_logs/exports/"+exp["id"].(string), nil), 200)["url"].(string)
	}
	u1 := get()
	if !strings.HasPrefix(u1, srv.URL+"/audit-log-exports/") {
		t.Fatalf("url %s", u1)
	}
	status := func(u string) int {
		resp, err := srv.Client.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if status(u1) != 200 {
		t.Fatal("fresh URL refused")
	}
	srv.Clock().Advance(9 * time.Minute)
	u2 := get()
	if u2 == u1 {
		t.Fatal("refetching did not make a new URL")
	}
	srv.Clock().Advance(2 * time.Minute)
	if s := status(u1); s != 403 {
		t.Fatalf("expired URL: %d", s)
	}
	if s := status(u2); s != 200 {
		t.Fatalf("second URL: %d", s)
	}
	if s := status(srv.URL + "/audit-log-exports/guess.csv"); s != 403 {
		t.Fatalf("unknown URL: %d", s)
	}
	emutest.WantError(t, srv.API(t, http.MethodPost, "/audit_logs/exports", map[string]any{"organization_id": emutest.AcmeID}), 400, "invalid_request_parameters")
	emutest.WantError(t, srv.API(t, http.MethodPost, "/audit_logs/exports", map[string]any{"organization_id": "org_01JGK50000000000000000ZZZZ",
		"range_start": "2026-01-01T00:00:00Z", "range_end": "2026-02-01T00:00:00Z"}), 400, "organization_not_found")
}

// TestRetention: 30 days until set; 30 or 365 (or the Node SDK's
// retention_period); events older than the retention leave.
func TestRetention(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	path := "/organizations/" + emutest.AcmeID + "/audit_logs_retention"
	if r := emutest.WantJSON(t, srv.API(t, http.MethodGet, path, nil), 200); r["retention_period_in_days"] != 30.0 {
		t.Fatalf("default retention: %v", r)
	}
	emutest.WantJSON(t, post(t, srv, event("2026-01-10T09:00:00Z"), ""), 200)
	if r := emutest.WantJSON(t, srv.API(t, http.MethodPut, path, map[string]any{"retention_period": "1_YEAR"}), 200); r["retention_period_in_days"] != 365.0 {
		t.Fatalf("SDK retention: %v", r)
	}
	emutest.WantError(t, srv.API(t, http.MethodPut, path, map[string]any{"retention_period_in_days": 90}), 422, "invalid_request_parameters")
	emutest.WantError(t, srv.API(t, http.MethodPut, path, map[string]any{"retention_period": "2_MONTH"}), 422, "invalid_request_parameters")
	emutest.WantError(t, srv.API(t, http.MethodPut, path, map[string]any{}), 422, "invalid_request_parameters")
	cfg := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/organizations/"+emutest.AcmeID+"/audit_log_configuration", nil), 200)
	if cfg["retention_period_in_days"] != 365.0 || cfg["state"] != "active" || cfg["organization_id"] != emutest.AcmeID {
		t.Fatalf("configuration: %v", cfg)
	}
	// 31 days on, with 30 days' retention, the event is gone.
	srv.Clock().Advance(31 * 24 * time.Hour)
	emutest.WantJSON(t, srv.API(t, http.MethodPut, path, map[string]any{"retention_period_in_days": 30}), 200)
	if rows := exportCSV(t, srv, nil); len(rows) != 1 {
		t.Fatalf("expired event exported: %v", rows)
	}
}
