import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiClientError, ApiClientStore } from './api-client-store.js';
import { openRelayDatabase } from '../db/relay-database.js';

function code(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof ApiClientError, String(error));
    return error.code;
  }
  assert.fail('accepted');
}

test('one active client: create, rotate its secret hash, revoke it, then create a new one', () => {
  const store = new ApiClientStore(openRelayDatabase(':memory:'));
  assert.equal(store.active(), undefined);
  assert.equal(
    code(() => store.rotate('h')),
    'NO_ACTIVE_API_CLIENT',
  );
  assert.equal(
    code(() => store.revoke()),
    'NO_ACTIVE_API_CLIENT',
  );

  const created = store.create('grc_1', 'hash-1', 1_000);
  assert.deepEqual(created, {
    clientId: 'grc_1',
    secretHash: 'hash-1',
    status: 'active',
    createdAt: 1_000,
    secretSetAt: 1_000,
    revokedAt: undefined,
  });
  assert.equal(
    code(() => store.create('grc_2', 'hash-2')),
    'API_CLIENT_EXISTS',
  );

  const rotated = store.rotate('hash-1b', 2_000);
  assert.equal(rotated.secretHash, 'hash-1b');
  assert.equal(rotated.secretSetAt, 2_000);
  assert.equal(rotated.clientId, 'grc_1', 'the client id stays');

  const revoked = store.revoke(3_000);
  assert.equal(revoked.status, 'revoked');
  assert.equal(revoked.secretHash, undefined, 'no hash is left that a secret could match');
  assert.equal(store.active(), undefined);
  assert.equal(store.find('grc_1')?.revokedAt, 3_000);

  store.create('grc_2', 'hash-2', 4_000);
  assert.equal(store.active()?.clientId, 'grc_2');
  assert.equal(store.find('grc_1')?.status, 'revoked', 'a revoked client stays revoked');
});
