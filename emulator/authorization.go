package emulator

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// Roles and permissions (/authorization/*): environment roles, roles of one
// organization, and permissions. Role changes show in the next token minted
// or refreshed, because role claims are derived at mint time.

func (r *role) object() object {
	typ := "EnvironmentRole"
	if r.orgID != "" {
		typ = "OrganizationRole"
	}
	return object{{"object", "role"}, {"id", r.ID}, {"slug", r.Slug}, {"name", r.Name}, {"description", optional(r.Description)},
		{"type", typ}, {"resource_type_slug", "organization"}, {"permissions", nonNil(r.Permissions)},
		{"created_at", isoTime(r.CreatedAt)}, {"updated_at", isoTime(r.UpdatedAt)}}
}

func (p *permission) object() object {
	return object{{"object", "permission"}, {"id", p.ID}, {"slug", p.Slug}, {"name", p.Name}, {"description", optional(p.Description)},
		{"system", false}, {"resource_type_slug", "organization"}, {"created_at", isoTime(p.CreatedAt)}, {"updated_at", isoTime(p.UpdatedAt)}}
}

// rolesFor lists the environment's roles, then an organization's own, each
// in creation order. Caller holds w.mu.
func (w *world) rolesFor(orgID string) []object {
	var env, own []*role
	for _, r := range w.roles {
		env = append(env, r)
	}
	for _, r := range w.orgRoles[orgID] {
		own = append(own, r)
	}
	sortBySeq(env)
	sortBySeq(own)
	out := []object{}
	for _, r := range append(env, own...) {
		out = append(out, r.object())
	}
	return out
}

// roleScope resolves the role collection a route addresses: the
// environment's, or an organization's (404 for an unknown organization;
// nil until the organization has a role of its own, so reads need only the
// read lock). Caller holds w.mu.
func (w *world) roleScope(c echo.Context) (map[string]*role, string, error) {
	orgID := c.Param("org")
	if orgID == "" {
		return w.roles, "", nil
	}
	if w.orgs[orgID] == nil {
		return nil, "", notFound("Organization", orgID)
	}
	return w.orgRoles[orgID], orgID, nil
}

func (w *world) roleIn(c echo.Context) (*role, error) {
	roles, _, err := w.roleScope(c)
	if err != nil {
		return nil, err
	}
	r := roles[c.Param("slug")]
	if r == nil {
		return nil, notFound("Role", c.Param("slug"))
	}
	return r, nil
}

// listRoles serves GET /authorization/roles and
// GET /authorization/organizations/{organizationId}/roles.
func (s *Server) listRoles(c echo.Context) error {
	w := s.world()
	w.mu.RLock()
	defer w.mu.RUnlock()
	_, orgID, err := w.roleScope(c)
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, object{{"object", "list"}, {"data", w.rolesFor(orgID)}})
}

// createRole serves POST on the role collections (201; 409 for a taken
// slug).
func (s *Server) createRole(c echo.Context) error {
	b, err := readJSONBody(c)
	if err != nil {
		return err
	}
	slug, name := b.str("slug"), b.str("name")
	desc := b.optStr("description")
	if slug == "" {
		b.bad("slug", "slug_required")
	} else if !validSlug(slug) {
		b.bad("slug", "invalid_slug")
	}
	if name == "" {
		b.bad("name", "name_required")
	}
	if err := b.err(); err != nil {
		return err
	}
	w := s.world()
	now := s.clock.Now()
	w.mu.Lock()
	defer w.mu.Unlock()
	roles, orgID, err := w.roleScope(c)
	if err != nil {
		return err
	}
	if roles[slug] != nil || (orgID != "" && w.roles[slug] != nil) {
		code := "role_slug_conflict"
		if orgID != "" {
			code = "organization_role_slug_conflict"
		}
		return apiError(http.StatusConflict, code, fmt.Sprintf("A role with slug %q already exists.", slug))
	}
	id := fixtures.PrefixRole + s.ids.ulid(now)
	r := &role{seq: w.nextSeq(id), orgID: orgID, ID: id, Slug: slug, Name: name, Permissions: []string{}, CreatedAt: now, UpdatedAt: now}
	if desc != nil {
		r.Description = *desc
	}
	if roles == nil {
		roles = map[string]*role{}
		w.orgRoles[orgID] = roles
	}
	roles[slug] = r
	return writeJSON(c, http.StatusCreated, r.object())
}

func validSlug(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == ':' || c == '.') {
			return false
		}
	}
	return true
}

// renamable is what a PATCH of name and description changes: roles and
// permissions.
type renamable interface {
	nameFields() (name, description *string, updatedAt *time.Time)
	object() object
}

func (r *role) nameFields() (*string, *string, *time.Time) {
	return &r.Name, &r.Description, &r.UpdatedAt
}
func (p *permission) nameFields() (*string, *string, *time.Time) {
	return &p.Name, &p.Description, &p.UpdatedAt
}

// patchNamed serves a PATCH of name and description on the record find
// addresses; omitted fields are unchanged.
func patchNamed[T renamable](s *Server, c echo.Context, find func(*world, echo.Context) (T, error)) error {
	b, err := readJSONBody(c)
	if err != nil {
		return err
	}
	patch := b.nameDescription()
	if err := b.err(); err != nil {
		return err
	}
	w := s.world()
	w.mu.Lock()
	defer w.mu.Unlock()
	v, err := find(w, c)
	if err != nil {
		return err
	}
	name, description, updatedAt := v.nameFields()
	patch(name, description)
	*updatedAt = s.clock.Now()
	return writeJSON(c, http.StatusOK, v.object())
}

// getRole serves GET on one role.
func (s *Server) getRole(c echo.Context) error {
	return readOne(s, c, (*world).roleIn, func(_ *world, r *role) object { return r.object() })
}

// updateRole serves PATCH on one role (name, description).
func (s *Server) updateRole(c echo.Context) error {
	return patchNamed(s, c, (*world).roleIn)
}

// deleteRole serves DELETE on an organization role; members holding it lose
// it.
func (s *Server) deleteRole(c echo.Context) error {
	w := s.world()
	w.mu.Lock()
	defer w.mu.Unlock()
	r, err := w.roleIn(c)
	if err != nil {
		return err
	}
	delete(w.orgRoles[r.orgID], r.Slug)
	for _, m := range w.orgMemberships[r.orgID] {
		m.Roles = without(m.Roles, r.Slug)
	}
	return c.NoContent(http.StatusNoContent)
}

// setRolePermissions serves PUT …/permissions (replace the set).
func (s *Server) setRolePermissions(c echo.Context) error {
	b, err := readJSONBody(c)
	if err != nil {
		return err
	}
	perms := b.strings("permissions")
	if !b.has("permissions") {
		b.bad("permissions", "permissions_required")
	}
	if err := b.err(); err != nil {
		return err
	}
	return s.changeRolePermissions(c, func(r *role) { r.Permissions = dedupe(perms) })
}

// addRolePermission serves POST …/permissions (add one).
func (s *Server) addRolePermission(c echo.Context) error {
	b, err := readJSONBody(c)
	if err != nil {
		return err
	}
	slug := b.str("slug")
	if slug == "" {
		b.bad("slug", "slug_required")
	}
	if err := b.err(); err != nil {
		return err
	}
	return s.changeRolePermissions(c, func(r *role) {
		if !slices.Contains(r.Permissions, slug) {
			r.Permissions = append(r.Permissions, slug)
		}
	})
}

// removeRolePermission serves DELETE …/permissions/{permissionSlug}.
func (s *Server) removeRolePermission(c echo.Context) error {
	return s.changeRolePermissions(c, func(r *role) { r.Permissions = without(r.Permissions, c.Param("permission")) })
}

func (s *Server) changeRolePermissions(c echo.Context, change func(*role)) error {
	w := s.world()
	w.mu.Lock()
	defer w.mu.Unlock()
	r, err := w.roleIn(c)
	if err != nil {
		return err
	}
	change(r)
	r.Permissions = nonNil(r.Permissions)
	r.UpdatedAt = s.clock.Now()
	return writeJSON(c, http.StatusOK, r.object())
}

func dedupe(in []string) []string {
	out := []string{}
	for _, v := range in {
		if v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// listPermissions serves GET /authorization/permissions (paginated).
func (s *Server) listPermissions(c echo.Context) error {
	pg, err := parsePage(c.QueryParams())
	if err != nil {
		return err
	}
	w := s.world()
	w.mu.RLock()
	defer w.mu.RUnlock()
	return writePage(c, w, w.permOrder, pg, (*permission).object)
}

// createPermission serves POST /authorization/permissions (201; 409 for a
// taken slug).
func (s *Server) createPermission(c echo.Context) error {
	b, err := readJSONBody(c)
	if err != nil {
		return err
	}
	slug, name, desc := b.str("slug"), b.str("name"), b.optStr("description")
	if slug == "" || strings.ContainsAny(slug, " \t") {
		b.bad("slug", "invalid_slug")
	}
	if name == "" {
		b.bad("name", "name_required")
	}
	if err := b.err(); err != nil {
		return err
	}
	w := s.world()
	now := s.clock.Now()
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.permissions[slug] != nil {
		return apiError(http.StatusConflict, "permission_slug_conflict", fmt.Sprintf("A permission with slug %q already exists.", slug))
	}
	id := fixtures.PrefixPermission + s.ids.ulid(now)
	p := &permission{seq: w.nextSeq(id), ID: id, Slug: slug, Name: name, CreatedAt: now, UpdatedAt: now}
	if desc != nil {
		p.Description = *desc
	}
	w.addPermission(p)
	return writeJSON(c, http.StatusCreated, p.object())
}

// getPermission serves GET /authorization/permissions/{slug}.
func (s *Server) getPermission(c echo.Context) error {
	return readOne(s, c, (*world).permissionFor, func(_ *world, p *permission) object { return p.object() })
}

// updatePermission serves PATCH /authorization/permissions/{slug}.
func (s *Server) updatePermission(c echo.Context) error {
	return patchNamed(s, c, (*world).permissionFor)
}

// deletePermission serves DELETE /authorization/permissions/{slug}: roles
// lose it.
func (s *Server) deletePermission(c echo.Context) error {
	w := s.world()
	w.mu.Lock()
	defer w.mu.Unlock()
	p, err := w.permissionFor(c)
	if err != nil {
		return err
	}
	delete(w.permissions, p.Slug)
	w.permOrder = without1(w.permOrder, p)
	for _, r := range w.roles {
		r.Permissions = nonNil(without(r.Permissions, p.Slug))
	}
	for _, roles := range w.orgRoles {
		for _, r := range roles {
			r.Permissions = nonNil(without(r.Permissions, p.Slug))
		}
	}
	return c.NoContent(http.StatusNoContent)
}
