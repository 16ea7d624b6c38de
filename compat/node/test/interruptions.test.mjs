// @workos-inc/node against the emulator: the 403 interruptions surface as the
// SDK's typed AuthenticationException carrying the pending authentication
// token, and the follow-up grants finish the sign-in.
import { beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AuthenticationException, GenericServerException } from '@workos-inc/node';
import { ACME, BOB, CAROL, GLOBEX, claims, introspect, outboxCode, rejectsWith, reset, workos } from './helpers.mjs';

beforeEach(reset);

describe('email verification required', () => {
  test('Carol: AuthenticationException -> outbox code -> authenticateWithEmailVerification', async () => {
    const client = workos();
    const err = await rejectsWith(
      client.userManagement.authenticateWithPassword({ email: CAROL.email, password: CAROL.password }),
      AuthenticationException);
    assert.equal(err.name, 'AuthenticationException');
    assert.equal(err.status, 403);
    assert.equal(err.code, 'email_verification_required');
    assert.ok(err.pendingAuthenticationToken, 'the SDK error carries the pending authentication token');
    assert.equal(err.rawData.pending_authentication_token, err.pendingAuthenticationToken);
    assert.equal(err.rawData.email, CAROL.email);
    assert.match(err.rawData.email_verification_id, /^email_verification_/);

    const sent = await outboxCode(CAROL.email, 'email_verification');
    assert.equal(sent.id, err.rawData.email_verification_id);
    assert.equal(sent.user_id, CAROL.id);

    const auth = await client.userManagement.authenticateWithEmailVerification({
      code: sent.code, pendingAuthenticationToken: err.pendingAuthenticationToken,
    });
    assert.equal(auth.user.id, CAROL.id);
    assert.equal(auth.user.emailVerified, true);
    assert.equal(claims(auth.accessToken).sub, CAROL.id);
    assert.equal((await introspect(auth.accessToken)).active, true);

    // Verified now: the password alone signs Carol in.
    const again = await client.userManagement.authenticateWithPassword({ email: CAROL.email, password: CAROL.password });
    assert.equal(again.user.id, CAROL.id);
  });

  test('a wrong verification code is rejected and the token stays usable', async () => {
    const client = workos();
    const err = await rejectsWith(
      client.userManagement.authenticateWithPassword({ email: CAROL.email, password: CAROL.password }),
      AuthenticationException);
    const sent = await outboxCode(CAROL.email, 'email_verification');
    const wrong = sent.code === '000000' ? '111111' : '000000';
    const bad = await rejectsWith(client.userManagement.authenticateWithEmailVerification({
      code: wrong, pendingAuthenticationToken: err.pendingAuthenticationToken,
    }), GenericServerException);
    assert.equal(bad.status, 400);
    assert.equal(bad.code, 'invalid_one_time_code');

    const auth = await client.userManagement.authenticateWithEmailVerification({
      code: sent.code, pendingAuthenticationToken: err.pendingAuthenticationToken,
    });
    assert.equal(auth.user.id, CAROL.id);
  });
});

describe('organization selection required', () => {
  test('Bob: AuthenticationException -> authenticateWithOrganizationSelection', async () => {
    const client = workos();
    const err = await rejectsWith(
      client.userManagement.authenticateWithPassword({ email: BOB.email, password: BOB.password }),
      AuthenticationException);
    assert.equal(err.status, 403);
    assert.equal(err.code, 'organization_selection_required');
    assert.ok(err.pendingAuthenticationToken);
    assert.deepEqual(err.rawData.organizations.map((o) => o.id).sort(), [ACME, GLOBEX].sort());
    assert.equal(err.rawData.user.id, BOB.id);

    const auth = await client.userManagement.authenticateWithOrganizationSelection({
      pendingAuthenticationToken: err.pendingAuthenticationToken, organizationId: GLOBEX,
    });
    assert.equal(auth.user.id, BOB.id);
    assert.equal(auth.organizationId, GLOBEX);
    const token = claims(auth.accessToken);
    assert.equal(token.org_id, GLOBEX);
    assert.equal(token.role, 'member');

    // The pending token is single use.
    const reused = await rejectsWith(client.userManagement.authenticateWithOrganizationSelection({
      pendingAuthenticationToken: err.pendingAuthenticationToken, organizationId: ACME,
    }), GenericServerException);
    assert.equal(reused.status, 400);
    assert.equal(reused.code, 'invalid_pending_authentication_token');
  });
});
