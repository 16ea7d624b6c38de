// @workos-inc/node against the emulator's Events API and webhooks: the
// events the SDK's own calls cause, listed with events.listEvents and its
// filters; webhook endpoints managed with webhooks.*Endpoint; deliveries
// received by a real HTTP server and verified with webhooks.constructEvent
// (which recomputes the signature over JSON.stringify of the parsed body,
// so the emulator must send exactly what JSON.stringify writes, U+2028
// included).
import { beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { NotFoundException, SignatureVerificationException } from '@workos-inc/node';
import { EMULATOR_URL, rejectsWith, reset, workos } from './helpers.mjs';

beforeEach(reset);

// A webhook receiver on a loopback port: next() resolves with the next POST.
async function receiver() {
  const queue = [];
  const waiting = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      res.writeHead(200).end();
      const hit = { headers: req.headers, body };
      const w = waiting.shift();
      if (w) w(hit); else queue.push(hit);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/webhooks/workos`,
    next: () => (queue.length ? Promise.resolve(queue.shift()) : new Promise((resolve) => waiting.push(resolve))),
    pending: () => queue.length,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

async function flush() {
  const res = await fetch(`${EMULATOR_URL}/_emulator/webhooks/flush`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}',
  });
  assert.equal(res.status, 200);
}

describe('events', () => {
  test('listEvents sees the changes the SDK made, in order, with its filters', async () => {
    const client = workos();
    const user = await client.userManagement.createUser({ email: 'events@example.com', firstName: 'Eve' });
    const org = await client.organizations.createOrganization({ name: 'Eventful' });
    await client.userManagement.createOrganizationMembership({ userId: user.id, organizationId: org.id });
    await client.userManagement.updateUser({ userId: user.id, lastName: 'Nts' });

    const all = await client.events.listEvents({ events: ['user.created', 'organization.created', 'organization_membership.created', 'user.updated'] });
    assert.deepEqual(all.data.map((e) => e.event),
      ['user.created', 'organization.created', 'organization_membership.created', 'user.updated']);
    assert.equal(all.data[0].data.email, 'events@example.com');
    assert.equal(all.data[3].data.lastName, 'Nts');
    assert.equal(all.data[2].data.organizationId, org.id);

    const users = await client.events.listEvents({ events: ['user.updated'] });
    assert.deepEqual(users.data.map((e) => e.id), [all.data[3].id]);
    const ofOrg = await client.events.listEvents({ events: ['organization.created', 'organization_membership.created'], organizationId: org.id });
    assert.equal(ofOrg.data.length, 2);
    const rest = await client.events.listEvents({ events: ['user.created', 'user.updated'], after: all.data[0].id });
    assert.deepEqual(rest.data.map((e) => e.event), ['user.updated']);
    const window = await client.events.listEvents({
      events: ['user.created'], rangeStart: new Date(Date.now() - 60_000).toISOString(), rangeEnd: new Date(Date.now() + 60_000).toISOString(),
    });
    assert.equal(window.data.length, 1);
  });
});

describe('webhooks', () => {
  test('a signed delivery that constructEvent accepts, endpoint management, disabled endpoints get nothing', async () => {
    const client = workos();
    const rcv = await receiver();
    try {
      const endpoint = await client.webhooks.createWebhookEndpoint({ endpointUrl: rcv.url, events: ['user.created', 'user.updated'] });
      assert.match(endpoint.id, /^we_/);
      assert.match(endpoint.secret, /^whsec_/);
      assert.equal(endpoint.status, 'enabled');

      // A name with U+2028 and U+2029: Go escapes them by default,
      // JSON.stringify does not.
      const user = await client.userManagement.createUser({ email: 'hooked@example.com', firstName: 'Line\u2028Para\u2029', lastName: '<&>' });
      const hit = await rcv.next();
      const event = await client.webhooks.constructEvent({
        payload: JSON.parse(hit.body), sigHeader: hit.headers['workos-signature'], secret: endpoint.secret,
      });
      assert.equal(event.event, 'user.created');
      assert.equal(event.data.id, user.id);
      assert.equal(event.data.firstName, 'Line\u2028Para\u2029');
      const listed = await client.events.listEvents({ events: ['user.created'] });
      assert.equal(listed.data.at(-1).id, event.id);

      const tampered = { ...JSON.parse(hit.body), event: 'user.deleted' };
      await rejectsWith(client.webhooks.constructEvent({ payload: tampered, sigHeader: hit.headers['workos-signature'], secret: endpoint.secret }),
        SignatureVerificationException);
      await rejectsWith(client.webhooks.constructEvent({ payload: JSON.parse(hit.body), sigHeader: hit.headers['workos-signature'], secret: 'whsec_wrong' }),
        SignatureVerificationException);

      const list = await client.webhooks.listWebhookEndpoints();
      assert.deepEqual(list.data.map((e) => e.id), [endpoint.id]);
      const disabled = await client.webhooks.updateWebhookEndpoint({ id: endpoint.id, status: 'disabled' });
      assert.equal(disabled.status, 'disabled');
      await client.userManagement.updateUser({ userId: user.id, firstName: 'Quiet' });
      await flush();
      assert.equal(rcv.pending(), 0, 'a disabled endpoint received a webhook');

      await client.webhooks.updateWebhookEndpoint({ id: endpoint.id, status: 'enabled' });
      await client.userManagement.updateUser({ userId: user.id, firstName: 'Loud' });
      const again = await rcv.next();
      const updated = await client.webhooks.constructEvent({
        payload: JSON.parse(again.body), sigHeader: again.headers['workos-signature'], secret: endpoint.secret,
      });
      assert.equal(updated.event, 'user.updated');
      assert.equal(updated.data.firstName, 'Loud');

      await client.webhooks.deleteWebhookEndpoint({ id: endpoint.id });
      await rejectsWith(client.webhooks.deleteWebhookEndpoint({ id: endpoint.id }), NotFoundException);
    } finally {
      await rcv.close();
    }
  });
});
