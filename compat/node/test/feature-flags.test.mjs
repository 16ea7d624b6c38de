// @workos-inc/node against Feature Flags and Widgets: flags seeded at run
// time through the control plane, read, enabled, disabled and targeted
// through the SDK, the organization and user lists, the feature_flags claim
// of the next refreshed session (the SDK's own refresh), and widget tokens
// verified with the environment's JWKS.
import { beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { NotFoundException } from '@workos-inc/node';
import {
  ACME, ALICE, BOB, CLIENT_ID, EMULATOR_URL, GLOBEX, UM_ISSUER, claims, rejectsWith, reset, workos,
} from './helpers.mjs';

beforeEach(reset);

// Adds fixtures to the running world (the control plane), as a test
// container's setup would.
async function addFixtures(doc) {
  const res = await fetch(`${EMULATOR_URL}/_emulator/fixtures`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(doc),
  });
  assert.ok(res.ok, `add fixtures: ${res.status} ${await res.text()}`);
}

const FLAGS = {
  feature_flags: [
    { slug: 'new-dashboard', name: 'New dashboard', enabled: true, organizations: [ACME] },
    { slug: 'beta-search', name: 'Beta search', enabled: false, users: [BOB.id] },
  ],
};

describe('feature flags', () => {
  test('read, enable, disable and target through the SDK', async () => {
    await addFixtures(FLAGS);
    const client = workos();
    const list = await client.featureFlags.listFeatureFlags();
    assert.deepEqual(list.data.map((f) => f.slug), ['beta-search', 'new-dashboard']);
    const flag = await client.featureFlags.getFeatureFlag('new-dashboard');
    assert.equal(flag.name, 'New dashboard');
    assert.equal(flag.enabled, true);
    assert.equal(flag.defaultValue, false);
    await rejectsWith(client.featureFlags.getFeatureFlag('nope'), NotFoundException);

    assert.equal((await client.featureFlags.enableFeatureFlag('beta-search')).enabled, true);
    await client.featureFlags.addFlagTarget({ slug: 'beta-search', targetId: GLOBEX });
    const bob = await client.featureFlags.listUserFeatureFlags({ userId: BOB.id });
    assert.deepEqual(bob.data.map((f) => f.slug), ['beta-search', 'new-dashboard']);
    const globex = await client.featureFlags.listOrganizationFeatureFlags({ organizationId: GLOBEX });
    assert.deepEqual(globex.data.map((f) => f.slug), ['beta-search']);

    await client.featureFlags.removeFlagTarget({ slug: 'beta-search', targetId: GLOBEX });
    await client.featureFlags.removeFlagTarget({ slug: 'beta-search', targetId: BOB.id });
    assert.equal((await client.featureFlags.disableFeatureFlag('new-dashboard')).enabled, false);
    assert.deepEqual((await client.featureFlags.listUserFeatureFlags({ userId: BOB.id })).data, []);
  });

  test('the next refreshed access token carries the flags on for the user and organization', async () => {
    await addFixtures(FLAGS);
    const client = workos();
    const signIn = await client.userManagement.authenticateWithPassword({
      clientId: CLIENT_ID, email: ALICE.email, password: ALICE.password,
    });
    assert.deepEqual(claims(signIn.accessToken).feature_flags, ['new-dashboard']);

    await client.featureFlags.enableFeatureFlag('beta-search');
    await client.featureFlags.addFlagTarget({ slug: 'beta-search', targetId: ALICE.id });
    const refreshed = await client.userManagement.authenticateWithRefreshToken({
      clientId: CLIENT_ID, refreshToken: signIn.refreshToken, organizationId: ACME,
    });
    assert.deepEqual(claims(refreshed.accessToken).feature_flags, ['new-dashboard', 'beta-search']);

    await client.featureFlags.disableFeatureFlag('new-dashboard');
    await client.featureFlags.disableFeatureFlag('beta-search');
    const again = await client.userManagement.authenticateWithRefreshToken({
      clientId: CLIENT_ID, refreshToken: refreshed.refreshToken, organizationId: ACME,
    });
    assert.equal(claims(again.accessToken).feature_flags, undefined);
  });
});

describe('widgets', () => {
  test('a widget token verifies with the JWKS and carries the scopes the user holds', async () => {
    await addFixtures({
      roles: [{ slug: 'widget-admin', name: 'Widget admin', permissions: ['widgets:users-table:manage'] }],
      users: [{ email: 'wanda@acme.test', first_name: 'Wanda' }],
    });
    const client = workos();
    const wanda = (await client.userManagement.listUsers({ email: 'wanda@acme.test' })).data[0];
    await client.userManagement.createOrganizationMembership({ organizationId: ACME, userId: wanda.id, roleSlug: 'widget-admin' });

    const { token } = await client.widgets.createToken({
      organizationId: ACME, userId: wanda.id, scopes: ['widgets:users-table:manage', 'widgets:sso:manage'],
    });
    const jwks = createRemoteJWKSet(new URL(`${EMULATOR_URL}/oauth2/jwks`));
    const { payload } = await jwtVerify(token, jwks, { issuer: UM_ISSUER });
    assert.equal(payload.sub, wanda.id);
    assert.equal(payload.org_id, ACME);
    assert.deepEqual(payload.permissions, ['widgets:users-table:manage']);
    assert.equal(payload.exp - payload.iat, 3600);

    await assert.rejects(client.widgets.createToken({ organizationId: GLOBEX, userId: wanda.id }), (e) => e.status === 400);
  });
});
