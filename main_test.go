package main

import (
	"bytes"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/authkit-emulator/authkit-emulator/emulator"
)

func TestValidateCommand(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "world.yaml")
	if err := os.WriteFile(bad, []byte(`users:
  - email: a@example.com
  - email: not-an-email
  - email: a@example.com
    emial: typo
`), 0o644); err != nil {
		t.Fatal(err)
	}
	badKey := filepath.Join(dir, "key.yaml")
	if err := os.WriteFile(badKey, []byte("environment:\n  signing_key:\n    private_key_pem: |\n      -----BEGIN PRIVATE KEY-----\n      AAAA\n      -----END PRIVATE KEY-----\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path string
		code int
		want []string
	}{
		{"examples/seed.yaml", 0, []string{"examples/seed.yaml: valid: 1 applications, 1 users, 2 organizations"}},
		{"fixtures/testdata/valid/directory_sync_audit.yaml", 0, []string{"1 memberships, 0 sessions, 2 audit_log_actions, 1 directories\n"}},
		{bad, 1, []string{
			bad + ":3: users[1].email: \"not-an-email\" is not an e-mail address",
			bad + ":4: users[2].email: duplicate of users[0]",
			bad + ":5: users[2].emial: unknown key (did you mean \"email\"?)",
			"3 problem(s)"}},
		{badKey, 1, []string{badKey + ":3: environment.signing_key.private_key_pem: cannot use the key: not an RSA private key in PKCS#8 or PKCS#1 form"}},
		{filepath.Join(dir, "missing.yaml"), 1, []string{"no such file"}},
	}
	for _, tc := range tests {
		t.Run(filepath.Base(tc.path), func(t *testing.T) {
			var out, errb bytes.Buffer
			if code := run([]string{"validate", tc.path}, &out, &errb); code != tc.code {
				t.Fatalf("exit %d, want %d\n%s%s", code, tc.code, out.String(), errb.String())
			}
			for _, w := range tc.want {
				if !strings.Contains(out.String(), w) {
					t.Fatalf("output lacks %q:\n%s", w, out.String())
				}
			}
		})
	}
}

func TestHealthcheckCommand(t *testing.T) {
	srv, err := emulator.New(emulator.Config{})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()
	var out, errb bytes.Buffer
	if code := run([]string{"healthcheck", "--url", hs.URL}, &out, &errb); code != 0 {
		t.Fatalf("healthy emulator: exit %d %s", code, errb.String())
	}
	hs.Close()
	if code := run([]string{"healthcheck", "--url", hs.URL}, &out, &errb); code != 1 {
		t.Fatalf("stopped emulator: exit %d", code)
	}
}

func TestVersionAndUsage(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"version"}, &out, &errb); code != 0 || !strings.HasPrefix(out.String(), "authkit-emulator ") {
		t.Fatalf("version: %d %q", code, out.String())
	}
	if code := run([]string{"frobnicate"}, &out, &errb); code != 2 || !strings.Contains(errb.String(), "unknown command") {
		t.Fatalf("unknown command: %d %q", code, errb.String())
	}
	if code := run([]string{"serve", "--log-format", "xml"}, &out, &errb); code != 2 {
		t.Fatalf("bad log format: %d", code)
	}
}

func TestPublicURLFor(t *testing.T) {
	for addr, want := range map[string]string{
		"127.0.0.1:8484": "http://127.0.0.1:8484",
		"0.0.0.0:8484":   "http://127.0.0.1:8484",
		":9000":          "http://127.0.0.1:9000",
		"[::]:8484":      "http://127.0.0.1:8484",
		"localhost:1":    "http://localhost:1",
	} {
		if got := publicURLFor(addr); got != want {
			t.Errorf("publicURLFor(%q) = %q, want %q", addr, got, want)
		}
	}
}

// TestCLIUsage: what a newcomer types first answers what they need.
func TestCLIUsage(t *testing.T) {
	empty := t.TempDir()
	cases := []struct {
		name       string
		args       []string
		code       int
		stdout     []string // substrings of stdout
		stderrOnce string   // a substring stderr has exactly once
	}{
		{name: "--help lists every command and the serve flags", args: []string{"--help"},
			stdout: []string{"validate PATH", "healthcheck", "schema", "version", "-fixtures", "-control-token"}},
		{name: "-h is --help", args: []string{"-h"}, stdout: []string{"validate PATH"}},
		{name: "validate --help is help, not a path", args: []string{"validate", "--help"}, code: 0},
		{name: "healthcheck --help is help", args: []string{"healthcheck", "--help"}, code: 0},
		{name: "schema prints the fixture JSON Schema", args: []string{"schema"},
			stdout: []string{`"$schema": "https://json-schema.org/draft/2020-12/schema"`, `"webhook_endpoints"`, `"additionalProperties": false`}},
		{name: "schema --help is help", args: []string{"schema", "--help"}, code: 0},
		{name: "a bad flag is reported once", args: []string{"--bogus"}, code: 2, stderrOnce: "flag provided but not defined: -bogus"},
		{name: "validate of an empty directory says what serve would do", args: []string{"validate", empty},
			stdout: []string{"no fixture files: serve uses the embedded default world", "valid: 3 applications, 3 users"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			if code := run(tc.args, &out, &errb); code != tc.code {
				t.Fatalf("exit %d, want %d\n%s%s", code, tc.code, out.String(), errb.String())
			}
			for _, w := range tc.stdout {
				if !strings.Contains(out.String(), w) {
					t.Errorf("stdout lacks %q:\n%s", w, out.String())
				}
			}
			if tc.stderrOnce != "" && strings.Count(errb.String(), tc.stderrOnce) != 1 {
				t.Errorf("stderr has %q %d times:\n%s", tc.stderrOnce, strings.Count(errb.String(), tc.stderrOnce), errb.String())
			}
		})
	}
}

// TestCLIDocMatchesUsage keeps docs/cli.md's copy of --help true: a flag
// added without its documentation fails here.
func TestCLIDocMatchesUsage(t *testing.T) {
	doc, err := os.ReadFile("docs/cli.md")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	usage(&out)
	if !strings.Contains(string(doc), "```\n"+out.String()+"```") {
		t.Fatalf("docs/cli.md does not hold the current --help output; paste this between its fences:\n%s", out.String())
	}
}
