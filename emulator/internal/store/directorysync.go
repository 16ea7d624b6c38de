package store

import (
	"slices"
	"time"

	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// Directory Sync: directories, their users and groups, and who is in which
// group. Every list a WorkOS list endpoint pages is kept in creation order
// (by Seq), so a page is a binary search plus the page: a directory's
// users, its groups, a group's members and a user's groups. The
// provisioning operations, with their events and AuthKit linking, are in
// dsync_provision.go; the WorkOS objects in dsync_objects.go.

// Directory is a Directory Sync directory of an organization.
type Directory struct {
	Seq         uint64
	ID          string
	OrgID       string
	Name        string
	Type        string
	State       string
	Domain      string
	ExternalKey string
	// Provisions links the directory's users to AuthKit users and
	// memberships (WorkOS's Directory Provisioning).
	Provisions bool
	CreatedAt  time.Time
	UpdatedAt  time.Time

	users       []*DirectoryUser
	groups      []*DirectoryGroup
	userByIdp   map[string]*DirectoryUser
	userByEmail map[string]*DirectoryUser
	groupByIdp  map[string]*DirectoryGroup
	// active and inactive count the users by state (suspended counts as
	// inactive), for the directory's metadata.
	active, inactive int
}

// ListKey orders directories by creation.
func (d *Directory) ListKey() (uint64, string) { return d.Seq, d.ID }

// Users lists the directory's users in creation order. The slice is the
// index: do not change it.
func (d *Directory) Users() []*DirectoryUser { return d.users }

// Groups lists the directory's groups in creation order. The slice is the
// index: do not change it.
func (d *Directory) Groups() []*DirectoryGroup { return d.groups }

// UserByIdpID is the directory's user with that identity-provider id, or nil.
func (d *Directory) UserByIdpID(idp string) *DirectoryUser { return d.userByIdp[idp] }

// UserByEmail is the directory's user with that primary e-mail
// (case-insensitive), or nil.
func (d *Directory) UserByEmail(email string) *DirectoryUser { return d.userByEmail[EmailKey(email)] }

// GroupByIdpID is the directory's group with that identity-provider id, or nil.
func (d *Directory) GroupByIdpID(idp string) *DirectoryGroup { return d.groupByIdp[idp] }

// DirectoryUser is a user an identity provider synced into a directory.
// IdpID, Email and State are index keys: change them with
// setDirectoryUserKeys.
type DirectoryUser struct {
	Seq              uint64
	ID               string
	DirectoryID      string
	OrgID            string
	IdpID            string
	Email            string
	Emails           []fixtures.DirectoryEmail
	FirstName        string
	LastName         string
	Username         string
	JobTitle         string
	State            string
	CustomAttributes map[string]any
	RawAttributes    map[string]any
	// AuthKitUserID is the AuthKit user the directory user was linked to
	// ("" when the directory does not provision, or the user has no e-mail).
	AuthKitUserID string
	CreatedAt     time.Time
	UpdatedAt     time.Time

	groups []*DirectoryGroup // by Seq
}

// ListKey orders directory users by creation.
func (u *DirectoryUser) ListKey() (uint64, string) { return u.Seq, u.ID }

// Groups lists the user's groups in creation order. The slice is the
// index: do not change it.
func (u *DirectoryUser) Groups() []*DirectoryGroup { return u.groups }

// DirectoryGroup is a group an identity provider synced into a directory.
type DirectoryGroup struct {
	Seq           uint64
	ID            string
	DirectoryID   string
	OrgID         string
	IdpID         string
	Name          string
	Role          string // role slug its members get ("" for none)
	RawAttributes map[string]any
	CreatedAt     time.Time
	UpdatedAt     time.Time

	members []*DirectoryUser // by Seq
}

// ListKey orders directory groups by creation.
func (g *DirectoryGroup) ListKey() (uint64, string) { return g.Seq, g.ID }

// Members lists the group's users in creation order. The slice is the
// index: do not change it.
func (g *DirectoryGroup) Members() []*DirectoryUser { return g.members }

// dsyncState is the Directory Sync part of the world.
type dsyncState struct {
	dirs   map[string]*Directory
	order  []*Directory
	byOrg  map[string][]*Directory
	users  map[string]*DirectoryUser
	groups map[string]*DirectoryGroup
}

func newDsyncState() dsyncState {
	return dsyncState{dirs: map[string]*Directory{}, byOrg: map[string][]*Directory{},
		users: map[string]*DirectoryUser{}, groups: map[string]*DirectoryGroup{}}
}

// Directory is the directory with that id, or nil.
func (tx *Tx) Directory(id string) *Directory { return tx.w.dsync.dirs[id] }

// Directories lists every directory in creation order. The slice is the
// index: do not change it.
func (tx *Tx) Directories() []*Directory { return tx.w.dsync.order }

// DirectoriesOfOrg lists an organization's directories in creation order.
// The slice is the index: do not change it.
func (tx *Tx) DirectoriesOfOrg(orgID string) []*Directory { return tx.w.dsync.byOrg[orgID] }

// DirectoryUser is the directory user with that id, or nil.
func (tx *Tx) DirectoryUser(id string) *DirectoryUser { return tx.w.dsync.users[id] }

// DirectoryGroup is the directory group with that id, or nil.
func (tx *Tx) DirectoryGroup(id string) *DirectoryGroup { return tx.w.dsync.groups[id] }

// DirectoryGroupRef is the directory's group that ref names by id or
// identity-provider id, or nil.
func (tx *Tx) DirectoryGroupRef(d *Directory, ref string) *DirectoryGroup {
	if g := tx.w.dsync.groups[ref]; g != nil && g.DirectoryID == d.ID {
		return g
	}
	return d.groupByIdp[ref]
}

// addDirectory indexes a new directory.
func (tx *Tx) addDirectory(d *Directory) {
	s := &tx.w.dsync
	d.Seq = tx.w.nextSeq(d.ID)
	d.userByIdp, d.userByEmail, d.groupByIdp = map[string]*DirectoryUser{}, map[string]*DirectoryUser{}, map[string]*DirectoryGroup{}
	s.dirs[d.ID] = d
	s.order = append(s.order, d)
	s.byOrg[d.OrgID] = append(s.byOrg[d.OrgID], d)
}

// removeDirectory drops a directory, its users and its groups from every
// index.
func (tx *Tx) removeDirectory(d *Directory) {
	s := &tx.w.dsync
	for _, u := range d.users {
		delete(s.users, u.ID)
		tx.w.forgetSeq(u.ID, tx.now)
	}
	for _, g := range d.groups {
		delete(s.groups, g.ID)
		tx.w.forgetSeq(g.ID, tx.now)
	}
	delete(s.dirs, d.ID)
	s.order = without1(s.order, d)
	if list := without1(s.byOrg[d.OrgID], d); len(list) > 0 {
		s.byOrg[d.OrgID] = list
	} else {
		delete(s.byOrg, d.OrgID)
	}
	tx.w.forgetSeq(d.ID, tx.now)
	d.users, d.groups = nil, nil
}

// addDirectoryUser indexes a new user of d.
func (tx *Tx) addDirectoryUser(d *Directory, u *DirectoryUser) {
	u.Seq = tx.w.nextSeq(u.ID)
	tx.w.dsync.users[u.ID] = u
	d.users = append(d.users, u)
	d.userByIdp[u.IdpID] = u
	if u.Email != "" {
		d.userByEmail[EmailKey(u.Email)] = u
	}
	d.count(u.State, 1)
}

// setDirectoryUserKeys changes a user's indexed fields, re-indexing them.
func (tx *Tx) setDirectoryUserKeys(d *Directory, u *DirectoryUser, idp, email, state string) {
	delete(d.userByIdp, u.IdpID)
	if u.Email != "" && d.userByEmail[EmailKey(u.Email)] == u {
		delete(d.userByEmail, EmailKey(u.Email))
	}
	d.count(u.State, -1)
	u.IdpID, u.Email, u.State = idp, email, state
	d.userByIdp[idp] = u
	if email != "" {
		d.userByEmail[EmailKey(email)] = u
	}
	d.count(state, 1)
}

// removeDirectoryUser drops a user from every index, its group
// memberships included.
func (tx *Tx) removeDirectoryUser(d *Directory, u *DirectoryUser) {
	for _, g := range u.groups {
		g.members = without1(g.members, u)
	}
	u.groups = nil
	delete(tx.w.dsync.users, u.ID)
	d.users = without1(d.users, u)
	delete(d.userByIdp, u.IdpID)
	if u.Email != "" && d.userByEmail[EmailKey(u.Email)] == u {
		delete(d.userByEmail, EmailKey(u.Email))
	}
	d.count(u.State, -1)
	tx.w.forgetSeq(u.ID, tx.now)
}

func (d *Directory) count(state string, n int) {
	if state == fixtures.DirectoryUserActive {
		d.active += n
	} else {
		d.inactive += n
	}
}

// addDirectoryGroup indexes a new group of d.
func (tx *Tx) addDirectoryGroup(d *Directory, g *DirectoryGroup) {
	g.Seq = tx.w.nextSeq(g.ID)
	tx.w.dsync.groups[g.ID] = g
	d.groups = append(d.groups, g)
	d.groupByIdp[g.IdpID] = g
}

// setDirectoryGroupIdpID changes a group's identity-provider id.
func (tx *Tx) setDirectoryGroupIdpID(d *Directory, g *DirectoryGroup, idp string) {
	delete(d.groupByIdp, g.IdpID)
	g.IdpID = idp
	d.groupByIdp[idp] = g
}

// removeDirectoryGroup drops a group from every index, its members'
// memberships included.
func (tx *Tx) removeDirectoryGroup(d *Directory, g *DirectoryGroup) {
	for _, u := range g.members {
		u.groups = without1(u.groups, g)
	}
	g.members = nil
	delete(tx.w.dsync.groups, g.ID)
	d.groups = without1(d.groups, g)
	delete(d.groupByIdp, g.IdpID)
	tx.w.forgetSeq(g.ID, tx.now)
}

// joinGroup puts u in g; it reports false when u already is.
func joinGroup(g *DirectoryGroup, u *DirectoryUser) bool {
	for _, x := range u.groups {
		if x == g {
			return false
		}
	}
	u.groups = insertBySeq(u.groups, g)
	g.members = insertBySeq(g.members, u)
	return true
}

// leaveGroup takes u out of g; it reports false when u was not in it.
func leaveGroup(g *DirectoryGroup, u *DirectoryUser) bool {
	n := len(u.groups)
	u.groups = without1(u.groups, g)
	if len(u.groups) == n {
		return false
	}
	g.members = without1(g.members, u)
	return true
}

// snapshotDirectories writes the directories in creation order with their
// groups and users (states, group memberships, attributes and the AuthKit
// user each is linked to), so the load links them as they are instead of
// syncing them again.
func snapshotDirectories(tx *Tx, set *fixtures.Set) {
	for _, d := range tx.w.dsync.order {
		fd := fixtures.Directory{ID: d.ID, Name: d.Name, OrganizationID: d.OrgID, Type: d.Type, State: d.State, Domain: d.Domain,
			ExternalKey: d.ExternalKey, CreatedAt: stamp(d.CreatedAt), UpdatedAt: stamp(d.UpdatedAt)}
		if !d.Provisions {
			fd.AuthKitProvisioning = new(bool)
		}
		for _, g := range d.groups {
			fg := fixtures.DirectoryGroup{ID: g.ID, IdpID: g.IdpID, Name: g.Name, Role: g.Role, RawAttributes: plain(g.RawAttributes),
				CreatedAt: stamp(g.CreatedAt), UpdatedAt: stamp(g.UpdatedAt)}
			if g.Role != "" && tx.RoleFor(d.OrgID, g.Role) == nil {
				fg.Role = "" // an organization role deleted since
			}
			fd.Groups = append(fd.Groups, fg)
		}
		for _, u := range d.users {
			fu := fixtures.DirectoryUser{ID: u.ID, IdpID: u.IdpID, Email: u.Email, Emails: slices.Clone(u.Emails), FirstName: u.FirstName,
				LastName: u.LastName, Username: u.Username, JobTitle: u.JobTitle, State: u.State, CustomAttributes: plain(u.CustomAttributes),
				RawAttributes: plain(u.RawAttributes), CreatedAt: stamp(u.CreatedAt), UpdatedAt: stamp(u.UpdatedAt)}
			for _, g := range u.groups {
				fu.Groups = append(fu.Groups, g.ID)
			}
			if d.Provisions {
				link := ""
				if tx.userExists(u.AuthKitUserID) {
					link = u.AuthKitUserID
				}
				fu.AuthKitUserID = &link
			}
			fd.Users = append(fd.Users, fu)
		}
		set.Directories = append(set.Directories, fd)
	}
}
