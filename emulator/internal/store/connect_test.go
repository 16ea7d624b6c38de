package store

import (
	"testing"
	"time"

	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// TestAuthorizationSessionsStayBounded: a user who signs in to the same
// application again and again, each grant ending and being evicted, keeps
// one authorization whose list of grants does not grow without end.
func TestAuthorizationSessionsStayBounded(t *testing.T) {
	set, err := fixtures.Parse([]byte(`
environment: {client_id: client_1, clock: 2026-01-15T12:00:00Z}
users: [{id: user_01JGH00N0CRRAQG5E1V2EYRQ68, email: a@example.com}]
applications: [{client_id: client_01JGK400000000000000000AP1, name: App, redirect_uris: [https://a.test/cb]}]
`), "t.yaml")
	if err != nil {
		t.Fatal(err)
	}
	st, err := New(Options{Fixtures: set})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Reset(true, func(*Tx, SessionSeed) error { return nil }); err != nil {
		t.Fatal(err)
	}
	const user, app = "user_01JGH00N0CRRAQG5E1V2EYRQ68", "client_01JGK400000000000000000AP1"
	for i := 0; i < 1000; i++ {
		_ = st.Write(func(tx *Tx) error {
			ss := &Session{ID: tx.NewID(fixtures.PrefixConsent), UserID: user, ClientID: app, Family: FamilyConnect,
				Status: fixtures.SessionActive, CreatedAt: tx.now, LastActive: tx.now, UpdatedAt: tx.now}
			tx.AddSession(ss)
			tx.EndSession(ss, fixtures.SessionRevoked)
			return nil
		})
		st.Clock().Advance(2 * time.Minute) // past the grace period within the loop: sessions get evicted
	}
	_ = st.Read(func(tx *Tx) error {
		auths := tx.AuthorizationsOfUser(user)
		if len(auths) != 1 {
			t.Fatalf("%d authorizations", len(auths))
		}
		if n := len(auths[0].Sessions); n > 200 {
			t.Fatalf("the authorization holds %d session ids after 1000 evicted grants", n)
		}
		return nil
	})
}
