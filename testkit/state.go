package testkit

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/pquerna/otp/totp"

	"github.com/authkit-emulator/authkit-emulator/emulator"
)

// Session returns a session (a fixture's, or one a sign-in or mint made)
// with its current access and refresh tokens.
func (e *Emulator) Session(t T, id string) emulator.SessionInfo {
	t.Helper()
	s, err := e.srv.Session(id)
	if err != nil {
		t.Fatalf("testkit: Session(%s): %v", id, err)
	}
	return *s
}

// RevokeSession ends a session: its tokens introspect inactive and its
// refresh token gets invalid_grant.
func (e *Emulator) RevokeSession(t T, id string) {
	t.Helper()
	if err := e.srv.RevokeSession(id); err != nil {
		t.Fatalf("testkit: RevokeSession(%s): %v", id, err)
	}
}

// RotateKey makes the next fixed test key sign; the previous one stays in
// the JWKS (and its tokens stay valid) until RetireKey. It returns the new
// kid. No key is generated: the keys are embedded, so rotation is instant
// and deterministic.
func (e *Emulator) RotateKey(t T) string {
	t.Helper()
	kid, err := e.srv.RotateKey()
	if err != nil {
		t.Fatalf("testkit: RotateKey: %v", err)
	}
	return kid
}

// RetireKey removes a key that no longer signs from the JWKS.
func (e *Emulator) RetireKey(t T, kid string) {
	t.Helper()
	if err := e.srv.RetireKey(kid); err != nil {
		t.Fatalf("testkit: RetireKey(%s): %v", kid, err)
	}
}

// Keys lists the published keys.
func (e *Emulator) Keys() []emulator.KeyInfo { return e.srv.Keys() }

// Reset returns to exactly the loaded world: same ids, same tokens, same
// clock, empty journal, no faults.
func (e *Emulator) Reset(t T) {
	t.Helper()
	if err := e.srv.Reset(true); err != nil {
		t.Fatalf("testkit: Reset: %v", err)
	}
}

// AddFixtures merges fixture YAML into the running world; invalid fixtures
// fail the test with every problem and change nothing.
func (e *Emulator) AddFixtures(t T, yaml string) {
	t.Helper()
	if _, err := e.srv.AddFixtures(context.Background(), []byte(yaml), "AddFixtures"); err != nil {
		t.Fatalf("testkit: AddFixtures:\n%v", err)
	}
}

// User returns a user as the WorkOS API shows it.
func (e *Emulator) User(t T, id string) emulator.User {
	t.Helper()
	u, err := e.srv.User(id)
	if err != nil {
		t.Fatalf("testkit: User(%s): %v", id, err)
	}
	return u
}

// Requests returns the journal: every request the emulator received except
// control-plane ones, oldest first, with secrets redacted.
func (e *Emulator) Requests() []emulator.RecordedRequest {
	list, _ := e.srv.Requests(emulator.RequestFilter{})
	return list
}

// ClearRequests empties the journal.
func (e *Emulator) ClearRequests() { e.srv.ClearRequests() }

// QueueError makes the next count requests matching method and path (exact,
// or with * for one segment and a trailing **) answer status with body (any
// JSON-marshalable value; nil: a WorkOS-shaped error). count 0 means until
// ClearErrors.
func (e *Emulator) QueueError(t T, method, path string, status, count int, body any) {
	t.Helper()
	f := emulator.Fault{Method: method, Path: path, Status: status, Count: count}
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatalf("testkit: QueueError body: %v", err)
		}
		f.Body = b
	}
	if _, err := e.srv.AddFault(f); err != nil {
		t.Fatalf("testkit: QueueError: %v", err)
	}
}

// ClearErrors removes every queued error.
func (e *Emulator) ClearErrors() { e.srv.ClearFaults() }

// Introspect answers as POST /oauth2/introspection would, for any client of
// the environment.
func (e *Emulator) Introspect(t T, token string) map[string]any {
	t.Helper()
	return e.srv.Introspect(token)
}

// CheckActive fails the test unless the token introspects active.
func (e *Emulator) CheckActive(t T, token string) {
	t.Helper()
	if got := e.srv.Introspect(token); got["active"] != true {
		t.Errorf("testkit: token is not active: %s", describe(token, got))
	}
}

// CheckInactive fails the test unless the token introspects inactive.
func (e *Emulator) CheckInactive(t T, token string) {
	t.Helper()
	if got := e.srv.Introspect(token); got["active"] != false {
		t.Errorf("testkit: token is still active: %s", describe(token, got))
	}
}

func describe(token string, got map[string]any) string {
	short := token
	if len(short) > 24 {
		short = short[:12] + "…" + short[len(short)-8:]
	}
	b, _ := json.Marshal(got)
	return fmt.Sprintf("%s -> %s", short, b)
}

// Codes lists what the emulator would have e-mailed to an address (magic
// auth and verification codes, password reset and invitation links),
// newest first.
func (e *Emulator) Codes(email string) []emulator.Code { return e.srv.Codes(email, "") }

// LatestCode returns the newest code or link of a kind sent to an address,
// failing the test when there is none.
func (e *Emulator) LatestCode(t T, email, kind string) emulator.Code {
	t.Helper()
	codes := e.srv.Codes(email, kind)
	if len(codes) == 0 {
		t.Fatalf("testkit: no %s e-mail was sent to %s", kind, email)
		return emulator.Code{}
	}
	return codes[0]
}

// TOTP computes the current TOTP code of a base32 secret at the instance
// clock's time, for MFA tests.
func (e *Emulator) TOTP(t T, secret string) string {
	t.Helper()
	code, err := totp.GenerateCode(secret, e.Clock().Now())
	if err != nil {
		t.Fatalf("testkit: TOTP: %v", err)
	}
	return code
}

// Snapshot is the world as a fixture document (YAML) that reproduces it:
// save it and start another emulator with WithFixtureFile to get this
// world back (users, organizations, memberships, roles, sessions with
// their refresh tokens, webhook endpoints, the clock, the event cursor).
func (e *Emulator) Snapshot(t T) []byte {
	t.Helper()
	doc, err := e.srv.Snapshot()
	if err != nil {
		t.Fatalf("testkit: Snapshot: %v", err)
	}
	return doc
}
