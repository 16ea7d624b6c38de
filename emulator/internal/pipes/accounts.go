package pipes

import (
	"net/http"
	"slices"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// accountRoute is what the connected account routes name: the user, the
// integration and the organization (query organization_id, "" for none).
type accountRoute struct {
	user  *store.User
	integ *store.DataIntegration
	orgID string
}

func routeOf(c echo.Context, tx *store.Tx) (accountRoute, error) {
	u, err := userFor(tx, web.PathParam(c, "user_id"))
	if err != nil {
		return accountRoute{}, err
	}
	d, err := integrationFor(c, tx)
	if err != nil {
		return accountRoute{}, err
	}
	org := c.QueryParam("organization_id")
	if err := orgCheck(tx, org); err != nil {
		return accountRoute{}, err
	}
	return accountRoute{u, d, org}, nil
}

func (r accountRoute) account(tx *store.Tx) (*store.ConnectedAccount, error) {
	if a := tx.ConnectedAccount(r.integ, r.user.ID, r.orgID); a != nil {
		return a, nil
	}
	return nil, web.APIError(http.StatusNotFound, web.CodeNotFound, "The user has no connected account for "+r.integ.Slug+".")
}

// tokensInput is the spec's ConnectedAccountDto.
type tokensInput struct {
	accessToken, refreshToken *string
	expiresAt                 *time.Time
	scopes                    []string
	scopesSet                 bool
	state                     string
}

func readTokens(b *web.Body) (tokensInput, error) {
	in := tokensInput{accessToken: b.OptStr("access_token"), refreshToken: b.OptStr("refresh_token"),
		scopes: b.Strings("scopes"), scopesSet: b.Given("scopes"), state: b.Str("state")}
	exp := b.Str("expires_at")
	if err := b.Err(); err != nil {
		return in, unprocessable("The body has members of the wrong type: " + web.Text(err))
	}
	if exp != "" {
		t, err := time.Parse(time.RFC3339Nano, exp)
		if err != nil {
			return in, unprocessable("expires_at must be an ISO 8601 timestamp.")
		}
		t = t.UTC()
		in.expiresAt = &t
	}
	switch in.state {
	case "", fixtures.AccountConnected, fixtures.AccountNeedsReauthorization:
	default:
		return in, unprocessable("state is connected or needs_reauthorization.")
	}
	return in, nil
}

// applyTokens sets what a ConnectedAccountDto gives and announces a change
// of state. Without an explicit state, an account with a token is
// connected and one without needs reauthorization.
func applyTokens(tx *store.Tx, a *store.ConnectedAccount, in tokensInput, fresh bool) {
	if in.accessToken != nil {
		a.AccessToken = *in.accessToken
		a.ExpiresAt = time.Time{}
	}
	if in.expiresAt != nil {
		a.ExpiresAt = *in.expiresAt
	}
	if in.refreshToken != nil {
		a.RefreshToken = *in.refreshToken
	}
	if in.scopesSet {
		a.Scopes = slices.Clone(in.scopes)
	}
	before := a.State
	switch {
	case in.state != "":
		a.State = in.state
	case a.AccessToken != "" || a.RefreshToken != "":
		a.State = fixtures.AccountConnected
	default:
		a.State = fixtures.AccountNeedsReauthorization
	}
	a.UpdatedAt = tx.Now()
	switch {
	case a.State == fixtures.AccountConnected && (fresh || before != fixtures.AccountConnected):
		tx.Emit("pipes.connected_account.connected", a.OrgID, store.PipesAccountObject(a))
	case a.State == fixtures.AccountNeedsReauthorization && !fresh && before != a.State:
		tx.Emit("pipes.connected_account.reauthorization_needed", a.OrgID, store.PipesAccountObject(a))
	}
}

// getAccount serves GET /user_management/users/{user_id}/connected_accounts/{slug}.
func (a *api) getAccount(c echo.Context) error {
	return web.Read(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		r, err := routeOf(c, tx)
		if err != nil {
			return nil, err
		}
		acc, err := r.account(tx)
		if err != nil {
			return nil, err
		}
		return accountObject(acc), nil
	})
}

// importAccount serves POST .../connected_accounts/{slug} (201): an OAuth
// account from tokens the app already holds.
func (a *api) importAccount(c echo.Context) error {
	b, err := web.Decode(c, web.APIBody)
	if err != nil {
		return err
	}
	in, err := readTokens(&b)
	if err != nil {
		return err
	}
	return web.Write(c, a.env(c), http.StatusCreated, func(tx *store.Tx) (any, error) {
		r, err := routeOf(c, tx)
		if err != nil {
			return nil, err
		}
		if !r.integ.Supports(fixtures.AuthMethodOAuth) {
			return nil, unprocessable("Only the accounts of an oauth integration hold OAuth tokens.")
		}
		if tx.ConnectedAccount(r.integ, r.user.ID, r.orgID) != nil {
			return nil, web.APIError(http.StatusConflict, web.CodeConflict, "The user already has a connected account for "+r.integ.Slug+".")
		}
		acc := &store.ConnectedAccount{ID: tx.NewID(fixtures.PrefixConnectedAccount), IntegrationID: r.integ.ID, Slug: r.integ.Slug,
			UserID: r.user.ID, OrgID: r.orgID, AuthMethod: fixtures.AuthMethodOAuth, Scopes: []string{},
			Config: map[string]string{}, CreatedAt: tx.Now()}
		applyTokens(tx, acc, in, true)
		tx.AddConnectedAccount(acc)
		return accountObject(acc), nil
	})
}

// updateAccount serves PUT .../connected_accounts/{slug}.
func (a *api) updateAccount(c echo.Context) error {
	b, err := web.Decode(c, web.APIBody)
	if err != nil {
		return err
	}
	in, err := readTokens(&b)
	if err != nil {
		return err
	}
	return web.Write(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		r, err := routeOf(c, tx)
		if err != nil {
			return nil, err
		}
		acc, err := r.account(tx)
		if err != nil {
			return nil, err
		}
		applyTokens(tx, acc, in, false)
		return accountObject(acc), nil
	})
}

// deleteAccount serves DELETE .../connected_accounts/{slug} (204): the
// account and its tokens are gone; connecting again needs the consent page.
func (a *api) deleteAccount(c echo.Context) error {
	return web.WriteNoContent(c, a.env(c), http.StatusNoContent, func(tx *store.Tx) error {
		r, err := routeOf(c, tx)
		if err != nil {
			return err
		}
		acc, err := r.account(tx)
		if err != nil {
			return err
		}
		tx.DeleteConnectedAccount(acc)
		acc.UpdatedAt = tx.Now()
		tx.Emit("pipes.connected_account.disconnected", acc.OrgID, store.PipesAccountObject(acc))
		return nil
	})
}

// listProviders serves GET /user_management/users/{user_id}/data_providers:
// the integrations enabled for the user (in the organization, when given)
// with the user's account on each.
func (a *api) listProviders(c echo.Context) error {
	return web.Read(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		u, err := userFor(tx, web.PathParam(c, "user_id"))
		if err != nil {
			return nil, err
		}
		org := c.QueryParam("organization_id")
		if err := orgCheck(tx, org); err != nil {
			return nil, err
		}
		data := []wire.Object{}
		for _, d := range tx.DataIntegrations() {
			if tx.EnabledFor(d, org) {
				data = append(data, providerObject(d, tx.ScopesFor(d, org), tx.ConnectedAccount(d, u.ID, org)))
			}
		}
		return wire.Object{{"object", "list"}, {"data", data}}, nil
	})
}
