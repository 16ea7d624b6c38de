package emutest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/go-jose/go-jose/v4"
)

// Response is an answer of the emulator's handler.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body as a JSON object, or fails the test.
func (r Response) JSON(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("body is not a JSON object (%v): %s", err, r.Body)
	}
	return m
}

// Do sends a request through the handler, without a socket. header lists
// names and values in turn.
func (s *Server) Do(t testing.TB, method, target string, body io.Reader, header ...string) Response {
	t.Helper()
	req := httptest.NewRequest(method, target, body)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	return Response{rec.Code, rec.Header(), rec.Body.Bytes()}
}

// PostForm posts an urlencoded form.
func (s *Server) PostForm(t testing.TB, target string, form url.Values, header ...string) Response {
	t.Helper()
	return s.Do(t, http.MethodPost, target, strings.NewReader(form.Encode()),
		append([]string{"Content-Type", "application/x-www-form-urlencoded"}, header...)...)
}

// PostJSON posts body encoded as JSON.
func (s *Server) PostJSON(t testing.TB, target string, body any, header ...string) Response {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	return s.Do(t, http.MethodPost, target, bytes.NewReader(b), append([]string{"Content-Type", "application/json"}, header...)...)
}

// API sends a WorkOS API request with the API key as Bearer token and body
// (when not nil) as JSON.
func (s *Server) API(t testing.TB, method, path string, body any) Response {
	t.Helper()
	key := []string{"Authorization", "Bearer " + APIKey}
	if body == nil {
		return s.Do(t, method, path, nil, key...)
	}
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	return s.Do(t, method, path, bytes.NewReader(b), append([]string{"Content-Type", "application/json"}, key...)...)
}

// Authenticate posts body as JSON to /user_management/authenticate, adding
// the environment's client id and API key as client_secret unless body has
// its own; a client_secret of "" sends none. It changes body.
func (s *Server) Authenticate(t testing.TB, body map[string]any) Response {
	t.Helper()
	if _, ok := body["client_id"]; !ok {
		body["client_id"] = EnvClientID
	}
	if secret, ok := body["client_secret"]; !ok {
		body["client_secret"] = APIKey
	} else if secret == "" {
		delete(body, "client_secret")
	}
	return s.PostJSON(t, "/user_management/authenticate", body)
}

// ClientCredentials asks /oauth2/token for a client_credentials grant,
// with the extra form parameters.
func (s *Server) ClientCredentials(t testing.TB, clientID, secret string, extra url.Values) Response {
	t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {clientID}, "client_secret": {secret}}
	for k, v := range extra {
		form[k] = v
	}
	return s.PostForm(t, "/oauth2/token", form)
}

// IntrospectAs introspects a token at /oauth2/introspection as a client
// (with its secret in the form) and returns the answer; it fails the test
// unless the answer is a 200.
func (s *Server) IntrospectAs(t testing.TB, clientID, secret, token string) map[string]any {
	t.Helper()
	r := s.PostForm(t, "/oauth2/introspection", url.Values{"client_id": {clientID}, "client_secret": {secret}, "token": {token}})
	if r.Status != http.StatusOK {
		t.Fatalf("introspection: %d %s", r.Status, r.Body)
	}
	return r.JSON(t)
}

// WantError fails the test unless r is a JSON error with the status and
// code (the OAuth "error" or the WorkOS "code" member).
func WantError(t testing.TB, r Response, status int, code string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %s", r.Status, status, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("Content-Type %q, want application/json", ct)
	}
	m := r.JSON(t)
	got, _ := m["error"].(string)
	if got == "" {
		got, _ = m["code"].(string)
	}
	if got != code {
		t.Fatalf("error code %q, want %q: %s", got, code, r.Body)
	}
}

// WantJSON fails the test unless r has the status, and returns its JSON
// object.
func WantJSON(t testing.TB, r Response, status int) map[string]any {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %s", r.Status, status, r.Body)
	}
	return r.JSON(t)
}

// SignedIn fails the test unless r is a successful authentication (200
// with user, access_token and refresh_token), and returns it.
func SignedIn(t testing.TB, r Response) map[string]any {
	t.Helper()
	if r.Status != http.StatusOK {
		t.Fatalf("authenticate: %d %s", r.Status, r.Body)
	}
	m := r.JSON(t)
	for _, k := range []string{"user", "access_token", "refresh_token"} {
		if m[k] == nil {
			t.Fatalf("response lacks %s: %s", k, r.Body)
		}
	}
	return m
}

// Claims decodes an RS256 JWT's claims without verifying its signature.
func Claims(t testing.TB, token string) map[string]any {
	t.Helper()
	jws, err := jose.ParseSigned(token, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(jws.UnsafePayloadWithoutVerification(), &m); err != nil {
		t.Fatal(err)
	}
	return m
}
