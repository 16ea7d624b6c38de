// @workos-inc/node against the emulator: getAuthorizationUrl -> headless
// hosted login -> authenticateWithCode (with and without PKCE) -> sealed
// session authenticate/refresh -> organization switch -> logout -> revoke.
import { beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { OauthException } from '@workos-inc/node';
import {
  ACME, ADMIN_PERMISSIONS, ALICE, BOB, CLIENT_ID, COOKIE_PASSWORD, EMULATOR_URL, GLOBEX,
  LOGOUT_RETURN_TO, MEMBER_PERMISSIONS, REDIRECT_URI, UM_ISSUER,
  claims, headlessLogin, introspect, journal, mintToken, publicWorkos, rejectsWith, reset, workos,
} from './helpers.mjs';

beforeEach(reset);

// Signs `user` in through the hosted login with a server-side client and
// returns the authentication response with a sealed session.
async function signIn(client, user, { organizationId } = {}) {
  const state = `state-${user.email}`;
  const url = client.userManagement.getAuthorizationUrl({
    provider: 'authkit', redirectUri: REDIRECT_URI, loginHint: user.email, organizationId, state,
  });
  const callback = await headlessLogin(url);
  assert.equal(callback.searchParams.get('state'), state);
  return client.userManagement.authenticateWithCode({
    code: callback.searchParams.get('code'),
    session: { sealSession: true, cookiePassword: COOKIE_PASSWORD },
  });
}

describe('authorization URL and code exchange', () => {
  test('getAuthorizationUrl points at the emulator with the configured host, port and scheme', () => {
    const url = new URL(workos().userManagement.getAuthorizationUrl({
      provider: 'authkit', redirectUri: REDIRECT_URI, loginHint: ALICE.email, state: 's',
    }));
    assert.equal(url.origin, new URL(EMULATOR_URL).origin);
    assert.equal(url.pathname, '/user_management/authorize');
    assert.equal(url.searchParams.get('client_id'), CLIENT_ID);
    assert.equal(url.searchParams.get('response_type'), 'code');
  });

  test('without PKCE: the API key is the client secret', async () => {
    const client = workos();
    const url = client.userManagement.getAuthorizationUrl({
      provider: 'authkit', redirectUri: REDIRECT_URI, loginHint: ALICE.email, state: 'plain-state',
    });
    const callback = await headlessLogin(url);
    assert.equal(callback.searchParams.get('state'), 'plain-state');
    const auth = await client.userManagement.authenticateWithCode({ code: callback.searchParams.get('code') });
    assert.equal(auth.user.id, ALICE.id);
    assert.equal(auth.user.email, ALICE.email);
    assert.equal(auth.organizationId, ACME);
    assert.ok(auth.refreshToken);
    const token = claims(auth.accessToken);
    assert.equal(token.iss, UM_ISSUER);
    assert.equal(token.sub, ALICE.id);
    assert.equal(token.org_id, ACME);
    assert.equal(token.role, 'admin');
    assert.match(token.sid, /^session_/);

    // The code is single use.
    const reused = await rejectsWith(
      client.userManagement.authenticateWithCode({ code: callback.searchParams.get('code') }), OauthException);
    assert.equal(reused.error, 'invalid_grant');
  });

  test('with PKCE (getAuthorizationUrlWithPKCE), confidential client: secret and verifier', async () => {
    const client = workos();
    const { url, state, codeVerifier } = await client.userManagement.getAuthorizationUrlWithPKCE({
      provider: 'authkit', redirectUri: REDIRECT_URI, loginHint: ALICE.email,
    });
    assert.equal(new URL(url).searchParams.get('code_challenge_method'), 'S256');
    const callback = await headlessLogin(url);
    assert.equal(callback.searchParams.get('state'), state);
    const auth = await client.userManagement.authenticateWithCode({ code: callback.searchParams.get('code'), codeVerifier });
    assert.equal(auth.user.id, ALICE.id);
    assert.equal(auth.organizationId, ACME);
  });

  test('with PKCE, public client (no API key): the verifier alone authenticates', async () => {
    const client = publicWorkos();
    const pkce = await client.pkce.generate();
    const url = client.userManagement.getAuthorizationUrl({
      provider: 'authkit', redirectUri: REDIRECT_URI, loginHint: ALICE.email, state: 'public-state',
      codeChallenge: pkce.codeChallenge, codeChallengeMethod: 'S256',
    });
    const callback = await headlessLogin(url);
    const code = callback.searchParams.get('code');
    const auth = await client.userManagement.authenticateWithCode({ code, codeVerifier: pkce.codeVerifier });
    assert.equal(auth.user.id, ALICE.id);
    assert.equal(auth.organizationId, ACME);

    // A public client refreshes without a secret too.
    const refreshed = await client.userManagement.authenticateWithRefreshToken({ refreshToken: auth.refreshToken });
    assert.equal(refreshed.user.id, ALICE.id);
    assert.notEqual(refreshed.refreshToken, auth.refreshToken);
  });

  test('with PKCE, a wrong verifier is invalid_grant', async () => {
    const client = publicWorkos();
    const pkce = await client.pkce.generate();
    const other = await client.pkce.generate();
    const url = client.userManagement.getAuthorizationUrl({
      provider: 'authkit', redirectUri: REDIRECT_URI, loginHint: ALICE.email,
      codeChallenge: pkce.codeChallenge, codeChallengeMethod: 'S256',
    });
    const callback = await headlessLogin(url);
    const err = await rejectsWith(client.userManagement.authenticateWithCode({
      code: callback.searchParams.get('code'), codeVerifier: other.codeVerifier,
    }), OauthException);
    assert.equal(err.status, 400);
    assert.equal(err.error, 'invalid_grant');
  });
});

describe('sealed session', () => {
  test('authenticate() verifies the access token with the emulator JWKS', async () => {
    const client = workos();
    const auth = await signIn(client, ALICE);
    assert.ok(auth.sealedSession);

    const session = client.userManagement.loadSealedSession({ sessionData: auth.sealedSession, cookiePassword: COOKIE_PASSWORD });
    const result = await session.authenticate();
    assert.equal(result.authenticated, true, `not authenticated: ${result.reason}`);
    assert.equal(result.sessionId, claims(auth.accessToken).sid);
    assert.match(result.sessionId, /^session_/);
    assert.equal(result.organizationId, ACME);
    assert.equal(result.role, 'admin');
    assert.deepEqual(result.roles, ['admin']);
    assert.deepEqual([...result.permissions].sort(), [...ADMIN_PERMISSIONS].sort());
    assert.equal(result.user.id, ALICE.id);
    assert.equal(result.accessToken, auth.accessToken);

    // The SDK fetched the key set from /sso/jwks/<client id>.
    const fetched = await journal(`/sso/jwks/${CLIENT_ID}`);
    assert.ok(fetched.length >= 1, 'the SDK never fetched /sso/jwks/<client id>');
  });

  test('authenticate() rejects a token whose signature does not verify', async () => {
    const client = workos();
    const { access_token: bad } = await mintToken({ user_id: ALICE.id, organization_id: ACME, defect: 'bad_signature' });
    const sealed = await client.userManagement.sealSessionDataFromAuthenticationResponse({
      authenticationResponse: { accessToken: bad, refreshToken: 'unused', user: { id: ALICE.id } },
      cookiePassword: COOKIE_PASSWORD,
    });
    const result = await client.userManagement.loadSealedSession({ sessionData: sealed, cookiePassword: COOKIE_PASSWORD }).authenticate();
    assert.equal(result.authenticated, false);
    assert.equal(result.reason, 'invalid_jwt');
  });

  test('refresh() rotates the tokens and keeps the session', async () => {
    const client = workos();
    const auth = await signIn(client, ALICE);
    const session = client.userManagement.loadSealedSession({ sessionData: auth.sealedSession, cookiePassword: COOKIE_PASSWORD });
    const before = await session.authenticate();

    const refreshed = await session.refresh();
    assert.equal(refreshed.authenticated, true, `refresh failed: ${refreshed.reason}`);
    assert.ok(refreshed.sealedSession);
    assert.equal(refreshed.sessionId, before.sessionId);
    assert.equal(refreshed.organizationId, ACME);
    assert.equal(refreshed.role, 'admin');
    assert.equal(refreshed.user.id, ALICE.id);
    assert.notEqual(refreshed.session.refreshToken, auth.refreshToken);

    // The rotated-away refresh token is dead; the new session cookie works.
    assert.equal((await introspect(auth.refreshToken)).active, false);
    const reloaded = await client.userManagement
      .loadSealedSession({ sessionData: refreshed.sealedSession, cookiePassword: COOKIE_PASSWORD }).authenticate();
    assert.equal(reloaded.authenticated, true, `reloaded: ${reloaded.reason}`);
    assert.equal(reloaded.accessToken, refreshed.session.accessToken);
  });

  test('refresh({ organizationId }) switches Bob from Acme to Globex', async () => {
    const client = workos();
    // Bob has two memberships: without organization_id the hosted login
    // would show the organization picker, so the URL names Acme.
    const auth = await signIn(client, BOB, { organizationId: ACME });
    assert.equal(auth.organizationId, ACME);
    const session = client.userManagement.loadSealedSession({ sessionData: auth.sealedSession, cookiePassword: COOKIE_PASSWORD });
    const inAcme = await session.authenticate();
    assert.equal(inAcme.organizationId, ACME);
    assert.equal(inAcme.role, 'member');

    const switched = await session.refresh({ organizationId: GLOBEX });
    assert.equal(switched.authenticated, true, `switch failed: ${switched.reason}`);
    assert.equal(switched.organizationId, GLOBEX);
    assert.equal(switched.role, 'member');
    assert.deepEqual(switched.permissions, MEMBER_PERMISSIONS);
    assert.equal(switched.sessionId, inAcme.sessionId);
    const token = claims(switched.session.accessToken);
    assert.equal(token.org_id, GLOBEX);
    assert.equal(token.role, 'member');
    assert.equal((await introspect(switched.session.accessToken)).org_id, GLOBEX);

    // The session object now holds the Globex cookie.
    const inGlobex = await session.authenticate();
    assert.equal(inGlobex.organizationId, GLOBEX);
  });

  test('getLogoutUrl: 302 to return_to, and the session is over', async () => {
    const client = workos();
    const auth = await signIn(client, ALICE);
    const session = client.userManagement.loadSealedSession({ sessionData: auth.sealedSession, cookiePassword: COOKIE_PASSWORD });
    const logoutUrl = await session.getLogoutUrl({ returnTo: LOGOUT_RETURN_TO });
    const parsed = new URL(logoutUrl);
    assert.equal(parsed.origin, new URL(EMULATOR_URL).origin);
    assert.equal(parsed.searchParams.get('session_id'), claims(auth.accessToken).sid);

    const res = await fetch(logoutUrl, { redirect: 'manual' });
    assert.equal(res.status, 302);
    assert.equal(res.headers.get('location'), LOGOUT_RETURN_TO);

    const refreshed = await session.refresh();
    assert.equal(refreshed.authenticated, false);
    assert.equal(refreshed.reason, 'invalid_grant');
    const err = await rejectsWith(
      client.userManagement.authenticateWithRefreshToken({ refreshToken: auth.refreshToken }), OauthException);
    assert.equal(err.error, 'invalid_grant');
    assert.equal((await introspect(auth.accessToken)).active, false);
  });

  test('revokeSession ends that session only', async () => {
    const client = workos();
    const kept = await signIn(client, ALICE);
    const revoked = await signIn(client, ALICE);
    const revokedSid = claims(revoked.accessToken).sid;
    assert.notEqual(claims(kept.accessToken).sid, revokedSid);
    assert.equal((await introspect(revoked.accessToken)).active, true);
    const sessions = await client.userManagement.listSessions(ALICE.id);
    for (const sid of [claims(kept.accessToken).sid, revokedSid]) {
      const listed = sessions.data.find((s) => s.id === sid);
      assert.ok(listed, `listSessions lists ${sid}`);
      assert.equal(listed.status, 'active');
      assert.equal(listed.userId, ALICE.id);
      assert.equal(listed.organizationId, ACME);
    }

    await client.userManagement.revokeSession({ sessionId: revokedSid });

    assert.deepEqual(await introspect(revoked.accessToken), { active: false });
    assert.deepEqual(await introspect(revoked.refreshToken), { active: false });
    assert.equal((await introspect(kept.accessToken)).active, true);
    assert.equal((await introspect(kept.refreshToken)).active, true);
    const err = await rejectsWith(
      client.userManagement.authenticateWithRefreshToken({ refreshToken: revoked.refreshToken }), OauthException);
    assert.equal(err.error, 'invalid_grant');
    const after = await client.userManagement.listSessions(ALICE.id);
    assert.ok(!after.data.some((s) => s.id === revokedSid && s.status === 'active'), 'the revoked session is not listed as active');
    assert.ok(after.data.some((s) => s.id === claims(kept.accessToken).sid && s.status === 'active'));
  });
});
