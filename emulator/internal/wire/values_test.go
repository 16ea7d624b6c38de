package wire

import (
	"testing"
	"time"
)

// FuzzAppendTime holds the hand-written timestamp formatter to time's own
// formatter for every instant, zones and out-of-range years included.
func FuzzAppendTime(f *testing.F) {
	for _, t := range []time.Time{
		time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC),
		time.Date(1999, 12, 31, 23, 59, 59, 999_999_999, time.UTC),
		time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 1_000_000, time.UTC),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(-1, 6, 1, 0, 0, 0, 0, time.UTC),
	} {
		f.Add(t.Unix(), int64(t.Nanosecond()), 0)
	}
	f.Add(int64(1767225600), int64(5_000_000), -5*3600)
	f.Fuzz(func(t *testing.T, sec, nsec int64, offset int) {
		tm := time.Unix(sec, nsec).In(time.FixedZone("z", offset%86400))
		want := tm.UTC().Format(timeLayout)
		if got := string(AppendTime([]byte("x"), tm)); got != "x"+want {
			t.Fatalf("AppendTime(%v) = %q, want %q", tm, got[1:], want)
		}
		if got := Time(tm); got != want {
			t.Fatalf("Time(%v) = %q, want %q", tm, got, want)
		}
	})
}
