import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GENTRACK_ERROR_TYPES, errorTypeForBareStatus, isGentrackErrorType } from './gentrack-error-types.js';

test('the error types are exactly those of the Gentrack connector reference, in its order', () => {
  // Pinned here once, against the reference; the relay and the sandbox import the list and test their use of it.
  const reference = `BAD_REQUEST CLIENT_ERROR CONNECTIVITY INTERNAL_SERVER_ERROR NOT_ACCEPTABLE NOT_FOUND RETRY_EXHAUSTED
    SERVER_ERROR SERVICE_UNAVAILABLE TIMEOUT TOO_MANY_REQUESTS UNAUTHORIZED UNSUPPORTED_MEDIA_TYPE`;
  assert.deepEqual([...GENTRACK_ERROR_TYPES], reference.split(/\s+/));
  assert.ok(isGentrackErrorType('TIMEOUT'));
  assert.ok(!isGentrackErrorType('MAINTENANCE'));
  assert.ok(!isGentrackErrorType(408));
});

test('a bare status: the types Gentrack gives statuses, TIMEOUT at the status each end reads it at, else by class', () => {
  const table: Array<[number, string, string]> = [
    // status, with 408 as the timeout status (the relay), with 504 (the sandbox tenant)
    [400, 'BAD_REQUEST', 'BAD_REQUEST'],
    [401, 'UNAUTHORIZED', 'UNAUTHORIZED'],
    [403, 'CLIENT_ERROR', 'CLIENT_ERROR'],
    [404, 'NOT_FOUND', 'NOT_FOUND'],
    [406, 'NOT_ACCEPTABLE', 'NOT_ACCEPTABLE'],
    [408, 'TIMEOUT', 'CLIENT_ERROR'],
    [409, 'CLIENT_ERROR', 'CLIENT_ERROR'],
    [415, 'UNSUPPORTED_MEDIA_TYPE', 'UNSUPPORTED_MEDIA_TYPE'],
    [429, 'TOO_MANY_REQUESTS', 'TOO_MANY_REQUESTS'],
    [500, 'INTERNAL_SERVER_ERROR', 'INTERNAL_SERVER_ERROR'],
    [502, 'SERVER_ERROR', 'SERVER_ERROR'],
    [503, 'SERVICE_UNAVAILABLE', 'SERVICE_UNAVAILABLE'],
    [504, 'SERVER_ERROR', 'TIMEOUT'],
    [507, 'SERVER_ERROR', 'SERVER_ERROR'],
  ];
  for (const [status, at408, at504] of table) {
    assert.deepEqual(
      [status, errorTypeForBareStatus(status, 408), errorTypeForBareStatus(status, 504)],
      [status, at408, at504],
    );
  }
});
