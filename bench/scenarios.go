package main

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// A scenario adds rows to the table. Each starts its own server processes
// and stops them before it returns.
type scenario struct {
	name string
	doc  string
	run  func(h *harness) error
}

var scenarios = []scenario{
	{"startup", "exec → first 200 on /_emulator/health, median of -starts starts", (*harness).startup},
	{"rss", "idle RSS after startup settles", (*harness).idleRSS},
	{"introspect", "POST /oauth2/introspection of an active access token vs a ParseForm → fixed JSON handler", (*harness).introspect},
	{"mint", "client_credentials at POST /oauth2/token vs one RSA-2048 signature per request", (*harness).mint},
	{"login", "password logins, 10 and 10,000 users, vs one RSA-2048 signature per request", (*harness).login},
	{"refresh", "refresh-token rotation at /user_management/authenticate vs one RSA-2048 signature", (*harness).refresh},
	{"jwks", "GET /oauth2/jwks vs pre-rendered bytes", (*harness).jwks},
	{"discovery", "GET /.well-known/openid-configuration vs pre-rendered bytes", (*harness).discovery},
	{"logged", "introspection and JWKS with the default flags (a log line per request at info)", (*harness).logged},
	{"logins100k", "RSS after 100,000 logins and a clock advance past every expiry", (*harness).logins100k},
	{"soak", "mixed load (sign-in, refresh, introspection, users, lists, M2M) in one-minute windows: last / first, then RSS after eviction", (*harness).soak},
}

func (h *harness) startEmulator(w *world) (*proc, error) {
	return startProc("emulator "+w.name, h.bin, w.args(), h.tmp)
}

func (h *harness) startBaseline() (*proc, error) {
	return startProc("baseline", h.self, []string{"baseline", "--static", h.staticDir}, h.tmp)
}

// measured is one server's run in a scenario.
type measured struct {
	res  *result
	mem  memory
	proc *proc
}

// pair measures the emulator serving w and a fresh baseline with the same
// load, alternating between them for -rounds rounds: a machine that gets
// busier or quieter during the scenario then moves both sides, not one.
// emuConns sets up the emulator's connections (it may use the control
// plane); baseConns those of the baseline. ratio is the median of the
// rounds' req/s ratios.
func (h *harness) pair(w *world, emuConns func(p *proc) (func(int) (conn, error), error),
	baseConns func(p *proc) func(int) (conn, error)) (emu, base *measured, ratio float64, err error) {
	p, err := h.startEmulator(w)
	if err != nil {
		return nil, nil, 0, err
	}
	defer p.stop()
	conns, err := emuConns(p)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("%s: setup: %v", p.name, err)
	}
	b, err := h.startBaseline()
	if err != nil {
		return nil, nil, 0, err
	}
	defer b.stop()
	bconns := baseConns(b)
	var er, br []*result
	var ratios []float64
	for round := range h.cfg.rounds {
		l := h.load()
		l.duration /= time.Duration(h.cfg.rounds)
		if round > 0 {
			l.warmup = min(l.warmup, 500*time.Millisecond) // the process is warm; the connections are new
		}
		re, err := h.drive(p, l, conns)
		if err != nil {
			return nil, nil, 0, err
		}
		rb, err := h.drive(b, l, bconns)
		if err != nil {
			return nil, nil, 0, err
		}
		er, br = append(er, re), append(br, rb)
		if rb.rps() > 0 {
			ratios = append(ratios, re.rps()/rb.rps())
		}
	}
	emu, base = h.measured(p, er), h.measured(b, br)
	return emu, base, median(ratios), nil
}

// drive runs one window of load against p.
func (h *harness) drive(p *proc, l load, conns func(i int) (conn, error)) (*result, error) {
	l.pid = p.pid
	res, err := drive(l, conns)
	if err == nil {
		err = p.alive()
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %v", p.name, err)
	}
	return res, nil
}

// measured merges p's rounds and reads its memory.
func (h *harness) measured(p *proc, rounds []*result) *measured {
	res := mergeResults(rounds)
	h.noteRun(p, res, len(rounds))
	return &measured{res: res, mem: p.mem(), proc: p}
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	xs = slices.Clone(xs)
	slices.Sort(xs)
	if n := len(xs); n%2 == 0 {
		return (xs[n/2-1] + xs[n/2]) / 2
	}
	return xs[len(xs)/2]
}

// ratioTarget adds the emulator's row, judged by its ratio to the baseline
// (the median of the rounds'; min 0: no target), and the baseline's. tail adds the check p99 ≤ 3× p50
// (and shows the baseline's p99/p50 next to it).
func (h *harness) ratioTarget(scen, baseName string, emu, base *measured, ratio, min float64, tail bool) {
	var checks []check
	if min > 0 {
		checks = append(checks, check{fmt.Sprintf("≥ %.2f× baseline", min), fmt.Sprintf("%.2f×", ratio), ratio >= min})
	}
	baseRow := throughputRow(scen, "baseline "+baseName, base, "1.00×")
	if tail {
		checks = append(checks, tailCheck(emu.res))
		baseRow.result = tailCheck(base.res).measured
	}
	h.add(throughputRow(scen, "emulator", emu, fmt.Sprintf("%.2f× (cpu %s)", ratio, cpuRatio(emu.res, base.res)), checks...))
	h.add(baseRow)
}

func (h *harness) introspect() error {
	return h.introspectIn(defaultWorld, "introspection (active token)")
}

// logged runs introspection and the JWKS against the emulator started with
// the default flags: logging every request must stay cheap.
func (h *harness) logged() error {
	if err := h.introspectIn(loggedWorld, "introspection, default flags"); err != nil {
		return err
	}
	return h.staticIn(loggedWorld, "JWKS, default flags", "/oauth2/jwks", "jwks.json", `"keys"`)
}

func (h *harness) introspectIn(w *world, scen string) error {
	body := func(token string) []byte {
		return form(url.Values{"client_id": {w.m2mID}, "client_secret": {w.m2mSecret}, "token": {token}})
	}
	emu, base, ratio, err := h.pair(w, func(p *proc) (func(int) (conn, error), error) {
		m, err := mintSession(p.url, w)
		if err != nil {
			return nil, err
		}
		return expect(fixed(http.MethodPost, p.url+"/oauth2/introspection", formType, body(m.AccessToken)), `"active":true`), nil
	}, func(p *proc) func(int) (conn, error) {
		return expect(fixed(http.MethodPost, p.url+"/form", formType, body(sampleJWT)), `"active":true`)
	})
	if err != nil {
		return err
	}
	h.ratioTarget(scen, "(a) ParseForm→JSON", emu, base, ratio, 0.85, false)
	return nil
}

func (h *harness) mint() error {
	w := defaultWorld
	body := form(url.Values{"grant_type": {"client_credentials"}, "client_id": {w.m2mID}, "client_secret": {w.m2mSecret}})
	emu, base, ratio, err := h.pair(w, func(p *proc) (func(int) (conn, error), error) {
		return expect(fixed(http.MethodPost, p.url+"/oauth2/token", formType, body), `"access_token"`), nil
	}, func(p *proc) func(int) (conn, error) {
		return expect(fixed(http.MethodPost, p.url+"/sign", formType, body), `"access_token"`)
	})
	if err != nil {
		return err
	}
	h.ratioTarget("client_credentials mint", "(b) RSA sign", emu, base, ratio, 0.90, true)
	return nil
}

// cpuRatio is b's CPU time per request over a's: like a throughput ratio,
// above 1 when a is cheaper, but immune to what else runs on the machine.
func cpuRatio(a, b *result) string {
	if a.cpuPerReq() <= 0 || b.cpuPerReq() <= 0 {
		return "?"
	}
	return fmt.Sprintf("%.2f×", float64(b.cpuPerReq())/float64(a.cpuPerReq()))
}

// tailCheck is p99 ≤ 3× p50.
func tailCheck(r *result) check {
	t := float64(r.pct(0.99)) / float64(max(1, r.pct(0.50)))
	return check{"p99 ≤ 3× p50", fmt.Sprintf("p99/p50 %.1f", t), t <= 3}
}

func (h *harness) login() error {
	var runs [2]*result
	for i, w := range []*world{h.w10, h.w10k} {
		bodies := loginBodies(w)
		emu, base, ratio, err := h.pair(w, func(p *proc) (func(int) (conn, error), error) {
			return expect(cycle(p.url+"/user_management/authenticate", jsonType, bodies, h.cfg.conns), `"access_token"`), nil
		}, func(p *proc) func(int) (conn, error) {
			return expect(cycle(p.url+"/sign", jsonType, bodies, h.cfg.conns), `"access_token"`)
		})
		if err != nil {
			return err
		}
		h.ratioTarget("password login ("+w.name+")", "(b) RSA sign", emu, base, ratio, 0, false)
		runs[i] = emu.res
	}
	ratio := runs[1].rps() / runs[0].rps()
	r := row{scenario: "password login 10,000 / 10 users", server: "emulator",
		ratio:  fmt.Sprintf("%.2f× (cpu %s)", ratio, cpuRatio(runs[1], runs[0])),
		checks: []check{{"≥ 0.95× (no scan per login)", fmt.Sprintf("%.2f×", ratio), ratio >= 0.95}}}
	r.errors = runs[0].errors + runs[1].errors
	h.add(r)
	return nil
}

func (h *harness) refresh() error {
	w := defaultWorld
	emu, base, ratio, err := h.pair(w, func(p *proc) (func(int) (conn, error), error) {
		return func(int) (conn, error) {
			mint := func() (string, error) {
				m, err := mintSession(p.url, w)
				return m.RefreshToken, err
			}
			first, err := mint()
			if err != nil {
				return nil, err
			}
			return &refreshConn{fixedConn: fixedConn{method: http.MethodPost, url: p.url + "/user_management/authenticate",
				ctype: jsonType}, w: w, mint: mint, refresh: first}, nil
		}, nil
	}, func(p *proc) func(int) (conn, error) {
		return expect(fixed(http.MethodPost, p.url+"/sign", jsonType, refreshBody(w, "B66P9EgHchkrs5ErUddXNGc8X")), `"access_token"`)
	})
	if err != nil {
		return err
	}
	h.ratioTarget("refresh rotation", "(b) RSA sign", emu, base, ratio, 0, false)
	return nil
}

func (h *harness) jwks() error { return h.static("JWKS", "/oauth2/jwks", "jwks.json", `"keys"`) }
func (h *harness) discovery() error {
	return h.static("discovery", "/.well-known/openid-configuration", "discovery.json", `"issuer"`)
}

// static compares a GET of the emulator with the baseline serving the
// same bytes (captured from the emulator at start).
func (h *harness) static(scen, path, file, want string) error {
	return h.staticIn(defaultWorld, scen, path, file, want)
}

func (h *harness) staticIn(w *world, scen, path, file, want string) error {
	emu, base, ratio, err := h.pair(w, func(p *proc) (func(int) (conn, error), error) {
		return expect(fixed(http.MethodGet, p.url+path, "", nil), want), nil
	}, func(p *proc) func(int) (conn, error) {
		return expect(fixed(http.MethodGet, p.url+"/static/"+file, "", nil), want)
	})
	if err != nil {
		return err
	}
	h.ratioTarget(scen, "(c) static bytes", emu, base, ratio, 0.85, false)
	return nil
}

// captureStatic saves the emulator's JWKS and discovery documents for the
// baseline's static handler, so both serve bytes of the same size.
func (h *harness) captureStatic() error {
	h.staticDir = filepath.Join(h.tmp, "static")
	if err := os.MkdirAll(h.staticDir, 0o755); err != nil {
		return err
	}
	p, err := h.startEmulator(defaultWorld)
	if err != nil {
		return err
	}
	defer p.stop()
	for file, path := range map[string]string{"jwks.json": "/oauth2/jwks", "discovery.json": "/.well-known/openid-configuration"} {
		b, err := get(p.url + path)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(h.staticDir, file), b, 0o644); err != nil {
			return err
		}
	}
	return nil
}

func (h *harness) startup() error {
	for _, w := range []*world{defaultWorld, h.w10k} {
		limit := 20 * time.Millisecond
		if w.users > 1000 {
			limit = 300 * time.Millisecond
		}
		med, slowest, peak, err := h.starts(func() (*proc, error) { return h.startEmulator(w) })
		if err != nil {
			return err
		}
		h.add(row{scenario: "startup (" + w.name + ")", server: "emulator", p50: med, p99: slowest, peak: peak,
			checks: []check{{fmt.Sprintf("median ≤ %v", limit), ms(med), med <= limit}}})
	}
	med, slowest, peak, err := h.starts(h.startBaseline)
	if err != nil {
		return err
	}
	h.add(row{scenario: "startup", server: "baseline (bare net/http)", p50: med, p99: slowest, peak: peak})
	return nil
}

// starts starts and stops a server -starts times: the median and slowest
// startup, and the highest VmHWM right after the first 200.
func (h *harness) starts(start func() (*proc, error)) (med, slowest time.Duration, peak int64, err error) {
	var times []time.Duration
	for range h.cfg.starts {
		p, err := start()
		if err != nil {
			return 0, 0, 0, err
		}
		peak = max(peak, p.mem().peak)
		times = append(times, p.startup)
		p.stop()
	}
	slices.Sort(times)
	return percentile(times, 0.5), times[len(times)-1], peak, nil
}

// sampleJWT is a token-sized string for bodies the baseline receives (and
// an unknown token for the emulator).
const sampleJWT = "eyJhbGciOiJSUzI1NiIsImtpZCI6InNzb19vaWRjX2tleV9wYWlyXzAxSlBYTjZLRjdOQUVBWlRGRFlFU0FFMEtYIiwidHlwIjoiSldUIn0." +
	"eyJpc3MiOiJodHRwOi8vMTI3LjAuMC4xOjg0ODQvdXNlcl9tYW5hZ2VtZW50L2NsaWVudF8wMUpHRzRBOVNDMjQwMlRSMUU1Uzk1UkdGWSIsInN1YiI6InVzZXJfMDFKR0gwME4wQ1JSQVFHNUUxVjJFWVJRNjgiLCJvcmdfaWQiOiJvcmdfMDFKR0o1UERRUVlTUVc0M0RBUERTUEVKRVkiLCJyb2xlIjoiYWRtaW4iLCJyb2xlcyI6WyJhZG1pbiJdLCJwZXJtaXNzaW9ucyI6WyJ1c2VyczpyZWFkIiwidXNlcnM6d3JpdGUiLCJiaWxsaW5nOm1hbmFnZSJdLCJzaWQiOiJzZXNzaW9uXzAxTTg5SzI3VzIzR1FKMTk1ODkyU1NBNFQyIiwianRpIjoiMDFNODlLMjdXMkJaSFpNRENRUEJHWlQyRTMiLCJleHAiOjE3OTU2MTg2MTYsImlhdCI6MTc5NTYxODMxNn0." +
	"EYPiQaM1HSvyI_LL15e2pXr2FSay8Omel-n-_IgV3vMU8zxzMw-vsW4hwpvieXJEirJYL7AggS0qENhv_DEs11aL6dK1jb9R7Dyidj0OlVWQFJpPPWBxwjY7H7cOIycy3gN7-s6rSMyvh2VlOO7tVHzEbWGa3v1MXi9tVjBoCgy830gosdQPJWwRbZKXjpvJl_pq5d0pMPwS7nfHHgX0_OWrr7lzhkS7aL1MsIiemGK7u3KS9d7QDzmy3wJ-mVU1AqIq6NT5dtEY46WpZAMH9ioSQVVdIded44CMaGHld6boRAv-KqTGVLIX6-zfPtUYW9knYXDKHi6s2J7nD3Novg"
