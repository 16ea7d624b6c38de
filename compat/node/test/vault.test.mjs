// @workos-inc/node's vault module against the emulator's WorkOS Vault:
// objects (create, read by id and by name, describe, update with a version
// check, versions, list, delete) and data keys (create, decrypt, rekey),
// and the SDK's local encrypt/decrypt helpers, which seal with a data key
// the emulator issued and open with the one it decrypts.
import { beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConflictException, NotFoundException, OauthException } from '@workos-inc/node';
import { ACME, GLOBEX, rejectsWith, reset, workos } from './helpers.mjs';

beforeEach(reset);

describe('vault objects', () => {
  test('create, read, describe, update with versionCheck, versions, delete', async () => {
    const client = workos();
    const created = await client.vault.createObject({ name: 'db-password', value: 's3cr3t', context: { organization_id: ACME } });
    assert.ok(created.id && created.keyId && created.versionId, JSON.stringify(created));
    assert.deepEqual(created.context, { organization_id: ACME });
    assert.ok(created.updatedAt instanceof Date && !Number.isNaN(created.updatedAt.getTime()));

    const read = await client.vault.readObject({ id: created.id });
    assert.equal(read.value, 's3cr3t');
    assert.equal(read.name, 'db-password');
    assert.equal(read.metadata.versionId, created.versionId);
    const byName = await client.vault.readObjectByName('db-password');
    assert.equal(byName.id, created.id);
    const described = await client.vault.describeObject({ id: created.id });
    assert.equal(described.value, undefined);
    assert.equal(described.metadata.keyId, created.keyId);

    const updated = await client.vault.updateObject({ id: created.id, value: 'n3w', versionCheck: created.versionId });
    assert.notEqual(updated.metadata.versionId, created.versionId);
    await rejectsWith(client.vault.updateObject({ id: created.id, value: 'stale', versionCheck: created.versionId }), ConflictException);
    assert.equal((await client.vault.readObject({ id: created.id })).value, 'n3w');

    const versions = await client.vault.listObjectVersions({ id: created.id });
    assert.equal(versions.length, 2);
    assert.equal(versions[0].currentVersion, true);
    assert.equal(versions[1].id, created.versionId);
    assert.match(versions[1].etag, /^[0-9a-f]{32}$/);

    await rejectsWith(client.vault.deleteObject({ id: created.id, versionCheck: created.versionId }), ConflictException);
    await client.vault.deleteObject({ id: created.id });
    await rejectsWith(client.vault.readObject({ id: created.id }), NotFoundException);
    await rejectsWith(client.vault.readObjectByName('db-password'), NotFoundException);
  });

  test('a duplicate name is a conflict', async () => {
    const client = workos();
    await client.vault.createObject({ name: 'twice', value: 'a', context: { organization_id: ACME } });
    await rejectsWith(client.vault.createObject({ name: 'twice', value: 'b', context: { organization_id: ACME } }), ConflictException);
  });

  test('listObjects pages by cursor and auto-paginates', async () => {
    const client = workos();
    for (let i = 0; i < 5; i++) {
      await client.vault.createObject({ name: `secret-${i}`, value: 'v', context: { tenant: 't' } });
    }
    const first = await client.vault.listObjects({ limit: 2 });
    assert.equal(first.data.length, 2);
    assert.ok(first.listMetadata.after);
    const second = await client.vault.listObjects({ limit: 2, after: first.listMetadata.after });
    assert.equal(second.data.length, 2);
    assert.notDeepEqual(second.data.map((o) => o.id), first.data.map((o) => o.id));
    const all = await (await client.vault.listObjects()).autoPagination();
    assert.deepEqual(all.map((o) => o.name).sort(), ['secret-0', 'secret-1', 'secret-2', 'secret-3', 'secret-4']);
    const found = await client.vault.listObjects({ search: 'secret-3' });
    assert.deepEqual(found.data.map((o) => o.name), ['secret-3']);
  });
});

describe('vault data keys', () => {
  test('createDataKey, decryptDataKey and createRekey', async () => {
    const client = workos();
    const pair = await client.vault.createDataKey({ context: { organization_id: ACME } });
    assert.equal(Buffer.from(pair.dataKey.key, 'base64').length, 32);
    assert.deepEqual(pair.context, { organization_id: ACME });
    const decrypted = await client.vault.decryptDataKey({ keys: pair.encryptedKeys });
    assert.deepEqual(decrypted, pair.dataKey);

    const rekeyed = await client.vault.createRekey({ encryptedKeys: pair.encryptedKeys, context: { organization_id: GLOBEX } });
    assert.equal(rekeyed.id, pair.dataKey.id);
    assert.equal(rekeyed.dataKey, pair.dataKey.key);
    assert.notEqual(rekeyed.encryptedKeys, pair.encryptedKeys);
    assert.deepEqual(await client.vault.decryptDataKey({ keys: rekeyed.encryptedKeys }), pair.dataKey);

    const forged = Buffer.from(pair.encryptedKeys, 'base64');
    forged[forged.length - 1] ^= 1;
    await rejectsWith(client.vault.decryptDataKey({ keys: forged.toString('base64') }), OauthException);
  });

  test('encrypt and decrypt round-trip through the emulator\'s data keys', async () => {
    const client = workos();
    const ciphertext = await client.vault.encrypt('4242 4242 4242 4242', { organization_id: ACME }, 'user_1');
    assert.equal(await client.vault.decrypt(ciphertext, 'user_1'), '4242 4242 4242 4242');
    await assert.rejects(client.vault.decrypt(ciphertext, 'user_2'), 'other associated data must not decrypt');
    const noAad = await client.vault.encrypt('plain', { organization_id: GLOBEX });
    assert.equal(await client.vault.decrypt(noAad), 'plain');
  });
});
