import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GentrackCallError } from './gentrack-call-error.js';
import { GENTRACK_ERROR_TYPES } from './gentrack-error-types.js';
import {
  errorTypeForStatus,
  failureFromResponse,
  failureFromTransportError,
  isRetryableStatus,
  parseRetryAfter,
} from './failure-classification.js';

describe('failure classification', () => {
  test('every error type of the connector reference that Gentrack names in a body is reported as it is', () => {
    // The list itself is pinned against the reference in model/gentrack-error-types.test.ts.
    for (const errorType of GENTRACK_ERROR_TYPES) {
      assert.equal(failureFromResponse(418, {}, JSON.stringify({ errorType }), 0).errorType, errorType);
    }
  });

  test('status table', () => {
    const table: Array<[number, string, boolean]> = [
      [400, 'BAD_REQUEST', false],
      [401, 'UNAUTHORIZED', true],
      [403, 'CLIENT_ERROR', false],
      [404, 'NOT_FOUND', false],
      [405, 'CLIENT_ERROR', false],
      [406, 'NOT_ACCEPTABLE', false],
      [408, 'TIMEOUT', true],
      [409, 'CLIENT_ERROR', false],
      [415, 'UNSUPPORTED_MEDIA_TYPE', false],
      [422, 'CLIENT_ERROR', false],
      [429, 'TOO_MANY_REQUESTS', true],
      [500, 'INTERNAL_SERVER_ERROR', true],
      [502, 'SERVER_ERROR', true],
      [503, 'SERVICE_UNAVAILABLE', true],
      [504, 'SERVER_ERROR', true],
      [507, 'SERVER_ERROR', true],
    ];
    for (const [status, errorType, retryable] of table) {
      assert.deepEqual([status, errorTypeForStatus(status), isRetryableStatus(status)], [status, errorType, retryable]);
    }
  });

  test("Gentrack's errorType and details win over the status; retryability follows the status", () => {
    const body = JSON.stringify({
      errorType: 'CLIENT_ERROR',
      message: 'transaction id reused',
      details: [{ path: 'headers.X-Transaction-Id', message: 'reused' }, { nonsense: true }],
    });
    const failure = failureFromResponse(400, {}, body, 0);
    assert.equal(failure.errorType, 'CLIENT_ERROR');
    assert.equal(failure.retryable, false);
    assert.equal(failure.gentrackMessage, 'transaction id reused');
    assert.deepEqual(failure.details, [{ path: 'headers.X-Transaction-Id', message: 'reused' }]);

    const unknownType = failureFromResponse(503, {}, JSON.stringify({ errorType: 'MAINTENANCE', message: 'later' }), 0);
    assert.equal(unknownType.errorType, 'SERVICE_UNAVAILABLE');
    assert.equal(unknownType.retryable, true);
  });

  test('Retry-After: seconds, HTTP dates (never negative), garbage ignored', () => {
    const now = Date.parse('2024-06-01T00:00:00Z');
    assert.equal(parseRetryAfter('3', now), 3000);
    assert.equal(parseRetryAfter('0.5', now), 500);
    assert.equal(parseRetryAfter('Sat, 01 Jun 2024 00:00:30 GMT', now), 30_000);
    assert.equal(parseRetryAfter('Fri, 31 May 2024 00:00:00 GMT', now), 0);
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(parseRetryAfter(undefined, now), undefined);
    assert.equal(failureFromResponse(429, { 'retry-after': '2' }, '', now).retryAfterMs, 2000);
  });

  test('transport errors: timeouts, connectivity, and requests that cannot be sent', () => {
    const coded = (code: string, message = code) => Object.assign(new Error(message), { code });
    assert.equal(failureFromTransportError(coded('UND_ERR_HEADERS_TIMEOUT'), 'call', 5).errorType, 'TIMEOUT');
    assert.match(failureFromTransportError(coded('UND_ERR_BODY_TIMEOUT'), 'call', 5).reason ?? '', /within 5 ms/);
    for (const code of [
      'ECONNREFUSED',
      'ECONNRESET',
      'ENOTFOUND',
      'EAI_AGAIN',
      'UND_ERR_SOCKET',
      'UND_ERR_CONNECT_TIMEOUT',
    ]) {
      const failure = failureFromTransportError(coded(code), 'call');
      assert.deepEqual([code, failure.errorType, failure.retryable], [code, 'CONNECTIVITY', true]);
    }
    const refusedEverywhere = new AggregateError([coded('ECONNREFUSED', 'connect ECONNREFUSED ::1:1')], '');
    const aggregate = failureFromTransportError(refusedEverywhere, 'call');
    assert.equal(aggregate.errorType, 'CONNECTIVITY');
    assert.match(aggregate.reason ?? '', /ECONNREFUSED ::1:1/);
    const invalid = failureFromTransportError(coded('UND_ERR_INVALID_ARG', 'invalid x-trace-id header'), 'call');
    assert.deepEqual([invalid.errorType, invalid.retryable], ['CLIENT_ERROR', false]);
    assert.equal(failureFromTransportError(new Error('mystery'), 'call').errorType, 'CONNECTIVITY');
  });

  test('TLS and proxy failures say which setting can fix them, and stay retryable', () => {
    const coded = (code: string, message = code) => Object.assign(new Error(message), { code });
    const advice = (error: Error) => {
      const failure = failureFromTransportError(error, 'call');
      assert.deepEqual([failure.errorType, failure.retryable], ['CONNECTIVITY', true]);
      return failure.reason ?? '';
    };
    for (const code of ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT'])
      assert.match(advice(coded(code)), /not trusted: .*set gentrack\.tls\.caFile/, code);
    assert.match(advice(coded('ERR_TLS_CERT_ALTNAME_INVALID')), /another host name: check gentrack\.baseUrl/);
    for (const code of ['ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', 'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE'])
      assert.match(advice(coded(code)), /refused the TLS client certificate.*gentrack\.tls\.certFile/, code);
    const tunnel = (status: number) =>
      coded('UND_ERR_ABORTED', `Proxy response (${status}) !== 200 when HTTP Tunneling`);
    assert.match(advice(tunnel(407)), /407 Proxy Authentication Required: check gentrack\.proxy\.username/);
    assert.match(
      advice(tunnel(403)),
      /refused to open a tunnel to Gentrack with HTTP 403: check that gentrack\.proxy\.url/,
    );
    assert.equal(advice(coded('ECONNRESET', 'read ECONNRESET')), 'read ECONNRESET', 'no advice where none is known');
  });

  test('the error message says what failed, where, and what to do', () => {
    const failure = failureFromResponse(
      400,
      {},
      JSON.stringify({
        errorType: 'BAD_REQUEST',
        message: 'The request body is invalid',
        details: [{ path: 'account.name', message: 'must not be empty' }],
      }),
      0,
    );
    const error = new GentrackCallError(
      {
        method: 'POST',
        origin: 'https://api.example',
        path: '/v1/customer-sync',
        transactionId: 'evt-1',
        partNumber: 2,
        partTotal: 3,
      },
      failure,
    );
    assert.equal(
      error.message,
      'POST https://api.example/v1/customer-sync (transaction evt-1 part 2/3) failed: 400 BAD_REQUEST: The request body is invalid' +
        ' [account.name: must not be empty] (not retryable: Gentrack rejected the request itself; fix the data or the mapping)',
    );
    assert.equal(error.code, 'GENTRACK_CALL_FAILED');
  });
});
