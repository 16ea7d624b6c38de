// @workos/authkit-session, unchanged, against the emulator: the server side
// of an AuthKit sign-in (authorization URL with a PKCE verifier cookie, the
// hosted login, the callback that seals the session cookie), access tokens
// verified against the emulator's JWKS, refresh of an expired token, and
// sign-out through the logout URL.
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { AuthKitCore, TokenRefreshError, getConfigurationProvider, getWorkOS, sessionEncryption } from '@workos/authkit-session';
import {
  ACME, ADMIN_PERMISSIONS, ALICE, CLIENT_ID, COOKIE_PASSWORD, EMULATOR_URL, LOGOUT_RETURN_TO, REDIRECT_URI,
  authService, browserRequest, claims, control, introspect, setCookies, signIn,
} from './helpers.mjs';

beforeEach(() => control('POST', '/_emulator/reset'));

const APP = 'http://localhost:3000/dashboard';

test('sign-in: the hosted login, the code exchange with the PKCE verifier, a sealed session cookie', async () => {
  const { signInUrl, callback, result, sessionCookie } = await signIn();

  const url = new URL(signInUrl.url);
  assert.equal(`${url.origin}${url.pathname}`, `${EMULATOR_URL}/user_management/authorize`);
  assert.deepEqual(
    ['client_id', 'provider', 'redirect_uri', 'response_type', 'screen_hint', 'code_challenge_method'].map((k) => url.searchParams.get(k)),
    [CLIENT_ID, 'authkit', REDIRECT_URI, 'code', 'sign-in', 'S256']);
  const [verifier] = setCookies(signInUrl.headers);
  assert.match(verifier, new RegExp(`^${signInUrl.cookieName}=[^;]+; Path=/; Max-Age=600; HttpOnly; SameSite=Lax$`));
  assert.equal(callback.searchParams.get('state'), url.searchParams.get('state'), 'the state comes back unchanged');

  assert.equal(result.returnPathname, '/dashboard');
  assert.deepEqual([result.authResponse.user.id, result.authResponse.organizationId], [ALICE.id, ACME]);
  assert.match(sessionCookie, /^wos-session=[^;]+; Path=\/; Max-Age=34560000; HttpOnly; SameSite=Lax$/);
  assert.match(setCookies(result.headers)[1], new RegExp(`^${signInUrl.cookieName}=; Path=/; Max-Age=0; `), 'the verifier cookie is cleared');

  // Sealed: nothing readable in the cookie, and only the password opens it.
  const sealed = decodeURIComponent(sessionCookie.split(';')[0].slice('wos-session='.length));
  assert.ok(!sealed.includes(result.authResponse.accessToken) && !sealed.includes(result.authResponse.refreshToken));
  const session = await sessionEncryption.unsealData(sealed, { password: COOKIE_PASSWORD });
  assert.deepEqual([session.accessToken, session.refreshToken, session.user.id],
    [result.authResponse.accessToken, result.authResponse.refreshToken, ALICE.id]);
  await assert.rejects(sessionEncryption.unsealData(sealed, { password: 'another-password-of-at-least-32-characters' }));

  // The next request of the browser is authenticated from the cookie alone.
  const { auth, refreshedSessionData } = await authService.withAuth(browserRequest(APP, sessionCookie));
  assert.equal(refreshedSessionData, undefined, 'a fresh token needs no refresh');
  assert.deepEqual([auth.user?.id, auth.organizationId, auth.role, auth.permissions], [ALICE.id, ACME, 'admin', ADMIN_PERMISSIONS]);
  assert.equal(auth.sessionId, claims(auth.accessToken).sid);
  assert.equal((await control('GET', `/_emulator/sessions/${auth.sessionId}`)).status, 'active');
});

test('access tokens are verified against the emulator JWKS (/sso/jwks/<client_id>)', async () => {
  const { result } = await signIn();
  const token = result.authResponse.accessToken;
  await control('DELETE', '/_emulator/requests');
  const core = new AuthKitCore(getConfigurationProvider().getConfig(), getWorkOS(), sessionEncryption);
  assert.equal(await core.verifyToken(token), true);
  const jwks = (await control('GET', '/_emulator/requests?path=' + encodeURIComponent(`/sso/jwks/${CLIENT_ID}`))).requests;
  assert.deepEqual(jwks.map((r) => [r.method, r.status]), [['GET', 200]], 'the key set came from the emulator');

  const [header, , signature] = token.split('.');
  const forged = Buffer.from(JSON.stringify({ ...claims(token), sub: 'user_01JGJD97DGZV5Z4G8RCP6SJ6C5' })).toString('base64url');
  assert.equal(await core.verifyToken(`${header}.${forged}.${signature}`), false, 'a changed payload fails the signature');
});

test('an expired access token is refreshed: same session, rotated refresh token, new cookie', async () => {
  // Sign in ten minutes ago by the emulator's clock: the access token (5 min)
  // is already expired by the clock the library checks.
  await control('POST', '/_emulator/clock', { advance: '-10m' });
  const { result, sessionCookie } = await signIn();
  await control('POST', '/_emulator/clock', { real: true });
  const old = result.authResponse;
  assert.ok(claims(old.accessToken).exp < Date.now() / 1000, 'expired');
  assert.equal((await introspect(old.accessToken)).active, false);

  const { auth, refreshedSessionData } = await authService.withAuth(browserRequest(APP, sessionCookie));
  assert.ok(refreshedSessionData, 'withAuth refreshed the session');
  assert.equal(auth.user?.id, ALICE.id);
  assert.notEqual(auth.accessToken, old.accessToken);
  assert.notEqual(auth.refreshToken, old.refreshToken);
  assert.deepEqual([auth.sessionId, auth.organizationId, auth.role], [claims(old.accessToken).sid, ACME, 'admin']);
  assert.ok(claims(auth.accessToken).exp > Date.now() / 1000);
  assert.equal((await introspect(auth.accessToken)).active, true);

  // The old refresh token was rotated away: refreshing with it is refused.
  const stale = { accessToken: old.accessToken, refreshToken: old.refreshToken, user: old.user };
  const err = await authService.refreshSession(stale).then(() => null, (e) => e);
  assert.ok(err instanceof TokenRefreshError, `expected TokenRefreshError, got ${err}`);
  assert.equal(err.cause?.error, 'invalid_grant');

  // The refreshed session goes back to the browser as a new cookie, which
  // authenticates without another refresh.
  const [renewed] = setCookies((await authService.saveSession(undefined, refreshedSessionData)).headers);
  const again = await authService.withAuth(browserRequest(APP, renewed));
  assert.equal(again.refreshedSessionData, undefined);
  assert.equal(again.auth.accessToken, auth.accessToken);
});

test('sign-out: the logout URL ends the session at the emulator and the cookie is cleared', async () => {
  const { sessionCookie } = await signIn();
  const request = browserRequest(APP, sessionCookie);
  const { auth } = await authService.withAuth(request);
  const session = await authService.getSession(request);

  const { logoutUrl, headers } = await authService.signOut(auth.sessionId, { returnTo: LOGOUT_RETURN_TO });
  assert.match(setCookies(headers)[0], /^wos-session=; Path=\/; Max-Age=0; HttpOnly; SameSite=Lax$/);
  const url = new URL(logoutUrl);
  assert.equal(`${url.origin}${url.pathname}`, `${EMULATOR_URL}/user_management/sessions/logout`);
  assert.deepEqual([url.searchParams.get('session_id'), url.searchParams.get('return_to')], [auth.sessionId, LOGOUT_RETURN_TO]);

  // The browser follows the logout URL: the emulator ends the session and
  // sends it back to return_to.
  const res = await fetch(logoutUrl, { redirect: 'manual' });
  assert.deepEqual([res.status, res.headers.get('location')], [302, LOGOUT_RETURN_TO]);
  assert.equal((await control('GET', `/_emulator/sessions/${auth.sessionId}`)).status, 'revoked');
  assert.equal((await introspect(auth.accessToken)).active, false);
  const err = await authService.refreshSession(session).then(() => null, (e) => e);
  assert.ok(err instanceof TokenRefreshError, `a revoked session cannot refresh, got ${err}`);
  assert.equal(err.cause?.error, 'invalid_grant');

  const after = await authService.withAuth(browserRequest(APP, setCookies(headers)));
  assert.equal(after.auth.user, null, 'the cleared cookie is no session');
});
