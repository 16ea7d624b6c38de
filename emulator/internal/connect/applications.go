package connect

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// defaultOAuthScopes are the scopes of an OAuth application created
// without any: the OpenID Connect ones and offline_access, what AuthKit
// grants a first sign-in.
var defaultOAuthScopes = []string{"openid", "profile", "email", "offline_access"}

// appFor finds the application the route's :id names (its id or client
// id), or a 404.
func appFor(c echo.Context, tx *store.Tx) (*store.Application, error) {
	id := web.PathParam(c, "id")
	if a := tx.AppByID(id); a != nil {
		return a, nil
	}
	return nil, web.NotFound("Application", id)
}

// list serves GET /connect/applications, newest first. Every application
// the emulator knows was registered through the API or the fixtures
// (registration type authenticated); none registered itself (dynamic).
func (a *api) list(c echo.Context) error {
	q := web.Query(c)
	pg, err := web.ParsePage(q)
	if err != nil {
		return err
	}
	types := web.QueryList(q, "registration_types")
	authenticated := len(types) == 0
	for _, t := range types {
		switch t {
		case "authenticated":
			authenticated = true
		case "dynamic":
		default:
			return web.Invalid(web.Field("registration_types", "must_be_dynamic_or_authenticated"))
		}
	}
	orgID := q.Get("organization_id")
	return web.Read(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		apps := tx.Apps()
		if !authenticated {
			apps = nil
		} else if orgID != "" {
			apps = nil
			for _, app := range tx.Apps() {
				if app.OrganizationID == orgID {
					apps = append(apps, app)
				}
			}
		}
		return web.PageOf(tx, apps, pg, (*store.Application).Object)
	})
}

// get serves GET /connect/applications/{id}.
func (a *api) get(c echo.Context) error {
	return web.Read(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		app, err := appFor(c, tx)
		if err != nil {
			return nil, err
		}
		return app.Object(), nil
	})
}

// redirectInput is one redirect_uris entry of a create or update.
type redirectInput struct {
	URI     string `json:"uri"`
	Default *bool  `json:"default"`
}

// readRedirects reads redirect_uris: each an absolute URI AuthKit accepts,
// at most one the default (the first when none is).
func readRedirects(b *web.Body) (uris []string, def string) {
	var in []redirectInput
	if err := json.Unmarshal(b.Raw("redirect_uris"), &in); err != nil {
		b.Bad("redirect_uris", "must_be_a_list_of_redirect_uri_objects")
		return nil, ""
	}
	defaults := 0
	for i, r := range in {
		if err := fixtures.CheckRedirectURI(r.URI); err != nil || len(r.URI) > fixtures.MaxURLLength {
			b.Bad(fmt.Sprintf("redirect_uris[%d].uri", i), "invalid_redirect_uri")
		}
		if slices.Contains(uris, r.URI) {
			b.Bad(fmt.Sprintf("redirect_uris[%d].uri", i), "duplicate_redirect_uri")
		}
		uris = append(uris, r.URI)
		if r.Default != nil && *r.Default {
			defaults++
			def = r.URI
		}
	}
	if defaults > 1 {
		b.Bad("redirect_uris", "only_one_redirect_uri_can_be_default")
	}
	if def == "" && len(uris) > 0 {
		def = uris[0]
	}
	return uris, def
}

// readScopes reads scopes: each a scope token (no spaces or quotes).
func readScopes(b *web.Body) []string {
	scopes := b.Strings("scopes")
	for i, sc := range scopes {
		if sc == "" || strings.ContainsAny(sc, " \t\"\\") || len(sc) > fixtures.MaxNameLength {
			b.Bad(fmt.Sprintf("scopes[%d]", i), "invalid_scope")
		}
	}
	return scopes
}

// create serves POST /connect/applications (201): an OAuth application
// (first party, or third party for an organization; uses_pkce makes it a
// public client) or an M2M one (for an organization). It has no client
// secret until one is created.
func (a *api) create(c echo.Context) error {
	b, err := web.Decode(c, web.APIBody)
	if err != nil {
		return err
	}
	name, kind := strings.TrimSpace(b.Str("name")), b.Str("application_type")
	if name == "" {
		b.Bad("name", "name_required")
	}
	b.Limit("name", name, fixtures.MaxNameLength)
	description := b.Str("description")
	b.Limit("description", description, fixtures.MaxURLLength)
	scopes := readScopes(&b)
	orgID := b.Str("organization_id")
	app := fixtures.Application{Name: name, Description: description, Scopes: scopes, OrganizationID: orgID}
	var def string
	switch kind {
	case "oauth":
		app.Type = fixtures.AppOAuth
		if b.Bool("uses_pkce") {
			app.Type = fixtures.AppPublic
		}
		if !b.Given("is_first_party") {
			b.Bad("is_first_party", "is_first_party_required")
		}
		app.ThirdParty = !b.Bool("is_first_party")
		if app.ThirdParty && orgID == "" {
			b.Bad("organization_id", "organization_id_required_for_third_party_applications")
		}
		if b.Given("redirect_uris") {
			app.RedirectURIs, def = readRedirects(&b)
		}
		if !b.Given("scopes") {
			app.Scopes = slices.Clone(defaultOAuthScopes)
		}
	case "m2m":
		app.Type = fixtures.AppM2M
		if orgID == "" {
			b.Bad("organization_id", "organization_id_required")
		}
		if b.Given("redirect_uris") || b.Given("uses_pkce") || b.Has("is_first_party") {
			b.Bad("application_type", "m2m_applications_take_no_redirect_uris_pkce_or_party")
		}
	default:
		b.Bad("application_type", "must_be_oauth_or_m2m")
	}
	if err := b.Err(); err != nil {
		return err
	}
	app.GrantTypes = fixtures.DefaultGrantTypes(app.Type)
	return web.Write(c, a.env(c), http.StatusCreated, func(tx *store.Tx) (any, error) {
		if orgID != "" && tx.Org(orgID) == nil {
			return nil, web.NotFound("Organization", orgID)
		}
		now := tx.Now()
		app.ID = tx.NewID(fixtures.PrefixConnectApp)
		app.ClientID = tx.NewID(fixtures.PrefixClient)
		rec := &store.Application{Application: app, DefaultRedirectURI: def, CreatedAt: now, UpdatedAt: now}
		if err := tx.AddApp(rec); err != nil {
			return nil, web.APIError(http.StatusConflict, web.CodeConflict, err.Error())
		}
		return rec.Object(), nil
	})
}

// update serves PUT /connect/applications/{id}: name, description, scopes
// and (OAuth applications) redirect URIs; absent or null fields are
// unchanged (the SDKs send null for what they leave alone). The change
// applies to the next authorize and token request.
func (a *api) update(c echo.Context) error {
	b, err := web.Decode(c, web.APIBody)
	if err != nil {
		return err
	}
	name := b.OptStr("name")
	if name != nil {
		if *name = strings.TrimSpace(*name); *name == "" {
			b.Bad("name", "name_required")
		}
		b.Limit("name", *name, fixtures.MaxNameLength)
	}
	description := b.OptStr("description")
	if description != nil {
		b.Limit("description", *description, fixtures.MaxURLLength)
	}
	var scopes []string
	if b.Given("scopes") {
		scopes = readScopes(&b)
	}
	var uris []string
	var def string
	if b.Given("redirect_uris") {
		uris, def = readRedirects(&b)
	}
	if err := b.Err(); err != nil {
		return err
	}
	return web.Write(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		old, err := appFor(c, tx)
		if err != nil {
			return nil, err
		}
		if b.Given("redirect_uris") && old.Type == fixtures.AppM2M {
			return nil, web.Invalid(web.Field("redirect_uris", "m2m_applications_have_no_redirect_uris"))
		}
		next := store.CopyApp(old)
		if name != nil {
			next.Name = *name
		}
		if description != nil {
			next.Description = *description
		}
		if b.Given("scopes") {
			next.Scopes = scopes
		}
		if b.Given("redirect_uris") {
			next.RedirectURIs, next.DefaultRedirectURI = uris, def
		}
		tx.ReplaceApp(old, next)
		return next.Object(), nil
	})
}

// delete serves DELETE /connect/applications/{id} (204): its secrets stop
// working, and every grant users made to it ends with its tokens.
func (a *api) delete(c echo.Context) error {
	return web.WriteNoContent(c, a.env(c), http.StatusNoContent, func(tx *store.Tx) error {
		app, err := appFor(c, tx)
		if err != nil {
			return err
		}
		tx.DeleteApp(app)
		return nil
	})
}
