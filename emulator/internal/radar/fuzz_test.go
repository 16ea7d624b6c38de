package radar_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// FuzzRadarInputs sends fuzzed bodies to the control plane's switch and to
// the list routes (with fuzzed list types), then a sign-in. Properties:
// never a 5xx, every answer JSON (or an empty 204), the sign-in answers one
// of the outcomes Radar allows (200, a challenge, a block), and GET
// /_emulator/radar still answers.
func FuzzRadarInputs(f *testing.F) {
	srv := emutest.New(f, emulator.Config{Clock: emutest.T0})
	for _, s := range []string{`{"verdict":"challenge","count":1}`, `{"verdict":"block"}`, `{"verdict":"challenge","challenge":"sms","count":-1}`,
		`{"entry":"198.51.100.0/24"}`, `{"entry":"::ffff:10.0.0.1"}`, `{"entry":"a@b.c"}`, `{"entry":null}`, `{}`, `[`, "\xff"} {
		f.Add([]byte(s), "ip_address")
		f.Add([]byte(s), "domain")
	}
	f.Fuzz(func(t *testing.T, body []byte, typ string) {
		check := func(r emutest.Response, what string) {
			if r.Status >= 500 {
				t.Fatalf("%s: %d %s", what, r.Status, r.Body)
			}
			if len(r.Body) > 0 && !json.Valid(r.Body) {
				t.Fatalf("%s: not JSON: %s", what, r.Body)
			}
		}
		check(srv.Do(t, http.MethodPost, "/_emulator/radar", bytes.NewReader(body), "Content-Type", "application/json"), "switch")
		for _, action := range []string{"block", "allow"} {
			r := srv.Do(t, http.MethodPost, "/radar/lists/"+url.PathEscape(typ)+"/"+action, bytes.NewReader(body),
				"Content-Type", "application/json", "Authorization", "Bearer "+emutest.APIKey)
			check(r, "list")
		}
		r := srv.Authenticate(t, map[string]any{"grant_type": "password", "email": "alice@example.com", "password": "wonderland", "ip_address": "198.51.100.9"})
		switch r.Status {
		case 200, 400, 403:
		default:
			t.Fatalf("sign-in: %d %s", r.Status, r.Body)
		}
		check(srv.Do(t, http.MethodGet, "/_emulator/radar", nil), "state")
		srv.ClearRadar()
	})
}
