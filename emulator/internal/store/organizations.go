package store

import (
	"strings"
	"time"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// Organization is a WorkOS organization. ExternalID is an index key: change
// it with SetOrgExternalID.
type Organization struct {
	Seq                              uint64
	ID                               string
	Name                             string
	Domains                          []*OrgDomain
	ExternalID                       *string
	Metadata                         map[string]string
	AllowProfilesOutsideOrganization bool
	CreatedAt                        time.Time
	UpdatedAt                        time.Time
}

// ListKey orders organizations by creation.
func (o *Organization) ListKey() (uint64, string) { return o.Seq, o.ID }

// HasDomain reports whether the organization has the domain (any state).
func (o *Organization) HasDomain(domain string) bool {
	for _, d := range o.Domains {
		if strings.EqualFold(d.Domain, domain) {
			return true
		}
	}
	return false
}

// Object renders the WorkOS organization; domains is always an array (the
// Node SDK maps over it unguarded).
func (o *Organization) Object() wire.Object {
	domains := make([]wire.Object, len(o.Domains))
	for i, d := range o.Domains {
		domains[i] = d.Object()
	}
	return wire.Object{{"object", "organization"}, {"id", o.ID}, {"name", o.Name}, {"domains", domains},
		{"metadata", wire.CopyMap(o.Metadata)}, {"external_id", o.ExternalID},
		{"allow_profiles_outside_organization", o.AllowProfilesOutsideOrganization},
		{"created_at", wire.Time(o.CreatedAt)}, {"updated_at", wire.Time(o.UpdatedAt)}}
}

// Org is the organization with that id, or nil.
func (tx *Tx) Org(id string) *Organization { return tx.w.orgs[id] }

// OrgByExternalID is the organization with that external id, or nil.
func (tx *Tx) OrgByExternalID(ext string) *Organization { return tx.w.orgsByExternal[ext] }

// Orgs lists every organization in creation order. The slice is the
// index: do not change it.
func (tx *Tx) Orgs() []*Organization { return tx.w.orgOrder }

// AddOrg indexes a new organization, numbering it in creation order.
func (tx *Tx) AddOrg(o *Organization) {
	w := tx.w
	o.Seq = w.nextSeq(o.ID)
	w.orgs[o.ID] = o
	if o.ExternalID != nil {
		w.orgsByExternal[*o.ExternalID] = o
	}
	w.orgOrder = append(w.orgOrder, o)
	tx.indexOrgDomains(o)
}

// SetOrgExternalID changes an organization's external id, re-indexing it.
func (tx *Tx) SetOrgExternalID(o *Organization, ext *string) {
	if o.ExternalID != nil {
		delete(tx.w.orgsByExternal, *o.ExternalID)
	}
	o.ExternalID = ext
	if ext != nil {
		tx.w.orgsByExternal[*ext] = o
	}
}

// OrgWithDomain is an organization other than self that has the domain, or
// nil: a domain belongs to one organization.
func (tx *Tx) OrgWithDomain(domain string, self *Organization) *Organization {
	if d := tx.DomainOwner(domain); d != nil {
		if o := tx.w.orgs[d.OrgID]; o != nil && o != self {
			return o
		}
	}
	return nil
}

// NewDomain makes a domain record with a generated id (the organization
// API's domains, verified or pending by its say: manual verification).
func (tx *Tx) NewDomain(domain, state string) *OrgDomain {
	return &OrgDomain{ID: tx.NewID("org_domain_"), Domain: strings.ToLower(domain), State: state, Strategy: StrategyManual,
		CreatedAt: tx.now, UpdatedAt: tx.now}
}

// DeleteOrg removes an organization: its memberships, roles, domains,
// connections (emitting connection.deleted) and pending invitations go;
// tokens of sessions scoped to it introspect inactive (introspection
// checks the organization exists).
func (tx *Tx) DeleteOrg(o *Organization) {
	w := tx.w
	for _, c := range append([]*Connection(nil), w.sso.connsByOrg[o.ID]...) {
		tx.DeleteConnection(c)
	}
	tx.unindexOrgDomains(o)
	for _, m := range append([]*Membership(nil), w.orgMemberships[o.ID]...) {
		tx.DeleteMembership(m)
	}
	tx.forgetOrgAuthz(o.ID)
	delete(w.orgRoles, o.ID)
	tx.forgetPipesOfOrg(o.ID)
	// Its directories go with it (dsync.deleted each), and its Audit Log
	// events and retention.
	for _, d := range append([]*Directory(nil), w.dsync.byOrg[o.ID]...) {
		tx.DeleteDirectory(d)
	}
	delete(w.audit.events, o.ID)
	delete(w.audit.retention, o.ID)
	for _, inv := range w.invitationOrder {
		if inv.OrgID == o.ID && inv.State == InvitationPending {
			inv.State = InvitationRevoked
		}
	}
	delete(w.orgs, o.ID)
	if o.ExternalID != nil {
		delete(w.orgsByExternal, *o.ExternalID)
	}
	w.orgOrder = without1(w.orgOrder, o)
	w.forgetSeq(o.ID, tx.now)
	tx.EmitOrg("organization.deleted", o)
}

// snapshotOrganizations writes the organizations in creation order, with
// their domains and Audit Log retention (their API keys are the API keys
// area's: snapshotAPIKeys).
func snapshotOrganizations(tx *Tx, set *fixtures.Set) {
	for _, o := range tx.w.orgOrder {
		fo := fixtures.Organization{ID: o.ID, Name: o.Name, DomainData: snapshotDomains(o), ExternalID: o.ExternalID,
			Metadata: fixtures.Metadata(o.Metadata), AllowProfilesOutsideOrganization: o.AllowProfilesOutsideOrganization,
			CreatedAt: stamp(o.CreatedAt), UpdatedAt: stamp(o.UpdatedAt)}
		if days, ok := tx.w.audit.retention[o.ID]; ok {
			fo.AuditLogRetentionDays = days
		}
		set.Organizations = append(set.Organizations, fo)
	}
}
