// authkit-js with devMode: false (WorkOS with a custom auth domain): the
// refresh token lives in an HttpOnly cookie of the API host, and a readable
// workos-has-session cookie tells the page there is a session to resume.
import { test } from 'node:test';
import { scenario } from './scenario.mjs';

test('authkit-js devMode:false in Chromium: hosted sign-in, code exchange from the page, cookie refresh, sign-out, no console errors', { timeout: 120_000 }, () =>
  scenario({ devMode: false }));
