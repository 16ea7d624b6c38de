// @workos-inc/node against the emulator: authenticateWithPassword and magic
// auth through the emulator's outbox.
import { beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GenericServerException, WorkOS } from '@workos-inc/node';
import {
  ACME, ALICE, API_KEY, CLIENT_ID, UM_ISSUER, claims, introspect, journal, outboxCode, rejectsWith, reset, sdkConnection, workos,
} from './helpers.mjs';

beforeEach(reset);

describe('authenticateWithPassword', () => {
  test('Alice signs in with her password', async () => {
    const auth = await workos().userManagement.authenticateWithPassword({ email: ALICE.email, password: ALICE.password });
    assert.equal(auth.user.id, ALICE.id);
    assert.equal(auth.user.email, ALICE.email);
    assert.equal(auth.user.emailVerified, true);
    assert.equal(auth.user.firstName, 'Alice');
    assert.deepEqual(auth.user.metadata, { plan: 'pro' });
    assert.equal(auth.organizationId, ACME);
    assert.equal(auth.authenticationMethod, 'Password');
    assert.ok(auth.refreshToken);
    const token = claims(auth.accessToken);
    assert.equal(token.iss, UM_ISSUER);
    assert.equal(token.sub, ALICE.id);
    assert.equal(token.org_id, ACME);
    assert.equal(token.role, 'admin');
    const active = await introspect(auth.accessToken);
    assert.equal(active.active, true);
    assert.equal(active.sub, ALICE.id);
  });

  test('key and client id from WORKOS_API_KEY / WORKOS_CLIENT_ID, only the host in code', async (t) => {
    const saved = { key: process.env.WORKOS_API_KEY, client: process.env.WORKOS_CLIENT_ID };
    t.after(() => {
      for (const [name, value] of [['WORKOS_API_KEY', saved.key], ['WORKOS_CLIENT_ID', saved.client]]) {
        if (value === undefined) delete process.env[name]; else process.env[name] = value;
      }
    });
    process.env.WORKOS_API_KEY = API_KEY;
    process.env.WORKOS_CLIENT_ID = CLIENT_ID;
    // The SDK's defaults otherwise (retries on, so POSTs carry an Idempotency-Key).
    const client = new WorkOS({ ...sdkConnection });
    const auth = await client.userManagement.authenticateWithPassword({ email: ALICE.email, password: ALICE.password });
    assert.equal(auth.user.id, ALICE.id);
    const [request] = await journal('/user_management/authenticate');
    assert.match(request.headers['Idempotency-Key'] ?? '', /^retry-/);
    assert.match(request.headers['User-Agent'], /^workos-node\/11\./);
  });

  test('a wrong password is a 400 invalid_credentials error', async () => {
    const err = await rejectsWith(
      workos().userManagement.authenticateWithPassword({ email: ALICE.email, password: 'not-her-password' }),
      GenericServerException);
    assert.equal(err.status, 400);
    assert.equal(err.code, 'invalid_credentials');
    assert.equal(err.rawData.code, 'invalid_credentials');
    assert.ok(err.message);
    assert.ok(err.requestID, 'the SDK reads X-Request-ID into requestID');
  });
});

describe('magic auth', () => {
  test('createMagicAuth -> code from the outbox -> authenticateWithMagicAuth', async () => {
    const client = workos();
    const magic = await client.userManagement.createMagicAuth({ email: ALICE.email });
    assert.equal(magic.object, 'magic_auth');
    assert.match(magic.id, /^magic_auth_/);
    assert.equal(magic.userId, ALICE.id);
    assert.equal(magic.email, ALICE.email);

    const sent = await outboxCode(ALICE.email, 'magic_auth');
    assert.equal(sent.id, magic.id);
    assert.match(sent.code, /^\d{6}$/);

    const auth = await client.userManagement.authenticateWithMagicAuth({ code: sent.code, email: ALICE.email });
    assert.equal(auth.user.id, ALICE.id);
    assert.equal(auth.organizationId, ACME);
    assert.equal(auth.authenticationMethod, 'MagicAuth');
    assert.equal(claims(auth.accessToken).sub, ALICE.id);

    // The code is single use.
    const reused = await rejectsWith(
      client.userManagement.authenticateWithMagicAuth({ code: sent.code, email: ALICE.email }), GenericServerException);
    assert.equal(reused.status, 400);
    assert.equal(reused.code, 'one_time_code_previously_used');
  });

  test('getMagicAuth reads the code object back', async () => {
    const client = workos();
    const magic = await client.userManagement.createMagicAuth({ email: ALICE.email });
    const read = await client.userManagement.getMagicAuth(magic.id);
    assert.equal(read.id, magic.id);
    assert.equal(read.email, ALICE.email);
  });
});
