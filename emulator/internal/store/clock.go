package store

import (
	"context"
	"sync"
	"time"
)

// Clock is an instance's only source of time: every iat, exp, expiry check,
// ULID timestamp and created_at reads it. It runs with wall time (plus any
// Advance) until Set freezes it; Real returns it to wall time. This file is
// the only place in the module that reads the wall clock.
type Clock struct {
	mu     sync.Mutex
	frozen bool
	at     time.Time     // the frozen time
	offset time.Duration // added to wall time while running
	// onChange runs after every Set, Advance and Real (the webhook
	// dispatcher waits on the clock for retries).
	onChange func()
}

// NewClock returns a clock running with wall time, or frozen at start when
// start is not zero.
func NewClock(start time.Time) *Clock {
	c := &Clock{}
	if !start.IsZero() {
		c.Set(start)
	}
	return c
}

// Now is the instance's current time, in UTC.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.frozen {
		return c.at
	}
	return time.Now().UTC().Add(c.offset)
}

// Set freezes the clock at t: it stays there until Advance, Set or Real.
func (c *Clock) Set(t time.Time) {
	defer c.changed()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.frozen, c.at, c.offset = true, t.UTC(), 0
}

// Advance moves the clock forward by d (backward for a negative d), frozen
// or running; a running clock keeps running from the new time.
func (c *Clock) Advance(d time.Duration) {
	defer c.changed()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.frozen {
		c.at = c.at.Add(d)
		return
	}
	c.offset += d
}

// Real returns the clock to wall time, dropping any freeze or offset.
func (c *Clock) Real() {
	defer c.changed()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.frozen, c.at, c.offset = false, time.Time{}, 0
}

// changed tells the listener the clock moved. It runs after the clock's
// lock is released.
func (c *Clock) changed() {
	c.mu.Lock()
	fn := c.onChange
	c.mu.Unlock()
	if fn != nil {
		fn()
	}
}

// Frozen reports whether the clock is frozen, for the control plane's answer.
func (c *Clock) Frozen() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.frozen
}

// WallSince measures real elapsed time for logs and server timeouts only;
// nothing it returns reaches a token or a response body.
func WallSince(t time.Time) time.Duration { return time.Since(t) }

// WallNow is the wall time for measuring durations in logs (see WallSince).
func WallNow() time.Time { return time.Now() }

// Sleep waits d of real time (a scripted fault's delay, a webhook retry's
// backoff on a running clock), or until ctx ends.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Timer fires after d of real time (the webhook dispatcher's wait for the
// next retry on a running clock); stop releases it early.
func Timer(d time.Duration) (fired <-chan time.Time, stop func() bool) {
	t := time.NewTimer(d)
	return t.C, t.Stop
}
