package signin

import (
	"fmt"
	"slices"
	"strings"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// Choosing the connection of an SSO sign-in, and the user it signs in.

// Selector is how an authorization request names its connection: exactly
// one of a connection id, an organization id or an OAuth provider, or else
// a domain (the SSO API's domain, domain_hint or login_hint's domain).
type Selector struct {
	Connection   string
	Organization string
	Provider     string
	Domain       string
}

// SelectError is why no connection could be chosen: the error code and
// description WorkOS sends to the redirect URI.
type SelectError struct{ Code, Description string }

func (e *SelectError) Error() string { return e.Code + ": " + e.Description }

// SelectConnection finds the connection a selector names, or the error
// WorkOS redirects with: connection_invalid (no such connection),
// organization_invalid (no such organization, or one without connections),
// ambiguous_connection_selector (several active connections),
// invalid_connection_selector (nothing to go by), connection_unlinked (a
// connection that cannot sign anyone in: inactive, draft, validating).
func SelectConnection(tx *store.Tx, sel Selector) (*store.Connection, *SelectError) {
	var c *store.Connection
	switch {
	case sel.Connection != "":
		if c = tx.Connection(sel.Connection); c == nil {
			return nil, &SelectError{"connection_invalid", fmt.Sprintf("There is no connection for the provided ID %q.", web.Printable(sel.Connection))}
		}
	case sel.Organization != "":
		if tx.Org(sel.Organization) == nil {
			return nil, &SelectError{"organization_invalid", fmt.Sprintf("There is no organization matching the provided ID %q.", web.Printable(sel.Organization))}
		}
		var err *SelectError
		if c, err = pickConnection(tx.ConnectionsOfOrg(sel.Organization)); err != nil {
			return nil, err
		}
		if c == nil {
			return nil, &SelectError{"organization_invalid", "No connection associated with organization."}
		}
	case sel.Provider != "":
		if !fixtures.IsOAuthProvider(sel.Provider) || !slices.Contains(fixtures.ConnectionTypes, sel.Provider) {
			return nil, &SelectError{"invalid_connection_selector", fmt.Sprintf("provider %q is not an OAuth provider WorkOS supports.", web.Printable(sel.Provider))}
		}
		if c = tx.ProviderConnection(sel.Provider); c == nil {
			return nil, &SelectError{"connection_invalid", fmt.Sprintf("This environment has no %s connection: add one to the fixtures (connections: [{connection_type: %s}]).", sel.Provider, sel.Provider)}
		}
	case sel.Domain != "":
		var err *SelectError
		if c, err = pickConnection(enterprise(tx.ConnectionsWithDomain(sel.Domain))); err != nil {
			return nil, err
		}
		if c == nil {
			return nil, &SelectError{"invalid_connection_selector", fmt.Sprintf("No connection is associated with the domain %q.", web.Printable(sel.Domain))}
		}
	default:
		return nil, &SelectError{"invalid_connection_selector", "A valid connection selector query parameter must be provided: connection, organization or provider."}
	}
	if !c.Active() {
		return nil, &SelectError{"connection_unlinked", fmt.Sprintf("The connection associated with the request is unlinked (state %s): it cannot sign anyone in.", c.State)}
	}
	return c, nil
}

// pickConnection chooses among an organization's (or a domain's)
// connections: the one active connection; with none active, the first (so
// the caller reports it unlinked); several active are ambiguous.
func pickConnection(list []*store.Connection) (*store.Connection, *SelectError) {
	var active []*store.Connection
	for _, c := range list {
		if c.Active() {
			active = append(active, c)
		}
	}
	switch {
	case len(active) > 1:
		return nil, &SelectError{"ambiguous_connection_selector", "Several active connections match the selector: name one with the connection parameter."}
	case len(active) == 1:
		return active[0], nil
	case len(list) > 0:
		return list[0], nil
	}
	return nil, nil
}

func enterprise(list []*store.Connection) []*store.Connection {
	var out []*store.Connection
	for _, c := range list {
		if !c.OAuth() {
			out = append(out, c)
		}
	}
	return out
}

// EmailDomain is the domain of an e-mail address ("" when it has none).
func EmailDomain(email string) string {
	if at := strings.LastIndexByte(email, '@'); at >= 0 {
		return strings.ToLower(email[at+1:])
	}
	return ""
}

// signInMethod is the authentication_method of a sign-in through a
// connection: SSO, or the OAuth provider's name.
func signInMethod(c *store.Connection) string {
	if c.OAuth() {
		return c.Type
	}
	return "SSO"
}

// jitUser is the user a profile signs in as: the one it signed in as
// before, else the user with its e-mail, else a new user created just in
// time (e-mail verified, user.created). The profile becomes one of the
// user's identities. A connection of an organization makes the user a
// member of it (with the profile's role, or the default), emitting
// organization_membership.created.
func jitUser(tx *store.Tx, c *store.Connection, p *store.IdPProfile) *store.User {
	u := tx.LinkedUser(p.ID)
	if u == nil {
		u = tx.UserByEmail(p.Email)
	}
	if u == nil {
		u = tx.NewUserWith(p.Email, func(u *store.User) { // emits user.created
			u.FirstName, u.LastName, u.EmailVerified = p.FirstName, p.LastName, true
		})
	}
	tx.LinkIdentity(u, p)
	if c.OrgID != "" && tx.Org(c.OrgID) != nil && tx.MembershipOf(u.ID, c.OrgID) == nil {
		roles := tx.DefaultRoles()
		if p.Role != "" && tx.RoleFor(c.OrgID, p.Role) != nil {
			roles = []string{p.Role}
		}
		tx.NewMembership(u.ID, c.OrgID, roles, fixtures.MembershipActive) // emits organization_membership.created
	}
	return u
}

// providerTokens are the OAuth provider's tokens for a sign-in that asked
// for them (provider_scopes): the provider's usual scopes plus those.
func providerTokens(tx *store.Tx, c *store.Connection, scopes []string) *store.OAuthTokens {
	all := []string{"openid", "profile", "email"}
	for _, s := range scopes {
		if !slices.Contains(all, s) {
			all = append(all, s)
		}
	}
	return &store.OAuthTokens{Provider: c.Type, AccessToken: "emu_at_" + tx.Token(40), RefreshToken: "emu_rt_" + tx.Token(40),
		ExpiresAt: tx.Now().Add(store.OAuthProviderTTL).Unix(), Scopes: all}
}
