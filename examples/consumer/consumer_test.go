// Package consumer is a stand-in for a team's service tests: a separate
// module that depends on authkit-emulator and uses every testkit call.
package consumer

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/testkit"
)

const (
	alice = "user_01JGH00N0CRRAQG5E1V2EYRQ68"
	acme  = "org_01JGJ5PDQQYSQW43DAPDSPEJEY"
	m2m   = "client_01JGHR9D6MBAZ75T49WTR2HFYK"
	oauth = "client_01JGH0H56WFYWEDS7QGWCX2YT4"
)

func TestEveryTestkitCall(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	em := testkit.Start(t,
		testkit.WithFixtureFile("../../fixtures/default.yaml"),
		testkit.WithFixtures("users:\n  - {email: erin@example.com, first_name: Erin}\n"),
		testkit.WithClock(t0), testkit.WithSeed(5), testkit.WithIssuer("https://auth.consumer.test"),
		testkit.WithLogger(slog.New(slog.NewTextHandler(t.Output(), nil))))

	// accessors
	if em.Issuer() != "https://auth.consumer.test" || em.ClientID() == "" || em.APIKey() != "sk_test_emulator" ||
		!strings.HasPrefix(em.JWKSURL(), em.URL()+"/sso/jwks/") {
		t.Fatal("accessors")
	}
	resp, err := em.HTTPClient().Get(em.URL() + "/.well-known/openid-configuration")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("discovery: %v", err)
	}
	resp.Body.Close()
	rec := httptest.NewRecorder()
	em.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/oauth2/jwks", nil))
	if rec.Code != 200 {
		t.Fatal("handler")
	}
	if !em.Clock().Now().Equal(t0) {
		t.Fatal("clock")
	}

	// tokens
	tok := em.MintAccessToken(t, alice, testkit.WithOrganization(acme), testkit.WithRole("admin"),
		testkit.WithPermissions("users:read"), testkit.WithTTL(time.Minute), testkit.WithClaims(map[string]any{"k": "v"}))
	em.CheckActive(t, tok)
	connect := em.MintAccessToken(t, alice, testkit.Connect(), testkit.WithClient(oauth))
	if em.Introspect(t, connect)["client_id"] != oauth {
		t.Fatal("connect token")
	}
	m2mTok := em.MintM2MToken(t, m2m, "reports:read")
	em.CheckActive(t, m2mTok)
	for _, bad := range []testkit.BadToken{testkit.Expired, testkit.NotYetValid, testkit.WrongIssuer, testkit.WrongAudience,
		testkit.UnknownKey, testkit.BadSignature, testkit.AlgNone, testkit.MissingClaim("sid")} {
		em.CheckInactive(t, em.MintBadToken(t, bad))
	}

	// clock
	em.Clock().Advance(time.Minute)
	em.CheckInactive(t, tok)
	em.Clock().Set(t0)
	em.CheckActive(t, tok)
	em.Clock().Real()
	em.CheckInactive(t, tok) // real time is long past t0

	// state
	s := em.Session(t, "session_01JGGMYNRM3S81C9B7Q8ENH12Y")
	em.RevokeSession(t, s.ID)
	em.CheckInactive(t, s.RefreshToken)
	old := em.Keys()[0].KID
	em.RotateKey(t)
	em.RetireKey(t, old)
	em.AddFixtures(t, "organizations:\n  - {name: Initech}\n")
	u := em.User(t, alice)
	if u.Email != "alice@example.com" {
		t.Fatal("user")
	}
	em.QueueError(t, "GET", "/oauth2/jwks", 503, 1, map[string]string{"error": "down"})
	resp, _ = em.HTTPClient().Get(em.URL() + "/oauth2/jwks")
	resp.Body.Close()
	if resp.StatusCode != 503 {
		t.Fatal("QueueError")
	}
	em.QueueError(t, "GET", "/oauth2/jwks", 500, 0, nil)
	em.ClearErrors()
	reqs := em.Requests()
	if len(reqs) < 2 || reqs[len(reqs)-1].Path != "/oauth2/jwks" {
		b, _ := json.Marshal(reqs)
		t.Fatalf("journal: %s", b)
	}
	em.ClearRequests()
	if len(em.Requests()) != 0 {
		t.Fatal("ClearRequests")
	}
	// Directory Sync: play the identity provider.
	em.AddFixtures(t, "directories:\n  - {id: directory_01JGK5000000000000000000D1, name: Acme Okta, organization_id: "+acme+"}\n")
	const dir = "directory_01JGK5000000000000000000D1"
	g := em.CreateDirectoryGroup(t, dir, emulator.DirectoryGroup{Name: "Engineering", Role: "admin"})
	du := em.ProvisionDirectoryUser(t, dir, emulator.DirectoryUser{Email: "dana@acme.test", Groups: []string{g.ID}})
	em.UpdateDirectoryUser(t, dir, du.ID, func(u *emulator.DirectoryUser) { u.FirstName = "Dana" })
	em.UpdateDirectoryGroup(t, dir, g.ID, func(g *emulator.DirectoryGroup) { g.Name = "Eng" })
	em.RemoveDirectoryGroupMember(t, dir, g.ID, du.ID)
	em.AddDirectoryGroupMember(t, dir, g.ID, du.ID)
	if em.DirectoryUser(t, du.ID).AuthKitUserID == "" {
		t.Fatal("directory user not linked to AuthKit")
	}
	em.DeactivateDirectoryUser(t, dir, du.ID)
	em.DeleteDirectoryGroup(t, dir, g.ID)
	em.DeprovisionDirectoryUser(t, dir, du.ID)

	em.RadarChallengeNext(t, 1)
	em.RadarBlockNext(t, 2)
	em.SetRadar(t, emulator.RadarSwitch{Verdict: "challenge", Challenge: "sms", Count: 1})
	body := `{"grant_type":"password","client_id":"` + em.ClientID() + `","client_secret":"` + em.APIKey() + `","email":"alice@example.com","password":"wonderland"}`
	resp, _ = em.HTTPClient().Post(em.URL()+"/user_management/authenticate", "application/json", strings.NewReader(body))
	resp.Body.Close()
	if resp.StatusCode != 403 || len(em.RadarAttempts("alice@example.com")) != 1 {
		t.Fatal("SetRadar")
	}
	em.ClearRadar()
	em.Reset(t)
	em.CheckActive(t, em.Session(t, s.ID).RefreshToken)
	if !em.Clock().Now().Equal(t0) {
		t.Fatal("Reset restores the clock")
	}
}
