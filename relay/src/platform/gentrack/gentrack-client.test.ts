import assert from 'node:assert/strict';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import pino, { type Logger, type LoggerOptions } from 'pino';
import { startGentrackSandbox, type GentrackSandbox } from '../../../../sandbox/gentrack/index.js';
import { GentrackCallError } from './gentrack-call-error.js';
import {
  createGentrackClient,
  InvalidGentrackClientOptionsError,
  type GentrackClient,
  type GentrackClientOptions,
  type GentrackRequest,
} from './gentrack-client.js';
import { SECRET_LOG_REDACTION } from './secret-log-redaction.js';
import { eventually } from '../../../../test/eventually.js';

const CLIENT_ID = 'relay-client-test';
const CLIENT_SECRET = 'relay-client-secret-Zq7!';

let sequence = 0;
function customerSync(name: string, overrides: Partial<GentrackRequest['headers']> = {}): GentrackRequest {
  sequence += 1;
  return {
    method: 'POST',
    path: '/customer-sync',
    body: { account: { name } },
    headers: {
      transactionId: `evt-${sequence}`,
      transactionDateTime: '2024-06-01T10:00:00.000+10:00',
      traceId: `trace-${sequence}`,
      ...overrides,
    },
  };
}

/** Runs `promise`, expecting it to reject with a GentrackCallError, and returns the error. */
async function callError(promise: Promise<unknown>): Promise<GentrackCallError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof GentrackCallError, `expected a GentrackCallError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the call to fail');
}

function logCapture(options: LoggerOptions = {}): { logger: Logger; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { logger: pino({ level: 'trace', ...options }, stream), text: () => chunks.join('') };
}

/** A bare HTTP server for answers the sandbox never gives (non-JSON 2xx, a proxy's HTML 504, Retry-After dates). */
async function startStubOrigin(
  handler: Parameters<typeof createServer>[1],
): Promise<{ server: Server; baseUrl: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1` };
}

describe('Gentrack client against the sandbox tenant', () => {
  let tenant: GentrackSandbox;
  const clients: GentrackClient[] = [];

  function client(options: Partial<GentrackClientOptions> = {}): GentrackClient {
    const created = createGentrackClient({
      baseUrl: tenant.baseUrl,
      tokenUrl: tenant.tokenUrl,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      ...options,
    });
    clients.push(created);
    return created;
  }

  const tokenRequests = () => tenant.calls.byOperation('token').length;

  before(async () => {
    tenant = await startGentrackSandbox({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
  });
  beforeEach(() => tenant.reset());
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((created) => created.close({ abandonAfterMs: 100 })));
  });
  after(() => tenant.close());

  describe('successful calls', () => {
    test('sends JSON with every Gentrack header and returns the parsed answer', async () => {
      const request: GentrackRequest = {
        method: 'POST',
        path: '/customer-sync',
        body: { account: { name: 'Headers Pty Ltd', accountClass: 'Business' }, salesforceId: '001000000000001AAA' },
        headers: {
          transactionId: 'evt-headers',
          transactionDateTime: '2024-06-01T10:00:00.000+10:00',
          traceId: 'trace-headers',
          onBehalfOf: 'admin@example.com',
        },
      };
      const response = await client().send(request);

      assert.equal(response.status, 201);
      assert.equal(response.replayed, false);
      const { accountNumber } = response.body as { accountNumber: string };
      assert.match(accountNumber, /^A\d+$/);

      const [received] = tenant.calls.byOperation('customer-sync');
      assert.ok(received);
      assert.deepEqual(received.headers, {
        'x-transaction-id': 'evt-headers',
        // The payload whole: part 1 of 1 unless a caller says otherwise.
        'x-transaction-part-number': '1',
        'x-transaction-part-total': '1',
        'x-transaction-date-time': '2024-06-01T10:00:00.000+10:00',
        'x-trace-id': 'trace-headers',
        'x-on-behalf-of': 'admin@example.com',
        'content-type': 'application/json',
        accept: 'application/json',
      });
      assert.deepEqual(received.body, request.body);
      assert.equal(received.path, '/v1/customer-sync');
      assert.equal(received.effective, true);
    });

    test('leaves X-On-Behalf-Of out when not given, and sends no body on reads', async () => {
      const gentrack = client();
      const created = await gentrack.send(customerSync('Reader'));
      const { accountNumber } = created.body as { accountNumber: string };
      const read = await gentrack.send({
        ...customerSync('unused'),
        method: 'GET',
        path: `/accounts/${accountNumber}`,
        body: undefined,
      });
      assert.equal(read.status, 200);
      assert.equal((read.body as { accountNumber: string }).accountNumber, accountNumber);
      const [write] = tenant.calls.byOperation('customer-sync');
      assert.equal(write?.headers['x-on-behalf-of'], undefined);
      const [get] = tenant.calls.byOperation('get-account');
      assert.equal(get?.headers['content-type'], undefined);
    });

    test('a redelivered call is answered from Gentrack idempotency store and flagged as replayed', async () => {
      const gentrack = client();
      const request = customerSync('Replayed');
      const first = await gentrack.send(request);
      const second = await gentrack.send(request);
      assert.equal(first.replayed, false);
      assert.equal(second.replayed, true);
      assert.deepEqual(second.body, first.body);
      assert.equal(tenant.state.counts().accounts, 1);
    });

    test('credentials can also go in the token request body', async () => {
      const response = await client({ clientAuthentication: 'body' }).send(customerSync('Body credentials'));
      assert.equal(response.status, 201);
    });
  });

  describe('access tokens', () => {
    test('one token serves many calls', async () => {
      const gentrack = client();
      for (let index = 0; index < 10; index += 1) await gentrack.send(customerSync(`Cached ${index}`));
      assert.equal(tokenRequests(), 1);
    });

    test('concurrent first calls share one token request', async () => {
      const gentrack = client();
      const responses = await Promise.all(
        Array.from({ length: 25 }, (_, index) => gentrack.send(customerSync(`Burst ${index}`))),
      );
      assert.ok(responses.every((response) => response.status === 201));
      assert.equal(tokenRequests(), 1);
    });

    test('tokens expiring mid-run are refreshed once, transparently, for all calls in flight', async () => {
      const gentrack = client();
      await gentrack.send(customerSync('Before expiry'));
      tenant.faults.expireAllTokens();
      const responses = await Promise.all(
        Array.from({ length: 10 }, (_, index) => gentrack.send(customerSync(`After ${index}`))),
      );
      assert.ok(responses.every((response) => response.status === 201));
      assert.equal(tokenRequests(), 2);
      assert.ok(
        tenant.calls.list().some((call) => call.status === 401),
        'the stale token was refused first',
      );
    });

    test('a wrong client secret fails as UNAUTHORIZED, retryable, naming the token request and the call', async () => {
      const error = await callError(
        client({ clientSecret: 'not-the-secret' }).send(customerSync('Denied', { transactionId: 'evt-denied' })),
      );
      assert.equal(error.errorType, 'UNAUTHORIZED');
      assert.equal(error.stage, 'token');
      assert.equal(error.status, 401);
      assert.equal(error.retryable, true);
      assert.match(error.gentrackMessage ?? '', /invalid_client/);
      assert.match(
        error.message,
        /^POST http:\/\/127\.0\.0\.1:\d+\/v1\/customer-sync \(transaction evt-denied\) failed: could not get an access token from http:\/\/127\.0\.0\.1:\d+\/v1\/token: 401 UNAUTHORIZED: invalid_client/,
      );
      assert.match(error.message, /client id and secret/);
      assert.equal(tenant.calls.byOperation('customer-sync').length, 0, 'the API call was not made');
    });

    test('scopes go into the token request; a tenant refusing them names gentrack.scopes', async () => {
      const scoped = await startGentrackSandbox({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, scopes: ['crm'] });
      try {
        const options = { baseUrl: scoped.baseUrl, tokenUrl: scoped.tokenUrl };
        assert.equal((await client({ ...options, scopes: ['crm'] }).send(customerSync('Scoped'))).status, 201);
        const error = await callError(client({ ...options, scopes: ['crm', 'admin'] }).send(customerSync('Refused')));
        assert.deepEqual([error.stage, error.status, error.retryable], ['token', 400, true]);
        assert.match(error.message, /invalid_scope: scope admin is not granted to this client/);
        assert.match(error.message, /check the scopes the relay asks for \(gentrack\.scopes\); will retry/);
      } finally {
        await scoped.close();
      }
    });

    test('a 401 that survives one refresh is UNAUTHORIZED and retryable', async () => {
      const gentrack = client();
      tenant.faults.injectNext([{ status: 401 }, { status: 401 }]);
      const error = await callError(gentrack.send(customerSync('Still refused')));
      assert.equal(error.errorType, 'UNAUTHORIZED');
      assert.equal(error.stage, 'call');
      assert.equal(error.status, 401);
      assert.equal(error.retryable, true);
      assert.equal(tokenRequests(), 2, 'one token, then exactly one refresh');
      assert.equal(tenant.calls.byOperation('customer-sync').length, 2, 'the call was retried once');
    });
  });

  describe('classification of failures', () => {
    test('400 carries Gentrack message and details and is not retryable', async () => {
      const error = await callError(client().send(customerSync('', { transactionId: 'evt-bad' })));
      assert.equal(error.status, 400);
      assert.equal(error.errorType, 'BAD_REQUEST');
      assert.equal(error.retryable, false);
      assert.deepEqual(error.details, [{ path: 'account.name', message: 'must not be empty' }]);
      assert.match(error.gentrackMessage ?? '', /account\.name must not be empty/);
      assert.match(
        error.message,
        /^POST http:\/\/127\.0\.0\.1:\d+\/v1\/customer-sync \(transaction evt-bad\) failed: 400 BAD_REQUEST: /,
      );
      assert.match(error.message, /not retryable/);
    });

    test('404 is NOT_FOUND, not retryable', async () => {
      const error = await callError(
        client().send({
          ...customerSync('x'),
          method: 'PUT',
          path: '/contacts/C99999999',
          body: { contact: { lastName: 'Nobody' } },
        }),
      );
      assert.equal(error.status, 404);
      assert.equal(error.errorType, 'NOT_FOUND');
      assert.equal(error.retryable, false);
      assert.match(error.gentrackMessage ?? '', /C99999999/);
    });

    // The client always sends JSON and accepts JSON, so the sandbox is told to answer these as Gentrack would.
    for (const [status, errorType] of [
      [415, 'UNSUPPORTED_MEDIA_TYPE'],
      [406, 'NOT_ACCEPTABLE'],
    ] as const) {
      test(`${status} is ${errorType}, not retryable`, async () => {
        tenant.faults.injectNext([{ status }]);
        const error = await callError(client().send(customerSync('Refused media')));
        assert.equal(error.status, status);
        assert.equal(error.errorType, errorType);
        assert.equal(error.retryable, false);
      });
    }

    test('429 is TOO_MANY_REQUESTS, retryable after Retry-After', async () => {
      tenant.faults.injectNext([{ status: 429, retryAfterSeconds: 7 }]);
      const error = await callError(client().send(customerSync('Throttled')));
      assert.equal(error.errorType, 'TOO_MANY_REQUESTS');
      assert.equal(error.retryable, true);
      assert.equal(error.retryAfterMs, 7000);
      assert.match(error.message, /retryable after 7000 ms/);
    });

    for (const [status, errorType] of [
      [500, 'INTERNAL_SERVER_ERROR'],
      [502, 'SERVER_ERROR'],
      [503, 'SERVICE_UNAVAILABLE'],
    ] as const) {
      test(`${status} is ${errorType}, retryable`, async () => {
        tenant.faults.injectNext([{ status }]);
        const error = await callError(client().send(customerSync('Server trouble')));
        assert.equal(error.status, status);
        assert.equal(error.errorType, errorType);
        assert.equal(error.retryable, true);
      });
    }

    test('a dropped connection is CONNECTIVITY, retryable, and the next call reconnects', async () => {
      const gentrack = client();
      await gentrack.send(customerSync('Warm up'));
      tenant.faults.injectNext([{ kind: 'reset' }]);
      const error = await callError(gentrack.send(customerSync('Reset')));
      assert.equal(error.errorType, 'CONNECTIVITY');
      assert.equal(error.status, undefined);
      assert.equal(error.retryable, true);
      assert.equal((await gentrack.send(customerSync('After reset'))).status, 201);
    });

    test('a refused connection is CONNECTIVITY, retryable', async () => {
      const closed = await startStubOrigin(() => {});
      await new Promise((resolve) => closed.server.close(resolve));
      const error = await callError(client({ baseUrl: closed.baseUrl }).send(customerSync('Nobody home')));
      assert.equal(error.errorType, 'CONNECTIVITY');
      assert.equal(error.retryable, true);
      assert.match(error.message, /ECONNREFUSED/);
    });

    test('no answer within responseTimeoutMs is TIMEOUT, retryable', async () => {
      tenant.faults.injectNext([{ kind: 'timeout', delayMs: 10_000 }]);
      const startedAt = Date.now();
      const error = await callError(client({ responseTimeoutMs: 300 }).send(customerSync('Slow')));
      assert.equal(error.errorType, 'TIMEOUT');
      assert.equal(error.retryable, true);
      assert.ok(Date.now() - startedAt < 3000, 'gave up at the response timeout');
    });
  });

  describe('answers only a proxy or a non-conforming server gives', () => {
    let stub: { server: Server; baseUrl: string };
    before(async () => {
      stub = await startStubOrigin((request, response) => {
        const routes: Record<string, () => void> = {
          '/v1/text': () => response.writeHead(200, { 'content-type': 'text/plain' }).end('accepted'),
          '/v1/broken-json': () => response.writeHead(200, { 'content-type': 'application/json' }).end('{"half":'),
          '/v1/empty': () => response.writeHead(204).end(),
          '/v1/gateway': () =>
            response.writeHead(504, { 'content-type': 'text/html' }).end('<html>Gateway Timeout</html>'),
          '/v1/busy': () =>
            response
              .writeHead(503, { 'retry-after': new Date(Date.now() + 120_000).toUTCString() })
              .end(JSON.stringify({ errorType: 'SERVICE_UNAVAILABLE', message: 'maintenance', details: [] })),
        };
        (routes[request.url ?? ''] ?? (() => response.writeHead(404).end()))();
      });
    });
    after(() => new Promise((resolve) => stub.server.close(resolve)));

    const call = (path: string) => client({ baseUrl: stub.baseUrl }).send({ ...customerSync('Stub'), path });

    test('a 2xx answer that is not JSON is kept as text; an empty one is null', async () => {
      assert.deepEqual(await call('/text'), { status: 200, body: 'accepted', replayed: false });
      assert.deepEqual(await call('/broken-json'), { status: 200, body: '{"half":', replayed: false });
      assert.deepEqual(await call('/empty'), { status: 204, body: null, replayed: false });
    });

    test('a 504 without a Gentrack body is SERVER_ERROR, retryable, quoting what came back', async () => {
      const error = await callError(call('/gateway'));
      assert.equal(error.errorType, 'SERVER_ERROR');
      assert.equal(error.retryable, true);
      assert.match(error.message, /504 SERVER_ERROR: unexpected answer: <html>Gateway Timeout<\/html>/);
    });

    test('Retry-After as an HTTP date becomes a delay', async () => {
      const error = await callError(call('/busy'));
      assert.equal(error.errorType, 'SERVICE_UNAVAILABLE');
      assert.ok(error.retryAfterMs !== undefined && error.retryAfterMs > 100_000 && error.retryAfterMs <= 120_000);
    });
  });

  describe('closing', () => {
    /** Resolves once undici has written the headers of a request to `path`: the call is running. */
    function headersSent(path: string): Promise<void> {
      return new Promise((resolve) => {
        const onHeaders = (message: unknown) => {
          if (!(message as { request: { path: string } }).request.path.endsWith(path)) return;
          unsubscribe('undici:client:sendHeaders', onHeaders);
          resolve();
        };
        subscribe('undici:client:sendHeaders', onHeaders);
      });
    }

    test('close() abandons calls still running after abandonAfterMs; they fail as CONNECTIVITY', async () => {
      const gentrack = createGentrackClient({
        baseUrl: tenant.baseUrl,
        tokenUrl: tenant.tokenUrl,
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
      });
      await gentrack.send(customerSync('Before close'));
      tenant.faults.injectNext([{ kind: 'timeout', delayMs: 10_000 }]);
      const running = callError(gentrack.send(customerSync('Held')));
      await eventually('the held call to reach the tenant', () => tenant.calls.last()?.faulted === 'timeout', 5_000);
      const startedAt = Date.now();
      await gentrack.close({ abandonAfterMs: 200 });
      assert.ok(Date.now() - startedAt < 2000);
      const error = await running;
      assert.equal(error.errorType, 'CONNECTIVITY');
      assert.match(error.message, /abandoned after 200 ms/);
      assert.equal((await callError(gentrack.send(customerSync('After close')))).retryable, true);
    });

    test('close() waits for running calls that finish in time', async () => {
      const gentrack = createGentrackClient({
        baseUrl: tenant.baseUrl,
        tokenUrl: tenant.tokenUrl,
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
      });
      await gentrack.send(customerSync('Warm'));
      tenant.faults.set({ delayMs: 150 });
      const onTheWire = headersSent('/customer-sync');
      const running = gentrack.send(customerSync('Finishing'));
      await onTheWire;
      await gentrack.close({ abandonAfterMs: 5000 });
      assert.equal((await running).status, 201);
    });
  });

  test('invalid options are reported by name, without their values', () => {
    assert.throws(
      () =>
        createGentrackClient({
          baseUrl: 'not a url',
          tokenUrl: tenant.tokenUrl,
          clientId: '',
          clientSecret: CLIENT_SECRET,
          connections: 0,
          scopes: ['crm.read', 'crm write'],
        }),
      (error: unknown) => {
        assert.ok(error instanceof InvalidGentrackClientOptionsError);
        assert.match(error.message, /baseUrl: must be an http\(s\) URL/);
        assert.match(error.message, /clientId: must not be empty/);
        assert.match(error.message, /connections:/);
        assert.match(error.message, /scopes\.1: must be an OAuth scope: printable ASCII without spaces/);
        assert.ok(!error.message.includes(CLIENT_SECRET));
        return true;
      },
    );
  });

  test('neither the client secret nor any token appears in the logs', async () => {
    // Every credential the client puts on the wire, read from undici's own diagnostics channel.
    const credentials = new Set<string>();
    const onHeaders = (message: unknown) => {
      const { headers } = message as { headers: string };
      for (const match of headers.matchAll(/^authorization: (?:Bearer|Basic) (.+)$/gim))
        credentials.add(match[1]!.trim());
    };
    subscribe('undici:client:sendHeaders', onHeaders);
    const { logger, text } = logCapture();
    try {
      const gentrack = client({ logger });
      await gentrack.send(customerSync('Logged'));
      tenant.faults.expireAllTokens();
      await gentrack.send(customerSync('Refreshed'));
      tenant.faults.injectNext([{ status: 401 }, { status: 401 }]);
      logger.error({ err: await callError(gentrack.send(customerSync('Refused'))) }, 'as the dispatcher would log it');
      const denied = client({ logger, clientSecret: `${CLIENT_SECRET}-wrong` });
      logger.error({ err: await callError(denied.send(customerSync('Denied'))) }, 'as the dispatcher would log it');
      const bodyCredentials = client({ logger, clientAuthentication: 'body' });
      await bodyCredentials.send(customerSync('Body'));
    } finally {
      unsubscribe('undici:client:sendHeaders', onHeaders);
    }

    const logged = text();
    assert.match(logged, /obtained a Gentrack access token/);
    assert.match(logged, /refreshing it/);
    assert.match(logged, /Gentrack access token request failed/);
    assert.ok(credentials.size >= 4, `saw ${credentials.size} credentials`);
    for (const secret of [CLIENT_SECRET, encodeURIComponent(CLIENT_SECRET), ...credentials]) {
      assert.ok(!logged.includes(secret), `a secret was logged: ${secret.slice(0, 4)}...`);
    }
  });

  test('the redaction paths censor secrets nested in logged objects', () => {
    const { logger, text } = logCapture({ redact: SECRET_LOG_REDACTION });
    logger.info({
      clientSecret: 'hidden-1',
      options: { clientSecret: 'hidden-2', accessToken: 'hidden-3' },
      request: { headers: { authorization: 'Bearer hidden-4' } },
      answer: { access_token: 'hidden-5' },
    });
    for (const secret of ['hidden-1', 'hidden-2', 'hidden-3', 'hidden-4', 'hidden-5'])
      assert.ok(!text().includes(secret), `${secret} was logged`);
    assert.match(text(), /\[redacted\]/);
  });
});
