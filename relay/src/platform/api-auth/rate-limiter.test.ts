import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RateLimiter } from './rate-limiter.js';

test('each client gets its burst, then requests at the sustained rate, and is told how long to wait', () => {
  let now = 0;
  const limiter = new RateLimiter({ burst: 3, perMinute: 60, clock: () => now });
  for (let i = 0; i < 3; i++) assert.deepEqual(limiter.take('a'), { allowed: true });
  assert.deepEqual(limiter.take('a'), { allowed: false, retryAfterSeconds: 1 });
  assert.deepEqual(limiter.take('b'), { allowed: true }, 'buckets are per client');
  now += 1_000;
  assert.deepEqual(limiter.take('a'), { allowed: true }, 'one request per second refills');
  assert.equal(limiter.take('a').allowed, false);
  now += 60_000;
  for (let i = 0; i < 3; i++) assert.equal(limiter.take('a').allowed, true, 'never more than the burst after a pause');
  assert.equal(limiter.take('a').allowed, false);
});

test('a slow rate asks for a longer wait', () => {
  const limiter = new RateLimiter({ burst: 1, perMinute: 2, clock: () => 0 });
  limiter.take('a');
  assert.deepEqual(limiter.take('a'), { allowed: false, retryAfterSeconds: 30 });
});
