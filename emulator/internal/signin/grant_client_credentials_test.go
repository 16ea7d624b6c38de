package signin_test

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// TestClientCredentialsWithRealClients gets a token with x/oauth2's
// clientcredentials, has go-oidc discover the issuer and verify it against
// the JWKS, and checks introspection before and after the clock passes exp.
func TestClientCredentialsWithRealClients(t *testing.T) {
	t.Parallel()
	ts := emutest.Start(t, emulator.Config{Clock: emutest.T0})
	ctx := oidc.ClientContext(context.Background(), ts.Client)
	ctx = context.WithValue(ctx, oauth2.HTTPClient, ts.Client)

	provider, err := oidc.NewProvider(ctx, ts.URL)
	if err != nil {
		t.Fatalf("discovery: %v", err)
	}
	cfg := clientcredentials.Config{ClientID: emutest.M2MClientID, ClientSecret: emutest.M2MSecret,
		TokenURL: provider.Endpoint().TokenURL, Scopes: []string{"reports:read"}}
	tok, err := cfg.Token(ctx)
	if err != nil {
		t.Fatalf("client_credentials: %v", err)
	}
	if tok.TokenType != "bearer" || tok.Expiry.IsZero() {
		t.Fatalf("token type %q expiry %v", tok.TokenType, tok.Expiry)
	}
	verifier := provider.VerifierContext(ctx, &oidc.Config{ClientID: emutest.EnvClientID, Now: ts.Clock().Now})
	idt, err := verifier.Verify(ctx, tok.AccessToken)
	if err != nil {
		t.Fatalf("go-oidc rejects the access token: %v", err)
	}
	var claims struct {
		ClientID string `json:"client_id"`
		OrgID    string `json:"org_id"`
		Scope    string `json:"scope"`
		JTI      string `json:"jti"`
	}
	if err := idt.Claims(&claims); err != nil {
		t.Fatal(err)
	}
	if idt.Subject != emutest.M2MClientID || claims.ClientID != emutest.M2MClientID || claims.OrgID != emutest.AcmeID || claims.Scope != "reports:read" || len(claims.JTI) != 26 {
		t.Fatalf("claims: sub %s %+v", idt.Subject, claims)
	}
	if got := idt.Expiry.Sub(idt.IssuedAt); got != 5*time.Minute {
		t.Fatalf("lifetime %v, want 5m", got)
	}

	in := ts.IntrospectAs(t, emutest.M2MClientID, emutest.M2MSecret, tok.AccessToken)
	if in["active"] != true || in["token_type"] != "access_token" || in["sub"] != emutest.M2MClientID {
		t.Fatalf("introspection: %v", in)
	}
	ts.Clock().Advance(5 * time.Minute)
	if in := ts.IntrospectAs(t, emutest.M2MClientID, emutest.M2MSecret, tok.AccessToken); len(in) != 1 || in["active"] != false {
		t.Fatalf("after exp: %v", in)
	}
	ts.Clock().Advance(time.Second) // go-oidc accepts a token at exactly exp
	if _, err := verifier.Verify(ctx, tok.AccessToken); err == nil {
		t.Fatal("go-oidc accepted an expired token")
	}
}

// TestClientCredentialsErrors: the refusals of the client_credentials
// grant (client, scope, grant allowed to the application) and of the token
// endpoint's request (grant type, Basic authentication, repeated
// parameters, a JSON body).
func TestClientCredentialsErrors(t *testing.T) {
	t.Parallel()
	ts := emutest.Start(t, emulator.Config{Clock: emutest.T0})
	tests := []struct {
		name   string
		id     string
		secret string
		extra  url.Values
		status int
		code   string
	}{
		{"wrong secret", emutest.M2MClientID, "nope", nil, 401, "invalid_client"},
		{"unknown client", "client_01JGHR9D6MBAZ75T49WTR2HFYZ", emutest.M2MSecret, nil, 401, "invalid_client"},
		{"scope outside the app's", emutest.M2MClientID, emutest.M2MSecret, url.Values{"scope": {"reports:read admin"}}, 400, "invalid_scope"},
		{"grant not allowed", emutest.OAuthClientID, emutest.OAuthSecret, nil, 400, "unauthorized_client"},
		{"public client has no secret", emutest.PublicClientID, "", nil, 400, "unauthorized_client"},
		{"environment client", emutest.EnvClientID, emutest.APIKey, nil, 400, "unauthorized_client"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			emutest.WantError(t, ts.ClientCredentials(t, tc.id, tc.secret, tc.extra), tc.status, tc.code)
		})
	}
	t.Run("unsupported grant", func(t *testing.T) {
		r := ts.PostForm(t, "/oauth2/token", url.Values{"grant_type": {"password"}, "client_id": {emutest.M2MClientID}, "client_secret": {emutest.M2MSecret}})
		emutest.WantError(t, r, 400, "unsupported_grant_type")
	})
	t.Run("missing grant", func(t *testing.T) {
		emutest.WantError(t, ts.PostForm(t, "/oauth2/token", url.Values{"client_id": {emutest.M2MClientID}}), 400, "invalid_request")
	})
	t.Run("basic auth", func(t *testing.T) {
		r := ts.PostForm(t, "/oauth2/token", url.Values{"grant_type": {"client_credentials"}},
			"Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(emutest.M2MClientID+":"+emutest.M2MSecret)))
		if r.Status != 200 {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
	})
	t.Run("basic auth failure names the scheme", func(t *testing.T) {
		r := ts.PostForm(t, "/oauth2/token", url.Values{"grant_type": {"client_credentials"}},
			"Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(emutest.M2MClientID+":wrong")))
		emutest.WantError(t, r, 401, "invalid_client")
		if !strings.HasPrefix(r.Header.Get("WWW-Authenticate"), "Basic") {
			t.Fatalf("WWW-Authenticate %q", r.Header.Get("WWW-Authenticate"))
		}
	})
	t.Run("repeated parameter", func(t *testing.T) {
		r := ts.Do(t, http.MethodPost, "/oauth2/token", strings.NewReader("grant_type=client_credentials&client_id=a&client_id=b"),
			"Content-Type", "application/x-www-form-urlencoded")
		emutest.WantError(t, r, 400, "invalid_request")
	})
	t.Run("JSON body", func(t *testing.T) {
		emutest.WantError(t, ts.PostJSON(t, "/oauth2/token", map[string]string{"grant_type": "client_credentials"}), 415, "invalid_request")
	})
}
