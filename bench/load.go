package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// A conn is the request sequence of one client connection. The driver
// calls next for each request and done with each answer (outside the timed
// part), so a conn can carry state from one answer to the next request, as
// refresh rotation must.
type conn interface {
	next() (*http.Request, error)
	done(status int, body []byte) error
}

// load is the client side, identical for the emulator and its baseline.
type load struct {
	conns    int
	warmup   time.Duration // requests before this are not measured
	duration time.Duration // then measure for this long
	count    int           // > 0: no warm-up, stop after count requests, measure them all
	pid      int           // the server: its CPU time over the window is measured
}

// result is one measured run.
type result struct {
	n        int             // measured requests
	elapsed  time.Duration   // the measured window
	lat      []time.Duration // every measured request's latency, sorted
	errors   int             // non-2xx and wrong answers, transport errors, warm-up included
	statuses map[int]int     // non-2xx statuses (0: transport error)
	sample   string          // the first error, for the report
	dials    int64           // connections opened: conns when keep-alive held
	cpu      time.Duration   // the server's CPU time (user+system) in the window
}

// cpuPerReq is the server's CPU time per measured request.
func (r *result) cpuPerReq() time.Duration {
	if r.n == 0 {
		return 0
	}
	return r.cpu / time.Duration(r.n)
}

// serverShare is the part of the server's cores it used in the window.
func (r *result) serverShare() float64 {
	if r.elapsed <= 0 {
		return 0
	}
	return float64(r.cpu) / (r.elapsed.Seconds() * 1e9 * float64(serverCores()))
}

// serverCores is how many cores a server process may use.
func serverCores() int {
	if serverProcs > 0 {
		return min(serverProcs, runtime.NumCPU())
	}
	return runtime.NumCPU()
}

// mergeResults adds up the windows of one server.
func mergeResults(rs []*result) *result {
	m := &result{statuses: map[int]int{}}
	for _, r := range rs {
		m.n += r.n
		m.elapsed += r.elapsed
		m.absorb(r)
		m.dials += r.dials
		m.cpu += r.cpu
	}
	slices.Sort(m.lat)
	return m
}

// absorb adds the latencies and errors of a worker or a window (sorting
// is the caller's, once).
func (r *result) absorb(o *result) {
	r.lat = append(r.lat, o.lat...)
	r.errors += o.errors
	for s, n := range o.statuses {
		r.statuses[s] += n
	}
	if r.sample == "" {
		r.sample = o.sample
	}
}

func (r *result) rps() float64 {
	if r.elapsed <= 0 {
		return 0
	}
	return float64(r.n) / r.elapsed.Seconds()
}

// pct is the q-quantile (0 < q <= 1) by the nearest-rank method.
func (r *result) pct(q float64) time.Duration {
	return percentile(r.lat, q)
}

func percentile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted))*q+0.999999999) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

// newTransport is the client of every run: keep-alive connections, at most
// conns of them, no proxy, no compression, HTTP/1.1.
func newTransport(conns int, dials *atomic.Int64) *http.Transport {
	d := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}
	return &http.Transport{
		Proxy: nil,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			dials.Add(1)
			return d.DialContext(ctx, network, addr)
		},
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
		MaxConnsPerHost:     conns,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
}

// worker is one connection's loop and its own measurements.
type worker struct {
	result // lat, errors, statuses, sample
	fatal  error
}

func (w *worker) fail(status int, what string) {
	w.errors++
	w.statuses[status]++
	if w.sample == "" {
		w.sample = what
	}
}

// drive runs l against the conns newConn makes (one per connection, made
// before the clock starts) with one shared transport.
func drive(l load, newConn func(i int) (conn, error)) (*result, error) {
	var dials atomic.Int64
	tr := newTransport(l.conns, &dials)
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 60 * time.Second}

	conns := make([]conn, l.conns)
	for i := range conns {
		c, err := newConn(i)
		if err != nil {
			return nil, fmt.Errorf("connection %d setup: %v", i, err)
		}
		conns[i] = c
	}

	var tickets atomic.Int64 // count mode: requests handed out
	start := time.Now()
	from, to := start.Add(l.warmup), start.Add(l.warmup+l.duration)
	if l.count > 0 {
		from, to = start, start.Add(24*time.Hour)
	}
	// The server's CPU time over the measured window: sampled at its edges
	// by timers, or around the whole run in count mode.
	var cpu0, cpu1 time.Duration
	marks := make(chan struct{})
	if l.count > 0 {
		cpu0 = cpuTime(l.pid)
	} else {
		t := time.AfterFunc(time.Until(from), func() {
			cpu0 = cpuTime(l.pid)
			time.Sleep(time.Until(to))
			cpu1 = cpuTime(l.pid)
			close(marks)
		})
		defer t.Stop()
	}
	workers := make([]*worker, l.conns)
	var wg sync.WaitGroup
	for i := range workers {
		w := &worker{result: result{statuses: map[int]int{}}}
		if l.count > 0 {
			w.lat = make([]time.Duration, 0, l.count/l.conns+1)
		} else {
			w.lat = make([]time.Duration, 0, 4096)
		}
		workers[i] = w
		wg.Add(1)
		go func(c conn) {
			defer wg.Done()
			var buf bytes.Buffer
			for {
				if l.count > 0 && tickets.Add(1) > int64(l.count) {
					return
				}
				req, err := c.next()
				if err != nil {
					w.fatal = err
					return
				}
				t0 := time.Now()
				if !t0.Before(to) {
					return
				}
				resp, err := client.Do(req)
				status := 0
				buf.Reset()
				if err == nil {
					status = resp.StatusCode
					_, err = buf.ReadFrom(resp.Body)
					resp.Body.Close()
				}
				t1 := time.Now()
				if !t0.Before(from) && !t1.After(to) {
					w.lat = append(w.lat, t1.Sub(t0))
				}
				switch {
				case err != nil:
					w.fail(0, err.Error())
				case status < 200 || status > 299:
					w.fail(status, fmt.Sprintf("%d %s", status, tail(buf.String(), 300)))
				}
				if err := c.done(status, buf.Bytes()); err != nil {
					var wrong wrongAnswer
					if !errors.As(err, &wrong) {
						w.fatal = err
						return
					}
					w.fail(status, string(wrong))
				}
			}
		}(conns[i])
	}
	wg.Wait()
	end := time.Now()
	if l.count > 0 {
		cpu1 = cpuTime(l.pid)
	}

	for _, w := range workers {
		if w.fatal != nil {
			return nil, w.fatal
		}
	}
	if l.count == 0 {
		<-marks // the window's end was sampled
	}
	r := &result{statuses: map[int]int{}, dials: dials.Load(), elapsed: l.duration, cpu: cpu1 - cpu0}
	if l.count > 0 {
		r.elapsed = end.Sub(start)
	}
	for _, w := range workers {
		r.absorb(&w.result)
	}
	slices.Sort(r.lat)
	r.n = len(r.lat)
	return r, nil
}
