package oauth_test

import (
	"net/http"
	"testing"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// TestDiscoveryDocuments: both discovery documents name the configured
// issuer and the public URL's endpoints (never the request's Host), with
// exactly the documented members.
func TestDiscoveryDocuments(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{PublicURL: "http://localhost:8484", Issuer: "https://auth.example.test"})
	oidcDoc := srv.Do(t, http.MethodGet, "/.well-known/openid-configuration", nil, "Host", "evil.example:9999").JSON(t)
	if oidcDoc["issuer"] != "https://auth.example.test" || oidcDoc["token_endpoint"] != "http://localhost:8484/oauth2/token" ||
		oidcDoc["jwks_uri"] != "http://localhost:8484/oauth2/jwks" || oidcDoc["userinfo_endpoint"] != "http://localhost:8484/oauth2/userinfo" {
		t.Fatalf("openid-configuration: %v", oidcDoc)
	}
	wantKeys := func(doc map[string]any, keys ...string) {
		t.Helper()
		if len(doc) != len(keys) {
			t.Fatalf("%d members, want %d: %v", len(doc), len(keys), doc)
		}
		for _, k := range keys {
			if _, ok := doc[k]; !ok {
				t.Fatalf("missing %s: %v", k, doc)
			}
		}
	}
	wantKeys(oidcDoc, "issuer", "authorization_endpoint", "device_authorization_endpoint", "grant_types_supported",
		"id_token_signing_alg_values_supported", "introspection_endpoint", "jwks_uri", "response_types_supported",
		"scopes_supported", "subject_types_supported", "token_endpoint", "token_endpoint_auth_methods_supported", "userinfo_endpoint")
	as := srv.Do(t, http.MethodGet, "/.well-known/oauth-authorization-server", nil).JSON(t)
	wantKeys(as, "authorization_endpoint", "client_id_metadata_document_supported", "code_challenge_methods_supported",
		"device_authorization_endpoint", "grant_types_supported", "introspection_endpoint", "issuer", "jwks_uri",
		"scopes_supported", "response_modes_supported", "response_types_supported", "token_endpoint", "token_endpoint_auth_methods_supported")
	if as["issuer"] != "https://auth.example.test" {
		t.Fatalf("issuer from Host header? %v", as["issuer"])
	}
}
