package directorysync

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// The identity provider's side of a directory: one operation per power,
// called by the control routes below and by the emulator's Go API (the
// testkit), so both do exactly the same. Each answers the object as the
// WorkOS API shows it; a user also carries authkit_user_id, the AuthKit
// user it is linked to (null when none), for tests to follow.

// ControlUser renders a directory user for the control plane.
func ControlUser(u *store.DirectoryUser) *store.DirectoryUserObject {
	o := u.ObjectWithGroups()
	o.WithAuthKit = true
	return o
}

// Directory finds a directory by id, or a 404.
func Directory(tx *store.Tx, id string) (*store.Directory, error) {
	if d := tx.Directory(id); d != nil {
		return d, nil
	}
	return nil, web.NotFound("Directory", id)
}

// FindUser finds d's user by id or idp_id, or a 404.
func FindUser(tx *store.Tx, d *store.Directory, ref string) (*store.DirectoryUser, error) {
	if u := tx.DirectoryUser(ref); u != nil && u.DirectoryID == d.ID {
		return u, nil
	}
	if u := d.UserByIdpID(ref); u != nil {
		return u, nil
	}
	return nil, web.NotFound("Directory User", ref)
}

// FindGroup finds d's group by id or idp_id, or a 404.
func FindGroup(tx *store.Tx, d *store.Directory, ref string) (*store.DirectoryGroup, error) {
	if g := tx.DirectoryGroupRef(d, ref); g != nil {
		return g, nil
	}
	return nil, web.NotFound("Directory Group", ref)
}

// refused renders the store's refusal: 409 for a taken id, idp_id or
// e-mail, 422 for an invalid field.
func refused(err error) error {
	var de *store.DirectoryError
	if !errors.As(err, &de) {
		return err
	}
	if de.Conflict {
		return web.APIError(http.StatusConflict, web.CodeConflict, de.Field+": "+de.Message)
	}
	return web.Invalid(web.FieldError{Field: de.Field, Code: "invalid", Message: de.Message})
}

// invalidItem renders the problems of a directory user or group body.
func invalidItem(what string, err error) error {
	var ps fixtures.Problems
	if !errors.As(err, &ps) {
		return err
	}
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return web.APIError(http.StatusUnprocessableEntity, "invalid_"+what, fmt.Sprintf("The %s has %d problem(s); nothing was changed.", what, len(ps))).
		With("problems", lines)
}

// ProvisionUser provisions a directory user in directory dirID.
func ProvisionUser(st *store.Store, dirID string, in fixtures.DirectoryUser) (*store.DirectoryUserObject, error) {
	var out *store.DirectoryUserObject
	err := st.Write(func(tx *store.Tx) error {
		d, err := Directory(tx, dirID)
		if err != nil {
			return err
		}
		u, err := tx.ProvisionDirectoryUser(d, in)
		if err != nil {
			return refused(err)
		}
		out = ControlUser(u)
		return nil
	})
	return out, err
}

// UpdateUser changes the fields given reports of directory user ref (id or
// idp_id) of directory dirID.
func UpdateUser(st *store.Store, dirID, ref string, in fixtures.DirectoryUser, given func(string) bool) (*store.DirectoryUserObject, error) {
	var out *store.DirectoryUserObject
	err := st.Write(func(tx *store.Tx) error {
		d, err := Directory(tx, dirID)
		if err != nil {
			return err
		}
		u, err := FindUser(tx, d, ref)
		if err != nil {
			return err
		}
		if err := tx.UpdateDirectoryUser(u, in, given); err != nil {
			return refused(err)
		}
		out = ControlUser(u)
		return nil
	})
	return out, err
}

// DeprovisionUser deletes directory user ref (id or idp_id) of dirID.
func DeprovisionUser(st *store.Store, dirID, ref string) error {
	return st.Write(func(tx *store.Tx) error {
		d, err := Directory(tx, dirID)
		if err != nil {
			return err
		}
		u, err := FindUser(tx, d, ref)
		if err != nil {
			return err
		}
		tx.DeprovisionDirectoryUser(u)
		return nil
	})
}

// CreateGroup creates a group in directory dirID.
func CreateGroup(st *store.Store, dirID string, in fixtures.DirectoryGroup) (*store.DirectoryGroupObject, error) {
	var out *store.DirectoryGroupObject
	err := st.Write(func(tx *store.Tx) error {
		d, err := Directory(tx, dirID)
		if err != nil {
			return err
		}
		g, err := tx.CreateDirectoryGroup(d, in)
		if err != nil {
			return refused(err)
		}
		out = g.Object()
		return nil
	})
	return out, err
}

// UpdateGroup changes the fields given reports of group ref (id or idp_id)
// of directory dirID.
func UpdateGroup(st *store.Store, dirID, ref string, in fixtures.DirectoryGroup, given func(string) bool) (*store.DirectoryGroupObject, error) {
	var out *store.DirectoryGroupObject
	err := st.Write(func(tx *store.Tx) error {
		d, err := Directory(tx, dirID)
		if err != nil {
			return err
		}
		g, err := FindGroup(tx, d, ref)
		if err != nil {
			return err
		}
		if err := tx.UpdateDirectoryGroup(g, in, given); err != nil {
			return refused(err)
		}
		out = g.Object()
		return nil
	})
	return out, err
}

// DeleteGroup deletes group ref (id or idp_id) of directory dirID.
func DeleteGroup(st *store.Store, dirID, ref string) error {
	return st.Write(func(tx *store.Tx) error {
		d, err := Directory(tx, dirID)
		if err != nil {
			return err
		}
		g, err := FindGroup(tx, d, ref)
		if err != nil {
			return err
		}
		tx.DeleteDirectoryGroup(g)
		return nil
	})
}

// AddMember puts user userRef in group groupRef (ids or idp_ids) of
// directory dirID; adding a member twice changes nothing.
func AddMember(st *store.Store, dirID, groupRef, userRef string) (*store.DirectoryUserObject, error) {
	var out *store.DirectoryUserObject
	err := st.Write(func(tx *store.Tx) error {
		d, err := Directory(tx, dirID)
		if err != nil {
			return err
		}
		g, err := FindGroup(tx, d, groupRef)
		if err != nil {
			return err
		}
		u, err := FindUser(tx, d, userRef)
		if err != nil {
			return err
		}
		tx.AddDirectoryGroupMember(g, u)
		out = ControlUser(u)
		return nil
	})
	return out, err
}

// RemoveMember takes user userRef out of group groupRef of directory
// dirID; a user who is not a member is a 404.
func RemoveMember(st *store.Store, dirID, groupRef, userRef string) error {
	return st.Write(func(tx *store.Tx) error {
		d, err := Directory(tx, dirID)
		if err != nil {
			return err
		}
		g, err := FindGroup(tx, d, groupRef)
		if err != nil {
			return err
		}
		u, err := FindUser(tx, d, userRef)
		if err != nil {
			return err
		}
		if !tx.RemoveDirectoryGroupMember(g, u) {
			return web.APIError(http.StatusNotFound, web.CodeNotFound, fmt.Sprintf("Directory User '%s' is not a member of Directory Group '%s'.", u.ID, g.ID))
		}
		return nil
	})
}

// provisionUser serves POST /_emulator/directories/{id}/users.
func (a *api) provisionUser(c echo.Context) error {
	in, err := fixtures.ParseDirectoryUser(web.RawBody(c), "request")
	if err != nil {
		return invalidItem("directory_user", err)
	}
	out, err := ProvisionUser(a.env(c), web.PathParam(c, "id"), in)
	if err != nil {
		return err
	}
	return web.JSON(c, http.StatusCreated, out)
}

// updateUser serves PUT /_emulator/directories/{id}/users/{user}.
func (a *api) updateUser(c echo.Context) error {
	in, err := fixtures.ParseDirectoryUser(web.RawBody(c), "request")
	if err != nil {
		return invalidItem("directory_user", err)
	}
	out, err := UpdateUser(a.env(c), web.PathParam(c, "id"), web.PathParam(c, "user"), in, in.Pos.Has)
	if err != nil {
		return err
	}
	return web.JSON(c, http.StatusOK, out)
}

// deprovisionUser serves DELETE /_emulator/directories/{id}/users/{user}.
func (a *api) deprovisionUser(c echo.Context) error {
	if err := DeprovisionUser(a.env(c), web.PathParam(c, "id"), web.PathParam(c, "user")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// createGroup serves POST /_emulator/directories/{id}/groups.
func (a *api) createGroup(c echo.Context) error {
	in, err := fixtures.ParseDirectoryGroup(web.RawBody(c), "request")
	if err != nil {
		return invalidItem("directory_group", err)
	}
	out, err := CreateGroup(a.env(c), web.PathParam(c, "id"), in)
	if err != nil {
		return err
	}
	return web.JSON(c, http.StatusCreated, out)
}

// updateGroup serves PUT /_emulator/directories/{id}/groups/{group}.
func (a *api) updateGroup(c echo.Context) error {
	in, err := fixtures.ParseDirectoryGroup(web.RawBody(c), "request")
	if err != nil {
		return invalidItem("directory_group", err)
	}
	out, err := UpdateGroup(a.env(c), web.PathParam(c, "id"), web.PathParam(c, "group"), in, in.Pos.Has)
	if err != nil {
		return err
	}
	return web.JSON(c, http.StatusOK, out)
}

// deleteGroup serves DELETE /_emulator/directories/{id}/groups/{group}.
func (a *api) deleteGroup(c echo.Context) error {
	if err := DeleteGroup(a.env(c), web.PathParam(c, "id"), web.PathParam(c, "group")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// addMember serves POST /_emulator/directories/{id}/groups/{group}/users.
func (a *api) addMember(c echo.Context) error {
	b, err := web.Decode(c, web.ControlJSON)
	if err != nil {
		return err
	}
	user := b.Str("user_id")
	if err := b.Err(); err != nil {
		return err
	}
	if user == "" {
		return web.Invalid(web.FieldError{Field: "user_id", Code: "required", Message: "user_id (the user's id or idp_id) is required."})
	}
	out, err := AddMember(a.env(c), web.PathParam(c, "id"), web.PathParam(c, "group"), user)
	if err != nil {
		return err
	}
	return web.JSON(c, http.StatusOK, out)
}

// removeMember serves DELETE /_emulator/directories/{id}/groups/{group}/users/{user}.
func (a *api) removeMember(c echo.Context) error {
	if err := RemoveMember(a.env(c), web.PathParam(c, "id"), web.PathParam(c, "group"), web.PathParam(c, "user")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
