package portal

import (
	"bytes"
	"crypto/subtle"
	"embed"
	"html/template"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

//go:embed templates/portal.html
var templateFS embed.FS

// pageTemplate is the Admin Portal page, parsed once per process.
var pageTemplate = template.Must(template.ParseFS(templateFS, "templates/portal.html"))

// intentTitles name the intents on the page.
var intentTitles = map[string]string{"sso": "Set up Single Sign-On", "dsync": "Set up Directory Sync", "audit_logs": "Audit Logs",
	"log_streams": "Set up Log Streams", "domain_verification": "Verify your domains", "certificate_renewal": "Renew your SAML certificate",
	"bring_your_own_key": "Bring your own key"}

// pageData is what the page shows.
type pageData struct {
	Token, CSRF          string
	OrgID, OrgName       string
	Intent, Title        string
	ReturnURL            string
	SuccessURL           string
	Message, Error       string
	Connections          []connView
	Domains              []*store.OrgDomain
	Types                []string
	ConnectionName, Type string
}

type connView struct{ ID, Name, Type, State string }

// enterpriseTypes are the connection types the sso form offers.
var enterpriseTypes = func() []string {
	var out []string
	for _, t := range fixtures.ConnectionTypes {
		if !fixtures.IsOAuthProvider(t) && t != "MagicLink" && t != "Auth0Migration" {
			out = append(out, t)
		}
	}
	return out
}()

// errLink answers a link that is unknown or spent.
var errLink = web.APIError(http.StatusNotFound, "portal_link_invalid",
	"This Admin Portal link is unknown or has expired (links last 5 minutes): generate a new one with POST /portal/generate_link.")

// linkFor finds a usable link.
func linkFor(tx *store.Tx, token string) (*store.PortalLink, error) {
	l := tx.PortalLink(token)
	if l == nil || !l.UsableAt(tx.Now()) || tx.Org(l.OrgID) == nil {
		return nil, errLink
	}
	return l, nil
}

func view(tx *store.Tx, l *store.PortalLink) *pageData {
	o := tx.Org(l.OrgID)
	p := &pageData{Token: l.Token, CSRF: l.CSRF, OrgID: o.ID, OrgName: o.Name, Intent: l.Intent, Title: intentTitles[l.Intent],
		ReturnURL: l.ReturnURL, SuccessURL: l.SuccessURL, Types: enterpriseTypes, Type: "GenericSAML"}
	for _, c := range tx.ConnectionsOfOrg(o.ID) {
		p.Connections = append(p.Connections, connView{c.ID, c.Name, c.Type, c.State})
	}
	p.Domains = append(p.Domains, o.Domains...)
	return p
}

// page serves GET /admin-portal?token=…: opening a link starts its
// session (usable for 30 minutes).
func (a *api) page(c echo.Context) error {
	var p *pageData
	err := a.env(c).Write(func(tx *store.Tx) error {
		l, err := linkFor(tx, c.QueryParam("token"))
		if err != nil {
			return err
		}
		tx.OpenPortalLink(l)
		p = view(tx, l)
		return nil
	})
	if err != nil {
		return err
	}
	return render(c, p)
}

func render(c echo.Context, p *pageData) error {
	var b bytes.Buffer
	if err := pageTemplate.ExecuteTemplate(&b, "portal", p); err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Cache-Control", "no-store")
	h.Set("X-Frame-Options", "DENY")
	c.SetCookie(&http.Cookie{Name: "authkit_emulator_portal", Value: p.CSRF, Path: pagePath, MaxAge: int(store.PortalSessionTTL.Seconds()),
		HttpOnly: true, SameSite: http.SameSiteLaxMode})
	return c.HTMLBlob(http.StatusOK, b.Bytes())
}

// submit serves POST /admin-portal: create_connection (sso intent: an
// active connection of the organization, connection.activated, with an
// optional first profile for its emulated IdP) or verify_domain
// (domain_verification intent).
func (a *api) submit(c echo.Context) error {
	form, err := web.Decode(c, web.PageForm)
	if err != nil {
		return err
	}
	var p *pageData
	err = a.env(c).Write(func(tx *store.Tx) error {
		l, err := linkFor(tx, form.Param("token"))
		if err != nil {
			return err
		}
		cookie, cerr := c.Cookie("authkit_emulator_portal")
		if web.CrossSite(c.Request(), tx.Config().PublicURL) || cerr != nil ||
			subtle.ConstantTimeCompare([]byte(cookie.Value), []byte(l.CSRF)) != 1 ||
			subtle.ConstantTimeCompare([]byte(form.Param("csrf")), []byte(l.CSRF)) != 1 {
			return web.APIError(http.StatusForbidden, "csrf_token_invalid", "The Admin Portal form was not submitted from its own page (CSRF token or cookie missing or wrong).")
		}
		switch action := form.Param("action"); {
		case action == "create_connection" && l.Intent == "sso":
			p = createConnection(tx, l, &form)
		case action == "verify_domain" && l.Intent == "domain_verification":
			p = verifyDomain(tx, l, form.Param("domain_id"))
		default:
			return web.APIError(http.StatusBadRequest, web.CodeInvalidRequest, "This Admin Portal link's intent has no such action.")
		}
		return nil
	})
	if err != nil {
		return err
	}
	return render(c, p)
}

func createConnection(tx *store.Tx, l *store.PortalLink, form *web.Body) *pageData {
	name, typ := strings.TrimSpace(form.Param("name")), form.Param("connection_type")
	email := strings.TrimSpace(form.Param("email"))
	first, last := strings.TrimSpace(form.Param("first_name")), strings.TrimSpace(form.Param("last_name"))
	fail := func(msg string) *pageData {
		p := view(tx, l)
		p.Error, p.ConnectionName, p.Type = msg, name, typ
		return p
	}
	valid := false
	for _, t := range enterpriseTypes {
		valid = valid || t == typ
	}
	switch {
	case name == "" || len(name) > fixtures.MaxNameLength:
		return fail("Name the connection.")
	case !valid:
		return fail("Choose a connection type.")
	case email != "" && (fixtures.CheckEmail(email) != nil || len(email) > fixtures.MaxEmailLength):
		return fail("Enter a valid email address for the test identity, or none.")
	case len(first) > fixtures.MaxNameLength || len(last) > fixtures.MaxNameLength:
		return fail("A name is too long.")
	}
	conn := &store.Connection{ID: tx.NewID(fixtures.PrefixConnection), Name: name, Type: typ, OrgID: l.OrgID,
		State: fixtures.ConnectionActive, CreatedAt: tx.Now(), UpdatedAt: tx.Now()}
	if email != "" {
		conn.Profiles = []*store.IdPProfile{{ID: tx.NewID(fixtures.PrefixProfile), IdpID: strings.ToLower(tx.Token(16)),
			Email: email, FirstName: first, LastName: last}}
	}
	tx.AddConnection(conn)
	p := view(tx, l)
	p.Message = "Connection " + conn.ID + " is active: users of " + p.OrgName + " can sign in with it."
	return p
}

func verifyDomain(tx *store.Tx, l *store.PortalLink, id string) *pageData {
	d := tx.OrgDomain(id)
	if d == nil || d.OrgID != l.OrgID {
		p := view(tx, l)
		p.Error = "That domain is not one of this organization's."
		return p
	}
	if d.State == store.DomainVerified {
		p := view(tx, l)
		p.Message = d.Domain + " is already verified."
		return p
	}
	ok := tx.VerifyOrgDomain(d)
	p := view(tx, l)
	if ok {
		p.Message = d.Domain + " is verified."
	} else {
		p.Error = "Verification of " + d.Domain + " failed."
	}
	return p
}
