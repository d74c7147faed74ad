import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GentrackCallError, type GentrackCallFailure } from '../gentrack/gentrack-call-error.js';
import { failureFromResponse, failureFromTransportError } from '../gentrack/failure-classification.js';
import { decide, type Decision, type RetryPolicy } from './decide.js';
import { failureOf, type Failure } from './failure.js';

/** random() = 0.5: equal jitter gives three quarters of the step, so every delay below is exact. */
const policy: RetryPolicy = {
  maxAttempts: 5,
  initialBackoffMs: 1000,
  maxBackoffMs: 6000,
  breakerHalfOpenAfterMs: 10_000,
  unclassified: 'retry',
  random: () => 0.5,
};

const classified = (code: string, retryable: boolean, retryAfterMs?: number): Failure => ({
  kind: 'classified',
  code,
  message: `POST /v1/accounts: ${code}`,
  retryable,
  retryAfterMs,
});

test('a retryable 5xx retries with exponential backoff, one attempt more each time, up to the cap', () => {
  const delays = [0, 1, 2, 3].map((attempts) => decide(classified('SERVER_ERROR', true), attempts, policy));
  assert.deepEqual(delays, [
    { action: 'retry', delayMs: 750, attempts: 1, code: 'SERVER_ERROR', message: 'POST /v1/accounts: SERVER_ERROR' },
    { action: 'retry', delayMs: 1500, attempts: 2, code: 'SERVER_ERROR', message: 'POST /v1/accounts: SERVER_ERROR' },
    { action: 'retry', delayMs: 3000, attempts: 3, code: 'SERVER_ERROR', message: 'POST /v1/accounts: SERVER_ERROR' },
    // 8000 ms capped at 6000: 4500 with the jitter.
    { action: 'retry', delayMs: 4500, attempts: 4, code: 'SERVER_ERROR', message: 'POST /v1/accounts: SERVER_ERROR' },
  ]);
});

test('the jitter spreads a delay between half the step and the whole step', () => {
  const at = (random: number) => decide(classified('SERVER_ERROR', true), 1, { ...policy, random: () => random });
  assert.equal((at(0) as { delayMs: number }).delayMs, 1000);
  assert.equal((at(1) as { delayMs: number }).delayMs, 2000);
});

test('429 with Retry-After waits at least as long as asked, and longer when the backoff is longer', () => {
  assert.deepEqual(decide(classified('TOO_MANY_REQUESTS', true, 30_000), 0, policy), {
    action: 'retry',
    delayMs: 30_000,
    attempts: 1,
    code: 'TOO_MANY_REQUESTS',
    message: 'POST /v1/accounts: TOO_MANY_REQUESTS',
  });
  const short = decide(classified('TOO_MANY_REQUESTS', true, 100), 2, policy);
  assert.equal(short.action === 'retry' && short.delayMs, 3000);
});

test('a timeout is retried like any retryable failure', () => {
  const decision = decide(classified('TIMEOUT', true), 0, policy);
  assert.equal(decision.action, 'retry');
  assert.equal(decision.action === 'retry' && decision.code, 'TIMEOUT');
});

test('a 4xx (not retryable) is dead-lettered at once with its own code, whatever the attempts', () => {
  for (const attempts of [0, 3, 10]) {
    assert.deepEqual(decide(classified('BAD_REQUEST', false), attempts, policy), {
      action: 'dead-letter',
      code: 'BAD_REQUEST',
      message: 'POST /v1/accounts: BAD_REQUEST',
    });
  }
});

test('the last attempt is dead-lettered as RETRY_EXHAUSTED, naming the attempts and the last error', () => {
  assert.deepEqual(decide(classified('SERVER_ERROR', true, 5000), 4, policy), {
    action: 'dead-letter',
    code: 'RETRY_EXHAUSTED',
    message: 'gave up after 5 attempts; last error SERVER_ERROR: POST /v1/accounts: SERVER_ERROR',
  });
  assert.equal(decide(classified('SERVER_ERROR', true), 3, policy).action, 'retry', 'one attempt still left');
});

test('an open breaker waits at least its half-open time and spends no attempt', () => {
  const open: Failure = { kind: 'circuit-open', message: 'Gentrack circuit breaker is open' };
  assert.deepEqual(decide(open, 2, policy), {
    action: 'wait-for-breaker',
    delayMs: 10_000,
    attempts: 2,
    code: 'CIRCUIT_OPEN',
    message: 'Gentrack circuit breaker is open',
  });
  // A backoff longer than the half-open time wins; attempts 0 backs off as attempt 1.
  const slow = { ...policy, initialBackoffMs: 40_000, maxBackoffMs: 100_000 };
  assert.equal((decide(open, 0, slow) as { delayMs: number }).delayMs, 30_000);
});

test('an open breaker on an item that has used its attempts gives up as RETRY_EXHAUSTED with CIRCUIT_OPEN', () => {
  const open: Failure = { kind: 'circuit-open', message: 'Salesforce circuit breaker is open' };
  assert.deepEqual(decide(open, 5, policy), {
    action: 'dead-letter',
    code: 'RETRY_EXHAUSTED',
    message: 'gave up after 5 attempts; last error CIRCUIT_OPEN: Salesforce circuit breaker is open',
  });
});

test('an unclassified error retries as INTERNAL_ERROR, or is raised, as the policy says', () => {
  const bug = new TypeError('x is undefined');
  const failure: Failure = { kind: 'unclassified', message: 'upsert Account: x is undefined', error: bug };
  assert.deepEqual(decide(failure, 0, policy), {
    action: 'retry',
    delayMs: 750,
    attempts: 1,
    code: 'INTERNAL_ERROR',
    message: 'upsert Account: x is undefined',
  });
  assert.deepEqual(decide(failure, 4, policy), {
    action: 'dead-letter',
    code: 'RETRY_EXHAUSTED',
    message: 'gave up after 5 attempts; last error INTERNAL_ERROR: upsert Account: x is undefined',
  });
  assert.deepEqual(decide(failure, 0, { ...policy, unclassified: 'raise' }), { action: 'raise', error: bug });
});

test('decide reads nothing but its arguments: the same call gives the same answer', () => {
  const failure = classified('CONNECTIVITY', true);
  assert.deepEqual(decide(failure, 1, policy), decide(failure, 1, policy));
});

test("from Gentrack's answer to the decision: the classification, failureOf and decide together", () => {
  const call = { method: 'POST', path: '/v1/accounts', origin: 'https://gentrack.test' };
  const now = Date.parse('2024-06-01T00:00:00Z');
  const decisionFor = (failure: GentrackCallFailure) =>
    decide(failureOf(new GentrackCallError(call, failure), 'create-account POST /accounts', 'Gentrack'), 0, policy);
  const table: [string, GentrackCallFailure, Pick<Decision, 'action'> & { code?: string; delayMs?: number }][] = [
    ['503', failureFromResponse(503, {}, '', now), { action: 'retry', code: 'SERVICE_UNAVAILABLE', delayMs: 750 }],
    [
      '429 Retry-After: 30',
      failureFromResponse(429, { 'retry-after': '30' }, '', now),
      { action: 'retry', code: 'TOO_MANY_REQUESTS', delayMs: 30_000 },
    ],
    [
      'no answer in time',
      failureFromTransportError(
        Object.assign(new Error('Headers Timeout Error'), { code: 'UND_ERR_HEADERS_TIMEOUT' }),
        'call',
      ),
      { action: 'retry', code: 'TIMEOUT', delayMs: 750 },
    ],
    [
      '400',
      failureFromResponse(400, {}, '{"errorType":"BAD_REQUEST"}', now),
      { action: 'dead-letter', code: 'BAD_REQUEST' },
    ],
    ['404', failureFromResponse(404, {}, '', now), { action: 'dead-letter', code: 'NOT_FOUND' }],
  ];
  for (const [what, failure, expected] of table) {
    const decision = decisionFor(failure);
    assert.deepEqual(
      {
        action: decision.action,
        ...('code' in decision ? { code: decision.code } : {}),
        ...('delayMs' in decision ? { delayMs: decision.delayMs } : {}),
      },
      expected,
      what,
    );
  }
});
