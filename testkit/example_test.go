package testkit_test

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"

	"github.com/authkit-emulator/authkit-emulator/testkit"
)

// In a test, testkit.Start(t) does this and closes the emulator with
// t.Cleanup; Examples have no *testing.T, so they use New and Close.
func Example() {
	em, err := testkit.New()
	if err != nil {
		panic(err)
	}
	defer em.Close()
	fmt.Println(strings.HasPrefix(em.URL(), "http://127.0.0.1:"))
	fmt.Println(em.ClientID(), em.APIKey())
	// Output:
	// true
	// client_01JGG4A9SC2402TR1E5S95RGFY sk_test_emulator
}

// A minted User Management token verifies with go-oidc against the JWKS the
// WorkOS SDKs use, and carries the membership's role.
func ExampleEmulator_MintAccessToken() {
	em, _ := testkit.New()
	defer em.Close()
	t := &exampleT{}
	const alice, acme = "user_01JGH00N0CRRAQG5E1V2EYRQ68", "org_01JGJ5PDQQYSQW43DAPDSPEJEY"
	token := em.MintAccessToken(t, alice, testkit.WithOrganization(acme))

	ctx := oidc.ClientContext(context.Background(), em.HTTPClient())
	keys := oidc.NewRemoteKeySet(ctx, em.JWKSURL())
	verifier := oidc.NewVerifier(em.UserManagementIssuer(), keys, &oidc.Config{SkipClientIDCheck: true})
	idt, err := verifier.Verify(ctx, token)
	if err != nil {
		panic(err)
	}
	var claims struct {
		OrgID string `json:"org_id"`
		Role  string `json:"role"`
	}
	_ = idt.Claims(&claims)
	fmt.Println(idt.Subject, claims.OrgID, claims.Role)
	// Output: user_01JGH00N0CRRAQG5E1V2EYRQ68 org_01JGJ5PDQQYSQW43DAPDSPEJEY admin
}

// The instance clock moves only when told: advancing it past exp makes the
// token inactive, with no sleeping.
func ExampleEmulator_Clock() {
	em, _ := testkit.New(testkit.WithClock(time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)))
	defer em.Close()
	t := &exampleT{}
	token := em.MintAccessToken(t, "user_01JGH00N0CRRAQG5E1V2EYRQ68", testkit.WithTTL(10*time.Minute))
	fmt.Println(em.Introspect(t, token)["active"])
	em.Clock().Advance(10 * time.Minute)
	fmt.Println(em.Introspect(t, token)["active"])
	// Output:
	// true
	// false
}

// Revoking a session makes its tokens inactive at once.
func ExampleEmulator_RevokeSession() {
	em, _ := testkit.New()
	defer em.Close()
	t := &exampleT{}
	s := em.MintSession(t, "user_01JGJD97DGZV5Z4G8RCP6SJ6C5")
	em.CheckActive(t, s.AccessToken)
	em.RevokeSession(t, s.SessionID)
	em.CheckInactive(t, s.AccessToken)
	em.CheckInactive(t, s.RefreshToken)
	fmt.Println(t.failed)
	// Output: false
}

// QueueError scripts failures: here the next token request answers 503.
func ExampleEmulator_QueueError() {
	em, _ := testkit.New()
	defer em.Close()
	t := &exampleT{}
	em.QueueError(t, "POST", "/oauth2/token", 503, 1, map[string]string{"error": "temporarily_unavailable"})
	for i := 0; i < 2; i++ {
		resp, err := em.HTTPClient().Post(em.URL()+"/oauth2/token", "application/x-www-form-urlencoded",
			strings.NewReader("grant_type=client_credentials&client_id=client_01JGHR9D6MBAZ75T49WTR2HFYK&client_secret=demo_m2m_secret"))
		if err != nil {
			panic(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		fmt.Println(resp.StatusCode, strings.Contains(string(body), "temporarily_unavailable"))
	}
	// Output:
	// 503 true
	// 200 false
}

// exampleT stands in for *testing.T in Examples (any testkit.T will do).
type exampleT struct{ failed bool }

func (t *exampleT) Helper()                   {}
func (t *exampleT) Errorf(string, ...any)     { t.failed = true }
func (t *exampleT) Fatalf(f string, a ...any) { panic(fmt.Sprintf(f, a...)) }
