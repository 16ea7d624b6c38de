package main

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// TestMain lets a test run the real command in a child process: with
// AUTHKIT_EMULATOR_TEST_MAIN=1 the test binary is authkit-emulator.
func TestMain(m *testing.M) {
	if os.Getenv("AUTHKIT_EMULATOR_TEST_MAIN") == "1" {
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// TestShutdownDrains: SIGTERM with a client still sending its body and
// requests that arrived just before the signal: the requests are answered,
// the slow client is cut after the drain, and the process exits 0.
func TestShutdownDrains(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(os.Args[0], "serve", "--addr", addr, "--log-level", "info")
	cmd.Env = append(os.Environ(), "AUTHKIT_EMULATOR_TEST_MAIN=1")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	logs := bufio.NewScanner(stderr)
	for logs.Scan() && !strings.Contains(logs.Text(), "authkit-emulator ready") {
	}
	go func() { // keep reading the log so the child never blocks on it
		for logs.Scan() {
		}
	}()

	// A client that never finishes its body.
	slow, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	fmt.Fprintf(slow, "POST /user_management/users HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{")

	// Requests sent just before the signal, not yet answered.
	var conns []net.Conn
	for range 20 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		fmt.Fprintf(c, "GET /oauth2/jwks HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
		conns = append(conns, c)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	for i, c := range conns {
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatalf("request %d sent before the signal: %v", i, err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("request %d: %d", i, resp.StatusCode)
		}
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("the emulator exited with %v, want 0", err)
	}
}

// TestExportOnExit: --export-on-exit writes the world, changes included,
// as a fixture file that loads back to it.
func TestExportOnExit(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	out := t.TempDir() + "/world.yaml"
	cmd := exec.Command(os.Args[0], "serve", "--addr", addr, "--log-level", "info", "--export-on-exit", out)
	cmd.Env = append(os.Environ(), "AUTHKIT_EMULATOR_TEST_MAIN=1")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	logs := bufio.NewScanner(stderr)
	for logs.Scan() && !strings.Contains(logs.Text(), "authkit-emulator ready") {
	}
	go func() {
		for logs.Scan() {
		}
	}()
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/user_management/users", strings.NewReader(`{"email":"exported@example.com"}`))
	req.Header.Set("Authorization", "Bearer sk_test_emulator")
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != http.StatusCreated {
		t.Fatalf("create user: %v %v", err, res)
	}
	res.Body.Close()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("the emulator exited with %v, want 0", err)
	}
	doc, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	set, err := fixtures.Parse(doc, "world.yaml")
	if err != nil {
		t.Fatalf("the export does not load: %v", err)
	}
	found := false
	for _, u := range set.Users {
		found = found || u.Email == "exported@example.com"
	}
	if !found {
		t.Errorf("the export lacks the user created before the signal:\n%s", doc)
	}
}
