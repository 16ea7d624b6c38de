package control_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// TestControlMintEndpoint: POST /_emulator/tokens mints a User Management
// token (ttl, extra claims, the membership's role, a new session; no aud)
// or an M2M one; an impossible request is a 422, a malformed one a 400.
func TestControlMintEndpoint(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	r := srv.PostJSON(t, "/_emulator/tokens", map[string]any{"user_id": emutest.AliceID, "organization_id": emutest.AcmeID, "ttl": "10m", "claims": map[string]any{"tier": "gold"}})
	if r.Status != 201 {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	m := r.JSON(t)
	if m["expires_in"] != float64(600) || !strings.HasPrefix(m["session_id"].(string), "session_") {
		t.Fatalf("%v", m)
	}
	claims := emutest.Claims(t, m["access_token"].(string))
	if claims["tier"] != "gold" || claims["role"] != "admin" || claims["org_id"] != emutest.AcmeID || claims["sid"] != m["session_id"] {
		t.Fatalf("claims: %v", claims)
	}
	if _, has := claims["aud"]; has {
		t.Fatal("User Management tokens carry no aud")
	}
	m2m := srv.PostJSON(t, "/_emulator/tokens", map[string]any{"client_id": emutest.M2MClientID}).JSON(t)
	if c := emutest.Claims(t, m2m["access_token"].(string)); c["sub"] != emutest.M2MClientID || c["org_id"] != emutest.AcmeID {
		t.Fatalf("m2m claims: %v", c)
	}
	for name, body := range map[string]any{
		"unknown user":   map[string]any{"user_id": "user_01JGH00N0CRRAQG5E1V2EYRQ69"},
		"reserved claim": map[string]any{"user_id": emutest.AliceID, "claims": map[string]any{"exp": 1}},
		"bad ttl":        map[string]any{"user_id": emutest.AliceID, "ttl": "soon"},
		"connect no app": map[string]any{"user_id": emutest.AliceID, "family": "connect"},
		"unknown org":    map[string]any{"user_id": emutest.AliceID, "organization_id": "org_01JGJ5PDQQYSQW43DAPDSPEJEZ"},
	} {
		t.Run(name, func(t *testing.T) {
			emutest.WantError(t, srv.PostJSON(t, "/_emulator/tokens", body), 422, "invalid_request_parameters")
		})
	}
	t.Run("unknown member", func(t *testing.T) {
		emutest.WantError(t, srv.PostJSON(t, "/_emulator/tokens", map[string]any{"usr_id": emutest.AliceID}), 400, "invalid_request")
	})
	t.Run("truncated JSON", func(t *testing.T) {
		emutest.WantError(t, srv.Do(t, http.MethodPost, "/_emulator/tokens", strings.NewReader("{"), "Content-Type", "application/json"), 400, "invalid_request")
	})
}
