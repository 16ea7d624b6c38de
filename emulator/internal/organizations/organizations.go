package organizations

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// orgFor finds the organization the route's :id names, or a 404.
func orgFor(c echo.Context, tx *store.Tx) (*store.Organization, error) {
	id := web.PathParam(c, "id")
	if o := tx.Org(id); o != nil {
		return o, nil
	}
	return nil, web.NotFound("Organization", id)
}

// list serves GET /organizations: filters domains (any of) and search (in
// the name), newest first.
func (a *api) list(c echo.Context) error {
	q := c.QueryParams()
	pg, err := web.ParsePage(q)
	if err != nil {
		return err
	}
	domains, search := web.QueryList(q, "domains"), strings.ToLower(q.Get("search"))
	return web.Read(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		orgs := tx.Orgs()
		if len(domains) > 0 || search != "" {
			orgs = nil
			for _, o := range tx.Orgs() {
				if search != "" && !strings.Contains(strings.ToLower(o.Name), search) {
					continue
				}
				match := len(domains) == 0
				for _, d := range domains {
					match = match || o.HasDomain(d)
				}
				if match {
					orgs = append(orgs, o)
				}
			}
		}
		return web.PageOf(tx, orgs, pg, (*store.Organization).Object)
	})
}

// fields are what create and update read.
type fields struct {
	name          string
	domains       []domainInput
	domainsSet    bool
	metadata      map[string]*string
	external      *string
	externalSet   bool
	allowOutside  bool
	allowOutSet   bool
	metadataGiven bool
}

type domainInput struct{ domain, state string }

func readFields(b *web.Body, create bool) fields {
	f := fields{name: strings.TrimSpace(b.Str("name"))}
	if create && f.name == "" {
		b.Bad("name", "name_required")
	}
	if b.Given("domain_data") {
		var dd []map[string]string
		if err := json.Unmarshal(b.Raw("domain_data"), &dd); err != nil {
			b.Bad("domain_data", "must_be_a_list_of_domain_objects")
		}
		for i, d := range dd {
			state := d["state"]
			if state != "verified" && state != "pending" {
				b.Bad(fmt.Sprintf("domain_data[%d].state", i), "must_be_pending_or_verified")
			}
			f.domains = append(f.domains, domainInput{d["domain"], state})
		}
		f.domainsSet = true
	} else if b.Given("domains") {
		for _, d := range b.Strings("domains") {
			f.domains = append(f.domains, domainInput{d, "verified"})
		}
		f.domainsSet = true
	}
	for i, d := range f.domains {
		if d.domain == "" || strings.ContainsAny(d.domain, " /@:") || !strings.Contains(d.domain, ".") || len(d.domain) > fixtures.MaxDomainLength {
			b.Bad(fmt.Sprintf("domains[%d]", i), "invalid_domain")
		}
	}
	b.Limit("name", f.name, fixtures.MaxNameLength)
	if f.metadataGiven = b.Has("metadata"); f.metadataGiven {
		f.metadata = b.Metadata("metadata")
	}
	if f.externalSet = b.Has("external_id"); f.externalSet {
		f.external = b.OptStr("external_id")
		b.ExternalID("external_id", f.external)
	}
	if f.allowOutSet = b.Has("allow_profiles_outside_organization"); f.allowOutSet {
		f.allowOutside = b.Bool("allow_profiles_outside_organization")
	}
	return f
}

// checkConflicts: a domain may belong to one organization (409), an
// external_id to one (400).
func checkConflicts(tx *store.Tx, self *store.Organization, f fields) error {
	if f.externalSet && f.external != nil {
		if other := tx.OrgByExternalID(*f.external); other != nil && other != self {
			return web.APIError(http.StatusBadRequest, "external_id_already_used", "Another organization has this external_id.")
		}
	}
	for _, d := range f.domains {
		if o := tx.OrgWithDomain(d.domain, self); o != nil {
			return web.APIError(http.StatusConflict, web.CodeConflict, fmt.Sprintf("The domain %s already belongs to organization %s.", d.domain, o.ID))
		}
	}
	return nil
}

func setDomains(tx *store.Tx, o *store.Organization, in []domainInput) {
	var domains []*store.OrgDomain
	for _, d := range in {
		domains = append(domains, tx.NewDomain(d.domain, d.state))
	}
	tx.SetOrgDomains(o, domains)
}

// create serves POST /organizations (201).
func (a *api) create(c echo.Context) error {
	b, err := web.Decode(c, web.APIBody)
	if err != nil {
		return err
	}
	f := readFields(&b, true)
	metadata := b.ApplyMetadata("metadata", nil, f.metadata)
	if err := b.Err(); err != nil {
		return err
	}
	return web.Write(c, a.env(c), http.StatusCreated, func(tx *store.Tx) (any, error) {
		if err := checkConflicts(tx, nil, f); err != nil {
			return nil, err
		}
		now := tx.Now()
		o := &store.Organization{ID: tx.NewID(fixtures.PrefixOrg), Name: f.name, Metadata: metadata, ExternalID: f.external,
			AllowProfilesOutsideOrganization: f.allowOutside, CreatedAt: now, UpdatedAt: now}
		setDomains(tx, o, f.domains)
		tx.AddOrg(o)
		tx.EmitOrg("organization.created", o)
		return o.Object(), nil
	})
}

// get serves GET /organizations/{id}.
func (a *api) get(c echo.Context) error {
	return web.Read(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		o, err := orgFor(c, tx)
		if err != nil {
			return nil, err
		}
		return o.Object(), nil
	})
}

// getByExternalID serves GET /organizations/external_id/{external_id}.
func (a *api) getByExternalID(c echo.Context) error {
	ext := web.PathParam(c, "external_id")
	return web.Read(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		o := tx.OrgByExternalID(ext)
		if o == nil {
			return nil, web.NotFound("Organization", ext)
		}
		return o.Object(), nil
	})
}

// update serves PUT /organizations/{id}: omitted fields are unchanged;
// domains or domain_data replace the domains.
func (a *api) update(c echo.Context) error {
	b, err := web.Decode(c, web.APIBody)
	if err != nil {
		return err
	}
	f := readFields(&b, false)
	return web.Write(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		o, err := orgFor(c, tx)
		if err != nil {
			return nil, err
		}
		metadata := o.Metadata
		if f.metadataGiven {
			metadata = b.ApplyMetadata("metadata", o.Metadata, f.metadata)
		}
		if err := b.Err(); err != nil {
			return nil, err
		}
		if err := checkConflicts(tx, o, f); err != nil {
			return nil, err
		}
		if f.name != "" {
			o.Name = f.name
		}
		if f.domainsSet {
			setDomains(tx, o, f.domains)
		}
		if f.externalSet {
			tx.SetOrgExternalID(o, f.external)
		}
		if f.allowOutSet {
			o.AllowProfilesOutsideOrganization = f.allowOutside
		}
		o.Metadata, o.UpdatedAt = metadata, tx.Now()
		tx.EmitOrg("organization.updated", o)
		return o.Object(), nil
	})
}

// delete serves DELETE /organizations/{id}: its memberships, roles and
// invitations go; tokens of sessions scoped to it introspect inactive.
func (a *api) delete(c echo.Context) error {
	return web.WriteNoContent(c, a.env(c), http.StatusOK, func(tx *store.Tx) error {
		o, err := orgFor(c, tx)
		if err != nil {
			return err
		}
		tx.DeleteOrg(o)
		return nil
	})
}

// legacyRoles serves GET /organizations/{id}/roles (Go SDK v4-v6): the
// environment's roles and the organization's own.
func (a *api) legacyRoles(c echo.Context) error {
	return web.Read(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		o, err := orgFor(c, tx)
		if err != nil {
			return nil, err
		}
		return wire.Object{{"object", "list"}, {"data", roleObjects(tx.RolesFor(o.ID))}}, nil
	})
}

func roleObjects(roles []*store.Role) []wire.Object {
	out := []wire.Object{}
	for _, r := range roles {
		out = append(out, r.Object())
	}
	return out
}
