package main

import (
	"os"
	"testing"
	"time"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// TestGeneratedWorld loads a generated world the way `authkit-emulator
// validate` does (the harness also runs validate on both worlds at start).
func TestGeneratedWorld(t *testing.T) {
	w, err := generatedWorld(t.TempDir(), 10)
	if err != nil {
		t.Fatal(err)
	}
	set, err := fixtures.Load(w.fixtures)
	if err != nil {
		b, _ := os.ReadFile(w.fixtures)
		t.Fatalf("%v\n%s", err, b)
	}
	srv, err := emulator.New(emulator.Config{Fixtures: set})
	if err != nil {
		t.Fatal(err)
	}
	c := srv.Counts()
	if c["users"] != 10 || c["memberships"] != 10 || c["organizations"] != 1 || c["applications"] != 1 {
		t.Errorf("counts %v", c)
	}
	if srv.ClientID() != w.clientID {
		t.Errorf("client id %q, want %q", srv.ClientID(), w.clientID)
	}
}

func TestPercentile(t *testing.T) {
	var lat []time.Duration
	for i := 1; i <= 100; i++ {
		lat = append(lat, time.Duration(i))
	}
	for q, want := range map[float64]time.Duration{0.5: 50, 0.99: 99, 1: 100, 0.001: 1} {
		if got := percentile(lat, q); got != want {
			t.Errorf("percentile(%v) = %v, want %v", q, got, want)
		}
	}
	if got := percentile(lat[:1], 0.99); got != 1 {
		t.Errorf("one sample: %v", got)
	}
	if got := percentile(nil, 0.5); got != 0 {
		t.Errorf("no sample: %v", got)
	}
}

func TestReadMemory(t *testing.T) {
	m, err := readMemory(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if m.rss <= 0 || m.peak < m.rss {
		t.Errorf("%+v", m)
	}
	if cpuTime(os.Getpid()) < 0 {
		t.Error("negative CPU time")
	}
}
