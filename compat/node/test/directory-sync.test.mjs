// @workos-inc/node's directorySync against the emulator: directories, users
// and groups seeded by fixtures and provisioned through the control plane
// (as the identity provider would), listed, paginated, fetched and deleted,
// with the SDK's typed errors; provisioned users appear in AuthKit.
import { beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { NotFoundException, UnprocessableEntityException } from '@workos-inc/node';
import { ACME, EMULATOR_URL, GLOBEX, rejectsWith, reset, workos } from './helpers.mjs';

beforeEach(reset);

const DIR = 'directory_01JGK5000000000000000000D1';
const ENG = 'directory_group_01JGK5000000000000000000G1';
const DANA = 'directory_user_01JGK5000000000000000000A1';

const WORLD = `
directories:
  - id: ${DIR}
    name: Acme Okta
    organization_id: ${ACME}
    type: okta scim v2.0
    groups:
      - {id: ${ENG}, idp_id: g-eng, name: Engineering, role: admin}
      - {idp_id: g-all, name: Everyone}
    users:
      - {id: ${DANA}, idp_id: u-dana, email: dana@acme.test, first_name: Dana, last_name: Scully,
         groups: [g-eng, g-all], custom_attributes: {department: X-Files}}
  - {name: Globex Azure, organization_id: ${GLOBEX}, type: azure scim v2.0}
`;

async function control(method, path, body) {
  const res = await fetch(`${EMULATOR_URL}${path}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  assert.ok(res.ok, `${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

const seed = () => control('POST', '/_emulator/fixtures', WORLD);

describe('directorySync', () => {
  test('lists, filters and fetches directories', async () => {
    await seed();
    const client = workos();
    const all = await client.directorySync.listDirectories();
    assert.deepEqual(all.data.map((d) => d.name), ['Globex Azure', 'Acme Okta']);
    const acme = await client.directorySync.listDirectories({ organizationId: ACME });
    assert.equal(acme.data.length, 1);
    assert.equal((await client.directorySync.listDirectories({ search: 'azure' })).data[0].organizationId, GLOBEX);
    const dir = await client.directorySync.getDirectory(DIR);
    assert.equal(dir.id, DIR);
    assert.equal(dir.state, 'active'); // the SDK maps the API's "linked"
    assert.equal(dir.type, 'okta scim v2.0');
    assert.equal(dir.domain, 'acme.test');
    assert.match(dir.externalKey, /^[0-9a-f]{16}$/);
    await rejectsWith(client.directorySync.getDirectory('directory_01JGK50000000000000000ZZZZ'), NotFoundException);
  });

  test('lists users and groups, by directory, group and user, page by page', async () => {
    await seed();
    const client = workos();
    for (let i = 0; i < 4; i++) {
      await control('POST', `/_emulator/directories/${DIR}/users`, { email: `u${i}@acme.test`, groups: ['g-all'] });
    }
    const first = await client.directorySync.listUsers({ directory: DIR, limit: 2 });
    assert.equal(first.data.length, 2);
    assert.ok(first.listMetadata.after);
    const everyone = await first.autoPagination();
    assert.equal(everyone.length, 2, 'autoPagination with a limit returns the first page');
    const pages = [first.data];
    let after = first.listMetadata.after;
    while (after) {
      const page = await client.directorySync.listUsers({ directory: DIR, limit: 2, after });
      pages.push(page.data);
      after = page.listMetadata.after;
    }
    assert.equal(pages.flat().length, 5);
    assert.equal(pages.flat().at(-1).id, DANA, 'newest first');

    const dana = await client.directorySync.getUser(DANA);
    assert.equal(dana.email, 'dana@acme.test');
    assert.equal(dana.firstName, 'Dana');
    assert.equal(dana.state, 'active');
    assert.deepEqual(dana.customAttributes, { department: 'X-Files' });
    assert.deepEqual(dana.role, { slug: 'admin' });
    assert.deepEqual(dana.groups.map((g) => g.name), ['Engineering', 'Everyone']);
    assert.equal(dana.groups[0].directoryId, DIR);

    const eng = await client.directorySync.listUsers({ group: ENG });
    assert.deepEqual(eng.data.map((u) => u.id), [DANA]);
    const groups = await client.directorySync.listGroups({ directory: DIR, order: 'asc' });
    assert.deepEqual(groups.data.map((g) => g.name), ['Engineering', 'Everyone']);
    const ofDana = await client.directorySync.listGroups({ user: DANA });
    assert.equal(ofDana.data.length, 2);
    const group = await client.directorySync.getGroup(ENG);
    assert.equal(group.idpId, 'g-eng');
    assert.equal(group.organizationId, ACME);
    await rejectsWith(client.directorySync.getGroup('directory_group_01JGK50000000000000000ZZZZ'), NotFoundException);
    await rejectsWith(client.directorySync.getUser('directory_user_01JGK50000000000000000ZZZZ'), NotFoundException);
    await rejectsWith(client.directorySync.listUsers({}), UnprocessableEntityException);
  });

  test('provisioning makes AuthKit users; deactivation and deprovisioning follow', async () => {
    await seed();
    const client = workos();
    const fox = await control('POST', `/_emulator/directories/${DIR}/users`, { email: 'fox@acme.test', first_name: 'Fox', groups: ['g-eng'] });
    const user = await client.userManagement.getUser(fox.authkit_user_id);
    assert.equal(user.email, 'fox@acme.test');
    assert.equal(user.emailVerified, true);
    const memberships = () => client.userManagement.listOrganizationMemberships({ userId: user.id, statuses: ['active', 'inactive'] });
    let [m] = (await memberships()).data;
    assert.equal(m.status, 'active');
    assert.equal(m.organizationId, ACME);
    assert.equal(m.role.slug, 'admin');
    assert.equal(m.directoryManaged, true);

    await control('PUT', `/_emulator/directories/${DIR}/users/${fox.id}`, { state: 'inactive' });
    assert.equal((await client.directorySync.getUser(fox.id)).state, 'inactive');
    [m] = (await memberships()).data;
    assert.equal(m.status, 'inactive');

    await control('DELETE', `/_emulator/directories/${DIR}/users/${fox.id}`);
    await rejectsWith(client.directorySync.getUser(fox.id), NotFoundException);
    const { data } = await client.events.listEvents({ events: ['dsync.user.created', 'dsync.user.updated', 'dsync.user.deleted'] });
    assert.deepEqual(data.map((e) => e.event), ['dsync.user.created', 'dsync.user.created', 'dsync.user.updated', 'dsync.user.deleted']);
    const updated = data[2];
    assert.equal(updated.data.state, 'inactive');
    assert.deepEqual(updated.data.previousAttributes, { state: 'active' });
  });

  test('deleteDirectory removes it with its users and groups', async () => {
    await seed();
    const client = workos();
    await client.directorySync.deleteDirectory(DIR);
    await rejectsWith(client.directorySync.getDirectory(DIR), NotFoundException);
    await rejectsWith(client.directorySync.getUser(DANA), NotFoundException);
    const { data } = await client.events.listEvents({ events: ['dsync.deleted'] });
    assert.equal(data.length, 1);
    assert.equal(data[0].data.id, DIR);
  });
});
