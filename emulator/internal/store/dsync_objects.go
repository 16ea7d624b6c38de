package store

import (
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// The WorkOS objects of Directory Sync, as the API answers them and as the
// dsync.* events carry them.

// Object renders the WorkOS directory (the spec's Directory).
func (d *Directory) Object() wire.Object {
	meta := wire.Object{{"users", wire.Object{{"active", d.active}, {"inactive", d.inactive}}}, {"groups", len(d.groups)}}
	return wire.Object{{"object", "directory"}, {"id", d.ID}, {"organization_id", d.OrgID}, {"external_key", d.ExternalKey},
		{"type", d.Type}, {"state", d.State}, {"name", d.Name}, {"domain", d.Domain}, {"metadata", meta},
		{"created_at", wire.Time(d.CreatedAt)}, {"updated_at", wire.Time(d.UpdatedAt)}}
}

// eventState is a directory state as the dsync.* events name it: the
// events say active and inactive where the API says linked and unlinked
// (the Node SDK maps the API's names the same way).
func eventState(state string) string {
	switch state {
	case fixtures.DirectoryLinked:
		return "active"
	case fixtures.DirectoryUnlinked:
		return "inactive"
	}
	return state
}

// DirectoryActivatedObject is the data of dsync.activated: the directory
// with its organization's domains.
func (tx *Tx) DirectoryActivatedObject(d *Directory) wire.Object {
	domains := []wire.Object{}
	if org := tx.Org(d.OrgID); org != nil {
		for _, od := range org.Domains {
			domains = append(domains, wire.Object{{"object", "organization_domain"}, {"id", od.ID}, {"domain", od.Domain}})
		}
	}
	return wire.Object{{"object", "directory"}, {"id", d.ID}, {"organization_id", d.OrgID}, {"type", d.Type},
		{"state", eventState(d.State)}, {"name", d.Name}, {"created_at", wire.Time(d.CreatedAt)}, {"updated_at", wire.Time(d.UpdatedAt)},
		{"external_key", d.ExternalKey}, {"domains", domains}}
}

// DirectoryDeletedObject is the data of dsync.deleted.
func (d *Directory) DirectoryDeletedObject() wire.Object {
	return wire.Object{{"object", "directory"}, {"id", d.ID}, {"organization_id", d.OrgID}, {"type", d.Type},
		{"state", eventState(d.State)}, {"name", d.Name}, {"created_at", wire.Time(d.CreatedAt)}, {"updated_at", wire.Time(d.UpdatedAt)}}
}

// Object renders the WorkOS directory group (the spec's DirectoryGroup).
func (g *DirectoryGroup) Object() wire.Object {
	return wire.Object{{"object", "directory_group"}, {"id", g.ID}, {"idp_id", g.IdpID}, {"directory_id", g.DirectoryID},
		{"organization_id", g.OrgID}, {"name", g.Name}, {"created_at", wire.Time(g.CreatedAt)}, {"updated_at", wire.Time(g.UpdatedAt)},
		{"raw_attributes", attributes(g.RawAttributes)}}
}

// Roles are the role slugs the user's groups give it, in group order,
// each once.
func (u *DirectoryUser) Roles() []string {
	var out []string
	for _, g := range u.groups {
		if g.Role != "" && !containsString(out, g.Role) {
			out = append(out, g.Role)
		}
	}
	return out
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Name is the user's full name ("" when neither part is set).
func (u *DirectoryUser) Name() string {
	switch {
	case u.FirstName != "" && u.LastName != "":
		return u.FirstName + " " + u.LastName
	case u.FirstName != "":
		return u.FirstName
	}
	return u.LastName
}

// Object renders the WorkOS directory user (the spec's DirectoryUser, the
// shape of the dsync.user.* events); the API's answers add the groups
// (DirectoryUserWithGroups, see ObjectWithGroups).
func (u *DirectoryUser) Object() wire.Object {
	emails := make([]wire.Object, len(u.Emails))
	for i, e := range u.Emails {
		emails[i] = wire.Object{{"primary", e.Primary}, {"type", e.Type}, {"value", e.Value}}
	}
	o := wire.Object{{"object", "directory_user"}, {"id", u.ID}, {"directory_id", u.DirectoryID}, {"organization_id", u.OrgID},
		{"idp_id", u.IdpID}, {"email", wire.Opt(u.Email)}, {"first_name", wire.Opt(u.FirstName)}, {"last_name", wire.Opt(u.LastName)},
		{"name", wire.Opt(u.Name())}, {"emails", emails}, {"job_title", wire.Opt(u.JobTitle)}, {"username", wire.Opt(u.Username)},
		{"state", u.State}, {"raw_attributes", attributes(u.RawAttributes)}, {"custom_attributes", attributes(u.CustomAttributes)}}
	if roles := u.Roles(); len(roles) > 0 {
		slim := make([]wire.Object, len(roles))
		for i, r := range roles {
			slim[i] = wire.Object{{"slug", r}}
		}
		o = append(o, wire.KV{"role", slim[0]}, wire.KV{"roles", slim})
	}
	return append(o, wire.KV{"created_at", wire.Time(u.CreatedAt)}, wire.KV{"updated_at", wire.Time(u.UpdatedAt)})
}

// ObjectWithGroups renders the directory user with its groups (the
// spec's DirectoryUserWithGroups), as GET /directory_users answers it.
func (u *DirectoryUser) ObjectWithGroups() wire.Object {
	groups := make([]wire.Object, len(u.groups))
	for i, g := range u.groups {
		groups[i] = g.Object()
	}
	return append(u.Object(), wire.KV{"groups", groups})
}

// attributes is an attribute map that encodes as an object (never null).
// Attribute maps are replaced, never changed in place, so an answer
// encoded after its transaction still shows the attributes of its moment.
func attributes(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}
