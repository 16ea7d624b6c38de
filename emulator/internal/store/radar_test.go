package store

import (
	"testing"
	"time"

	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// TestRadarAttemptsStayBounded: every sign-in records a Radar attempt;
// past the cap the oldest leave, and so do their list positions once the
// grace period has passed, so a long run's memory stays flat.
func TestRadarAttemptsStayBounded(t *testing.T) {
	set, err := fixtures.Parse([]byte("environment: {client_id: client_1, clock: 2026-01-15T12:00:00Z}\n"), "t.yaml")
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
	base := st.Sizes().SeqIDs
	const n = 3 * maxRadarAttempts
	var first string
	for i := range n {
		_ = st.Write(func(tx *Tx) error {
			a := tx.AssessRadar(RadarInput{Source: "authenticate", Email: "a@example.com", AuthMethod: "Password", Action: "sign-in"}, PrefixRadarAuthAttempt)
			if i == 0 {
				first = a.ID
			}
			return nil
		})
	}
	z := st.Sizes()
	if z.RadarAttempts < maxRadarAttempts || z.RadarAttempts > maxRadarAttempts+maxRadarAttempts/8 {
		t.Fatalf("%d attempts kept, want %d to %d", z.RadarAttempts, maxRadarAttempts, maxRadarAttempts+maxRadarAttempts/8)
	}
	_ = st.Read(func(tx *Tx) error {
		if tx.RadarAttempt(first) != nil {
			t.Errorf("the first attempt is still kept")
		}
		if _, ok := tx.SeqOf(first); !ok {
			t.Errorf("a trimmed attempt's list position is forgotten within the grace period")
		}
		return nil
	})
	st.Clock().Advance(evictGrace + time.Minute)
	_ = st.Write(func(tx *Tx) error { return nil }) // the next write sweeps
	z = st.Sizes()
	if z.SeqIDs > base+z.RadarAttempts {
		t.Fatalf("%d creation numbers remembered for %d attempts (%d before any): trimmed attempts' are never forgotten", z.SeqIDs, z.RadarAttempts, base)
	}
}
