import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { GentrackSandbox } from './start.js';
import { startTestTenant, type TenantClient } from './sandbox-test-client.js';

describe('idempotency', () => {
  let tenant: GentrackSandbox;
  let client: TenantClient;

  before(async () => {
    ({ tenant, client } = await startTestTenant());
  });
  after(() => tenant.close());

  test('a redelivered write gets the first answer, marked as a replay, and has no second effect', async () => {
    const body = { account: { name: 'Once Only' }, salesforceId: '001DDDDDDDDDDDDDDD' };
    const first = await client.post('/customer-sync', body, { transactionId: 'evt-1' });
    assert.equal(first.status, 201);
    assert.equal(first.headers['x-idempotent-replay'], undefined);
    const accounts = tenant.state.counts().accounts;
    const writes = tenant.calls.effectiveWrites;

    const second = await client.post('/customer-sync', body, { transactionId: 'evt-1' });
    assert.equal(second.status, 201);
    assert.deepEqual(second.body, first.body);
    assert.equal(second.headers['x-idempotent-replay'], 'true');
    assert.equal(tenant.state.counts().accounts, accounts);
    assert.equal(tenant.calls.effectiveWrites, writes);

    const calls = tenant.calls.byTransactionId('evt-1');
    assert.deepEqual(
      calls.map((call) => [call.replay, call.effective, call.status]),
      [
        [false, true, 201],
        [true, false, 201],
      ],
    );
  });

  test('an update replayed after a later change does not undo the later change', async () => {
    const accountNumber = await client.createAccount('Flip Flop');
    const rename = { account: { name: 'First Name' } };
    await client.put(`/accounts/${accountNumber}`, rename, { transactionId: 'rename-1' });
    await client.put(`/accounts/${accountNumber}`, { account: { name: 'Second Name' } }, { transactionId: 'rename-2' });
    const replay = await client.put(`/accounts/${accountNumber}`, rename, { transactionId: 'rename-1' });
    assert.equal(replay.headers['x-idempotent-replay'], 'true');
    assert.equal(replay.body.account.name, 'First Name', 'the first answer, as it was');
    assert.equal(tenant.state.account(accountNumber)?.account['name'], 'Second Name');
  });

  test('the same body with other key order or spacing is the same request', async () => {
    await client.post('/customer-sync', undefined, {
      transactionId: 'evt-order',
      rawBody: '{"account":{"name":"Ordered","phone":"1"}}',
    });
    const replay = await client.post('/customer-sync', undefined, {
      transactionId: 'evt-order',
      rawBody: '{ "account": { "phone": "1", "name": "Ordered" } }',
    });
    assert.equal(replay.status, 201);
    assert.equal(replay.headers['x-idempotent-replay'], 'true');
  });

  test('the same transaction id with another body, path or method is 400 and has no effect', async () => {
    await client.post('/customer-sync', { account: { name: 'Original' } }, { transactionId: 'evt-reuse' });
    const accounts = tenant.state.counts().accounts;
    const otherBody = await client.post(
      '/customer-sync',
      { account: { name: 'Different' } },
      { transactionId: 'evt-reuse' },
    );
    assert.equal(otherBody.status, 400);
    assert.equal(otherBody.body.errorType, 'BAD_REQUEST');
    assert.match(otherBody.body.message, /transaction id reused for a different request/);
    assert.equal(otherBody.body.details[0].path, 'headers.X-Transaction-Id');
    const otherPath = await client.post('/accounts', { account: { name: 'Original' } }, { transactionId: 'evt-reuse' });
    assert.equal(otherPath.status, 400);
    assert.match(otherPath.body.message, /reused/);
    assert.equal(tenant.state.counts().accounts, accounts);
  });

  test('the parts of a transaction are pieces of one payload: held until all arrive, then applied once', async () => {
    const accountNumber = await client.createAccount('Fragmented');
    const text = JSON.stringify({ account: { name: 'Joined Again', phone: '04 1234' } });
    const pieces = [text.slice(0, 10), text.slice(10, 25), text.slice(25)];
    const sendPart = (partNumber: number) =>
      client.put(`/accounts/${accountNumber}`, undefined, {
        transactionId: 'evt-fragments',
        partNumber,
        partTotal: 3,
        rawBody: pieces[partNumber - 1]!,
      });
    const writes = tenant.calls.effectiveWrites;

    const third = await sendPart(3);
    assert.equal(third.status, 202);
    assert.deepEqual(third.body, {
      transactionId: 'evt-fragments',
      status: 'AwaitingParts',
      partTotal: 3,
      partsReceived: [3],
    });
    assert.equal((await sendPart(1)).status, 202);
    assert.equal((await sendPart(1)).status, 202, 'a part sent again is held once');
    assert.equal(tenant.state.account(accountNumber)?.account['name'], 'Fragmented', 'nothing applied yet');
    assert.equal(tenant.calls.effectiveWrites, writes);

    const last = await sendPart(2);
    assert.equal(last.status, 200);
    assert.equal(last.body.account.name, 'Joined Again');
    assert.equal(tenant.calls.effectiveWrites, writes + 1);

    const again = await sendPart(2);
    assert.equal(again.headers['x-idempotent-replay'], 'true', 'a part of a completed payload replays its answer');
    assert.deepEqual(again.body, last.body);
    assert.equal(tenant.calls.effectiveWrites, writes + 1);
  });

  test('calls under one transaction id that are different operations are refused, not applied', async () => {
    const accountNumber = await client.createAccount('Two Operations');
    const first = await client.put(
      `/accounts/${accountNumber}`,
      { account: { name: 'Renamed' } },
      { transactionId: 'evt-two-calls', partNumber: 1, partTotal: 2 },
    );
    assert.equal(first.status, 202, 'held: it may be the first piece of a payload');
    const second = await client.put(
      `/accounts/${accountNumber}/parent`,
      { parentAccountNumber: null },
      { transactionId: 'evt-two-calls', partNumber: 2, partTotal: 2 },
    );
    assert.equal(second.status, 400);
    assert.match(
      second.body.message,
      /part 2 is PUT .*\/parent, but part 1 was PUT .*; the parts of a transaction are pieces of one request/,
    );
    assert.equal(tenant.state.account(accountNumber)?.account['name'], 'Two Operations');
  });

  test('de-duplication is by transaction id: a part header does not make a second transaction', async () => {
    const body = { account: { name: 'Once' } };
    const first = await client.post('/customer-sync', body, { transactionId: 'evt-whole' });
    assert.equal(first.status, 201);
    const asPart = await client.post('/customer-sync', body, {
      transactionId: 'evt-whole',
      partNumber: 1,
      partTotal: 1,
    });
    assert.equal(asPart.headers['x-idempotent-replay'], 'true');
    const asPieces = await client.post('/customer-sync', body, {
      transactionId: 'evt-whole',
      partNumber: 1,
      partTotal: 2,
    });
    assert.equal(asPieces.status, 400);
    assert.match(asPieces.body.message, /transaction id reused for a different request: evt-whole \(part 1 of 2\)/);
  });

  test('a fragmented payload that is not JSON once joined is refused, and the refusal is remembered', async () => {
    const options = { transactionId: 'evt-broken-pieces', partTotal: 2 };
    await client.post('/customer-sync', undefined, { ...options, partNumber: 1, rawBody: '{"account":' });
    const joined = await client.post('/customer-sync', undefined, { ...options, partNumber: 2, rawBody: '{"name"' });
    assert.equal(joined.status, 400);
    assert.match(joined.body.message, /not valid JSON/);
    const again = await client.post('/customer-sync', undefined, { ...options, partNumber: 1, rawBody: '{"account":' });
    assert.deepEqual([again.status, again.headers['x-idempotent-replay']], [400, 'true']);
  });

  test('validation and not-found answers are remembered too', async () => {
    const invalid = await client.post('/customer-sync', { account: {} }, { transactionId: 'evt-invalid' });
    assert.equal(invalid.status, 400);
    const invalidAgain = await client.post('/customer-sync', { account: {} }, { transactionId: 'evt-invalid' });
    assert.equal(invalidAgain.status, 400);
    assert.equal(invalidAgain.headers['x-idempotent-replay'], 'true');
    assert.deepEqual(invalidAgain.body, invalid.body);

    const body = { accountNumber: 'A00009999', contact: { lastName: 'Early' } };
    const notFound = await client.post('/contacts', body, { transactionId: 'evt-early' });
    assert.equal(notFound.status, 404);
    // Even once the account exists, the same transaction answers as it first did.
    tenant.state.seedAccount({ accountNumber: 'A00009999', account: { name: 'Late' } });
    const replay = await client.post('/contacts', body, { transactionId: 'evt-early' });
    assert.equal(replay.status, 404);
    assert.equal(replay.headers['x-idempotent-replay'], 'true');
  });

  test('header and authorisation failures are not remembered: a corrected retry is processed', async () => {
    const body = { account: { name: 'Fixed Later' } };
    const badDate = await client.post('/customer-sync', body, { transactionId: 'evt-fix', dateTime: 'soon' });
    assert.equal(badDate.status, 400);
    const unauthorised = await client.post('/customer-sync', body, {
      transactionId: 'evt-fix',
      headers: { authorization: 'Bearer nope' },
    });
    assert.equal(unauthorised.status, 401);
    const fixed = await client.post('/customer-sync', body, { transactionId: 'evt-fix' });
    assert.equal(fixed.status, 201);
    assert.equal(fixed.headers['x-idempotent-replay'], undefined);
  });

  test('reads are never replays', async () => {
    const accountNumber = await client.createAccount('Readable');
    const first = await client.get(`/accounts/${accountNumber}`, { 'x-transaction-id': 'read-1' });
    const second = await client.get(`/accounts/${accountNumber}`, { 'x-transaction-id': 'read-1' });
    assert.equal(first.status, 200);
    assert.equal(second.headers['x-idempotent-replay'], undefined);
  });
});

describe('per-entity ordering', () => {
  let tenant: GentrackSandbox;
  let client: TenantClient;

  before(async () => {
    ({ tenant, client } = await startTestTenant());
  });
  after(() => tenant.close());

  test('a write older than the last applied one to the same entity is applied but flagged out of order', async () => {
    const accountNumber = (
      await client.post('/customer-sync', { account: { name: 'Ordered' } }, { dateTime: '2024-06-01T09:00:00Z' })
    ).body.accountNumber;
    await client.put(
      `/accounts/${accountNumber}`,
      { account: { phone: 'newer' } },
      {
        transactionId: 'newer',
        dateTime: '2024-06-01T10:00:00.000+00:00',
      },
    );
    const older = await client.put(
      `/accounts/${accountNumber}`,
      { account: { website: 'https://older.example' } },
      {
        transactionId: 'older',
        // 09:30 UTC, written with a +10:00 offset: the offset is honoured.
        dateTime: '2024-06-01T19:30:00.000+1000',
      },
    );
    assert.equal(older.status, 200, 'not rejected');
    assert.equal(tenant.state.account(accountNumber)?.account['website'], 'https://older.example');

    const [newerCall] = tenant.calls.byTransactionId('newer');
    const [olderCall] = tenant.calls.byTransactionId('older');
    assert.equal(newerCall?.outOfOrder, false);
    assert.equal(olderCall?.outOfOrder, true);
    assert.equal(olderCall?.entity, accountNumber);
    assert.equal(tenant.calls.counters.outOfOrder, 1);

    const later = await client.put(
      `/accounts/${accountNumber}`,
      { account: { phone: 'latest' } },
      {
        transactionId: 'latest',
        dateTime: '2024-06-01T11:00:00Z',
      },
    );
    assert.equal(later.status, 200);
    assert.equal(tenant.calls.byTransactionId('latest')[0]?.outOfOrder, false);
  });

  test('the same time is in order, and entities are independent', async () => {
    const first = await client.createAccount('Entity One');
    const second = await client.createAccount('Entity Two');
    await client.put(
      `/accounts/${first}`,
      { account: { phone: '1' } },
      { transactionId: 'e1-a', dateTime: '2024-06-02T10:00:00Z' },
    );
    await client.put(
      `/accounts/${first}`,
      { account: { phone: '2' } },
      { transactionId: 'e1-b', dateTime: '2024-06-02T10:00:00Z' },
    );
    await client.put(
      `/accounts/${second}`,
      { account: { phone: '3' } },
      { transactionId: 'e2-a', dateTime: '2024-06-01T08:00:00Z' },
    );
    for (const id of ['e1-a', 'e1-b', 'e2-a']) assert.equal(tenant.calls.byTransactionId(id)[0]?.outOfOrder, false, id);
  });

  test('contact writes are ordered per customer number, relationships included', async () => {
    const accountNumber = await client.createAccount('Contact Home');
    const customerNumber = (
      await client.post('/contacts', { contact: { lastName: 'Ordered' } }, { dateTime: '2024-06-01T10:00:00Z' })
    ).body.customerNumber;
    await client.put(
      `/contacts/${customerNumber}/relationships`,
      { relationship: { accountNumber } },
      {
        transactionId: 'rel-late',
        dateTime: '2024-06-01T12:00:00Z',
      },
    );
    await client.put(
      `/contacts/${customerNumber}`,
      { contact: { firstName: 'Early' } },
      {
        transactionId: 'contact-early',
        dateTime: '2024-06-01T11:00:00Z',
      },
    );
    const [call] = tenant.calls.byTransactionId('contact-early');
    assert.equal(call?.entity, customerNumber);
    assert.equal(call?.outOfOrder, true);
  });

  test('failed writes and replays do not move the entity clock', async () => {
    const accountNumber = await client.createAccount('Clockwork');
    const failed = await client.put(
      `/accounts/${accountNumber}`,
      { account: { name: '' } },
      {
        transactionId: 'fail-late',
        dateTime: '2024-07-01T00:00:00Z',
      },
    );
    assert.equal(failed.status, 400);
    await client.put(
      `/accounts/${accountNumber}`,
      { account: { phone: 'x' } },
      {
        transactionId: 'ok-early',
        dateTime: '2024-06-15T00:00:00Z',
      },
    );
    assert.equal(tenant.calls.byTransactionId('ok-early')[0]?.outOfOrder, false);
  });
});
