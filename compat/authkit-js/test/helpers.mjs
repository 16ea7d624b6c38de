// Shared helpers: the emulator's control plane and introspection over plain
// HTTP, and a headless Debian Chromium (playwright-core drives it; no
// browser is downloaded) that records every console error, uncaught
// exception, failed request and HTTP error of every page it shows.
import assert from 'node:assert/strict';
import { EventEmitter, once } from 'node:events';
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';

// The emulator under test, started by scripts/compat-authkit-js.sh with the
// public URL http://localhost:<port>.
export const EMULATOR_URL = (() => {
  const raw = process.env.EMULATOR_URL;
  if (!raw) throw new Error('EMULATOR_URL is not set: run the suite through scripts/compat-authkit-js.sh');
  return raw.replace(/\/+$/, '');
})();

// The default world (fixtures/default.yaml).
export const CLIENT_ID = 'client_01JGG4A9SC2402TR1E5S95RGFY';
const API_KEY = 'sk_test_emulator';
export const ALICE = { id: 'user_01JGH00N0CRRAQG5E1V2EYRQ68', email: 'alice@example.com', password: 'wonderland' };
export const ACME = 'org_01JGJ5PDQQYSQW43DAPDSPEJEY';

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

// The claims of a JWT, without verifying it.
export function claims(jwt) {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));
}

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

// A headless Chromium with a fresh profile (playwright makes a new
// --user-data-dir for every launch).
export async function launchChromium() {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} not found: install Debian's chromium (scripts/compat-authkit-js.sh does) or set CHROMIUM`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    chromiumSandbox: false,
    args: ['--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

// Everything that went wrong in any page of the context, as readable lines.
export function recordProblems(context) {
  const problems = [];
  context.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error at ${m.location().url || m.page()?.url()}: ${m.text()}`);
  });
  context.on('weberror', (e) => problems.push(`uncaught exception: ${e.error()?.stack ?? e.error()}`));
  context.on('requestfailed', (r) => problems.push(`request failed: ${r.method()} ${r.url()}: ${r.failure()?.errorText}`));
  context.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.request().method()} ${r.url()}`);
  });
  return problems;
}

// Every browser request to an emulator endpoint (path), CORS preflights
// aside. Returns call(i): the i-th one (from 0), once the browser has made
// it (15 s at most) and has its response: { url, method, body (JSON),
// cookie (the Cookie header sent), status, headers, json }. call.count()
// says how many were made.
export function recordCalls(context, path) {
  const seen = [];
  const made = new EventEmitter();
  context.on('request', (req) => {
    const url = new URL(req.url());
    if (url.origin !== EMULATOR_URL || url.pathname !== path || req.method() === 'OPTIONS') return;
    seen.push(describe(req, url));
    made.emit('call');
  });
  const call = async (i) => {
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), 15_000);
    try {
      while (seen.length <= i) {
        await once(made, 'call', { signal: deadline.signal })
          .catch(() => assert.fail(`the browser made no request #${i + 1} to ${path} within 15 s`));
      }
    } finally {
      clearTimeout(timer);
    }
    return seen[i];
  };
  call.count = () => seen.length;
  return call;
}

async function describe(req, url) {
  const cookie = (await req.allHeaders()).cookie;
  const res = await req.response();
  const headers = res ? await res.allHeaders() : {};
  const json = (headers['content-type'] ?? '').includes('json') ? await res.json() : null;
  return { url, method: req.method(), body: req.postDataJSON(), cookie, status: res?.status(), headers, json };
}

// Waits until the application page has created its authkit-js client.
export async function appReady(page) {
  await page.locator('#status[data-ready="true"]').waitFor();
}
