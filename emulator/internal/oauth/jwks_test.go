package oauth_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/go-jose/go-jose/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// TestJWKS: the JWKS publishes the signing key (RS256, with its
// self-signed certificate), also at /sso/jwks/{client_id} for every client
// of the environment, and the tokens minted verify against it.
func TestJWKS(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{})
	r := srv.Do(t, http.MethodGet, "/oauth2/jwks", nil)
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
	for _, id := range []string{emutest.EnvClientID, emutest.OAuthClientID, emutest.M2MClientID} {
		t.Run("/sso/jwks/"+id, func(t *testing.T) {
			if got := srv.Do(t, http.MethodGet, "/sso/jwks/"+id, nil); got.Status != 200 || string(got.Body) != string(r.Body) {
				t.Fatalf("/sso/jwks/%s: %d %s", id, got.Status, got.Body)
			}
		})
	}
	emutest.WantError(t, srv.Do(t, http.MethodGet, "/sso/jwks/client_unknown", nil), 404, "entity_not_found")

	// a token verifies against the served key
	res, err := srv.Mint(context.Background(), emulator.MintRequest{UserID: emutest.AliceID})
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
