package store

import (
	"reflect"
	"time"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// The WorkOS objects of Directory Sync, as the API answers them and as the
// dsync.* events carry them. Users and groups are snapshots that write
// themselves (a page of 100 users with their groups is the hot path), so a
// page costs a few allocations per user, not one per member.

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

// DirectoryGroupObject is the WorkOS directory group (the spec's
// DirectoryGroup) as rendered at one moment.
type DirectoryGroupObject struct {
	ID, IdpID, DirectoryID, OrgID, Name string
	RawAttributes                       map[string]any
	CreatedAt, UpdatedAt                time.Time
	// Previous is dsync.group.updated's previous_attributes (nil: none).
	Previous map[string]any
}

// Object renders the directory group.
func (g *DirectoryGroup) Object() *DirectoryGroupObject {
	return &DirectoryGroupObject{ID: g.ID, IdpID: g.IdpID, DirectoryID: g.DirectoryID, OrgID: g.OrgID, Name: g.Name,
		RawAttributes: g.RawAttributes, CreatedAt: g.CreatedAt, UpdatedAt: g.UpdatedAt}
}

// AppendJSON writes the group object.
func (o *DirectoryGroupObject) AppendJSON(b []byte) ([]byte, error) {
	m := wire.Members{B: append(b, '{')}
	m.Str("object", "directory_group")
	m.Str("id", o.ID)
	m.Str("idp_id", o.IdpID)
	m.Str("directory_id", o.DirectoryID)
	m.Str("organization_id", o.OrgID)
	m.Str("name", o.Name)
	m.Time("created_at", o.CreatedAt)
	m.Time("updated_at", o.UpdatedAt)
	if err := anyMember(&m, "raw_attributes", o.RawAttributes); err != nil {
		return nil, err
	}
	if o.Previous != nil {
		if err := anyMember(&m, "previous_attributes", o.Previous); err != nil {
			return nil, err
		}
	}
	return append(m.B, '}'), nil
}

// anyMember writes an attribute map (an object, never null).
func anyMember(m *wire.Members, k string, v map[string]any) error {
	if len(v) == 0 {
		m.Raw(k, []byte("{}"))
		return nil
	}
	enc, err := wire.Marshal(v)
	if err != nil {
		return err
	}
	m.Raw(k, enc)
	return nil
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

// DirectoryUserObject is the WorkOS directory user as rendered at one
// moment: the spec's DirectoryUser (the dsync.user.* events), or with its
// groups DirectoryUserWithGroups (the API's answers).
type DirectoryUserObject struct {
	ID, DirectoryID, OrgID, IdpID                        string
	Email, FirstName, LastName, Name, JobTitle, Username string
	State                                                string
	Emails                                               []fixtures.DirectoryEmail
	RawAttributes, CustomAttributes                      map[string]any
	Roles                                                []string
	CreatedAt, UpdatedAt                                 time.Time
	WithGroups                                           bool
	Groups                                               []*DirectoryGroupObject
	// Previous is dsync.user.updated's previous_attributes (nil: none).
	Previous map[string]any
	// AuthKitUserID, when WithAuthKit, is written as authkit_user_id (the
	// control plane's answers).
	AuthKitUserID string
	WithAuthKit   bool
}

// Object renders the directory user without its groups.
func (u *DirectoryUser) Object() *DirectoryUserObject {
	return &DirectoryUserObject{ID: u.ID, DirectoryID: u.DirectoryID, OrgID: u.OrgID, IdpID: u.IdpID, Email: u.Email,
		FirstName: u.FirstName, LastName: u.LastName, Name: u.Name(), JobTitle: u.JobTitle, Username: u.Username,
		State: u.State, Emails: u.Emails, RawAttributes: u.RawAttributes, CustomAttributes: u.CustomAttributes,
		Roles: u.Roles(), CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt, AuthKitUserID: u.AuthKitUserID}
}

// ObjectWithGroups renders the directory user with its groups, as GET
// /directory_users answers it.
func (u *DirectoryUser) ObjectWithGroups() *DirectoryUserObject {
	o := u.Object()
	o.WithGroups = true
	o.Groups = make([]*DirectoryGroupObject, len(u.groups))
	for i, g := range u.groups {
		o.Groups[i] = g.Object()
	}
	return o
}

// AppendJSON writes the user object.
func (o *DirectoryUserObject) AppendJSON(b []byte) ([]byte, error) {
	m := wire.Members{B: append(b, '{')}
	m.Str("object", "directory_user")
	m.Str("id", o.ID)
	m.Str("directory_id", o.DirectoryID)
	m.Str("organization_id", o.OrgID)
	m.Str("idp_id", o.IdpID)
	m.OptStr("email", o.Email)
	m.OptStr("first_name", o.FirstName)
	m.OptStr("last_name", o.LastName)
	m.OptStr("name", o.Name)
	m.Raw("emails", appendEmails(nil, o.Emails))
	m.OptStr("job_title", o.JobTitle)
	m.OptStr("username", o.Username)
	m.Str("state", o.State)
	if err := anyMember(&m, "raw_attributes", o.RawAttributes); err != nil {
		return nil, err
	}
	if err := anyMember(&m, "custom_attributes", o.CustomAttributes); err != nil {
		return nil, err
	}
	if len(o.Roles) > 0 {
		m.Raw("role", appendSlug(nil, o.Roles[0]))
		roles := []byte{'['}
		for i, r := range o.Roles {
			if i > 0 {
				roles = append(roles, ',')
			}
			roles = appendSlug(roles, r)
		}
		m.Raw("roles", append(roles, ']'))
	}
	m.Time("created_at", o.CreatedAt)
	m.Time("updated_at", o.UpdatedAt)
	if o.WithGroups {
		groups := []byte{'['}
		for i, g := range o.Groups {
			if i > 0 {
				groups = append(groups, ',')
			}
			var err error
			if groups, err = g.AppendJSON(groups); err != nil {
				return nil, err
			}
		}
		m.Raw("groups", append(groups, ']'))
	}
	if o.Previous != nil {
		if err := anyMember(&m, "previous_attributes", o.Previous); err != nil {
			return nil, err
		}
	}
	if o.WithAuthKit {
		m.OptStr("authkit_user_id", o.AuthKitUserID)
	}
	return append(m.B, '}'), nil
}

// MarshalJSON writes the user object (for encoding/json callers).
func (o *DirectoryUserObject) MarshalJSON() ([]byte, error) {
	return o.AppendJSON(make([]byte, 0, 1024))
}

// MarshalJSON writes the group object (for encoding/json callers).
func (o *DirectoryGroupObject) MarshalJSON() ([]byte, error) {
	return o.AppendJSON(make([]byte, 0, 512))
}

func appendSlug(b []byte, slug string) []byte {
	b = append(b, `{"slug":`...)
	b = wire.AppendString(b, slug)
	return append(b, '}')
}

func appendEmails(b []byte, emails []fixtures.DirectoryEmail) []byte {
	b = append(b, '[')
	for i, e := range emails {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"primary":`...)
		if e.Primary {
			b = append(b, "true"...)
		} else {
			b = append(b, "false"...)
		}
		b = append(b, `,"type":`...)
		b = wire.AppendString(b, e.Type)
		b = append(b, `,"value":`...)
		b = wire.AppendString(b, e.Value)
		b = append(b, '}')
	}
	return append(b, ']')
}

// previousAttributes lists what changed from old to new, with old's values
// as the user object shows them (dsync.user.updated's
// previous_attributes).
func previousAttributes(old, new *DirectoryUserObject) map[string]any {
	prev := map[string]any{}
	nullable := func(k, a, b string) {
		if a != b {
			if a == "" {
				prev[k] = nil
			} else {
				prev[k] = a
			}
		}
	}
	if old.IdpID != new.IdpID {
		prev["idp_id"] = old.IdpID
	}
	if old.State != new.State {
		prev["state"] = old.State
	}
	nullable("email", old.Email, new.Email)
	nullable("first_name", old.FirstName, new.FirstName)
	nullable("last_name", old.LastName, new.LastName)
	nullable("name", old.Name, new.Name)
	nullable("job_title", old.JobTitle, new.JobTitle)
	nullable("username", old.Username, new.Username)
	if !reflect.DeepEqual(old.Emails, new.Emails) {
		list := make([]any, len(old.Emails))
		for i, e := range old.Emails {
			list[i] = map[string]any{"primary": e.Primary, "type": e.Type, "value": e.Value}
		}
		prev["emails"] = list
	}
	if !reflect.DeepEqual(attributes(old.RawAttributes), attributes(new.RawAttributes)) {
		prev["raw_attributes"] = attributes(old.RawAttributes)
	}
	if !reflect.DeepEqual(attributes(old.CustomAttributes), attributes(new.CustomAttributes)) {
		prev["custom_attributes"] = attributes(old.CustomAttributes)
	}
	return prev
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
