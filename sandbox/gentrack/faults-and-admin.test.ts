import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { Writable } from 'node:stream';
import pino from 'pino';
import { request } from 'undici';
import { runGentrackSandbox } from './run.js';
import { testWebhookKeys } from './sandbox-test-client.js';
import { GentrackApiError } from './api-error.js';
import type { GentrackSandbox } from './start.js';
import { startTestTenant, type TenantClient } from './sandbox-test-client.js';
import { eventually } from '../../test/eventually.js';

describe('fault injection', () => {
  let tenant: GentrackSandbox;
  let client: TenantClient;

  before(async () => {
    ({ tenant, client } = await startTestTenant());
    await client.token();
  });
  beforeEach(() => tenant.faults.clear());
  after(() => tenant.close());

  const newAccount = { account: { name: 'Faulty' } };

  function effectsSnapshot() {
    return { accounts: tenant.state.counts().accounts, writes: tenant.calls.effectiveWrites };
  }

  test('scripted 429 carries Retry-After, has no effect, and the retry with the same id succeeds', async () => {
    tenant.faults.injectNext([{ status: 429, retryAfterSeconds: 2 }]);
    assert.equal(tenant.faults.pending, 1);
    const before = effectsSnapshot();
    const limited = await client.post('/customer-sync', newAccount, { transactionId: 'evt-429' });
    assert.equal(limited.status, 429);
    assert.equal(limited.headers['retry-after'], '2');
    assert.equal(limited.body.errorType, 'TOO_MANY_REQUESTS');
    assert.equal(limited.body.transactionId, 'evt-429');
    assert.deepEqual(effectsSnapshot(), before);
    assert.equal(tenant.faults.pending, 0);

    const retry = await client.post('/customer-sync', newAccount, { transactionId: 'evt-429' });
    assert.equal(retry.status, 201);
    assert.equal(retry.headers['x-idempotent-replay'], undefined, 'a faulted answer is not remembered');
    assert.equal(tenant.state.counts().accounts, before.accounts + 1);
    assert.deepEqual(
      tenant.calls.byTransactionId('evt-429').map((call) => [call.status, call.faulted, call.effective]),
      [
        [429, '429', false],
        [201, undefined, true],
      ],
    );
  });

  test('a 429 without its own Retry-After uses the configured one (default 1 s)', async () => {
    tenant.faults.injectNext([{ status: 429 }]);
    const limited = await client.get('/accounts/A99999999');
    assert.equal(limited.headers['retry-after'], '1');
  });

  test('scripted 503 and 500 answer with their error types, in order', async () => {
    tenant.faults.injectNext([{ status: 503 }, { status: 500 }, { status: 502, message: 'upstream down' }]);
    const before = effectsSnapshot();
    const unavailable = await client.post('/customer-sync', newAccount);
    const failed = await client.post('/customer-sync', newAccount);
    const gateway = await client.post('/customer-sync', newAccount);
    assert.equal(unavailable.status, 503);
    assert.equal(unavailable.body.errorType, 'SERVICE_UNAVAILABLE');
    assert.equal(failed.status, 500);
    assert.equal(failed.body.errorType, 'INTERNAL_SERVER_ERROR');
    assert.equal(gateway.status, 502);
    assert.equal(gateway.body.errorType, 'SERVER_ERROR');
    assert.equal(gateway.body.message, 'upstream down');
    assert.deepEqual(effectsSnapshot(), before);
    assert.equal((await client.post('/customer-sync', newAccount)).status, 201);
  });

  test('reset drops the connection without an answer; nothing happens and a retry succeeds', async () => {
    tenant.faults.injectNext([{ kind: 'reset' }]);
    const before = effectsSnapshot();
    await assert.rejects(client.post('/customer-sync', newAccount, { transactionId: 'evt-reset' }), (error: any) => {
      assert.match(String(error.code ?? error.message), /SOCKET|closed|ECONNRESET/i);
      return true;
    });
    assert.deepEqual(effectsSnapshot(), before);
    const [call] = tenant.calls.byTransactionId('evt-reset');
    assert.equal(call?.faulted, 'reset');
    assert.equal(call?.status, 0);
    const retry = await client.post('/customer-sync', newAccount, { transactionId: 'evt-reset' });
    assert.equal(retry.status, 201);
  });

  test('timeout holds the request, then answers 504 TIMEOUT with no effect', async () => {
    tenant.faults.injectNext([{ kind: 'timeout', delayMs: 150 }]);
    const before = effectsSnapshot();
    const started = Date.now();
    const held = await client.post('/customer-sync', newAccount);
    assert.ok(Date.now() - started >= 140, 'answered after the delay');
    assert.equal(held.status, 504);
    assert.equal(held.body.errorType, 'TIMEOUT');
    assert.deepEqual(effectsSnapshot(), before);
  });

  test('a client that gives up on a timeout fault gets no answer; the call is logged as faulted', async () => {
    tenant.faults.injectNext([{ kind: 'timeout', delayMs: 65_000 }]);
    await assert.rejects(
      request(`${tenant.baseUrl}/accounts/A99999999`, {
        headers: { authorization: `Bearer ${await client.token()}` },
        signal: AbortSignal.timeout(100),
      }),
      (error: any) => error.name === 'TimeoutError' || error.name === 'AbortError',
    );
    assert.equal(tenant.calls.last()?.faulted, 'timeout');
    assert.equal((await client.get('/accounts/A99999999')).status, 404);
  });

  test('close() does not wait for requests held by a timeout fault', async () => {
    const { tenant: other, client: otherClient } = await startTestTenant();
    other.faults.injectNext([{ kind: 'timeout', delayMs: 65_000 }]);
    const pending = otherClient.get('/accounts/A99999999');
    await eventually(
      'the request to be held by the timeout fault',
      () => other.calls.last()?.faulted === 'timeout',
      5_000,
    );
    const started = Date.now();
    await other.close();
    assert.ok(Date.now() - started < 1000);
    await assert.rejects(pending);
  });

  test('random faults at a rate with a seed are reproducible, and faulted writes have no effect', async () => {
    async function run(): Promise<number[]> {
      tenant.faults.set({ errorRate: 0.4, kinds: ['500', '503', '429'], seed: 42 });
      const statuses: number[] = [];
      for (let i = 0; i < 25; i += 1) statuses.push((await client.post('/customer-sync', newAccount)).status);
      return statuses;
    }
    const before = effectsSnapshot();
    const first = await run();
    const created = first.filter((status) => status === 201).length;
    assert.ok(created > 5 && created < 25, `some calls fail, some succeed: ${first.join(',')}`);
    assert.deepEqual(new Set(first.filter((s) => s !== 201)), new Set([500, 503, 429]));
    assert.deepEqual(effectsSnapshot(), { accounts: before.accounts + created, writes: before.writes + created });
    assert.deepEqual(await run(), first);
  });

  test('a fault can target one operation or path', async () => {
    const accountNumber = await client.createAccount('Targeted');
    tenant.faults.injectNext([{ status: 503, match: { operation: 'update-account' } }]);
    assert.equal((await client.get(`/accounts/${accountNumber}`)).status, 200);
    assert.equal((await client.put(`/accounts/${accountNumber}`, { account: { phone: '1' } })).status, 503);
    tenant.faults.set({ errorRate: 1, kinds: ['500'], match: { path: `/accounts/${accountNumber}`, method: 'GET' } });
    assert.equal((await client.get(`/accounts/${accountNumber}`)).status, 500);
    assert.equal((await client.get(`/accounts/${accountNumber}/balance`)).status, 200);
  });

  test('delayMs adds latency to every call', async () => {
    tenant.faults.set({ delayMs: 80 });
    const started = Date.now();
    const response = await client.get('/accounts/A99999999');
    assert.equal(response.status, 404);
    assert.ok(Date.now() - started >= 75);
  });

  /** A customer-sync the test can abandon, as a crashing client does: its connection closes without an answer. */
  async function abandonableCustomerSync(transactionId: string) {
    const controller = new AbortController();
    const response = request(`${tenant.baseUrl}/customer-sync`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await client.token()}`,
        'content-type': 'application/json',
        'x-transaction-id': transactionId,
        'x-transaction-date-time': '2024-06-01T10:00:00.000+10:00',
      },
      body: JSON.stringify(newAccount),
      signal: controller.signal,
    });
    response.catch(() => undefined); // rejected by the abort
    return { abandon: () => controller.abort() };
  }

  test('answerDelayMs: the call takes effect before its answer; a client gone meanwhile leaves the effect', async () => {
    tenant.faults.set({ answerDelayMs: 65_000 });
    const before = effectsSnapshot();
    const call = await abandonableCustomerSync('evt-answer-lost');
    const [held] = await eventually('the call to be held before its answer', () => {
      const now = tenant.heldCalls();
      return now.length > 0 && now;
    });
    assert.equal(held?.reason, 'answer');
    assert.equal(held?.call?.transactionId, 'evt-answer-lost');
    assert.equal(held?.call?.effective, true);
    assert.deepEqual(effectsSnapshot(), { accounts: before.accounts + 1, writes: before.writes + 1 });

    call.abandon();
    await eventually('the hold to end with the connection', () => tenant.heldCalls().length === 0);
    assert.deepEqual(effectsSnapshot(), { accounts: before.accounts + 1, writes: before.writes + 1 }, 'it stands');

    // The client never heard of the effect: its redelivery is answered as a replay, with no second effect.
    tenant.faults.clear();
    const redelivery = await client.post('/customer-sync', newAccount, { transactionId: 'evt-answer-lost' });
    assert.equal(redelivery.headers['x-idempotent-replay'], 'true');
    assert.deepEqual(effectsSnapshot(), { accounts: before.accounts + 1, writes: before.writes + 1 });
  });

  test('a client gone during delayMs leaves no effect', async () => {
    tenant.faults.set({ delayMs: 65_000 });
    const before = effectsSnapshot();
    const call = await abandonableCustomerSync('evt-never-processed');
    await eventually('the call to be held before processing', () => tenant.heldCalls()[0]?.reason === 'latency');
    call.abandon();
    await eventually('the hold to end with the connection', () => tenant.heldCalls().length === 0);
    assert.deepEqual(effectsSnapshot(), before);
    assert.deepEqual(tenant.calls.byTransactionId('evt-never-processed'), []);
  });

  test('the token endpoint is never faulted', async () => {
    tenant.faults.set({ errorRate: 1, kinds: ['503'] });
    client.forgetToken();
    assert.ok((await client.token()).length > 10);
  });

  test('clear() empties the queue and stops random faults', async () => {
    tenant.faults.injectNext([{ status: 500 }, { status: 500 }]);
    tenant.faults.set({ errorRate: 1 });
    tenant.faults.clear();
    assert.equal(tenant.faults.pending, 0);
    assert.equal((await client.get('/accounts/A99999999')).status, 404);
  });

  test('invalid fault settings are refused with every problem listed', () => {
    assert.throws(
      () => tenant.faults.set({ errorRate: 2, kinds: ['418' as never] }),
      (error: unknown) =>
        error instanceof GentrackApiError &&
        error.details.map((detail) => detail.path).join(',') === 'errorRate,kinds.0',
    );
  });
});

describe('admin endpoints', () => {
  let tenant: GentrackSandbox;
  let client: TenantClient;

  before(async () => {
    ({ tenant, client } = await startTestTenant());
  });
  after(() => tenant.close());

  async function admin(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown) {
    const response = await request(tenant.adminUrl + path, {
      method,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    const text = await response.body.text();
    return { status: response.statusCode, body: text === '' ? undefined : (JSON.parse(text) as any) };
  }

  test('GET /__sandbox/ lists what can be asked there (the address the sandbox command prints)', async () => {
    const response = await request(tenant.adminUrl);
    assert.equal(response.statusCode, 200);
    const { endpoints } = (await response.body.json()) as { endpoints: Record<string, string> };
    assert.ok(Object.keys(endpoints).includes('GET calls?since=<seq>'));
    assert.ok(Object.keys(endpoints).includes('POST faults'));
  });

  test('GET /__sandbox/calls pages through the log with since', async () => {
    const accountNumber = await client.createAccount('Polled');
    const all = await admin('GET', '/calls');
    assert.equal(all.status, 200);
    const lastSeq = all.body.latestSeq;
    assert.ok(all.body.calls.some((call: any) => call.response?.accountNumber === accountNumber));

    await client.get(`/accounts/${accountNumber}`);
    const newer = await admin('GET', `/calls?since=${lastSeq}`);
    assert.equal(newer.body.calls.length, 1);
    assert.equal(newer.body.calls[0].path, `/v1/accounts/${accountNumber}`);
    assert.equal(newer.body.calls[0].seq, lastSeq + 1);
    assert.equal(newer.body.counters.effectiveWrites, 1);
    assert.equal((await admin('GET', '/calls?since=-1')).status, 400);
  });

  test('GET /__sandbox/state shows the data and the counters', async () => {
    const accountNumber = await client.createAccount('Visible');
    const state = await admin('GET', '/state');
    assert.equal(state.status, 200);
    assert.ok(state.body.accounts.some((account: any) => account.accountNumber === accountNumber));
    assert.equal(state.body.counts.accounts, tenant.state.counts().accounts);
    assert.ok(state.body.tokens.issued >= 1);
  });

  test('POST /__sandbox/accounts/:ref/billing-history gives an account bills, payments and reads', async () => {
    const accountNumber = await client.createAccount('Billed From Afar');
    const seeded = await admin('POST', `/accounts/${accountNumber}/billing-history`, { months: 4, unpaidBills: 1 });
    assert.equal(seeded.status, 201);
    assert.equal(seeded.body.billIds.length, 4);
    const bills = await client.get(`/accounts/${accountNumber}/bills`);
    assert.deepEqual(
      bills.body.bills.map((bill: any) => bill.billId),
      [...seeded.body.billIds].reverse(),
    );
    assert.equal(seeded.body.balance, bills.body.bills[0].amount, 'the newest bill is the unpaid one');
    const structure = await client.get(`/service-points/${seeded.body.servicePointId}/structure`);
    assert.equal(structure.body.meters[0].meterSerialNumber, seeded.body.meterSerialNumber);

    const invalid = await admin('POST', `/accounts/${accountNumber}/billing-history`, { months: 0, colour: 'red' });
    assert.equal(invalid.status, 400);
    assert.deepEqual(invalid.body.details.map((detail: any) => detail.path).sort(), ['', 'months']);
    const unknown = await admin('POST', '/accounts/A99999999/billing-history', {});
    assert.equal(unknown.status, 404);
  });

  test('POST and DELETE /__sandbox/faults control fault injection from another process', async () => {
    const set = await admin('POST', '/faults', { errorRate: 1, kinds: ['503'], seed: 3 });
    assert.equal(set.status, 200);
    assert.equal(set.body.settings.errorRate, 1);
    assert.equal((await client.get('/accounts/A99999999')).status, 503);

    const invalid = await admin('POST', '/faults', { errorRate: 'often' });
    assert.equal(invalid.status, 400);
    assert.equal(invalid.body.details[0].path, 'errorRate');

    assert.equal((await admin('DELETE', '/faults')).status, 204);
    assert.equal((await client.get('/accounts/A99999999')).status, 404);

    await admin('POST', '/faults/next', [{ status: 429, retryAfterSeconds: 5 }]);
    const limited = await client.get('/accounts/A99999999');
    assert.equal(limited.status, 429);
    assert.equal(limited.headers['retry-after'], '5');
  });

  test('POST /__sandbox/tokens/expire forces a token refresh', async () => {
    assert.equal((await admin('POST', '/tokens/expire')).status, 204);
    assert.equal((await client.get('/accounts/A99999999')).status, 401);
    client.forgetToken();
    assert.equal((await client.get('/accounts/A99999999')).status, 404);
  });

  test('calls.clear() and the recording switch; counters keep counting', async () => {
    tenant.calls.clear();
    assert.equal(tenant.calls.length, 0);
    tenant.calls.recording = false;
    await client.createAccount('Unrecorded');
    assert.equal(tenant.calls.length, 0);
    assert.equal(tenant.calls.effectiveWrites, 1);
    tenant.calls.recording = true;
    await client.createAccount('Recorded');
    assert.equal(tenant.calls.length, 1);
    assert.equal(tenant.calls.effectiveWrites, 2);
    assert.equal(tenant.calls.byPath('/customer-sync').length, 1);
    assert.equal(tenant.calls.byPath(/customer-sync$/).length, 1);
  });

  test('POST /__sandbox/reset forgets everything but keeps tokens valid', async () => {
    await client.createAccount('Forgotten');
    assert.equal((await admin('POST', '/reset')).status, 204);
    assert.equal(tenant.state.counts().accounts, 0);
    assert.equal(tenant.calls.length, 0);
    assert.equal(await client.createAccount('Fresh'), 'A00000001');
  });

  test('unknown admin paths are 404 in the Gentrack error shape', async () => {
    const response = await admin('GET', '/nothing');
    assert.equal(response.status, 404);
    assert.equal(response.body.errorType, 'NOT_FOUND');
  });
});

describe('standalone runner', () => {
  test('runGentrackSandbox starts the tenant and logs where it listens', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const tenant = await runGentrackSandbox({
      logger: pino(sink),
      handleSignals: false,
      webhookKeys: await testWebhookKeys(),
    });
    try {
      const logged = JSON.parse(lines[0]!);
      assert.equal(logged.baseUrl, tenant.baseUrl);
      assert.equal(logged.tokenUrl, tenant.tokenUrl);
      assert.equal(logged.adminUrl, tenant.adminUrl);
      assert.match(logged.msg, /listening at http:\/\/127\.0\.0\.1:\d+\/v1/);
      assert.doesNotMatch(lines.join(''), new RegExp(tenant.clientSecret));
    } finally {
      await tenant.close();
    }
  });
});
