// Command bench is the load harness of authkit-emulator. It builds the
// emulator from the tree, runs it as a separate process next to a bare
// net/http baseline process doing the same work without Echo or state, drives
// both with the same client (keep-alive connections, warm-up, fixed
// duration), and prints one table: req/s, p50, p99, peak RSS, the ratio to
// the baseline, the target and pass/fail.
//
//	go run ./bench                         # every scenario, about 5 minutes on 2 cores
//	go run ./bench -only mint,login        # some scenarios
//	go run ./bench -markdown run.md -check # also write Markdown; exit 1 when a target fails
//
// Linux only (/proc for RSS). Scenarios: startup, rss, introspect, mint,
// login, refresh, jwks, discovery, logins100k, soak (see scenarios.go).
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"
	"time"
)

type config struct {
	duration, warmup time.Duration
	conns, rounds    int
	only             map[string]bool
	markdown         string
	check            bool
	starts, logins   int
	settle           time.Duration
	evictWait        time.Duration
	soak             time.Duration
	keep             bool
}

type harness struct {
	cfg       config
	bin       string // the emulator, built from the tree
	self      string // this binary: `baseline` runs the baseline server
	tmp       string
	staticDir string
	w10, w10k *world
	current   string // the scenario running
	rows      []row
	notes     []string
	started   time.Time
	loadavg   string // of the machine when the run started
}

func (h *harness) load() load {
	return load{conns: h.cfg.conns, warmup: h.cfg.warmup, duration: h.cfg.duration}
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "baseline" {
		os.Exit(baselineMain(os.Args[2:]))
	}
	os.Exit(run())
}

func run() int {
	var cfg config
	var only string
	flag.DurationVar(&cfg.duration, "duration", 10*time.Second, "measured time per server and scenario")
	flag.DurationVar(&cfg.warmup, "warmup", 2*time.Second, "warm-up before each measurement (same connections, not measured)")
	flag.IntVar(&cfg.rounds, "rounds", 3, "alternate emulator and baseline this many times in a throughput scenario, -duration split between the rounds; the ratio is the median of the rounds'")
	flag.IntVar(&cfg.conns, "conns", defaultConns(), "concurrent keep-alive connections (default 4×GOMAXPROCS, at least 8)")
	flag.StringVar(&only, "only", "", "comma-separated scenarios: "+scenarioNames())
	flag.StringVar(&cfg.markdown, "markdown", "", "also write the table as Markdown, with the machine and the command, to this file")
	flag.BoolVar(&cfg.check, "check", false, "exit 1 when a target fails or a scenario had errors")
	flag.IntVar(&cfg.starts, "starts", 10, "starts per server in the startup scenario")
	flag.IntVar(&cfg.logins, "logins", 100000, "password logins of the logins100k scenario")
	flag.DurationVar(&cfg.settle, "settle", 2*time.Second, "wait after startup before reading idle RSS")
	flag.DurationVar(&cfg.evictWait, "evict-wait", 3*time.Second, "wait after the clock advance before reading RSS (logins100k)")
	flag.DurationVar(&cfg.soak, "soak", 5*time.Minute, "length of the soak scenario, in one-minute windows")
	flag.BoolVar(&cfg.keep, "keep", false, "keep the temporary directory (binary, fixtures, server logs)")
	flag.IntVar(&serverProcs, "server-procs", defaultServerProcs(), "GOMAXPROCS of the server processes (default: all cores but one, so the load generator has its own; 0: unset)")
	flag.Parse()
	if cfg.conns < 1 || cfg.starts < 1 || cfg.logins < 1 || cfg.rounds < 1 {
		fmt.Fprintln(os.Stderr, "bench: -conns, -starts, -logins and -rounds must be positive")
		return 2
	}
	if only != "" {
		cfg.only = map[string]bool{}
		for _, s := range strings.Split(only, ",") {
			if s = strings.TrimSpace(s); !isScenario(s) {
				fmt.Fprintf(os.Stderr, "bench: unknown scenario %q (have %s)\n", s, scenarioNames())
				return 2
			}
			cfg.only[s] = true
		}
	}

	h := &harness{cfg: cfg, started: time.Now(), loadavg: loadavg()}
	var err error
	if h.tmp, err = os.MkdirTemp("", "authkit-bench-"); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 1
	}
	cleanup := func() {
		killChildren()
		if cfg.keep {
			fmt.Fprintln(os.Stderr, "bench: kept", h.tmp)
		} else {
			os.RemoveAll(h.tmp)
		}
	}
	defer cleanup()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	go func() {
		s := <-sig
		fmt.Fprintf(os.Stderr, "\nbench: %v: stopping every server\n", s)
		cleanup()
		os.Exit(130)
	}()

	if err := h.setup(); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 1
	}
	for _, s := range scenarios {
		if cfg.only != nil && !cfg.only[s.name] {
			continue
		}
		h.current = s.name
		h.progress("%s: %s", s.name, s.doc)
		if err := s.run(h); err != nil {
			h.add(row{scenario: s.name, server: "—", failed: true, result: "ERROR (see notes)"})
			h.note("%s failed: %v", s.name, err)
		}
		killChildren() // nothing should be left; make sure
	}

	fmt.Println()
	h.printTable(os.Stdout)
	total := time.Since(h.started).Round(time.Second)
	fmt.Printf("\nfull run: %v\n", total)
	if cfg.markdown != "" {
		if err := h.writeMarkdown(cfg.markdown, total); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			return 1
		}
		fmt.Println("wrote", cfg.markdown)
	}
	if cfg.check && h.failed() {
		fmt.Fprintln(os.Stderr, "bench: a target failed or a scenario was invalid")
		return 1
	}
	return 0
}

// defaultConns: more connections than cores, so requests queue on the
// server as under a parallel test suite, and concurrent signing shows in
// p99; the same count drives the emulator and its baseline.
func defaultConns() int { return max(8, 4*runtime.GOMAXPROCS(0)) }

func scenarioNames() string {
	var names []string
	for _, s := range scenarios {
		names = append(names, s.name)
	}
	return strings.Join(names, ",")
}

func isScenario(name string) bool {
	for _, s := range scenarios {
		if s.name == name {
			return true
		}
	}
	return false
}

// setup builds the emulator, writes and validates the generated worlds and
// captures the documents the static baseline serves.
func (h *harness) setup() error {
	var err error
	if h.self, err = os.Executable(); err != nil {
		return err
	}
	h.progress("building the emulator (go build -o %s/authkit-emulator .)", h.tmp)
	if h.bin, err = buildEmulator(h.tmp); err != nil {
		return err
	}
	if h.w10, err = generatedWorld(h.tmp, 10); err != nil {
		return err
	}
	if h.w10k, err = generatedWorld(h.tmp, 10000); err != nil {
		return err
	}
	for _, w := range []*world{h.w10, h.w10k} {
		if err := validateFixture(h.bin, w.fixtures); err != nil {
			return err
		}
	}
	return h.captureStatic()
}

func (h *harness) progress(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "[%5.1fs] %s\n", time.Since(h.started).Seconds(), fmt.Sprintf(format, args...))
}

func (h *harness) note(format string, args ...any) {
	n := fmt.Sprintf(format, args...)
	h.notes = append(h.notes, n)
	h.progress("  note: %s", n)
}

// noteRun records what a run got wrong: errors (with their statuses and
// the first body), connections that were not kept alive, server output.
func (h *harness) noteRun(p *proc, r *result, windows int) {
	if r.errors > 0 {
		h.note("%s, %s: %d errors %v; first: %s", h.current, p.name, r.errors, r.statuses, r.sample)
	}
	if r.dials > int64(windows*h.cfg.conns) {
		h.note("%s, %s: %d connections opened for %d keep-alive connections in %d window(s)", h.current, p.name, r.dials, h.cfg.conns, windows)
	}
	// A saturated server uses the cores it may use: when it got much less,
	// other work took them and the run is noisy.
	if share := r.serverShare(); r.n >= 1000 && share > 0 && share < 0.6 {
		h.note("%s, %s: the server used %.0f%% of its %d core(s) (other work on the machine, or a client-bound run: numbers are noisy)",
			h.current, p.name, 100*share, serverCores())
	}
	if log := p.logTail(1500); log != "" {
		h.note("%s, %s wrote: %s", h.current, p.name, log)
	}
}
