import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hashClientSecret, newClientId, newClientSecret, verifyClientSecret } from './client-secrets.js';

test('a client secret is stored as a salted scrypt hash that only the secret matches', async () => {
  const secret = newClientSecret();
  assert.ok(secret.reveal().length >= 43, '256 random bits');
  assert.equal(String(secret), '[redacted]', 'a Secret, so it cannot reach a log by accident');
  const hash = await hashClientSecret(secret);
  assert.match(hash, /^scrypt\$16384\$8\$1\$[\w-]+\$[\w-]+$/);
  assert.ok(!hash.includes(secret.reveal()));
  assert.notEqual(await hashClientSecret(secret), hash, 'salted: the same secret hashes differently');
  assert.equal(await verifyClientSecret(secret.reveal(), hash), true);
  assert.equal(await verifyClientSecret(newClientSecret().reveal(), hash), false);
  assert.equal(await verifyClientSecret(secret.reveal(), 'plain-text'), false, 'only hashes this module wrote');
  assert.match(newClientId(), /^grc_[0-9a-f]{16}$/);
});
