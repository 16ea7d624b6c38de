package inspector

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// The panels of Directory Sync: directories, and their users and groups
// as panels of their own (a directory's id finds its users and groups),
// each user with the AuthKit user it is linked to. The actions are the
// identity provider's side, the area's control routes
// (/_emulator/directories/{id}/...).

func directoriesPanel() Panel {
	return Panel{
		ID: "directories", Title: "Directories",
		Columns: []string{"id", "name", "type", "organization", "users", "groups", "provisions", "state"},
		Filters: []Filter{{Name: "state", Label: "state", Options: fixtures.DirectoryStates}},
		Rows: func(v View, q Query) []Row {
			var out []Row
			newestFirst(v.Tx.Directories(), func(d *store.Directory) {
				org := orgName(v.Tx, d.OrgID)
				if f := q.Filter("state"); (f != "" && d.State != f) || !q.Match(d.ID, d.Name, d.Type, d.Domain, d.OrgID, org) {
					return
				}
				active := 0
				for _, u := range d.Users() {
					if u.State == fixtures.DirectoryUserActive {
						active++
					}
				}
				users := itoa(len(d.Users()))
				if active != len(d.Users()) {
					users += " (" + itoa(active) + " active)"
				}
				out = append(out, Row{ID: d.ID, Status: d.State,
					Cells: []string{d.ID, d.Name, d.Type, org, users, itoa(len(d.Groups())), yesNo(d.Provisions), d.State}})
			})
			return out
		},
		Detail: func(v View, id string) any {
			d := v.Tx.Directory(id)
			if d == nil {
				return nil
			}
			users := make([]wire.Object, len(d.Users()))
			for i, u := range d.Users() {
				users[i] = wire.Object{{"id", u.ID}, {"email", wire.Opt(u.Email)}, {"state", u.State},
					{"authkit_user", authKitUser(v.Tx, u.AuthKitUserID)}}
			}
			groups := make([]wire.Object, len(d.Groups()))
			for i, g := range d.Groups() {
				groups[i] = wire.Object{{"id", g.ID}, {"name", g.Name}, {"members", len(g.Members())}}
			}
			return wire.Object{{"directory", d.Object()}, {"organization", orgName(v.Tx, d.OrgID)},
				{"authkit_provisioning", d.Provisions}, {"users", users}, {"groups", groups}}
		},
	}
}

// authKitUser is the AuthKit user a directory user is linked to, as an id
// and e-mail (nil for none).
func authKitUser(tx *store.Tx, id string) any {
	if id == "" {
		return nil
	}
	return wire.Object{{"id", id}, {"email", userEmail(tx, id)}}
}

func directoryUsersPanel() Panel {
	return Panel{
		ID: "directory_users", Title: "Directory users",
		Columns: []string{"id", "email", "name", "directory", "groups", "authkit user", "state"},
		Filters: []Filter{{Name: "state", Label: "state", Options: []string{fixtures.DirectoryUserActive, fixtures.DirectoryUserSuspended, fixtures.DirectoryUserInactive}}},
		Rows: func(v View, q Query) []Row {
			var out []Row
			newestFirst(v.Tx.DirectoryUsers(), func(u *store.DirectoryUser) {
				if f := q.Filter("state"); f != "" && u.State != f {
					return
				}
				dir := directoryName(v.Tx, u.DirectoryID)
				groups := make([]string, len(u.Groups()))
				for i, g := range u.Groups() {
					groups[i] = g.Name
				}
				gs := strings.Join(groups, ", ")
				authkit := ""
				if u.AuthKitUserID != "" {
					authkit = userEmail(v.Tx, u.AuthKitUserID)
				}
				if !q.Match(u.ID, u.IdpID, u.Email, u.Name(), u.Username, u.DirectoryID, dir, u.OrgID, gs, u.AuthKitUserID, authkit) &&
					!emailsMatch(u.Emails, q) {
					return
				}
				out = append(out, Row{ID: u.ID, Status: u.State, Actions: directoryUserActions(u),
					Cells: []string{u.ID, u.Email, u.Name(), dir, gs, authkit, u.State}})
			})
			return out
		},
		Detail: func(v View, id string) any {
			u := v.Tx.DirectoryUser(id)
			if u == nil {
				return nil
			}
			o := u.ObjectWithGroups()
			o.WithAuthKit = true
			return wire.Object{{"directory_user", o}, {"directory", directoryName(v.Tx, u.DirectoryID)},
				{"organization", orgName(v.Tx, u.OrgID)}, {"authkit_user", authKitUser(v.Tx, u.AuthKitUserID)}}
		},
	}
}

// emailsMatch reports whether the search finds one of a directory user's
// e-mails.
func emailsMatch(emails []fixtures.DirectoryEmail, q Query) bool {
	for _, e := range emails {
		if q.Match(e.Value) {
			return true
		}
	}
	return false
}

// directoryUserActions deactivate (or reactivate) and deprovision a
// directory user, as its identity provider would.
func directoryUserActions(u *store.DirectoryUser) []Action {
	path := "/_emulator/directories/" + url.PathEscape(u.DirectoryID) + "/users/" + url.PathEscape(u.ID)
	state := Action{Label: "Deactivate", Method: http.MethodPut, Path: path, Body: map[string]string{"state": fixtures.DirectoryUserInactive},
		Confirm: "Deactivate directory user " + u.ID + "? (dsync.user.updated; a provisioned membership is deactivated)"}
	if u.State != fixtures.DirectoryUserActive {
		state = Action{Label: "Reactivate", Method: http.MethodPut, Path: path, Body: map[string]string{"state": fixtures.DirectoryUserActive}}
	}
	return []Action{state, {Label: "Deprovision", Method: http.MethodDelete, Path: path,
		Confirm: "Deprovision directory user " + u.ID + "? (dsync.user.deleted)"}}
}

func directoryGroupsPanel() Panel {
	return Panel{
		ID: "directory_groups", Title: "Directory groups",
		Columns: []string{"id", "name", "directory", "organization", "role", "members"},
		Rows: func(v View, q Query) []Row {
			var out []Row
			newestFirst(v.Tx.DirectoryGroups(), func(g *store.DirectoryGroup) {
				dir, org := directoryName(v.Tx, g.DirectoryID), orgName(v.Tx, g.OrgID)
				if !q.Match(g.ID, g.IdpID, g.Name, g.Role, g.DirectoryID, dir, g.OrgID, org) && !membersMatch(g, q) {
					return
				}
				out = append(out, Row{ID: g.ID, Cells: []string{g.ID, g.Name, dir, org, g.Role, itoa(len(g.Members()))},
					Actions: []Action{{Label: "Delete", Method: http.MethodDelete,
						Path:    "/_emulator/directories/" + url.PathEscape(g.DirectoryID) + "/groups/" + url.PathEscape(g.ID),
						Confirm: "Delete directory group " + g.Name + "? (dsync.group.deleted)"}}})
			})
			return out
		},
		Detail: func(v View, id string) any {
			g := v.Tx.DirectoryGroup(id)
			if g == nil {
				return nil
			}
			members := make([]wire.Object, len(g.Members()))
			for i, u := range g.Members() {
				members[i] = wire.Object{{"id", u.ID}, {"email", wire.Opt(u.Email)}, {"state", u.State}}
			}
			return wire.Object{{"directory_group", g.Object()}, {"role", wire.Opt(g.Role)},
				{"directory", directoryName(v.Tx, g.DirectoryID)}, {"members", members}}
		},
	}
}

// membersMatch reports whether the search finds a member of a directory
// group (by e-mail or id), so a user's e-mail finds their groups.
func membersMatch(g *store.DirectoryGroup, q Query) bool {
	if q.Text == "" {
		return true
	}
	for _, u := range g.Members() {
		if q.Match(u.ID, u.Email) {
			return true
		}
	}
	return false
}

// directoryName is the name of a directory, or its id when it is gone.
func directoryName(tx *store.Tx, id string) string {
	if d := tx.Directory(id); d != nil {
		return d.Name
	}
	return id
}
