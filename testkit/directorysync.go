package testkit

import "github.com/authkit-emulator/authkit-emulator/emulator"

// Directory Sync provisioning, as a directory's identity provider drives
// it (the /_emulator/directories/{id}/... routes do the same): each helper
// emits the dsync.* events WorkOS sends and, when the directory provisions
// into AuthKit, the AuthKit user and membership changes with their events.
// Users and groups are named by id or idp_id.

// ProvisionDirectoryUser adds a user (fixture shape) to directory dirID and
// returns it, with the AuthKit user it was linked to in AuthKitUserID.
func (e *Emulator) ProvisionDirectoryUser(t T, dirID string, u emulator.DirectoryUser) emulator.DirectoryUser {
	t.Helper()
	out, err := e.srv.ProvisionDirectoryUser(dirID, u)
	if err != nil {
		t.Fatalf("testkit: ProvisionDirectoryUser(%s): %v", dirID, err)
	}
	return out
}

// UpdateDirectoryUser changes a directory user as change does to its
// current state (dsync.user.updated with previous_attributes; group
// changes as dsync.group.user_added/removed), and returns it.
func (e *Emulator) UpdateDirectoryUser(t T, dirID, userID string, change func(*emulator.DirectoryUser)) emulator.DirectoryUser {
	t.Helper()
	u, err := e.srv.DirectoryUserOf(dirID, userID)
	if err != nil {
		t.Fatalf("testkit: UpdateDirectoryUser(%s, %s): %v", dirID, userID, err)
	}
	change(&u)
	out, err := e.srv.UpdateDirectoryUser(dirID, userID, u)
	if err != nil {
		t.Fatalf("testkit: UpdateDirectoryUser(%s, %s): %v", dirID, userID, err)
	}
	return out
}

// DeactivateDirectoryUser sets a directory user's state to inactive, as an
// identity provider suspending someone does: its AuthKit membership is
// deactivated.
func (e *Emulator) DeactivateDirectoryUser(t T, dirID, userID string) emulator.DirectoryUser {
	t.Helper()
	return e.UpdateDirectoryUser(t, dirID, userID, func(u *emulator.DirectoryUser) { u.State = "inactive" })
}

// DeprovisionDirectoryUser deletes a directory user (dsync.user.deleted);
// its AuthKit membership is deactivated.
func (e *Emulator) DeprovisionDirectoryUser(t T, dirID, userID string) {
	t.Helper()
	if err := e.srv.DeprovisionDirectoryUser(dirID, userID); err != nil {
		t.Fatalf("testkit: DeprovisionDirectoryUser(%s, %s): %v", dirID, userID, err)
	}
}

// DirectoryUser returns a directory user by id.
func (e *Emulator) DirectoryUser(t T, id string) emulator.DirectoryUser {
	t.Helper()
	u, err := e.srv.DirectoryUser(id)
	if err != nil {
		t.Fatalf("testkit: DirectoryUser(%s): %v", id, err)
	}
	return u
}

// CreateDirectoryGroup adds a group to directory dirID
// (dsync.group.created) and returns it.
func (e *Emulator) CreateDirectoryGroup(t T, dirID string, g emulator.DirectoryGroup) emulator.DirectoryGroup {
	t.Helper()
	out, err := e.srv.CreateDirectoryGroup(dirID, g)
	if err != nil {
		t.Fatalf("testkit: CreateDirectoryGroup(%s): %v", dirID, err)
	}
	return out
}

// UpdateDirectoryGroup changes a group as change does to its current state
// (dsync.group.updated with previous_attributes) and returns it.
func (e *Emulator) UpdateDirectoryGroup(t T, dirID, groupID string, change func(*emulator.DirectoryGroup)) emulator.DirectoryGroup {
	t.Helper()
	g, err := e.srv.DirectoryGroupOf(dirID, groupID)
	if err != nil {
		t.Fatalf("testkit: UpdateDirectoryGroup(%s, %s): %v", dirID, groupID, err)
	}
	change(&g)
	out, err := e.srv.UpdateDirectoryGroup(dirID, groupID, g)
	if err != nil {
		t.Fatalf("testkit: UpdateDirectoryGroup(%s, %s): %v", dirID, groupID, err)
	}
	return out
}

// DeleteDirectoryGroup deletes a group: its members leave it
// (dsync.group.user_removed), then dsync.group.deleted.
func (e *Emulator) DeleteDirectoryGroup(t T, dirID, groupID string) {
	t.Helper()
	if err := e.srv.DeleteDirectoryGroup(dirID, groupID); err != nil {
		t.Fatalf("testkit: DeleteDirectoryGroup(%s, %s): %v", dirID, groupID, err)
	}
}

// AddDirectoryGroupMember puts a user in a group (dsync.group.user_added).
func (e *Emulator) AddDirectoryGroupMember(t T, dirID, groupID, userID string) {
	t.Helper()
	if err := e.srv.AddDirectoryGroupMember(dirID, groupID, userID); err != nil {
		t.Fatalf("testkit: AddDirectoryGroupMember(%s, %s, %s): %v", dirID, groupID, userID, err)
	}
}

// RemoveDirectoryGroupMember takes a user out of a group
// (dsync.group.user_removed).
func (e *Emulator) RemoveDirectoryGroupMember(t T, dirID, groupID, userID string) {
	t.Helper()
	if err := e.srv.RemoveDirectoryGroupMember(dirID, groupID, userID); err != nil {
		t.Fatalf("testkit: RemoveDirectoryGroupMember(%s, %s, %s): %v", dirID, groupID, userID, err)
	}
}
