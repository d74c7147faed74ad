/**
 * The Gentrack API gateway through the real API server (fastify inject), token endpoint and client store, the
 * relay's Gentrack client and typed API, against the Gentrack stand-in with a seeded billing history: what is
 * forwarded and how, what is refused and in whose words, the cache, the limits and the record of calls.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import pino from 'pino';
import type { FastifyInstance } from 'fastify';
import type { GentrackApiAccess } from '../../../model/gentrack-api-access.js';
import { startGentrackSandbox, type GentrackSandbox } from '../../../sandbox/gentrack/index.js';
import { TestClock } from '../../../sandbox/gentrack/sandbox-test-client.js';
import { AccessTokenSigner } from '../platform/api-auth/access-tokens.js';
import { ApiClientStore } from '../platform/api-auth/api-client-store.js';
import { createCredentials, revokeCredentials } from '../platform/api-auth/credential-lifecycle.js';
import { Secret } from '../platform/config/secret.js';
import { connectorModel } from '../platform/connector-model.generated.js';
import { openRelayDatabase } from '../platform/db/relay-database.js';
import { createGentrackApi } from '../platform/gentrack/gentrack-api.js';
import { createGentrackClient, type GentrackClient } from '../platform/gentrack/gentrack-client.js';
import { createRelayMetrics, type RelayMetrics } from '../platform/ops/metrics.js';
import { buildApiServer } from '../sync-jobs/api-server.js';
import { GatewayCallLog } from './gateway-call-log.js';
import { registerGentrackGateway, type GatewayLimits } from './gateway-routes.js';

const TENANT = 'gateway-test';
const AGENT = 'agent@utility.example';
const TODAY = '2024-06-20';
const LIMITS: GatewayLimits = {
  requestBodyBytes: 4096,
  responseBytes: 1024 * 1024,
  rateLimit: { max: 1000, windowMs: 60_000 },
  cache: { maxEntries: 100, maxBytes: 1024 * 1024 },
};

let tenant: GentrackSandbox;
let client: GentrackClient;
let account: string;
let servicePointId: string;
let meterSerialNumber: string;

before(async () => {
  const clock = new TestClock(Date.parse(`${TODAY}T00:00:00.000Z`));
  tenant = await startGentrackSandbox({ clientId: 'gw', clientSecret: 'gw-secret', now: clock.now });
  client = createGentrackClient({
    baseUrl: tenant.baseUrl,
    tokenUrl: tenant.tokenUrl,
    clientId: 'gw',
    clientSecret: 'gw-secret',
  });
  account = tenant.state.seedAccount({
    account: { name: 'Harbour View Cafe', accountClass: 'Business' },
    status: 'Active',
  }).accountNumber;
  const history = tenant.state.seedBillingHistory(account, { unpaidBills: 2 });
  servicePointId = history.servicePointId;
  meterSerialNumber = history.meterSerialNumber;
});

after(async () => {
  await client.close();
  await tenant.close();
});

interface Gateway {
  app: FastifyInstance;
  token: string;
  clients: ApiClientStore;
  callLog: GatewayCallLog;
  metrics: RelayMetrics;
}

async function gateway(
  options: { access?: GentrackApiAccess | undefined; limits?: Partial<GatewayLimits> } = {},
): Promise<Gateway> {
  const clients = new ApiClientStore(openRelayDatabase(':memory:'));
  const signer = new AccessTokenSigner({ key: new Secret('k'.repeat(32)), audience: TENANT, ttlSeconds: 900 });
  const callLog = GatewayCallLog.open(':memory:');
  const metrics = createRelayMetrics({ defaultMetrics: false });
  const access = 'access' in options ? options.access : connectorModel.gentrackApi;
  const app = buildApiServer({
    tenantId: TENANT,
    model: connectorModel,
    runner: { submit: () => assert.fail('no sync jobs here'), get: () => undefined },
    clients,
    signer,
    rateLimit: { burst: 1000, perMinute: 60_000 },
    logger: pino({ level: 'silent' }),
    mount: (scope, authenticate) =>
      registerGentrackGateway(scope, {
        access,
        api: createGentrackApi(client),
        authenticate,
        limits: { ...LIMITS, ...options.limits },
        callLog,
        metrics,
      }),
  });
  await app.ready();
  const { client: apiClient } = await createCredentials(clients);
  return { app, token: signer.issue(apiClient.clientId).token, clients, callLog, metrics };
}

function call(
  { app, token }: Gateway,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  options: { headers?: Record<string, string>; body?: unknown } = {},
) {
  return app.inject({
    method,
    url: `/v1/gentrack${url}`,
    headers: { authorization: `Bearer ${token}`, 'x-on-behalf-of': AGENT, ...options.headers },
    ...(options.body === undefined ? {} : { payload: options.body as object }),
  });
}

beforeEach(() => tenant.calls.clear());

/** The API calls Gentrack received (its token requests left out). */
const apiCalls = () => tenant.calls.list().filter((sent) => sent.operation !== undefined && sent.operation !== 'token');

describe('forwarding', () => {
  test("an open GET reaches Gentrack with the user and a trace id, and answers with Gentrack's body", async () => {
    const gw = await gateway();
    const response = await call(gw, 'GET', `/accounts/${account}/balance`, { headers: { 'x-trace-id': 'trace-1' } });
    assert.equal(response.statusCode, 200, response.body);
    const balance = response.json();
    assert.equal(balance.accountNumber, account);
    assert.ok(balance.balance > 0, 'two bills unpaid');
    assert.equal(response.headers['x-trace-id'], 'trace-1');
    const [sent] = apiCalls();
    assert.equal(sent?.path, `/v1/accounts/${account}/balance`);
    assert.equal(sent?.headers['x-on-behalf-of'], AGENT);
    assert.equal(sent?.headers['x-trace-id'], 'trace-1');
    assert.equal(sent?.headers['x-transaction-id'], undefined, 'a read takes no transaction headers');
  });

  test('query parameters the operation takes are passed on; others are refused before Gentrack', async () => {
    const gw = await gateway();
    const bills = await call(gw, 'GET', `/accounts/${account}/bills?limit=2`);
    assert.equal(bills.statusCode, 200, bills.body);
    assert.equal(bills.json().bills.length, 2);
    const unknown = await call(gw, 'GET', `/accounts/${account}/bills?size=2`);
    assert.equal(unknown.statusCode, 400);
    assert.match(unknown.json().message, /takes no query parameter size; it takes fromDate, toDate, limit/);
    assert.equal(apiCalls().length, 1);
  });

  test("an open write gets X-Transaction-Id (the caller's, so a retried call repeats it) and the transaction time", async () => {
    const gw = await gateway();
    const body = { reads: [{ meterSerialNumber, registerId: '001', readDate: TODAY, reading: 1 }] };
    const response = await call(gw, 'POST', `/service-points/${servicePointId}/validate-meter-reads`, {
      body,
      headers: { 'x-transaction-id': 'sf-tx-1' },
    });
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.json().valid, false, 'a reading below the last one');
    assert.equal(response.headers['x-transaction-id'], 'sf-tx-1');
    const [sent] = apiCalls();
    assert.equal(sent?.headers['x-transaction-id'], 'sf-tx-1');
    assert.match(sent?.headers['x-transaction-date-time'] ?? '', /^\d{4}-\d{2}-\d{2}T/);
    const generated = await call(gw, 'POST', `/service-points/${servicePointId}/validate-meter-reads`, { body });
    assert.match(String(generated.headers['x-transaction-id']), /^[0-9a-f-]{36}$/, 'one of its own when not given');
  });
});

describe("Gentrack's refusals", () => {
  test("a 404 reaches Salesforce as 404 with Gentrack's error type and message", async () => {
    const gw = await gateway();
    const response = await call(gw, 'GET', '/accounts/A99999999/balance');
    assert.equal(response.statusCode, 404);
    const body = response.json();
    assert.equal(body.errorType, 'NOT_FOUND');
    assert.equal(body.errorCode, 'NOT_FOUND');
    assert.equal(body.source, 'gentrack');
    assert.match(body.message, /A99999999/);
  });

  test('a 400 keeps the details Gentrack located', async () => {
    const gw = await gateway();
    const response = await call(gw, 'POST', `/service-points/${servicePointId}/validate-meter-reads`, {
      body: { reads: [] },
    });
    assert.equal(response.statusCode, 400);
    assert.equal(response.json().errorType, 'BAD_REQUEST');
    assert.ok(
      response.json().details.some((detail: { path: string }) => detail.path === 'reads'),
      response.body,
    );
  });

  test('a 503 stays a 503 with its Retry-After; a Gentrack that does not answer is a 502', async () => {
    const gw = await gateway();
    tenant.faults.injectNext([{ status: 503, retryAfterSeconds: 7, match: { operation: 'get-account-bills' } }]);
    const unavailable = await call(gw, 'GET', `/accounts/${account}/bills?limit=1`);
    assert.equal(unavailable.statusCode, 503);
    assert.equal(unavailable.json().errorType, 'SERVICE_UNAVAILABLE');
    assert.equal(unavailable.headers['retry-after'], '7');
    tenant.faults.injectNext([{ kind: 'reset', match: { operation: 'get-account-bills' } }]);
    const reset = await call(gw, 'GET', `/accounts/${account}/bills?limit=1`);
    assert.equal(reset.statusCode, 502);
    assert.equal(reset.json().errorType, 'CONNECTIVITY');
  });
});

describe("the relay's refusals", () => {
  test('a closed write is refused naming the model setting that opens it; Gentrack is not called', async () => {
    const gw = await gateway();
    const response = await call(gw, 'POST', `/accounts/${account}/payment-arrangements`, {
      body: { frequency: 'Weekly', instalmentAmount: 10, numberOfInstalments: 4, startDate: '2024-08-01' },
    });
    assert.equal(response.statusCode, 403);
    assert.equal(response.json().errorCode, 'OPERATION_NOT_ALLOWED');
    assert.equal(response.json().source, 'relay');
    assert.match(
      response.json().message,
      /gentrackApi\.operations\.create-payment-arrangement\.allow: true in config\/connector\.yaml/,
    );
    assert.equal(apiCalls().length, 0);
  });

  test('without a gentrackApi section every operation is closed, and the refusal says so', async () => {
    const gw = await gateway({ access: undefined });
    const response = await call(gw, 'GET', `/accounts/${account}/balance`);
    assert.equal(response.statusCode, 403);
    assert.match(response.json().message, /no gentrackApi section/);
  });

  test('a revoked client is refused at once, a request without a token or user too', async () => {
    const gw = await gateway();
    assert.equal(
      (await call(gw, 'GET', `/accounts/${account}/balance`, { headers: { 'x-on-behalf-of': '' } })).statusCode,
      400,
    );
    const anonymous = await gw.app.inject({ method: 'GET', url: `/v1/gentrack/accounts/${account}/balance` });
    assert.equal(anonymous.statusCode, 401);
    revokeCredentials(gw.clients);
    const revoked = await call(gw, 'GET', `/accounts/${account}/balance`);
    assert.equal(revoked.statusCode, 401);
    assert.equal(revoked.json().errorCode, 'CLIENT_REVOKED');
    assert.equal(apiCalls().length, 0);
  });

  test('unknown paths, bodies over the limit and answers over the limit are refused', async () => {
    const gw = await gateway({ limits: { responseBytes: 200 } });
    const unknown = await call(gw, 'GET', `/accounts/${account}/secrets`);
    assert.equal(unknown.statusCode, 404);
    assert.match(unknown.json().message, /is no operation of Gentrack's API/);
    const large = await call(gw, 'POST', `/service-points/${servicePointId}/validate-meter-reads`, {
      body: { reads: [], padding: 'x'.repeat(5000) },
    });
    assert.equal(large.statusCode, 413);
    assert.equal(large.json().errorCode, 'REQUEST_TOO_LARGE');
    const bills = await call(gw, 'GET', `/accounts/${account}/bills`);
    assert.equal(bills.statusCode, 502);
    assert.equal(bills.json().errorCode, 'RESPONSE_TOO_LARGE');
  });

  test('each API client is rate-limited: 429 with Retry-After beyond its calls per window', async () => {
    const gw = await gateway({ limits: { rateLimit: { max: 2, windowMs: 60_000 } } });
    for (let i = 0; i < 2; i++) assert.equal((await call(gw, 'GET', `/accounts/${account}/balance`)).statusCode, 200);
    const limited = await call(gw, 'GET', `/accounts/${account}/balance`);
    assert.equal(limited.statusCode, 429);
    assert.equal(limited.json().errorCode, 'TOO_MANY_REQUESTS');
    assert.ok(Number(limited.headers['retry-after']) > 0);
    assert.equal(apiCalls().length, 2);
  });
});

describe('cache, record and metrics', () => {
  test('a GET the model lets cache is answered from the cache; an uncached one is not; a write forgets its entity', async () => {
    const gw = await gateway();
    const first = await call(gw, 'GET', `/accounts/${account}/bills?limit=1`);
    const second = await call(gw, 'GET', `/accounts/${account}/bills?limit=1`);
    assert.equal(second.headers['x-gateway-cache'], 'hit');
    assert.equal(second.body, first.body);
    await call(gw, 'GET', `/accounts/${account}/balance`);
    await call(gw, 'GET', `/accounts/${account}/balance`);
    assert.deepEqual(
      apiCalls().map((sent) => sent.operation),
      ['get-account-bills', 'get-account-balance', 'get-account-balance'],
      'bills once (cacheSeconds 30), the balance each time (cacheSeconds 0)',
    );
    const history = `/service-points/${servicePointId}/meter-read-history?limit=1`;
    await call(gw, 'GET', history);
    await call(gw, 'POST', `/service-points/${servicePointId}/validate-meter-reads`, {
      body: { reads: [{ meterSerialNumber, registerId: '001', readDate: TODAY, reading: 1 }] },
    });
    await call(gw, 'GET', history);
    assert.deepEqual(
      apiCalls()
        .slice(3)
        .map((sent) => sent.operation),
      ['get-meter-read-history', 'validate-meter-reads', 'get-meter-read-history'],
      'a write about the service point drops its cached reads',
    );
  });

  test('every authenticated call is recorded with who, what and the outcome, and measured', async () => {
    const gw = await gateway();
    await call(gw, 'GET', `/accounts/${account}/balance`, { headers: { 'x-trace-id': 'trace-rec' } });
    await call(gw, 'GET', '/accounts/A99999999/balance');
    await call(gw, 'DELETE', '/payment-arrangements/PA-1');
    gw.callLog.flush();
    const [closed, missing, ok] = gw.callLog.recent(3);
    assert.equal(ok?.operation, 'get-account-balance');
    assert.equal(ok?.onBehalfOf, AGENT);
    assert.equal(ok?.outcome, 'forwarded');
    assert.equal(ok?.status, 200);
    assert.equal(ok?.traceId, 'trace-rec');
    assert.match(ok?.clientId ?? '', /^grc_/);
    assert.deepEqual([missing?.outcome, missing?.errorType, missing?.status], ['gentrack_error', 'NOT_FOUND', 404]);
    assert.deepEqual(
      [closed?.operation, closed?.outcome, closed?.errorType],
      ['delete-payment-arrangement', 'refused', 'OPERATION_NOT_ALLOWED'],
    );
    const metrics = await gw.metrics.render();
    assert.match(
      metrics,
      /gentrack_relay_gateway_request_duration_seconds_count\{operation="get-account-balance",outcome="forwarded"\} 1/,
    );
    assert.match(
      metrics,
      /gentrack_relay_gateway_request_duration_seconds_count\{operation="delete-payment-arrangement",outcome="refused"\} 1/,
    );
  });
});
