// Shared helpers of the Node compatibility suite. Everything here talks to the
// emulator over plain HTTP (fetch) or configures the SDKs the way an
// application would (host, port, scheme); nothing patches an SDK or fetch.
import assert from 'node:assert/strict';
import { WorkOS } from '@workos-inc/node';

// The emulator under test, started by scripts/compat-node.sh.
export const EMULATOR_URL = (() => {
  const raw = process.env.EMULATOR_URL;
  if (!raw) throw new Error('EMULATOR_URL is not set: run the suite through scripts/compat-node.sh');
  return raw.replace(/\/+$/, '');
})();
const emulator = new URL(EMULATOR_URL);

// The default world (fixtures/default.yaml, documented in the README).
export const CLIENT_ID = 'client_01JGG4A9SC2402TR1E5S95RGFY';
export const API_KEY = 'sk_test_emulator';
export const REDIRECT_URI = 'http://localhost:3000/callback';
export const LOGOUT_RETURN_TO = 'http://localhost:3000';
export const COOKIE_PASSWORD = 'compat-suite-cookie-password-at-least-32-characters';
export const UM_ISSUER = `${EMULATOR_URL}/user_management/${CLIENT_ID}`;
export const OAUTH_APP = {
  clientId: 'client_01JGH0H56WFYWEDS7QGWCX2YT4',
  clientSecret: 'demo_oauth_secret',
};
export const ACME = 'org_01JGJ5PDQQYSQW43DAPDSPEJEY';
export const GLOBEX = 'org_01JGHYEQJ3R88ZXE6V4AJ192KN';
export const ALICE = { id: 'user_01JGH00N0CRRAQG5E1V2EYRQ68', email: 'alice@example.com', password: 'wonderland' };
export const BOB = { id: 'user_01JGJD97DGZV5Z4G8RCP6SJ6C5', email: 'bob@example.com', password: 'builder' };
export const CAROL = { id: 'user_01JGJ48F1WQQHDNXHABSCR87EJ', email: 'carol@example.com', password: 'unverified' };
export const ADMIN_PERMISSIONS = ['users:read', 'users:write', 'billing:manage'];
export const MEMBER_PERMISSIONS = ['users:read'];

// The configuration an application uses to reach a non-default WorkOS API
// host: the SDK's documented apiHostname / https / port options.
export const sdkConnection = {
  apiHostname: emulator.hostname,
  https: emulator.protocol === 'https:',
  port: Number(emulator.port) || undefined,
};

// A server-side client (API key). `issuer` makes the SDK's JWT verification
// check `iss` as well as the signature (UserManagement reads options.issuer).
// maxRetries 0: an emulator error must surface at once, not after backoff.
export function workos({ apiKey = API_KEY, ...options } = {}) {
  return new WorkOS(apiKey, { ...sdkConnection, clientId: CLIENT_ID, issuer: UM_ISSUER, maxRetries: 0, ...options });
}

// A public (PKCE) client: no API key.
export function publicWorkos(options = {}) {
  return new WorkOS({ ...sdkConnection, clientId: CLIENT_ID, maxRetries: 0, ...options });
}

async function control(method, path, body) {
  const res = await fetch(`${EMULATOR_URL}${path}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  assert.ok(res.ok, `${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

// Back to exactly the loaded world: every scenario starts from it.
export async function reset() {
  await control('POST', '/_emulator/reset');
}

// Everything the emulator "e-mailed" to that address (codes and links).
export async function outbox(email, kind) {
  const q = new URLSearchParams(kind ? { email, kind } : { email });
  const { codes } = await control('GET', `/_emulator/codes?${q}`);
  return codes;
}

// The newest code of that kind the emulator "e-mailed" to that address.
export async function outboxCode(email, kind) {
  const codes = await outbox(email, kind);
  assert.ok(codes.length > 0, `no ${kind} code in the outbox for ${email}`);
  const newest = [...codes].sort((a, b) => b.created_at.localeCompare(a.created_at))[0];
  return newest;
}

// The request journal (secrets redacted), filtered by path.
export async function journal(path) {
  const q = new URLSearchParams({ path });
  const out = await control('GET', `/_emulator/requests?${q}`);
  return out.requests ?? out.entries ?? out.data ?? out;
}

// Mints a token through the control plane (e.g. a deliberately bad one).
export async function mintToken(body) {
  return control('POST', '/_emulator/tokens', body);
}

// Headless hosted login: GET the authorization URL (which carries login_hint
// and the documented auto_login=true parameter) and follow redirects that
// stay inside the emulator until one leaves for the redirect URI. Returns the
// callback URL. A page instead of a redirect (the login form, the
// organization picker) fails the scenario with the page's title.
export async function headlessLogin(authorizationUrl, redirectUri = REDIRECT_URI) {
  let url = new URL(authorizationUrl);
  if (!url.searchParams.has('auto_login')) url.searchParams.set('auto_login', 'true');
  for (let hop = 0; hop < 10; hop++) {
    const res = await fetch(url, { redirect: 'manual' });
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      const next = new URL(location, url);
      if (next.href.startsWith(redirectUri)) return next;
      assert.equal(next.origin, emulator.origin, `redirected away from the emulator to ${next.href}`);
      url = next;
      continue;
    }
    const body = await res.text();
    const title = /<title>([^<]*)<\/title>/i.exec(body)?.[1];
    assert.fail(`headless login stopped at ${url.pathname}: ${res.status} ${title ?? body.slice(0, 300)}`);
  }
  assert.fail('headless login: more than 10 redirects');
}

// RFC 7662 introspection as a resource server calls it: the environment
// client id with the API key, form-encoded.
export async function introspect(token) {
  const res = await fetch(`${EMULATOR_URL}/oauth2/introspection`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: CLIENT_ID, client_secret: API_KEY, token }),
  });
  const text = await res.text();
  assert.equal(res.status, 200, `introspection: ${res.status} ${text}`);
  return JSON.parse(text);
}

// The claims of a JWT, without verifying it (the SDKs verify; tests read).
export function claims(jwt) {
  const [, payload] = jwt.split('.');
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
}

// Asserts that `promise` rejects with an instance of `Class` and returns the
// error for further assertions.
export async function rejectsWith(promise, Class) {
  let error;
  await assert.rejects(promise, (e) => {
    error = e;
    return true;
  });
  assert.ok(error instanceof Class, `expected ${Class.name}, got ${error?.constructor?.name}: ${error?.message}\n${JSON.stringify(error?.rawData ?? error?.response?.data ?? '')}`);
  return error;
}
