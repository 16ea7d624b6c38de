package signin_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// TestPasswordGrant: e-mail and password sign Alice in to her organization
// (the role in the token, last_sign_in_at set); wrong credentials, clients
// and requests are refused; the API key may come as a Bearer header, and
// the body as a form.
func TestPasswordGrant(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	t.Run("signs in", func(t *testing.T) {
		m := emutest.SignedIn(t, srv.Authenticate(t, map[string]any{"grant_type": "password", "email": "alice@example.com", "password": "wonderland"}))
		if m["organization_id"] != emutest.AcmeID || m["authentication_method"] != "Password" || m["user"].(map[string]any)["id"] != emutest.AliceID {
			t.Fatalf("%v", m)
		}
		claims := emutest.Claims(t, m["access_token"].(string))
		if claims["org_id"] != emutest.AcmeID || claims["role"] != "admin" || !strings.HasPrefix(claims["sid"].(string), "session_") {
			t.Fatalf("claims %v", claims)
		}
		if u, _ := srv.User(emutest.AliceID); u.LastSignInAt == nil || *u.LastSignInAt != "2026-01-15T12:00:00.000Z" {
			t.Fatalf("last_sign_in_at %v", u.LastSignInAt)
		}
	})
	for _, tc := range []struct {
		name string
		body map[string]any
		code string
	}{
		{"wrong password", map[string]any{"grant_type": "password", "email": "alice@example.com", "password": "nope"}, "invalid_credentials"},
		{"unknown user", map[string]any{"grant_type": "password", "email": "nobody@example.com", "password": "x"}, "invalid_credentials"},
		{"no API key", map[string]any{"grant_type": "password", "email": "alice@example.com", "password": "wonderland", "client_secret": ""}, "invalid_client"},
		{"wrong API key", map[string]any{"grant_type": "password", "email": "alice@example.com", "password": "wonderland", "client_secret": "sk_wrong"}, "invalid_client"},
		{"a Connect application's client id", map[string]any{"grant_type": "password", "email": "alice@example.com", "password": "wonderland", "client_id": emutest.OAuthClientID}, "invalid_client"},
		{"no password", map[string]any{"grant_type": "password", "email": "alice@example.com"}, "invalid_request"},
		{"unknown grant type", map[string]any{"grant_type": "nope"}, "unsupported_grant_type"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			emutest.WantError(t, srv.Authenticate(t, tc.body), 400, tc.code)
		})
	}
	t.Run("API key as a Bearer header", func(t *testing.T) {
		// Node and Go v10 send both
		r := srv.PostJSON(t, "/user_management/authenticate", map[string]any{"grant_type": "password", "client_id": emutest.EnvClientID,
			"email": "alice@example.com", "password": "wonderland"}, "Authorization", "Bearer "+emutest.APIKey)
		emutest.SignedIn(t, r)
	})
	t.Run("form body", func(t *testing.T) {
		r := srv.PostForm(t, "/user_management/authenticate", url.Values{"grant_type": {"password"}, "client_id": {emutest.EnvClientID},
			"client_secret": {emutest.APIKey}, "email": {"alice@example.com"}, "password": {"wonderland"}})
		emutest.SignedIn(t, r)
	})
}

// TestTemplateClaimsAreBounded: a JWT template that references a long
// field many times would make every sign-in answer megabytes; the mint is
// refused with a 4xx naming the template.
func TestTemplateClaimsAreBounded(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	emutest.WantJSON(t, srv.API(t, http.MethodPut, "/user_management/users/"+emutest.AliceID, map[string]any{"first_name": strings.Repeat("a", 256)}), 200)
	var tpl strings.Builder
	tpl.WriteString("{")
	for i := range 200 {
		if i > 0 {
			tpl.WriteString(",")
		}
		fmt.Fprintf(&tpl, `"c%d": "{{user.first_name}}"`, i)
	}
	tpl.WriteString("}")
	emutest.WantJSON(t, srv.API(t, http.MethodPut, "/user_management/jwt_template", map[string]any{"content": tpl.String()}), 200)
	r := srv.Authenticate(t, map[string]any{"grant_type": "password", "email": "alice@example.com", "password": "wonderland"})
	emutest.WantError(t, r, http.StatusUnprocessableEntity, "jwt_template_claims_too_large")
	if len(r.Body) > 1000 || !strings.Contains(string(r.Body), "JWT template") {
		t.Fatalf("%s", r.Body)
	}
}
