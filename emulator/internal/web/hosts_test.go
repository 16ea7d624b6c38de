package web_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// rawRequest sends one request over TCP and reads the answer.
func rawRequest(t *testing.T, addr, host, path string) *http.Response {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", path, host)
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp
}

// TestHostsOverTheNetwork: over a network connection the emulator answers
// only Hosts a DNS-rebinding page cannot produce (its public URL's host,
// IP addresses, names without a dot such as localhost or a compose service
// name) and the allow-list; attacker.example gets a 421 in the path's
// shape. Requests handed to the handler in process are not checked.
func TestHostsOverTheNetwork(t *testing.T) {
	srv := emutest.Start(t, emulator.Config{PublicURL: "http://emulator.test:8484", AllowedHosts: []string{"auth.internal.example"}})
	addr := strings.TrimPrefix(srv.URL, "http://")
	cases := []struct {
		host   string
		path   string
		status int
	}{
		{"attacker.example", "/_emulator/health", http.StatusMisdirectedRequest},
		{"attacker.example:8484", "/oauth2/jwks", http.StatusMisdirectedRequest},
		{"emulator.test:8484", "/_emulator/health", http.StatusOK},
		{"127.0.0.1:8484", "/_emulator/health", http.StatusOK},
		{"[::1]:8484", "/_emulator/health", http.StatusOK},
		{"localhost:8484", "/_emulator/health", http.StatusOK},
		{"authkit:8484", "/_emulator/health", http.StatusOK},
		{"auth.internal.example", "/_emulator/health", http.StatusOK},
	}
	for _, tc := range cases {
		t.Run(tc.host+tc.path, func(t *testing.T) {
			resp := rawRequest(t, addr, tc.host, tc.path)
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.status {
				t.Fatalf("%d %s", resp.StatusCode, body)
			}
			if tc.status == http.StatusMisdirectedRequest {
				key := `"code":"host_not_allowed"`
				if strings.HasPrefix(tc.path, "/oauth2/") {
					key = `"error":"host_not_allowed"`
				}
				if !strings.Contains(string(body), key) {
					t.Fatalf("%s", body)
				}
			}
		})
	}
	if r := srv.Do(t, http.MethodGet, "/_emulator/health", nil, "Host", "attacker.example"); r.Status != http.StatusOK {
		t.Fatalf("in process: %d", r.Status)
	}
}

// TestOversizedBodyIsAnswered: a body over the limit gets its 413 JSON,
// read by the client, every time (not a reset while it is still sending).
func TestOversizedBodyIsAnswered(t *testing.T) {
	srv := emutest.Start(t, emulator.Config{})
	addr := strings.TrimPrefix(srv.URL, "http://")
	body := bytes.Repeat([]byte("a"), 50<<20)
	for i := range 5 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() {
			_, err := fmt.Fprintf(c, "POST /user_management/users HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", len(body))
			if err == nil {
				_, err = c.Write(body)
			}
			done <- err
		}()
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatalf("try %d: %v", i, err)
		}
		got, _ := io.ReadAll(resp.Body)
		c.Close()
		<-done
		if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(got), `"code":"request_entity_too_large"`) {
			t.Fatalf("try %d: %d %s", i, resp.StatusCode, got)
		}
	}
}
