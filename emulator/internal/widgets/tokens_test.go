package widgets_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// world: Alice is an admin of Acme, whose role grants two widget
// permissions; Bob a plain member.
const world = `
environment: {client_id: ` + emutest.EnvClientID + `}
users:
  - {id: ` + emutest.AliceID + `, email: alice@example.com}
  - {id: ` + emutest.BobID + `, email: bob@example.com}
organizations:
  - {id: ` + emutest.AcmeID + `, name: Acme}
  - {id: ` + emutest.GlobexID + `, name: Globex}
roles:
  - {slug: admin, name: Admin, permissions: ["widgets:users-table:manage", "widgets:sso:manage", "users:read"]}
  - {slug: member, name: Member, permissions: ["users:read"]}
memberships:
  - {user_id: ` + emutest.AliceID + `, organization_id: ` + emutest.AcmeID + `, role: admin}
  - {user_id: ` + emutest.BobID + `, organization_id: ` + emutest.AcmeID + `, role: member}
`

// TestWidgetTokenVerifiesWithTheJWKS: a widget token is a JWT the JWKS
// verifies (go-oidc), for the user and organization, carrying the
// requested widget scopes the user's role grants, valid for one hour.
func TestWidgetTokenVerifiesWithTheJWKS(t *testing.T) {
	t.Parallel()
	ts := emutest.Start(t, emulator.Config{Clock: emutest.T0, Fixtures: emutest.Parse(t, world)})
	ctx := oidc.ClientContext(context.Background(), ts.Client)
	tok := emutest.WantJSON(t, ts.API(t, http.MethodPost, "/widgets/token", map[string]any{"user_id": emutest.AliceID,
		"organization_id": emutest.AcmeID, "scopes": []string{"widgets:users-table:manage", "widgets:dsync:manage"}}), 201)["token"].(string)
	keys := oidc.NewRemoteKeySet(ctx, ts.URL+"/oauth2/jwks")
	v := oidc.NewVerifier(ts.UserManagementIssuer(), keys, &oidc.Config{SkipClientIDCheck: true, Now: ts.Clock().Now})
	idt, err := v.Verify(ctx, tok)
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	var claims struct {
		OrgID       string   `json:"org_id"`
		Permissions []string `json:"permissions"`
	}
	if err := idt.Claims(&claims); err != nil {
		t.Fatal(err)
	}
	if idt.Subject != emutest.AliceID || claims.OrgID != emutest.AcmeID || fmt.Sprint(claims.Permissions) != "[widgets:users-table:manage]" ||
		idt.Expiry.Sub(idt.IssuedAt) != time.Hour {
		t.Fatalf("claims sub %s %+v, lifetime %v", idt.Subject, claims, idt.Expiry.Sub(idt.IssuedAt))
	}
	ts.Clock().Advance(time.Hour + time.Second)
	if _, err := v.Verify(ctx, tok); err == nil {
		t.Fatal("an expired widget token verifies")
	}
}

// TestWidgetTokenShapes: a member without widget permissions gets none; a
// user-only token has no organization and no permissions; an
// organization-only token carries the scopes as asked; the refusals.
func TestWidgetTokenShapes(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0, Fixtures: emutest.Parse(t, world)})
	claims := func(body map[string]any) map[string]any {
		return emutest.Claims(t, emutest.WantJSON(t, srv.API(t, http.MethodPost, "/widgets/token", body), 201)["token"].(string))
	}
	if c := claims(map[string]any{"user_id": emutest.BobID, "organization_id": emutest.AcmeID, "scopes": []string{"widgets:sso:manage"}}); fmt.Sprint(c["permissions"]) != "[]" {
		t.Fatalf("member %v", c)
	}
	if c := claims(map[string]any{"user_id": emutest.AliceID}); c["org_id"] != nil || c["permissions"] != nil || c["sub"] != emutest.AliceID {
		t.Fatalf("user only %v", c)
	}
	if c := claims(map[string]any{"organization_id": emutest.GlobexID, "scopes": []string{"widgets:sso:manage"}}); c["sub"] != nil || fmt.Sprint(c["permissions"]) != "[widgets:sso:manage]" {
		t.Fatalf("organization only %v", c)
	}
	for _, c := range []struct {
		body   map[string]any
		status int
		code   string
	}{
		{map[string]any{}, 422, "invalid_request_parameters"},
		{map[string]any{"user_id": emutest.AliceID, "scopes": []string{"widgets:sso:manage"}}, 422, "invalid_request_parameters"},
		{map[string]any{"organization_id": emutest.AcmeID, "scopes": []string{"widgets:all"}}, 422, "invalid_request_parameters"},
		{map[string]any{"user_id": "user_01JGK40000000000000000ZZZZ"}, 404, "entity_not_found"},
		{map[string]any{"organization_id": "org_01JGK40000000000000000ZZZZ"}, 404, "entity_not_found"},
		{map[string]any{"user_id": emutest.AliceID, "organization_id": emutest.GlobexID}, 400, "organization_membership_not_found"},
	} {
		emutest.WantError(t, srv.API(t, http.MethodPost, "/widgets/token", c.body), c.status, c.code)
	}
}

// TestClientAPIToken: a Client API token names the user and organization
// and, when the user has a live session there, that session; it lives as
// long as an access token.
func TestClientAPIToken(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0, Fixtures: emutest.Parse(t, world+`
sessions:
  - {id: `+emutest.AliceSession+`, user_id: `+emutest.AliceID+`, organization_id: `+emutest.AcmeID+`}
`)})
	token := func(user string) map[string]any {
		r := srv.API(t, http.MethodPost, "/client/token", map[string]any{"user_id": user, "organization_id": emutest.AcmeID})
		return emutest.Claims(t, emutest.WantJSON(t, r, 201)["token"].(string))
	}
	c := token(emutest.AliceID)
	if c["sub"] != emutest.AliceID || c["org_id"] != emutest.AcmeID || c["sid"] != emutest.AliceSession || c["exp"].(float64)-c["iat"].(float64) != 300 {
		t.Fatalf("claims %v", c)
	}
	if c := token(emutest.BobID); c["sid"] != nil {
		t.Fatalf("Bob has no session: %v", c)
	}
	emutest.WantError(t, srv.API(t, http.MethodPost, "/client/token", map[string]any{"user_id": emutest.AliceID}), 422, "invalid_request_parameters")
	emutest.WantError(t, srv.API(t, http.MethodPost, "/client/token", map[string]any{"user_id": emutest.AliceID, "organization_id": emutest.GlobexID}), 400, "organization_membership_not_found")
}
