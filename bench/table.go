package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// A check is one target of a row.
type check struct {
	target   string // "≥ 0.85× baseline"
	measured string // "0.91×"
	ok       bool
}

// A row of the table.
type row struct {
	scenario, server string
	rps              float64
	p50, p99         time.Duration
	peak             int64         // VmHWM, bytes
	cpu              time.Duration // server CPU time per request
	ratio            string
	checks           []check
	result           string // without checks: what to show
	errors           int
	failed           bool // the scenario could not run
}

func throughputRow(scen, server string, m *measured, ratio string, checks ...check) row {
	return row{scenario: scen, server: server, rps: m.res.rps(), p50: m.res.pct(0.5), p99: m.res.pct(0.99),
		peak: m.mem.peak, cpu: m.res.cpuPerReq(), ratio: ratio, checks: checks, errors: m.res.errors}
}

func (r row) ok() bool {
	if r.failed || r.errors > 0 {
		return false
	}
	for _, c := range r.checks {
		if !c.ok {
			return false
		}
	}
	return true
}

func (r row) targetText() string {
	var ts []string
	for _, c := range r.checks {
		ts = append(ts, c.target)
	}
	return strings.Join(ts, "; ")
}

func (r row) resultText() string {
	var ms []string
	for _, c := range r.checks {
		ms = append(ms, c.measured)
	}
	switch {
	case r.failed:
		return r.result
	case r.errors > 0:
		return fmt.Sprintf("INVALID: %d errors", r.errors)
	case len(r.checks) == 0:
		return r.result
	case r.ok():
		return "PASS " + strings.Join(ms, ", ")
	}
	return "FAIL " + strings.Join(ms, ", ")
}

func (h *harness) add(r row) {
	h.rows = append(h.rows, r)
	h.progress("  %-34s %-28s %s", r.scenario, r.server, strings.Join(strings.Fields(strings.Join(r.cells()[2:], " ")), " "))
}

func (h *harness) failed() bool {
	for _, r := range h.rows {
		if !r.ok() {
			return true
		}
	}
	return false
}

func (r row) cells() []string {
	rps := "—"
	if r.rps > 0 {
		rps = fmt.Sprintf("%.0f", r.rps)
	}
	cpu := "—"
	if r.cpu > 0 {
		cpu = fmt.Sprintf("%.0f µs", float64(r.cpu)/1e3)
	}
	return []string{r.scenario, r.server, rps, ms(r.p50), ms(r.p99), mb(r.peak), cpu, dash(r.ratio), dash(r.targetText()), dash(r.resultText())}
}

var header = []string{"scenario", "server", "req/s", "p50", "p99", "peak RSS", "CPU/req", "vs baseline", "target", "result"}

func (h *harness) printTable(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(header, "\t"))
	for _, r := range h.rows {
		fmt.Fprintln(tw, strings.Join(r.cells(), "\t"))
	}
	tw.Flush()
	fmt.Fprintln(w)
	fmt.Fprint(w, legend(h.cfg))
	if len(h.notes) > 0 {
		fmt.Fprintln(w, "\nnotes:")
		for _, n := range h.notes {
			fmt.Fprintln(w, "- "+n)
		}
	}
}

func legend(cfg config) string {
	return fmt.Sprintf(`load: %d keep-alive connections, %v measured per server in %d alternating rounds (emulator, baseline, emulator, …; a fresh baseline process per scenario), each round after a warm-up (%v in the first, at most 500ms after).
baselines: bare net/http in a separate process: (a) ParseForm → fixed JSON, (b) the same plus one RSA-2048 PKCS#1 v1.5 SHA-256 signature, (c) pre-rendered bytes (the emulator's own JWKS / discovery document).
vs baseline: the median over the rounds of the emulator's req/s over the baseline's (the targets; a disturbed round does not decide it), and (cpu …) the baseline's CPU/req over the emulator's.
CPU/req: the server process's user+system CPU time in the measured window (/proc/<pid>/stat, 10 ms ticks) per measured request; steadier than req/s on a shared machine.
startup rows: p50 = median, p99 = slowest of %d starts (exec → first 200 on /_emulator/health, polled every 1 ms). peak RSS = VmHWM of the server process; MiB = 2^20 bytes.
`, cfg.conns, cfg.duration, cfg.rounds, cfg.warmup, cfg.starts)
}

func ms(d time.Duration) string {
	switch {
	case d <= 0:
		return "—"
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.2f ms", float64(d)/1e6)
	case d < 100*time.Millisecond:
		return fmt.Sprintf("%.1f ms", float64(d)/1e6)
	}
	return fmt.Sprintf("%.0f ms", float64(d)/1e6)
}

func dash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
