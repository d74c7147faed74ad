import { test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { connectorModel } from '../platform/connector-model.generated.js';
import { reassemble } from './reassemble.js';
import type { ObjectEventPart } from './object-event.js';
import { RelayStore } from './relay-store.js';
import { Dispatcher, type GentrackSender } from './outbox-dispatcher.js';
import { eventually } from '../../../test/eventually.js';
import { GENTRACK_CALL_FAILED, RelayError, type CallFailedError } from '../platform/errors.js';

const TOPIC = '/event/Gentrack_Object_Event__e';
const logger = pino({ level: 'silent' });

type SentRequest = Parameters<GentrackSender['send']>[0];

class CallError extends RelayError implements CallFailedError {
  readonly code = GENTRACK_CALL_FAILED;
  constructor(
    readonly errorType: string,
    override readonly retryable: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(`${errorType} from the fake Gentrack`);
  }
}

/** A Gentrack stand-in whose answers a test scripts per call; it records what was sent. */
function fakeGentrack(answer: (request: SentRequest, index: number) => unknown | Promise<unknown>) {
  const sent: SentRequest[] = [];
  const sender: GentrackSender = {
    async send(request) {
      const index = sent.push(request) - 1;
      await new Promise((resolve) => setImmediate(resolve));
      const outcome = await answer(request, index);
      if (outcome instanceof Error) throw outcome;
      return { body: outcome };
    },
  };
  return { sender, sent };
}

let sequence = 0;
function accountChange(recordNumber: number, operationType: 'INSERT' | 'UPDATE', name: string): ObjectEventPart {
  const recordId = `001${String(recordNumber).padStart(12, '0')}AAA`;
  return {
    objectType: 'Account',
    operationType,
    recordId,
    transactionId: `tx-${++sequence}`,
    partNumber: 1,
    partTotal: 1,
    oldPayload: null,
    newPayload: JSON.stringify({
      Id: recordId,
      Gentrack_External_Id__c: operationType === 'UPDATE' ? `A${recordNumber}` : null,
      Name: name,
      _references: { ParentId: null },
    }),
    changedFields: operationType === 'UPDATE' ? ['Name'] : [],
    changedBy: 'admin@example.com',
    changedAt: new Date(Date.UTC(2026, 10, 23, 10, 0, sequence)).toISOString(),
  };
}

function accountDelete(recordNumber: number): ObjectEventPart {
  const recordId = `001${String(recordNumber).padStart(12, '0')}AAA`;
  return {
    ...accountChange(recordNumber, 'UPDATE', 'unused'),
    operationType: 'DELETE',
    oldPayload: JSON.stringify({ Id: recordId, Gentrack_External_Id__c: `A${recordNumber}`, Name: 'Gone' }),
    newPayload: null,
    changedFields: [],
  };
}

function setup(sender: GentrackSender, options: Partial<ConstructorParameters<typeof Dispatcher>[0]> = {}) {
  const store = RelayStore.open({ path: ':memory:' });
  const dispatcher = new Dispatcher({
    model: connectorModel,
    store,
    gentrack: sender,
    logger,
    initialBackoffMs: 5,
    maxBackoffMs: 20,
    flushIntervalMs: 1,
    ...options,
  });
  const ingest = (parts: ObjectEventPart[]) => {
    const { stored } = store.ingest(
      TOPIC,
      parts.map((p, i) => ({ replayId: String(i), part: p })),
      '0',
      reassemble,
    );
    dispatcher.enqueue(stored);
  };
  return { store, dispatcher, ingest };
}

test('changes of one record go in order, one at a time; different records go in parallel', async () => {
  let inFlightPerRecord = new Map<string, number>();
  let maxParallel = 0;
  let inFlight = 0;
  const { sender, sent } = fakeGentrack(async (request) => {
    const record = String((request.body as { salesforceId: string }).salesforceId);
    const current = (inFlightPerRecord.get(record) ?? 0) + 1;
    assert.equal(current, 1, `two calls in flight for ${record}`);
    inFlightPerRecord.set(record, current);
    maxParallel = Math.max(maxParallel, ++inFlight);
    // Kept: the call takes a moment so that calls of different records overlap; nothing waits on its length.
    await new Promise((resolve) => setTimeout(resolve, 2));
    inFlight--;
    inFlightPerRecord.set(record, current - 1);
    return { accountNumber: 'A1' };
  });
  const { dispatcher, ingest, store } = setup(sender, { concurrency: 8 });
  dispatcher.start();
  const parts: ObjectEventPart[] = [];
  for (let version = 0; version < 5; version++) {
    for (let record = 1; record <= 6; record++) parts.push(accountChange(record, 'UPDATE', `v${version}`));
  }
  ingest(parts);
  await dispatcher.idle();
  await dispatcher.stop();
  assert.equal(sent.length, 30);
  for (let record = 1; record <= 6; record++) {
    const names = sent
      .filter((request) =>
        (request.body as { salesforceId: string }).salesforceId.startsWith(`001${String(record).padStart(12, '0')}`),
      )
      .map((request) => (request.body as { account: { name: string } }).account.name);
    assert.deepEqual(names, ['v0', 'v1', 'v2', 'v3', 'v4'], `record ${record} in order`);
  }
  assert.ok(maxParallel > 1, 'records are delivered in parallel');
  assert.equal(store.counts().pending, 0);
  inFlightPerRecord = new Map();
});

test('headers carry the transaction, its change time and the user behind it', async () => {
  const { sender, sent } = fakeGentrack(() => ({ accountNumber: 'A00000077' }));
  const { dispatcher, ingest, store } = setup(sender);
  dispatcher.start();
  const insert = accountChange(77, 'INSERT', 'Acme');
  ingest([insert]);
  await dispatcher.idle();
  await dispatcher.stop();
  assert.deepEqual(
    { ...sent[0]!.headers, traceId: undefined },
    {
      transactionId: `${insert.transactionId}:customer-sync`,
      transactionDateTime: insert.changedAt,
      traceId: undefined,
      onBehalfOf: 'admin@example.com',
    },
  );
  assert.equal(sent[0]!.path, '/customer-sync');
  assert.equal(store.referenceOf('Account', insert.recordId), 'A00000077', 'the new account number is learnt');
  assert.equal(store.dueWriteBacks(10)[0]!.fields.Gentrack_External_Id__c, 'A00000077');
});

test('each call of a change is a transaction of its own, with an id derived from the change', async () => {
  const { sender, sent } = fakeGentrack(() => ({}));
  const { dispatcher, ingest } = setup(sender);
  dispatcher.start();
  const moved = {
    ...accountChange(8, 'UPDATE', 'Moved'),
    changedFields: ['Name', 'ParentId'],
  };
  moved.newPayload = JSON.stringify({
    ...(JSON.parse(moved.newPayload!) as object),
    _references: { ParentId: 'A00000002' },
  });
  ingest([moved]);
  await dispatcher.idle();
  await dispatcher.stop();
  assert.deepEqual(
    sent.map((request) => [request.path, request.headers.transactionId]),
    [
      ['/accounts/A8', `${moved.transactionId}:update-account`],
      ['/accounts/A8/parent', `${moved.transactionId}:update-account-parent`],
    ],
  );
  assert.ok(
    sent.every((request) => !('partNumber' in request.headers)),
    'no part headers: each payload is sent whole',
  );
});

test('an account review is read before it is made: a redelivery finds its effect and does not make a second', async () => {
  let review: { reason: unknown; salesforceId: unknown } | undefined;
  const { sender, sent } = fakeGentrack((request, index) => {
    if (request.method === 'GET') return review ?? new CallError('NOT_FOUND', false);
    const body = request.body as { reason: unknown; salesforceId: unknown };
    review = { reason: body.reason, salesforceId: body.salesforceId };
    // The review is made, but its answer is lost: the change is delivered again.
    return index === 1 ? new CallError('TIMEOUT', true) : { reviewId: 'RV1', ...review };
  });
  const { dispatcher, ingest, store } = setup(sender);
  dispatcher.start();
  const deleted = accountDelete(9);
  ingest([deleted]);
  await dispatcher.idle();
  await dispatcher.stop();
  assert.deepEqual(
    sent.map((request) => `${request.method} ${request.path}`),
    ['GET /accounts/A9/review', 'POST /accounts/A9/review', 'GET /accounts/A9/review'],
  );
  assert.match(String(review?.reason), new RegExp(`\\(Salesforce change ${deleted.transactionId}\\)$`));
  assert.deepEqual([store.counts().pending, store.deadLetters().length], [0, 0]);
});

test("another change's review does not count: the review is made", async () => {
  const { sender, sent } = fakeGentrack((request) =>
    request.method === 'GET'
      ? { reviewId: 'RV0', reason: 'Account deleted in Salesforce (Salesforce change earlier)', salesforceId: 'x' }
      : { reviewId: 'RV1' },
  );
  const { dispatcher, ingest } = setup(sender);
  dispatcher.start();
  ingest([accountDelete(10)]);
  await dispatcher.idle();
  await dispatcher.stop();
  assert.deepEqual(
    sent.map((request) => request.method),
    ['GET', 'POST'],
  );
});

test('retryable failures are retried with backoff until they succeed; the record waits meanwhile', async () => {
  const { sender, sent } = fakeGentrack((request, index) => {
    if (index < 2)
      return new CallError(
        index === 0 ? 'SERVICE_UNAVAILABLE' : 'TOO_MANY_REQUESTS',
        true,
        index === 1 ? 30 : undefined,
      );
    return { accountNumber: 'A1' };
  });
  const { dispatcher, ingest, store } = setup(sender);
  dispatcher.start();
  const first = accountChange(5, 'UPDATE', 'first');
  const second = accountChange(5, 'UPDATE', 'second');
  const started = Date.now();
  ingest([first, second]);
  await dispatcher.idle();
  await dispatcher.stop();
  assert.deepEqual(
    sent.map((r) => r.headers.transactionId),
    [first, first, first, second].map((change) => `${change.transactionId}:update-account`),
  );
  assert.ok(Date.now() - started >= 30, 'Retry-After is honoured');
  assert.equal(store.deadLetters().length, 0);
});

test('a non-retryable failure dead-letters the change with its reason; later changes go on', async () => {
  const { sender, sent } = fakeGentrack((request) =>
    (request.body as { account: { name: string } }).account.name === 'bad' ? new CallError('BAD_REQUEST', false) : {},
  );
  const { dispatcher, ingest, store } = setup(sender);
  dispatcher.start();
  ingest([accountChange(9, 'UPDATE', 'bad'), accountChange(9, 'UPDATE', 'good')]);
  await dispatcher.idle();
  await dispatcher.stop();
  assert.equal(sent.length, 2);
  const [letter] = store.deadLetters();
  assert.equal(letter!.reasonCode, 'BAD_REQUEST');
  assert.match(letter!.reason, /update-account PUT \/accounts\/A9: BAD_REQUEST from the fake Gentrack/);
  const failure = store.dueWriteBacks(10).find((w) => w.fields.Gentrack_Sync_Status__c === 'Failed');
  assert.match(String(failure?.fields.Gentrack_Last_Error__c), /BAD_REQUEST/);
});

test('attempts are bounded: a change that keeps failing ends as RETRY_EXHAUSTED', async () => {
  const { sender, sent } = fakeGentrack(() => new CallError('INTERNAL_SERVER_ERROR', true));
  const { dispatcher, ingest, store } = setup(sender, { maxAttempts: 3, breakerThreshold: 100 });
  dispatcher.start();
  ingest([accountChange(3, 'UPDATE', 'x')]);
  await dispatcher.idle();
  await dispatcher.stop();
  assert.equal(sent.length, 3);
  assert.equal(store.deadLetters()[0]!.reasonCode, 'RETRY_EXHAUSTED');
  assert.match(store.deadLetters()[0]!.reason, /gave up after 3 attempts; last error INTERNAL_SERVER_ERROR/);
});

test('the circuit breaker stops calls while Gentrack is down, without spending attempts', async (t) => {
  // Time decides what the breaker does, so time is mocked: the dispatcher's timers and clock, and cockatiel's
  // Date.now(). "No call while it is open" then covers a span of (mocked) time just short of the half-open delay,
  // however slow the machine. The fake Gentrack answers on setImmediate, which stays real.
  t.mock.timers.enable({ apis: ['setInterval', 'Date'], now: Date.UTC(2026, 10, 23, 10) });
  let down = true;
  const { sender, sent } = fakeGentrack(() => (down ? new CallError('SERVICE_UNAVAILABLE', true) : {}));
  const refusedByBreaker: string[] = [];
  const { dispatcher, ingest, store } = setup(sender, {
    breakerThreshold: 3,
    breakerHalfOpenAfterMs: 60,
    maxAttempts: 5,
    concurrency: 1,
    observer: {
      retried: (change, errorType) => {
        if (errorType === 'CIRCUIT_OPEN') refusedByBreaker.push(change.recordId);
      },
    },
  });
  t.after(() => dispatcher.stop(0)); // a failed wait must not leave its timers running
  dispatcher.start();
  ingest([1, 2, 3, 4, 5, 6].map((n) => accountChange(n, 'UPDATE', 'x')));
  // Records 1-3 fail and open the breaker; records 4-6 come up next and are held back by it.
  await eventually('the breaker to hold back records 4-6', () => refusedByBreaker.length === 3, 5_000);
  assert.ok(dispatcher.breakerOpen, 'three consecutive failures open the breaker');
  assert.equal(sent.length, 3, 'no call for the records that came up while it is open');
  // Records 1-3 are due again after their backoff (at most 20 ms), still while the breaker is open (60 ms).
  t.mock.timers.tick(59);
  await eventually(
    'the breaker to hold back records 1-3 after their backoff',
    () => refusedByBreaker.length === 6,
    5_000,
  );
  assert.equal(sent.length, 3, 'no call goes out while it is open');
  assert.ok(dispatcher.breakerOpen);

  down = false;
  let idle = false;
  void dispatcher.idle().then(() => (idle = true));
  for (let step = 0; !idle && step < 200; step++) {
    t.mock.timers.tick(25);
    await new Promise((resolve) => setImmediate(resolve));
  }
  assert.ok(idle, 'everything delivered once the breaker let calls through again');
  await dispatcher.stop();
  assert.equal(sent.length, 9, 'three failures, then one call per change');
  assert.equal(store.deadLetters().length, 0, 'nothing was dead-lettered for an outage');
  assert.equal(store.counts().pending, 0);
});

test('a child waits for its parent reference rather than reaching Gentrack without it', async (t) => {
  const contactId = '003000000000001AAA';
  const accountId = '001000000000001AAA';
  const { sender, sent } = fakeGentrack((request) =>
    request.path === '/customer-sync' ? { accountNumber: 'A00000001' } : { customerNumber: 'C00000001' },
  );
  const heldBack: string[] = [];
  const { dispatcher, ingest } = setup(sender, {
    maxAttempts: 50,
    observer: {
      retried: (change, errorType) => {
        if (errorType === 'REFERENCE_PENDING') heldBack.push(change.recordId);
      },
    },
  });
  t.after(() => dispatcher.stop(0)); // a failed wait must not leave its timers running
  dispatcher.start();
  ingest([
    {
      ...accountChange(1, 'INSERT', 'x'),
      objectType: 'Contact',
      recordId: contactId,
      newPayload: JSON.stringify({
        Id: contactId,
        LastName: 'Ngata',
        AccountId: accountId,
        _references: { AccountId: null },
      }),
    },
  ]);
  // Barrier: the dispatcher has taken up the contact and decided to hold it back (twice, so not only on its first
  // try); had it sent the call instead, the call would have been recorded first.
  await eventually('the contact to be held back for its parent reference', () => heldBack.length >= 2, 5_000);
  assert.equal(sent.length, 0, 'no call without the account number');
  // The account's own delivery teaches the reference.
  ingest([accountChange(1, 'INSERT', 'Parent')]);
  await dispatcher.idle();
  await dispatcher.stop();
  const contactCall = sent.find((request) => request.path === '/contacts');
  assert.equal(
    (contactCall?.body as { accountNumber?: string }).accountNumber,
    'A00000001',
    'the learnt reference is used',
  );
});

test('a second insert of the same record (an on-demand sync racing its insert event) updates what the first created', async () => {
  const { sender, sent } = fakeGentrack((request) =>
    request.path === '/customer-sync' ? { accountNumber: 'A00000042' } : {},
  );
  const { dispatcher, ingest } = setup(sender);
  dispatcher.start();
  ingest([accountChange(42, 'INSERT', 'Acme'), accountChange(42, 'INSERT', 'Acme Energy')]);
  await dispatcher.idle();
  await dispatcher.stop();
  assert.deepEqual(
    sent.map((request) => `${request.method} ${request.path}`),
    ['POST /customer-sync', 'PUT /accounts/A00000042', 'PUT /accounts/A00000042/parent'],
  );
  assert.equal((sent[1]!.body as { account: { name: string } }).account.name, 'Acme Energy');
});
