package testkit_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/authkit-emulator/authkit-emulator/testkit"
)

// One emulator, one environment per parallel test: each sees only its own
// world and clock, and real clients (go-oidc, x/oauth2) work against it as
// against an emulator of its own.
func TestEnvironmentPerTest(t *testing.T) {
	em := testkit.Start(t, testkit.WithClock(t0))
	for i := range 4 {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			t.Parallel()
			env := em.NewEnvironment(t, testkit.WithClock(t0.Add(time.Duration(i)*time.Hour)))
			if !strings.HasPrefix(env.URL(), em.URL()+"/env/") || env.ClientID() == em.ClientID() || env.APIKey() == em.APIKey() {
				t.Fatalf("environment %s %s %s", env.URL(), env.ClientID(), env.APIKey())
			}
			if got := env.Clock().Now(); !got.Equal(t0.Add(time.Duration(i) * time.Hour)) {
				t.Errorf("clock %v", got)
			}
			tok := env.MintAccessToken(t, alice, testkit.WithOrganization(acme))
			verifier, ctx := umVerifier(t, env)
			if _, err := verifier.Verify(ctx, tok); err != nil {
				t.Fatalf("the environment's token does not verify against its JWKS: %v", err)
			}
			env.CheckActive(t, tok)
			em.CheckInactive(t, tok)

			// A Connect M2M client through the environment's issuer.
			provider, err := oidc.NewProvider(oidc.ClientContext(context.Background(), env.HTTPClient()), env.Issuer())
			if err != nil {
				t.Fatal(err)
			}
			cc := clientcredentials.Config{ClientID: m2mApp, ClientSecret: "demo_m2m_secret", TokenURL: provider.Endpoint().TokenURL}
			m2m, err := cc.Token(context.WithValue(context.Background(), oauth2.HTTPClient, env.HTTPClient()))
			if err != nil {
				t.Fatalf("client credentials through the environment: %v", err)
			}
			env.CheckActive(t, m2m.AccessToken)
			em.CheckInactive(t, m2m.AccessToken)
		})
	}
}

// Closing an environment (the end of its test) drops it.
func TestEnvironmentDroppedWithItsTest(t *testing.T) {
	em := testkit.Start(t)
	var url string
	t.Run("uses an environment", func(t *testing.T) {
		env := em.NewEnvironment(t, testkit.WithFixtures("users: [{email: solo@example.com, password: pw, email_verified: true}]\n"))
		url = env.URL()
		res, err := env.HTTPClient().Get(url + "/oauth2/jwks")
		if err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("the environment's JWKS: %v %v", err, res)
		}
		res.Body.Close()
	})
	res, err := em.HTTPClient().Get(url + "/oauth2/jwks")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("a dropped environment answers %d", res.StatusCode)
	}
}

// A snapshot saved from one emulator starts another in the same world.
func TestSnapshotWithFixtureFile(t *testing.T) {
	em := testkit.Start(t, testkit.WithClock(t0))
	em.AddFixtures(t, "users: [{email: kept@example.com, password: pw}]\n")
	minted := em.MintSession(t, alice)
	doc := em.Snapshot(t)
	path := t.TempDir() + "/world.yaml"
	if err := os.WriteFile(path, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	again := testkit.Start(t, testkit.WithFixtureFile(path))
	if got := again.Snapshot(t); string(got) != string(doc) {
		t.Fatalf("the reloaded world snapshots differently:\n%s\n---\n%s", doc, got)
	}
	// The minted session is there with its refresh token, and its access
	// token (made again at load: the issuer is the new emulator's URL).
	ss := again.Session(t, minted.SessionID)
	if ss.RefreshToken != minted.RefreshToken || ss.AccessToken == "" {
		t.Fatalf("reloaded session %+v, minted %+v", ss, minted)
	}
	again.CheckActive(t, ss.AccessToken)
}
