/**
 * The job runner against the real outbox (RelayStore) and job store, with the dispatcher, Salesforce and Gentrack
 * replaced by fakes: what a job puts into the outbox, how it learns the outcome, and resuming after a restart.
 */
import { test } from 'node:test';
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

const ACCOUNT_ID = '001000000000001AAA';
const toGentrack: SyncJobRequest = { source: 'Salesforce', destination: 'Gentrack', entityType: 'Account', entityId: ACCOUNT_ID, clientId: 'grc_1', onBehalfOf: 'ana@example.com' };
const toSalesforce: SyncJobRequest = { source: 'Gentrack', destination: 'Salesforce', entityType: 'Account', entityId: 'A00000001', clientId: 'grc_1', onBehalfOf: 'ana@example.com' };

function world() {
  const outbox = RelayStore.open({ path: ':memory:' });
  const database = openRelayDatabase(':memory:');
  const jobs = new SyncJobStore(database);
  const history = new SyncHistory(database);
  const records = new Map<string, Record<string, unknown>>([[ACCOUNT_ID, { Id: ACCOUNT_ID, Gentrack_External_Id__c: null, Name: 'Kauri', ParentId: null, Parent: null }]]);
  const upserts: { objectType: string; record: Record<string, unknown>; externalIdField: string }[] = [];
  const connection = {
    query: async (soql: string) => ({ records: [...records.values()].filter((record) => soql.includes(`'${String(record.Id)}'`)) }),
    sobject: (objectType: string) => ({
      upsert: async (record: Record<string, unknown>, externalIdField: string) => {
        upserts.push({ objectType, record, externalIdField });
        return { id: '001000000000009AAA', success: true, created: false, errors: [] };
      },
    }),
  } as unknown as Connection;
  const gentrackCalls: GentrackRequest[] = [];
  let gentrackAnswer: (request: GentrackRequest) => unknown = () => ({ accountNumber: 'A00000001', account: { name: 'x', accountClass: 'Business', status: 'Active' } });
  const finished: SyncJob[] = [];
  const runner = (enqueued: PendingChange[]) =>
    new SyncJobRunner({
      model: connectorModel,
      jobs,
      outbox,
      dispatcher: { enqueue: (changes) => enqueued.push(...changes) },
      salesforce: async () => connection,
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
  return { outbox, jobs, history, records, upserts, gentrackCalls, finished, runner, answer: (fn: typeof gentrackAnswer) => (gentrackAnswer = fn) };
}

async function until<T>(check: () => T | undefined | false): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const value = check();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  assert.fail('timed out');
}

test('Salesforce -> Gentrack: the record goes into the outbox as the triggers would send it; the job succeeds on delivery', async () => {
  const w = world();
  const enqueued: PendingChange[] = [];
  const runner = w.runner(enqueued);
  runner.start();
  const job = runner.submit(toGentrack);
  assert.equal(job.state, 'queued');
  const [pending] = await until(() => enqueued.length > 0 && enqueued);
  assert.equal(pending!.change.transactionId, `sync-job-${job.id}`);
  assert.equal(pending!.change.operationType, 'INSERT');
  assert.equal(pending!.entityKey, `Account:${ACCOUNT_ID}`, 'queued behind the record\'s other changes');
  assert.equal(pending!.change.changedBy, 'ana@example.com');
  assert.equal(runner.get(job.id)?.state, 'running');
  assert.equal(runner.get(job.id)?.transactionId, `sync-job-${job.id}`);

  w.outbox.recordDelivered([{ seq: pending!.seq, learntReference: { objectType: 'Account', recordId: ACCOUNT_ID, reference: 'A00000042' } }]);
  const done = await until(() => runner.get(job.id)?.state === 'succeeded' && runner.get(job.id));
  assert.deepEqual(done.result, {
    system: 'Gentrack',
    action: 'created',
    entityType: 'Account',
    id: 'A00000042',
    fields: done.result!.fields,
  });
  assert.equal(done.result!.fields['account.name'], 'Kauri');
  assert.deepEqual(w.finished.map((j) => j.id), [job.id], 'the finished hook saw it');
  const run = w.history.get(job.id);
  assert.equal(run?.kind, 'on-demand');
  assert.equal(run?.subject, `Account ${ACCOUNT_ID} Salesforce -> Gentrack`);
  assert.equal(run?.initiatedBy, 'ana@example.com');
  assert.equal(run?.outcome, 'completed');
  await runner.stop();
});

test('Salesforce -> Gentrack: a dead-lettered change fails the job with its reason; a missing record fails at once', async () => {
  const w = world();
  const enqueued: PendingChange[] = [];
  const runner = w.runner(enqueued);
  runner.start();
  const job = runner.submit(toGentrack);
  const [pending] = await until(() => enqueued.length > 0 && enqueued);
  w.outbox.deadLetterChange(pending!.seq, 'BAD_REQUEST', 'customer-sync POST /customer-sync: 400 BAD_REQUEST: account.name is required', undefined);
  const failed = await until(() => runner.get(job.id)?.state === 'failed' && runner.get(job.id));
  assert.equal(failed.error?.code, 'BAD_REQUEST');
  assert.equal(w.history.get(job.id)?.outcome, 'failed');
  assert.match(w.history.get(job.id)?.error ?? '', /^BAD_REQUEST: Gentrack did not take the Account/);
  assert.match(failed.error!.message, /Gentrack did not take the Account: customer-sync .*account.name is required/);

  const missing = runner.submit({ ...toGentrack, entityId: '001000000000404AAA' });
  const notFound = await until(() => runner.get(missing.id)?.state === 'failed' && runner.get(missing.id));
  assert.deepEqual(notFound.error, {
    code: 'NOT_FOUND',
    message: 'Salesforce has no Account with id 001000000000404AAA (deleted, never existed, or not visible to the integration user)',
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
  const [pending] = await until(() => first.length > 0 && first);
  await before.stop();
  assert.equal(w.jobs.get(job.id)?.state, 'running', 'left running, not failed, by the stop');

  const second: PendingChange[] = [];
  const after = w.runner(second);
  after.start();
  w.outbox.recordDelivered([{ seq: pending!.seq }]);
  await until(() => after.get(job.id)?.state === 'succeeded');
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
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(enqueued.length, 0, 'not before the dispatcher runs');
  runner.start();
  await until(() => enqueued.length === 1);
  assert.equal(runner.get(job.id)?.state, 'running');
  await runner.stop();
});

test('Gentrack -> Salesforce: the entity is read by reference and its Gentrack-mastered fields upserted by External ID', async () => {
  const w = world();
  const runner = w.runner([]);
  runner.start();
  const job = runner.submit(toSalesforce);
  const done = await until(() => runner.get(job.id)?.state === 'succeeded' && runner.get(job.id));
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
  assert.deepEqual(done.result, { system: 'Salesforce', action: 'updated', entityType: 'Account', id: '001000000000009AAA', fields: { Account_Class__c: 'Business', Gentrack_Account_Status__c: 'Active' } });

  w.answer((request) => {
    throw new GentrackCallError({ method: 'GET', path: `/v1${request.path}`, origin: 'http://gentrack' }, { errorType: 'NOT_FOUND', retryable: false, status: 404, stage: 'call' });
  });
  const missing = runner.submit({ ...toSalesforce, entityId: 'A99999999' });
  const failed = await until(() => runner.get(missing.id)?.state === 'failed' && runner.get(missing.id));
  assert.deepEqual(failed.error, { code: 'NOT_FOUND', message: 'Gentrack has no Account with reference A99999999' });
  assert.equal(w.upserts.length, 1, 'nothing written to Salesforce');
  await runner.stop();
});
