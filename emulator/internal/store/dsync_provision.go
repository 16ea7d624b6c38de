package store

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// Provisioning, as a directory's identity provider drives it: users and
// groups created, updated and deleted, members added and removed. Each
// operation checks everything before it changes anything, emits the
// dsync.* events WorkOS sends, and keeps the linked AuthKit users and
// memberships in step (dsync_authkit.go). Fixture directories go through
// the same operations.

// DirectoryError is a provisioning request the world refuses: Conflict
// for an id, idp_id or e-mail another object has (a 409), else an invalid
// field (a 422).
type DirectoryError struct {
	Conflict bool
	Field    string
	Message  string
}

func (e *DirectoryError) Error() string { return e.Field + ": " + e.Message }

func conflict(field, format string, args ...any) error {
	return &DirectoryError{Conflict: true, Field: field, Message: fmt.Sprintf(format, args...)}
}

func invalid(field, format string, args ...any) error {
	return &DirectoryError{Field: field, Message: fmt.Sprintf(format, args...)}
}

// newIdpID is an identity-provider id for an object the request did not
// give one.
func (tx *Tx) newIdpID() string { return strings.ToLower(tx.Token(20)) }

// resolveGroups finds the groups refs name (by id or idp_id) in d.
func (tx *Tx) resolveGroups(d *Directory, refs []string) ([]*DirectoryGroup, error) {
	var out []*DirectoryGroup
	for i, ref := range refs {
		g := tx.DirectoryGroupRef(d, ref)
		if g == nil {
			return nil, invalid(fmt.Sprintf("groups[%d]", i), "no group of directory %s has the id or idp_id %q", d.ID, ref)
		}
		if !slices.Contains(out, g) {
			out = append(out, g)
		}
	}
	return out, nil
}

// ProvisionDirectoryUser adds a user (fixture shape) to d: it emits
// dsync.user.created and a dsync.group.user_added per group, and links the
// user to AuthKit when d provisions.
func (tx *Tx) ProvisionDirectoryUser(d *Directory, in fixtures.DirectoryUser) (*DirectoryUser, error) {
	return tx.provisionDirectoryUser(d, in, true)
}

// provisionDirectoryUser is ProvisionDirectoryUser; link false leaves the
// AuthKit side alone (a snapshot's user, linked as it was).
func (tx *Tx) provisionDirectoryUser(d *Directory, in fixtures.DirectoryUser, link bool) (*DirectoryUser, error) {
	fixtures.CompleteDirectoryUser(&in)
	if in.ID != "" && tx.w.dsync.users[in.ID] != nil {
		return nil, conflict("id", "directory user %s already exists", in.ID)
	}
	if in.IdpID != "" && d.userByIdp[in.IdpID] != nil {
		return nil, conflict("idp_id", "directory %s already has a user with idp_id %q", d.ID, in.IdpID)
	}
	if in.Email != "" && d.userByEmail[EmailKey(in.Email)] != nil {
		return nil, conflict("email", "directory %s already has a user with e-mail %s", d.ID, in.Email)
	}
	groups, err := tx.resolveGroups(d, in.Groups)
	if err != nil {
		return nil, err
	}
	if in.ID == "" {
		in.ID = tx.NewID(fixtures.PrefixDirectoryUser)
	}
	if in.IdpID == "" {
		in.IdpID = tx.newIdpID()
	}
	u := &DirectoryUser{ID: in.ID, DirectoryID: d.ID, OrgID: d.OrgID, IdpID: in.IdpID, Email: in.Email, Emails: in.Emails,
		FirstName: in.FirstName, LastName: in.LastName, Username: in.Username, JobTitle: in.JobTitle, State: in.State,
		CustomAttributes: in.CustomAttributes, RawAttributes: in.RawAttributes, CreatedAt: tx.now, UpdatedAt: tx.now}
	tx.addDirectoryUser(d, u)
	for _, g := range groups {
		joinGroup(g, u)
	}
	tx.Emit("dsync.user.created", d.OrgID, u.Object())
	for _, g := range groups {
		tx.emitMembership("dsync.group.user_added", g, u)
	}
	if link {
		tx.linkDirectoryUser(d, u, false)
	}
	return u, nil
}

func (tx *Tx) emitMembership(typ string, g *DirectoryGroup, u *DirectoryUser) {
	tx.Emit(typ, g.OrgID, wire.Object{{"directory_id", g.DirectoryID}, {"user", u.Object()}, {"group", g.Object()}})
}

// UpdateDirectoryUser changes the fields of u that given reports present
// in (fixture shape): dsync.user.updated with previous_attributes when an
// attribute changed, dsync.group.user_added/removed when its groups did.
// The id cannot change.
func (tx *Tx) UpdateDirectoryUser(u *DirectoryUser, in fixtures.DirectoryUser, given func(key string) bool) error {
	d := tx.Directory(u.DirectoryID)
	if given("id") && in.ID != "" && in.ID != u.ID {
		return invalid("id", "a directory user's id cannot change")
	}
	next := *u
	str := func(key string, field *string, v string) {
		if given(key) {
			*field = v
		}
	}
	str("idp_id", &next.IdpID, in.IdpID)
	str("first_name", &next.FirstName, in.FirstName)
	str("last_name", &next.LastName, in.LastName)
	str("username", &next.Username, in.Username)
	str("job_title", &next.JobTitle, in.JobTitle)
	str("state", &next.State, in.State)
	if given("custom_attributes") {
		next.CustomAttributes = in.CustomAttributes
	}
	if given("raw_attributes") {
		next.RawAttributes = in.RawAttributes
	}
	switch {
	case given("email") || given("emails"):
		e := fixtures.DirectoryUser{Email: in.Email, Emails: in.Emails, State: next.State}
		if !given("email") {
			e.Email = ""
		}
		fixtures.CompleteDirectoryUser(&e)
		next.Email, next.Emails = e.Email, e.Emails
	}
	if next.IdpID == "" {
		return invalid("idp_id", "a directory user needs an idp_id")
	}
	if next.State == "" {
		return invalid("state", "state is active, suspended or inactive")
	}
	if other := d.userByIdp[next.IdpID]; other != nil && other != u {
		return conflict("idp_id", "directory %s already has a user with idp_id %q", d.ID, next.IdpID)
	}
	if next.Email != "" {
		if other := d.userByEmail[EmailKey(next.Email)]; other != nil && other != u {
			return conflict("email", "directory %s already has a user with e-mail %s", d.ID, next.Email)
		}
	}
	var groups []*DirectoryGroup
	if given("groups") {
		var err error
		if groups, err = tx.resolveGroups(d, in.Groups); err != nil {
			return err
		}
	}
	// Everything is checked: change.
	previous := previousAttributes(u.Object(), next.Object())
	if len(previous) > 0 {
		tx.setDirectoryUserKeys(d, u, next.IdpID, next.Email, next.State)
		u.Emails, u.FirstName, u.LastName, u.Username, u.JobTitle = next.Emails, next.FirstName, next.LastName, next.Username, next.JobTitle
		u.CustomAttributes, u.RawAttributes = next.CustomAttributes, next.RawAttributes
		u.UpdatedAt = tx.now
		o := u.Object()
		o.Previous = previous
		tx.Emit("dsync.user.updated", d.OrgID, o)
	}
	if given("groups") {
		for _, g := range slices.Clone(u.groups) {
			if !slices.Contains(groups, g) && leaveGroup(g, u) {
				tx.emitMembership("dsync.group.user_removed", g, u)
			}
		}
		for _, g := range groups {
			if joinGroup(g, u) {
				tx.emitMembership("dsync.group.user_added", g, u)
			}
		}
	}
	tx.linkDirectoryUser(d, u, false)
	return nil
}

// DeprovisionDirectoryUser deletes u: a dsync.group.user_removed per
// group, then dsync.user.deleted; its AuthKit membership is deactivated.
func (tx *Tx) DeprovisionDirectoryUser(u *DirectoryUser) {
	d := tx.Directory(u.DirectoryID)
	for _, g := range slices.Clone(u.groups) {
		leaveGroup(g, u)
		tx.emitMembership("dsync.group.user_removed", g, u)
	}
	tx.removeDirectoryUser(d, u)
	tx.Emit("dsync.user.deleted", d.OrgID, u.Object())
	tx.linkDirectoryUser(d, u, true)
}

// CreateDirectoryGroup adds a group (fixture shape) to d and emits
// dsync.group.created.
func (tx *Tx) CreateDirectoryGroup(d *Directory, in fixtures.DirectoryGroup) (*DirectoryGroup, error) {
	if in.ID != "" && tx.w.dsync.groups[in.ID] != nil {
		return nil, conflict("id", "directory group %s already exists", in.ID)
	}
	if in.IdpID != "" && d.groupByIdp[in.IdpID] != nil {
		return nil, conflict("idp_id", "directory %s already has a group with idp_id %q", d.ID, in.IdpID)
	}
	if in.Role != "" && tx.RoleFor(d.OrgID, in.Role) == nil {
		return nil, invalid("role", "role %q does not exist", in.Role)
	}
	if in.ID == "" {
		in.ID = tx.NewID(fixtures.PrefixDirectoryGroup)
	}
	if in.IdpID == "" {
		in.IdpID = tx.newIdpID()
	}
	g := &DirectoryGroup{ID: in.ID, DirectoryID: d.ID, OrgID: d.OrgID, IdpID: in.IdpID, Name: in.Name, Role: in.Role,
		RawAttributes: in.RawAttributes, CreatedAt: tx.now, UpdatedAt: tx.now}
	tx.addDirectoryGroup(d, g)
	tx.Emit("dsync.group.created", d.OrgID, g.Object())
	return g, nil
}

// UpdateDirectoryGroup changes the fields of g that given reports present
// in: dsync.group.updated with previous_attributes when one changed. A new
// role reaches the members' AuthKit memberships.
func (tx *Tx) UpdateDirectoryGroup(g *DirectoryGroup, in fixtures.DirectoryGroup, given func(key string) bool) error {
	d := tx.Directory(g.DirectoryID)
	if given("id") && in.ID != "" && in.ID != g.ID {
		return invalid("id", "a directory group's id cannot change")
	}
	name, idp, role, raw := g.Name, g.IdpID, g.Role, g.RawAttributes
	if given("name") {
		if strings.TrimSpace(in.Name) == "" {
			return invalid("name", "a directory group needs a name")
		}
		name = in.Name
	}
	if given("idp_id") {
		if idp = in.IdpID; idp == "" {
			return invalid("idp_id", "a directory group needs an idp_id")
		}
		if other := d.groupByIdp[idp]; other != nil && other != g {
			return conflict("idp_id", "directory %s already has a group with idp_id %q", d.ID, idp)
		}
	}
	if given("role") {
		if role = in.Role; role != "" && tx.RoleFor(d.OrgID, role) == nil {
			return invalid("role", "role %q does not exist", role)
		}
	}
	if given("raw_attributes") {
		raw = in.RawAttributes
	}
	previous := map[string]any{}
	if name != g.Name {
		previous["name"] = g.Name
	}
	if idp != g.IdpID {
		previous["idp_id"] = g.IdpID
	}
	if !reflect.DeepEqual(attributes(raw), attributes(g.RawAttributes)) {
		previous["raw_attributes"] = attributes(g.RawAttributes)
	}
	roleChanged := role != g.Role
	if len(previous) == 0 && !roleChanged {
		return nil
	}
	tx.setDirectoryGroupIdpID(d, g, idp)
	g.Name, g.Role, g.RawAttributes, g.UpdatedAt = name, role, raw, tx.now
	if len(previous) > 0 {
		o := g.Object()
		o.Previous = previous
		tx.Emit("dsync.group.updated", d.OrgID, o)
	}
	if roleChanged {
		for _, u := range slices.Clone(g.members) {
			tx.linkDirectoryUser(d, u, false)
		}
	}
	return nil
}

// DeleteDirectoryGroup deletes g: a dsync.group.user_removed per member,
// then dsync.group.deleted; the former members' roles follow.
func (tx *Tx) DeleteDirectoryGroup(g *DirectoryGroup) {
	d := tx.Directory(g.DirectoryID)
	members := slices.Clone(g.members)
	for _, u := range members {
		leaveGroup(g, u)
		tx.emitMembership("dsync.group.user_removed", g, u)
	}
	tx.removeDirectoryGroup(d, g)
	tx.Emit("dsync.group.deleted", d.OrgID, g.Object())
	for _, u := range members {
		tx.linkDirectoryUser(d, u, false)
	}
}

// AddDirectoryGroupMember puts u in g (dsync.group.user_added); it
// reports false, changing nothing, when u already is a member.
func (tx *Tx) AddDirectoryGroupMember(g *DirectoryGroup, u *DirectoryUser) bool {
	if !joinGroup(g, u) {
		return false
	}
	tx.emitMembership("dsync.group.user_added", g, u)
	tx.linkDirectoryUser(tx.Directory(g.DirectoryID), u, false)
	return true
}

// RemoveDirectoryGroupMember takes u out of g (dsync.group.user_removed);
// it reports false, changing nothing, when u is not a member.
func (tx *Tx) RemoveDirectoryGroupMember(g *DirectoryGroup, u *DirectoryUser) bool {
	if !leaveGroup(g, u) {
		return false
	}
	tx.emitMembership("dsync.group.user_removed", g, u)
	tx.linkDirectoryUser(tx.Directory(g.DirectoryID), u, false)
	return true
}

// DeleteDirectory deletes d with its users and groups and emits
// dsync.deleted (WorkOS sends no event per user or group). The memberships
// it provisioned stay, no longer directory-managed.
func (tx *Tx) DeleteDirectory(d *Directory) {
	d.State, d.UpdatedAt = fixtures.DirectoryDeleting, tx.now
	tx.Emit("dsync.deleted", d.OrgID, d.DirectoryDeletedObject())
	for _, u := range d.users {
		tx.releaseMembership(d, u)
	}
	tx.removeDirectory(d)
}

// seedDirectories adds a fixture's directories: each emits dsync.activated
// (when linked) and the events of its groups and users, as a directory
// that just synced does. The initial world's events are not logged.
func (tx *Tx) seedDirectories(list []fixtures.Directory) error {
	for i := range list {
		f := &list[i]
		if tx.Directory(f.ID) != nil {
			return fmt.Errorf("directory %s already exists", f.ID)
		}
		org := tx.Org(f.OrganizationID)
		if org == nil {
			return fmt.Errorf("directory %s: organization %s does not exist", f.ID, f.OrganizationID)
		}
		domain := f.Domain
		if domain == "" && len(org.Domains) > 0 {
			domain = org.Domains[0].Domain
		}
		created := at(f.CreatedAt, tx.now)
		d := &Directory{ID: f.ID, OrgID: org.ID, Name: f.Name, Type: f.Type, State: f.State, Domain: domain,
			ExternalKey: f.ExternalKey, Provisions: f.Provisions(), CreatedAt: created, UpdatedAt: at(f.UpdatedAt, created)}
		tx.addDirectory(d)
		if d.State == fixtures.DirectoryLinked {
			tx.Emit("dsync.activated", d.OrgID, tx.DirectoryActivatedObject(d))
		}
		for _, fg := range f.Groups {
			g, err := tx.CreateDirectoryGroup(d, fg)
			if err != nil {
				return fmt.Errorf("directory %s: %v", d.ID, err)
			}
			g.CreatedAt = at(fg.CreatedAt, tx.now)
			g.UpdatedAt = at(fg.UpdatedAt, g.CreatedAt)
		}
		for _, fu := range f.Users {
			u, err := tx.provisionDirectoryUser(d, fu, fu.AuthKitUserID == nil)
			if err != nil {
				return fmt.Errorf("directory %s: %v", d.ID, err)
			}
			if fu.AuthKitUserID != nil && tx.w.users[*fu.AuthKitUserID] != nil {
				u.AuthKitUserID = *fu.AuthKitUserID
			}
			u.CreatedAt = at(fu.CreatedAt, tx.now)
			u.UpdatedAt = at(fu.UpdatedAt, u.CreatedAt)
		}
	}
	return nil
}
