package pipes

import (
	"maps"
	"net/http"
	"slices"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// tenant is the user (and organization) a credentials request names.
type tenant struct{ userID, orgID string }

// decodeTenant decodes a credentials request's body and the tenant it
// names; the caller reads its other fields from the body.
func decodeTenant(c echo.Context) (web.Body, tenant, error) {
	b, err := web.Decode(c, web.APIBody)
	if err != nil {
		return b, tenant{}, err
	}
	t := tenant{userID: b.Str("user_id"), orgID: b.Str("organization_id")}
	if err := b.Err(); err != nil || t.userID == "" {
		return b, t, badRequest("user_id is required; user_id and organization_id are strings.")
	}
	return b, t, nil
}

// lookup finds the integration, checks the user and organization exist,
// and returns the tenant's account (nil when not installed).
func (t tenant) lookup(c echo.Context, tx *store.Tx) (*store.DataIntegration, *store.ConnectedAccount, error) {
	d, err := integrationFor(c, tx)
	if err != nil {
		return nil, nil, err
	}
	if _, err := userFor(tx, t.userID); err != nil {
		return nil, nil, err
	}
	if err := orgCheck(tx, t.orgID); err != nil {
		return nil, nil, err
	}
	return d, tx.ConnectedAccount(d, t.userID, t.orgID), nil
}

// inactive is the answer when the tenant has no usable credential:
// reason is not_installed or needs_reauthorization.
func inactive(reason string) wire.Object { return wire.Object{{"active", false}, {"error", reason}} }

const notInstalled = "not_installed"

// freshOAuth makes sure an OAuth account's access token is valid now: an
// expired one is refreshed when the account has a refresh token (the
// emulated provider issues a new access token), and otherwise the account
// needs reauthorization (announced once). It reports whether the account
// has a valid token.
func freshOAuth(tx *store.Tx, d *store.DataIntegration, a *store.ConnectedAccount) bool {
	if a.State != fixtures.AccountConnected {
		return false
	}
	if a.AccessToken != "" && (a.ExpiresAt.IsZero() || tx.Now().Before(a.ExpiresAt)) {
		return true
	}
	if a.RefreshToken != "" {
		a.AccessToken = tx.Token(store.PipesTokenLength)
		a.ExpiresAt = tx.Now().Add(d.TokenTTL)
		a.UpdatedAt = tx.Now()
		return true
	}
	a.State, a.UpdatedAt = fixtures.AccountNeedsReauthorization, tx.Now()
	tx.Emit("pipes.connected_account.reauthorization_needed", a.OrgID, store.PipesAccountObject(a))
	return false
}

// oauthToken is the token part of an answer: value, expiry, scopes.
func oauthToken(tx *store.Tx, d *store.DataIntegration, a *store.ConnectedAccount) (expires any, scopes, missing []string) {
	if !a.ExpiresAt.IsZero() {
		expires = wire.Time(a.ExpiresAt)
	}
	return expires, wire.NonNil(a.Scopes), missingScopes(tx.ScopesFor(d, a.OrgID), a.Scopes)
}

// token serves POST /data-integrations/{slug}/token: a valid access token
// for the user's OAuth account, refreshed when it has expired.
func (a *api) token(c echo.Context) error {
	_, t, err := decodeTenant(c)
	if err != nil {
		return err
	}
	return web.Write(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		d, acc, err := t.lookup(c, tx)
		switch {
		case err != nil:
			return nil, err
		case acc == nil:
			return inactive(notInstalled), nil
		case acc.AuthMethod != fixtures.AuthMethodOAuth:
			return nil, mismatch(acc, fixtures.AuthMethodOAuth)
		case !freshOAuth(tx, d, acc):
			return inactive(fixtures.AccountNeedsReauthorization), nil
		}
		exp, scopes, missing := oauthToken(tx, d, acc)
		return wire.Object{{"active", true}, {"access_token", wire.Object{{"object", "access_token"},
			{"access_token", acc.AccessToken}, {"expires_at", exp}, {"scopes", scopes}, {"missing_scopes", missing}}}}, nil
	})
}

// vendCredentials serves POST /data-integrations/{slug}/credentials: the
// credential of the user's account, whatever its auth method (an OAuth or
// client-credentials token, refreshed or minted as needed; an API key).
func (a *api) vendCredentials(c echo.Context) error {
	_, t, err := decodeTenant(c)
	if err != nil {
		return err
	}
	return web.Write(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		d, acc, err := t.lookup(c, tx)
		switch {
		case err != nil:
			return nil, err
		case acc == nil:
			return inactive(notInstalled), nil
		case acc.State != fixtures.AccountConnected:
			return inactive(fixtures.AccountNeedsReauthorization), nil
		}
		cred := wire.Object{{"object", "credential"}, {"auth_method", acc.AuthMethod}}
		switch acc.AuthMethod {
		case fixtures.AuthMethodAPIKey:
			cred = append(cred, wire.KV{"value", acc.APIKey})
		case fixtures.AuthMethodClientCredentials:
			// The emulated provider's client-credentials grant: a token
			// for the stored client, reused until it expires.
			if acc.AccessToken == "" || !tx.Now().Before(acc.ExpiresAt) {
				acc.AccessToken, acc.ExpiresAt = tx.Token(store.PipesTokenLength), tx.Now().Add(d.TokenTTL)
			}
			exp, scopes, missing := oauthToken(tx, d, acc)
			cred = append(cred, wire.KV{"value", acc.AccessToken}, wire.KV{"expires_at", exp}, wire.KV{"scopes", scopes},
				wire.KV{"missing_scopes", missing}, wire.KV{"metadata", wire.Object{}})
		default:
			if !freshOAuth(tx, d, acc) {
				return inactive(fixtures.AccountNeedsReauthorization), nil
			}
			exp, scopes, missing := oauthToken(tx, d, acc)
			cred = append(cred, wire.KV{"value", acc.AccessToken}, wire.KV{"expires_at", exp}, wire.KV{"scopes", scopes},
				wire.KV{"missing_scopes", missing})
		}
		return wire.Object{{"active", true}, {"credential", cred}}, nil
	})
}

// upsertAPIKey serves PUT /data-integrations/{slug}/api-key: installs the
// user's API key, or rotates it.
func (a *api) upsertAPIKey(c echo.Context) error {
	b, t, err := decodeTenant(c)
	if err != nil {
		return err
	}
	secret := b.Str("secret")
	if b.Err() != nil || secret == "" {
		return badRequest("secret is required.")
	}
	return web.Write(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		d, err := integrationFor(c, tx)
		if err != nil {
			return nil, err
		}
		if !d.Supports(fixtures.AuthMethodAPIKey) {
			return nil, badRequest("The " + d.Slug + " integration does not take API keys.")
		}
		acc, err := installAPIKey(tx, d, t.userID, t.orgID, secret)
		if err != nil {
			return nil, err
		}
		return accountObject(acc), nil
	})
}

// upsertClientCredentials serves PUT /data-integrations/{slug}/client-credentials:
// installs the user's OAuth client, or rotates it.
func (a *api) upsertClientCredentials(c echo.Context) error {
	b, t, err := decodeTenant(c)
	if err != nil {
		return err
	}
	clientID, secret := b.Str("client_id"), b.Str("client_secret")
	config := web.Get[map[string]string](&b, "config", nil, "must_be_an_object_of_strings")
	if b.Err() != nil || clientID == "" || secret == "" {
		return badRequest("client_id and client_secret are required; config is an object of strings.")
	}
	return web.Write(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		d, acc, err := t.lookup(c, tx)
		if err != nil {
			return nil, err
		}
		if !d.Supports(fixtures.AuthMethodClientCredentials) {
			return nil, badRequest("The " + d.Slug + " integration does not take client credentials.")
		}
		if acc != nil && acc.AuthMethod != fixtures.AuthMethodClientCredentials {
			return nil, mismatch(acc, fixtures.AuthMethodClientCredentials)
		}
		fresh := acc == nil
		if fresh {
			acc = &store.ConnectedAccount{ID: tx.NewID(fixtures.PrefixConnectedAccount), IntegrationID: d.ID, Slug: d.Slug,
				UserID: t.userID, OrgID: t.orgID, AuthMethod: fixtures.AuthMethodClientCredentials,
				Scopes: slices.Clone(tx.ScopesFor(d, t.orgID)), State: fixtures.AccountConnected, Config: map[string]string{}, CreatedAt: tx.Now()}
			tx.AddConnectedAccount(acc)
		}
		if acc.ClientID != clientID || acc.ClientSecret != secret {
			acc.AccessToken, acc.ExpiresAt = "", time.Time{} // a new client gets a new token
		}
		acc.ClientID, acc.ClientSecret, acc.UpdatedAt = clientID, secret, tx.Now()
		if config != nil {
			acc.Config = maps.Clone(config)
		}
		if fresh || acc.State != fixtures.AccountConnected {
			acc.State = fixtures.AccountConnected
			tx.Emit("pipes.connected_account.connected", t.orgID, store.PipesAccountObject(acc))
		}
		return accountObject(acc), nil
	})
}
