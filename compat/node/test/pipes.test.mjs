// @workos-inc/node's pipes module against the emulator's Pipes: data
// integrations (create, list, get, update, delete), the authorization URL
// and the emulated provider's consent page, access tokens (refreshed by the
// instance clock), vended credentials, API keys and client credentials,
// users' connected accounts and data providers.
import { beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConflictException, NotFoundException, UnprocessableEntityException } from '@workos-inc/node';
import { ACME, ALICE, BOB, EMULATOR_URL, rejectsWith, reset, workos } from './helpers.mjs';

beforeEach(reset);

// The providers these scenarios use, added to the default world (a reset
// drops them again).
const PROVIDERS = `
data_integrations:
  - {slug: github, description: Repositories}
  - {slug: stripe, auth_methods: [api_key]}
  - {slug: salesforce, auth_methods: [client_credentials]}
`;

async function emulator(method, path, body, contentType = 'application/json') {
  const res = await fetch(`${EMULATOR_URL}${path}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': contentType },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  assert.ok(res.ok, `${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

const addProviders = () => emulator('POST', '/_emulator/fixtures', PROVIDERS, 'application/yaml');
const advanceClock = (by) => emulator('POST', '/_emulator/clock', { advance: by });

// What a browser does with the authorization URL: load the emulated
// provider's consent page and press a button. Returns the redirect.
async function consent(url, decision) {
  const page = await fetch(url);
  assert.equal(page.status, 200);
  const html = await page.text();
  const state = /name="state" value="([^"]+)"/.exec(html)?.[1];
  assert.ok(state, `no state on the consent page: ${html.slice(0, 300)}`);
  const res = await fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ state, decision }),
  });
  assert.equal(res.status, 303, await res.text());
  return new URL(res.headers.get('location'));
}

describe('pipes data integrations', () => {
  test('create, list, get, update and delete', async () => {
    const client = workos();
    const created = await client.pipes.createDataIntegration({
      provider: 'notion', description: 'Docs', enabled: true,
      credentials: { type: 'custom', clientId: 'notion_client', clientSecret: 'notion_secret_wxyz' },
    });
    assert.equal(created.slug, 'notion');
    assert.equal(created.credentials.redactedClientSecret, 'wxyz');
    assert.ok(created.createdAt instanceof Date);
    await rejectsWith(client.pipes.createDataIntegration({ provider: 'notion', credentials: { type: 'organization' } }), ConflictException);
    await rejectsWith(client.pipes.createDataIntegration({ provider: 'box' }), UnprocessableEntityException);

    const custom = await client.pipes.createDataIntegration({
      provider: 'acme-crm', enabled: true,
      credentials: { type: 'custom', clientId: 'c', clientSecret: 's' },
      customProvider: { name: 'Acme CRM', authorizationUrl: 'https://crm.test/authorize', tokenUrl: 'https://crm.test/token' },
    });
    assert.equal(custom.customProvider.name, 'Acme CRM');
    assert.equal(custom.customProvider.pkceEnabled, true);

    const list = await client.pipes.listDataIntegrations({ limit: 1 });
    assert.equal(list.data.length, 1);
    assert.ok(list.listMetadata.after);
    const all = await (await client.pipes.listDataIntegrations()).autoPagination();
    assert.deepEqual(all.map((d) => d.slug).sort(), ['acme-crm', 'notion']);

    assert.equal((await client.pipes.getDataIntegration({ slug: 'notion' })).description, 'Docs');
    const updated = await client.pipes.updateDataIntegration({ slug: 'notion', enabled: false, scopes: ['read'] });
    assert.equal(updated.enabled, false);
    assert.deepEqual(updated.scopes, ['read']);
    await client.pipes.deleteDataIntegration({ slug: 'notion' });
    await rejectsWith(client.pipes.getDataIntegration({ slug: 'notion' }), NotFoundException);
  });
});

describe('pipes connected accounts', () => {
  test('authorize through the consent page, get and refresh tokens, disconnect', async () => {
    await addProviders();
    const client = workos();
    const before = await client.pipes.getAccessToken({ provider: 'github', userId: ALICE.id });
    assert.deepEqual(before, { active: false, error: 'not_installed' });

    const { url } = await client.pipes.authorizeDataIntegration({ slug: 'github', userId: ALICE.id, returnTo: 'http://localhost:3000/integrations' });
    assert.ok(url.startsWith(`${EMULATOR_URL}/`), url);
    const back = await consent(url, 'allow');
    assert.equal(back.href, 'http://localhost:3000/integrations');

    const account = await client.pipes.getUserConnectedAccount({ userId: ALICE.id, slug: 'github' });
    assert.equal(account.state, 'connected');
    assert.equal(account.authMethod, 'oauth');
    assert.deepEqual(account.scopes, ['repo', 'user:email']);

    const first = await client.pipes.getAccessToken({ provider: 'github', userId: ALICE.id });
    assert.equal(first.active, true);
    assert.ok(first.accessToken.expiresAt instanceof Date);
    assert.deepEqual(first.accessToken.missingScopes, []);
    await advanceClock('2h');
    const refreshed = await client.pipes.getAccessToken({ provider: 'github', userId: ALICE.id });
    assert.notEqual(refreshed.accessToken.accessToken, first.accessToken.accessToken);
    assert.ok(refreshed.accessToken.expiresAt > first.accessToken.expiresAt);

    const cred = await client.pipes.createDataIntegrationCredential({ slug: 'github', userId: ALICE.id });
    assert.equal(cred.active, true);
    assert.equal(cred.credential.authMethod, 'oauth');
    assert.equal(cred.credential.value, refreshed.accessToken.accessToken);

    const providers = await client.pipes.listUserDataProviders({ userId: ALICE.id });
    const github = providers.data.find((p) => p.slug === 'github');
    assert.equal(github.connectedAccount.id, account.id);
    assert.equal(providers.data.find((p) => p.slug === 'stripe').connectedAccount, null);

    await client.pipes.deleteUserConnectedAccount({ userId: ALICE.id, slug: 'github' });
    await rejectsWith(client.pipes.getUserConnectedAccount({ userId: ALICE.id, slug: 'github' }), NotFoundException);
    assert.deepEqual(await client.pipes.getAccessToken({ provider: 'github', userId: ALICE.id }), { active: false, error: 'not_installed' });

    const denied = await consent((await client.pipes.authorizeDataIntegration({ slug: 'github', userId: BOB.id, returnTo: 'http://localhost:3000/x' })).url, 'deny');
    assert.equal(denied.searchParams.get('error'), 'access_denied');
  });

  test('import and update a connected account', async () => {
    await addProviders();
    const client = workos();
    const imported = await client.pipes.createUserConnectedAccount({
      userId: BOB.id, slug: 'github', organizationId: ACME,
      accessToken: 'gho_imported', refreshToken: 'ghr_imported', expiresAt: new Date('2030-01-01T00:00:00Z'), scopes: ['repo'],
    });
    assert.equal(imported.organizationId, ACME);
    assert.equal(imported.state, 'connected');
    await rejectsWith(client.pipes.createUserConnectedAccount({ userId: BOB.id, slug: 'github', organizationId: ACME, accessToken: 'again' }), ConflictException);
    const token = await client.pipes.getAccessToken({ provider: 'github', userId: BOB.id, organizationId: ACME });
    assert.equal(token.accessToken.accessToken, 'gho_imported');
    assert.deepEqual(token.accessToken.missingScopes, ['user:email']);
    const updated = await client.pipes.updateUserConnectedAccount({ userId: BOB.id, slug: 'github', organizationId: ACME, state: 'needs_reauthorization' });
    assert.equal(updated.state, 'needs_reauthorization');
    assert.deepEqual(await client.pipes.getAccessToken({ provider: 'github', userId: BOB.id, organizationId: ACME }), { active: false, error: 'needs_reauthorization' });
  });

  test('API keys and client credentials', async () => {
    await addProviders();
    const client = workos();
    const key = await client.pipes.updateDataIntegrationApiKey({ slug: 'stripe', userId: ALICE.id, secret: 'sk_alice_9876' });
    assert.equal(key.apiKeyLast4, '9876');
    const vended = await client.pipes.createDataIntegrationCredential({ slug: 'stripe', userId: ALICE.id });
    assert.deepEqual({ method: vended.credential.authMethod, value: vended.credential.value }, { method: 'api_key', value: 'sk_alice_9876' });
    const mismatch = await rejectsWith(client.pipes.getAccessToken({ provider: 'stripe', userId: ALICE.id }), UnprocessableEntityException);
    assert.equal(mismatch.code, 'auth_method_mismatch');

    const cc = await client.pipes.updateDataIntegrationClientCredentials({ slug: 'salesforce', userId: ALICE.id, clientId: '3MVG9', clientSecret: 'cs_abcd', config: { instance_url: 'https://acme.my.salesforce.com' } });
    assert.equal(cc.clientId, '3MVG9');
    assert.equal(cc.clientSecretLast4, 'abcd');
    const token = await client.pipes.createDataIntegrationCredential({ slug: 'salesforce', userId: ALICE.id });
    assert.equal(token.credential.authMethod, 'client_credentials');
    assert.ok(token.credential.value && token.credential.expiresAt);
  });
});
