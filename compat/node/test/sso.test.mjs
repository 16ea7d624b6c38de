// @workos-inc/node against the emulator's enterprise sign-in surface: the
// SSO API (authorization URL -> emulated identity provider, headless ->
// getProfileAndToken -> getProfile), connections, AuthKit through SSO and
// OAuth providers (userManagement.getAuthorizationUrl with connectionId,
// organizationId or provider -> authenticateWithCode), organization domains,
// the Admin Portal link and the standalone MFA API (SDK 11 names them
// adminPortal and multiFactorAuth).
import { beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { NotFoundException } from '@workos-inc/node';
import { createHmac } from 'node:crypto';
import { ACME, ALICE, CLIENT_ID, EMULATOR_URL, GLOBEX, REDIRECT_URI, headlessLogin, outbox, publicWorkos, rejectsWith, reset, workos } from './helpers.mjs';

const OKTA = 'conn_01JGK0000000000000000000A1';
const GOOGLE = 'conn_01JGK0000000000000000000C3';
const DANA = 'prof_01JGK0000000000000000000A1';

// Acme signs in with Okta (Dana, an admin by her profile); the environment
// offers Google.
const SSO_WORLD = `
connections:
  - id: ${OKTA}
    name: Acme Okta
    connection_type: OktaSAML
    organization_id: ${ACME}
    profiles:
      - {id: ${DANA}, idp_id: 00u1abc, email: dana@acme.test, first_name: Dana, last_name: Scully, role: admin, groups: [x-files]}
  - id: ${GOOGLE}
    connection_type: GoogleOAuth
    profiles: [{email: gina@gmail.test, first_name: Gina, idp_id: "1099"}]
`;

// The RFC 6238 code of a base32 secret now (30 s steps, SHA-1, 6 digits):
// what an authenticator app shows. The emulator runs on real time here.
function totpNow(secret) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of secret.replace(/=+$/, '')) bits += alphabet.indexOf(ch).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30000)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1000000).padStart(6, '0');
}

// Adds fixtures to the running world (beforeEach's reset takes them away).
async function addFixtures(yaml) {
  const res = await fetch(`${EMULATOR_URL}/_emulator/fixtures`, { method: 'POST', headers: { 'Content-Type': 'application/yaml' }, body: yaml });
  assert.ok(res.ok, `fixtures: ${res.status} ${await res.text()}`);
}

beforeEach(async () => {
  await reset();
  await addFixtures(SSO_WORLD);
});

describe('SSO API', () => {
  test('getAuthorizationUrl -> headless IdP -> getProfileAndToken -> getProfile', async () => {
    const client = workos();
    const url = client.sso.getAuthorizationUrl({ connection: OKTA, clientId: CLIENT_ID, redirectUri: REDIRECT_URI, state: 'sso-state', loginHint: 'dana@acme.test' });
    assert.equal(new URL(url).pathname, '/sso/authorize');
    const callback = await headlessLogin(url);
    assert.equal(callback.searchParams.get('state'), 'sso-state');
    const { accessToken, profile, oauthTokens } = await client.sso.getProfileAndToken({ code: callback.searchParams.get('code'), clientId: CLIENT_ID });
    assert.ok(accessToken);
    assert.equal(oauthTokens, undefined);
    assert.equal(profile.id, DANA);
    assert.equal(profile.idpId, '00u1abc');
    assert.equal(profile.connectionId, OKTA);
    assert.equal(profile.connectionType, 'OktaSAML');
    assert.equal(profile.organizationId, ACME);
    assert.equal(profile.email, 'dana@acme.test');
    assert.equal(profile.firstName, 'Dana');
    assert.deepEqual(profile.role, { slug: 'admin' });
    assert.deepEqual(profile.groups, ['x-files']);
    const again = await client.sso.getProfile({ accessToken });
    assert.equal(again.id, DANA);
    // the code is single use
    await assert.rejects(client.sso.getProfileAndToken({ code: callback.searchParams.get('code'), clientId: CLIENT_ID }));
  });

  test('by organization, with PKCE and no API key', async () => {
    const client = publicWorkos();
    const { url, codeVerifier } = await workos().sso.getAuthorizationUrlWithPKCE({ organization: ACME, clientId: CLIENT_ID, redirectUri: REDIRECT_URI, loginHint: 'dana@acme.test' });
    const callback = await headlessLogin(url);
    const { profile } = await client.sso.getProfileAndToken({ code: callback.searchParams.get('code'), codeVerifier, clientId: CLIENT_ID });
    assert.equal(profile.id, DANA);
  });

  test('an OAuth provider with provider scopes returns its tokens', async () => {
    const client = workos();
    const url = client.sso.getAuthorizationUrl({ provider: 'GoogleOAuth', providerScopes: ['calendar.readonly'], clientId: CLIENT_ID, redirectUri: REDIRECT_URI, loginHint: 'gina@gmail.test' });
    const callback = await headlessLogin(url);
    const { profile, oauthTokens } = await client.sso.getProfileAndToken({ code: callback.searchParams.get('code'), clientId: CLIENT_ID });
    assert.equal(profile.connectionType, 'GoogleOAuth');
    assert.equal(profile.organizationId, null);
    assert.ok(oauthTokens.accessToken && oauthTokens.refreshToken && oauthTokens.expiresAt > 0);
    assert.ok(oauthTokens.scopes.includes('calendar.readonly'));
  });

  test('listConnections, getConnection, deleteConnection', async () => {
    const client = workos();
    const all = await client.sso.listConnections();
    assert.deepEqual(all.data.map((c) => c.id), [GOOGLE, OKTA]);
    const acme = await client.sso.listConnections({ organizationId: ACME });
    assert.deepEqual(acme.data.map((c) => c.id), [OKTA]);
    const byDomain = await client.sso.listConnections({ domain: 'acme.test' });
    assert.deepEqual(byDomain.data.map((c) => c.id), [OKTA]);
    const okta = await client.sso.getConnection(OKTA);
    assert.equal(okta.name, 'Acme Okta');
    assert.equal(okta.type, 'OktaSAML');
    assert.equal(okta.state, 'active');
    assert.equal(okta.organizationId, ACME);
    assert.deepEqual(okta.domains.map((d) => d.domain), ['acme.test']);
    await client.sso.deleteConnection(OKTA);
    await rejectsWith(client.sso.getConnection(OKTA), NotFoundException);
  });
});

describe('AuthKit through SSO and OAuth providers', () => {
  test('connectionId: the user is created just in time and joins the organization', async () => {
    const client = workos();
    const url = client.userManagement.getAuthorizationUrl({ connectionId: OKTA, redirectUri: REDIRECT_URI, loginHint: 'dana@acme.test', state: 's' });
    const callback = await headlessLogin(url);
    const auth = await client.userManagement.authenticateWithCode({ code: callback.searchParams.get('code') });
    assert.equal(auth.authenticationMethod, 'SSO');
    assert.equal(auth.organizationId, ACME);
    assert.equal(auth.user.email, 'dana@acme.test');
    assert.equal(auth.user.emailVerified, true);
    const memberships = await client.userManagement.listOrganizationMemberships({ userId: auth.user.id });
    assert.deepEqual(memberships.data.map((m) => [m.organizationId, m.role.slug]), [[ACME, 'admin']]);
    // organizationId: the same user again
    const again = await client.userManagement.authenticateWithCode({
      code: (await headlessLogin(client.userManagement.getAuthorizationUrl({ organizationId: ACME, redirectUri: REDIRECT_URI, loginHint: 'dana@acme.test' }))).searchParams.get('code'),
    });
    assert.equal(again.user.id, auth.user.id);
  });

  test('provider: GoogleOAuth, oauth_tokens when provider scopes are asked, the identity listed', async () => {
    const client = workos();
    const url = client.userManagement.getAuthorizationUrl({ provider: 'GoogleOAuth', providerScopes: ['calendar.readonly'], redirectUri: REDIRECT_URI, loginHint: 'gina@gmail.test' });
    const auth = await client.userManagement.authenticateWithCode({ code: (await headlessLogin(url)).searchParams.get('code') });
    assert.equal(auth.authenticationMethod, 'GoogleOAuth');
    assert.ok(auth.oauthTokens.accessToken);
    assert.ok(auth.oauthTokens.scopes.includes('calendar.readonly'));
    const identities = await client.userManagement.getUserIdentities(auth.user.id);
    assert.deepEqual(identities, [{ idpId: '1099', type: 'OAuth', provider: 'GoogleOAuth' }]);
  });
});

describe('organization domains and the Admin Portal', () => {
  test('create, get, verify, delete', async () => {
    const client = workos();
    const domain = await client.organizationDomains.createOrganizationDomain({ domain: 'globex-corp.test', organizationId: GLOBEX });
    assert.equal(domain.state, 'pending');
    assert.equal(domain.verificationStrategy, 'dns');
    assert.ok(domain.verificationToken && domain.verificationPrefix);
    assert.equal((await client.organizationDomains.getOrganizationDomain(domain.id)).domain, 'globex-corp.test');
    const verified = await client.organizationDomains.verifyOrganizationDomain(domain.id);
    assert.equal(verified.state, 'verified');
    const org = await client.organizations.getOrganization(GLOBEX);
    assert.ok(org.domains.some((d) => d.id === domain.id && d.state === 'verified'));
    await client.organizationDomains.deleteOrganizationDomain(domain.id);
    await rejectsWith(client.organizationDomains.getOrganizationDomain(domain.id), NotFoundException);
  });

  test('generateLink', async () => {
    const { link } = await workos().adminPortal.generateLink({ organization: ACME, intent: 'sso', returnUrl: 'http://localhost:3000/settings' });
    assert.ok(link.startsWith(`${EMULATOR_URL}/admin-portal?token=`));
    const page = await (await fetch(link)).text();
    assert.match(page, /Acme/);
    assert.match(page, /Set up Single Sign-On/);
  });
});

describe('standalone MFA', () => {
  test('TOTP: enroll, challenge, verify, get, delete', async () => {
    const client = workos();
    const factor = await client.multiFactorAuth.enrollFactor({ type: 'totp', issuer: 'Acme', user: ALICE.email });
    assert.equal(factor.type, 'totp');
    assert.ok(factor.totp.secret && factor.totp.qrCode && factor.totp.uri);
    const challenge = await client.multiFactorAuth.challengeFactor({ authenticationFactorId: factor.id });
    const code = totpNow(factor.totp.secret);
    const wrong = await client.multiFactorAuth.verifyChallenge({ authenticationChallengeId: challenge.id, code: code === '000000' ? '111111' : '000000' });
    assert.equal(wrong.valid, false);
    const right = await client.multiFactorAuth.verifyChallenge({ authenticationChallengeId: challenge.id, code });
    assert.equal(right.valid, true);
    assert.equal((await client.multiFactorAuth.getFactor(factor.id)).totp.secret, undefined);
    await client.multiFactorAuth.deleteFactor(factor.id);
    await rejectsWith(client.multiFactorAuth.getFactor(factor.id), NotFoundException);
  });

  test('SMS: the code is in the outbox', async () => {
    const client = workos();
    const factor = await client.multiFactorAuth.enrollFactor({ type: 'sms', phoneNumber: '+15555550123' });
    assert.equal(factor.sms.phoneNumber, '+15555550123');
    const challenge = await client.multiFactorAuth.challengeFactor({ authenticationFactorId: factor.id });
    assert.equal(challenge.code, undefined);
    const [sent] = await outbox('', 'sms');
    assert.equal(sent.phone_number, '+15555550123');
    const result = await client.multiFactorAuth.verifyChallenge({ authenticationChallengeId: challenge.id, code: sent.code });
    assert.equal(result.valid, true);
  });
});
