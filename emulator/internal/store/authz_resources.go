package store

import (
	"strings"
	"time"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// Fine-Grained Authorization: resource types (from the fixtures, as WorkOS
// configures them in its dashboard), resources in a tree under each
// organization, role assignments on them (authz_assignments.go), groups of
// memberships (authz_groups.go) and the access checks (authz_access.go).
// Every organization is a resource of type organization, the root of its
// tree; it has no record (OrgResource builds it from the organization).

// ResourceType is a kind of resource; Parent is the type its resources sit
// under (organization for the top level).
type ResourceType struct {
	Slug, Name, Description, Parent string
}

// Resource is an authorization resource. ParentID is "" only for an
// organization's own resource. Its organization, type and external id are
// an index key: they never change.
type Resource struct {
	Seq         uint64
	ID          string
	OrgID       string
	Type        string
	ExternalID  string
	Name        string
	Description *string
	ParentID    string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// ListKey orders resources by creation.
func (r *Resource) ListKey() (uint64, string) { return r.Seq, r.ID }

// IsOrganization reports whether r is an organization's own resource.
func (r *Resource) IsOrganization() bool { return r.Type == fixtures.ResourceTypeOrganization }

// Object renders the WorkOS authorization_resource.
func (r *Resource) Object() wire.Object {
	var parent *string
	if r.ParentID != "" {
		parent = &r.ParentID
	}
	return wire.Object{{"object", "authorization_resource"}, {"name", r.Name}, {"description", r.Description},
		{"organization_id", r.OrgID}, {"parent_resource_id", parent}, {"id", r.ID}, {"external_id", r.ExternalID},
		{"resource_type_slug", r.Type}, {"created_at", wire.Time(r.CreatedAt)}, {"updated_at", wire.Time(r.UpdatedAt)}}
}

// Ref renders the resource as role assignments name it.
func (r *Resource) Ref() wire.Object {
	return wire.Object{{"id", r.ID}, {"external_id", r.ExternalID}, {"resource_type_slug", r.Type}}
}

// authzState is the world's Fine-Grained Authorization state and indexes.
// Every slice is in creation order (Seq), so lists page by binary search.
type authzState struct {
	types map[string]*ResourceType

	resources map[string]*Resource
	byKey     map[string]*Resource // fixtures.ResourceKey
	order     []*Resource
	byOrg     map[string][]*Resource
	byOrgType map[string][]*Resource // org id + "\x00" + type
	byType    map[string][]*Resource
	children  map[string][]*Resource // by parent id, organization resources included

	assignments  map[string]*RoleAssignment
	byMembership map[string][]*RoleAssignment
	byResource   map[string][]*RoleAssignment
	bySource     map[string]*RoleAssignment // group role assignment id + "\x00" + membership id
	orgRoleMeta  map[string]orgRoleMeta     // membership id + "\x00" + role slug

	groups       map[string]*Group
	orgGroups    map[string][]*Group
	memberGroups map[string][]*Group // by membership id

	groupAssignments map[string]*GroupRoleAssignment
	graByResource    map[string][]*GroupRoleAssignment

	// roleUse counts the assignments (of memberships and groups) naming
	// each role, by org id ("" for an environment role) + "\x00" + slug:
	// a role in use cannot be deleted.
	roleUse map[string]int
}

func newAuthzState() authzState {
	return authzState{types: map[string]*ResourceType{},
		resources: map[string]*Resource{}, byKey: map[string]*Resource{}, byOrg: map[string][]*Resource{},
		byOrgType: map[string][]*Resource{}, byType: map[string][]*Resource{}, children: map[string][]*Resource{},
		assignments: map[string]*RoleAssignment{}, byMembership: map[string][]*RoleAssignment{},
		byResource: map[string][]*RoleAssignment{}, bySource: map[string]*RoleAssignment{}, orgRoleMeta: map[string]orgRoleMeta{},
		groups: map[string]*Group{}, orgGroups: map[string][]*Group{}, memberGroups: map[string][]*Group{},
		groupAssignments: map[string]*GroupRoleAssignment{}, graByResource: map[string][]*GroupRoleAssignment{},
		roleUse: map[string]int{}}
}

// ResourceType is the type with that slug (organization included), or nil.
func (tx *Tx) ResourceType(slug string) *ResourceType {
	if slug == fixtures.ResourceTypeOrganization {
		return &ResourceType{Slug: slug, Name: "Organization"}
	}
	return tx.w.authz.types[slug]
}

// TypeWithin reports whether type t is ancestor or sits below it: a role of
// type ancestor may hold permissions of type t.
func (tx *Tx) TypeWithin(t, ancestor string) bool {
	types := tx.w.authz.types
	for i := 0; i <= len(types)+1 && t != ""; i++ {
		if t == ancestor {
			return true
		}
		rt := types[t]
		if rt == nil {
			return false
		}
		t = rt.Parent
	}
	return false
}

// OrgResource is the organization's own resource: the root of its tree.
func (tx *Tx) OrgResource(o *Organization) *Resource {
	return &Resource{Seq: o.Seq, ID: fixtures.OrganizationResourceID(o.ID), OrgID: o.ID, Type: fixtures.ResourceTypeOrganization,
		ExternalID: o.ID, Name: o.Name, CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt}
}

// Resource is the resource with that id (an organization's own resource
// included), or nil.
func (tx *Tx) Resource(id string) *Resource {
	if r := tx.w.authz.resources[id]; r != nil {
		return r
	}
	if rest, ok := strings.CutPrefix(id, fixtures.PrefixResource); ok && rest != "" {
		if o := tx.w.orgs[fixtures.PrefixOrg+rest]; o != nil {
			return tx.OrgResource(o)
		}
	}
	return nil
}

// ResourceByExternalID is the organization's resource of that type and
// external id (the organization itself for type organization and its own
// id), or nil.
func (tx *Tx) ResourceByExternalID(orgID, typ, externalID string) *Resource {
	if typ == fixtures.ResourceTypeOrganization {
		if o := tx.w.orgs[orgID]; o != nil && externalID == orgID {
			return tx.OrgResource(o)
		}
		return nil
	}
	return tx.w.authz.byKey[fixtures.ResourceKey(orgID, typ, externalID)]
}

// Resources lists every resource (organization resources excepted) in
// creation order. The slice is the index: do not change it.
func (tx *Tx) Resources() []*Resource { return tx.w.authz.order }

// ResourcesOfOrg lists an organization's resources, of one type when typ
// is set, in creation order. The slice is the index: do not change it.
func (tx *Tx) ResourcesOfOrg(orgID, typ string) []*Resource {
	if typ != "" {
		return tx.w.authz.byOrgType[orgID+"\x00"+typ]
	}
	return tx.w.authz.byOrg[orgID]
}

// ResourcesOfType lists the resources of a type in creation order. The
// slice is the index: do not change it.
func (tx *Tx) ResourcesOfType(typ string) []*Resource { return tx.w.authz.byType[typ] }

// Children lists the resources directly under a resource, in creation
// order. The slice is the index: do not change it.
func (tx *Tx) Children(parentID string) []*Resource { return tx.w.authz.children[parentID] }

// Ancestors calls fn with r, then each resource above it up to its
// organization's resource, until fn returns false. The walk is the depth
// of the tree.
func (tx *Tx) Ancestors(r *Resource, fn func(*Resource) bool) {
	for i := 0; r != nil && i < maxDepth; i++ {
		if !fn(r) || r.ParentID == "" {
			return
		}
		r = tx.Resource(r.ParentID)
	}
}

// maxDepth bounds a walk up the tree: resource types form a tree of at most
// as many levels as there are types, so this is never reached.
const maxDepth = 1 << 16

// AddResource indexes a new resource (its parent exists).
func (tx *Tx) AddResource(r *Resource) {
	a := &tx.w.authz
	r.Seq = tx.w.nextSeq(r.ID)
	a.resources[r.ID] = r
	a.byKey[fixtures.ResourceKey(r.OrgID, r.Type, r.ExternalID)] = r
	a.order = append(a.order, r)
	a.byOrg[r.OrgID] = append(a.byOrg[r.OrgID], r)
	k := r.OrgID + "\x00" + r.Type
	a.byOrgType[k] = append(a.byOrgType[k], r)
	a.byType[r.Type] = append(a.byType[r.Type], r)
	a.children[r.ParentID] = append(a.children[r.ParentID], r)
}

// MoveResource puts r under a new parent.
func (tx *Tx) MoveResource(r *Resource, parentID string) {
	a := &tx.w.authz
	dropFrom(a.children, r.ParentID, r)
	r.ParentID = parentID
	a.children[parentID] = insertBySeq(a.children[parentID], r)
}

// HasDependents reports whether r has children or role assignments (of
// memberships or groups) on it: it cannot be deleted without cascading.
func (tx *Tx) HasDependents(r *Resource) bool {
	a := &tx.w.authz
	return len(a.children[r.ID]) > 0 || len(a.byResource[r.ID]) > 0 || len(a.graByResource[r.ID]) > 0
}

// DeleteResource removes r, everything under it and every role assignment
// on them (an organization's own resource stays: only what is under it and
// on it goes).
func (tx *Tx) DeleteResource(r *Resource) {
	a := &tx.w.authz
	for _, c := range append([]*Resource(nil), a.children[r.ID]...) {
		tx.DeleteResource(c)
	}
	for _, gra := range append([]*GroupRoleAssignment(nil), a.graByResource[r.ID]...) {
		tx.DeleteGroupRoleAssignment(gra)
	}
	for _, ra := range append([]*RoleAssignment(nil), a.byResource[r.ID]...) {
		tx.DeleteRoleAssignment(ra)
	}
	if r.IsOrganization() {
		return
	}
	delete(a.resources, r.ID)
	delete(a.byKey, fixtures.ResourceKey(r.OrgID, r.Type, r.ExternalID))
	a.order = without1(a.order, r)
	dropFrom(a.byOrg, r.OrgID, r)
	dropFrom(a.byOrgType, r.OrgID+"\x00"+r.Type, r)
	dropFrom(a.byType, r.Type, r)
	dropFrom(a.children, r.ParentID, r)
	delete(a.children, r.ID)
	tx.w.forgetSeq(r.ID, tx.now)
}

// dropFrom removes x from the list at m[key], dropping the key when the
// list empties.
func dropFrom[T comparable](m map[string][]T, key string, x T) {
	l := without1(m[key], x)
	if len(l) == 0 {
		delete(m, key)
		return
	}
	m[key] = l
}

// forgetOrgAuthz drops an organization's resources, groups and their role
// assignments (the organization is being deleted; its memberships go
// first).
func (tx *Tx) forgetOrgAuthz(orgID string) {
	a := &tx.w.authz
	for _, g := range append([]*Group(nil), a.orgGroups[orgID]...) {
		tx.DeleteGroup(g)
	}
	if o := tx.w.orgs[orgID]; o != nil {
		tx.DeleteResource(tx.OrgResource(o))
	}
	for k := range a.roleUse {
		if strings.HasPrefix(k, orgID+"\x00") {
			delete(a.roleUse, k)
		}
	}
}

// AddResourceType declares a resource type (fixtures only: WorkOS
// configures them in its dashboard).
func (tx *Tx) AddResourceType(t *ResourceType) { tx.w.authz.types[t.Slug] = t }
