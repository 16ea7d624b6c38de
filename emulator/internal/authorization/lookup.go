package authorization

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// membershipFor finds the membership the route's :om names, or a 404.
func membershipFor(c echo.Context, tx *store.Tx, param string) (*store.Membership, error) {
	id := web.PathParam(c, param)
	if m := tx.Membership(id); m != nil {
		return m, nil
	}
	return nil, web.NotFound("Organization membership", id)
}

// target names a resource in a body or a query: by id, or by type and
// external id. Absent (none given) means the organization itself where a
// route allows it.
type target struct {
	id, typ, ext string
}

func (t target) given() bool { return t.id != "" || t.typ != "" || t.ext != "" }

// readTarget reads a resource target from keys (id, type, external id),
// recording the spec's exclusivity rules as field errors; required makes
// an absent target one too.
func readTarget(b *web.Body, idKey, typKey, extKey string, required bool) target {
	t := target{id: b.Str(idKey), typ: b.Str(typKey), ext: b.Str(extKey)}
	checkTarget(t, idKey, typKey, extKey, required, b.Bad)
	return t
}

// queryTarget reads a resource target from the query string.
func queryTarget(c echo.Context, idKey, typKey, extKey string, required bool) (target, error) {
	q := web.Query(c)
	t := target{id: q.Get(idKey), typ: q.Get(typKey), ext: q.Get(extKey)}
	var bad []web.FieldError
	checkTarget(t, idKey, typKey, extKey, required, func(f, code string) { bad = append(bad, web.Field(f, code)) })
	if len(bad) > 0 {
		return t, web.APIError(http.StatusBadRequest, "bad_request",
			fmt.Sprintf("Provide %s, or %s and %s together.", idKey, typKey, extKey))
	}
	return t, nil
}

func checkTarget(t target, idKey, typKey, extKey string, required bool, bad func(field, code string)) {
	switch {
	case t.id != "" && (t.typ != "" || t.ext != ""):
		bad(idKey, "mutually_exclusive_with_"+extKey)
	case (t.typ == "") != (t.ext == ""):
		if t.typ == "" {
			bad(typKey, "required_with_"+extKey)
		} else {
			bad(extKey, "required_with_"+typKey)
		}
	case required && !t.given():
		bad(idKey, idKey+"_or_"+extKey+"_required")
	}
}

// resolve finds the target inside an organization; an absent target is
// the organization's own resource. Unknown is a 404.
func (t target) resolve(tx *store.Tx, orgID string) (*store.Resource, error) {
	switch {
	case t.id != "":
		if r := tx.Resource(t.id); r != nil && r.OrgID == orgID {
			return r, nil
		}
		return nil, web.NotFound("Resource", t.id)
	case t.typ != "":
		if r := tx.ResourceByExternalID(orgID, t.typ, t.ext); r != nil {
			return r, nil
		}
		return nil, resourceNotFound(t.typ, t.ext)
	}
	if o := tx.Org(orgID); o != nil {
		return tx.OrgResource(o), nil
	}
	return nil, web.NotFound("Organization", orgID)
}

func resourceNotFound(typ, ext string) error {
	return web.NotFound("Resource", typ+"/"+ext)
}

// roleFor finds the role an assignment in the organization names: a 404
// when there is none, a 422 when its type is not the resource's (WorkOS:
// "You cannot assign a project role on a workspace resource").
func roleFor(tx *store.Tx, orgID, slug string, res *store.Resource) (*store.Role, error) {
	r := tx.RoleFor(orgID, slug)
	if r == nil {
		return nil, web.NotFound("Role", slug)
	}
	if r.RoleType() != res.Type {
		return nil, web.Invalid(web.Field("role_slug", "role_resource_type_mismatch")).WithMessage(
			fmt.Sprintf("Role %q is assigned on %s resources, not on a %s.", slug, r.RoleType(), res.Type))
	}
	return r, nil
}

// keyed is one item of a list that mixes role assignment records with a
// membership's organization roles (which have no record): ordered by
// store.ScaledKey, rendered on demand.
type keyed struct {
	key    uint64
	id     string
	render func() wire.Object
}

// ListKey orders the item.
func (k keyed) ListKey() (uint64, string) { return k.key, k.id }

// assignmentItem lists a role assignment.
func assignmentItem(tx *store.Tx, ra *store.RoleAssignment) keyed {
	return keyed{key: store.ScaledKey(ra), id: ra.ID, render: func() wire.Object { return ra.Object(tx.Resource(ra.ResourceID)) }}
}

// pageKeyed pages a mixed list: cursors are the items' ids (or, for
// records deleted since, their remembered creation numbers).
func pageKeyed(tx *store.Tx, items []keyed, pg web.Page) (wire.Object, error) {
	slices.SortFunc(items, func(a, b keyed) int { return cmp.Compare(a.key, b.key) })
	index := make(map[string]uint64, len(items))
	for _, it := range items {
		index[it.id] = it.key
	}
	seqOf := func(id string) (uint64, bool) {
		if k, ok := index[id]; ok {
			return k, true
		}
		s, ok := tx.SeqOf(id)
		return s << 16, ok
	}
	page, meta, err := web.Paginate(items, pg, seqOf)
	if err != nil {
		return nil, err
	}
	data := make([]wire.Object, len(page))
	for i, it := range page {
		data[i] = it.render()
	}
	return wire.List(data, meta), nil
}

// orgResourceRefused is the answer to a change of an organization's own
// resource: WorkOS creates it with the organization and it cannot be
// edited or deleted.
func orgResourceRefused(r *store.Resource) error {
	return web.APIError(http.StatusForbidden, web.CodeForbidden,
		fmt.Sprintf("Resource '%s' is the organization's own resource: it cannot be changed or deleted.", r.ID))
}

// isOrgType reports whether a type slug is the organization's.
func isOrgType(slug string) bool { return slug == fixtures.ResourceTypeOrganization }
