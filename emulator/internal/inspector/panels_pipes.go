package inspector

import (
	"strings"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// The panels of Pipes: the data integrations (client secrets by their last
// characters) and users' connected accounts (tokens, API keys and client
// secrets redacted: the page shows whether they are set and when the
// access token expires, never their values).

func dataIntegrationsPanel() Panel {
	return Panel{
		ID: "data_integrations", Title: "Data integrations", Columns: []string{"id", "slug", "name", "auth methods", "credentials", "accounts", "state"},
		Filters: []Filter{{Name: "state", Label: "state", Options: []string{"enabled", "disabled"}}},
		Rows: func(v View, q Query) []Row {
			accounts := map[string]int{}
			for _, a := range v.Tx.ConnectedAccounts() {
				accounts[a.IntegrationID]++
			}
			var out []Row
			newestFirst(v.Tx.DataIntegrations(), func(d *store.DataIntegration) {
				state := "disabled"
				if d.Enabled {
					state = "enabled"
				}
				desc := ""
				if d.Description != nil {
					desc = *d.Description
				}
				if (q.Filter("state") != "" && q.Filter("state") != state) || !q.Match(d.ID, d.Slug, d.Name, desc) {
					return
				}
				out = append(out, Row{ID: d.ID, Status: state, Cells: []string{d.ID, d.Slug, d.Name, strings.Join(d.AuthMethods, ", "),
					d.Credentials, itoa(accounts[d.ID]), state}})
			})
			return out
		},
		Detail: func(v View, id string) any {
			d := v.Tx.DataIntegrationByID(id)
			if d == nil {
				return nil
			}
			var creds any
			if d.Credentials != "" {
				creds = wire.Object{{"type", d.Credentials}, {"client_id", wire.Opt(d.ClientID)}, {"client_secret", hint(d.ClientSecret)}}
			}
			var custom any
			if p := d.Custom; p != nil {
				custom = wire.Object{{"name", p.Name}, {"authorization_url", p.AuthorizationURL}, {"token_url", p.TokenURL},
					{"refresh_token_url", p.RefreshTokenURL}, {"pkce_enabled", p.PKCEEnabled}}
			}
			return wire.Object{{"id", d.ID}, {"slug", d.Slug}, {"name", d.Name}, {"description", d.Description}, {"enabled", d.Enabled},
				{"scopes", d.Scopes}, {"auth_methods", wire.NonNil(d.AuthMethods)}, {"credentials", creds}, {"config", wire.CopyMap(d.Config)},
				{"custom_provider", custom}, {"access_token_ttl", d.TokenTTL.String()}, {"refresh_tokens", d.Refreshable},
				{"created_at", wire.Time(d.CreatedAt)}, {"updated_at", wire.Time(d.UpdatedAt)}}
		},
	}
}

func connectedAccountsPanel() Panel {
	return Panel{
		ID: "connected_accounts", Title: "Connected accounts", Columns: []string{"id", "integration", "user", "organization", "auth method", "scopes", "token expires", "state"},
		Filters: []Filter{{Name: "state", Label: "state", Options: []string{fixtures.AccountConnected, fixtures.AccountNeedsReauthorization}}},
		Rows: func(v View, q Query) []Row {
			var out []Row
			newestFirst(v.Tx.ConnectedAccounts(), func(a *store.ConnectedAccount) {
				email, org := userEmail(v.Tx, a.UserID), orgName(v.Tx, a.OrgID)
				if (q.Filter("state") != "" && a.State != q.Filter("state")) || !q.Match(a.ID, a.Slug, a.IntegrationID, a.UserID, email, a.OrgID, org) {
					return
				}
				expires := ""
				if !a.ExpiresAt.IsZero() {
					expires = wire.Time(a.ExpiresAt)
				}
				out = append(out, Row{ID: a.ID, Status: a.State, Cells: []string{a.ID, a.Slug, email, org, a.AuthMethod, strings.Join(a.Scopes, " "), expires, a.State}})
			})
			return out
		},
		Detail: func(v View, id string) any {
			for _, a := range v.Tx.ConnectedAccounts() {
				if a.ID != id {
					continue
				}
				var expires any
				if !a.ExpiresAt.IsZero() {
					expires = wire.Time(a.ExpiresAt)
				}
				return wire.Object{{"id", a.ID}, {"data_integration_id", a.IntegrationID}, {"provider_slug", a.Slug},
					{"user", wire.Object{{"id", a.UserID}, {"email", userEmail(v.Tx, a.UserID)}}}, {"organization_id", wire.Opt(a.OrgID)},
					{"auth_method", a.AuthMethod}, {"scopes", wire.NonNil(a.Scopes)}, {"state", a.State},
					{"access_token", redacted(a.AccessToken)}, {"refresh_token", redacted(a.RefreshToken)}, {"access_token_expires_at", expires},
					{"api_key", hint(a.APIKey)}, {"client_id", wire.Opt(a.ClientID)}, {"client_secret", hint(a.ClientSecret)},
					{"config", wire.CopyMap(a.Config)}, {"created_at", wire.Time(a.CreatedAt)}, {"updated_at", wire.Time(a.UpdatedAt)}}
			}
			return nil
		},
	}
}
