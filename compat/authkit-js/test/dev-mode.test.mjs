// authkit-js with devMode: true: the refresh token lives in localStorage.
import { test } from 'node:test';
import { scenario } from './scenario.mjs';

test('authkit-js devMode:true in Chromium: hosted sign-in, code exchange from the page, reload, refresh, sign-out, no console errors', { timeout: 120_000 }, () =>
  scenario({ devMode: true }));
