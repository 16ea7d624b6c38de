package main

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// memory is a process's resident set from /proc/<pid>/status, in bytes.
type memory struct {
	rss  int64 // VmRSS: resident now
	peak int64 // VmHWM: the high-water mark since exec
}

func readMemory(pid int) (memory, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return memory{}, err
	}
	defer f.Close()
	var m memory
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), ":")
		if !ok || (name != "VmRSS" && name != "VmHWM") {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 10, 64)
		if err != nil {
			return memory{}, fmt.Errorf("/proc/%d/status %s: %v", pid, name, err)
		}
		if name == "VmRSS" {
			m.rss = kb << 10
		} else {
			m.peak = kb << 10
		}
	}
	if err := sc.Err(); err != nil {
		return memory{}, err
	}
	if m.rss == 0 {
		return memory{}, fmt.Errorf("/proc/%d/status: no VmRSS", pid)
	}
	return m, nil
}

// cpuTime is the user+system CPU time a process used so far, from
// /proc/<pid>/stat (fields 14 and 15, in USER_HZ = 100 ticks per second on
// Linux).
func cpuTime(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The command name (field 2) may hold spaces: count from after it.
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * 10 * time.Millisecond
}

// mem reads the process's memory; a failure reads as zero (the process
// just exited, which alive reports).
func (p *proc) mem() memory {
	m, _ := readMemory(p.pid)
	return m
}

// mb formats bytes in MiB (2^20 bytes; /proc counts KiB).
func mb(b int64) string {
	if b <= 0 {
		return "—"
	}
	return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20))
}

func (h *harness) idleRSS() error {
	for _, w := range []*world{defaultWorld, h.w10k} {
		limit := int64(20 << 20)
		if w.users > 1000 {
			limit = 80 << 20
		}
		p, err := h.startEmulator(w)
		if err != nil {
			return err
		}
		time.Sleep(h.cfg.settle)
		m := p.mem()
		err = p.alive()
		p.stop()
		if err != nil {
			return err
		}
		h.add(row{scenario: "idle RSS (" + w.name + ")", server: "emulator", peak: m.peak,
			checks: []check{{"≤ " + mb(limit), mb(m.rss), m.rss <= limit}}})
	}
	p, err := h.startBaseline()
	if err != nil {
		return err
	}
	time.Sleep(h.cfg.settle)
	m := p.mem()
	p.stop()
	h.add(row{scenario: "idle RSS", server: "baseline (bare net/http)", peak: m.peak, result: mb(m.rss)})
	return nil
}

// boundedLogs is what a long run leaves by design once every session is
// evicted: the event log (10,000 events), the Radar attempts (at most
// 11,250) and the request journal (1,000 requests with their responses),
// each full. In process, 100,000 sign-ins then eviction leave 16 MiB of
// live heap against 1.3 MiB for an idle emulator: the budget is that
// difference, rounded up. It was added when the logs were (this round's
// events and Radar issues); eviction must still give back everything else.
const boundedLogs = 16 << 20

// evictedLimit is the most RSS an emulator may keep after a long run is
// evicted: twice its idle RSS (what eviction must get back to, leaving no
// leak) plus the bounded logs a long run fills.
func evictedLimit(idle int64) (int64, string) {
	limit := 2*idle + boundedLogs
	return limit, "≤ 2× idle + " + mb(boundedLogs) + " of logs = " + mb(limit)
}

// logins100k runs -logins password logins against the 10-user world
// (sessions end after 1h), advances the emulator clock by 3h, sends a few
// requests so the emulator can evict, waits, and compares RSS with idle.
func (h *harness) logins100k() error {
	w := h.w10
	p, err := h.startEmulator(w)
	if err != nil {
		return err
	}
	defer p.stop()
	time.Sleep(h.cfg.settle)
	idle := p.mem()
	// The first session, to ask the control plane about after the advance.
	first, err := loginSession(p.url, w)
	if err != nil {
		return err
	}

	res, err := h.drive(p, load{conns: h.cfg.conns, count: h.cfg.logins},
		expect(cycle(p.url+"/user_management/authenticate", jsonType, loginBodies(w), h.cfg.conns), `"access_token"`))
	if err != nil {
		return err
	}
	h.noteRun(p, res, 1)
	loaded := p.mem()

	if err := postJSON(p.url+"/_emulator/clock", map[string]string{"advance": "3h"}, nil); err != nil {
		return err
	}
	advanced := p.mem()
	var slowest time.Duration // of those requests: one may pay for the sweep
	// A few requests of each kind, for an emulator that sweeps on requests.
	bogus := form(url.Values{"client_id": {w.m2mID}, "client_secret": {w.m2mSecret}, "token": {sampleJWT}})
	for _, t := range []struct {
		n     int
		conns func(int) (conn, error)
	}{
		{5, cycle(p.url+"/user_management/authenticate", jsonType, loginBodies(w), 1)},
		{20, fixed(http.MethodPost, p.url+"/oauth2/introspection", formType, bogus)},
		{20, fixed(http.MethodGet, p.url+"/oauth2/jwks", "", nil)},
	} {
		r, err := drive(load{conns: 1, count: t.n, pid: p.pid}, t.conns)
		if err != nil {
			return err
		}
		h.noteRun(p, r, 1)
		slowest = max(slowest, r.pct(1))
	}
	// Sample RSS while waiting (every 500 ms, changes only): how fast
	// memory goes back is worth seeing.
	var trail []string
	last := int64(-1)
	waitStart := time.Now()
	for t := time.Duration(0); t < h.cfg.evictWait; t += 500 * time.Millisecond {
		time.Sleep(time.Until(waitStart.Add(t)))
		if rss := p.mem().rss; rss != last {
			trail = append(trail, fmt.Sprintf("%.1fs %s", t.Seconds(), mb(rss)))
			last = rss
		}
	}
	time.Sleep(time.Until(waitStart.Add(h.cfg.evictWait)))
	after := p.mem()
	trail = append(trail, fmt.Sprintf("%.1fs %s", h.cfg.evictWait.Seconds(), mb(after.rss)))
	h.note("%s: RSS %s right after POST /_emulator/clock {advance: 3h}; after 45 more requests (slowest %s): %s",
		h.current, mb(advanced.rss), ms(slowest), strings.Join(trail, ", "))
	if err := p.alive(); err != nil {
		return err
	}
	evicted := "first session evicted (404)"
	if _, err := get(p.url + "/_emulator/sessions/" + first); err == nil {
		evicted = "first session NOT evicted (GET /_emulator/sessions/" + first + " still 200)"
		h.note("%s: %s", h.current, evicted)
	} else if !strings.Contains(err.Error(), ": 404 ") {
		return err
	}

	scen := fmt.Sprintf("%d password logins (%s)", h.cfg.logins, w.name)
	r := throughputRow(scen, "emulator", &measured{res: res, mem: loaded, proc: p}, "")
	r.result = fmt.Sprintf("RSS idle %s → %s", mb(idle.rss), mb(loaded.rss))
	h.add(r)
	limit, label := evictedLimit(idle.rss)
	h.add(row{scenario: "RSS after clock +3h, evict wait", server: "emulator", peak: after.peak,
		checks: []check{{label, mb(after.rss) + "; " + evicted, after.rss <= limit}}})
	return nil
}

// loginSession signs user 1 of w in with a password and returns the
// session id (the sid claim of the access token).
func loginSession(base string, w *world) (string, error) {
	var answer struct {
		AccessToken string `json:"access_token"`
	}
	if err := postJSON(base+"/user_management/authenticate", json.RawMessage(loginBodies(w)[0]), &answer); err != nil {
		return "", err
	}
	parts := strings.Split(answer.AccessToken, ".")
	var claims struct {
		SID string `json:"sid"`
	}
	if len(parts) != 3 {
		return "", fmt.Errorf("login: access token is not a JWT")
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err == nil {
		err = json.Unmarshal(payload, &claims)
	}
	if err == nil && claims.SID == "" {
		err = fmt.Errorf("no sid claim")
	}
	return claims.SID, err
}
