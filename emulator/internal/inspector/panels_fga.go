package inspector

import (
	"cmp"
	"slices"
	"strings"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
)

// The panels of Fine-Grained Authorization: resources (organizations'
// own, the roots of their trees, are left out), role assignments (the
// records, and the memberships' organization roles, which the API lists
// as assignments on the organization) and groups of memberships.

func resourcesPanel() Panel {
	return Panel{
		ID: "resources", Title: "FGA resources", Columns: []string{"id", "name", "type", "external id", "organization", "parent", "created"},
		Filters: []Filter{{Name: "type", Label: "resource type"}},
		Rows: func(v View, q Query) []Row {
			var out []Row
			newestFirst(v.Tx.Resources(), func(r *store.Resource) {
				org, parent := orgName(v.Tx, r.OrgID), resourceLabel(v.Tx, r.ParentID)
				if (q.Filter("type") != "" && r.Type != q.Filter("type")) || !q.Match(r.ID, r.Name, r.Type, r.ExternalID, r.OrgID, org, r.ParentID, parent) {
					return
				}
				out = append(out, Row{ID: r.ID, Cells: []string{r.ID, r.Name, r.Type, r.ExternalID, org, parent, wire.Time(r.CreatedAt)}})
			})
			return out
		},
		Detail: func(v View, id string) any {
			r := v.Tx.Resource(id)
			if r == nil {
				return nil
			}
			children := []string{}
			for _, c := range v.Tx.Children(r.ID) {
				children = append(children, c.ID)
			}
			assignments := []wire.Object{}
			for _, ra := range v.Tx.AssignmentsOn(r.ID) {
				assignments = append(assignments, ra.Object(r))
			}
			groups := []wire.Object{}
			for _, gra := range v.Tx.GroupAssignmentsOn(r.ID) {
				groups = append(groups, gra.Object(r))
			}
			return wire.Object{{"resource", r.Object()}, {"organization", orgName(v.Tx, r.OrgID)}, {"children", children},
				{"role_assignments", assignments}, {"group_role_assignments", groups}}
		},
	}
}

// resourceLabel names a resource as type:external id ("organization" for
// an organization's own, "" for none, the id when it is gone).
func resourceLabel(tx *store.Tx, id string) string {
	if id == "" {
		return ""
	}
	r := tx.Resource(id)
	switch {
	case r == nil:
		return id
	case r.IsOrganization():
		return "organization " + orgName(tx, r.OrgID)
	}
	return r.Type + ":" + r.ExternalID
}

func roleAssignmentsPanel() Panel {
	return Panel{
		ID: "role_assignments", Title: "Role assignments", Columns: []string{"id", "user", "organization", "role", "resource", "source", "created"},
		Filters: []Filter{{Name: "source", Label: "source", Options: []string{"organization role", "direct", "group"}}},
		Rows: func(v View, q Query) []Row {
			var out []Row
			for _, ra := range allAssignments(v.Tx) {
				m := ra.Membership
				email, org, res, source := userEmail(v.Tx, m.UserID), orgName(v.Tx, m.OrgID), resourceLabel(v.Tx, ra.ResourceID), assignmentSource(ra)
				if f := q.Filter("source"); f != "" && !strings.HasPrefix(source, f) {
					continue
				}
				if !q.Match(ra.ID, m.ID, m.UserID, email, m.OrgID, org, ra.Role, ra.ResourceID, res, source) {
					continue
				}
				out = append(out, Row{ID: ra.ID, Cells: []string{ra.ID, email, org, ra.Role, res, source, wire.Time(ra.CreatedAt)}})
			}
			return out
		},
		Detail: func(v View, id string) any {
			for _, ra := range allAssignments(v.Tx) {
				if ra.ID != id {
					continue
				}
				var res wire.Object
				if r := v.Tx.Resource(ra.ResourceID); r != nil {
					res = ra.Object(r)
				}
				return wire.Object{{"role_assignment", res}, {"source", assignmentSource(ra)},
					{"user", wire.Object{{"id", ra.Membership.UserID}, {"email", userEmail(v.Tx, ra.Membership.UserID)}}},
					{"organization", orgName(v.Tx, ra.Membership.OrgID)}}
			}
			return nil
		},
	}
}

// allAssignments lists every role assignment, newest first: the records,
// and each membership's organization roles (built on demand, with the ids
// and order the role assignments API gives them).
func allAssignments(tx *store.Tx) []*store.RoleAssignment {
	all := slices.Clone(tx.RoleAssignments())
	for _, m := range tx.Memberships() {
		all = append(all, tx.OrgRoleAssignments(m)...)
	}
	slices.SortStableFunc(all, func(a, b *store.RoleAssignment) int { return cmp.Compare(store.ScaledKey(b), store.ScaledKey(a)) })
	return all
}

// assignmentSource says where an assignment comes from: a membership's
// organization role, a direct assignment, or a group's (by name).
func assignmentSource(ra *store.RoleAssignment) string {
	switch {
	case ra.Virtual():
		return "organization role"
	case ra.Source != nil:
		return "group " + ra.Source.Group.Name
	}
	return "direct"
}

func groupsPanel() Panel {
	return Panel{
		ID: "groups", Title: "Groups", Columns: []string{"id", "name", "organization", "members", "roles", "created"},
		Rows: func(v View, q Query) []Row {
			var out []Row
			newestFirst(v.Tx.Groups(), func(g *store.Group) {
				org := orgName(v.Tx, g.OrgID)
				var roles []string
				for _, gra := range g.Assignments {
					roles = append(roles, gra.Role+" on "+resourceLabel(v.Tx, gra.ResourceID))
				}
				rs := strings.Join(roles, ", ")
				if !q.Match(g.ID, g.Name, g.OrgID, org, rs) && !groupMembersMatch(v.Tx, g, q) {
					return
				}
				out = append(out, Row{ID: g.ID, Cells: []string{g.ID, g.Name, org, itoa(len(g.Members)), rs, wire.Time(g.CreatedAt)}})
			})
			return out
		},
		Detail: func(v View, id string) any {
			g := v.Tx.Group(id)
			if g == nil {
				return nil
			}
			members := make([]wire.Object, len(g.Members))
			for i, m := range g.Members {
				members[i] = wire.Object{{"organization_membership_id", m.ID}, {"user_id", m.UserID}, {"email", userEmail(v.Tx, m.UserID)}}
			}
			roles := []wire.Object{}
			for _, gra := range g.Assignments {
				if r := v.Tx.Resource(gra.ResourceID); r != nil {
					roles = append(roles, gra.Object(r))
				}
			}
			return wire.Object{{"group", g.Object()}, {"organization", orgName(v.Tx, g.OrgID)}, {"members", members}, {"role_assignments", roles}}
		},
	}
}

// groupMembersMatch reports whether the search finds a member of a group
// (by membership id, user id or e-mail).
func groupMembersMatch(tx *store.Tx, g *store.Group, q Query) bool {
	for _, m := range g.Members {
		if q.Text != "" && q.Match(m.ID, m.UserID, userEmail(tx, m.UserID)) {
			return true
		}
	}
	return false
}
