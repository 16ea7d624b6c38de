package oauth_test

import (
	"bytes"
	"encoding/json"
	"net/url"
	"os"
	"regexp"
	"testing"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// TestReferenceDocument proves examples/seed.yaml reproduces WorkOS's
// introspection document: the pre-seeded session's access token, its
// refresh token, a client_credentials token of the same application and an
// unknown token introspect to the document's four bodies, byte for byte
// (member order included), the M2M token's generated jti aside.
func TestReferenceDocument(t *testing.T) {
	set, err := fixtures.Load("../../../examples/seed.yaml")
	if err != nil {
		t.Fatal(err)
	}
	srv := emutest.New(t, emulator.Config{Fixtures: set})
	var want map[string]json.RawMessage
	data, err := os.ReadFile("testdata/reference_introspection.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &want); err != nil {
		t.Fatal(err)
	}
	const app, secret = "client_01JP8BD0CZ401TDF9X54NT5ZEK", "1eaaf7a47948398d89e2b07dce912b6a9c0282aa20e88c026fcb42fd6b06b73e"
	sess, err := srv.Session("app_consent_01JPXN6KAQW83AMXXY5WX3RHTJ")
	if err != nil {
		t.Fatal(err)
	}
	cc := srv.ClientCredentials(t, app, secret, nil)
	if cc.Status != 200 {
		t.Fatalf("client_credentials: %d %s", cc.Status, cc.Body)
	}
	m2m := cc.JSON(t)["access_token"].(string)

	introspectRaw := func(token string) []byte {
		r := srv.PostForm(t, "/oauth2/introspection", url.Values{"client_id": {app}, "client_secret": {secret}, "token": {token}, "token_type_hint": {"access_token"}})
		if r.Status != 200 {
			t.Fatalf("introspection: %d %s", r.Status, r.Body)
		}
		return r.Body
	}
	jti := regexp.MustCompile(`"jti":"[0-9A-Z]{26}"`)
	cases := []struct {
		name, token string
		maskJTI     bool
	}{
		{"user_access_token", sess.AccessToken, false},
		{"m2m_access_token", m2m, true},
		{"refresh_token", sess.RefreshToken, false},
		{"inactive", "eyJhbGciOiJub25lIn0.e30.", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := introspectRaw(tc.token)
			var compact bytes.Buffer
			if err := json.Compact(&compact, want[tc.name]); err != nil {
				t.Fatal(err)
			}
			exp := compact.Bytes()
			if tc.maskJTI {
				got = jti.ReplaceAll(got, []byte(`"jti":"JTI"`))
				exp = jti.ReplaceAll(exp, []byte(`"jti":"JTI"`))
			}
			if !bytes.Equal(got, exp) {
				t.Fatalf("introspection of %s:\n got %s\nwant %s", tc.name, got, exp)
			}
		})
	}
}
