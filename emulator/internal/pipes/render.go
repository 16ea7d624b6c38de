package pipes

import (
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// last4 is the tail WorkOS shows of a secret ("" shows as null).
func last4(s string) *string {
	if s == "" {
		return nil
	}
	if len(s) > 4 {
		s = s[len(s)-4:]
	}
	return &s
}

// scopesOrNull renders a scope list where nil means "none configured".
func scopesOrNull(s []string) any {
	if s == nil {
		return nil
	}
	return s
}

// redirectURI is the callback a custom OAuth app registers with the
// provider (WorkOS's shape; the emulated providers never call it).
func redirectURI(tx *store.Tx, d *store.DataIntegration) string {
	return tx.Config().PublicURL + "/data-integrations/" + d.Slug + "/dik_" + strings.TrimPrefix(d.ID, fixtures.PrefixDataIntegration) + "/callback"
}

// integrationObject renders the spec's DataIntegration; installation is
// the account an api_key block installed (create only), else nil.
func integrationObject(tx *store.Tx, d *store.DataIntegration, installation *store.ConnectedAccount) wire.Object {
	var creds any
	switch d.Credentials {
	case fixtures.CredentialsCustom:
		creds = wire.Object{{"type", d.Credentials}, {"client_id", wire.Opt(d.ClientID)}, {"redacted_client_secret", last4(d.ClientSecret)}}
	case fixtures.CredentialsOrganization:
		creds = wire.Object{{"type", d.Credentials}, {"client_id", nil}, {"redacted_client_secret", nil}}
	}
	var inst any
	if installation != nil {
		inst = wire.Object{{"id", installation.ID}, {"user_id", installation.UserID},
			{"organization_id", wire.Opt(installation.OrgID)}, {"api_key_last_4", last4(installation.APIKey)}}
	}
	var custom any
	if p := d.Custom; p != nil {
		custom = wire.Object{{"name", p.Name}, {"authorization_url", p.AuthorizationURL}, {"token_url", p.TokenURL},
			{"refresh_token_url", p.RefreshTokenURL}, {"pkce_enabled", p.PKCEEnabled},
			{"request_scope_separator", p.RequestScopeSeparator}, {"scopes_required", p.ScopesRequired},
			{"client_secret_required", p.ClientSecretRequired},
			{"additional_authorization_parameters", wire.CopyMap(p.AdditionalAuthorizationParameters)},
			{"token_body_content_type", p.TokenBodyContentType}, {"authenticate_via", p.AuthenticateVia}}
	}
	return wire.Object{{"object", "data_integration"}, {"id", d.ID}, {"slug", d.Slug}, {"integration_type", d.Slug},
		{"description", d.Description}, {"enabled", d.Enabled}, {"state", "valid"}, {"scopes", scopesOrNull(d.Scopes)},
		{"redirect_uri", redirectURI(tx, d)}, {"auth_methods", wire.NonNil(d.AuthMethods)}, {"credentials", creds},
		{"installation", inst}, {"config", wire.CopyMap(d.Config)}, {"custom_provider", custom},
		{"created_at", wire.Time(d.CreatedAt)}, {"updated_at", wire.Time(d.UpdatedAt)}}
}

// accountObject renders the spec's ConnectedAccount.
func accountObject(a *store.ConnectedAccount) wire.Object {
	o := wire.Object{{"object", "connected_account"}, {"id", a.ID}, {"user_id", a.UserID}, {"organization_id", wire.Opt(a.OrgID)},
		{"scopes", wire.NonNil(a.Scopes)}, {"auth_method", a.AuthMethod}}
	if a.AuthMethod == fixtures.AuthMethodAPIKey {
		o = append(o, wire.KV{"api_key_last_4", last4(a.APIKey)})
	} else {
		o = append(o, wire.KV{"api_key_last_4", nil})
	}
	if a.AuthMethod == fixtures.AuthMethodClientCredentials {
		o = append(o, wire.KV{"client_id", a.ClientID}, wire.KV{"client_secret_last_4", last4(a.ClientSecret)},
			wire.KV{"config", wire.CopyMap(a.Config)})
	}
	return append(o, wire.KV{"state", a.State}, wire.KV{"created_at", wire.Time(a.CreatedAt)}, wire.KV{"updated_at", wire.Time(a.UpdatedAt)})
}

// credentialsType is the data_providers list's credentials_type: how the
// provider authenticates accounts.
func credentialsType(d *store.DataIntegration) string {
	if d.Supports(fixtures.AuthMethodOAuth) {
		return "oauth2"
	}
	return d.AuthMethods[0]
}

// providerObject renders an item of the spec's DataIntegrationsListResponse,
// with the deprecated camelCase members it still requires.
func providerObject(d *store.DataIntegration, scopes []string, a *store.ConnectedAccount) wire.Object {
	var account any
	if a != nil {
		account = append(accountObject(a), wire.KV{"userlandUserId", a.UserID}, wire.KV{"organizationId", wire.Opt(a.OrgID)},
			wire.KV{"createdAt", wire.Time(a.CreatedAt)}, wire.KV{"updatedAt", wire.Time(a.UpdatedAt)})
	}
	name := d.Name
	return wire.Object{{"object", "data_provider"}, {"id", d.ID}, {"name", name}, {"description", d.Description},
		{"slug", d.Slug}, {"integration_type", d.Slug}, {"credentials_type", credentialsType(d)},
		{"scopes", scopesOrNull(scopes)}, {"auth_methods", wire.NonNil(d.AuthMethods)}, {"ownership", "userland_user"},
		{"created_at", wire.Time(d.CreatedAt)}, {"updated_at", wire.Time(d.UpdatedAt)},
		{"integrationType", d.Slug}, {"credentialsType", credentialsType(d)},
		{"createdAt", wire.Time(d.CreatedAt)}, {"updatedAt", wire.Time(d.UpdatedAt)},
		{"connected_account", account}}
}

// missingScopes are the requested scopes a grant lacks.
func missingScopes(requested, granted []string) []string {
	out := []string{}
	for _, s := range requested {
		if !slices.Contains(granted, s) {
			out = append(out, s)
		}
	}
	return out
}

// integrationFor finds the integration the route's :slug names.
func integrationFor(c echo.Context, tx *store.Tx) (*store.DataIntegration, error) {
	slug := web.PathParam(c, "slug")
	if d := tx.DataIntegration(slug); d != nil {
		return d, nil
	}
	return nil, web.NotFound("Data integration", slug)
}

// userFor finds a user by id, or a 404.
func userFor(tx *store.Tx, id string) (*store.User, error) {
	if u := tx.User(id); u != nil {
		return u, nil
	}
	return nil, web.NotFound("User", id)
}

// orgCheck is a 404 for an organization id ("" for none) that does not
// exist.
func orgCheck(tx *store.Tx, id string) error {
	if id != "" && tx.Org(id) == nil {
		return web.NotFound("Organization", id)
	}
	return nil
}

// badRequest is the 400 of a body that is not what the operation takes.
func badRequest(msg string) *web.Error {
	return web.APIError(http.StatusBadRequest, web.CodeInvalidRequestParameters, msg)
}

// unprocessable is the 422 of a request that is well formed but cannot be
// honoured.
func unprocessable(msg string) *web.Error {
	return web.APIError(http.StatusUnprocessableEntity, web.CodeInvalidRequestParameters, msg)
}

// mismatch is the 422 of an operation for one auth method on an account
// that uses another (the spec's AuthMethodMismatchError).
func mismatch(a *store.ConnectedAccount, want string) *web.Error {
	return web.APIError(http.StatusUnprocessableEntity, "auth_method_mismatch",
		"The connected account uses "+a.AuthMethod+", not "+want+".")
}
