package pipes

import (
	"maps"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// orgConfigObject renders the spec's DataIntegrationConfigurationResponse:
// what is in effect for the organization (its override, else the
// integration's).
func orgConfigObject(tx *store.Tx, orgID string, d *store.DataIntegration) wire.Object {
	oc := tx.OrgIntegrationConfig(orgID, d.Slug)
	created, updated, config := d.CreatedAt, d.UpdatedAt, d.Config
	if oc != nil {
		created, updated = oc.CreatedAt, oc.UpdatedAt
	}
	orgManaged := d.Credentials == fixtures.CredentialsOrganization
	if orgManaged {
		config = nil
		if oc != nil {
			config = oc.Config
		}
	}
	o := wire.Object{{"object", "data_integration_configuration"}, {"id", d.ID}, {"organization_id", orgID}, {"slug", d.Slug},
		{"name", d.Name}, {"enabled", tx.EnabledFor(d, orgID)}, {"scopes", scopesOrNull(tx.ScopesFor(d, orgID))},
		{"config", wire.CopyMap(config)}, {"created_at", wire.Time(created)}, {"updated_at", wire.Time(updated)}}
	if orgManaged {
		var clientID, secret string
		if oc != nil {
			clientID, secret = oc.ClientID, oc.ClientSecret
		}
		o = append(o, wire.KV{"credentials", wire.Object{{"credentials_type", fixtures.CredentialsOrganization},
			{"has_credentials", clientID != ""}, {"client_id", wire.Opt(clientID)}, {"client_secret_last_four", last4(secret)},
			{"redirect_uri", redirectURI(tx, d)}}})
	}
	return o
}

func orgFor(c echo.Context, tx *store.Tx) (string, error) {
	id := web.PathParam(c, "organizationId")
	if tx.Org(id) == nil {
		return "", web.NotFound("Organization", id)
	}
	return id, nil
}

// listOrgConfigs serves GET /organizations/{id}/data_integration_configurations:
// every integration, as configured for the organization.
func (a *api) listOrgConfigs(c echo.Context) error {
	return web.Read(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		orgID, err := orgFor(c, tx)
		if err != nil {
			return nil, err
		}
		data := []wire.Object{}
		for _, d := range tx.DataIntegrations() {
			data = append(data, orgConfigObject(tx, orgID, d))
		}
		return wire.Object{{"object", "list"}, {"data", data}}, nil
	})
}

// configureOrg serves PUT /organizations/{id}/data_integration_configurations/{slug}:
// the organization's override of enabled and scopes (null inherits), and,
// for organization-managed credentials, its OAuth app and config.
func (a *api) configureOrg(c echo.Context) error {
	b, err := web.Decode(c, web.APIBody)
	if err != nil {
		return err
	}
	var enabled *bool
	if b.Given("enabled") {
		e := b.Bool("enabled")
		enabled = &e
	}
	scopesSet, scopes := b.Has("scopes"), b.Strings("scopes")
	if scopesSet && !b.Null("scopes") && scopes == nil {
		scopes = []string{}
	}
	clientID, secret := b.OptStr("client_id"), b.OptStr("client_secret")
	config := web.Get[map[string]string](&b, "config", nil, "must_be_an_object_of_strings")
	if err := b.Err(); err != nil {
		return badRequest("The body has members of the wrong type: " + web.Text(err))
	}
	if (clientID == nil) != (secret == nil) || (clientID != nil && (*clientID == "" || *secret == "")) {
		return badRequest("client_id and client_secret go together, and neither is empty.")
	}
	return web.Write(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		orgID, err := orgFor(c, tx)
		if err != nil {
			return nil, err
		}
		d, err := integrationFor(c, tx)
		if err != nil {
			return nil, err
		}
		orgManaged := d.Credentials == fixtures.CredentialsOrganization
		if (clientID != nil || config != nil) && !orgManaged {
			return nil, unprocessable("The " + d.Slug + " integration's credentials and config are not the organization's to supply.")
		}
		oc := tx.OrgIntegrationConfig(orgID, d.Slug)
		if oc == nil {
			oc = &store.OrgIntegrationConfig{OrgID: orgID, Slug: d.Slug, Config: map[string]string{}, CreatedAt: tx.Now()}
			tx.SetOrgIntegrationConfig(oc)
		}
		if enabled != nil {
			oc.Enabled = enabled
		}
		if scopesSet {
			oc.Scopes = scopes
		}
		if clientID != nil {
			oc.ClientID, oc.ClientSecret = *clientID, *secret
		}
		if config != nil {
			oc.Config = maps.Clone(config)
		}
		oc.UpdatedAt = tx.Now()
		return orgConfigObject(tx, orgID, d), nil
	})
}
