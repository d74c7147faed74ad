import { test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { connectorModel } from '../platform/connector-model.generated.js';
import type { ConnectorModel } from '../../../model/connector-model.js';
import { SalesforceCallError, type EndpointEvent, type SaveOutcome } from './salesforce-writer.js';
import { InboxStore } from './inbox-store.js';
import { InboundDispatcher } from './inbox-dispatcher.js';
import { GentrackCallError } from '../platform/gentrack/gentrack-call-error.js';

type Upsert = (
  objectType: string,
  externalIdField: string,
  records: readonly { reference: string; fields: Readonly<Record<string, unknown>> }[],
) => Promise<SaveOutcome[]>;

interface Harness {
  readonly inbox: InboxStore;
  readonly dispatcher: InboundDispatcher;
  readonly upserts: { objectType: string; references: string[]; fields: Record<string, unknown>[] }[];
  readonly tasks: Record<string, unknown>[];
  readonly reads: string[];
  readonly posted: EndpointEvent[];
  now: number;
  send(eventType: string, data: Record<string, unknown>, eventId?: string, createdAt?: string): string;
}

let eventSeq = 0;

interface HarnessOptions {
  upsert?: Upsert;
  read?: (path: string) => Promise<{ body: unknown }>;
  postEvents?: (events: readonly EndpointEvent[]) => Promise<SaveOutcome[]>;
  model?: ConnectorModel;
  maxAttempts?: number;
  breakerThreshold?: number;
}

function harness(options: HarnessOptions = {}): Harness {
  const inbox = InboxStore.open(':memory:');
  const upserts: Harness['upserts'] = [];
  const tasks: Record<string, unknown>[] = [];
  const reads: string[] = [];
  const posted: EndpointEvent[] = [];
  const ok = (reference: string): SaveOutcome => ({
    ok: true,
    id: `001${reference.padStart(15, '0')}`,
    created: false,
  });
  const h: Harness = {
    inbox,
    upserts,
    tasks,
    reads,
    posted,
    now: 1_000_000,
    dispatcher: undefined as unknown as InboundDispatcher,
    send(eventType, data, eventId = `evt-${++eventSeq}`, createdAt = '2024-06-01T00:00:00.000Z') {
      const body = JSON.stringify({
        appId: 'a',
        createdAt,
        data,
        eventId,
        eventType,
        tenantId: 't',
        version: '1',
        eventSource: 'gentrack',
      });
      inbox.receive({ eventId, eventType, createdAtMs: Date.parse(createdAt) }, body, h.now);
      return eventId;
    },
  };
  (h as { dispatcher: InboundDispatcher }).dispatcher = new InboundDispatcher({
    model: options.model ?? connectorModel,
    inbox,
    logger: pino({ level: 'silent' }),
    writer: {
      upsert: async (objectType, externalIdField, records) => {
        upserts.push({
          objectType,
          references: records.map((r) => r.reference),
          fields: records.map((r) => ({ ...r.fields })),
        });
        return options.upsert
          ? options.upsert(objectType, externalIdField, records)
          : records.map((r) => ok(r.reference));
      },
      ownersOf: async (_objectType, ids) => new Map(ids.map((id) => [id, '005000000000000AAA'])),
      postEvents: async (events) => {
        posted.push(...events);
        return options.postEvents ? options.postEvents(events) : events.map((event) => ok(event.eventId));
      },
      createTasks: async (created) => {
        tasks.push(...created);
        return created.map((_, index) => ({ ok: true, id: `00T${index}`, created: true }));
      },
    },
    gentrack: {
      send: async (request: { path: string }) => {
        reads.push(request.path);
        return options.read ? options.read(request.path) : { body: { account: { status: 'Final' } } };
      },
    } as never,
    maxAttempts: options.maxAttempts ?? 5,
    initialBackoffMs: 100,
    maxBackoffMs: 1_000,
    breakerThreshold: options.breakerThreshold ?? 100,
    breakerHalfOpenAfterMs: 5_000,
    random: () => 0.5,
    clock: () => h.now,
  });
  return h;
}

test('up to 200 records per collection call, one event per record per batch', async () => {
  const h = harness();
  h.send('quote-created', { accountNumber: 'A0', quoteId: 'Q0' });
  h.send('quote-updated', { accountNumber: 'A0', quoteId: 'Q0b' }, undefined, '2024-06-02T00:00:00.000Z');
  for (let i = 1; i < 450; i++) h.send('quote-created', { accountNumber: `A${i}`, quoteId: `Q${i}` });
  await h.dispatcher.drain();
  assert.deepEqual(
    h.upserts.map((call) => call.references.length),
    [200, 200, 51],
  );
  assert.equal(
    h.upserts[0]!.references.filter((reference) => reference === 'A0').length,
    1,
    'its second event waits: no race',
  );
  assert.equal(h.upserts[1]!.references[0], 'A0', 'and goes first in the next batch');
  assert.deepEqual(h.upserts[0]!.fields[0], { Quote_Reference__c: 'Q0', Quote_Status__c: 'Created' });
  assert.deepEqual(h.upserts[1]!.fields[0], { Quote_Reference__c: 'Q0b', Quote_Status__c: 'Updated' });
  assert.equal(h.inbox.counts().pending, 0);
});

test("partial failures are handled per record: applied, dead-lettered with Salesforce's error, or retried", async () => {
  let call = 0;
  const h = harness({
    upsert: async (_type, _field, records) => {
      call++;
      return records.map((record): SaveOutcome => {
        if (record.reference === 'A2')
          return {
            ok: false,
            code: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
            message: 'FIELD_CUSTOM_VALIDATION_EXCEPTION: closed accounts take no quotes',
            retryable: false,
          };
        if (record.reference === 'A3' && call === 1)
          return { ok: false, code: 'UNABLE_TO_LOCK_ROW', message: 'UNABLE_TO_LOCK_ROW: locked', retryable: true };
        return { ok: true, id: '001000000000001AAA', created: false };
      });
    },
  });
  const [e1, e2, e3] = ['A1', 'A2', 'A3'].map((reference) =>
    h.send('quote-ready', { accountNumber: reference, quoteId: 'Q' }),
  );
  await h.dispatcher.drain();
  assert.equal(h.upserts.length, 1, 'one collection call for the three records');
  assert.equal(h.inbox.record(e1!)?.state, 'applied');
  const refused = h.inbox.record(e2!)!;
  assert.equal(refused.state, 'dead');
  assert.match(
    refused.lastError!,
    /^FIELD_CUSTOM_VALIDATION_EXCEPTION: Salesforce refused Account A2: FIELD_CUSTOM_VALIDATION_EXCEPTION: closed accounts take no quotes/,
  );
  assert.equal(h.inbox.record(e3!)?.state, 'pending');
  assert.equal(h.inbox.record(e3!)?.attempts, 1);

  h.now += 1_000;
  await h.dispatcher.drain();
  assert.equal(h.inbox.record(e3!)?.state, 'applied', 'the locked row went through on retry');
});

test('a failing whole call is retried with backoff until attempts run out, then dead-lettered as RETRY_EXHAUSTED', async () => {
  const h = harness({
    maxAttempts: 3,
    upsert: async () => {
      throw new SalesforceCallError('SERVER_UNAVAILABLE', 'upsert Account: the org is down for maintenance', true);
    },
  });
  const eventId = h.send('contract-created', { accountNumber: 'A1', contractId: 'K1' });
  for (let round = 0; round < 3; round++) {
    await h.dispatcher.drain();
    h.now += 2_000;
  }
  assert.equal(h.upserts.length, 3);
  const record = h.inbox.record(eventId)!;
  assert.equal(record.state, 'dead');
  assert.match(
    record.lastError!,
    /^RETRY_EXHAUSTED: gave up after 3 attempts; last error SERVER_UNAVAILABLE: upsert Account: upsert Account: the org is down/,
  );
});

test('a call Salesforce refuses outright dead-letters every event in it', async () => {
  const h = harness({
    upsert: async () => {
      throw new SalesforceCallError('INVALID_FIELD', "No such column 'Quote_Status__c' on entity 'Account'", false);
    },
  });
  const events = ['A1', 'A2'].map((reference) => h.send('quote-created', { accountNumber: reference, quoteId: 'Q' }));
  await h.dispatcher.drain();
  for (const eventId of events)
    assert.match(h.inbox.record(eventId)!.lastError!, /^INVALID_FIELD: upsert Account: No such column/);
});

test('the Salesforce breaker opens after consecutive failures; waiting for it spends no attempt', async () => {
  const failing = true;
  const h = harness({
    breakerThreshold: 2,
    maxAttempts: 3,
    upsert: async (_type, _field, records) => {
      if (failing) throw new SalesforceCallError('SERVER_UNAVAILABLE', 'down', true);
      return records.map(() => ({ ok: true, id: '001000000000001AAA', created: false }));
    },
  });
  const eventId = h.send('quote-accepted', { accountNumber: 'A1', quoteId: 'Q' });
  await h.dispatcher.drain();
  h.now += 2_000;
  await h.dispatcher.drain();
  assert.equal(h.dispatcher.breakerOpen.salesforce, true);
  h.now += 2_000;
  await h.dispatcher.drain();
  const waiting = h.inbox.record(eventId)!;
  assert.equal(waiting.state, 'pending');
  assert.equal(waiting.attempts, 2, 'the open breaker did not use up the last attempt');
  assert.match(waiting.lastError!, /^CIRCUIT_OPEN/);
  assert.equal(h.upserts.length, 2, 'no call while open');
});

test("events that read from Gentrack: the entity's mastered fields are applied; an unknown entity is dead-lettered", async () => {
  const h = harness({
    read: async (path) => {
      if (path.endsWith('/A404')) {
        const call = { method: 'GET', path: '/v1/accounts/A404', origin: 'https://gentrack.test' };
        throw new GentrackCallError(call, { stage: 'call', status: 404, errorType: 'NOT_FOUND', retryable: false });
      }
      return {
        body: {
          accountNumber: 'A1',
          account: { status: 'Final', accountClass: 'Business', name: 'Not Gentrack-mastered' },
        },
      };
    },
  });
  const found = h.send('switch-loss-finished', { accountNumber: 'A1', switchDate: '2024-08-01' });
  const missing = h.send('switch-loss-finished', { accountNumber: 'A404' });
  await h.dispatcher.drain();
  assert.deepEqual(h.reads.sort(), ['/accounts/A1', '/accounts/A404']);
  assert.deepEqual(h.upserts[0]!.fields, [
    {
      Account_Class__c: 'Business',
      Gentrack_Account_Status__c: 'Final',
      Switch_Status__c: 'Lost',
      Switch_Loss_Date__c: '2024-08-01',
    },
  ]);
  assert.equal(h.inbox.record(found)?.state, 'applied');
  const dead = h.inbox.record(missing)!;
  assert.equal(dead.state, 'dead');
  assert.match(dead.lastError!, /^NOT_FOUND: get-account GET \/accounts\/A404: /);
});

test('Tasks go to the record owner, only for events that were applied', async () => {
  const h = harness();
  h.send('switch-loss-started', { accountNumber: 'A1', switchDate: '2024-07-01' }, 'late', '2024-06-01T00:00:00.000Z');
  h.send('switch-loss-cancelled', { accountNumber: 'A1' }, 'newer', '2024-06-05T00:00:00.000Z');
  // The newer one is applied first (arrival order is not Gentrack's order).
  h.inbox.scheduleRetry(1, 0, h.now + 10, 'held back for the test');
  await h.dispatcher.drain();
  h.now += 10;
  await h.dispatcher.drain();
  assert.equal(h.inbox.record('newer')?.state, 'applied');
  assert.equal(h.inbox.record('late')?.state, 'superseded');
  assert.equal(h.tasks.length, 0, 'no Task for a switch that was already cancelled');

  h.send('switch-loss-started', { accountNumber: 'A2', switchDate: '2024-07-01' });
  await h.dispatcher.drain();
  assert.equal(h.tasks.length, 1);
  assert.equal(h.tasks[0]!.OwnerId, '005000000000000AAA');
  assert.equal(h.tasks[0]!.WhatId, `001${'A2'.padStart(15, '0')}`);
});

test('with deliverTo apex the events go to the Event Endpoint with what the relay knows: the entity and the fields to skip', async () => {
  const h = harness({
    model: { ...connectorModel, inbound: { ...connectorModel.inbound, deliverTo: 'apex' } } as ConnectorModel,
    read: async () => ({ body: { accountNumber: 'A1', account: { status: 'Final' } } }),
    postEvents: async (events) =>
      events.map((event): SaveOutcome =>
        event.eventId === 'busy'
          ? { ok: false, code: 'RECORD_BUSY', message: 'RECORD_BUSY: another event of this call', retryable: true }
          : event.eventId === 'missing'
            ? {
                ok: false,
                code: 'NOT_FOUND',
                message: 'NOT_FOUND: no Account you can see has Gentrack_External_Id__c A9',
                retryable: false,
              }
            : { ok: true, id: '001000000000001AAA', created: false },
      ),
  });
  h.send('switch-loss-cancelled', { accountNumber: 'A1' }, 'newer', '2024-06-05T00:00:00.000Z');
  await h.dispatcher.drain();
  h.send(
    'switch-loss-finished',
    { accountNumber: 'A1', switchDate: '2024-08-01' },
    'finished',
    '2024-06-01T00:00:00.000Z',
  );
  h.send('switch-loss-started', { accountNumber: 'A2', switchDate: '2024-08-01' }, 'busy');
  h.send('quote-created', { accountNumber: 'A9', quoteId: 'Q' }, 'missing');
  await h.dispatcher.drain();

  assert.equal(h.upserts.length, 0, 'the relay writes nothing itself');
  assert.equal(h.tasks.length, 0, "Tasks are the endpoint's to create");
  const finished = h.posted.find((event) => event.eventId === 'finished')!;
  assert.deepEqual(finished, {
    eventId: 'finished',
    eventType: 'switch-loss-finished',
    createdAt: '2024-06-01T00:00:00.000Z',
    data: { accountNumber: 'A1', switchDate: '2024-08-01' },
    entity: { accountNumber: 'A1', account: { status: 'Final' } },
    skipFields: ['Switch_Status__c', 'Switch_Loss_Date__c'],
  });
  assert.equal(h.inbox.record('finished')?.state, 'applied', 'its entity fields were still new');
  assert.equal(h.inbox.record('busy')?.state, 'pending', 'RECORD_BUSY is retried');
  assert.match(
    h.inbox.record('missing')!.lastError!,
    /^NOT_FOUND: the Event Endpoint refused quote-created event missing \(Account A9\): NOT_FOUND: no Account/,
  );
  assert.equal(h.inbox.record('missing')?.state, 'dead');
});
