// @workos-inc/node against the API keys product and WorkOS Connect's
// management API: organization and user API keys (create, list, validate,
// delete), Connect applications and client secrets created through the SDK
// working at /oauth2/token at once, and revoking a user's authorized
// application (no SDK method: plain fetch) ending the grant's tokens.
import { beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { NotFoundException, UnprocessableEntityException } from '@workos-inc/node';
import {
  ACME, ALICE, API_KEY, EMULATOR_URL, GLOBEX, claims, headlessLogin, rejectsWith, reset, workos,
} from './helpers.mjs';

beforeEach(reset);

// A token request at /oauth2/token (form-encoded, secret in the body).
async function oauthToken(params) {
  const res = await fetch(`${EMULATOR_URL}/oauth2/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params),
  });
  return { status: res.status, body: await res.json() };
}

// Introspection as the application itself.
async function introspectAs(clientId, clientSecret, token) {
  const res = await fetch(`${EMULATOR_URL}/oauth2/introspection`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: clientId, client_secret: clientSecret, token }),
  });
  assert.equal(res.status, 200);
  return res.json();
}

describe('API keys', () => {
  test('organization keys: create, list by page, validate, delete', async () => {
    const client = workos();
    const created = [];
    for (const name of ['CI', 'Nightly', 'Deploys']) {
      created.push(await client.apiKeys.createOrganizationApiKey({ organizationId: ACME, name, permissions: ['users:read'] }));
    }
    const key = created[0];
    assert.match(key.id, /^api_key_/);
    assert.deepEqual(key.owner, { type: 'organization', id: ACME });
    assert.match(key.value, /^sk_/);
    assert.equal(key.obfuscatedValue, `sk_...${key.value.slice(-4)}`);

    const page = await client.apiKeys.listOrganizationApiKeys({ organizationId: ACME, limit: 2 });
    assert.deepEqual(page.data.map((k) => k.name), ['Deploys', 'Nightly']);
    const next = await client.apiKeys.listOrganizationApiKeys({ organizationId: ACME, limit: 2, after: page.listMetadata.after });
    assert.deepEqual(next.data.map((k) => k.name), ['CI']);
    assert.equal(next.listMetadata.after, null);
    const all = await (await client.apiKeys.listOrganizationApiKeys({ organizationId: ACME })).autoPagination();
    assert.deepEqual(all.map((k) => k.id), created.map((k) => k.id).reverse());
    assert.equal(all[0].value, undefined);

    const { apiKey } = await client.apiKeys.createValidation({ value: key.value });
    assert.equal(apiKey.id, key.id);
    assert.deepEqual(apiKey.permissions, ['users:read']);
    assert.ok(apiKey.lastUsedAt);

    await client.apiKeys.deleteApiKey(key.id);
    assert.equal((await client.apiKeys.createValidation({ value: key.value })).apiKey, null);
    await rejectsWith(client.apiKeys.deleteApiKey(key.id), NotFoundException);
    await rejectsWith(client.apiKeys.listOrganizationApiKeys({ organizationId: 'org_01JGK40000000000000000ZZZZ' }), NotFoundException);
    await rejectsWith(client.apiKeys.createOrganizationApiKey({ organizationId: ACME, name: 'x', permissions: ['no:such'] }), UnprocessableEntityException);
  });

  test('user keys: for an organization the user belongs to, validated to the user', async () => {
    const client = workos();
    const key = await client.userManagement.createUserApiKey(ALICE.id, { name: 'Alice CLI', organizationId: ACME, permissions: ['users:read'] });
    assert.deepEqual(key.owner, { type: 'user', id: ALICE.id, organizationId: ACME });
    const { apiKey } = await client.apiKeys.createValidation({ value: key.value });
    assert.deepEqual(apiKey.owner, { type: 'user', id: ALICE.id, organizationId: ACME });

    const mine = await client.userManagement.listUserApiKeys(ALICE.id, { organizationId: ACME });
    assert.deepEqual(mine.data.map((k) => k.id), [key.id]);
    assert.deepEqual((await client.userManagement.listUserApiKeys(ALICE.id, { organizationId: GLOBEX })).data, []);
    await assert.rejects(client.userManagement.createUserApiKey(ALICE.id, { name: 'x', organizationId: GLOBEX }), (e) => e.status === 400);
  });
});

describe('Connect applications', () => {
  test('an M2M application and its secrets work at /oauth2/token at once', async () => {
    const client = workos();
    const app = await client.connect.createApplication({
      applicationType: 'm2m', name: 'Reports job', organizationId: ACME, scopes: ['reports:read'],
    });
    assert.equal(app.applicationType, 'm2m');
    assert.equal(app.organizationId, ACME);
    assert.deepEqual(await client.connect.getApplication({ id: app.clientId }), app);

    const secret = await client.connect.createApplicationClientSecret({ id: app.id });
    assert.equal(secret.secretHint, secret.secret.slice(-4));
    const grant = { grant_type: 'client_credentials', client_id: app.clientId, client_secret: secret.secret, scope: 'reports:read' };
    const ok = await oauthToken(grant);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(claims(ok.body.access_token).org_id, ACME);

    const secrets = await client.connect.listApplicationClientSecrets({ id: app.id });
    assert.deepEqual(secrets.map((s) => s.id), [secret.id]);
    assert.ok(secrets[0].lastUsedAt instanceof Date);

    await client.connect.deleteClientSecret({ id: secret.id });
    const refused = await oauthToken(grant);
    assert.equal(refused.status, 401);
    assert.equal(refused.body.error, 'invalid_client');

    const renamed = await client.connect.updateApplication({ id: app.id, name: 'Reports job v2' });
    assert.equal(renamed.name, 'Reports job v2');
    const acmeApps = await client.connect.listApplications({ organizationId: ACME });
    assert.ok(acmeApps.data.some((a) => a.id === app.id));
    await client.connect.deleteApplication({ id: app.id });
    await rejectsWith(client.connect.getApplication({ id: app.id }), NotFoundException);
  });

  test('an OAuth application signs a user in; revoking the authorization ends the grant', async () => {
    const client = workos();
    const redirectUri = 'http://localhost:4100/callback';
    const app = await client.connect.createApplication({
      applicationType: 'oauth', name: 'Dashboard', isFirstParty: true, redirectUris: [{ uri: redirectUri, default: true }],
    });
    assert.equal(app.isFirstParty, true);
    assert.deepEqual(app.redirectUris, [{ uri: redirectUri, default: true }]);
    const { secret } = await client.connect.createApplicationClientSecret({ id: app.id });

    const authorize = new URL(`${EMULATOR_URL}/oauth2/authorize`);
    authorize.search = new URLSearchParams({
      client_id: app.clientId, redirect_uri: redirectUri, response_type: 'code', scope: 'openid offline_access',
      state: 's', login_hint: ALICE.email,
    });
    const callback = await headlessLogin(authorize.href, redirectUri);
    const tokens = await oauthToken({
      grant_type: 'authorization_code', code: callback.searchParams.get('code'), redirect_uri: redirectUri,
      client_id: app.clientId, client_secret: secret,
    });
    assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
    assert.equal((await introspectAs(app.clientId, secret, tokens.body.access_token)).active, true);

    const headers = { Authorization: `Bearer ${API_KEY}` };
    const listed = await (await fetch(`${EMULATOR_URL}/user_management/users/${ALICE.id}/authorized_applications`, { headers })).json();
    assert.deepEqual(listed.data.map((a) => a.application.client_id), [app.clientId]);
    const revoked = await fetch(`${EMULATOR_URL}/user_management/users/${ALICE.id}/authorized_applications/${app.id}`, { method: 'DELETE', headers });
    assert.equal(revoked.status, 204);
    assert.equal((await introspectAs(app.clientId, secret, tokens.body.access_token)).active, false);
    const refresh = await oauthToken({
      grant_type: 'refresh_token', refresh_token: tokens.body.refresh_token, client_id: app.clientId, client_secret: secret,
    });
    assert.equal(refresh.body.error, 'invalid_grant');
  });
});
