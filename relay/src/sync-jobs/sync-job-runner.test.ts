/**
 * The job runner against the real outbox (RelayStore) and job store, with the dispatcher, Salesforce and Gentrack
 * replaced by fakes: what a job puts into the outbox, how it learns the outcome, and resuming after a restart.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { Connection } from 'jsforce';
import pino from 'pino';
import { GentrackCallError } from '../platform/gentrack/gentrack-call-error.js';
import type { GentrackRequest } from '../platform/gentrack/gentrack-client.js';
import { connectorModel } from '../platform/connector-model.generated.js';
import { openRelayDatabase } from '../platform/db/relay-database.js';
import { RelayStore, type PendingChange } from '../to-gentrack/relay-store.js';
import { SyncHistory } from '../platform/db/sync-history.js';
import { SyncJobStore } from './sync-job-store.js';
import type { SyncJob, SyncJobRequest } from './sync-job.js';
import { SyncJobRunner } from './sync-job-runner.js';
import { eventually } from '../../../test/eventually.js';
import { InboxStore } from '../to-salesforce/inbox-store.js';
import { InboundWriter } from '../to-salesforce/salesforce-writer.js';
import { RecordLocks } from '../to-salesforce/record-locks.js';

/** Record locks that remember who asked for which records, so a test knows a sync is waiting for one. */
class ObservedLocks extends RecordLocks {
  readonly asked: string[][] = [];
  override hold<T>(keys: Iterable<string>, run: () => Promise<T>): Promise<T> {
    const list = [...keys];
    this.asked.push(list);
    return super.hold(list, run);
  }
}

const ACCOUNT_ID = '001000000000001AAA';
const toGentrack: SyncJobRequest = {
  source: 'Salesforce',
  destination: 'Gentrack',
  entityType: 'Account',
  entityId: ACCOUNT_ID,
  clientId: 'grc_1',
  onBehalfOf: 'ana@example.com',
};
const toSalesforce: SyncJobRequest = {
  source: 'Gentrack',
  destination: 'Salesforce',
  entityType: 'Account',
  entityId: 'A00000001',
  clientId: 'grc_1',
  onBehalfOf: 'ana@example.com',
};

function world() {
  const outbox = RelayStore.open({ path: ':memory:' });
  const database = openRelayDatabase(':memory:');
  const jobs = new SyncJobStore(database);
  const history = new SyncHistory(database);
  const records = new Map<string, Record<string, unknown>>([
    [ACCOUNT_ID, { Id: ACCOUNT_ID, Gentrack_External_Id__c: null, Name: 'Kauri', ParentId: null, Parent: null }],
  ]);
  const upserts: { objectType: string; record: Record<string, unknown>; externalIdField: string }[] = [];
  const connection = {
    query: async (soql: string) => ({
      records: [...records.values()].filter((record) => soql.includes(`'${String(record.Id)}'`)),
    }),
    upsert: async (objectType: string, batch: Record<string, unknown>[], externalIdField: string) =>
      batch.map((record) => {
        upserts.push({ objectType, record, externalIdField });
        return { id: '001000000000009AAA', success: true, created: false, errors: [] };
      }),
  } as unknown as Connection;
  // The field versions Gentrack's webhook events leave (the inbox store): on-demand syncs keep newer-wins with them.
  const fieldVersions = InboxStore.open(':memory:');
  const clock = { now: undefined as number | undefined };
  // Shared with the inbox dispatcher in the relay; here the tests hold records as a batch of events would.
  const recordLocks = new ObservedLocks();
  const gentrackCalls: GentrackRequest[] = [];
  let gentrackAnswer: (request: GentrackRequest) => unknown = () => ({
    accountNumber: 'A00000001',
    account: { name: 'x', accountClass: 'Business', status: 'Active' },
  });
  const finished: SyncJob[] = [];
  const runner = (enqueued: PendingChange[]) =>
    new SyncJobRunner({
      model: connectorModel,
      jobs,
      outbox,
      dispatcher: { enqueue: (changes) => enqueued.push(...changes) },
      salesforce: async () => connection,
      writer: new InboundWriter({ connection: async () => connection, recordLocks }),
      fieldVersions,
      clock: () => clock.now ?? Date.now(),
      gentrack: {
        send: async (request) => {
          gentrackCalls.push(request);
          return { status: 200, body: gentrackAnswer(request), replayed: false };
        },
      },
      logger: pino({ level: 'silent' }),
      watchIntervalMs: 5,
      history,
      onJobFinished: (job) => finished.push(job),
    });
  return {
    outbox,
    jobs,
    history,
    records,
    upserts,
    fieldVersions,
    clock,
    recordLocks,
    gentrackCalls,
    finished,
    runner,
    answer: (fn: typeof gentrackAnswer) => (gentrackAnswer = fn),
  };
}

/** A world with a started runner for Gentrack -> Salesforce jobs, stopped when the test ends (even when it fails). */
function startedToSalesforce(t: TestContext) {
  const w = world();
  const runner = w.runner([]);
  runner.start();
  t.after(async () => {
    await runner.stop();
    w.fieldVersions.close();
  });
  return { w, runner };
}

test('Salesforce -> Gentrack: the record goes into the outbox as the triggers would send it; the job succeeds on delivery', async () => {
  const w = world();
  const enqueued: PendingChange[] = [];
  const runner = w.runner(enqueued);
  runner.start();
  const job = runner.submit(toGentrack);
  assert.equal(job.state, 'queued');
  const [pending] = await eventually('the change in the outbox', () => enqueued.length > 0 && enqueued, 5_000);
  assert.equal(pending!.change.transactionId, `sync-job-${job.id}`);
  assert.equal(pending!.change.operationType, 'INSERT');
  assert.equal(pending!.entityKey, `Account:${ACCOUNT_ID}`, "queued behind the record's other changes");
  assert.equal(pending!.change.changedBy, 'ana@example.com');
  assert.equal(runner.get(job.id)?.state, 'running');
  assert.equal(runner.get(job.id)?.transactionId, `sync-job-${job.id}`);

  w.outbox.recordDelivered([
    { seq: pending!.seq, learntReference: { objectType: 'Account', recordId: ACCOUNT_ID, reference: 'A00000042' } },
  ]);
  const done = await eventually(
    'the job to succeed',
    () => runner.get(job.id)?.state === 'succeeded' && runner.get(job.id),
    5_000,
  );
  assert.deepEqual(done.result, {
    system: 'Gentrack',
    action: 'created',
    entityType: 'Account',
    id: 'A00000042',
    fields: done.result!.fields,
  });
  assert.equal(done.result!.fields['account.name'], 'Kauri');
  assert.deepEqual(
    w.finished.map((j) => j.id),
    [job.id],
    'the finished hook saw it',
  );
  const run = w.history.get(job.id);
  assert.equal(run?.kind, 'on-demand');
  assert.equal(run?.subject, `Account ${ACCOUNT_ID} Salesforce -> Gentrack`);
  assert.equal(
    run?.initiatedBy,
    'ana@example.com (API client grc_1)',
    'who the caller names, and the client that vouches for it',
  );
  assert.equal(run?.outcome, 'completed');
  await runner.stop();
});

test('Salesforce -> Gentrack: a dead-lettered change fails the job with its reason; a missing record fails at once', async () => {
  const w = world();
  const enqueued: PendingChange[] = [];
  const runner = w.runner(enqueued);
  runner.start();
  const job = runner.submit(toGentrack);
  const [pending] = await eventually('the change in the outbox', () => enqueued.length > 0 && enqueued, 5_000);
  w.outbox.deadLetterChange(
    pending!.seq,
    'BAD_REQUEST',
    'customer-sync POST /customer-sync: 400 BAD_REQUEST: account.name is required',
    undefined,
  );
  const failed = await eventually(
    'the job to fail',
    () => runner.get(job.id)?.state === 'failed' && runner.get(job.id),
    5_000,
  );
  assert.equal(failed.error?.code, 'BAD_REQUEST');
  assert.equal(w.history.get(job.id)?.outcome, 'failed');
  assert.match(w.history.get(job.id)?.error ?? '', /^BAD_REQUEST: Gentrack did not take the Account/);
  assert.match(failed.error!.message, /Gentrack did not take the Account: customer-sync .*account.name is required/);

  const missing = runner.submit({ ...toGentrack, entityId: '001000000000404AAA' });
  const notFound = await eventually(
    'the job for a missing record to fail',
    () => runner.get(missing.id)?.state === 'failed' && runner.get(missing.id),
    5_000,
  );
  assert.deepEqual(notFound.error, {
    code: 'NOT_FOUND',
    message:
      'Salesforce has no Account with id 001000000000404AAA (deleted, never existed, or not visible to the integration user)',
  });
  assert.equal(enqueued.length, 1, 'nothing was put into the outbox for it');
  await runner.stop();
});

test('a job waiting for its delivery survives a restart: it resumes without a second change', async () => {
  const w = world();
  const first: PendingChange[] = [];
  const before = w.runner(first);
  before.start();
  const job = before.submit(toGentrack);
  const [pending] = await eventually('the change in the outbox', () => first.length > 0 && first, 5_000);
  await before.stop();
  assert.equal(w.jobs.get(job.id)?.state, 'running', 'left running, not failed, by the stop');

  const second: PendingChange[] = [];
  const after = w.runner(second);
  after.start();
  w.outbox.recordDelivered([{ seq: pending!.seq }]);
  await eventually('the resumed job to succeed', () => after.get(job.id)?.state === 'succeeded', 5_000);
  assert.equal(second.length, 0, 'the outbox already held the change (the dispatcher reloads it at start)');
  assert.equal(w.history.list({ kind: 'on-demand' }).length, 1, 'one run in the history, resumed');
  assert.equal(w.history.get(job.id)?.outcome, 'completed');
  assert.equal(w.outbox.counts().pending, 0);
  await after.stop();
});

test('jobs submitted before start run once the runner starts', async () => {
  const w = world();
  const enqueued: PendingChange[] = [];
  const runner = w.runner(enqueued);
  const job = runner.submit(toGentrack);
  // A job that ran would be marked running at once; its outbox change follows once the fake Salesforce answers, in
  // promise jobs only, so one macrotask turn is the barrier for it.
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(runner.get(job.id)?.state, 'queued', 'not started before the runner');
  assert.equal(enqueued.length, 0, 'not before the dispatcher runs');
  runner.start();
  await eventually('the change in the outbox after start', () => enqueued.length === 1, 5_000);
  assert.equal(runner.get(job.id)?.state, 'running');
  await runner.stop();
});

test('Gentrack -> Salesforce: the entity is read by reference and its Gentrack-mastered fields upserted by External ID', async () => {
  const w = world();
  const runner = w.runner([]);
  runner.start();
  const job = runner.submit(toSalesforce);
  const done = await eventually(
    'the job to succeed',
    () => runner.get(job.id)?.state === 'succeeded' && runner.get(job.id),
    5_000,
  );
  assert.equal(w.gentrackCalls[0]?.method, 'GET');
  assert.equal(w.gentrackCalls[0]?.path, '/accounts/A00000001');
  assert.equal(w.gentrackCalls[0]?.headers.onBehalfOf, 'ana@example.com');
  assert.equal(w.upserts[0]?.externalIdField, 'Gentrack_External_Id__c');
  assert.deepEqual(
    { ...w.upserts[0]?.record, Gentrack_Last_Synced__c: 'set' },
    {
      Gentrack_External_Id__c: 'A00000001',
      Account_Class__c: 'Business',
      Gentrack_Account_Status__c: 'Active',
      Gentrack_Sync_Status__c: 'Synced',
      Gentrack_Last_Synced__c: 'set',
      Gentrack_Last_Error__c: null,
    },
    'no Salesforce-mastered field (the name) is written',
  );
  assert.deepEqual(done.result, {
    system: 'Salesforce',
    action: 'updated',
    entityType: 'Account',
    id: '001000000000009AAA',
    fields: { Account_Class__c: 'Business', Gentrack_Account_Status__c: 'Active' },
  });

  w.answer((request) => {
    throw new GentrackCallError(
      { method: 'GET', path: `/v1${request.path}`, origin: 'http://gentrack' },
      { errorType: 'NOT_FOUND', retryable: false, status: 404, stage: 'call' },
    );
  });
  const missing = runner.submit({ ...toSalesforce, entityId: 'A99999999' });
  const failed = await eventually(
    'the job for a missing record to fail',
    () => runner.get(missing.id)?.state === 'failed' && runner.get(missing.id),
    5_000,
  );
  assert.deepEqual(failed.error, { code: 'NOT_FOUND', message: 'Gentrack has no Account with reference A99999999' });
  assert.equal(w.upserts.length, 1, 'nothing written to Salesforce');
  await runner.stop();
});

test('Gentrack -> Salesforce: newer wins against webhook events; a field a newer event set is left alone and reported', async (t) => {
  const { w, runner } = startedToSalesforce(t);
  // A quote-ready webhook event created at T2 set the quote's status: the inbox dispatcher recorded its version.
  const T2 = Date.parse('2025-03-01T10:00:00.000Z');
  w.fieldVersions.receive({ eventId: 'evt-quote-ready', eventType: 'quote-ready', createdAtMs: T2 }, '{}');
  w.fieldVersions.finish([
    {
      seq: 1,
      state: 'applied',
      outcome: {},
      versions: {
        objectType: 'Account',
        reference: 'A00000001',
        fields: ['Quote_Status__c'],
        createdAtMs: T2,
        eventId: 'evt-quote-ready',
      },
    },
  ]);

  // Read at T1 < T2: Gentrack's answer is older than the event for the quote's status.
  const T1 = T2 - 60_000;
  w.clock.now = T1;
  w.answer(() => ({
    accountNumber: 'A00000001',
    account: { accountClass: 'Business', status: 'Active' },
    quote: { status: 'Created' },
  }));
  const older = runner.submit(toSalesforce);
  const olderDone = await eventually(
    'the older sync to succeed',
    () => runner.get(older.id)?.state === 'succeeded' && runner.get(older.id),
    5_000,
  );
  assert.equal(w.upserts[0]?.record.Quote_Status__c, undefined, "the newer event's value is not overwritten");
  assert.equal(w.upserts[0]?.record.Account_Class__c, 'Business', 'the fields no newer event set are written');
  assert.equal(w.upserts[0]?.record.Gentrack_Sync_Status__c, 'Synced');
  assert.deepEqual(olderDone.result, {
    system: 'Salesforce',
    action: 'updated',
    entityType: 'Account',
    id: '001000000000009AAA',
    fields: { Account_Class__c: 'Business', Gentrack_Account_Status__c: 'Active' },
    superseded: { Quote_Status__c: 'Created' },
  });
  assert.deepEqual(
    w.fieldVersions.fieldVersions('Account', 'A00000001'),
    new Map([
      ['Quote_Status__c', T2],
      ['Account_Class__c', T1],
      ['Gentrack_Account_Status__c', T1],
    ]),
    'the written fields are as of the read, so an event older than it cannot overwrite them either',
  );

  // Read at T3 > T2: Gentrack's answer is its newest state and overwrites the event's value.
  const T3 = T2 + 60_000;
  w.clock.now = T3;
  w.answer(() => ({
    accountNumber: 'A00000001',
    account: { accountClass: 'Business', status: 'Active' },
    quote: { status: 'Accepted' },
  }));
  const newer = runner.submit(toSalesforce);
  const newerDone = await eventually(
    'the newer sync to succeed',
    () => runner.get(newer.id)?.state === 'succeeded' && runner.get(newer.id),
    5_000,
  );
  assert.equal(w.upserts[1]?.record.Quote_Status__c, 'Accepted');
  assert.equal(newerDone.result?.superseded, undefined, 'nothing left out');
  assert.equal(newerDone.result?.fields.Quote_Status__c, 'Accepted');
  assert.equal(w.fieldVersions.fieldVersions('Account', 'A00000001').get('Quote_Status__c'), T3);
});

test('Gentrack -> Salesforce: a sync waits while a batch of events holds its record, and decides on the versions the batch recorded', async (t) => {
  const { w, runner } = startedToSalesforce(t);
  const T1 = Date.parse('2025-03-01T10:00:00.000Z');
  const T2 = T1 + 60_000;
  w.clock.now = T1;
  w.answer(() => ({
    accountNumber: 'A00000001',
    account: { accountClass: 'Business', status: 'Active' },
    quote: { status: 'Created' },
  }));
  // A batch of events holds the record: it applies a quote-ready event created at T2 and records its version last.
  let finishBatch!: () => void;
  const batch = w.recordLocks.hold(['Account:A00000001'], async () => {
    await new Promise<void>((resolve) => (finishBatch = resolve));
    w.fieldVersions.recordFieldVersions({
      objectType: 'Account',
      reference: 'A00000001',
      fields: ['Quote_Status__c'],
      createdAtMs: T2,
      eventId: 'evt-quote-ready',
    });
  });
  const job = runner.submit(toSalesforce);
  await eventually('the sync waiting for the record lock', () => w.recordLocks.asked.length === 2, 5_000);
  assert.equal(w.upserts.length, 0, 'the sync read Gentrack (at T1) and waits for the record');
  finishBatch();
  await batch;
  const done = await eventually(
    'the job to succeed',
    () => runner.get(job.id)?.state === 'succeeded' && runner.get(job.id),
    5_000,
  );
  assert.equal(w.upserts[0]?.record.Quote_Status__c, undefined, 'the event the batch applied is not overwritten');
  assert.deepEqual(done.result?.superseded, { Quote_Status__c: 'Created' });
});
