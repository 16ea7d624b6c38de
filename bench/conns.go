package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// fixedConn sends the same request every time.
type fixedConn struct {
	method, url, ctype string
	body               []byte
	want               []byte   // a 2xx answer must contain it (nil: any)
	header             []string // more headers, name and value pairs
}

func (c *fixedConn) next() (*http.Request, error) {
	var body io.Reader
	if c.body != nil {
		body = bytes.NewReader(c.body)
	}
	req, err := http.NewRequest(c.method, c.url, body)
	if err == nil && c.ctype != "" {
		req.Header.Set("Content-Type", c.ctype)
	}
	for i := 0; err == nil && i+1 < len(c.header); i += 2 {
		req.Header.Set(c.header[i], c.header[i+1])
	}
	return req, err
}

func (c *fixedConn) done(status int, body []byte) error {
	if c.want != nil && status/100 == 2 && !bytes.Contains(body, c.want) {
		return wrongAnswer(fmt.Sprintf("%d without %s: %s", status, c.want, tail(string(body), 300)))
	}
	return nil
}

func (c *fixedConn) setWant(want []byte) { c.want = want }

// wrongAnswer from done is a 2xx answer that is wrong: an error of the
// run, not a reason to stop it.
type wrongAnswer string

func (e wrongAnswer) Error() string { return string(e) }

// fixed makes every connection send the same request.
func fixed(method, url, ctype string, body []byte) func(int) (conn, error) {
	return func(int) (conn, error) { return &fixedConn{method: method, url: url, ctype: ctype, body: body}, nil }
}

// expect makes conns that also check every 2xx answer contains want.
func expect(conns func(int) (conn, error), want string) func(int) (conn, error) {
	return func(i int) (conn, error) {
		c, err := conns(i)
		if fc, ok := c.(interface{ setWant([]byte) }); ok {
			fc.setWant([]byte(want))
		}
		return c, err
	}
}

func form(v url.Values) []byte { return []byte(v.Encode()) }

const (
	formType = "application/x-www-form-urlencoded"
	jsonType = "application/json"
)

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// cycleConn sends bodies in turn from its own offset: the password logins
// of connection i walk the users from user (i * users / conns).
type cycleConn struct {
	fixedConn
	bodies [][]byte
	i      int
}

func (c *cycleConn) next() (*http.Request, error) {
	c.body = c.bodies[c.i%len(c.bodies)]
	c.i++
	return c.fixedConn.next()
}

// cycle makes conns that walk bodies, spread evenly over conns connections.
func cycle(url, ctype string, bodies [][]byte, conns int) func(int) (conn, error) {
	return func(i int) (conn, error) {
		return &cycleConn{fixedConn: fixedConn{method: http.MethodPost, url: url, ctype: ctype},
			bodies: bodies, i: i * len(bodies) / conns}, nil
	}
}

// loginBodies are the JSON password-login bodies of every user of w.
func loginBodies(w *world) [][]byte {
	bodies := make([][]byte, w.users)
	for i := range bodies {
		bodies[i] = mustJSON(map[string]string{"grant_type": "password", "client_id": w.clientID,
			"client_secret": w.apiKey, "email": w.email(i), "password": w.password(i)})
	}
	return bodies
}

// refreshConn holds one session and refreshes it with the newest refresh
// token each time (they are single use). A failed refresh counts as an
// error and starts a new session through the control plane.
type refreshConn struct {
	fixedConn
	w       *world
	mint    func() (string, error)
	refresh string
}

func (c *refreshConn) next() (*http.Request, error) {
	c.body = refreshBody(c.w, c.refresh)
	return c.fixedConn.next()
}

func (c *refreshConn) done(status int, body []byte) error {
	var answer struct {
		RefreshToken string `json:"refresh_token"`
	}
	if status == http.StatusOK && json.Unmarshal(body, &answer) == nil && answer.RefreshToken != "" {
		c.refresh = answer.RefreshToken
		return nil
	}
	// The chain is broken: start a new session, and count the error.
	var err error
	if c.refresh, err = c.mint(); err != nil {
		return err
	}
	if status == http.StatusOK {
		return wrongAnswer("200 without refresh_token: " + tail(string(body), 300))
	}
	return nil
}

func refreshBody(w *world, token string) []byte {
	return mustJSON(map[string]string{"grant_type": "refresh_token", "client_id": w.clientID,
		"client_secret": w.apiKey, "refresh_token": token})
}

// minted is the answer of POST /_emulator/tokens.
type minted struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	SessionID    string `json:"session_id"`
}

// mintSession starts a session for w's user through the control plane.
func mintSession(base string, w *world) (*minted, error) {
	var m minted
	err := postJSON(base+"/_emulator/tokens", map[string]string{"user_id": w.userID, "organization_id": w.orgID, "ttl": "1h"}, &m)
	if err == nil && (m.AccessToken == "" || m.RefreshToken == "") {
		err = fmt.Errorf("POST /_emulator/tokens: no access or refresh token")
	}
	return &m, err
}

// controlClient makes the harness's own calls (control plane, setup): a
// request may pay for the emulator's eviction sweep, so it waits long.
var controlClient = &http.Client{
	Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true},
	Timeout:   2 * time.Minute,
}

// postJSON posts a JSON body and decodes a 2xx JSON answer into out (if
// not nil).
func postJSON(url string, in, out any) error {
	resp, err := controlClient.Post(url, jsonType, bytes.NewReader(mustJSON(in)))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("POST %s: %d %s", url, resp.StatusCode, tail(string(b), 300))
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

// get fetches a URL and wants a 200.
func get(url string) ([]byte, error) {
	resp, err := controlClient.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("GET %s: %d %s", url, resp.StatusCode, strings.TrimSpace(tail(string(b), 300)))
	}
	return b, err
}
