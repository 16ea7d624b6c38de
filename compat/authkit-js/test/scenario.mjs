// The authkit-js scenario, run once per mode (dev-mode.test.mjs and
// cookie-mode.test.mjs): signIn() through the hosted login page, the code
// exchanged from the page (CORS), a reload that resumes the session, a
// refresh when the access token expires, signOut(); and not one console
// error, failed request or HTTP error on any page along the way.
import assert from 'node:assert/strict';
import { startApp } from './app-server.mjs';
import { ACME, ALICE, CLIENT_ID, EMULATOR_URL, appReady, claims, control, introspect, launchChromium, recordCalls, recordProblems } from './helpers.mjs';

const REFRESH_KEY = `workos:refresh-token:${CLIENT_ID}`; // authkit-js's localStorage key (devMode)

export async function scenario({ devMode }) {
  await control('POST', '/_emulator/reset');
  const app = await startApp({ emulatorUrl: EMULATOR_URL, clientId: CLIENT_ID, devMode });
  const browser = await launchChromium();
  try {
    const context = await browser.newContext();
    await context.clock.install(); // the page's clock: moved below together with the emulator's
    const problems = recordProblems(context);
    const authorize = recordCalls(context, '/user_management/authorize');
    const authenticate = recordCalls(context, '/user_management/authenticate');
    const logout = recordCalls(context, '/user_management/sessions/logout');
    const page = await context.newPage();
    const storedRefreshToken = () => page.evaluate((key) => localStorage.getItem(key), REFRESH_KEY);

    await page.goto(`${app.origin}/`);
    await appReady(page);
    assert.equal(await page.evaluate(() => authkit.getUser()), null, 'signed out at first');

    // signIn() sends the browser to the hosted login page, with PKCE.
    await page.evaluate(() => { authkit.signIn({ state: { from: 'compat' } }); });
    await page.waitForURL((u) => u.pathname === '/authkit/login');
    const q = (await authorize(0)).url.searchParams;
    assert.deepEqual(
      [q.get('client_id'), q.get('provider'), q.get('response_type'), q.get('redirect_uri'), q.get('code_challenge_method'), q.get('state')],
      [CLIENT_ID, 'authkit', 'code', `${app.origin}/callback`, 'S256', '{"from":"compat"}']);
    assert.match(q.get('code_challenge'), /^[A-Za-z0-9_-]{43}$/);
    await page.fill('#email', ALICE.email);
    await page.fill('#password', ALICE.password);
    await page.click('#sign-in');

    // Back at the redirect URI: authkit-js exchanged the code from the page.
    await page.waitForURL((u) => u.origin === app.origin && u.pathname === '/callback');
    await appReady(page);
    assert.equal(new URL(page.url()).search, '', 'authkit-js removes code and state from the URL');
    const exchange = await authenticate(0);
    assert.equal(exchange.status, 200, `code exchange: ${JSON.stringify(exchange.json)}`);
    assert.deepEqual(Object.keys(exchange.body).sort(), ['client_id', 'code', 'code_verifier', 'grant_type'], 'a public client: no secret');
    assert.equal(exchange.body.grant_type, 'authorization_code');
    assert.equal(exchange.headers['access-control-allow-origin'], app.origin);
    if (!devMode) assert.equal(exchange.headers['access-control-allow-credentials'], 'true', 'credentials: include needs it');
    const user = await page.evaluate(() => authkit.getUser());
    assert.deepEqual([user?.id, user?.email, user?.firstName], [ALICE.id, ALICE.email, 'Alice']);
    const first = await page.evaluate(() => authkit.getAccessToken());
    const c = claims(first);
    assert.deepEqual([c.iss, c.sub, c.org_id, c.role, c.exp - c.iat], [`${EMULATOR_URL}/user_management/${CLIENT_ID}`, ALICE.id, ACME, 'admin', 300]);
    assert.match(c.sid, /^session_[0-9A-Z]{26}$/);
    assert.equal((await introspect(first)).active, true);
    let apiCookies = [];
    if (devMode) {
      assert.equal(await storedRefreshToken(), exchange.json.refresh_token, 'devMode keeps the refresh token in localStorage');
    } else {
      assert.equal(await storedRefreshToken(), null, 'devMode:false never stores the refresh token in localStorage');
      apiCookies = await assertCookieSession(context, page, exchange);
    }
    const sentApiCookies = (call) => apiCookies.every((name) => (call.cookie ?? '').split(/;\s*/).some((kv) => kv.startsWith(`${name}=`)));

    // A reload resumes the session: authkit-js refreshes as the page loads.
    await page.reload();
    await appReady(page);
    const resume = await authenticate(1);
    assert.equal(resume.status, 200, `refresh on load: ${JSON.stringify(resume.json)}`);
    assert.equal(resume.body.grant_type, 'refresh_token');
    if (devMode) assert.equal(resume.body.refresh_token, exchange.json.refresh_token);
    else assert.ok(!('refresh_token' in resume.body) && sentApiCookies(resume), 'devMode:false sends the refresh token only as a cookie');
    assert.equal((await page.evaluate(() => authkit.getUser()))?.id, ALICE.id, 'the session survives a reload');

    // The access token expires (the emulator's clock and the page's move 6
    // minutes on): getAccessToken() refreshes it, in the same session.
    const before = await page.evaluate(() => authkit.getAccessToken());
    await control('POST', '/_emulator/clock', { advance: '6m' });
    assert.equal((await introspect(before)).active, false, 'expired by the emulator clock');
    await page.clock.fastForward('06:00');
    const after = await page.evaluate(() => authkit.getAccessToken());
    assert.notEqual(after, before);
    const refresh = await authenticate(2);
    assert.equal(refresh.status, 200, `refresh: ${JSON.stringify(refresh.json)}`);
    if (devMode) {
      assert.equal(refresh.body.refresh_token, resume.json.refresh_token, 'the rotated refresh token');
      assert.equal(await storedRefreshToken(), refresh.json.refresh_token);
    } else {
      assert.ok(sentApiCookies(refresh), 'the refresh carried the HttpOnly cookie');
    }
    assert.equal(claims(after).sid, c.sid);
    assert.ok(claims(after).iat >= claims(before).iat + 360, 'minted by the moved clock');
    assert.equal((await introspect(after)).active, true);
    assert.equal(authenticate.count(), 3, 'one refresh, not more');

    // signOut() ends the session at the emulator and comes back to returnTo.
    await page.evaluate(() => { authkit.signOut({ returnTo: `${location.origin}/` }); });
    await page.waitForURL(`${app.origin}/`);
    await appReady(page);
    const out = await logout(0);
    assert.deepEqual([out.status, out.url.searchParams.get('session_id')], [302, c.sid]);
    assert.equal(await page.evaluate(() => authkit.getUser()), null);
    assert.equal((await control('GET', `/_emulator/sessions/${c.sid}`)).status, 'revoked');
    assert.equal((await introspect(after)).active, false, 'a signed-out session has no live token');
    if (devMode) assert.equal(await storedRefreshToken(), null);
    else assert.deepEqual(await sessionCookies(context, page), { hasSession: [], apiHttpOnly: [] }, 'sign-out clears both cookies');
    assert.equal(authenticate.count(), 3, 'nothing tried to refresh after sign-out');

    assert.deepEqual(problems, [], `the pages logged errors:\n${problems.join('\n')}`);
  } finally {
    await browser.close();
    await app.close();
  }
}

// The cookies of a devMode:false session: the workos-has-session values the
// page can read, and the HttpOnly cookies the browser sends to the API's
// authenticate endpoint.
async function sessionCookies(context, page) {
  const visible = await page.evaluate(() => document.cookie);
  const hasSession = [...visible.matchAll(/(?:^|;\s*)workos-has-session=([^;]*)/g)].map((m) => m[1]);
  const apiHttpOnly = (await context.cookies(`${EMULATOR_URL}/user_management/authenticate`)).filter((k) => k.httpOnly).map((k) => k.name);
  return { hasSession, apiHttpOnly };
}

// devMode:false (WorkOS with a custom auth domain): the code exchange's
// answer sets an HttpOnly cookie on the API host that carries the refresh
// token, and a workos-has-session cookie the page reads (document.cookie)
// listing client ids separated by '.'; without it authkit-js never tries to
// resume a session on load.
async function assertCookieSession(context, page, exchange) {
  const { hasSession, apiHttpOnly } = await sessionCookies(context, page);
  const setCookie = exchange.headers['set-cookie'] ?? '(no Set-Cookie header)';
  assert.ok(hasSession.some((v) => v.split('.').includes(CLIENT_ID)),
    `devMode:false: the page sees no workos-has-session cookie listing ${CLIENT_ID} (document.cookie has ${JSON.stringify(hasSession)}); ` +
    `the emulator's authorization_code answer set: ${setCookie}`);
  assert.ok(apiHttpOnly.length > 0, `devMode:false: the API host set no HttpOnly refresh-token cookie; its answer set: ${setCookie}`);
  return apiHttpOnly;
}
