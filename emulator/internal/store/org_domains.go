package store

import (
	"cmp"
	"strings"
	"time"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// Organization domain states and verification strategies.
const (
	DomainVerified = "verified"
	DomainPending  = "pending"
	DomainFailed   = "failed"

	StrategyManual = "manual" // set by the organization API or fixtures
	StrategyDNS    = "dns"    // created by POST /organization_domains: verified by a TXT record
)

// OrgDomain is a domain of an organization. A domain belongs to one
// organization; the domain index finds it in O(1).
type OrgDomain struct {
	ID                 string
	OrgID              string
	Domain             string
	State              string // verified | pending | failed
	Strategy           string // manual | dns
	VerificationToken  string
	VerificationPrefix string
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

// Object renders the WorkOS organization_domain.
func (d *OrgDomain) Object() wire.Object {
	o := wire.Object{{"object", "organization_domain"}, {"id", d.ID}, {"organization_id", d.OrgID}, {"domain", d.Domain}, {"state", d.State}}
	if d.VerificationToken != "" {
		o = append(o, wire.KV{"verification_prefix", d.VerificationPrefix}, wire.KV{"verification_token", d.VerificationToken})
	}
	strategy := d.Strategy
	if strategy == "" {
		strategy = StrategyManual
	}
	updated := d.UpdatedAt
	if updated.IsZero() {
		updated = d.CreatedAt
	}
	return append(o, wire.KV{"verification_strategy", strategy}, wire.KV{"created_at", wire.Time(d.CreatedAt)}, wire.KV{"updated_at", wire.Time(updated)})
}

func domainKey(d string) string { return strings.ToLower(strings.TrimSpace(d)) }

// indexOrgDomains puts an organization's domains in the domain index.
func (tx *Tx) indexOrgDomains(o *Organization) {
	s := &tx.w.sso
	for _, d := range o.Domains {
		d.OrgID = o.ID
		s.domains[d.ID] = d
		s.domainOwner[domainKey(d.Domain)] = d
	}
}

// unindexOrgDomains takes an organization's domains out of the index.
func (tx *Tx) unindexOrgDomains(o *Organization) {
	s := &tx.w.sso
	for _, d := range o.Domains {
		delete(s.domains, d.ID)
		if s.domainOwner[domainKey(d.Domain)] == d {
			delete(s.domainOwner, domainKey(d.Domain))
		}
	}
}

// SetOrgDomains replaces an organization's domains (the organization
// API's domains and domain_data).
func (tx *Tx) SetOrgDomains(o *Organization, domains []*OrgDomain) {
	tx.unindexOrgDomains(o)
	o.Domains = domains
	tx.indexOrgDomains(o)
}

// OrgDomain is the organization domain with that id, or nil.
func (tx *Tx) OrgDomain(id string) *OrgDomain { return tx.w.sso.domains[id] }

// DomainOwner is the organization domain record of a domain name, or nil.
func (tx *Tx) DomainOwner(domain string) *OrgDomain { return tx.w.sso.domainOwner[domainKey(domain)] }

// AddOrgDomain adds a pending domain to an organization, with the DNS
// verification token and prefix WorkOS hands out.
func (tx *Tx) AddOrgDomain(o *Organization, domain string) *OrgDomain {
	d := &OrgDomain{ID: tx.NewID("org_domain_"), Domain: strings.ToLower(domain), State: DomainPending, Strategy: StrategyDNS,
		VerificationToken: tx.Token(25), VerificationPrefix: "authkit-emulator-domain-verification-" + strings.ToLower(tx.Token(6)),
		CreatedAt: tx.now, UpdatedAt: tx.now}
	o.Domains = append(o.Domains, d)
	tx.indexOrgDomains(o)
	return d
}

// DeleteOrgDomain removes a domain from its organization.
func (tx *Tx) DeleteOrgDomain(d *OrgDomain) {
	s := &tx.w.sso
	if o := tx.Org(d.OrgID); o != nil {
		o.Domains = without1(o.Domains, d)
	}
	delete(s.domains, d.ID)
	if s.domainOwner[domainKey(d.Domain)] == d {
		delete(s.domainOwner, domainKey(d.Domain))
	}
}

// VerifyOrgDomain runs a domain's verification: it succeeds unless the
// control plane marked the domain to fail (the emulator has no DNS to
// look at). The domain becomes verified (organization_domain.verified) or
// failed (organization_domain.verification_failed, reason
// domain_verification_period_expired: WorkOS gives up after its
// verification period, the emulator at once), and
// organization_domain.updated either way. It reports whether the domain
// is verified now.
func (tx *Tx) VerifyOrgDomain(d *OrgDomain) bool {
	d.UpdatedAt = tx.now
	ok := !tx.w.sso.failDomains[domainKey(d.Domain)]
	if ok {
		d.State = DomainVerified
		tx.Emit("organization_domain.verified", d.OrgID, d.Object())
	} else {
		d.State = DomainFailed
		tx.Emit("organization_domain.verification_failed", d.OrgID,
			wire.Object{{"reason", "domain_verification_period_expired"}, {"organization_domain", d.Object()}})
	}
	tx.Emit("organization_domain.updated", d.OrgID, d.Object())
	return ok
}

// fixtureDomains are a fixture organization's domains: its plain domains
// (verified by hand), then its domain_data.
func fixtureDomains(o *fixtures.Organization, created time.Time) []*OrgDomain {
	var out []*OrgDomain
	for _, d := range o.Domains {
		out = append(out, &OrgDomain{ID: fixtures.PrefixOrgDomain + deriveULID(o.ID+"/"+d, created), Domain: d, State: DomainVerified,
			Strategy: StrategyManual, CreatedAt: created, UpdatedAt: created})
	}
	for _, d := range o.DomainData {
		dc := at(d.CreatedAt, created)
		out = append(out, &OrgDomain{ID: cmp.Or(d.ID, fixtures.PrefixOrgDomain+deriveULID(o.ID+"/"+d.Domain, created)),
			Domain: strings.ToLower(d.Domain), State: cmp.Or(d.State, DomainVerified), Strategy: cmp.Or(d.VerificationStrategy, StrategyManual),
			VerificationToken: d.VerificationToken, VerificationPrefix: d.VerificationPrefix, CreatedAt: dc, UpdatedAt: at(d.UpdatedAt, dc)})
	}
	return out
}

// snapshotDomains writes an organization's domains with their states and
// ids, in its order.
func snapshotDomains(o *Organization) []fixtures.OrganizationDomain {
	var out []fixtures.OrganizationDomain
	for _, d := range o.Domains {
		out = append(out, fixtures.OrganizationDomain{ID: d.ID, Domain: d.Domain, State: d.State,
			VerificationStrategy: cmp.Or(d.Strategy, StrategyManual), VerificationToken: d.VerificationToken,
			VerificationPrefix: d.VerificationPrefix, CreatedAt: stamp(d.CreatedAt), UpdatedAt: stamp(cmp.Or(d.UpdatedAt, d.CreatedAt))})
	}
	return out
}

// SetDomainVerification marks a domain's verification to fail (or to
// succeed again).
func (tx *Tx) SetDomainVerification(domain string, fail bool) {
	if fail {
		tx.w.sso.failDomains[domainKey(domain)] = true
	} else {
		delete(tx.w.sso.failDomains, domainKey(domain))
	}
}
