package inspector

import (
	"strings"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
)

// featureFlagsPanel is the environment's feature flags: whether each is
// enabled, its default, and whom it targets (organizations by name, users
// by e-mail, so searching an e-mail finds the flags that target them).
func featureFlagsPanel() Panel {
	return Panel{
		ID: "flags", Title: "Feature flags", Columns: []string{"slug", "name", "default", "organizations", "users", "updated", "state"},
		Filters: []Filter{{Name: "state", Label: "state", Options: []string{"enabled", "disabled"}}},
		Rows: func(v View, q Query) []Row {
			var out []Row
			newestFirst(v.Tx.Flags(), func(f *store.Flag) {
				state := "disabled"
				if f.Enabled {
					state = "enabled"
				}
				orgs, users := flagTargets(v.Tx, f)
				os, us := strings.Join(orgs, ", "), strings.Join(users, ", ")
				if s := q.Filter("state"); (s != "" && s != state) ||
					!q.Match(append([]string{f.ID, f.Slug, f.Name, f.Description, os, us, strings.Join(f.Tags, " ")}, append(f.Orgs, f.Users...)...)...) {
					return
				}
				def := "off"
				if f.DefaultValue {
					def = "on"
				}
				out = append(out, Row{ID: f.ID, Status: state, Cells: []string{f.Slug, f.Name, def, os, us, wire.Time(f.UpdatedAt), state}})
			})
			return out
		},
		Detail: func(v View, id string) any {
			for _, f := range v.Tx.Flags() {
				if f.ID == id || f.Slug == id {
					orgs := make([]wire.Object, len(f.Orgs))
					for i, o := range f.Orgs {
						orgs[i] = wire.Object{{"id", o}, {"name", orgName(v.Tx, o)}}
					}
					users := make([]wire.Object, len(f.Users))
					for i, u := range f.Users {
						users[i] = wire.Object{{"id", u}, {"email", userEmail(v.Tx, u)}}
					}
					return wire.Object{{"flag", f.Object()}, {"access", f.AccessType()},
						{"targets", wire.Object{{"organizations", orgs}, {"users", users}}}}
				}
			}
			return nil
		},
	}
}

// flagTargets are a flag's targeted organizations (names) and users
// (e-mails).
func flagTargets(tx *store.Tx, f *store.Flag) (orgs, users []string) {
	for _, o := range f.Orgs {
		orgs = append(orgs, orgName(tx, o))
	}
	for _, u := range f.Users {
		users = append(users, userEmail(tx, u))
	}
	return orgs, users
}
