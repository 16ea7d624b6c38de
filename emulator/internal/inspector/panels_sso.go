package inspector

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// The panels of enterprise sign-in: SSO connections (and the OAuth
// providers, which are connections without an organization) with the
// identities their emulated identity provider offers, and organization
// domains with how their verification will end.

func connectionsPanel() Panel {
	return Panel{
		ID: "connections", Title: "Connections",
		Columns: []string{"id", "name", "type", "organization", "domains", "profiles", "state"},
		Filters: []Filter{{Name: "state", Label: "state", Options: fixtures.ConnectionStates}},
		Rows: func(v View, q Query) []Row {
			var out []Row
			newestFirst(v.Tx.Connections(), func(c *store.Connection) {
				if f := q.Filter("state"); f != "" && c.State != f {
					return
				}
				org, domains := orgName(v.Tx, c.OrgID), strings.Join(v.Tx.ConnectionDomains(c), ", ")
				if !q.Match(c.ID, c.Name, c.Type, c.OrgID, org, domains) && !profilesMatch(c, q) {
					return
				}
				if c.OrgID == "" {
					org = "(environment: OAuth provider)"
				}
				out = append(out, Row{ID: c.ID, Status: c.State, Actions: connectionActions(c),
					Cells: []string{c.ID, c.Name, c.Type, org, domains, itoa(len(c.Profiles)), c.State}})
			})
			return out
		},
		Detail: func(v View, id string) any {
			c := v.Tx.Connection(id)
			if c == nil {
				return nil
			}
			profiles := make([]wire.Object, len(c.Profiles))
			for i, p := range c.Profiles {
				var linked any
				if u := v.Tx.LinkedUser(p.ID); u != nil {
					linked = wire.Object{{"id", u.ID}, {"email", u.Email}}
				}
				profiles[i] = wire.Object{{"profile", p.Object()}, {"signed_in_as", linked}}
			}
			return wire.Object{{"connection", v.Tx.ConnectionEventObject(c)}, {"organization", orgName(v.Tx, c.OrgID)},
				{"profiles", profiles}}
		},
	}
}

// profilesMatch reports whether the search finds one of the identities a
// connection's identity provider offers (by e-mail, id or IdP id).
func profilesMatch(c *store.Connection, q Query) bool {
	for _, p := range c.Profiles {
		if q.Match(p.ID, p.IdpID, p.Email, p.FirstName, p.LastName) {
			return true
		}
	}
	return false
}

// connectionActions switches a connection on or off through the control
// route PATCH /_emulator/connections/{id}.
func connectionActions(c *store.Connection) []Action {
	path := "/_emulator/connections/" + url.PathEscape(c.ID)
	if c.Active() {
		return []Action{{Label: "Deactivate", Method: http.MethodPatch, Path: path, Body: map[string]string{"state": fixtures.ConnectionInactive},
			Confirm: "Deactivate connection " + c.ID + "? Its sessions end and it signs no one in (connection.deactivated)."}}
	}
	return []Action{{Label: "Activate", Method: http.MethodPatch, Path: path, Body: map[string]string{"state": fixtures.ConnectionActive}}}
}

func domainsPanel() Panel {
	return Panel{
		ID: "domains", Title: "Organization domains",
		Columns: []string{"id", "domain", "organization", "strategy", "verification", "state"},
		Filters: []Filter{{Name: "state", Label: "state", Options: []string{store.DomainVerified, store.DomainPending, store.DomainFailed}}},
		Form: &Form{Label: "Set verification outcome", Method: http.MethodPut, Path: "/_emulator/organization_domains/verification", Fields: []Field{
			{Name: "domain", Label: "domain", Type: "text", Placeholder: "acme.test"},
			{Name: "outcome", Label: "outcome", Type: "text", Placeholder: "fail | succeed"},
		}},
		Rows: func(v View, q Query) []Row {
			var out []Row
			newestFirst(v.Tx.Orgs(), func(o *store.Organization) {
				newestFirst(o.Domains, func(d *store.OrgDomain) {
					if f := q.Filter("state"); (f != "" && d.State != f) || !q.Match(d.ID, d.Domain, o.ID, o.Name) {
						return
					}
					fails := v.Tx.DomainVerificationFails(d.Domain)
					outcome, flip, label := "succeeds", "fail", "Make verification fail"
					if fails {
						outcome, flip, label = "fails (control plane)", "succeed", "Make verification succeed"
					}
					strategy := d.Strategy
					if strategy == "" {
						strategy = store.StrategyManual
					}
					out = append(out, Row{ID: d.ID, Status: d.State,
						Cells: []string{d.ID, d.Domain, o.Name, strategy, outcome, d.State},
						Actions: []Action{{Label: label, Method: http.MethodPut, Path: "/_emulator/organization_domains/verification",
							Body: map[string]string{"domain": d.Domain, "outcome": flip}}}})
				})
			})
			return out
		},
		Detail: func(v View, id string) any {
			d := v.Tx.OrgDomain(id)
			if d == nil {
				return nil
			}
			outcome := "succeed"
			if v.Tx.DomainVerificationFails(d.Domain) {
				outcome = "fail"
			}
			return wire.Object{{"domain", d.Object()}, {"organization", orgName(v.Tx, d.OrgID)}, {"verification_outcome", outcome}}
		},
	}
}
