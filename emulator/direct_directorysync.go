package emulator

import (
	"fmt"
	"strings"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/directorysync"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// Directory Sync provisioning, as a directory's identity provider drives
// it: each method calls the same operation as its
// /_emulator/directories/{id}/... route, and emits the same dsync.* events
// (and AuthKit user and membership events when the directory provisions).

// DirectoryUser is a directory user in the fixture shape (what an identity
// provider sends), and as the provisioning methods return it.
type DirectoryUser struct {
	ID        string           `json:"id,omitempty"`
	IdpID     string           `json:"idp_id,omitempty"`
	Email     string           `json:"email,omitempty"`
	Emails    []DirectoryEmail `json:"emails,omitempty"`
	FirstName string           `json:"first_name,omitempty"`
	LastName  string           `json:"last_name,omitempty"`
	Username  string           `json:"username,omitempty"`
	JobTitle  string           `json:"job_title,omitempty"`
	// State is active (the default), suspended or inactive.
	State string `json:"state,omitempty"`
	// Groups names the user's groups by id or idp_id (returned: ids).
	Groups           []string       `json:"groups,omitempty"`
	CustomAttributes map[string]any `json:"custom_attributes,omitempty"`
	RawAttributes    map[string]any `json:"raw_attributes,omitempty"`

	// Returned only.
	DirectoryID    string `json:"directory_id,omitempty"`
	OrganizationID string `json:"organization_id,omitempty"`
	// AuthKitUserID is the AuthKit user the directory user is linked to
	// ("" when the directory does not provision, or the user has no e-mail).
	AuthKitUserID string `json:"authkit_user_id,omitempty"`
}

// DirectoryEmail is one of a directory user's e-mail addresses.
type DirectoryEmail struct {
	Value   string `json:"value"`
	Type    string `json:"type,omitempty"`
	Primary bool   `json:"primary,omitempty"`
}

// DirectoryGroup is a directory group in the fixture shape, and as the
// provisioning methods return it.
type DirectoryGroup struct {
	ID    string `json:"id,omitempty"`
	IdpID string `json:"idp_id,omitempty"`
	Name  string `json:"name,omitempty"`
	// Role is the role slug the group's members get (IdP role assignment).
	Role          string         `json:"role,omitempty"`
	RawAttributes map[string]any `json:"raw_attributes,omitempty"`

	// Returned only.
	DirectoryID    string `json:"directory_id,omitempty"`
	OrganizationID string `json:"organization_id,omitempty"`
}

func (u DirectoryUser) fixture() fixtures.DirectoryUser {
	out := fixtures.DirectoryUser{ID: u.ID, IdpID: u.IdpID, Email: u.Email, FirstName: u.FirstName, LastName: u.LastName,
		Username: u.Username, JobTitle: u.JobTitle, State: u.State, Groups: u.Groups,
		CustomAttributes: u.CustomAttributes, RawAttributes: u.RawAttributes}
	for _, e := range u.Emails {
		out.Emails = append(out.Emails, fixtures.DirectoryEmail{Value: e.Value, Type: e.Type, Primary: e.Primary})
	}
	return out
}

// checkedUser runs the checks the control route runs on its body.
func checkedUser(u DirectoryUser) (fixtures.DirectoryUser, error) {
	in := u.fixture()
	var ps fixtures.Problems
	fixtures.CheckDirectoryUser(&in, func(key, msg string, args ...any) {
		ps = append(ps, fixtures.Problem{File: "DirectoryUser", Path: key, Message: fmt.Sprintf(msg, args...)})
	})
	if len(ps) > 0 {
		return in, ps
	}
	return in, nil
}

func checkedGroup(g DirectoryGroup) (fixtures.DirectoryGroup, error) {
	in := fixtures.DirectoryGroup{ID: g.ID, IdpID: g.IdpID, Name: g.Name, Role: g.Role, RawAttributes: g.RawAttributes}
	var ps fixtures.Problems
	fixtures.CheckDirectoryGroup(&in, func(key, msg string, args ...any) {
		ps = append(ps, fixtures.Problem{File: "DirectoryGroup", Path: key, Message: fmt.Sprintf(msg, args...)})
	})
	if len(ps) > 0 {
		return in, ps
	}
	return in, nil
}

// userFrom converts a rendered directory user.
func userFrom(o *store.DirectoryUserObject) DirectoryUser {
	u := DirectoryUser{ID: o.ID, IdpID: o.IdpID, Email: o.Email, FirstName: o.FirstName, LastName: o.LastName,
		Username: o.Username, JobTitle: o.JobTitle, State: o.State, CustomAttributes: o.CustomAttributes,
		RawAttributes: o.RawAttributes, DirectoryID: o.DirectoryID, OrganizationID: o.OrgID, AuthKitUserID: o.AuthKitUserID}
	for _, e := range o.Emails {
		u.Emails = append(u.Emails, DirectoryEmail{Value: e.Value, Type: e.Type, Primary: e.Primary})
	}
	for _, g := range o.Groups {
		u.Groups = append(u.Groups, g.ID)
	}
	return u
}

func groupFrom(g *store.DirectoryGroup) DirectoryGroup {
	return DirectoryGroup{ID: g.ID, IdpID: g.IdpID, Name: g.Name, Role: g.Role, RawAttributes: g.RawAttributes,
		DirectoryID: g.DirectoryID, OrganizationID: g.OrgID}
}

// groupByID reads a directory group in the fixture shape.
func (s *Server) groupByID(id string) (DirectoryGroup, error) {
	var out DirectoryGroup
	err := s.st.Read(func(tx *store.Tx) error {
		g := tx.DirectoryGroup(id)
		if g == nil {
			return web.NotFound("Directory Group", id)
		}
		out = groupFrom(g)
		return nil
	})
	return out, err
}

// DirectoryUser returns a directory user by id, in the fixture shape.
func (s *Server) DirectoryUser(id string) (DirectoryUser, error) {
	var out DirectoryUser
	err := s.st.Read(func(tx *store.Tx) error {
		u := tx.DirectoryUser(id)
		if u == nil {
			return web.NotFound("Directory User", id)
		}
		out = userFrom(directorysync.ControlUser(u))
		return nil
	})
	return out, err
}

// DirectoryUserOf returns the user of directory dirID that ref names by
// id or idp_id.
func (s *Server) DirectoryUserOf(dirID, ref string) (DirectoryUser, error) {
	var out DirectoryUser
	err := s.st.Read(func(tx *store.Tx) error {
		d, err := directorysync.Directory(tx, dirID)
		if err != nil {
			return err
		}
		u, err := directorysync.FindUser(tx, d, ref)
		if err != nil {
			return err
		}
		out = userFrom(directorysync.ControlUser(u))
		return nil
	})
	return out, err
}

// DirectoryGroup returns a directory group by id, in the fixture shape.
func (s *Server) DirectoryGroup(id string) (DirectoryGroup, error) { return s.groupByID(id) }

// DirectoryGroupOf returns the group of directory dirID that ref names by
// id or idp_id.
func (s *Server) DirectoryGroupOf(dirID, ref string) (DirectoryGroup, error) {
	var out DirectoryGroup
	err := s.st.Read(func(tx *store.Tx) error {
		d, err := directorysync.Directory(tx, dirID)
		if err != nil {
			return err
		}
		g, err := directorysync.FindGroup(tx, d, ref)
		if err != nil {
			return err
		}
		out = groupFrom(g)
		return nil
	})
	return out, err
}

// ProvisionDirectoryUser adds a user to directory dirID, as its identity
// provider would: dsync.user.created, a dsync.group.user_added per group,
// and, when the directory provisions, the AuthKit user and membership.
// Omitted ids are generated; state defaults to active.
func (s *Server) ProvisionDirectoryUser(dirID string, u DirectoryUser) (DirectoryUser, error) {
	in, err := checkedUser(u)
	if err != nil {
		return DirectoryUser{}, err
	}
	o, err := directorysync.ProvisionUser(s.st, dirID, in)
	if err != nil {
		return DirectoryUser{}, err
	}
	return userFrom(o), nil
}

// UpdateDirectoryUser replaces every field of directory user userID (id
// or idp_id) of dirID with u's (an empty field clears it; an empty ID
// keeps it): dsync.user.updated with previous_attributes, group changes
// as dsync.group.user_added/removed. State inactive deactivates the user
// (its AuthKit membership too). A new Email whose primary entry in Emails
// still has the old address replaces the list with the new address alone.
func (s *Server) UpdateDirectoryUser(dirID, userID string, u DirectoryUser) (DirectoryUser, error) {
	for _, e := range u.Emails {
		if e.Primary && u.Email != "" && !strings.EqualFold(e.Value, u.Email) {
			u.Emails = nil // a new primary e-mail replaces the list
			break
		}
	}
	in, err := checkedUser(u)
	if err != nil {
		return DirectoryUser{}, err
	}
	if in.State == "" {
		in.State = fixtures.DirectoryUserActive
	}
	all := func(key string) bool { return key != "id" || in.ID != "" }
	o, err := directorysync.UpdateUser(s.st, dirID, userID, in, all)
	if err != nil {
		return DirectoryUser{}, err
	}
	return userFrom(o), nil
}

// DeprovisionDirectoryUser deletes directory user userID (id or idp_id)
// of dirID: dsync.user.deleted; its AuthKit membership is deactivated.
func (s *Server) DeprovisionDirectoryUser(dirID, userID string) error {
	return directorysync.DeprovisionUser(s.st, dirID, userID)
}

// CreateDirectoryGroup adds a group to directory dirID: dsync.group.created.
func (s *Server) CreateDirectoryGroup(dirID string, g DirectoryGroup) (DirectoryGroup, error) {
	in, err := checkedGroup(g)
	if err != nil {
		return DirectoryGroup{}, err
	}
	o, err := directorysync.CreateGroup(s.st, dirID, in)
	if err != nil {
		return DirectoryGroup{}, err
	}
	return s.groupByID(o.ID)
}

// UpdateDirectoryGroup replaces the name, idp_id (when set), role and raw
// attributes of group groupID (id or idp_id) of dirID with g's:
// dsync.group.updated with previous_attributes.
func (s *Server) UpdateDirectoryGroup(dirID, groupID string, g DirectoryGroup) (DirectoryGroup, error) {
	in, err := checkedGroup(g)
	if err != nil {
		return DirectoryGroup{}, err
	}
	all := func(key string) bool { return (key != "id" || in.ID != "") && (key != "idp_id" || in.IdpID != "") }
	o, err := directorysync.UpdateGroup(s.st, dirID, groupID, in, all)
	if err != nil {
		return DirectoryGroup{}, err
	}
	return s.groupByID(o.ID)
}

// DeleteDirectoryGroup deletes group groupID of dirID: a
// dsync.group.user_removed per member, then dsync.group.deleted.
func (s *Server) DeleteDirectoryGroup(dirID, groupID string) error {
	return directorysync.DeleteGroup(s.st, dirID, groupID)
}

// AddDirectoryGroupMember puts user userID in group groupID (ids or
// idp_ids) of dirID: dsync.group.user_added (nothing when it is a member).
func (s *Server) AddDirectoryGroupMember(dirID, groupID, userID string) error {
	_, err := directorysync.AddMember(s.st, dirID, groupID, userID)
	return err
}

// RemoveDirectoryGroupMember takes user userID out of group groupID of
// dirID: dsync.group.user_removed.
func (s *Server) RemoveDirectoryGroupMember(dirID, groupID, userID string) error {
	return directorysync.RemoveMember(s.st, dirID, groupID, userID)
}
