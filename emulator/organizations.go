package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// organizationObject renders the WorkOS organization; domains is always an
// array (the Node SDK maps over it unguarded). Caller holds w.mu.
func (o *organization) object() object {
	domains := make([]object, len(o.Domains))
	for i, d := range o.Domains {
		domains[i] = object{{"object", "organization_domain"}, {"id", d.id}, {"organization_id", o.ID}, {"domain", d.domain},
			{"state", d.state}, {"verification_strategy", "manual"}, {"created_at", isoTime(d.createdAt)}, {"updated_at", isoTime(d.createdAt)}}
	}
	return object{{"object", "organization"}, {"id", o.ID}, {"name", o.Name}, {"domains", domains},
		{"metadata", copyMetadata(o.Metadata)}, {"external_id", o.ExternalID},
		{"allow_profiles_outside_organization", o.AllowProfilesOutsideOrganization},
		{"created_at", isoTime(o.CreatedAt)}, {"updated_at", isoTime(o.UpdatedAt)}}
}

func (o *organization) hasDomain(domain string) bool {
	for _, d := range o.Domains {
		if strings.EqualFold(d.domain, domain) {
			return true
		}
	}
	return false
}

// listOrganizations serves GET /organizations: filters domains (any of) and
// search (in the name), newest first.
func (s *Server) listOrganizations(c echo.Context) error {
	q := c.QueryParams()
	pg, err := parsePage(q)
	if err != nil {
		return err
	}
	domains, search := queryList(q, "domains"), strings.ToLower(q.Get("search"))
	w := s.world()
	w.mu.RLock()
	defer w.mu.RUnlock()
	orgs := w.orgOrder
	if len(domains) > 0 || search != "" {
		orgs = nil
		for _, o := range w.orgOrder {
			if search != "" && !strings.Contains(strings.ToLower(o.Name), search) {
				continue
			}
			match := len(domains) == 0
			for _, d := range domains {
				match = match || o.hasDomain(d)
			}
			if match {
				orgs = append(orgs, o)
			}
		}
	}
	return writePage(c, w, orgs, pg, (*organization).object)
}

// orgFields are what create and update read.
type orgFields struct {
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

func readOrgFields(b *jsonBody, create bool) orgFields {
	f := orgFields{name: strings.TrimSpace(b.str("name"))}
	if create && f.name == "" {
		b.bad("name", "name_required")
	}
	if b.has("domain_data") && !b.null("domain_data") {
		var dd []map[string]string
		if err := json.Unmarshal(b.raw["domain_data"], &dd); err != nil {
			b.bad("domain_data", "must_be_a_list_of_domain_objects")
		}
		for i, d := range dd {
			state := d["state"]
			if state != "verified" && state != "pending" {
				b.bad(fmt.Sprintf("domain_data[%d].state", i), "must_be_pending_or_verified")
			}
			f.domains = append(f.domains, domainInput{d["domain"], state})
		}
		f.domainsSet = true
	} else if b.has("domains") && !b.null("domains") {
		for _, d := range b.strings("domains") {
			f.domains = append(f.domains, domainInput{d, "verified"})
		}
		f.domainsSet = true
	}
	for i, d := range f.domains {
		if d.domain == "" || strings.ContainsAny(d.domain, " /@:") || !strings.Contains(d.domain, ".") {
			b.bad(fmt.Sprintf("domains[%d]", i), "invalid_domain")
		}
	}
	if f.metadataGiven = b.has("metadata"); f.metadataGiven {
		f.metadata = b.metadata("metadata")
	}
	if f.externalSet = b.has("external_id"); f.externalSet {
		f.external = b.optStr("external_id")
	}
	if f.allowOutSet = b.has("allow_profiles_outside_organization"); f.allowOutSet {
		f.allowOutside = b.boolean("allow_profiles_outside_organization")
	}
	return f
}

// checkOrgConflicts: a domain may belong to one organization (409), an
// external_id to one (400). Caller holds w.mu.
func (w *world) checkOrgConflicts(self *organization, f orgFields) error {
	if f.externalSet && f.external != nil {
		if other := w.orgsByExternal[*f.external]; other != nil && other != self {
			return apiError(http.StatusBadRequest, "external_id_already_used", "Another organization has this external_id.")
		}
	}
	for _, d := range f.domains {
		for _, o := range w.orgOrder {
			if o != self && o.hasDomain(d.domain) {
				return apiError(http.StatusConflict, CodeConflict, fmt.Sprintf("The domain %s already belongs to organization %s.", d.domain, o.ID))
			}
		}
	}
	return nil
}

func (s *Server) setDomains(o *organization, in []domainInput, now time.Time) {
	o.Domains = nil
	for _, d := range in {
		o.Domains = append(o.Domains, &orgDomain{id: "org_domain_" + s.ids.ulid(now), domain: strings.ToLower(d.domain), state: d.state, createdAt: now})
	}
}

// createOrganization serves POST /organizations (201).
func (s *Server) createOrganization(c echo.Context) error {
	b, err := readJSONBody(c)
	if err != nil {
		return err
	}
	f := readOrgFields(b, true)
	metadata := b.applyMetadata("metadata", nil, f.metadata)
	if err := b.err(); err != nil {
		return err
	}
	w := s.world()
	now := s.clock.Now()
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.checkOrgConflicts(nil, f); err != nil {
		return err
	}
	id := fixtures.PrefixOrg + s.ids.ulid(now)
	o := &organization{seq: w.nextSeq(id), ID: id, Name: f.name, Metadata: metadata, ExternalID: f.external,
		AllowProfilesOutsideOrganization: f.allowOutside, CreatedAt: now, UpdatedAt: now}
	s.setDomains(o, f.domains, now)
	w.addOrg(o)
	return writeJSON(c, http.StatusCreated, o.object())
}

// getOrganization serves GET /organizations/{id}.
func (s *Server) getOrganization(c echo.Context) error {
	return readOne(s, c, (*world).orgFor, func(_ *world, o *organization) object { return o.object() })
}

// getOrganizationByExternalID serves GET /organizations/external_id/{external_id}.
func (s *Server) getOrganizationByExternalID(c echo.Context) error {
	byExternal := func(w *world, c echo.Context) (*organization, error) {
		return byParam(c, w.orgsByExternal, "external_id", "Organization")
	}
	return readOne(s, c, byExternal, func(_ *world, o *organization) object { return o.object() })
}

// updateOrganization serves PUT /organizations/{id}: omitted fields are
// unchanged; domains or domain_data replace the domains.
func (s *Server) updateOrganization(c echo.Context) error {
	b, err := readJSONBody(c)
	if err != nil {
		return err
	}
	f := readOrgFields(b, false)
	w := s.world()
	now := s.clock.Now()
	w.mu.Lock()
	defer w.mu.Unlock()
	o, err := w.orgFor(c)
	if err != nil {
		return err
	}
	metadata := o.Metadata
	if f.metadataGiven {
		metadata = b.applyMetadata("metadata", o.Metadata, f.metadata)
	}
	if err := b.err(); err != nil {
		return err
	}
	if err := w.checkOrgConflicts(o, f); err != nil {
		return err
	}
	w.removeOrg(o)
	if f.name != "" {
		o.Name = f.name
	}
	if f.domainsSet {
		s.setDomains(o, f.domains, now)
	}
	if f.externalSet {
		o.ExternalID = f.external
	}
	if f.allowOutSet {
		o.AllowProfilesOutsideOrganization = f.allowOutside
	}
	o.Metadata, o.UpdatedAt = metadata, now
	w.orgs[o.ID] = o
	if o.ExternalID != nil {
		w.orgsByExternal[*o.ExternalID] = o
	}
	w.orgOrder = insertBySeq(w.orgOrder, o, func(x *organization) uint64 { return x.seq })
	return writeJSON(c, http.StatusOK, o.object())
}

// deleteOrganization serves DELETE /organizations/{id}: its memberships,
// roles and invitations go; tokens of sessions scoped to it introspect
// inactive (introspection checks the organization exists).
func (s *Server) deleteOrganization(c echo.Context) error {
	w := s.world()
	w.mu.Lock()
	defer w.mu.Unlock()
	o, err := w.orgFor(c)
	if err != nil {
		return err
	}
	for _, m := range append([]*membership(nil), w.orgMemberships[o.ID]...) {
		w.removeMembership(m)
	}
	delete(w.orgRoles, o.ID)
	for _, inv := range w.invitationOrder {
		if inv.orgID == o.ID && inv.state == invitationPending {
			inv.state = invitationRevoked
		}
	}
	w.removeOrg(o)
	return c.NoContent(http.StatusOK)
}

// legacyOrganizationRoles serves GET /organizations/{id}/roles (Go SDK
// v4-v6): the environment's roles and the organization's own.
func (s *Server) legacyOrganizationRoles(c echo.Context) error {
	w := s.world()
	w.mu.RLock()
	defer w.mu.RUnlock()
	o, err := w.orgFor(c)
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, object{{"object", "list"}, {"data", w.rolesFor(o.ID)}})
}
