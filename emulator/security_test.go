package emulator_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// TestRequestsNeverReadTheDisk: the only file a fixture can name is a
// signing key's private_key_file. A fixture posted at run time that names a
// real, valid key file is refused with every problem listed, and the
// published keys do not change: a request cannot make the emulator read a
// file.
func TestRequestsNeverReadTheDisk(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "signing.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	if err := os.WriteFile(path, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	jwks := srv.Do(t, http.MethodGet, "/oauth2/jwks", nil)
	for _, tc := range []struct{ name, doc string }{
		{"signing_keys in YAML", "environment:\n  signing_keys:\n    - private_key_file: " + path + "\n"},
		{"signing_key in YAML", "environment:\n  signing_key:\n    private_key_file: " + path + "\n"},
		{"signing_keys in JSON", `{"environment":{"signing_keys":[{"kid":"sso_oidc_key_pair_01JGG4A9SC2402TR1E5S95RGFZ","private_key_file":"` + path + `"}]}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := srv.Do(t, http.MethodPost, "/_emulator/fixtures", strings.NewReader(tc.doc), "Content-Type", "application/yaml")
			emutest.WantError(t, r, http.StatusUnprocessableEntity, "invalid_fixtures")
			if after := srv.Do(t, http.MethodGet, "/oauth2/jwks", nil); !bytes.Equal(after.Body, jwks.Body) {
				t.Fatalf("the key set changed after %q:\n%s", tc.doc, after.Body)
			}
		})
	}
	t.Run("AddFixtures", func(t *testing.T) {
		if _, err := srv.AddFixtures(context.Background(), []byte("environment:\n  signing_key:\n    private_key_file: "+path+"\n"), "test.yaml"); err == nil {
			t.Fatal("AddFixtures accepted a private_key_file")
		}
	})
}
