package oauth

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
)

var (
	scopesSupported    = []string{"email", "offline_access", "openid", "profile"}
	authMethodsOIDC    = []string{"none", "client_secret_basic", "client_secret_post"}
	authMethodsRFC8414 = []string{"none", "client_secret_post", "client_secret_basic"}
	grantsOIDC         = []string{"authorization_code", "client_credentials", "refresh_token", "urn:ietf:params:oauth:grant-type:device_code"}
	grantsRFC8414      = []string{"authorization_code", "refresh_token", "urn:ietf:params:oauth:grant-type:device_code"}
	responseTypes      = []string{"code"}
	challengeMethods   = []string{"S256"}
	signingAlgs        = []string{"RS256"}
	subjectTypes       = []string{"public"}
	responseModes      = []string{"query"}
)

// OpenIDConfiguration renders the OIDC discovery document of a real AuthKit
// tenant (reference §5.1): it lists client_credentials and userinfo. It
// depends only on the configured issuer and public URL, never on the
// request's Host header.
func OpenIDConfiguration(cfg *store.Config) []byte {
	base := cfg.PublicURL
	b, _ := wire.Marshal(wire.Object{
		{"issuer", cfg.Issuer},
		{"authorization_endpoint", base + "/oauth2/authorize"},
		{"device_authorization_endpoint", base + "/oauth2/device_authorization"},
		{"grant_types_supported", grantsOIDC},
		{"id_token_signing_alg_values_supported", signingAlgs},
		{"introspection_endpoint", base + "/oauth2/introspection"},
		{"jwks_uri", base + "/oauth2/jwks"},
		{"response_types_supported", responseTypes},
		{"scopes_supported", scopesSupported},
		{"subject_types_supported", subjectTypes},
		{"token_endpoint", base + "/oauth2/token"},
		{"token_endpoint_auth_methods_supported", authMethodsOIDC},
		{"userinfo_endpoint", base + "/oauth2/userinfo"},
	})
	return b
}

// AuthorizationServerMetadata renders the RFC 8414 document: it adds PKCE
// methods and registration to the OIDC one's fields.
func AuthorizationServerMetadata(cfg *store.Config) []byte {
	base := cfg.PublicURL
	b, _ := wire.Marshal(wire.Object{
		{"authorization_endpoint", base + "/oauth2/authorize"},
		{"client_id_metadata_document_supported", false},
		{"code_challenge_methods_supported", challengeMethods},
		{"device_authorization_endpoint", base + "/oauth2/device_authorization"},
		{"grant_types_supported", grantsRFC8414},
		{"introspection_endpoint", base + "/oauth2/introspection"},
		{"issuer", cfg.Issuer},
		{"jwks_uri", base + "/oauth2/jwks"},
		{"scopes_supported", scopesSupported},
		{"response_modes_supported", responseModes},
		{"response_types_supported", responseTypes},
		{"token_endpoint", base + "/oauth2/token"},
		{"token_endpoint_auth_methods_supported", authMethodsRFC8414},
	})
	return b
}

// openidConfiguration serves GET /.well-known/openid-configuration.
func (a *api) openidConfiguration(c echo.Context) error {
	st := a.env(c)
	doc := st.Memo("openid-configuration", func() any { return OpenIDConfiguration(st.Config()) }).([]byte)
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, doc)
}

// oauthServerMetadata serves GET /.well-known/oauth-authorization-server.
func (a *api) oauthServerMetadata(c echo.Context) error {
	st := a.env(c)
	doc := st.Memo("oauth-authorization-server", func() any { return AuthorizationServerMetadata(st.Config()) }).([]byte)
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, doc)
}
