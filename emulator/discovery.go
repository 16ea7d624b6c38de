package emulator

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// discoveryDocs are the two metadata documents, rendered once per instance:
// they depend only on the configured issuer and public URL, never on the
// request's Host header.
type discoveryDocs struct {
	openid []byte
	oauth  []byte
}

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

// newDiscoveryDocs renders the field sets of a real AuthKit tenant
// (reference §5.1): the OIDC document lists client_credentials and userinfo;
// the RFC 8414 one adds PKCE methods and registration.
func newDiscoveryDocs(env *environment) discoveryDocs {
	base := env.publicURL
	openid := object{
		{"issuer", env.issuer},
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
	}
	oauth := object{
		{"authorization_endpoint", base + "/oauth2/authorize"},
		{"client_id_metadata_document_supported", false},
		{"code_challenge_methods_supported", challengeMethods},
		{"device_authorization_endpoint", base + "/oauth2/device_authorization"},
		{"grant_types_supported", grantsRFC8414},
		{"introspection_endpoint", base + "/oauth2/introspection"},
		{"issuer", env.issuer},
		{"jwks_uri", base + "/oauth2/jwks"},
		{"scopes_supported", scopesSupported},
		{"response_modes_supported", responseModes},
		{"response_types_supported", responseTypes},
		{"token_endpoint", base + "/oauth2/token"},
		{"token_endpoint_auth_methods_supported", authMethodsRFC8414},
	}
	d := discoveryDocs{}
	d.openid, _ = marshalNoEscape(openid)
	d.oauth, _ = marshalNoEscape(oauth)
	return d
}

// openidConfiguration serves GET /.well-known/openid-configuration.
func (s *Server) openidConfiguration(c echo.Context) error {
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, s.discovery.openid)
}

// oauthServerMetadata serves GET /.well-known/oauth-authorization-server.
func (s *Server) oauthServerMetadata(c echo.Context) error {
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, s.discovery.oauth)
}
