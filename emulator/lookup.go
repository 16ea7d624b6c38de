package emulator

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// byParam finds the record that path parameter param names in m, or
// answers WorkOS's 404 for a kind with that id: every route that addresses
// one record looks it up the same way.
func byParam[V comparable](c echo.Context, m map[string]V, param, kind string) (V, error) {
	key := c.Param(param)
	v := m[key]
	var zero V
	if v == zero {
		return zero, notFound(kind, key)
	}
	return v, nil
}

// readOne answers a GET of one record: found and rendered under the read
// lock, so the answer is one consistent state of the world.
func readOne[V, R any](s *Server, c echo.Context, find func(*world, echo.Context) (V, error), render func(*world, V) R) error {
	w := s.world()
	w.mu.RLock()
	defer w.mu.RUnlock()
	v, err := find(w, c)
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, render(w, v))
}

// The records routes address by id. Callers hold w.mu.

func (w *world) userFor(c echo.Context) (*user, error) { return byParam(c, w.users, "id", "User") }
func (w *world) orgFor(c echo.Context) (*organization, error) {
	return byParam(c, w.orgs, "id", "Organization")
}
func (w *world) membershipFor(c echo.Context) (*membership, error) {
	return byParam(c, w.memberships, "id", "Organization membership")
}
func (w *world) invitationFor(c echo.Context) (*invitation, error) {
	return byParam(c, w.invitations, "id", "Invitation")
}
func (w *world) permissionFor(c echo.Context) (*permission, error) {
	return byParam(c, w.permissions, "slug", "Permission")
}
