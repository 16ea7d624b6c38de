// openid-client v6 against the emulator's AuthKit-domain (Connect) surface:
// discovery -> authorization code + PKCE (headless login) -> refresh ->
// userinfo -> introspection. The only non-default setting is
// allowInsecureRequests, because the emulator serves plain http.
import { beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { ACME, ALICE, CLIENT_ID, EMULATOR_URL, OAUTH_APP, REDIRECT_URI, headlessLogin, introspect, reset } from './helpers.mjs';

beforeEach(reset);

const SCOPE = 'openid profile email offline_access';
const PUBLIC_APP = 'client_01JGGF0ZHWQV5Y4T95J30VYNGB';

function discover(clientId, secret, auth) {
  return oidc.discovery(new URL(EMULATOR_URL), clientId, secret, auth, { execute: [oidc.allowInsecureRequests] });
}

// Runs the authorization code flow with PKCE, a nonce and a state for `config`.
async function codeFlow(config) {
  const pkceCodeVerifier = oidc.randomPKCECodeVerifier();
  const nonce = oidc.randomNonce();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT_URI,
    scope: SCOPE,
    code_challenge: await oidc.calculatePKCECodeChallenge(pkceCodeVerifier),
    code_challenge_method: 'S256',
    nonce,
    state,
    login_hint: ALICE.email,
  });
  assert.equal(url.pathname, '/oauth2/authorize');
  const callback = await headlessLogin(url);
  const tokens = await oidc.authorizationCodeGrant(config, callback, {
    pkceCodeVerifier, expectedNonce: nonce, expectedState: state, idTokenExpected: true,
  });
  return { tokens, nonce };
}

describe('openid-client v6', () => {
  test('discovery: issuer is the emulator URL, endpoints under it', async () => {
    const config = await discover(OAUTH_APP.clientId, OAUTH_APP.clientSecret);
    const meta = config.serverMetadata();
    assert.equal(new URL(meta.issuer).href, new URL(EMULATOR_URL).href);
    for (const key of ['authorization_endpoint', 'token_endpoint', 'jwks_uri', 'userinfo_endpoint', 'introspection_endpoint']) {
      assert.equal(new URL(meta[key]).origin, new URL(EMULATOR_URL).origin, key);
    }
  });

  test('authorization code + PKCE -> refresh -> userinfo -> introspection', async () => {
    const config = await discover(OAUTH_APP.clientId, OAUTH_APP.clientSecret);
    const { tokens, nonce } = await codeFlow(config);

    // authorizationCodeGrant verified the ID token (signature via jwks_uri,
    // iss, aud, exp, nonce); read what it vouched for.
    const idClaims = tokens.claims();
    assert.equal(idClaims.sub, ALICE.id);
    assert.equal(idClaims.nonce, nonce);
    assert.equal(new URL(idClaims.iss).href, new URL(EMULATOR_URL).href);
    assert.ok([idClaims.aud].flat().includes(OAUTH_APP.clientId));
    assert.equal(tokens.token_type.toLowerCase(), 'bearer');
    assert.ok(tokens.expiresIn() > 0);
    assert.ok(tokens.refresh_token, 'offline_access gives a refresh token');

    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token);
    assert.ok(refreshed.access_token);
    assert.notEqual(refreshed.access_token, tokens.access_token);
    assert.ok(refreshed.refresh_token);
    assert.notEqual(refreshed.refresh_token, tokens.refresh_token);
    if (refreshed.id_token) assert.equal(refreshed.claims().sub, ALICE.id);

    const userinfo = await oidc.fetchUserInfo(config, refreshed.access_token, ALICE.id);
    assert.equal(userinfo.sub, ALICE.id);
    assert.equal(userinfo.email, ALICE.email);
    assert.equal(userinfo.email_verified, true);
    assert.equal(userinfo.given_name, 'Alice');

    const active = await oidc.tokenIntrospection(config, refreshed.access_token);
    assert.equal(active.active, true);
    assert.equal(active.sub, ALICE.id);
    assert.equal(active.client_id, OAUTH_APP.clientId);
    assert.equal(active.aud, CLIENT_ID);
    assert.equal(active.org_id, ACME);
    assert.equal(active.token_type, 'access_token');

    // Refresh tokens are single use: the first one is gone.
    const rotatedAway = await oidc.tokenIntrospection(config, tokens.refresh_token);
    assert.equal(rotatedAway.active, false);
    await assert.rejects(oidc.refreshTokenGrant(config, tokens.refresh_token), (e) => {
      assert.ok(e instanceof oidc.ResponseBodyError, `${e?.constructor?.name}: ${e?.message}`);
      assert.equal(e.error, 'invalid_grant');
      return true;
    });
    // The resource server's view agrees.
    assert.equal((await introspect(refreshed.refresh_token)).active, true);
  });

  test('a public client (PKCE, no secret) completes the same flow', async () => {
    const config = await discover(PUBLIC_APP, undefined, oidc.None());
    const { tokens } = await codeFlow(config);
    assert.equal(tokens.claims().sub, ALICE.id);
    const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, ALICE.id);
    assert.equal(userinfo.email, ALICE.email);
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token);
    assert.ok(refreshed.access_token);
  });

  test('a wrong PKCE verifier is rejected with invalid_grant', async () => {
    const config = await discover(OAUTH_APP.clientId, OAUTH_APP.clientSecret);
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT_URI, scope: SCOPE, state, login_hint: ALICE.email,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
    });
    const callback = await headlessLogin(url);
    await assert.rejects(
      oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: oidc.randomPKCECodeVerifier(), expectedState: state }),
      (e) => {
        assert.ok(e instanceof oidc.ResponseBodyError, `${e?.constructor?.name}: ${e?.message}`);
        assert.equal(e.error, 'invalid_grant');
        return true;
      });
  });
});
