package testkit

import "github.com/authkit-emulator/authkit-emulator/emulator"

// RadarChallengeNext makes the next n sign-in attempts (every one when n is
// 0, until ClearRadar) answer with a Radar e-mail challenge: 403
// radar_email_challenge at /user_management/authenticate, a code step on
// the hosted page. The code is in the outbox (kind radar_challenge).
func (e *Emulator) RadarChallengeNext(t T, n int) {
	t.Helper()
	e.SetRadar(t, emulator.RadarSwitch{Verdict: "challenge", Count: n})
}

// RadarBlockNext makes the next n sign-in attempts (every one when n is 0,
// until ClearRadar) blocked by Radar.
func (e *Emulator) RadarBlockNext(t T, n int) {
	t.Helper()
	e.SetRadar(t, emulator.RadarSwitch{Verdict: "block", Count: n})
}

// SetRadar sets the Radar switch (verdict, count, challenge kind, control).
func (e *Emulator) SetRadar(t T, sw emulator.RadarSwitch) {
	t.Helper()
	if _, err := e.srv.SetRadar(sw); err != nil {
		t.Fatalf("testkit: SetRadar: %v", err)
	}
}

// ClearRadar clears the Radar switch: attempts are judged by the lists
// alone again.
func (e *Emulator) ClearRadar() { e.srv.ClearRadar() }

// RadarAttempts lists the attempts Radar recorded, newest first; email
// filters when not empty.
func (e *Emulator) RadarAttempts(email string) []emulator.RadarAttempt {
	return e.srv.RadarAttempts(email, "")
}
