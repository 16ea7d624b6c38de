package inspector

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// The panels of the world's records: users, organizations, memberships,
// roles and sessions. Details are the WorkOS objects the API returns.

func usersPanel() Panel {
	return Panel{
		ID: "users", Title: "Users", Columns: []string{"id", "email", "name", "verified", "created"},
		Rows: func(v View, q Query) []Row {
			var out []Row
			newestFirst(v.Tx.Users(), func(u *store.User) {
				ext := ""
				if u.ExternalID != nil {
					ext = *u.ExternalID
				}
				if !q.Match(u.ID, u.Email, u.Name(), ext) {
					return
				}
				out = append(out, Row{ID: u.ID, Cells: []string{u.ID, u.Email, u.Name(), yesNo(u.EmailVerified), wire.Time(u.CreatedAt)}})
			})
			return out
		},
		Detail: func(v View, id string) any {
			u := v.Tx.User(id)
			if u == nil {
				return nil
			}
			var memberships, sessions []string
			for _, m := range v.Tx.MembershipsOfUser(id) {
				memberships = append(memberships, m.ID)
			}
			for _, ss := range v.Tx.SessionsOfUser(id) {
				sessions = append(sessions, ss.ID)
			}
			return wire.Object{{"user", u.Object()}, {"memberships", memberships}, {"sessions", sessions}}
		},
	}
}

func organizationsPanel() Panel {
	return Panel{
		ID: "organizations", Title: "Organizations", Columns: []string{"id", "name", "domains", "members", "created"},
		Rows: func(v View, q Query) []Row {
			var out []Row
			newestFirst(v.Tx.Orgs(), func(o *store.Organization) {
				domains := make([]string, len(o.Domains))
				for i, d := range o.Domains {
					domains[i] = d.Domain
				}
				ds := strings.Join(domains, ", ")
				if !q.Match(o.ID, o.Name, ds) {
					return
				}
				out = append(out, Row{ID: o.ID, Cells: []string{o.ID, o.Name, ds, itoa(len(v.Tx.MembershipsOfOrg(o.ID))), wire.Time(o.CreatedAt)}})
			})
			return out
		},
		Detail: func(v View, id string) any {
			if o := v.Tx.Org(id); o != nil {
				return o.Object()
			}
			return nil
		},
	}
}

func membershipsPanel() Panel {
	return Panel{
		ID: "memberships", Title: "Memberships", Columns: []string{"id", "user", "organization", "roles", "status"},
		Filters: []Filter{{Name: "status", Label: "status", Options: []string{fixtures.MembershipActive, fixtures.MembershipInactive, fixtures.MembershipPending}}},
		Rows: func(v View, q Query) []Row {
			var out []Row
			newestFirst(v.Tx.Memberships(), func(m *store.Membership) {
				email, org := userEmail(v.Tx, m.UserID), orgName(v.Tx, m.OrgID)
				if (q.Filter("status") != "" && m.Status != q.Filter("status")) || !q.Match(m.ID, m.UserID, email, m.OrgID, org) {
					return
				}
				out = append(out, Row{ID: m.ID, Status: m.Status, Cells: []string{m.ID, email, org, strings.Join(m.Roles, ", "), m.Status}})
			})
			return out
		},
		Detail: func(v View, id string) any {
			if m := v.Tx.Membership(id); m != nil {
				return v.Tx.MembershipObject(m)
			}
			return nil
		},
	}
}

func rolesPanel() Panel {
	return Panel{
		ID: "roles", Title: "Roles", Columns: []string{"slug", "name", "scope", "permissions"},
		Rows: func(v View, q Query) []Row {
			var out []Row
			newestFirst(v.Tx.Roles(), func(r *store.Role) {
				scope := "environment"
				if r.OrgID != "" {
					scope = orgName(v.Tx, r.OrgID)
				}
				perms := strings.Join(r.Permissions, ", ")
				if !q.Match(r.ID, r.Slug, r.Name, r.OrgID, scope, perms) {
					return
				}
				out = append(out, Row{ID: r.ID, Cells: []string{r.Slug, r.Name, scope, perms}})
			})
			return out
		},
		Detail: func(v View, id string) any {
			for _, r := range v.Tx.Roles() {
				if r.ID == id {
					return r.Object()
				}
			}
			return nil
		},
	}
}

func sessionsPanel() Panel {
	return Panel{
		ID: "sessions", Title: "Sessions", Columns: []string{"id", "user", "organization", "kind", "status", "created", "ends"},
		Filters: []Filter{{Name: "status", Label: "status", Options: []string{fixtures.SessionActive, fixtures.SessionRevoked, fixtures.SessionExpired}}},
		Rows: func(v View, q Query) []Row {
			var out []Row
			now, cfg := v.Tx.Now(), v.Tx.Config()
			newestFirst(v.Tx.Sessions(), func(ss *store.Session) {
				status := ss.StatusAt(now, cfg)
				email, org := userEmail(v.Tx, ss.UserID), orgName(v.Tx, ss.OrgID)
				if (q.Filter("status") != "" && status != q.Filter("status")) || !q.Match(ss.ID, ss.UserID, email, ss.OrgID, org, ss.ClientID) {
					return
				}
				kind := "User Management"
				if ss.Family != store.FamilyUM {
					kind = "Connect (" + ss.ClientID + ")"
				}
				ends := ""
				if end := ss.End(cfg); !end.IsZero() {
					ends = wire.Time(end)
				}
				row := Row{ID: ss.ID, Status: status, Cells: []string{ss.ID, email, org, kind, status, wire.Time(ss.CreatedAt), ends}}
				if status == fixtures.SessionActive {
					row.Actions = []Action{{Label: "Revoke", Method: http.MethodPost, Path: "/_emulator/sessions/" + url.PathEscape(ss.ID) + "/revoke",
						Confirm: "Revoke session " + ss.ID + "? Its tokens turn inactive."}}
				}
				out = append(out, row)
			})
			return out
		},
		Detail: func(v View, id string) any {
			if ss := v.Tx.Session(id); ss != nil {
				return v.Tx.SessionObject(ss)
			}
			return nil
		},
	}
}

// userEmail is the e-mail of a user, or the id when the user is gone.
func userEmail(tx *store.Tx, id string) string {
	if u := tx.User(id); u != nil {
		return u.Email
	}
	return id
}

// orgName is the name of an organization, the id when it is gone, "" for
// none.
func orgName(tx *store.Tx, id string) string {
	if id == "" {
		return ""
	}
	if o := tx.Org(id); o != nil {
		return o.Name
	}
	return id
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
