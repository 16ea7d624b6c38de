// @workos-inc/node against the emulator's management API (users,
// organizations, memberships): create -> paginate -> update -> sign in as the
// new user -> delete, and the SDK's typed errors for 404, 422 and 401;
// deleting an organization, and invitations.
import { beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  NotFoundException, OauthException, UnauthorizedException, UnprocessableEntityException,
} from '@workos-inc/node';
import {
  ADMIN_PERMISSIONS, ALICE, BOB, CAROL, MEMBER_PERMISSIONS, claims, introspect, outbox, rejectsWith, reset, workos,
} from './helpers.mjs';

beforeEach(reset);

const PETER = { email: 'peter@initech.test', password: 'tps-reports-2000', firstName: 'Peter', lastName: 'Gibbons' };

// Creates Initech, Peter (with a password) and his admin membership.
async function seedInitech(client) {
  const org = await client.organizations.createOrganization({
    name: 'Initech',
    domainData: [{ domain: 'initech.test', state: 'verified' }],
  });
  const user = await client.userManagement.createUser({ ...PETER, emailVerified: true });
  const membership = await client.userManagement.createOrganizationMembership({
    organizationId: org.id, userId: user.id, roleSlug: 'admin',
  });
  return { org, user, membership };
}

// Walks every page of listUsers({ limit }) forward with `after`.
async function pagesForward(client, limit) {
  const pages = [];
  let page = await client.userManagement.listUsers({ limit });
  pages.push(page);
  while (page.listMetadata.after) {
    assert.ok(pages.length < 20, 'pagination does not end');
    page = await client.userManagement.listUsers({ limit, after: page.listMetadata.after });
    pages.push(page);
  }
  return pages;
}

const ids = (page) => page.data.map((u) => u.id);

describe('management API', () => {
  test('create organization, user and membership', async () => {
    const client = workos();
    const { org, user, membership } = await seedInitech(client);

    assert.match(org.id, /^org_/);
    assert.equal(org.object, 'organization');
    assert.equal(org.name, 'Initech');
    assert.deepEqual(org.domains.map((d) => d.domain), ['initech.test']);
    assert.deepEqual(await client.organizations.getOrganization(org.id), org);

    assert.match(user.id, /^user_/);
    assert.equal(user.object, 'user');
    assert.equal(user.email, PETER.email);
    assert.equal(user.firstName, 'Peter');
    assert.equal(user.emailVerified, true);
    assert.deepEqual(await client.userManagement.getUser(user.id), user);

    assert.match(membership.id, /^om_/);
    assert.equal(membership.userId, user.id);
    assert.equal(membership.organizationId, org.id);
    assert.equal(membership.status, 'active');
    assert.equal(membership.role.slug, 'admin');

    const listed = await client.userManagement.listOrganizationMemberships({ userId: user.id });
    assert.deepEqual(listed.data.map((m) => m.id), [membership.id]);
  });

  test('listUsers paginates with limit 2: forward with after, back with before', async () => {
    const client = workos();
    await seedInitech(client);
    for (const name of ['michael', 'samir']) {
      await client.userManagement.createUser({ email: `${name}@initech.test`, password: 'tps-reports-2000' });
    }
    const total = 6; // Alice, Bob, Carol, Peter, Michael, Samir

    const forward = await pagesForward(client, 2);
    assert.equal(forward.length, 3);
    for (const page of forward) assert.equal(page.data.length, 2);
    assert.equal(forward[0].listMetadata.before, null, 'the first page has no before cursor');
    assert.equal(forward.at(-1).listMetadata.after, null, 'the last page has no after cursor');
    const seen = forward.flatMap(ids);
    assert.equal(new Set(seen).size, total, `every user exactly once: ${seen}`);
    for (const u of [ALICE, BOB, CAROL]) assert.ok(seen.includes(u.id), u.email);

    // Default order is desc by creation time.
    const created = forward.flatMap((p) => p.data.map((u) => u.createdAt));
    for (let i = 1; i < created.length; i++) assert.ok(created[i - 1] >= created[i], `desc order: ${created}`);

    // Back from the last page with `before`: the same pages in reverse.
    const backward = [];
    let page = forward.at(-1);
    while (page.listMetadata.before) {
      assert.ok(backward.length < 20, 'backward pagination does not end');
      page = await client.userManagement.listUsers({ limit: 2, before: page.listMetadata.before });
      backward.push(page);
    }
    assert.deepEqual(backward.map(ids), forward.slice(0, -1).reverse().map(ids));

    // autoPagination walks every page (pages of 100, so one request here).
    const all = await (await client.userManagement.listUsers()).autoPagination();
    assert.deepEqual(all.map((u) => u.id), seen);
    // With an explicit limit, autoPagination returns that first page only (SDK behaviour).
    const limited = await (await client.userManagement.listUsers({ limit: 2 })).autoPagination();
    assert.deepEqual(limited.map((u) => u.id), ids(forward[0]));

    // Filters.
    const byEmail = await client.userManagement.listUsers({ email: PETER.email });
    assert.deepEqual(byEmail.data.map((u) => u.email), [PETER.email]);
  });

  test('updateUser -> sign in with the password -> token carries org_id and role -> role change -> deleteUser', async () => {
    const client = workos();
    const { org, user, membership } = await seedInitech(client);

    const updated = await client.userManagement.updateUser({ userId: user.id, firstName: 'Pete', metadata: { team: 'tps' } });
    assert.equal(updated.firstName, 'Pete');
    assert.equal(updated.lastName, 'Gibbons', 'omitted fields are unchanged');
    assert.deepEqual(updated.metadata, { team: 'tps' });

    const auth = await client.userManagement.authenticateWithPassword({ email: PETER.email, password: PETER.password });
    assert.equal(auth.user.id, user.id);
    assert.equal(auth.user.firstName, 'Pete');
    assert.equal(auth.organizationId, org.id);
    const token = claims(auth.accessToken);
    assert.equal(token.sub, user.id);
    assert.equal(token.org_id, org.id);
    assert.equal(token.role, 'admin');
    assert.deepEqual([...token.permissions].sort(), [...ADMIN_PERMISSIONS].sort());
    assert.equal((await introspect(auth.accessToken)).active, true);

    // A role change shows in the next refreshed token.
    const changed = await client.userManagement.updateOrganizationMembership(membership.id, { roleSlug: 'member' });
    assert.equal(changed.role.slug, 'member');
    const refreshed = await client.userManagement.authenticateWithRefreshToken({ refreshToken: auth.refreshToken });
    assert.equal(claims(refreshed.accessToken).role, 'member');
    assert.deepEqual(claims(refreshed.accessToken).permissions, MEMBER_PERMISSIONS);

    await client.userManagement.deleteUser(user.id);
    assert.deepEqual(await introspect(refreshed.accessToken), { active: false });
    assert.deepEqual(await introspect(refreshed.refreshToken), { active: false });
    const dead = await rejectsWith(
      client.userManagement.authenticateWithRefreshToken({ refreshToken: refreshed.refreshToken }), OauthException);
    assert.equal(dead.error, 'invalid_grant');
    await rejectsWith(client.userManagement.getUser(user.id), NotFoundException);
  });

  test('typed errors: NotFoundException (404)', async () => {
    const err = await rejectsWith(workos().userManagement.getUser('user_01JZZZZZZZZZZZZZZZZZZZZZZZ'), NotFoundException);
    assert.equal(err.status, 404);
    assert.ok(err.requestID);
  });

  test('typed errors: UnprocessableEntityException (422)', async () => {
    const err = await rejectsWith(workos().userManagement.createUser({ email: 'not-an-email' }), UnprocessableEntityException);
    assert.equal(err.status, 422);
    assert.equal(err.code, 'invalid_request_parameters');
    assert.ok(err.requestID);
  });

  test('typed errors: UnauthorizedException (401) for a wrong API key', async () => {
    const err = await rejectsWith(workos({ apiKey: 'sk_test_wrong_key' }).userManagement.listUsers(), UnauthorizedException);
    assert.equal(err.status, 401);
    assert.ok(err.requestID);
  });
});

describe('organizations and invitations', () => {
  test('deleteOrganization ends the sessions scoped to it', async () => {
    const client = workos();
    const { org, user } = await seedInitech(client);
    const auth = await client.userManagement.authenticateWithPassword({ email: PETER.email, password: PETER.password });
    assert.equal(claims(auth.accessToken).org_id, org.id);

    await client.organizations.deleteOrganization(org.id);
    await rejectsWith(client.organizations.getOrganization(org.id), NotFoundException);
    assert.deepEqual(await introspect(auth.accessToken), { active: false });
    const memberships = await client.userManagement.listOrganizationMemberships({ userId: user.id });
    assert.deepEqual(memberships.data, []);
  });

  test('sendInvitation -> outbox -> findInvitationByToken -> acceptInvitation adds the membership', async () => {
    const client = workos();
    const { org } = await seedInitech(client);
    const invitation = await client.userManagement.sendInvitation({ email: BOB.email, organizationId: org.id, roleSlug: 'member' });
    assert.equal(invitation.object, 'invitation');
    assert.match(invitation.id, /^invitation_/);
    assert.equal(invitation.state, 'pending');
    assert.equal(invitation.email, BOB.email);
    assert.equal(invitation.organizationId, org.id);
    assert.ok(invitation.token);

    const sent = await outbox(BOB.email);
    assert.ok(sent.some((c) => c.id === invitation.id), `the invitation e-mail is in the outbox: ${JSON.stringify(sent)}`);
    assert.equal((await client.userManagement.findInvitationByToken(invitation.token)).id, invitation.id);
    const listed = await client.userManagement.listInvitations({ organizationId: org.id });
    assert.deepEqual(listed.data.map((i) => i.id), [invitation.id]);

    const accepted = await client.userManagement.acceptInvitation(invitation.id);
    assert.equal(accepted.state, 'accepted');
    const memberships = await client.userManagement.listOrganizationMemberships({ userId: BOB.id, organizationId: org.id });
    assert.equal(memberships.data.length, 1);
    assert.equal(memberships.data[0].status, 'active');
    assert.equal(memberships.data[0].role.slug, 'member');
  });

  test('revokeInvitation', async () => {
    const client = workos();
    const { org } = await seedInitech(client);
    const invitation = await client.userManagement.sendInvitation({ email: 'milton@initech.test', organizationId: org.id });
    const revoked = await client.userManagement.revokeInvitation(invitation.id);
    assert.equal(revoked.state, 'revoked');
    assert.ok(revoked.revokedAt);
    assert.equal((await client.userManagement.getInvitation(invitation.id)).state, 'revoked');
  });
});
