package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// The soak: unthrottled mixed load for -soak (5 minutes by default), in
// one-minute windows, then a clock advance past every expiry. A test suite
// runs for minutes against one emulator; what it does must cost the same
// in the fifth minute as in the first, and memory must come back after.

// soakConn cycles one connection through the mix: a password sign-in, a
// refresh of that session, introspection of its access token, a user
// created then deleted, the users list, and an M2M token.
type soakConn struct {
	fixedConn
	w       *world
	base    string
	i, step int
	access  string
	refresh string
	userID  string
}

// soakSteps names the mix, in order; each connection starts at its own
// offset so the server sees every kind at once.
var soakSteps = []string{"login", "refresh", "introspect", "create_user", "delete_user", "list_users", "m2m"}

func (c *soakConn) next() (*http.Request, error) {
	kind := soakSteps[c.step%len(soakSteps)]
	if (kind == "refresh" && c.refresh == "") || (kind == "introspect" && c.access == "") || (kind == "delete_user" && c.userID == "") {
		kind = "login"
		c.step = 0
	}
	w, apiKey := c.w, "Bearer "+c.w.apiKey
	c.header = nil
	switch kind {
	case "login":
		c.method, c.url, c.ctype, c.body = http.MethodPost, c.base+"/user_management/authenticate", jsonType, loginBodies(w)[c.i%w.users]
	case "refresh":
		c.method, c.url, c.ctype, c.body = http.MethodPost, c.base+"/user_management/authenticate", jsonType, refreshBody(w, c.refresh)
	case "introspect":
		c.method, c.url, c.ctype = http.MethodPost, c.base+"/oauth2/introspection", formType
		c.body = form(url.Values{"client_id": {w.m2mID}, "client_secret": {w.m2mSecret}, "token": {c.access}})
	case "create_user":
		c.method, c.url, c.ctype, c.header = http.MethodPost, c.base+"/user_management/users", jsonType, []string{"Authorization", apiKey}
		c.body = mustJSON(map[string]string{"email": fmt.Sprintf("soak-%d-%d@example.com", c.i, c.step)})
	case "delete_user":
		c.method, c.url, c.ctype, c.body, c.header = http.MethodDelete, c.base+"/user_management/users/"+c.userID, "", nil, []string{"Authorization", apiKey}
	case "list_users":
		c.method, c.url, c.ctype, c.body, c.header = http.MethodGet, c.base+"/user_management/users?limit=10", "", nil, []string{"Authorization", apiKey}
	case "m2m":
		c.method, c.url, c.ctype = http.MethodPost, c.base+"/oauth2/token", formType
		c.body = form(url.Values{"grant_type": {"client_credentials"}, "client_id": {w.m2mID}, "client_secret": {w.m2mSecret}})
	}
	c.step++
	return c.fixedConn.next()
}

func (c *soakConn) done(status int, body []byte) error {
	if status < 200 || status > 299 {
		c.access, c.refresh, c.userID = "", "", ""
		return nil // counted as an error by the driver
	}
	var answer struct {
		AccessToken  string `json:"access_token"`
		RefreshToken string `json:"refresh_token"`
		ID           string `json:"id"`
		Object       string `json:"object"`
	}
	_ = json.Unmarshal(body, &answer)
	switch soakSteps[(c.step-1)%len(soakSteps)] {
	case "login", "refresh":
		if answer.RefreshToken == "" {
			return wrongAnswer("sign-in without refresh_token: " + tail(string(body), 200))
		}
		c.access, c.refresh = answer.AccessToken, answer.RefreshToken
	case "introspect":
		if !strings.Contains(string(body), `"active":true`) {
			return wrongAnswer("introspection of a live token: " + tail(string(body), 200))
		}
	case "create_user":
		c.userID = answer.ID
	case "delete_user":
		c.userID = ""
	}
	return nil
}

// soak runs the mix in one-minute windows against the 10-user world and
// checks the last window's throughput against the first's, then advances
// the clock past every expiry and reads RSS.
func (h *harness) soak() error {
	w := h.w10
	p, err := h.startEmulator(w)
	if err != nil {
		return err
	}
	defer p.stop()
	time.Sleep(h.cfg.settle)
	idle := p.mem()
	conns := make([]*soakConn, h.cfg.conns)
	newConn := func(i int) (conn, error) {
		if conns[i] == nil {
			conns[i] = &soakConn{w: w, base: p.url, i: i, step: i}
		}
		return conns[i], nil
	}
	windows := max(1, int(h.cfg.soak/time.Minute))
	var results []*result
	for i := range windows {
		l := load{conns: h.cfg.conns, duration: time.Minute}
		if i == 0 {
			l.warmup = h.cfg.warmup
		}
		res, err := h.drive(p, l, newConn)
		if err != nil {
			return err
		}
		results = append(results, res)
		h.progress("soak minute %d: %.0f req/s, p99 %s, RSS %s", i+1, res.rps(), ms(res.pct(0.99)), mb(p.mem().rss))
	}
	loaded := p.mem()
	for i, res := range results {
		h.add(throughputRow(fmt.Sprintf("soak minute %d (mixed)", i+1), "emulator", &measured{res: res, mem: loaded, proc: p}, ""))
	}
	first, last := results[0], results[len(results)-1]
	ratio := last.rps() / first.rps()
	h.add(row{scenario: "soak: last minute / first", server: "emulator",
		checks: []check{{"≥ 0.90×", fmt.Sprintf("%.2f× (p99 %s → %s)", ratio, ms(first.pct(0.99)), ms(last.pct(0.99))), ratio >= 0.9}}})

	// Past every expiry (sessions end after 1h, then the hour of grace),
	// a few writes let the store sweep, and memory should follow.
	if err := postJSON(p.url+"/_emulator/clock", map[string]string{"advance": "3h"}, nil); err != nil {
		return err
	}
	for range 20 {
		if _, err := drive(load{conns: 1, count: 5, pid: p.pid}, cycle(p.url+"/user_management/authenticate", jsonType, loginBodies(w), 1)); err != nil {
			return err
		}
	}
	time.Sleep(h.cfg.evictWait)
	after := p.mem()
	limit, label := evictedLimit(idle.rss)
	h.add(row{scenario: "soak: RSS after clock +3h", server: "emulator", peak: after.peak,
		checks: []check{{label, fmt.Sprintf("%s (loaded %s)", mb(after.rss), mb(loaded.rss)), after.rss <= limit}}})
	return p.alive()
}
