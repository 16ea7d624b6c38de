package usermgmt_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// TestJWTTemplate: the JWT template is stored as sent and applies to every
// later mint, beside the role claims; a template that sets a reserved
// claim, reads a secret or is not JSON is a 422.
func TestJWTTemplate(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	// Bob is an auditor of Globex (an organization role with a permission).
	emutest.WantJSON(t, srv.API(t, http.MethodPost, "/authorization/organizations/"+emutest.GlobexID+"/roles", map[string]any{"slug": "auditor", "name": "Auditor"}), 201)
	emutest.WantJSON(t, srv.API(t, http.MethodPost, "/authorization/permissions", map[string]any{"slug": "audit:read", "name": "Read the audit log"}), 201)
	emutest.WantJSON(t, srv.API(t, http.MethodPut, "/authorization/organizations/"+emutest.GlobexID+"/roles/auditor/permissions", map[string]any{"permissions": []string{"audit:read"}}), 200)
	ms := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/user_management/organization_memberships?user_id="+emutest.BobID+"&organization_id="+emutest.GlobexID, nil), 200)["data"].([]any)
	emutest.WantJSON(t, srv.API(t, http.MethodPut, "/user_management/organization_memberships/"+ms[0].(map[string]any)["id"].(string), map[string]any{"role_slug": "auditor"}), 200)

	// the JWT template applies to every later mint
	tpl := `{"email": {{user.email}}, "greeting": "hi {{user.first_name}}", "tier": {{organization.metadata.tier || "free"}}}`
	got := emutest.WantJSON(t, srv.API(t, http.MethodPut, "/user_management/jwt_template", map[string]any{"content": tpl}), 200)
	if got["content"] != tpl || got["object"] != "jwt_template" {
		t.Fatalf("%v", got)
	}
	if emutest.WantJSON(t, srv.API(t, http.MethodGet, "/user_management/jwt_template", nil), 200)["content"] != tpl {
		t.Fatal("template not stored")
	}
	res := emutest.WantJSON(t, srv.PostJSON(t, "/_emulator/tokens", map[string]any{"user_id": emutest.BobID, "organization_id": emutest.GlobexID}), 201)
	c := emutest.Claims(t, res["access_token"].(string))
	if c["email"] != "bob@example.com" || c["greeting"] != "hi Bob" || c["tier"] != "free" || c["role"] != "auditor" || fmt.Sprint(c["permissions"]) != "[audit:read]" {
		t.Fatalf("claims %v", c)
	}
	for _, tc := range []struct{ name, content string }{
		{"reserved claim", `{"sub": "x"}`},
		{"secret user field", `{"x": {{user.password}}}`},
		{"not JSON", `not json`},
	} {
		t.Run("refused: "+tc.name, func(t *testing.T) {
			emutest.WantError(t, srv.API(t, http.MethodPut, "/user_management/jwt_template", map[string]any{"content": tc.content}), 422, "invalid_request_parameters")
		})
	}
}
