package testkit_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"go.uber.org/goleak"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/authkit-emulator/authkit-emulator/fixtures"
	"github.com/authkit-emulator/authkit-emulator/testkit"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

const (
	alice        = "user_01JGH00N0CRRAQG5E1V2EYRQ68"
	bob          = "user_01JGJD97DGZV5Z4G8RCP6SJ6C5"
	acme         = "org_01JGJ5PDQQYSQW43DAPDSPEJEY"
	globex       = "org_01JGHYEQJ3R88ZXE6V4AJ192KN"
	oauthApp     = "client_01JGH0H56WFYWEDS7QGWCX2YT4"
	m2mApp       = "client_01JGHR9D6MBAZ75T49WTR2HFYK"
	aliceSession = "session_01JGGMYNRM3S81C9B7Q8ENH12Y"
)

var t0 = time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)

// verifier checks User Management tokens the way authkit-nextjs and the
// Node SDK do: signature against the client's JWKS, plus iss and exp.
func umVerifier(t *testing.T, em *testkit.Emulator) (*oidc.IDTokenVerifier, context.Context) {
	ctx := oidc.ClientContext(context.Background(), em.HTTPClient())
	keys := oidc.NewRemoteKeySet(ctx, em.JWKSURL())
	return oidc.NewVerifier(em.UserManagementIssuer(), keys, &oidc.Config{SkipClientIDCheck: true, Now: em.Clock().Now}), ctx
}

func TestAccessors(t *testing.T) {
	t.Parallel()
	em := testkit.Start(t)
	if !strings.HasPrefix(em.URL(), "http://127.0.0.1:") || strings.HasSuffix(em.URL(), "/") {
		t.Fatalf("URL %q", em.URL())
	}
	if em.Issuer() != em.URL() || em.UserManagementIssuer() != em.URL()+"/user_management/"+em.ClientID() {
		t.Fatalf("issuers %q %q", em.Issuer(), em.UserManagementIssuer())
	}
	if em.APIKey() != "sk_test_emulator" || em.JWKSURL() != em.URL()+"/sso/jwks/"+em.ClientID() {
		t.Fatalf("api key %q jwks %q", em.APIKey(), em.JWKSURL())
	}
	resp, err := em.HTTPClient().Get(em.JWKSURL())
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("JWKS over the socket: %v %v", err, resp)
	}
	resp.Body.Close()
	rec := newRecorder(em.Handler(), "GET", "/_emulator/health")
	if rec != 200 {
		t.Fatalf("in-memory handler: %d", rec)
	}
}

func newRecorder(h http.Handler, method, path string) int {
	req, _ := http.NewRequest(method, path, nil)
	w := &statusWriter{header: http.Header{}}
	h.ServeHTTP(w, req)
	return w.status
}

type statusWriter struct {
	header http.Header
	status int
}

func (w *statusWriter) Header() http.Header { return w.header }
func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = 200
	}
	return len(b), nil
}
func (w *statusWriter) WriteHeader(s int) { w.status = s }

func TestMintAccessTokenOptions(t *testing.T) {
	t.Parallel()
	em := testkit.Start(t, testkit.WithClock(t0))
	v, ctx := umVerifier(t, em)
	claimsOf := func(token string) map[string]any {
		t.Helper()
		idt, err := v.Verify(ctx, token)
		if err != nil {
			t.Fatalf("verify: %v", err)
		}
		var m map[string]any
		_ = idt.Claims(&m)
		return m
	}
	c := claimsOf(em.MintAccessToken(t, bob, testkit.WithOrganization(globex)))
	if c["org_id"] != globex || c["role"] != "member" || fmt.Sprint(c["permissions"]) != "[users:read]" {
		t.Fatalf("membership claims: %v", c)
	}
	c = claimsOf(em.MintAccessToken(t, alice, testkit.WithOrganization(acme), testkit.WithRole("viewer"),
		testkit.WithPermissions("a:b"), testkit.WithTTL(time.Hour), testkit.WithClaims(map[string]any{"email": "alice@example.com"})))
	if c["role"] != "viewer" || fmt.Sprint(c["roles"]) != "[viewer]" || fmt.Sprint(c["permissions"]) != "[a:b]" ||
		c["email"] != "alice@example.com" || c["exp"].(float64)-c["iat"].(float64) != 3600 {
		t.Fatalf("overrides: %v", c)
	}
	// Connect family: verified against the AuthKit-domain issuer and aud.
	tok := em.MintAccessToken(t, alice, testkit.Connect(), testkit.WithClient(oauthApp))
	cv := oidc.NewVerifier(em.Issuer(), oidc.NewRemoteKeySet(ctx, em.URL()+"/oauth2/jwks"), &oidc.Config{ClientID: em.ClientID(), Now: em.Clock().Now})
	idt, err := cv.Verify(ctx, tok)
	if err != nil {
		t.Fatalf("connect token: %v", err)
	}
	var cc map[string]any
	_ = idt.Claims(&cc)
	if cc["client_id"] != oauthApp || !strings.HasPrefix(cc["sid"].(string), "app_consent_") {
		t.Fatalf("connect claims: %v", cc)
	}
	// the session option reuses a session
	s := em.MintSession(t, alice)
	again := em.MintAccessToken(t, alice, testkit.WithSession(s.SessionID))
	if claimsOf(again)["sid"] != s.SessionID {
		t.Fatal("WithSession ignored")
	}
	m2m := em.MintM2MToken(t, m2mApp, "reports:read")
	if in := em.Introspect(t, m2m); in["sub"] != m2mApp || in["org_id"] != acme {
		t.Fatalf("m2m: %v", in)
	}
}

// TestBadTokenCatalogue: go-oidc rejects every bad token, and none
// introspects active.
func TestBadTokenCatalogue(t *testing.T) {
	t.Parallel()
	em := testkit.Start(t, testkit.WithClock(t0))
	v, ctx := umVerifier(t, em)
	if _, err := v.Verify(ctx, em.MintAccessToken(t, alice)); err != nil {
		t.Fatalf("control: a good token fails: %v", err)
	}
	audVerifier := oidc.NewVerifier(em.UserManagementIssuer(), oidc.NewRemoteKeySet(ctx, em.JWKSURL()),
		&oidc.Config{ClientID: em.ClientID(), Now: em.Clock().Now})
	for _, tc := range []struct {
		kind testkit.BadToken
		v    *oidc.IDTokenVerifier
		want string
	}{
		{testkit.Expired, v, "expired"},
		{testkit.NotYetValid, v, "before"},
		{testkit.WrongIssuer, v, "issuer"},
		{testkit.WrongAudience, audVerifier, "audience"},
		{testkit.UnknownKey, v, "signature"},
		{testkit.BadSignature, v, "signature"},
		{testkit.AlgNone, v, "malformed"},
		{testkit.MissingClaim("exp"), v, "exp"},
	} {
		t.Run(tc.kind.String(), func(t *testing.T) {
			tok := em.MintBadToken(t, tc.kind, testkit.WithUser(bob))
			_, err := tc.v.Verify(ctx, tok)
			if err == nil {
				t.Fatal("go-oidc accepted the token")
			}
			if !strings.Contains(strings.ToLower(err.Error()), tc.want) && tc.kind != testkit.MissingClaim("exp") {
				t.Fatalf("rejected for another reason: %v", err)
			}
			em.CheckInactive(t, tok)
		})
	}
}

// TestKeyRotation: after RotateKey both keys are published and old tokens
// verify; after RetireKey old tokens fail and introspect inactive.
func TestKeyRotation(t *testing.T) {
	t.Parallel()
	em := testkit.Start(t)
	v, ctx := umVerifier(t, em)
	old := em.MintAccessToken(t, alice)
	oldKid := em.Keys()[0].KID
	kid := em.RotateKey(t)
	if kid == oldKid || len(em.Keys()) != 2 || !em.Keys()[1].Signing {
		t.Fatalf("keys after rotate: %+v", em.Keys())
	}
	fresh := em.MintAccessToken(t, alice)
	for _, tok := range []string{old, fresh} {
		if _, err := v.Verify(ctx, tok); err != nil {
			t.Fatalf("verify after rotation: %v", err)
		}
		em.CheckActive(t, tok)
	}
	em.RetireKey(t, oldKid)
	// a fresh key set, as a service would refetch after an unknown kid
	v2, _ := umVerifier(t, em)
	if _, err := v2.Verify(ctx, old); err == nil {
		t.Fatal("token of a retired key still verifies")
	}
	em.CheckInactive(t, old)
	em.CheckActive(t, fresh)
}

func TestSessionsRevokeAndReset(t *testing.T) {
	t.Parallel()
	em := testkit.Start(t, testkit.WithClock(t0))
	s := em.Session(t, aliceSession)
	if s.RefreshToken != "AliceDefaultSessionRefresh1" || s.Status != "active" {
		t.Fatalf("fixture session: %+v", s)
	}
	em.CheckActive(t, s.AccessToken)
	em.RevokeSession(t, aliceSession)
	em.CheckInactive(t, s.AccessToken)
	em.CheckInactive(t, s.RefreshToken)
	em.Clock().Advance(time.Hour)
	em.AddFixtures(t, "users:\n  - {email: dora@example.com}\n")
	em.QueueError(t, "GET", "/oauth2/jwks", 500, 0, nil)
	em.Reset(t)
	after := em.Session(t, aliceSession)
	if after.AccessToken != s.AccessToken || after.Status != "active" || !em.Clock().Now().Equal(t0) {
		t.Fatalf("reset did not restore the world: %+v at %v", after, em.Clock().Now())
	}
	if len(em.Requests()) != 0 {
		t.Fatal("reset kept the journal")
	}
	if resp, err := em.HTTPClient().Get(em.URL() + "/oauth2/jwks"); err != nil || resp.StatusCode != 200 {
		t.Fatalf("reset kept the fault: %v %v", err, resp)
	} else {
		resp.Body.Close()
	}
}

func TestAddFixturesAndUser(t *testing.T) {
	t.Parallel()
	em := testkit.Start(t)
	em.AddFixtures(t, `
users:
  - {id: user_01JGK40000000000000000D0RA, email: dora@example.com, first_name: Dora, metadata: {team: red}}
memberships:
  - {user_email: dora@example.com, organization_id: `+acme+`, role: member}
`)
	u := em.User(t, "user_01JGK40000000000000000D0RA")
	if u.Email != "dora@example.com" || *u.FirstName != "Dora" || u.Metadata["team"] != "red" || u.Object != "user" {
		t.Fatalf("user: %+v", u)
	}
	if c := em.Introspect(t, em.MintAccessToken(t, u.ID, testkit.WithOrganization(acme))); c["org_id"] != acme {
		t.Fatalf("membership added at run time: %v", c)
	}
	// invalid additions change nothing and report every problem
	ft := &fakeT{}
	em.AddFixtures(ft, "users:\n  - {email: alice@example.com}\n  - {email: nope}\n")
	if !ft.fatal || !strings.Contains(ft.msg, "users[0].email: duplicate of users[0]") || !strings.Contains(ft.msg, `"nope" is not an e-mail address`) {
		t.Fatalf("AddFixtures problems: %q", ft.msg)
	}
}

type fakeT struct {
	fatal, errored bool
	msg            string
}

func (f *fakeT) Helper()                   {}
func (f *fakeT) Errorf(s string, a ...any) { f.errored, f.msg = true, fmt.Sprintf(s, a...) }
func (f *fakeT) Fatalf(s string, a ...any) { f.fatal, f.msg = true, fmt.Sprintf(s, a...) }

// check asserts whether the helper under test reported a failure.
func (f *fakeT) check(t *testing.T, want bool) {
	t.Helper()
	if got := f.fatal || f.errored; got != want {
		t.Fatalf("failed=%v, want %v: %s", got, want, f.msg)
	}
	*f = fakeT{}
}

func TestCheckHelpersFail(t *testing.T) {
	t.Parallel()
	em := testkit.Start(t)
	tok := em.MintAccessToken(t, alice)
	ft := &fakeT{}
	em.CheckInactive(ft, tok)
	ft.check(t, true)
	em.CheckActive(ft, "not-a-token")
	ft.check(t, true)
	em.CheckActive(ft, tok)
	ft.check(t, false)
}

func TestQueueErrorAndJournal(t *testing.T) {
	t.Parallel()
	em := testkit.Start(t)
	em.QueueError(t, "POST", "/oauth2/*", 503, 2, nil)
	cfg := clientcredentials.Config{ClientID: m2mApp, ClientSecret: "demo_m2m_secret", TokenURL: em.URL() + "/oauth2/token",
		AuthStyle: oauth2.AuthStyleInParams}
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, em.HTTPClient())
	for i := 0; i < 2; i++ {
		if _, err := cfg.Token(ctx); err == nil || !strings.Contains(err.Error(), "503") {
			t.Fatalf("attempt %d: %v", i, err)
		}
	}
	if _, err := cfg.Token(ctx); err != nil {
		t.Fatalf("fault outlived its count: %v", err)
	}
	reqs := em.Requests()
	if len(reqs) != 3 || reqs[0].Status != 503 || reqs[2].Status != 200 {
		t.Fatalf("journal: %+v", reqs)
	}
	for _, r := range reqs {
		if strings.Contains(r.Body, "demo_m2m_secret") || strings.Contains(r.Headers["Authorization"], "ZGVtb") {
			t.Fatalf("secret in the journal: %+v", r)
		}
	}
	if !strings.Contains(reqs[2].Body, "client_secret=%5BREDACTED%5D") && !strings.Contains(reqs[2].Headers["Authorization"], "[REDACTED]") {
		t.Fatalf("redaction marker missing: %+v", reqs[2])
	}
	em.ClearRequests()
	em.QueueError(t, "GET", "/oauth2/jwks", 500, 0, map[string]string{"oops": "x"})
	em.ClearErrors()
	if resp, err := em.HTTPClient().Get(em.URL() + "/oauth2/jwks"); err != nil || resp.StatusCode != 200 {
		t.Fatalf("ClearErrors: %v %v", err, resp)
	} else {
		resp.Body.Close()
	}
	if len(em.Requests()) != 1 {
		t.Fatalf("ClearRequests: %d", len(em.Requests()))
	}
}

// TestInvalidFixturesReportEveryProblem: Start's path to a failure.
func TestInvalidFixturesReportEveryProblem(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "world.yaml")
	if err := os.WriteFile(path, []byte("users:\n  - email: a@example.com\n  - email: a@example.com\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := testkit.New(testkit.WithFixtureFile(path), testkit.WithFixtures("roles:\n  - slug: Bad Slug\n"))
	var ps fixtures.Problems
	if !errors.As(err, &ps) || len(ps) != 2 {
		t.Fatalf("want 2 problems, got %v", err)
	}
	if !strings.Contains(err.Error(), "world.yaml:3: users[1].email: duplicate of users[0]") || !strings.Contains(err.Error(), "WithFixtures#1:2: roles[0].slug") {
		t.Fatalf("problems: %v", err)
	}
}

func TestFixtureFilesAndSeed(t *testing.T) {
	t.Parallel()
	em := testkit.Start(t, testkit.WithFixtureFile("../examples/seed.yaml"), testkit.WithSeed(3))
	s := em.Session(t, "app_consent_01JPXN6KAQW83AMXXY5WX3RHTJ")
	if in := em.Introspect(t, s.AccessToken); in["iss"] != "https://authkit_domain" || in["jti"] != "01JPXN6KFGZQYW3AM2DEVX84YS" {
		t.Fatalf("seed session: %v", in)
	}
	a := testkit.Start(t, testkit.WithSeed(3), testkit.WithClock(t0))
	b := testkit.Start(t, testkit.WithSeed(3), testkit.WithClock(t0))
	c := testkit.Start(t, testkit.WithSeed(4), testkit.WithClock(t0))
	ta, tb, tc := a.MintSession(t, alice), b.MintSession(t, alice), c.MintSession(t, alice)
	if ta.RefreshToken != tb.RefreshToken || ta.RefreshToken == tc.RefreshToken {
		t.Fatalf("seeding: %s %s %s", ta.RefreshToken, tb.RefreshToken, tc.RefreshToken)
	}
}

// TestFiftyParallelEmulators: each subtest owns an emulator; under -race
// none sees another's state, and goleak (TestMain) finds no goroutine left.
func TestFiftyParallelEmulators(t *testing.T) {
	for i := 0; i < 50; i++ {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			t.Parallel()
			em := testkit.Start(t, testkit.WithClock(t0.Add(time.Duration(i)*time.Hour)))
			tok := em.MintAccessToken(t, alice, testkit.WithOrganization(acme))
			em.Clock().Advance(time.Duration(i%2) * 10 * time.Minute)
			if i%2 == 0 {
				em.CheckActive(t, tok)
			} else {
				em.CheckInactive(t, tok)
			}
			resp, err := em.HTTPClient().PostForm(em.URL()+"/oauth2/introspection", url.Values{
				"client_id": {em.ClientID()}, "client_secret": {em.APIKey()}, "token": {tok}})
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if got := em.Introspect(t, tok)["iat"]; i%2 == 0 && got != float64(t0.Add(time.Duration(i)*time.Hour).Unix()) {
				t.Fatalf("clock leaked between emulators: iat %v", got)
			}
		})
	}
}

// BenchmarkStart reports what testkit.Start costs with the default world.
func BenchmarkStart(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		em, err := testkit.New()
		if err != nil {
			b.Fatal(err)
		}
		em.Close()
	}
}
