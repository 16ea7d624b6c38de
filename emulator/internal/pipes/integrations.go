package pipes

import (
	"encoding/json"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// credentialsInput is the spec's DataIntegrationCredentialsDto.
type credentialsInput struct {
	Type         string `json:"type"`
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
}

// apiKeyInput is the spec's ApiKeyInstallationDto.
type apiKeyInput struct {
	Secret         string `json:"secret"`
	UserID         string `json:"user_id"`
	OrganizationID string `json:"organization_id"`
}

// customInput is the spec's custom provider definition (create and
// update): absent members keep their value.
type customInput struct {
	Name                              *string           `json:"name"`
	AuthorizationURL                  *string           `json:"authorization_url"`
	TokenURL                          *string           `json:"token_url"`
	RefreshTokenURL                   *string           `json:"refresh_token_url"`
	PKCEEnabled                       *bool             `json:"pkce_enabled"`
	RequestScopeSeparator             *string           `json:"request_scope_separator"`
	ScopesRequired                    *bool             `json:"scopes_required"`
	ClientSecretRequired              *bool             `json:"client_secret_required"`
	AdditionalAuthorizationParameters map[string]string `json:"additional_authorization_parameters"`
	TokenBodyContentType              *string           `json:"token_body_content_type"`
	AuthenticateVia                   *string           `json:"authenticate_via"`
}

// integrationInput is what create and update read.
type integrationInput struct {
	provider    string
	description *string
	descSet     bool
	enabled     *bool
	scopes      []string
	scopesSet   bool
	authMethods []string
	config      map[string]string
	creds       *credentialsInput
	apiKey      *apiKeyInput
	custom      *customInput
}

// object decodes body member k into v when it is present and not null.
func object[T any](b *web.Body, k string) (*T, error) {
	if !b.Given(k) {
		return nil, nil
	}
	v := new(T)
	if json.Unmarshal(b.Raw(k), v) != nil {
		return nil, badRequest(k + " must be an object of the documented shape.")
	}
	return v, nil
}

func absoluteURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && len(s) <= fixtures.MaxURLLength
}

func readIntegration(b *web.Body, create bool) (integrationInput, error) {
	in := integrationInput{provider: b.Str("provider"), description: b.OptStr("description"), descSet: b.Has("description")}
	if b.Given("enabled") {
		e := b.Bool("enabled")
		in.enabled = &e
	}
	in.scopesSet = b.Has("scopes")
	in.scopes = b.Strings("scopes")
	if in.scopesSet && !b.Null("scopes") && in.scopes == nil {
		in.scopes = []string{}
	}
	in.authMethods = b.Strings("auth_methods")
	in.config = web.Get[map[string]string](b, "config", nil, "must_be_an_object_of_strings")
	if err := b.Err(); err != nil {
		return in, badRequest("The body has members of the wrong type: " + web.Text(err))
	}
	var err error
	if in.creds, err = object[credentialsInput](b, "credentials"); err != nil {
		return in, err
	}
	if in.apiKey, err = object[apiKeyInput](b, "api_key"); err != nil {
		return in, err
	}
	if in.custom, err = object[customInput](b, "custom_provider"); err != nil {
		return in, err
	}
	if create && in.provider == "" {
		return in, badRequest("provider is required.")
	}
	for _, m := range in.authMethods {
		if m != fixtures.AuthMethodOAuth && m != fixtures.AuthMethodAPIKey && m != fixtures.AuthMethodClientCredentials {
			return in, badRequest("auth_methods: " + web.Printable(m) + " is not oauth, api_key or client_credentials.")
		}
	}
	if b.Has("auth_methods") && len(in.authMethods) == 0 {
		return in, badRequest("auth_methods must list at least one method.")
	}
	if c := in.custom; c != nil {
		for _, u := range []*string{c.AuthorizationURL, c.TokenURL, c.RefreshTokenURL} {
			if u != nil && !absoluteURL(*u) {
				return in, badRequest("custom_provider: " + web.Printable(*u) + " is not an absolute http(s) URL.")
			}
		}
		if c.AuthenticateVia != nil && *c.AuthenticateVia != "request_body" && *c.AuthenticateVia != "basic_auth_header" {
			return in, badRequest("custom_provider.authenticate_via is request_body or basic_auth_header.")
		}
	}
	if in.apiKey != nil && (len(in.apiKey.Secret) < 5 || in.apiKey.UserID == "") {
		return in, badRequest("api_key needs a user_id and a secret of at least 5 characters.")
	}
	return in, nil
}

// applyCredentials checks and sets an integration's OAuth credentials.
func applyCredentials(d *store.DataIntegration, c *credentialsInput) error {
	if c == nil {
		return nil
	}
	if !d.Supports(fixtures.AuthMethodOAuth) {
		return unprocessable("Only an oauth integration has OAuth credentials.")
	}
	switch c.Type {
	case fixtures.CredentialsCustom:
		if c.ClientID == "" || c.ClientSecret == "" {
			return unprocessable("custom credentials need a client_id and a client_secret.")
		}
	case fixtures.CredentialsOrganization:
		if c.ClientID != "" || c.ClientSecret != "" {
			return unprocessable("organization credentials are supplied by each organization: omit client_id and client_secret.")
		}
	default:
		return badRequest("credentials.type is custom or organization.")
	}
	d.Credentials, d.ClientID, d.ClientSecret = c.Type, c.ClientID, c.ClientSecret
	return nil
}

// applyCustom sets a custom provider's definition from its input.
func applyCustom(p *store.CustomProvider, c *customInput) {
	set := func(dst **string, v *string) {
		if v != nil {
			s := *v
			*dst = &s
		}
	}
	if c.Name != nil {
		p.Name = *c.Name
	}
	set(&p.AuthorizationURL, c.AuthorizationURL)
	set(&p.TokenURL, c.TokenURL)
	set(&p.RefreshTokenURL, c.RefreshTokenURL)
	for _, f := range []struct {
		dst *bool
		v   *bool
	}{{&p.PKCEEnabled, c.PKCEEnabled}, {&p.ScopesRequired, c.ScopesRequired}, {&p.ClientSecretRequired, c.ClientSecretRequired}} {
		if f.v != nil {
			*f.dst = *f.v
		}
	}
	for _, f := range []struct {
		dst *string
		v   *string
	}{{&p.RequestScopeSeparator, c.RequestScopeSeparator}, {&p.TokenBodyContentType, c.TokenBodyContentType}, {&p.AuthenticateVia, c.AuthenticateVia}} {
		if f.v != nil {
			*f.dst = *f.v
		}
	}
	if c.AdditionalAuthorizationParameters != nil {
		p.AdditionalAuthorizationParameters = c.AdditionalAuthorizationParameters
	}
}

// installAPIKey installs (or rotates) an api_key account for a user, as
// the create and update bodies' api_key block and PUT .../api-key do.
func installAPIKey(tx *store.Tx, d *store.DataIntegration, userID, orgID, secret string) (*store.ConnectedAccount, error) {
	if _, err := userFor(tx, userID); err != nil {
		return nil, err
	}
	if err := orgCheck(tx, orgID); err != nil {
		return nil, err
	}
	a := tx.ConnectedAccount(d, userID, orgID)
	if a != nil && a.AuthMethod != fixtures.AuthMethodAPIKey {
		return nil, mismatch(a, fixtures.AuthMethodAPIKey)
	}
	if a == nil {
		a = &store.ConnectedAccount{ID: tx.NewID(fixtures.PrefixConnectedAccount), IntegrationID: d.ID, Slug: d.Slug, UserID: userID, OrgID: orgID,
			AuthMethod: fixtures.AuthMethodAPIKey, Scopes: []string{}, State: fixtures.AccountConnected, Config: map[string]string{},
			APIKey: secret, CreatedAt: tx.Now(), UpdatedAt: tx.Now()}
		tx.AddConnectedAccount(a)
		tx.Emit("pipes.connected_account.connected", orgID, store.PipesAccountObject(a))
		return a, nil
	}
	a.APIKey, a.UpdatedAt = secret, tx.Now()
	if a.State != fixtures.AccountConnected {
		a.State = fixtures.AccountConnected
		tx.Emit("pipes.connected_account.connected", orgID, store.PipesAccountObject(a))
	}
	return a, nil
}

// createIntegration serves POST /data-integrations (201).
func (a *api) createIntegration(c echo.Context) error {
	b, err := web.Decode(c, web.APIBody)
	if err != nil {
		return err
	}
	in, err := readIntegration(&b, true)
	if err != nil {
		return err
	}
	return web.Write(c, a.env(c), http.StatusCreated, func(tx *store.Tx) (any, error) {
		builtin := fixtures.BuiltinProvider(in.provider)
		switch {
		case !fixtures.ValidSlug(in.provider):
			return nil, unprocessable("provider: " + web.Printable(in.provider) + " is not a provider slug (lower-case letters, digits, - and _).")
		case builtin != nil && in.custom != nil:
			return nil, unprocessable("A custom provider cannot use the slug of the built-in provider " + in.provider + ".")
		case builtin == nil && in.custom == nil:
			return nil, web.NotFound("Provider", in.provider)
		case tx.DataIntegration(in.provider) != nil:
			return nil, web.APIError(http.StatusConflict, web.CodeConflict, "A data integration with the slug "+in.provider+" already exists in the environment.")
		}
		d := &store.DataIntegration{ID: tx.NewID(fixtures.PrefixDataIntegration), Slug: in.provider, Description: in.description,
			Enabled: in.enabled != nil && *in.enabled, Scopes: in.scopes, AuthMethods: in.authMethods, Config: map[string]string{},
			TokenTTL: store.DefaultPipesTokenTTL, Refreshable: true, CreatedAt: tx.Now(), UpdatedAt: tx.Now()}
		if len(d.AuthMethods) == 0 {
			d.AuthMethods = fixtures.DefaultAuthMethods()
		}
		if in.config != nil {
			d.Config = in.config
		}
		if builtin != nil {
			d.Name = builtin.Name
		} else {
			if in.custom.Name == nil || *in.custom.Name == "" {
				return nil, unprocessable("custom_provider.name is required.")
			}
			d.Custom = store.DefaultCustomProvider(*in.custom.Name)
			applyCustom(d.Custom, in.custom)
			d.Name = d.Custom.Name
			if d.Supports(fixtures.AuthMethodOAuth) && (d.Custom.AuthorizationURL == nil || d.Custom.TokenURL == nil) {
				return nil, unprocessable("An oauth custom provider needs an authorization_url and a token_url.")
			}
		}
		if d.Supports(fixtures.AuthMethodOAuth) && in.creds == nil {
			return nil, unprocessable("An oauth integration needs credentials: custom (your OAuth app) or organization.")
		}
		if err := applyCredentials(d, in.creds); err != nil {
			return nil, err
		}
		if in.apiKey != nil && !d.Supports(fixtures.AuthMethodAPIKey) {
			return nil, unprocessable("api_key installs a tenant of an api_key integration only.")
		}
		var installed *store.ConnectedAccount
		if in.apiKey != nil {
			// The checks of the installation come before any change.
			if _, err := userFor(tx, in.apiKey.UserID); err != nil {
				return nil, err
			}
			if err := orgCheck(tx, in.apiKey.OrganizationID); err != nil {
				return nil, err
			}
		}
		tx.AddDataIntegration(d)
		if in.apiKey != nil {
			installed, _ = installAPIKey(tx, d, in.apiKey.UserID, in.apiKey.OrganizationID, in.apiKey.Secret)
		}
		return integrationObject(tx, d, installed), nil
	})
}

// listIntegrations serves GET /data-integrations, newest first.
func (a *api) listIntegrations(c echo.Context) error {
	pg, err := web.ParsePage(c.QueryParams())
	if err != nil {
		return err
	}
	return web.Read(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		return web.PageOf(tx, tx.DataIntegrations(), pg, func(d *store.DataIntegration) any { return integrationObject(tx, d, nil) })
	})
}

// getIntegration serves GET /data-integrations/{slug}.
func (a *api) getIntegration(c echo.Context) error {
	return web.Read(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		d, err := integrationFor(c, tx)
		if err != nil {
			return nil, err
		}
		return integrationObject(tx, d, nil), nil
	})
}

// updateIntegration serves PUT /data-integrations/{slug}: what the body
// sets changes (scopes null goes back to the provider's), the rest stays.
func (a *api) updateIntegration(c echo.Context) error {
	b, err := web.Decode(c, web.APIBody)
	if err != nil {
		return err
	}
	in, err := readIntegration(&b, false)
	if err != nil {
		return err
	}
	return web.Write(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		d, err := integrationFor(c, tx)
		if err != nil {
			return nil, err
		}
		next := *d // checked on a copy: a refused update changes nothing
		if in.descSet {
			next.Description = in.description
		}
		if in.enabled != nil {
			next.Enabled = *in.enabled
		}
		if in.scopesSet {
			next.Scopes = in.scopes
		}
		if err := applyCredentials(&next, in.creds); err != nil {
			return nil, err
		}
		if in.custom != nil {
			if d.Custom == nil {
				return nil, unprocessable("custom_provider applies to custom providers only; " + d.Slug + " is built in.")
			}
			custom := *d.Custom
			applyCustom(&custom, in.custom)
			next.Custom, next.Name = &custom, custom.Name
		}
		if in.apiKey != nil {
			if !d.Supports(fixtures.AuthMethodAPIKey) {
				return nil, unprocessable("api_key installs a tenant of an api_key integration only.")
			}
			if a := tx.ConnectedAccount(d, in.apiKey.UserID, in.apiKey.OrganizationID); a != nil && a.AuthMethod != fixtures.AuthMethodAPIKey {
				return nil, mismatch(a, fixtures.AuthMethodAPIKey)
			}
			if _, err := userFor(tx, in.apiKey.UserID); err != nil {
				return nil, err
			}
			if err := orgCheck(tx, in.apiKey.OrganizationID); err != nil {
				return nil, err
			}
		}
		next.UpdatedAt = tx.Now()
		*d = next
		if in.apiKey != nil {
			_, _ = installAPIKey(tx, d, in.apiKey.UserID, in.apiKey.OrganizationID, in.apiKey.Secret)
		}
		return integrationObject(tx, d, nil), nil
	})
}

// deleteIntegration serves DELETE /data-integrations/{slug} (204): its
// connected accounts are disconnected.
func (a *api) deleteIntegration(c echo.Context) error {
	return web.WriteNoContent(c, a.env(c), http.StatusNoContent, func(tx *store.Tx) error {
		d, err := integrationFor(c, tx)
		if err != nil {
			return err
		}
		for _, acc := range tx.DeleteDataIntegration(d) {
			if acc.State == fixtures.AccountConnected || acc.State == fixtures.AccountNeedsReauthorization {
				tx.Emit("pipes.connected_account.disconnected", acc.OrgID, store.PipesAccountObject(acc))
			}
		}
		return nil
	})
}
