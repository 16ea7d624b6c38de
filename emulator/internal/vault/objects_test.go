package vault_test

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// wantVaultError fails the test unless r is Vault's error shape: the
// status and {"error": message} and nothing else.
func wantVaultError(t *testing.T, r emutest.Response, status int) string {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %s", r.Status, status, r.Body)
	}
	m := r.JSON(t)
	msg, _ := m["error"].(string)
	if msg == "" || len(m) != 1 {
		t.Fatalf("not Vault's error shape {\"error\": ...}: %s", r.Body)
	}
	return msg
}

// eventTypes lists the types of the events logged so far, oldest first.
func eventTypes(t *testing.T, srv *emutest.Server) []string {
	t.Helper()
	var out []string
	for _, e := range emutest.WantJSON(t, srv.API(t, http.MethodGet, "/events?order=asc&limit=100", nil), 200)["data"].([]any) {
		out = append(out, e.(map[string]any)["event"].(string))
	}
	return out
}

func meta(m map[string]any) map[string]any { return m["metadata"].(map[string]any) }

// TestObjectLifecycle: an object is created under a key context, read by
// id and by name (decrypted), described, updated with optimistic locking
// (a stale version_check is a 409 and changes nothing), listed in its
// versions with their MD5 etags, and deleted (a stale version_check
// refused first); every step emits its vault event.
func TestObjectLifecycle(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	ctx := map[string]any{"organization_id": emutest.AcmeID}
	created := emutest.WantJSON(t, srv.API(t, http.MethodPost, "/vault/v1/kv", map[string]any{"name": "db-password", "value": "s3cr3t", "key_context": ctx}), 201)
	id, v1 := created["id"].(string), created["version_id"].(string)
	if created["context"].(map[string]any)["organization_id"] != emutest.AcmeID || created["key_id"] == "" || created["updated_at"] != "2026-01-15T12:00:00Z" {
		t.Fatalf("metadata: %v", created)
	}
	if by := created["updated_by"].(map[string]any); by["id"] == "" || by["name"] != "API key ending in ator" {
		t.Fatalf("updated_by: %v", by)
	}
	wantVaultError(t, srv.API(t, http.MethodPost, "/vault/v1/kv", map[string]any{"name": "db-password", "value": "x", "key_context": ctx}), 409)
	wantVaultError(t, srv.API(t, http.MethodPost, "/vault/v1/kv", map[string]any{"name": "no-context", "value": "x"}), 422)
	wantVaultError(t, srv.API(t, http.MethodPost, "/vault/v1/kv", map[string]any{"name": "bad-context", "value": "x", "key_context": map[string]any{"n": 1}}), 422)
	wantVaultError(t, srv.API(t, http.MethodPost, "/vault/v1/kv", map[string]any{"value": "x", "key_context": ctx}), 422)

	got := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/vault/v1/kv/"+id, nil), 200)
	if got["value"] != "s3cr3t" || got["name"] != "db-password" || meta(got)["version_id"] != v1 || meta(got)["key_id"] != created["key_id"] {
		t.Fatalf("read: %v", got)
	}
	if got := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/vault/v1/kv/name/db-password", nil), 200); got["id"] != id || got["value"] != "s3cr3t" {
		t.Fatalf("read by name: %v", got)
	}
	wantVaultError(t, srv.API(t, http.MethodGet, "/vault/v1/kv/name/nothing", nil), 404)
	wantVaultError(t, srv.API(t, http.MethodGet, "/vault/v1/kv/00000000-0000-4000-8000-000000000000", nil), 404)
	if d := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/vault/v1/kv/"+id+"/metadata", nil), 200); d["value"] != nil || meta(d)["id"] != id {
		t.Fatalf("describe: %v", d)
	}

	srv.Clock().Advance(time.Minute)
	up := emutest.WantJSON(t, srv.API(t, http.MethodPut, "/vault/v1/kv/"+id, map[string]any{"value": "n3w", "version_check": v1}), 201)
	v2 := meta(up)["version_id"].(string)
	if v2 == v1 || up["value"] != nil || meta(up)["updated_at"] != "2026-01-15T12:01:00Z" {
		t.Fatalf("update: %v", up)
	}
	wantVaultError(t, srv.API(t, http.MethodPut, "/vault/v1/kv/"+id, map[string]any{"value": "lost", "version_check": v1}), 409)
	wantVaultError(t, srv.API(t, http.MethodPut, "/vault/v1/kv/"+id, map[string]any{"version_check": v2}), 400)
	if got := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/vault/v1/kv/"+id, nil), 200); got["value"] != "n3w" {
		t.Fatalf("a refused update changed the value: %v", got)
	}
	emutest.WantJSON(t, srv.API(t, http.MethodPut, "/vault/v1/kv/"+id, map[string]any{"value": "n3w3r"}), 201) // no check: last write wins

	vs := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/vault/v1/kv/"+id+"/versions", nil), 200)["data"].([]any)
	if len(vs) != 3 {
		t.Fatalf("versions: %v", vs)
	}
	newest, oldest := vs[0].(map[string]any), vs[2].(map[string]any)
	sum := md5.Sum([]byte("s3cr3t"))
	if newest["current_version"] != true || oldest["current_version"] != false || oldest["id"] != v1 ||
		oldest["etag"] != hex.EncodeToString(sum[:]) || oldest["size"] != float64(6) {
		t.Fatalf("versions: %v", vs)
	}

	wantVaultError(t, srv.API(t, http.MethodDelete, "/vault/v1/kv/"+id+"?version_check="+v1, nil), 409)
	del := emutest.WantJSON(t, srv.API(t, http.MethodDelete, "/vault/v1/kv/"+id, nil), 200)
	if del["success"] != true || del["name"] != "db-password" {
		t.Fatalf("delete: %v", del)
	}
	wantVaultError(t, srv.API(t, http.MethodGet, "/vault/v1/kv/"+id, nil), 404)
	wantVaultError(t, srv.API(t, http.MethodDelete, "/vault/v1/kv/"+id, nil), 404)
	// The name is free again.
	emutest.WantJSON(t, srv.API(t, http.MethodPost, "/vault/v1/kv", map[string]any{"name": "db-password", "value": "again", "key_context": ctx}), 201)

	want := []string{"vault.kek.created", "vault.data.created", "vault.data.read", "vault.data.read", "vault.metadata.read",
		"vault.data.updated", "vault.data.read", "vault.data.updated", "vault.metadata.read", "vault.data.deleted", "vault.data.created"}
	if got := eventTypes(t, srv); !slices.Equal(got, want) {
		t.Fatalf("events:\n got %v\nwant %v", got, want)
	}
}

// TestListPagination: lists page by cursor (object ids) newest first or
// oldest first, filter by name and by update time, and refuse bad
// parameters with Vault's 400.
func TestListPagination(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	var ids []string
	for i := range 5 {
		o := emutest.WantJSON(t, srv.API(t, http.MethodPost, "/vault/v1/kv", map[string]any{
			"name": fmt.Sprintf("secret-%d", i), "value": "v", "key_context": map[string]any{"tenant": "t"}}), 201)
		ids = append(ids, o["id"].(string))
		srv.Clock().Advance(time.Second)
	}
	page := func(q string) ([]string, map[string]any) {
		t.Helper()
		m := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/vault/v1/kv?"+q, nil), 200)
		var names []string
		for _, o := range m["data"].([]any) {
			names = append(names, o.(map[string]any)["name"].(string))
		}
		return names, m["list_metadata"].(map[string]any)
	}
	names, lm := page("limit=2")
	if !slices.Equal(names, []string{"secret-4", "secret-3"}) || lm["after"] != ids[3] || lm["before"] != nil {
		t.Fatalf("first page: %v %v", names, lm)
	}
	names, lm = page("limit=2&after=" + ids[3])
	if !slices.Equal(names, []string{"secret-2", "secret-1"}) || lm["after"] != ids[1] || lm["before"] != ids[2] {
		t.Fatalf("second page: %v %v", names, lm)
	}
	names, lm = page("limit=2&after=" + ids[1])
	if !slices.Equal(names, []string{"secret-0"}) || lm["after"] != nil {
		t.Fatalf("last page: %v %v", names, lm)
	}
	if names, _ = page("order=asc&limit=3"); !slices.Equal(names, []string{"secret-0", "secret-1", "secret-2"}) {
		t.Fatalf("asc: %v", names)
	}
	if names, _ = page("search=CRET-3"); !slices.Equal(names, []string{"secret-3"}) {
		t.Fatalf("search: %v", names)
	}
	after := url.QueryEscape(emutest.T0.Add(2500 * time.Millisecond).Format(time.RFC3339Nano))
	if names, _ = page("updatedAfter=" + after); !slices.Equal(names, []string{"secret-4", "secret-3"}) {
		t.Fatalf("updatedAfter: %v", names)
	}
	if names, _ = page("updated_after=" + after); len(names) != 2 {
		t.Fatalf("updated_after (the Node SDK's spelling): %v", names)
	}
	for _, q := range []string{"limit=0", "limit=x", "order=sideways", "after=00000000-0000-4000-8000-000000000000", "updatedAfter=yesterday",
		"before=" + ids[0] + "&after=" + ids[1]} {
		wantVaultError(t, srv.API(t, http.MethodGet, "/vault/v1/kv?"+q, nil), 400)
	}
	if got := eventTypes(t, srv); got[len(got)-1] != "vault.names.listed" {
		t.Fatalf("events: %v", got)
	}
}

// TestFixtureObjects: vault_objects of the fixtures are in the vault at
// start (no events), and one added at run time emits vault.data.created
// and vault.kek.created for its new context.
func TestFixtureObjects(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0, Fixtures: emutest.Parse(t, `
environment: {client_id: `+emutest.EnvClientID+`}
vault_objects:
  - {name: stripe-key, value: sk_live_123, key_context: {organization_id: org_1}}
`)})
	got := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/vault/v1/kv/name/stripe-key", nil), 200)
	if got["value"] != "sk_live_123" || meta(got)["updated_by"].(map[string]any)["id"] != "fixtures" {
		t.Fatalf("%v", got)
	}
	if _, err := srv.AddFixtures(t.Context(), []byte("vault_objects: [{name: added, value: v, key_context: {organization_id: org_2}}]"), "more.yaml"); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.AddFixtures(t.Context(), []byte("vault_objects: [{name: added, value: v}]"), "dup.yaml"); err == nil {
		t.Fatal("a second object named added was accepted")
	}
	want := []string{"vault.data.read", "vault.kek.created", "vault.data.created"}
	if got := eventTypes(t, srv); !slices.Equal(got, want) {
		t.Fatalf("events: %v, want %v", got, want)
	}
}

// TestConcurrentVersionChecks: of many updates racing with the same
// version_check, exactly one wins and the others get 409; the object ends
// with exactly two versions.
func TestConcurrentVersionChecks(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	o := emutest.WantJSON(t, srv.API(t, http.MethodPost, "/vault/v1/kv", map[string]any{"name": "counter", "value": "0", "key_context": map[string]any{"k": "v"}}), 201)
	const n = 16
	statuses := make(chan int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses <- srv.API(t, http.MethodPut, "/vault/v1/kv/"+o["id"].(string), map[string]any{"value": fmt.Sprint(i + 1), "version_check": o["version_id"]}).Status
		}()
	}
	wg.Wait()
	close(statuses)
	won := 0
	for s := range statuses {
		switch s {
		case 201:
			won++
		case 409:
		default:
			t.Fatalf("status %d", s)
		}
	}
	if won != 1 {
		t.Fatalf("%d updates won, want 1", won)
	}
	if vs := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/vault/v1/kv/"+o["id"].(string)+"/versions", nil), 200)["data"].([]any); len(vs) != 2 {
		t.Fatalf("%d versions, want 2", len(vs))
	}
}
