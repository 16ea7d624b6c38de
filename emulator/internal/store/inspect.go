package store

import (
	"cmp"
	"slices"
)

// Listings of whole collections that the API reaches only through an
// owner (a user's sessions, an organization's memberships): the inspector
// shows them all. Each is a fresh slice in creation order, O(n log n).

// Sessions lists every session (both families), in creation order.
func (tx *Tx) Sessions() []*Session { return sortedValues(tx.w.sessions) }

// Memberships lists every organization membership, in creation order.
func (tx *Tx) Memberships() []*Membership { return sortedValues(tx.w.memberships) }

// Roles lists the environment's roles and every organization's own roles,
// in creation order.
func (tx *Tx) Roles() []*Role {
	out := make([]*Role, 0, len(tx.w.roles))
	for _, r := range tx.w.roles {
		out = append(out, r)
	}
	for _, own := range tx.w.orgRoles {
		for _, r := range own {
			out = append(out, r)
		}
	}
	SortBySeq(out)
	return out
}

func sortedValues[T Listed](m map[string]T) []T {
	out := make([]T, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	SortBySeq(out)
	return out
}

// APIKeys lists every key of the API keys product, organizations' and
// users', in creation order.
func (tx *Tx) APIKeys() []*APIKey { return sortedValues(tx.w.apiKeys.byID) }

// Authorizations lists every user's authorized Connect applications, in
// creation order.
func (tx *Tx) Authorizations() []*Authorization { return sortedValues(tx.w.connect.auths) }

// RoleAssignments lists the role assignment records (direct ones on
// resources, and those groups give), in creation order. Organization
// roles have no record: see OrgRoleAssignments.
func (tx *Tx) RoleAssignments() []*RoleAssignment { return sortedValues(tx.w.authz.assignments) }

// Groups lists every organization's groups, in creation order.
func (tx *Tx) Groups() []*Group { return sortedValues(tx.w.authz.groups) }

// ConnectedAccounts lists every Pipes connected account, in creation order.
func (tx *Tx) ConnectedAccounts() []*ConnectedAccount { return sortedValues(tx.w.pipes.accounts) }

// DirectoryUsers lists the users of every directory, in creation order.
func (tx *Tx) DirectoryUsers() []*DirectoryUser { return sortedValues(tx.w.dsync.users) }

// DirectoryGroups lists the groups of every directory, in creation order.
func (tx *Tx) DirectoryGroups() []*DirectoryGroup { return sortedValues(tx.w.dsync.groups) }

// AgentRegistrations lists the agent registrations, oldest first (ties by
// id: registrations carry no creation number).
func (tx *Tx) AgentRegistrations() []*AgentRegistration {
	out := make([]*AgentRegistration, 0, len(tx.w.agents.regs))
	for _, r := range tx.w.agents.regs {
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b *AgentRegistration) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return out
}

// DomainVerificationFails reports whether the control plane marked a
// domain's verification to fail (PUT /_emulator/organization_domains/verification).
func (tx *Tx) DomainVerificationFails(domain string) bool {
	return tx.w.sso.failDomains[domainKey(domain)]
}
