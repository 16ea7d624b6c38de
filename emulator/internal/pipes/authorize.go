package pipes

import (
	"bytes"
	"embed"
	"html/template"
	"maps"
	"net/http"
	"net/url"
	"slices"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

//go:embed templates/consent.html
var templateFS embed.FS

// consentTemplate is the emulated provider's consent page: server-rendered
// HTML, no JavaScript. Parsed once per process; executing it is safe for
// concurrent use.
var consentTemplate = template.Must(template.ParseFS(templateFS, "templates/consent.html"))

// consentData is what the consent page shows: the question (State set) or
// a message.
type consentData struct {
	Title, Provider, User, Org string
	Scopes                     []string
	State                      string
	Message                    string
}

// authorize serves POST /data-integrations/{slug}/authorize: the URL of
// the emulated provider's consent page for the user (valid for
// store.PipesAuthorizationTTL, once).
func (a *api) authorize(c echo.Context) error {
	b, t, err := decodeTenant(c)
	if err != nil {
		return err
	}
	returnTo := b.Str("return_to")
	config := web.Get[map[string]string](&b, "config", nil, "must_be_an_object_of_strings")
	if b.Err() != nil {
		return badRequest("return_to is a URL and config an object of strings.")
	}
	if returnTo != "" && !absoluteURL(returnTo) {
		return badRequest("return_to must be an absolute http(s) URL.")
	}
	return web.Write(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		d, _, err := t.lookup(c, tx)
		if err != nil {
			return nil, err
		}
		switch {
		case !d.Supports(fixtures.AuthMethodOAuth):
			return nil, badRequest("The " + d.Slug + " integration does not connect through OAuth: install its accounts' credentials instead.")
		case !tx.EnabledFor(d, t.orgID):
			return nil, badRequest("The " + d.Slug + " integration is not enabled.")
		case d.Credentials == fixtures.CredentialsOrganization:
			if oc := tx.OrgIntegrationConfig(t.orgID, d.Slug); oc == nil || oc.ClientID == "" {
				return nil, badRequest("The " + d.Slug + " integration uses the organization's OAuth credentials, and the organization has supplied none.")
			}
		}
		authz := &store.PipesAuthorization{IntegrationID: d.ID, UserID: t.userID, OrgID: t.orgID, ReturnTo: returnTo, Config: maps.Clone(config)}
		tx.NewPipesAuthorization(authz)
		u := tx.Config().PublicURL + "/authkit/pipes/" + url.PathEscape(d.Slug) + "/authorize?" + url.Values{"state": {authz.State}}.Encode()
		return wire.Object{{"url", u}}, nil
	})
}

// flowOf finds the live consent flow a state names, with its integration
// and user (all still existing).
func flowOf(c echo.Context, tx *store.Tx, state string) (*store.PipesAuthorization, *store.DataIntegration, *store.User, error) {
	bad := web.APIError(http.StatusBadRequest, web.CodeInvalidRequest,
		"Unknown or expired authorization: ask the application for a new authorization URL.")
	authz := tx.PipesAuthorization(state)
	if authz == nil {
		return nil, nil, nil, bad
	}
	d, u := tx.DataIntegrationByID(authz.IntegrationID), tx.User(authz.UserID)
	if d == nil || u == nil || d.Slug != web.PathParam(c, "slug") || (authz.OrgID != "" && tx.Org(authz.OrgID) == nil) {
		return nil, nil, nil, bad
	}
	return authz, d, u, nil
}

func renderPage(c echo.Context, p consentData) error {
	var buf bytes.Buffer
	if err := consentTemplate.Execute(&buf, p); err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Cache-Control", "no-store")
	h.Set("X-Frame-Options", "DENY")
	return c.HTMLBlob(http.StatusOK, buf.Bytes())
}

// consentPage serves GET /authkit/pipes/{slug}/authorize?state=: the
// emulated provider asks the user to allow the connection.
func (a *api) consentPage(c echo.Context) error {
	var page consentData
	err := a.env(c).Read(func(tx *store.Tx) error {
		authz, d, u, err := flowOf(c, tx, c.QueryParam("state"))
		if err != nil {
			return err
		}
		page = consentData{Title: "Connect " + d.Name, Provider: d.Name, User: u.Email, State: authz.State,
			Scopes: slices.Clone(tx.ScopesFor(d, authz.OrgID))}
		if o := tx.Org(authz.OrgID); o != nil {
			page.Org = o.Name
		}
		return nil
	})
	if err != nil {
		return err
	}
	return renderPage(c, page)
}

// consentSubmit serves the consent page's form: allow connects the account
// (new tokens from the emulated provider) and deny records the failure;
// either way the browser goes back to return_to (with error=access_denied
// on a denial), or sees a page saying what happened.
func (a *api) consentSubmit(c echo.Context) error {
	if web.CrossSite(c.Request(), a.env(c).Config().PublicURL) {
		return web.APIError(http.StatusForbidden, web.CodeForbidden, "The consent form was not submitted from its own page.")
	}
	form, err := web.Decode(c, web.PageForm)
	if err != nil {
		return err
	}
	decision := form.Param("decision")
	if decision != "allow" && decision != "deny" {
		return web.APIError(http.StatusBadRequest, web.CodeInvalidRequest, "decision is allow or deny.")
	}
	var page consentData
	var returnTo string
	err = a.env(c).Write(func(tx *store.Tx) error {
		authz, d, _, err := flowOf(c, tx, form.Param("state"))
		if err != nil {
			return err
		}
		tx.EndPipesAuthorization(authz)
		returnTo = authz.ReturnTo
		page = consentData{Provider: d.Name}
		if decision == "deny" {
			page.Title, page.Message = "Connection cancelled", "The "+d.Name+" account was not connected. You can close this page."
			tx.Emit("pipes.connected_account.connection_failed", authz.OrgID, wire.Object{{"object", "connection_failed"},
				{"data_integration_id", d.ID}, {"provider_slug", d.Slug}, {"user_id", authz.UserID}, {"organization_id", wire.Opt(authz.OrgID)},
				{"error_code", "access_denied"}, {"error_reason", "The user denied the authorization request."},
				{"provider_error", "access_denied"}, {"provider_error_description", "The user denied access."},
				{"created_at", wire.Time(tx.Now())}})
			if returnTo != "" {
				returnTo = withQuery(returnTo, "error", "access_denied")
			}
			return nil
		}
		connect(tx, d, authz)
		page.Title, page.Message = "Connected", "The "+d.Name+" account is connected. You can close this page."
		return nil
	})
	if err != nil {
		return err
	}
	if returnTo != "" {
		return web.Redirect(c, returnTo)
	}
	return renderPage(c, page)
}

// connect makes (or renews) the OAuth account a consent flow was for,
// with the scopes requested and fresh tokens.
func connect(tx *store.Tx, d *store.DataIntegration, authz *store.PipesAuthorization) {
	acc := tx.ConnectedAccount(d, authz.UserID, authz.OrgID)
	if acc == nil || acc.AuthMethod != fixtures.AuthMethodOAuth {
		if acc != nil {
			tx.DeleteConnectedAccount(acc) // an OAuth connection replaces a key installation
		}
		acc = &store.ConnectedAccount{ID: tx.NewID(fixtures.PrefixConnectedAccount), IntegrationID: d.ID, Slug: d.Slug,
			UserID: authz.UserID, OrgID: authz.OrgID, AuthMethod: fixtures.AuthMethodOAuth, CreatedAt: tx.Now()}
		tx.AddConnectedAccount(acc)
	}
	acc.Scopes = slices.Clone(wire.NonNil(tx.ScopesFor(d, authz.OrgID)))
	acc.Config = maps.Clone(authz.Config)
	if acc.Config == nil {
		acc.Config = map[string]string{}
	}
	acc.State, acc.RefreshToken, acc.UpdatedAt = fixtures.AccountConnected, "", tx.Now()
	tx.IssuePipesTokens(d, acc)
	tx.Emit("pipes.connected_account.connected", acc.OrgID, store.PipesAccountObject(acc))
}

// withQuery adds a query parameter to a URL.
func withQuery(raw, k, v string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	q := u.Query()
	q.Set(k, v)
	u.RawQuery = q.Encode()
	return u.String()
}
