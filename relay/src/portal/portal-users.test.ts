import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Secret } from '../platform/config/secret.js';
import { openRelayDatabase } from '../platform/db/relay-database.js';
import { PortalUsers } from './portal-users.js';

test('accounts: hashed passwords, one per name, role changes and removal end sessions', async () => {
  const db = openRelayDatabase(':memory:');
  let now = 1_000;
  const users = new PortalUsers(db, () => now);
  await users.add('Alice', new Secret('a long passphrase'), 'operator');
  const stored = db.prepare(`SELECT password_hash FROM portal_users`).get() as { password_hash: string };
  assert.match(stored.password_hash, /^scrypt\$16384\$8\$1\$/);
  assert.ok(!stored.password_hash.includes('a long passphrase'));

  assert.equal((await users.verify('alice', 'a long passphrase'))?.username, 'Alice', 'names are case-insensitive');
  assert.equal(await users.verify('Alice', 'a wrong passphrase'), undefined);
  assert.equal(await users.verify('nobody', 'a long passphrase'), undefined);
  await assert.rejects(users.add('ALICE', new Secret('another passphrase'), 'viewer'), { code: 'PORTAL_USER_EXISTS' });
  await assert.rejects(users.add('bob', new Secret('short'), 'viewer'), {
    code: 'PORTAL_USER_INVALID',
    message: /at least 12/,
  });
  await assert.rejects(users.add('bad name!', new Secret('long enough pass'), 'viewer'), {
    code: 'PORTAL_USER_INVALID',
  });

  now = 2_000;
  assert.equal(users.setRole('alice', 'viewer').sessionsValidFrom, 2_000);
  now = 3_000;
  await users.setPassword('alice', new Secret('a new passphrase!'));
  assert.equal(users.get('alice')?.sessionsValidFrom, 3_000);
  assert.equal(await users.verify('alice', 'a long passphrase'), undefined, 'the old password no longer works');
  users.remove('alice');
  assert.deepEqual(users.list(), []);
  assert.throws(() => users.remove('alice'), { code: 'PORTAL_USER_NOT_FOUND' });
  db.close();
});
