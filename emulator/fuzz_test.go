package emulator_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// FuzzOAuthForms throws arbitrary bodies, content types and Authorization
// headers at the form decoders of /oauth2/introspection and /oauth2/token.
// Property: never a 5xx or a panic; every answer is JSON.
func FuzzOAuthForms(f *testing.F) {
	srv := emutest.New(f, emulator.Config{Clock: emutest.T0})
	h := srv.Handler()
	s, _ := srv.Session(emutest.AliceSession)
	seeds := []string{
		"grant_type=client_credentials&client_id=" + emutest.M2MClientID + "&client_secret=" + emutest.M2MSecret,
		"grant_type=refresh_token&refresh_token=" + emutest.AliceRefresh + "&client_id=" + emutest.OAuthClientID + "&client_secret=" + emutest.OAuthSecret,
		"client_id=" + emutest.OAuthClientID + "&client_secret=" + emutest.OAuthSecret + "&token=" + s.AccessToken,
		"token=%zz", "a=1&a=2", "client_id=%ff", "", "&&&==", "scope=" + string(bytes.Repeat([]byte("x "), 100)),
	}
	for i, body := range seeds {
		f.Add(i%2 == 0, body, "application/x-www-form-urlencoded", "")
	}
	f.Add(true, `{"token":"x"}`, "application/json", "")
	f.Add(false, "grant_type=client_credentials", "application/x-www-form-urlencoded", "Basic !!!")
	f.Add(false, "grant_type=client_credentials", "application/x-www-form-urlencoded; charset=utf-8", "Basic Y2xpZW50OnNlY3JldA==")
	f.Fuzz(func(t *testing.T, introspection bool, body, contentType, authorization string) {
		path := "/oauth2/token"
		if introspection {
			path = "/oauth2/introspection"
		}
		req := httptest.NewRequest(http.MethodPost, path, bytes.NewBufferString(body))
		req.Header.Set("Content-Type", contentType)
		if authorization != "" {
			req.Header.Set("Authorization", authorization)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s answered %d: %s", path, rec.Code, rec.Body)
		}
		if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
			t.Fatalf("%s answered Content-Type %q", path, ct)
		}
	})
}
