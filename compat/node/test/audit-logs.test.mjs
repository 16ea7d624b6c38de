// @workos-inc/node's auditLogs against the emulator: schemas (versioned),
// events validated against them (the SDK's typed errors), Idempotency-Key,
// exports whose CSV downloads from the presigned URL without the API key,
// and retention.
import { beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BadRequestException, GenericServerException, NotFoundException, UnprocessableEntityException } from '@workos-inc/node';
import { ACME, ALICE, rejectsWith, reset, workos } from './helpers.mjs';

beforeEach(reset);

const event = (overrides = {}) => ({
  action: 'invoice.paid',
  occurredAt: new Date('2026-01-10T09:00:00.000Z'),
  actor: { id: ALICE.id, type: 'user', name: 'Alice', metadata: { role: 'admin' } },
  targets: [{ id: 'inv_1', type: 'invoice', metadata: { cost: 12 } }],
  context: { location: '203.0.113.7', userAgent: 'Compat/1.0' },
  metadata: { transactionId: 'tx_001' },
  ...overrides,
});

async function createSchema(client) {
  return client.auditLogs.createSchema({
    action: 'invoice.paid',
    actor: { metadata: { role: 'string' } },
    targets: [{ type: 'invoice', metadata: { cost: 'number' } }],
    metadata: { transactionId: 'string' },
  });
}

async function exportRows(client, options = {}) {
  const created = await client.auditLogs.createExport({
    organizationId: ACME, rangeStart: new Date('2026-01-01T00:00:00Z'), rangeEnd: new Date('2026-02-01T00:00:00Z'), ...options,
  });
  assert.equal(created.state, 'pending');
  const ready = await client.auditLogs.getExport(created.id);
  assert.equal(ready.state, 'ready');
  const res = await fetch(ready.url); // presigned: no Authorization header
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/csv/);
  return (await res.text()).trim().split('\n');
}

describe('auditLogs', () => {
  test('createSchema makes versions, listSchemas lists them', async () => {
    const client = workos();
    const v1 = await createSchema(client);
    assert.equal(v1.object, 'audit_log_schema');
    assert.equal(v1.version, 1);
    assert.deepEqual(v1.actor, { metadata: { role: 'string' } });
    assert.deepEqual(v1.targets, [{ type: 'invoice', metadata: { cost: 'number' } }]);
    assert.deepEqual(v1.metadata, { transactionId: 'string' });
    const v2 = await createSchema(client);
    assert.equal(v2.version, 2);
    const list = await client.auditLogs.listSchemas('invoice.paid');
    assert.deepEqual(list.data.map((s) => s.version), [2, 1]);
    await rejectsWith(client.auditLogs.createSchema({ action: 'invoice.paid', targets: [] }), UnprocessableEntityException);
  });

  test('createEvent validates against the schema and is idempotent', async () => {
    const client = workos();
    await createSchema(client);
    await client.auditLogs.createEvent(ACME, event());
    await client.auditLogs.createEvent(ACME, event(), { idempotencyKey: 'compat-key-1' });
    await client.auditLogs.createEvent(ACME, event(), { idempotencyKey: 'compat-key-1' }); // replayed: no second event
    // A 400 without an errors list: the SDK's GenericServerException.
    const reused = await rejectsWith(
      client.auditLogs.createEvent(ACME, event({ metadata: { transactionId: 'tx_002' } }), { idempotencyKey: 'compat-key-1' }),
      GenericServerException);
    assert.equal(reused.status, 400);
    assert.equal(reused.rawData.code, 'idempotency_key_reused');

    const invalid = await rejectsWith(client.auditLogs.createEvent(ACME, event({ metadata: { transactionId: 7 } })), BadRequestException);
    assert.equal(invalid.code, 'invalid_audit_log_event');
    await rejectsWith(client.auditLogs.createEvent(ACME, event({ action: 'user.exploded' })), BadRequestException);
    await rejectsWith(client.auditLogs.createEvent('org_01JGK50000000000000000ZZZZ', event()), NotFoundException);
    await rejectsWith(client.auditLogs.createEvent(ACME, event({ actor: { name: 'nobody' } })), UnprocessableEntityException);

    const rows = await exportRows(client);
    assert.equal(rows.length, 3, `two events and the header: ${rows.join('\n')}`);
    assert.equal(rows[0], 'occurred_at,action,version,actor_id,actor_type,actor_name,actor_metadata,targets,target_types,target_ids,context_location,context_user_agent,metadata');
    assert.ok(rows[1].startsWith(`2026-01-10T09:00:00.000Z,invoice.paid,1,${ALICE.id},user,Alice,`), rows[1]);
    assert.ok(rows[1].includes('203.0.113.7,Compat/1.0'), rows[1]);
  });

  test('exports filter, and a missing export is a 404', async () => {
    const client = workos();
    await createSchema(client);
    await client.auditLogs.createEvent(ACME, event());
    assert.equal((await exportRows(client, { actions: ['user.signed_in'] })).length, 1);
    assert.equal((await exportRows(client, { actorIds: [ALICE.id] })).length, 2);
    await rejectsWith(client.auditLogs.getExport('audit_log_export_01JGK50000000000000000ZZZZ'), NotFoundException);
    const range = await rejectsWith(client.auditLogs.createExport({
      organizationId: ACME, rangeStart: new Date('2026-02-01T00:00:00Z'), rangeEnd: new Date('2026-01-01T00:00:00Z'),
    }), GenericServerException);
    assert.equal(range.status, 400);
    assert.equal(range.rawData.code, 'invalid_audit_log_export_range_date');
  });

  test('retention', async () => {
    const client = workos();
    assert.deepEqual(await client.auditLogs.getOrganizationAuditLogsRetention({ id: ACME }), { retentionPeriodInDays: 30 });
    assert.deepEqual(await client.auditLogs.updateOrganizationAuditLogsRetention({ id: ACME, retentionPeriod: '1_YEAR' }), { retentionPeriodInDays: 365 });
    assert.deepEqual(await client.auditLogs.getOrganizationAuditLogsRetention({ id: ACME }), { retentionPeriodInDays: 365 });
    await rejectsWith(client.auditLogs.getOrganizationAuditLogsRetention({ id: 'org_01JGK50000000000000000ZZZZ' }), NotFoundException);
  });
});
