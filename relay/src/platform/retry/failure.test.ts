import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BrokenCircuitError, IsolatedCircuitError } from 'cockatiel';
import { GentrackCallError } from '../gentrack/gentrack-call-error.js';
import { failureOf } from './failure.js';

const call = { method: 'POST', path: '/v1/accounts', origin: 'https://gentrack.test' };

test("a refused call is the breaker's, named by its system", () => {
  for (const error of [new BrokenCircuitError(), new IsolatedCircuitError()]) {
    assert.deepEqual(failureOf(error, 'create-account POST /accounts', 'Gentrack'), {
      kind: 'circuit-open',
      message: 'Gentrack circuit breaker is open',
    });
  }
});

test('a failed call is classified by its code: its errorType, retryability and Retry-After', () => {
  const error = new GentrackCallError(call, {
    stage: 'call',
    status: 429,
    errorType: 'TOO_MANY_REQUESTS',
    retryable: true,
    retryAfterMs: 2000,
  });
  assert.deepEqual(failureOf(error, 'create-account POST /accounts', 'Gentrack'), {
    kind: 'classified',
    code: 'TOO_MANY_REQUESTS',
    message: `create-account POST /accounts: ${error.message}`,
    retryable: true,
    retryAfterMs: 2000,
  });
});

test('anything else is unclassified, even when it looks classified (duck typing is not enough)', () => {
  const lookalike = Object.assign(new Error('boom'), { errorType: 'SERVER_ERROR', retryable: true });
  const failure = failureOf(lookalike, 'upsert Account', 'Salesforce');
  assert.deepEqual(failure, { kind: 'unclassified', message: 'upsert Account: boom', error: lookalike });
  assert.equal(failureOf('text', 'upsert Account', 'Salesforce').message, 'upsert Account: text');
});
