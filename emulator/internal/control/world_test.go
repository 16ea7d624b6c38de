package control_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// hostileFixture is the 1.7 KB document whose anchors fan out through
// organizations[].api_keys[].permissions: 10^7 permissions once expanded.
func hostileFixture() string {
	var b strings.Builder
	b.WriteString("x0: &a0 [p, p, p, p, p, p, p, p, p, p]\n")
	for i := 1; i < 7; i++ {
		fmt.Fprintf(&b, "x%d: &a%d [%s]\n", i, i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*a%d, ", i-1), 10), ", "))
	}
	b.WriteString("organizations:\n  - name: Acme\n    api_keys:\n      - {name: k, value: v, permissions: *a6}\n")
	return b.String()
}

// TestFixturesRefuseAmplification: an alias bomb posted to the control
// plane is a small 422 naming the bound, and changes nothing.
func TestFixturesRefuseAmplification(t *testing.T) {
	srv := emutest.New(t, emulator.Config{})
	r := srv.Do(t, http.MethodPost, "/_emulator/fixtures", strings.NewReader(hostileFixture()), "Content-Type", "application/yaml")
	emutest.WantError(t, r, http.StatusUnprocessableEntity, "invalid_fixtures")
	if len(r.Body) > 2000 || !strings.Contains(string(r.Body), "expands to more than 2000000 YAML nodes") {
		t.Fatalf("%d bytes: %s", len(r.Body), r.Body)
	}
	if c := srv.Counts(); c["organizations"] != 2 {
		t.Fatalf("the world changed: %v", c)
	}
}

// TestFixturesStopWhenTheClientLeaves: a fixture post whose client has
// gone changes nothing.
func TestFixturesStopWhenTheClientLeaves(t *testing.T) {
	srv := emutest.New(t, emulator.Config{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/_emulator/fixtures", strings.NewReader("users: [{email: gone@example.com}]"))
	req.Header.Set("Content-Type", "application/yaml")
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusRequestTimeout || !strings.Contains(rec.Body.String(), "request_cancelled") {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	if c := srv.Counts(); c["users"] != 3 {
		t.Fatalf("the world changed: %v", c)
	}
}

// TestControlPlaneRefusesWebPages: what a web page can send to any origin
// without asking (a foreign Origin, a cross-site fetch, a text/plain or
// form body) does not reach the control plane; the emulator's own origin
// and a tool without an Origin (curl, the SDKs' test helpers) do.
func TestControlPlaneRefusesWebPages(t *testing.T) {
	srv := emutest.Start(t, emulator.Config{})
	cases := []struct {
		name   string
		ctype  string
		header []string
		status int
		code   string
	}{
		{"a foreign Origin", "application/json", []string{"Origin", "https://evil.example"}, 403, "cross_site_request_refused"},
		{"a localhost app's Origin", "application/json", []string{"Origin", "http://localhost:3000"}, 403, "cross_site_request_refused"},
		{"Sec-Fetch-Site: cross-site", "application/json", []string{"Sec-Fetch-Site", "cross-site"}, 403, "cross_site_request_refused"},
		{"a text/plain body", "text/plain", nil, 415, "unsupported_media_type"},
		{"a form body", "application/x-www-form-urlencoded", nil, 415, "unsupported_media_type"},
		{"the emulator's own origin", "application/json", []string{"Origin", srv.URL}, 200, ""},
		{"no Origin, JSON", "application/json", nil, 200, ""},
		{"no Origin, YAML", "application/yaml", nil, 200, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := append([]string{"Content-Type", tc.ctype}, tc.header...)
			path, body := "/_emulator/clock", `{"advance":"1s"}`
			if tc.ctype == "application/yaml" {
				path, body = "/_emulator/fixtures", "users: [{email: yaml@example.com}]"
			}
			r := srv.Do(t, http.MethodPost, path, strings.NewReader(body), h...)
			if tc.code != "" {
				emutest.WantError(t, r, tc.status, tc.code)
				return
			}
			if r.Status != tc.status {
				t.Fatalf("%d %s", r.Status, r.Body)
			}
		})
	}
}
