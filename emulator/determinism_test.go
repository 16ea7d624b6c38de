package emulator_test

import (
	"context"
	"testing"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// TestDeterminism: same fixtures, same clock, same requests => byte-identical
// tokens, from two independent instances.
func TestDeterminism(t *testing.T) {
	t.Parallel()
	run := func() []string {
		srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
		s, _ := srv.Session(emutest.AliceSession)
		cc := srv.ClientCredentials(t, emutest.M2MClientID, emutest.M2MSecret, nil).JSON(t)
		res, err := srv.Mint(context.Background(), emulator.MintRequest{UserID: emutest.BobID, OrganizationID: emutest.AcmeID})
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
