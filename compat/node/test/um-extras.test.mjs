// @workos-inc/node 11 against the User Management extras and the agents API:
// e-mail change, redirect URIs and CORS origins (which the SDK has no methods
// for: its own HTTP client calls them, as an application would), Standalone
// Connect's connect.completeOAuth2, and agents.getRegistration,
// validateCredential and linkClaimAttemptToExternalUser on registrations the
// control plane seeds.
import { beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConflictException, GenericServerException, NotFoundException } from '@workos-inc/node';
import { ACME, ALICE, BOB, CLIENT_ID, EMULATOR_URL, REDIRECT_URI, outboxCode, rejectsWith, reset, workos } from './helpers.mjs';

beforeEach(reset);

// A control-plane call (JSON, or YAML fixtures as text).
async function ctl(method, path, body, contentType = 'application/json') {
  const res = await fetch(`${EMULATOR_URL}${path}`, {
    method, headers: body === undefined ? {} : { 'Content-Type': contentType },
    body: body === undefined ? undefined : (typeof body === 'string' ? body : JSON.stringify(body)),
  });
  const text = await res.text();
  assert.ok(res.ok, `${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

// The status /user_management/authorize answers for a redirect URI.
async function authorizeStatus(redirectUri) {
  const q = new URLSearchParams({ client_id: CLIENT_ID, redirect_uri: redirectUri, response_type: 'code', provider: 'authkit' });
  return (await fetch(`${EMULATOR_URL}/user_management/authorize?${q}`, { redirect: 'manual' })).status;
}

describe('e-mail change', () => {
  test('send -> outbox code -> confirm: the user moves to the new address and signs in with it', async () => {
    const client = workos();
    const { data: sent } = await client.post(`/user_management/users/${ALICE.id}/email_change/send`, { new_email: 'alice@wonderland.test' });
    assert.equal(sent.object, 'email_change');
    assert.equal(sent.new_email, 'alice@wonderland.test');
    const { code } = await outboxCode('alice@wonderland.test', 'email_change');
    const { data: done } = await client.post(`/user_management/users/${ALICE.id}/email_change/confirm`, { code });
    assert.equal(done.object, 'email_change_confirmation');
    assert.equal(done.user.email, 'alice@wonderland.test');
    const user = await client.userManagement.getUser(ALICE.id);
    assert.equal(user.email, 'alice@wonderland.test');
    assert.equal(user.emailVerified, true);
    const auth = await client.userManagement.authenticateWithPassword({ email: 'alice@wonderland.test', password: ALICE.password });
    assert.equal(auth.user.id, ALICE.id);
    const err = await rejectsWith(client.post(`/user_management/users/${ALICE.id}/email_change/confirm`, { code }), ConflictException);
    assert.equal(err.status, 409);
  });

  test('an address another user has is refused', async () => {
    const err = await rejectsWith(workos().post(`/user_management/users/${ALICE.id}/email_change/send`, { new_email: BOB.email }), ConflictException);
    assert.equal(err.status, 409);
  });
});

describe('redirect URIs and CORS origins', () => {
  test('a redirect URI added over the API is accepted by authorize at once, and refused once deleted', async () => {
    const client = workos();
    const uri = 'https://app.example.com/auth/callback';
    assert.equal(await authorizeStatus(uri), 400);
    const { data: created } = await client.post('/user_management/redirect_uris', { uri });
    assert.equal(created.object, 'redirect_uri');
    assert.equal(created.default, false);
    assert.equal(await authorizeStatus(uri), 302);
    const { data: list } = await client.get('/user_management/redirect_uris', { query: { order: 'asc' } });
    assert.equal(list.data[0].uri, REDIRECT_URI);
    assert.equal(list.data[0].default, true);
    await client.delete(`/user_management/redirect_uris/${created.id}`);
    assert.equal(await authorizeStatus(uri), 400);
    await rejectsWith(client.delete(`/user_management/redirect_uris/${created.id}`), NotFoundException);
  });

  test('a CORS origin added over the API is allowed at once', async () => {
    const origin = 'https://spa.example.com';
    const jwks = () => fetch(`${EMULATOR_URL}/oauth2/jwks`, { headers: { Origin: origin } });
    assert.equal((await jwks()).headers.get('access-control-allow-origin'), null);
    const { data: created } = await workos().post('/user_management/cors_origins', { origin });
    assert.equal(created.object, 'cors_origin');
    assert.equal((await jwks()).headers.get('access-control-allow-origin'), origin);
    await rejectsWith(workos().post('/user_management/cors_origins', { origin }), ConflictException);
  });
});

describe('Standalone Connect', () => {
  test('connect.completeOAuth2 with an unknown external_auth_id is a NotFoundException', async () => {
    // The default world has no connect_login_uri: no flow waits for an
    // external login (the Go suite drives the whole flow).
    await rejectsWith(workos().connect.completeOAuth2({
      externalAuthId: 'ext_auth_01JGK40000000000000000ZZZZ',
      user: { id: 'app-user-1', email: 'dana@example.com', firstName: 'Dana' },
    }), NotFoundException);
  });
});

describe('agents', () => {
  const world = `
agent_registrations:
  - id: agent_reg_01JGK0000000000000000000A1
    organization_id: ${ACME}
    status: verified
    user_id: ${ALICE.id}
    api_keys: [{value: sk_agent_node}]
  - id: agent_reg_01JGK0000000000000000000A2
    organization_id: ${ACME}
    claim:
      attempts: [{token: cla_tkn_node, login_hint: newcomer@example.com}]
`;

  test('getRegistration, validateCredential (API key) and linkClaimAttemptToExternalUser', async () => {
    await ctl('POST', '/_emulator/fixtures', world, 'application/yaml');
    const client = workos();
    const reg = await client.agents.getRegistration('agent_reg_01JGK0000000000000000000A1');
    assert.equal(reg.status, 'verified');
    assert.equal(reg.agentIdentity.userlandUserId, ALICE.id);
    assert.equal(reg.claim, null);
    const ok = await client.agents.validateCredential({ type: 'api_key', credential: 'sk_agent_node' });
    assert.deepEqual([ok.valid, ok.registrationId], [true, 'agent_reg_01JGK0000000000000000000A1']);
    const bad = await client.agents.validateCredential({ type: 'api_key', credential: 'sk_agent_nobody' });
    assert.equal(bad.valid, false);
    await rejectsWith(client.agents.getRegistration('agent_reg_01JGK40000000000000000ZZZZ'), NotFoundException);

    const view = await client.agents.linkClaimAttemptToExternalUser({
      claimAttemptToken: 'cla_tkn_node', user: { email: 'newcomer@example.com', externalId: 'ext-newcomer' },
    });
    assert.equal(view.id, 'agent_reg_01JGK0000000000000000000A2');
    assert.match(view.userCode, /^[A-Z]{4}-[A-Z]{4}$/);
    assert.deepEqual(view.organizations, []);
    const err = await rejectsWith(client.agents.linkClaimAttemptToExternalUser({
      claimAttemptToken: 'cla_tkn_node', user: { email: 'someone@example.com', externalId: 'ext-someone' },
    }), GenericServerException);
    assert.equal(err.status, 400);
    assert.equal(err.rawData.code, 'email_mismatch');
  });
});
