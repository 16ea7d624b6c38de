package usermgmt_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// TestUsersAPI: a user is created (the refusals named below), found by id
// and external id (only with the API key), updated (omitted fields kept, a
// null metadata key deleted), signs in with its password at once, and its
// deletion ends its sessions; a reset undoes it all.
func TestUsersAPI(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	u := emutest.WantJSON(t, srv.API(t, http.MethodPost, "/user_management/users", map[string]any{"email": "dave@example.com", "password": "pw1",
		"first_name": "Dave", "external_id": "ext-dave", "metadata": map[string]any{"team": "red", "tier": "1"}}), 201)
	id := u["id"].(string)
	if !strings.HasPrefix(id, "user_") || u["email_verified"] != false || u["created_at"] != "2026-01-15T12:00:00.000Z" || u["name"] != "Dave" {
		t.Fatalf("%v", u)
	}
	if got := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/user_management/users/external_id/ext-dave", nil), 200); got["id"] != id {
		t.Fatalf("%v", got)
	}
	for _, tc := range []struct {
		name   string
		body   map[string]any
		status int
		code   string
	}{
		{"e-mail taken (any case)", map[string]any{"email": "DAVE@example.com"}, 400, "user_creation_error"},
		{"not an e-mail", map[string]any{"email": "not an email"}, 422, "invalid_request_parameters"},
		{"metadata value not a string", map[string]any{"email": "m@example.com", "metadata": map[string]any{"n": 3}}, 422, "invalid_request_parameters"},
		{"metadata value over 600 characters", map[string]any{"email": "m@example.com", "metadata": map[string]any{"k": strings.Repeat("x", 601)}}, 422, "invalid_request_parameters"},
		{"password and password hash", map[string]any{"email": "m@example.com", "password": "a", "password_hash": "b"}, 400, "password_and_password_hash_provided"},
		{"malformed password hash", map[string]any{"email": "m@example.com", "password_hash": "nope", "password_hash_type": "bcrypt"}, 400, "invalid_password_hash"},
	} {
		t.Run("create refused: "+tc.name, func(t *testing.T) {
			emutest.WantError(t, srv.API(t, http.MethodPost, "/user_management/users", tc.body), tc.status, tc.code)
		})
	}
	emutest.WantError(t, srv.Do(t, http.MethodGet, "/user_management/users/"+id, nil), 401, "unauthorized")
	emutest.WantError(t, srv.API(t, http.MethodGet, "/user_management/users/user_01JGK40000000000000000ZZZZ", nil), 404, "entity_not_found")

	// update: omitted = unchanged, null metadata key deleted
	upd := emutest.WantJSON(t, srv.API(t, http.MethodPut, "/user_management/users/"+id, map[string]any{"last_name": "Doe", "email_verified": true,
		"metadata": map[string]any{"team": nil, "tier": "2"}}), 200)
	if upd["first_name"] != "Dave" || upd["last_name"] != "Doe" || upd["email_verified"] != true ||
		fmt.Sprint(upd["metadata"]) != "map[tier:2]" {
		t.Fatalf("update: %v", upd)
	}
	emutest.WantError(t, srv.API(t, http.MethodPut, "/user_management/users/"+id, map[string]any{"email": "alice@example.com"}), 400, "email_not_available")

	// the new user signs in with its password, and deletion ends its sessions
	out := emutest.SignedIn(t, srv.Authenticate(t, map[string]any{"grant_type": "password", "email": "dave@example.com", "password": "pw1"}))
	if got := srv.API(t, http.MethodGet, "/user_management/users/"+id+"/identities", nil); got.Status != 200 || string(got.Body) != "[]" {
		t.Fatalf("identities: %d %s", got.Status, got.Body)
	}
	if r := srv.API(t, http.MethodDelete, "/user_management/users/"+id, nil); r.Status != 200 {
		t.Fatalf("delete: %d %s", r.Status, r.Body)
	}
	if srv.IntrospectAs(t, emutest.EnvClientID, emutest.APIKey, out["access_token"].(string))["active"] != false {
		t.Fatal("a deleted user's token is active")
	}
	emutest.WantError(t, srv.Authenticate(t, map[string]any{"grant_type": "refresh_token", "refresh_token": out["refresh_token"]}), 400, "invalid_grant")
	emutest.WantError(t, srv.API(t, http.MethodGet, "/user_management/users/"+id, nil), 404, "entity_not_found")

	// reset undoes everything created over the API
	if err := srv.Reset(true); err != nil {
		t.Fatal(err)
	}
	lst := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/user_management/users?limit=100", nil), 200)
	if n := len(lst["data"].([]any)); n != 3 {
		t.Fatalf("after reset: %d users", n)
	}
}

// TestUserFieldLimits: a field over its limit is a 422 naming it (a
// 200,000-character first name would otherwise grow every token and
// answer carrying the user), and nothing changes.
func TestUserFieldLimits(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	long := strings.Repeat("x", 200_000)
	cases := []struct {
		name, method, path string
		body               map[string]any
		field, code        string
	}{
		{"create: first_name", http.MethodPost, "/user_management/users", map[string]any{"email": "long@example.com", "first_name": long}, "first_name", "too_long"},
		{"update: first_name", http.MethodPut, "/user_management/users/" + emutest.AliceID, map[string]any{"first_name": long}, "first_name", "too_long"},
		{"update: last_name", http.MethodPut, "/user_management/users/" + emutest.AliceID, map[string]any{"last_name": strings.Repeat("x", 257)}, "last_name", "too_long"},
		{"update: locale", http.MethodPut, "/user_management/users/" + emutest.AliceID, map[string]any{"locale": strings.Repeat("x", 36)}, "locale", "too_long"},
		{"create: external_id not ASCII", http.MethodPost, "/user_management/users", map[string]any{"email": "ext@example.com", "external_id": "crm:é"}, "external_id", "must_be_ascii"},
		{"update: external_id over 128", http.MethodPut, "/user_management/users/" + emutest.AliceID, map[string]any{"external_id": strings.Repeat("x", 129)}, "external_id", "too_long"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := srv.API(t, tc.method, tc.path, tc.body)
			emutest.WantError(t, r, http.StatusUnprocessableEntity, "invalid_request_parameters")
			if !strings.Contains(string(r.Body), `{"field":"`+tc.field+`","code":"`+tc.code+`"}`) {
				t.Fatalf("%s", r.Body)
			}
		})
	}
	u, err := srv.User(emutest.AliceID)
	if err != nil || *u.FirstName != "Alice" {
		t.Fatalf("Alice changed: %+v %v", u, err)
	}
}

// TestPasswordHashCost: bcrypt hashes of cost 4 to 14 are accepted; a
// cost of 31 (core-hours per check) is refused.
func TestPasswordHashCost(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	cost := func(c int) string { return fmt.Sprintf("$2a$%02d$", c) + strings.Repeat("A", 53) }
	for _, tc := range []struct {
		name   string
		hash   string
		status int
	}{
		{"cost 31 is refused", cost(31), http.StatusBadRequest},
		{"cost 15 is refused", cost(15), http.StatusBadRequest},
		{"cost 3 is refused", cost(3), http.StatusBadRequest},
		{"cost 10 is accepted", "$2a$10$iZyCAWMow75LSXrcu/uvKeaJ6iIhmgHkHLNOalqnJhnG1kSHeREcC", http.StatusCreated},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := srv.API(t, http.MethodPost, "/user_management/users", map[string]any{"email": strings.ReplaceAll(tc.name, " ", "-") + "@example.com",
				"password_hash": tc.hash, "password_hash_type": "bcrypt"})
			if tc.status != http.StatusCreated {
				emutest.WantError(t, r, tc.status, "invalid_password_hash")
				return
			}
			emutest.WantJSON(t, r, tc.status)
		})
	}
}

// TestExternalIDsInPaths: an external id with characters a client encodes
// (crm:42 as crm%3A42) is found, decoded once.
func TestExternalIDsInPaths(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	emutest.WantJSON(t, srv.API(t, http.MethodPut, "/user_management/users/"+emutest.AliceID, map[string]any{"external_id": "crm:42"}), 200)
	if u := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/user_management/users/external_id/crm%3A42", nil), 200); u["id"] != emutest.AliceID {
		t.Fatalf("%v", u)
	}
	emutest.WantJSON(t, srv.API(t, http.MethodPut, "/organizations/"+emutest.AcmeID, map[string]any{"external_id": "sf@42"}), 200)
	if o := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/organizations/external_id/sf%4042", nil), 200); o["id"] != emutest.AcmeID {
		t.Fatalf("%v", o)
	}
}
