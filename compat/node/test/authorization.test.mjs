// @workos-inc/node against the emulator's authorization API: roles and
// permissions scoped to resource types, Fine-Grained Authorization
// (resources, role assignments, checks, discovery, effective permissions)
// and groups with their role assignments, through the SDK's own methods.
// The resource types come from fixtures added at run time (WorkOS configures
// them in its dashboard); reset() drops them again.
import { beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConflictException, NotFoundException, UnprocessableEntityException } from '@workos-inc/node';
import { ACME, BOB, EMULATOR_URL, claims, mintToken, rejectsWith, reset, workos } from './helpers.mjs';

const ALICE_ACME_OM = 'om_01JGFNY450V3KH57A74VCB7E15';
const BOB_ACME_OM = 'om_01JGHT8E1PNQC34TXMB5F06KZ1';

// organization > workspace > project, with roles and permissions of each.
const WORLD = `
resource_types:
  - {slug: workspace, name: Workspace}
  - {slug: project, name: Project, parent: workspace}
permissions:
  - {slug: "workspace:view", name: View a workspace, resource_type_slug: workspace}
  - {slug: "project:view", name: View a project, resource_type_slug: project}
  - {slug: "project:edit", name: Edit a project, resource_type_slug: project}
roles:
  - {slug: workspace-admin, name: Workspace admin, resource_type_slug: workspace, permissions: ["workspace:view", "project:view", "project:edit"]}
  - {slug: project-viewer, name: Project viewer, resource_type_slug: project, permissions: ["project:view"]}
`;

beforeEach(async () => {
  await reset();
  const res = await fetch(`${EMULATOR_URL}/_emulator/fixtures`, {
    method: 'POST', headers: { 'Content-Type': 'application/yaml' }, body: WORLD,
  });
  assert.equal(res.status, 200, await res.text());
});

// Engineering (a workspace of Acme) with projects Web and API.
async function seedResources(auth) {
  const eng = await auth.createResource({
    organizationId: ACME, resourceTypeSlug: 'workspace', externalId: 'engineering', name: 'Engineering', description: 'Builders',
  });
  const web = await auth.createResource({
    organizationId: ACME, resourceTypeSlug: 'project', externalId: 'web', name: 'Web', parentResourceId: eng.id,
  });
  const api = await auth.createResource({
    organizationId: ACME, resourceTypeSlug: 'project', externalId: 'api', name: 'API',
    parentResourceExternalId: 'engineering', parentResourceTypeSlug: 'workspace',
  });
  return { eng, web, api };
}

const all = async (paginatable) => (await paginatable.autoPagination());

describe('fine-grained authorization', () => {
  test('resources: create, read, list, update, delete', async () => {
    const auth = workos().authorization;
    const { eng, web, api } = await seedResources(auth);
    assert.match(eng.id, /^authz_resource_/);
    assert.equal(eng.object, 'authorization_resource');
    assert.equal(eng.resourceTypeSlug, 'workspace');
    assert.equal(web.parentResourceId, eng.id);
    assert.equal(api.parentResourceId, eng.id);
    assert.match(eng.parentResourceId, /^authz_resource_/); // the organization's own resource

    assert.deepEqual(await auth.getResource(web.id), web);
    assert.deepEqual(await auth.getResourceByExternalId({ organizationId: ACME, resourceTypeSlug: 'project', externalId: 'api' }), api);

    const children = await all(await auth.listResources({ parentResourceId: eng.id }));
    assert.deepEqual(children.map((r) => r.id).sort(), [web.id, api.id].sort());
    const projects = await auth.listResources({ organizationId: ACME, resourceTypeSlug: 'project' });
    assert.deepEqual(projects.data.map((r) => r.externalId), ['api', 'web']); // newest first

    const renamed = await auth.updateResource({ resourceId: web.id, name: 'Website' });
    assert.equal(renamed.name, 'Website');
    const described = await auth.updateResourceByExternalId({
      organizationId: ACME, resourceTypeSlug: 'project', externalId: 'api', description: 'The API',
    });
    assert.equal(described.description, 'The API');

    await rejectsWith(auth.createResource({ organizationId: ACME, resourceTypeSlug: 'workspace', externalId: 'engineering', name: 'Again' }), ConflictException);
    await rejectsWith(auth.getResource('authz_resource_01JGK00000000000000000ZZZZ'), NotFoundException);
    // A workspace with projects needs cascadeDelete.
    await rejectsWith(auth.deleteResource({ resourceId: eng.id }), ConflictException);
    await auth.deleteResourceByExternalId({ organizationId: ACME, resourceTypeSlug: 'project', externalId: 'api' });
    await auth.deleteResource({ resourceId: eng.id, cascadeDelete: true });
    await rejectsWith(auth.getResource(web.id), NotFoundException);
  });

  test('role assignments, checks and discovery', async () => {
    const auth = workos().authorization;
    const { eng, web, api } = await seedResources(auth);
    const admin = await auth.assignRole({ organizationMembershipId: BOB_ACME_OM, roleSlug: 'workspace-admin', resourceId: eng.id });
    assert.equal(admin.object, 'role_assignment');
    assert.equal(admin.organizationMembershipId, BOB_ACME_OM);
    assert.deepEqual(admin.role, { slug: 'workspace-admin' });
    assert.deepEqual(admin.resource, { id: eng.id, externalId: 'engineering', resourceTypeSlug: 'workspace' });
    assert.deepEqual(admin.source, { type: 'direct', groupRoleAssignmentId: null });
    await auth.assignRole({ organizationMembershipId: ALICE_ACME_OM, roleSlug: 'project-viewer', resourceExternalId: 'web', resourceTypeSlug: 'project' });
    await rejectsWith(auth.assignRole({ organizationMembershipId: ALICE_ACME_OM, roleSlug: 'project-viewer', resourceId: eng.id }), UnprocessableEntityException);

    // Bob edits both projects through the workspace; Alice views Web only.
    const check = (om, permissionSlug, extra) => auth.check({ organizationMembershipId: om, permissionSlug, ...extra });
    assert.deepEqual(await check(BOB_ACME_OM, 'project:edit', { resourceId: api.id }), { authorized: true });
    assert.deepEqual(await check(ALICE_ACME_OM, 'project:view', { resourceExternalId: 'web', resourceTypeSlug: 'project' }), { authorized: true });
    assert.deepEqual(await check(ALICE_ACME_OM, 'project:view', { resourceId: api.id }), { authorized: false });
    assert.deepEqual(await check(ALICE_ACME_OM, 'project:edit', { resourceId: web.id }), { authorized: false });

    const bobs = await all(await auth.listRoleAssignments({ organizationMembershipId: BOB_ACME_OM }));
    // His organization role (member) and the workspace role.
    assert.deepEqual(bobs.map((a) => `${a.role.slug}@${a.resource.resourceTypeSlug}`).sort(), ['member@organization', 'workspace-admin@workspace']);
    const onEng = await auth.listRoleAssignmentsForResource({ resourceId: eng.id });
    assert.deepEqual(onEng.data.map((a) => a.id), [admin.id]);
    const onWeb = await auth.listResourceRoleAssignments({ organizationId: ACME, resourceTypeSlug: 'project', externalId: 'web' });
    assert.deepEqual(onWeb.data.map((a) => a.organizationMembershipId), [ALICE_ACME_OM]);

    const editable = await auth.listResourcesForMembership({ organizationMembershipId: ALICE_ACME_OM, permissionSlug: 'project:view', parentResourceId: eng.id });
    assert.deepEqual(editable.data.map((r) => r.id), [web.id]);
    const byExt = await auth.listResourcesForMembership({
      organizationMembershipId: BOB_ACME_OM, permissionSlug: 'project:edit', parentResourceExternalId: 'engineering', parentResourceTypeSlug: 'workspace',
    });
    assert.deepEqual(byExt.data.map((r) => r.id).sort(), [web.id, api.id].sort());
    const who = await auth.listMembershipsForResource({ resourceId: web.id, permissionSlug: 'project:view' });
    assert.deepEqual(who.data.map((m) => m.id).sort(), [ALICE_ACME_OM, BOB_ACME_OM].sort());
    const direct = await auth.listMembershipsForResourceByExternalId({
      organizationId: ACME, resourceTypeSlug: 'project', externalId: 'web', permissionSlug: 'project:view', assignment: 'direct',
    });
    assert.deepEqual(direct.data.map((m) => m.id), [ALICE_ACME_OM]);

    const perms = await auth.listEffectivePermissionsByExternalId({ organizationMembershipId: BOB_ACME_OM, resourceTypeSlug: 'project', externalId: 'web' });
    assert.deepEqual(perms.data.map((p) => p.slug).sort(), ['project:edit', 'project:view']);
    assert.equal(perms.data[0].resourceTypeSlug, 'project');
    const onWorkspace = await auth.listEffectivePermissions({ organizationMembershipId: BOB_ACME_OM, resourceId: eng.id });
    assert.deepEqual(onWorkspace.data.map((p) => p.slug), ['workspace:view']);

    await auth.removeRole({ organizationMembershipId: ALICE_ACME_OM, roleSlug: 'project-viewer', resourceId: web.id });
    assert.deepEqual(await check(ALICE_ACME_OM, 'project:view', { resourceId: web.id }), { authorized: false });
    await auth.removeRoleAssignment({ organizationMembershipId: BOB_ACME_OM, roleAssignmentId: admin.id });
    assert.deepEqual(await check(BOB_ACME_OM, 'project:edit', { resourceId: api.id }), { authorized: false });
    await rejectsWith(auth.removeRoleAssignment({ organizationMembershipId: BOB_ACME_OM, roleAssignmentId: admin.id }), NotFoundException);
  });

  test('an organization role assigned through the API is in the next token', async () => {
    const client = workos();
    const orgResource = await client.authorization.getResourceByExternalId({ organizationId: ACME, resourceTypeSlug: 'organization', externalId: ACME });
    await client.authorization.assignRole({ organizationMembershipId: BOB_ACME_OM, roleSlug: 'admin', resourceId: orgResource.id });
    const membership = await client.userManagement.getOrganizationMembership(BOB_ACME_OM);
    assert.deepEqual(membership.roles, [{ slug: 'member' }, { slug: 'admin' }]);
    const { access_token: token } = await mintToken({ user_id: BOB.id, organization_id: ACME });
    assert.deepEqual(claims(token).roles, ['member', 'admin']);
  });
});

describe('groups', () => {
  test('groups, members and group role assignments', async () => {
    const client = workos();
    const { eng, web } = await seedResources(client.authorization);
    const group = await client.groups.createGroup({ organizationId: ACME, name: 'Engineers', description: 'Who ships' });
    assert.match(group.id, /^group_/);
    assert.equal(group.organizationId, ACME);
    assert.deepEqual(await client.groups.getGroup({ organizationId: ACME, groupId: group.id }), group);
    const renamed = await client.groups.updateGroup({ organizationId: ACME, groupId: group.id, name: 'Engineering', description: 'Who ships' });
    assert.equal(renamed.name, 'Engineering');
    assert.deepEqual((await client.groups.listGroups({ organizationId: ACME })).data.map((g) => g.id), [group.id]);

    await client.groups.addOrganizationMembership({ organizationId: ACME, groupId: group.id, organizationMembershipId: ALICE_ACME_OM });
    const members = await client.groups.listOrganizationMemberships({ organizationId: ACME, groupId: group.id });
    assert.deepEqual(members.data.map((m) => m.id), [ALICE_ACME_OM]);
    const hers = await client.userManagement.listGroupsForOrganizationMembership({ organizationMembershipId: ALICE_ACME_OM });
    assert.deepEqual(hers.data.map((g) => g.id), [group.id]);

    const gra = await client.authorization.createGroupRoleAssignment({ groupId: group.id, roleSlug: 'workspace-admin', resourceId: eng.id });
    assert.equal(gra.object, 'group_role_assignment');
    assert.equal(gra.groupId, group.id);
    await rejectsWith(client.authorization.createGroupRoleAssignment({ groupId: group.id, roleSlug: 'workspace-admin', resourceId: eng.id }), ConflictException);
    assert.deepEqual(await client.authorization.getGroupRoleAssignment({ groupId: group.id, roleAssignmentId: gra.id }), gra);
    assert.deepEqual(await client.authorization.check({ organizationMembershipId: ALICE_ACME_OM, permissionSlug: 'project:edit', resourceId: web.id }), { authorized: true });
    const viaGroup = await client.authorization.listRoleAssignments({ organizationMembershipId: ALICE_ACME_OM, resourceId: eng.id });
    assert.deepEqual(viaGroup.data.map((a) => a.source), [{ type: 'group', groupRoleAssignmentId: gra.id }]);

    const replaced = await client.authorization.replaceGroupRoleAssignments({
      groupId: group.id,
      roleAssignments: [{ roleSlug: 'workspace-admin', resourceId: eng.id }, { roleSlug: 'project-viewer', resourceExternalId: 'web', resourceTypeSlug: 'project' }],
    });
    assert.equal(replaced.data.length, 2);
    assert.equal(replaced.data[0].id, gra.id);
    const listed = await client.authorization.listGroupRoleAssignments({ groupId: group.id });
    assert.equal(listed.data.length, 2);
    await client.authorization.removeGroupRoleAssignments({ groupId: group.id, roleSlug: 'project-viewer', resourceTypeSlug: 'project', resourceExternalId: 'web' });
    await client.authorization.removeGroupRoleAssignment({ groupId: group.id, roleAssignmentId: gra.id });
    assert.deepEqual(await client.authorization.check({ organizationMembershipId: ALICE_ACME_OM, permissionSlug: 'project:edit', resourceId: web.id }), { authorized: false });

    await client.groups.removeOrganizationMembership({ organizationId: ACME, groupId: group.id, organizationMembershipId: ALICE_ACME_OM });
    await rejectsWith(client.groups.removeOrganizationMembership({ organizationId: ACME, groupId: group.id, organizationMembershipId: ALICE_ACME_OM }), NotFoundException);
    await client.groups.deleteGroup({ organizationId: ACME, groupId: group.id });
    await rejectsWith(client.groups.getGroup({ organizationId: ACME, groupId: group.id }), NotFoundException);
  });

  test('roles and permissions of a resource type', async () => {
    const auth = workos().authorization;
    const perm = await auth.createPermission({ slug: 'project:delete', name: 'Delete a project', resourceTypeSlug: 'project' });
    assert.equal(perm.resourceTypeSlug, 'project');
    const role = await auth.createOrganizationRole(ACME, { slug: 'project-owner', name: 'Project owner', resourceTypeSlug: 'project' });
    assert.equal(role.resourceTypeSlug, 'project');
    const withPerm = await auth.addOrganizationRolePermission(ACME, 'project-owner', { permissionSlug: 'project:delete' });
    assert.deepEqual(withPerm.permissions, ['project:delete']);
    // A project role cannot hold a workspace permission.
    await rejectsWith(auth.addOrganizationRolePermission(ACME, 'project-owner', { permissionSlug: 'workspace:view' }), UnprocessableEntityException);
  });
});
