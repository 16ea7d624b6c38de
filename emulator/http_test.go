package emulator_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/go-jose/go-jose/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator"
)

func TestDiscoveryDocuments(t *testing.T) {
	t.Parallel()
	srv, err := emulator.New(emulator.Config{PublicURL: "http://localhost:8484", Issuer: "https://auth.example.test"})
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	oidcDoc := do(t, h, http.MethodGet, "/.well-known/openid-configuration", nil, "Host", "evil.example:9999").json(t)
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
	as := do(t, h, http.MethodGet, "/.well-known/oauth-authorization-server", nil).json(t)
	wantKeys(as, "authorization_endpoint", "client_id_metadata_document_supported", "code_challenge_methods_supported",
		"device_authorization_endpoint", "grant_types_supported", "introspection_endpoint", "issuer", "jwks_uri",
		"scopes_supported", "response_modes_supported", "response_types_supported", "token_endpoint", "token_endpoint_auth_methods_supported")
	if as["issuer"] != "https://auth.example.test" {
		t.Fatalf("issuer from Host header? %v", as["issuer"])
	}
}

func TestJWKS(t *testing.T) {
	t.Parallel()
	srv, err := emulator.New(emulator.Config{})
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	r := do(t, h, http.MethodGet, "/oauth2/jwks", nil)
	var set jose.JSONWebKeySet
	if err := json.Unmarshal(r.Body, &set); err != nil || len(set.Keys) != 1 {
		t.Fatalf("jwks: %v %s", err, r.Body)
	}
	k := set.Keys[0]
	if k.KeyID != "sso_oidc_key_pair_01JPXN6KF7NAEAZTFDYESAE0KX" || k.Algorithm != "RS256" || k.Use != "sig" || !k.IsPublic() {
		t.Fatalf("key: %+v", k)
	}
	var raw struct{ Keys []map[string]any }
	_ = json.Unmarshal(r.Body, &raw)
	if len(raw.Keys[0]) != 8 {
		t.Fatalf("JWKS entry members: %v (want kty, kid, alg, use, n, e, x5c, x5t#S256)", raw.Keys[0])
	}
	if len(k.Certificates) != 1 || k.Certificates[0].Subject.CommonName != k.KeyID {
		t.Fatalf("x5c: %+v", k.Certificates)
	}
	for _, id := range []string{envClientID, oauthClientID, m2mClientID} {
		if got := do(t, h, http.MethodGet, "/sso/jwks/"+id, nil); got.Status != 200 || string(got.Body) != string(r.Body) {
			t.Fatalf("/sso/jwks/%s: %d %s", id, got.Status, got.Body)
		}
	}
	wantError(t, do(t, h, http.MethodGet, "/sso/jwks/client_unknown", nil), 404, "entity_not_found")

	// a token verifies against the served key
	res, err := srv.Mint(context.Background(), emulator.MintRequest{UserID: aliceID})
	if err != nil {
		t.Fatal(err)
	}
	jws, err := jose.ParseSigned(res.AccessToken, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := jws.Verify(&k); err != nil {
		t.Fatalf("token does not verify against the JWKS: %v", err)
	}
	if h := jws.Signatures[0].Protected; h.KeyID != k.KeyID || h.ExtraHeaders["typ"] != "JWT" {
		t.Fatalf("header: %+v", h)
	}
}

func TestUnknownAndUnimplementedRoutes(t *testing.T) {
	t.Parallel()
	srv, err := emulator.New(emulator.Config{})
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	auth := []string{"Authorization", "Bearer " + apiKey}
	r := do(t, h, http.MethodGet, "/connections", nil, auth...)
	wantError(t, r, 501, "not_implemented")
	if msg := r.json(t)["message"].(string); !strings.Contains(msg, "GET /connections") {
		t.Fatalf("501 does not name the operation: %s", msg)
	}
	wantError(t, do(t, h, http.MethodGet, "/connections", nil), 401, "unauthorized")
	wantError(t, do(t, h, http.MethodGet, "/connections", nil, "Authorization", "Bearer sk_wrong"), 401, "unauthorized")
	wantError(t, do(t, h, http.MethodDelete, "/directories/directory_01ABC", nil, auth...), 501, "not_implemented")
	// unauthenticated spec operations skip the key check
	wantError(t, do(t, h, http.MethodGet, "/sso/authorize", nil), 501, "not_implemented")
	wantError(t, do(t, h, http.MethodGet, "/definitely/not/a/route", nil), 404, "not_found")
	wantError(t, do(t, h, http.MethodGet, "/oauth2/nope", nil), 404, "invalid_request")
	wantError(t, do(t, h, http.MethodDelete, "/oauth2/token", nil), 405, "invalid_request")
}

func TestRequestID(t *testing.T) {
	t.Parallel()
	a, _ := emulator.New(emulator.Config{Seed: ptr(int64(7))})
	b, _ := emulator.New(emulator.Config{Seed: ptr(int64(7))})
	ra := do(t, a.Handler(), http.MethodGet, "/_emulator/health", nil)
	rb := do(t, b.Handler(), http.MethodGet, "/nope", nil)
	if id := ra.Header.Get("X-Request-ID"); len(id) != 36 || id != rb.Header.Get("X-Request-ID") {
		t.Fatalf("seeded request ids differ or malformed: %q %q", id, rb.Header.Get("X-Request-ID"))
	}
	if id := do(t, a.Handler(), http.MethodGet, "/_emulator/health", nil, "X-Request-ID", "trace-123").Header.Get("X-Request-ID"); id != "trace-123" {
		t.Fatalf("request id not echoed: %q", id)
	}
	if id := do(t, a.Handler(), http.MethodGet, "/_emulator/health", nil, "X-Request-ID", strings.Repeat("x", 500)).Header.Get("X-Request-ID"); len(id) != 36 {
		t.Fatalf("oversized request id echoed: %q", id)
	}
}

func ptr[T any](v T) *T { return &v }

// TestDeterminism: same fixtures, same clock, same requests => byte-identical
// tokens, from two independent instances.
func TestDeterminism(t *testing.T) {
	t.Parallel()
	run := func() []string {
		srv, err := emulator.New(emulator.Config{Clock: t0})
		if err != nil {
			t.Fatal(err)
		}
		s, _ := srv.Session(aliceSession)
		cc := clientCredentials(t, srv.Handler(), m2mClientID, m2mSecret, nil).json(t)
		res, err := srv.Mint(context.Background(), emulator.MintRequest{UserID: bobID, OrganizationID: acmeID})
		if err != nil {
			t.Fatal(err)
		}
		return []string{s.AccessToken, cc["access_token"].(string), res.AccessToken, res.RefreshToken, res.SessionID}
	}
	a, b := run(), run()
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("output %d differs:\n%s\n%s", i, a[i], b[i])
		}
	}
}

func TestControlMintEndpoint(t *testing.T) {
	t.Parallel()
	srv, err := emulator.New(emulator.Config{Clock: t0})
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	r := postJSON(t, h, "/_emulator/tokens", map[string]any{"user_id": aliceID, "organization_id": acmeID, "ttl": "10m", "claims": map[string]any{"tier": "gold"}})
	if r.Status != 201 {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	m := r.json(t)
	if m["expires_in"] != float64(600) || !strings.HasPrefix(m["session_id"].(string), "session_") {
		t.Fatalf("%v", m)
	}
	claims := decodeClaims(t, m["access_token"].(string))
	if claims["tier"] != "gold" || claims["role"] != "admin" || claims["org_id"] != acmeID || claims["sid"] != m["session_id"] {
		t.Fatalf("claims: %v", claims)
	}
	if _, has := claims["aud"]; has {
		t.Fatal("User Management tokens carry no aud")
	}
	m2m := postJSON(t, h, "/_emulator/tokens", map[string]any{"client_id": m2mClientID}).json(t)
	if c := decodeClaims(t, m2m["access_token"].(string)); c["sub"] != m2mClientID || c["org_id"] != acmeID {
		t.Fatalf("m2m claims: %v", c)
	}
	for name, body := range map[string]any{
		"unknown user":   map[string]any{"user_id": "user_01JGH00N0CRRAQG5E1V2EYRQ69"},
		"reserved claim": map[string]any{"user_id": aliceID, "claims": map[string]any{"exp": 1}},
		"bad ttl":        map[string]any{"user_id": aliceID, "ttl": "soon"},
		"connect no app": map[string]any{"user_id": aliceID, "family": "connect"},
		"unknown org":    map[string]any{"user_id": aliceID, "organization_id": "org_01JGJ5PDQQYSQW43DAPDSPEJEZ"},
	} {
		t.Run(name, func(t *testing.T) {
			wantError(t, postJSON(t, h, "/_emulator/tokens", body), 422, "invalid_request_parameters")
		})
	}
	wantError(t, postJSON(t, h, "/_emulator/tokens", map[string]any{"usr_id": aliceID}), 400, "invalid_request")
	wantError(t, do(t, h, http.MethodPost, "/_emulator/tokens", strings.NewReader("{"), "Content-Type", "application/json"), 400, "invalid_request")
}

func decodeClaims(t testing.TB, token string) map[string]any {
	t.Helper()
	jws, err := jose.ParseSigned(token, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(jws.UnsafePayloadWithoutVerification(), &m); err != nil {
		t.Fatal(err)
	}
	return m
}
