package authorization

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// resourceFor finds the resource a route addresses: by :resource (its id)
// or by :org, :type and :external.
func resourceFor(c echo.Context, tx *store.Tx) (*store.Resource, error) {
	if id := web.PathParam(c, "resource"); id != "" {
		if r := tx.Resource(id); r != nil {
			return r, nil
		}
		return nil, web.NotFound("Resource", id)
	}
	orgID, typ, ext := web.PathParam(c, "org"), web.PathParam(c, "type"), web.PathParam(c, "external")
	if tx.Org(orgID) == nil {
		return nil, web.NotFound("Organization", orgID)
	}
	if r := tx.ResourceByExternalID(orgID, typ, ext); r != nil {
		return r, nil
	}
	return nil, resourceNotFound(typ, ext)
}

// readResourceFields reads name and description with the spec's limits.
func readResourceFields(b *web.Body) (name string, desc *string) {
	name, desc = b.Str("name"), b.OptStr("description")
	b.Limit("name", name, fixtures.MaxResourceNameLength)
	if desc != nil {
		b.Limit("description", *desc, fixtures.MaxDescriptionLength)
	}
	return name, desc
}

// parentFor resolves the parent a body names for a resource of type typ in
// the organization (the organization itself when none is named): it must
// exist (404) and be of the type typ sits under (422).
func parentFor(tx *store.Tx, orgID string, t target, typ *store.ResourceType) (*store.Resource, error) {
	parent, err := t.resolve(tx, orgID)
	if err != nil {
		return nil, err
	}
	if parent.Type != typ.Parent {
		return nil, web.Invalid(web.Field("parent_resource_id", "invalid_parent_resource_type")).WithMessage(
			fmt.Sprintf("A %s resource sits under a %s, not a %s.", typ.Slug, typ.Parent, parent.Type))
	}
	return parent, nil
}

// createResource serves POST /authorization/resources.
func (a *api) createResource(c echo.Context) error {
	b, err := web.Decode(c, web.APIBody)
	if err != nil {
		return err
	}
	ext, typ, orgID := b.Str("external_id"), b.Str("resource_type_slug"), b.Str("organization_id")
	name, desc := readResourceFields(&b)
	for _, f := range [][2]string{{"external_id", ext}, {"name", name}, {"resource_type_slug", typ}, {"organization_id", orgID}} {
		if f[1] == "" {
			b.Bad(f[0], f[0]+"_required")
		}
	}
	b.ExternalID("external_id", &ext)
	parent := readTarget(&b, "parent_resource_id", "parent_resource_type_slug", "parent_resource_external_id", false)
	if err := b.Err(); err != nil {
		return err
	}
	return web.Write(c, a.env(c), http.StatusCreated, func(tx *store.Tx) (any, error) {
		if tx.Org(orgID) == nil {
			return nil, web.NotFound("Organization", orgID)
		}
		rt := tx.ResourceType(typ)
		switch {
		case rt == nil:
			return nil, web.NotFound("Resource type", typ)
		case isOrgType(typ):
			return nil, web.Invalid(web.Field("resource_type_slug", "organization_resources_are_implicit")).WithMessage(
				"Every organization has its organization resource already.")
		}
		p, err := parentFor(tx, orgID, parent, rt)
		if err != nil {
			return nil, err
		}
		if tx.ResourceByExternalID(orgID, typ, ext) != nil {
			return nil, web.APIError(http.StatusConflict, "authorization_resource_external_id_conflict",
				fmt.Sprintf("A %s resource with external id %q already exists in organization %s.", typ, ext, orgID))
		}
		r := &store.Resource{ID: tx.NewID(fixtures.PrefixResource), OrgID: orgID, Type: typ, ExternalID: ext, Name: name,
			Description: desc, ParentID: p.ID, CreatedAt: tx.Now(), UpdatedAt: tx.Now()}
		tx.AddResource(r)
		return r.Object(), nil
	})
}

// getResource serves GET on one resource (by id or by external id).
func (a *api) getResource(c echo.Context) error {
	return web.Read(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		r, err := resourceFor(c, tx)
		if err != nil {
			return nil, err
		}
		return r.Object(), nil
	})
}

// updateResource serves PATCH on one resource: name, description, and a
// new parent (of the same type as the old one's).
func (a *api) updateResource(c echo.Context) error {
	b, err := web.Decode(c, web.APIBody)
	if err != nil {
		return err
	}
	name, desc := readResourceFields(&b)
	hasDesc := b.Has("description")
	parent := readTarget(&b, "parent_resource_id", "parent_resource_type_slug", "parent_resource_external_id", false)
	if err := b.Err(); err != nil {
		return err
	}
	return web.Write(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		r, err := resourceFor(c, tx)
		if err != nil {
			return nil, err
		}
		if r.IsOrganization() {
			return nil, orgResourceRefused(r)
		}
		if parent.given() {
			p, err := parentFor(tx, r.OrgID, parent, tx.ResourceType(r.Type))
			if err != nil {
				return nil, err
			}
			if p.ID != r.ParentID {
				tx.MoveResource(r, p.ID)
			}
		}
		if name != "" {
			r.Name = name
		}
		if hasDesc {
			r.Description = desc
		}
		r.UpdatedAt = tx.Now()
		return r.Object(), nil
	})
}

// deleteResource serves DELETE on one resource: with cascade_delete=true
// it takes its descendants and the role assignments on them along; without
// it, a resource that has any is a 409.
func (a *api) deleteResource(c echo.Context) error {
	cascade := false
	switch v := web.Query(c).Get("cascade_delete"); v {
	case "", "false":
	case "true":
		cascade = true
	default:
		return web.Invalid(web.Field("cascade_delete", "must_be_a_boolean"))
	}
	return web.WriteNoContent(c, a.env(c), http.StatusNoContent, func(tx *store.Tx) error {
		r, err := resourceFor(c, tx)
		if err != nil {
			return err
		}
		if r.IsOrganization() {
			return orgResourceRefused(r)
		}
		if !cascade && tx.HasDependents(r) {
			return web.APIError(http.StatusConflict, "resource_has_dependents",
				fmt.Sprintf("Resource '%s' has child resources or role assignments: delete them, or pass cascade_delete=true.", r.ID))
		}
		tx.DeleteResource(r)
		return nil
	})
}

// listResources serves GET /authorization/resources, with the spec's
// filters. The most selective index answers (a parent's children, an
// organization's resources of a type, ...); the others filter it.
func (a *api) listResources(c echo.Context) error {
	q := web.Query(c)
	pg, err := web.ParsePage(q)
	if err != nil {
		return err
	}
	orgID, typ, ext := q.Get("organization_id"), q.Get("resource_type_slug"), q.Get("resource_external_id")
	parentID, parentType, parentExt := q.Get("parent_resource_id"), q.Get("parent_resource_type_slug"), q.Get("parent_external_id")
	switch {
	case parentID != "" && (parentType != "" || parentExt != ""):
		return web.Invalid(web.Field("parent_resource_id", "mutually_exclusive_with_parent_external_id"))
	case (parentType == "") != (parentExt == ""):
		return web.Invalid(web.Field("parent_external_id", "required_with_parent_resource_type_slug"))
	case (ext != "" || parentExt != "") && (orgID == "" || (ext != "" && typ == "")):
		// External ids are unique only inside an organization and a type.
		return web.APIError(http.StatusBadRequest, "missing_organization_id_or_resource_type_slug",
			"Filtering by external id needs organization_id and the resource type slug.")
	}
	return web.Read(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		var items []*store.Resource
		switch {
		case parentID != "" || parentExt != "":
			var parent *store.Resource
			if parentID != "" {
				parent = tx.Resource(parentID)
			} else {
				parent = tx.ResourceByExternalID(orgID, parentType, parentExt)
			}
			if parent != nil {
				items = tx.Children(parent.ID)
			}
		case ext != "":
			if r := tx.ResourceByExternalID(orgID, typ, ext); r != nil && !r.IsOrganization() {
				items = []*store.Resource{r}
			}
		case orgID != "":
			items = tx.ResourcesOfOrg(orgID, typ)
		case typ != "":
			items = tx.ResourcesOfType(typ)
		default:
			items = tx.Resources()
		}
		if parentID != "" || parentExt != "" {
			items = filterResources(items, orgID, typ)
		}
		return web.PageOf(tx, items, pg, (*store.Resource).Object)
	})
}

// filterResources keeps the resources of the organization and type (each
// when set).
func filterResources(in []*store.Resource, orgID, typ string) []*store.Resource {
	if orgID == "" && typ == "" {
		return in
	}
	var out []*store.Resource
	for _, r := range in {
		if (orgID == "" || r.OrgID == orgID) && (typ == "" || r.Type == typ) {
			out = append(out, r)
		}
	}
	return out
}

// listResourceAssignments serves GET …/role_assignments of a resource: the
// role assignments on it (of memberships, directly or through a group),
// optionally of one role. On an organization's resource they include its
// members' organization roles.
func (a *api) listResourceAssignments(c echo.Context) error {
	pg, err := web.ParsePage(web.Query(c))
	if err != nil {
		return err
	}
	role := web.Query(c).Get("role_slug")
	return web.Read(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		r, err := resourceFor(c, tx)
		if err != nil {
			return nil, err
		}
		var items []keyed
		add := func(ra *store.RoleAssignment) {
			if role == "" || ra.Role == role {
				items = append(items, keyed{key: store.ScaledKey(ra), id: ra.ID, render: func() wire.Object { return ra.Object(r) }})
			}
		}
		for _, ra := range tx.AssignmentsOn(r.ID) {
			add(ra)
		}
		if r.IsOrganization() {
			for _, m := range tx.MembershipsOfOrg(r.OrgID) {
				for _, ra := range tx.OrgRoleAssignments(m) {
					add(ra)
				}
			}
		}
		return pageKeyed(tx, items, pg)
	})
}

// listResourceMembers serves GET …/organization_memberships of a resource:
// the active memberships that have permission_slug on it, through a role on
// the resource itself (assignment=direct) or also above it (indirect, the
// default).
func (a *api) listResourceMembers(c echo.Context) error {
	q := web.Query(c)
	pg, err := web.ParsePage(q)
	if err != nil {
		return err
	}
	perm := q.Get("permission_slug")
	direct := false
	var bad []web.FieldError
	if perm == "" {
		bad = append(bad, web.Field("permission_slug", "permission_slug_required"))
	}
	switch q.Get("assignment") {
	case "", "indirect":
	case "direct":
		direct = true
	default:
		bad = append(bad, web.Field("assignment", "must_be_direct_or_indirect"))
	}
	if len(bad) > 0 {
		return web.Invalid(bad...)
	}
	return web.Read(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		r, err := resourceFor(c, tx)
		if err != nil {
			return nil, err
		}
		return web.PageOf(tx, tx.MembersWithAccess(r, perm, direct), pg, tx.MembershipObject)
	})
}
