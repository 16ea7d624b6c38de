// Shared helpers of the @workos/authkit-session suite: the library set up
// the way a server framework integration sets it up (configure() pointed at
// the emulator, a cookie storage adapter over web-standard Request objects),
// and plain-HTTP helpers for what a browser and the control plane do.
import assert from 'node:assert/strict';
import { CookieSessionStorage, configure, createAuthService } from '@workos/authkit-session';

// The emulator under test, started by scripts/compat-authkit-session.sh.
export const EMULATOR_URL = (() => {
  const raw = process.env.EMULATOR_URL;
  if (!raw) throw new Error('EMULATOR_URL is not set: run the suite through scripts/compat-authkit-session.sh');
  return raw.replace(/\/+$/, '');
})();
const emulator = new URL(EMULATOR_URL);

// The default world (fixtures/default.yaml).
export const CLIENT_ID = 'client_01JGG4A9SC2402TR1E5S95RGFY';
const API_KEY = 'sk_test_emulator';
export const REDIRECT_URI = 'http://localhost:3000/callback';
export const LOGOUT_RETURN_TO = 'http://localhost:3000';
export const COOKIE_PASSWORD = 'compat-suite-cookie-password-at-least-32-characters';
export const ALICE = { id: 'user_01JGH00N0CRRAQG5E1V2EYRQ68', email: 'alice@example.com', password: 'wonderland' };
export const ACME = 'org_01JGJ5PDQQYSQW43DAPDSPEJEY';
export const ADMIN_PERMISSIONS = ['users:read', 'users:write', 'billing:manage'];

// Configuration in code only: the second argument (a value source that
// knows nothing) keeps stray WORKOS_* environment variables out.
configure({
  clientId: CLIENT_ID,
  apiKey: API_KEY,
  redirectUri: REDIRECT_URI,
  cookiePassword: COOKIE_PASSWORD,
  apiHostname: emulator.hostname,
  apiHttps: emulator.protocol === 'https:',
  apiPort: Number(emulator.port) || undefined,
}, () => undefined);

// The storage adapter a framework writes (the README's): cookies are read
// from a web-standard Request; writes come back as Set-Cookie headers.
class RequestCookies extends CookieSessionStorage {
  async getCookie(request, name) {
    for (const part of (request.headers.get('cookie') ?? '').split(/;\s*/)) {
      const eq = part.indexOf('=');
      if (part.slice(0, eq) === name) return decodeURIComponent(part.slice(eq + 1));
    }
    return null;
  }
}

export const authService = createAuthService({ sessionStorageFactory: (config) => new RequestCookies(config) });

// A request of the browser to the application, carrying these Set-Cookie
// values back as cookies (name=value only).
export function browserRequest(url, ...setCookies) {
  const cookie = setCookies.flat().map((c) => c.split(';')[0]).join('; ');
  return new Request(url, { headers: cookie ? { cookie } : {} });
}

// The Set-Cookie values of a headers bag, as an array.
export function setCookies(headers) {
  const value = headers?.['Set-Cookie'] ?? headers?.['set-cookie'] ?? [];
  return Array.isArray(value) ? value : [value];
}

// The hosted login as a browser does it, in plain HTTP: GET the
// authorization URL (a redirect to the hosted page), GET the page, POST its
// password form with every hidden field and the cookies the page set (the
// form's CSRF token must match its cookie), and follow redirects until one
// leaves the emulator. Returns that URL (the application's callback).
export async function hostedLogin(authorizationUrl, { email, password }) {
  const authorize = await fetch(authorizationUrl, { redirect: 'manual' });
  assert.equal(authorize.status, 302, `authorize: ${authorize.status} ${await authorize.text()}`);
  const loginUrl = new URL(authorize.headers.get('location'), authorizationUrl);
  assert.equal(loginUrl.pathname, '/authkit/login');
  const page = await fetch(loginUrl);
  const html = await page.text();
  assert.equal(page.status, 200);
  const form = html.split('<form').find((f) => f.includes('name="password"'));
  assert.ok(form, 'the hosted login page has a password form');
  const fields = new URLSearchParams();
  for (const [, name, value] of form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) fields.set(name, value);
  fields.set('email', email);
  fields.set('password', password);
  const cookie = page.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  let res = await fetch(new URL(/action="([^"]+)"/.exec(form)[1], loginUrl), {
    method: 'POST', body: fields, redirect: 'manual', headers: cookie ? { cookie } : {},
  });
  for (let hop = 0; hop < 5; hop++) {
    const location = res.headers.get('location');
    assert.ok(res.status >= 300 && res.status < 400 && location, `the hosted login stopped: ${res.status} ${(await res.text()).slice(0, 300)}`);
    const next = new URL(location, EMULATOR_URL);
    if (next.origin !== emulator.origin) return next;
    res = await fetch(next, { redirect: 'manual' });
  }
  assert.fail('the hosted login: more than 5 redirects');
}

// A whole server-side sign-in: the authorization URL with its PKCE verifier
// cookie, the hosted login, and the callback that seals the session cookie.
export async function signIn(user = ALICE) {
  const signInUrl = await authService.createSignIn(undefined, { returnPathname: '/dashboard' });
  const callback = await hostedLogin(signInUrl.url, user);
  const request = browserRequest(callback, setCookies(signInUrl.headers));
  const result = await authService.handleCallback(request, undefined, {
    code: callback.searchParams.get('code'),
    state: callback.searchParams.get('state'),
  });
  const [sessionCookie] = setCookies(result.headers);
  return { signInUrl, callback, result, sessionCookie };
}

export async function control(method, path, body) {
  const res = await fetch(`${EMULATOR_URL}${path}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  assert.ok(res.ok, `${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

// RFC 7662 introspection, as a resource server calls it.
export async function introspect(token) {
  const res = await fetch(`${EMULATOR_URL}/oauth2/introspection`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: CLIENT_ID, client_secret: API_KEY, token }),
  });
  assert.equal(res.status, 200, `introspection: ${res.status}`);
  return res.json();
}

// The claims of a JWT, without verifying it (the library verifies).
export function claims(jwt) {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));
}
