/**
 * Gentrack -> Salesforce end to end on the sandbox: the Gentrack stand-in signs and sends webhook events to the
 * relay (in process), which verifies, stores and applies them to the sandbox org as the connector model's `inbound`
 * section says. Shows: each default event type changes the right record; a duplicate eventId has no second effect;
 * events delivered out of order leave the record as the newest says; unmapped events and records Salesforce refuses
 * are dead-lettered with their reason; and none of these writes is published back to Gentrack.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../../model/project-root.js';
import { eventually, relayCaughtUp, startE2E, type E2E } from './harness.js';
import type { WebhookDelivery } from '../../sandbox/gentrack/index.js';

let e2e: E2E;
let url: string;
let accountSeq = 0;

const APP_ID = 'gentrack-sandbox-app';
const TENANT_ID = 'gentrack-sandbox-tenant';

/** What the relay reported about Gentrack events (what /metrics counts), as `outcome eventType` lines. */
const observed: string[] = [];

before(async () => {
  e2e = await startE2E();
  await e2e.startRelay(
    {
      webhooks: {
        host: '127.0.0.1',
        port: 0,
        appId: APP_ID,
        tenantIds: [TENANT_ID],
        publicKeys: [e2e.sandbox.gentrack.publicKeyPem],
      },
      delivery: { initialBackoffMs: 20, maxBackoffMs: 200 },
    },
    {
      gentrackEvents: {
        accepted: (eventType) => observed.push(`accepted ${eventType}`),
        applied: (eventType) => observed.push(`applied ${eventType}`),
        deadLettered: (eventType, reasonCode) => observed.push(`dead_lettered ${eventType} ${reasonCode}`),
        refused: (reason) => observed.push(`refused ${reason}`),
      },
    },
  );
  url = e2e.relay.gentrackEvents!.url!;
});

after(async () => {
  await e2e?.close();
});

/** An account that exists in both systems, owned by the admin; created without publishing (as the integration user). */
async function account(status: 'Active' | 'Final' = 'Active'): Promise<{ id: string; number: string }> {
  const number = `A77${String(++accountSeq).padStart(5, '0')}`;
  const { org } = e2e.sandbox.salesforce;
  e2e.sandbox.gentrack.state.seedAccount({
    accountNumber: number,
    account: { name: `Events ${number}`, accountClass: 'Residential' },
    status,
  });
  const [created] = await org.insert(
    'Account',
    { Name: `Events ${number}`, Gentrack_External_Id__c: number, OwnerId: org.users.admin.id },
    { as: org.users.integration },
  );
  return { id: created!.id!, number };
}

async function send(
  eventType: string,
  data: Record<string, unknown>,
  options: { eventId?: string; createdAt?: string } = {},
): Promise<WebhookDelivery> {
  const delivery = await e2e.sandbox.gentrack.webhooks.send(url, { eventType, data, ...options });
  assert.ok(
    delivery.status === 202 || delivery.status === 200,
    `${eventType} accepted (${delivery.status} ${delivery.responseBody})`,
  );
  return delivery;
}

const settled = (eventId: string) =>
  eventually(`event ${eventId} settled`, () => {
    const record = e2e.relay.gentrackEvents!.inbox.record(eventId);
    return record && record.state !== 'pending' ? record : undefined;
  });

async function accountRecord(id: string): Promise<Record<string, unknown>> {
  return (await e2e.admin.sobject('Account').retrieve(id)) as unknown as Record<string, unknown>;
}

/** Every Salesforce -> Gentrack publication and Gentrack write: these events must cause none. */
function echoes() {
  return {
    publishes: e2e.sandbox.triggers!.publishCalls,
    gentrackWrites: e2e.sandbox.gentrack.calls
      .list()
      .filter((call) => call.method !== 'GET' && call.operation !== 'token').length,
  };
}

test('signed events of each default type change the right Account, and nothing is published back', async () => {
  const before = echoes();
  const cases: { eventType: string; data: (n: string) => Record<string, unknown>; expect: Record<string, unknown> }[] =
    [
      {
        eventType: 'switch-loss-started',
        data: (n) => ({ accountNumber: n, switchDate: '2024-07-01' }),
        expect: { Switch_Status__c: 'Loss Started', Switch_Loss_Date__c: '2024-07-01' },
      },
      {
        eventType: 'switch-loss-cancelled',
        data: (n) => ({ accountNumber: n }),
        expect: { Switch_Status__c: 'Loss Cancelled', Switch_Loss_Date__c: null },
      },
      {
        eventType: 'switch-loss-finished',
        data: (n) => ({ accountNumber: n, switchDate: '2024-08-01' }),
        expect: { Switch_Status__c: 'Lost', Switch_Loss_Date__c: '2024-08-01', Gentrack_Account_Status__c: 'Final' },
      },
      {
        eventType: 'quote-created',
        data: (n) => ({ accountNumber: n, quoteId: 'Q-1' }),
        expect: { Quote_Reference__c: 'Q-1', Quote_Status__c: 'Created' },
      },
      {
        eventType: 'quote-updated',
        data: (n) => ({ accountNumber: n, quoteId: 'Q-2' }),
        expect: { Quote_Reference__c: 'Q-2', Quote_Status__c: 'Updated' },
      },
      {
        eventType: 'quote-ready',
        data: (n) => ({ accountNumber: n, quoteId: 'Q-3' }),
        expect: { Quote_Reference__c: 'Q-3', Quote_Status__c: 'Ready' },
      },
      {
        eventType: 'quote-accepted',
        data: (n) => ({ accountNumber: n, quoteId: 'Q-4' }),
        expect: { Quote_Reference__c: 'Q-4', Quote_Status__c: 'Accepted' },
      },
      {
        eventType: 'quote-cancelled',
        data: (n) => ({ accountNumber: n, quoteId: 'Q-5' }),
        expect: { Quote_Reference__c: 'Q-5', Quote_Status__c: 'Cancelled' },
      },
      {
        eventType: 'contract-created',
        data: (n) => ({ accountNumber: n, contractId: 'K-1' }),
        expect: { Contract_Reference__c: 'K-1', Contract_Status__c: 'Created' },
      },
      {
        eventType: 'contract-active',
        data: (n) => ({ accountNumber: n, contractId: 'K-2' }),
        expect: {
          Contract_Reference__c: 'K-2',
          Contract_Status__c: 'Active',
          Gentrack_Account_Status__c: 'Active',
          Account_Class__c: 'Residential',
        },
      },
      {
        eventType: 'contract-completed',
        data: (n) => ({ accountNumber: n, contractId: 'K-3' }),
        expect: { Contract_Reference__c: 'K-3', Contract_Status__c: 'Completed' },
      },
      {
        eventType: 'contract-cancelled',
        data: (n) => ({ accountNumber: n, contractId: 'K-4' }),
        expect: { Contract_Reference__c: 'K-4', Contract_Status__c: 'Cancelled' },
      },
    ];
  const sent: {
    item: (typeof cases)[number];
    target: { id: string; number: string };
    other: { id: string; number: string };
    eventId: string;
  }[] = [];
  for (const item of cases) {
    const target = await account(item.eventType === 'switch-loss-finished' ? 'Final' : 'Active');
    const other = await account();
    const delivery = await send(item.eventType, item.data(target.number));
    assert.equal(delivery.status, 202);
    sent.push({ item, target, other, eventId: delivery.envelope.eventId });
  }
  for (const { item, target, other, eventId } of sent) {
    const outcome = await settled(eventId);
    assert.equal(outcome.state, 'applied', `${item.eventType}: ${outcome.lastError ?? ''}`);
    const record = await accountRecord(target.id);
    for (const [field, value] of Object.entries(item.expect))
      assert.equal(record[field], value, `${item.eventType} sets ${field}`);
    const untouched = await accountRecord(other.id);
    for (const field of Object.keys(item.expect).filter(
      (name) => !name.startsWith('Gentrack') && name !== 'Account_Class__c',
    )) {
      assert.equal(untouched[field], null, `${item.eventType} leaves other accounts alone`);
    }
  }

  // switch-loss-started: a Task for the account owner, due two days after the event.
  const started = sent.find((entry) => entry.item.eventType === 'switch-loss-started')!;
  const { org } = e2e.sandbox.salesforce;
  const tasks = org.query(
    `SELECT Subject, OwnerId, Priority, ActivityDate FROM Task WHERE WhatId = '${started.target.id}'`,
  ).records as Record<string, unknown>[];
  assert.equal(tasks.length, 1);
  assert.equal(tasks[0]!.Subject, `Customer switching away: account ${started.target.number}`);
  assert.equal(tasks[0]!.OwnerId, org.users.admin.id, 'assigned to the account owner');
  assert.equal(tasks[0]!.Priority, 'High');

  // switch-loss-finished and contract-active read the account from Gentrack (GET by reference).
  const reads = e2e.sandbox.gentrack.calls.list().filter((call) => call.operation === 'get-account');
  assert.ok(
    reads.some((call) => call.path === `/v1/accounts/${sent[2]!.target.number}`),
    'switch-loss-finished read its account',
  );

  // The triggers count publishes at DML time, so the writes above are already counted; the barrier makes
  // sure the relay has also delivered whatever the bus held, so a write caused by an echo would be counted too.
  await relayCaughtUp(e2e);
  assert.deepEqual(echoes(), before, 'no platform event was published and no Gentrack write was made');
});

test('a duplicate eventId has no second effect, even after a newer event changed the record', async () => {
  const target = await account();
  const first = await send(
    'switch-loss-started',
    { accountNumber: target.number, switchDate: '2024-09-01' },
    { createdAt: '2024-06-01T00:00:00.000Z' },
  );
  await settled(first.envelope.eventId);
  const newer = await send(
    'switch-loss-cancelled',
    { accountNumber: target.number },
    { createdAt: '2024-06-02T00:00:00.000Z' },
  );
  await settled(newer.envelope.eventId);

  // Gentrack delivers the first event again (a fresh signature, the same eventId).
  const again = await e2e.sandbox.gentrack.webhooks.send(url, {
    eventType: 'switch-loss-started',
    data: { accountNumber: target.number, switchDate: '2024-09-01' },
    eventId: first.envelope.eventId,
    createdAt: '2024-06-01T00:00:00.000Z',
  });
  assert.equal(again.status, 200);
  assert.deepEqual(JSON.parse(again.responseBody), { eventId: first.envelope.eventId, status: 'duplicate' });
  // Sentinel: a later event for the same account. The inbox applies one record's events in the order received, so
  // had the duplicate been taken in, it would have been applied before this one settles.
  const sentinel = await send(
    'quote-created',
    { accountNumber: target.number, quoteId: 'Q-after-duplicate' },
    { createdAt: '2024-06-03T00:00:00.000Z' },
  );
  assert.equal((await settled(sentinel.envelope.eventId)).state, 'applied');
  assert.equal(
    e2e.relay.gentrackEvents!.inbox.record(first.envelope.eventId)?.state,
    'applied',
    'the first delivery was not processed again',
  );
  const record = await accountRecord(target.id);
  assert.equal(record.Quote_Reference__c, 'Q-after-duplicate');
  assert.equal(record.Switch_Status__c, 'Loss Cancelled');
  const tasks = e2e.sandbox.salesforce.org.query(`SELECT Id FROM Task WHERE WhatId = '${target.id}'`).records;
  assert.equal(tasks.length, 1, 'one Task, not two');
});

test('events delivered out of order leave the record in the state of the newest createdAt', async () => {
  const target = await account('Final');
  const at = (minute: number) => `2024-06-10T10:0${minute}:00.000Z`;
  // Gentrack's order: started (1), cancelled (2), started again (3), finished (4). Delivered: 4, 1, 3, 2.
  const finished = await send(
    'switch-loss-finished',
    { accountNumber: target.number, switchDate: '2024-12-01' },
    { createdAt: at(4) },
  );
  await settled(finished.envelope.eventId);
  const late = [
    await send('switch-loss-started', { accountNumber: target.number, switchDate: '2024-10-01' }, { createdAt: at(1) }),
    await send('switch-loss-started', { accountNumber: target.number, switchDate: '2024-11-01' }, { createdAt: at(3) }),
    await send('switch-loss-cancelled', { accountNumber: target.number }, { createdAt: at(2) }),
  ];
  for (const delivery of late) {
    const outcome = await settled(delivery.envelope.eventId);
    assert.equal(
      outcome.state,
      'superseded',
      `${delivery.envelope.eventType} at ${delivery.envelope.createdAt} is older than the finish`,
    );
    assert.deepEqual([...outcome.outcome!.superseded!].sort(), ['Switch_Loss_Date__c', 'Switch_Status__c']);
  }
  const record = await accountRecord(target.id);
  assert.equal(record.Switch_Status__c, 'Lost');
  assert.equal(record.Switch_Loss_Date__c, '2024-12-01');
  const tasks = e2e.sandbox.salesforce.org.query(`SELECT Id FROM Task WHERE WhatId = '${target.id}'`).records;
  assert.equal(tasks.length, 0, 'superseded events create no Task');

  // The same four events arriving at once, newest first, are applied one at a time per record: same end state.
  const other = await account('Final');
  const burst = await Promise.all([
    send('switch-loss-finished', { accountNumber: other.number, switchDate: '2024-12-01' }, { createdAt: at(4) }),
    send('switch-loss-started', { accountNumber: other.number, switchDate: '2024-11-01' }, { createdAt: at(3) }),
    send('switch-loss-cancelled', { accountNumber: other.number }, { createdAt: at(2) }),
    send('switch-loss-started', { accountNumber: other.number, switchDate: '2024-10-01' }, { createdAt: at(1) }),
  ]);
  for (const delivery of burst) await settled(delivery.envelope.eventId);
  const burstRecord = await accountRecord(other.id);
  assert.equal(burstRecord.Switch_Status__c, 'Lost');
  assert.equal(burstRecord.Switch_Loss_Date__c, '2024-12-01');

  // Events about other fields of the same record still apply, whatever their age.
  const quote = await send('quote-created', { accountNumber: target.number, quoteId: 'Q-OLD' }, { createdAt: at(0) });
  assert.equal((await settled(quote.envelope.eventId)).state, 'applied');
  assert.equal((await accountRecord(target.id)).Quote_Reference__c, 'Q-OLD');
});

test('an unmapped event type and a record Salesforce refuses are dead-lettered with their reason, not dropped', async () => {
  const unmapped = await send('switch-gain-started', { accountNumber: 'A00000001' });
  assert.equal(unmapped.status, 202, 'stored first: the relay never loses a verified event');
  const noMapping = await settled(unmapped.envelope.eventId);
  assert.equal(noMapping.state, 'dead');
  assert.match(noMapping.lastError!, /^NO_MAPPING: no inbound rule for Gentrack event type "switch-gain-started"/);

  const unknown = await send('quote-created', { accountNumber: 'A99999999', quoteId: 'Q-X' });
  const refused = await settled(unknown.envelope.eventId);
  assert.equal(refused.state, 'dead');
  assert.match(
    refused.lastError!,
    /REQUIRED_FIELD_MISSING/,
    'Salesforce could not create an account from a quote alone',
  );

  const missingReference = await send('quote-created', { quoteId: 'Q-Y' });
  assert.match(
    (await settled(missingReference.envelope.eventId)).lastError!,
    /^REFERENCE_MISSING: quote-created event .*: data.accountNumber/,
  );

  const letters = e2e.relay.store.deadLetters(1000).filter((letter) => letter.source === 'gentrack-event');
  const byEvent = new Map(letters.map((letter) => [letter.transactionId, letter]));
  assert.equal(byEvent.get(unmapped.envelope.eventId)?.reasonCode, 'NO_MAPPING');
  assert.equal(byEvent.get(unknown.envelope.eventId)?.reasonCode, 'REQUIRED_FIELD_MISSING');
  assert.equal(byEvent.get(unknown.envelope.eventId)?.entityKey, 'Account:A99999999');
  assert.equal(byEvent.get(unknown.envelope.eventId)?.payload, unknown.rawBody, 'the event is kept as received');

  // After the cause is fixed (the account now exists), an operator's retry applies it.
  const { org } = e2e.sandbox.salesforce;
  await org.insert(
    'Account',
    { Name: 'Late arrival', Gentrack_External_Id__c: 'A99999999' },
    { as: org.users.integration },
  );
  const cli = [path.join(PROJECT_ROOT, 'bin/gentrack-sf.js'), 'dlq', '--store', e2e.config.store.path];
  const listed = await promisify(execFile)(process.execPath, [...cli, 'list'], { cwd: PROJECT_ROOT });
  assert.match(listed.stdout, /REQUIRED_FIELD_MISSING\tAccount:A99999999/);
  const letterId = byEvent.get(unknown.envelope.eventId)!.id;
  const retried = await promisify(execFile)(process.execPath, [...cli, 'retry', String(letterId)], {
    cwd: PROJECT_ROOT,
  });
  assert.match(retried.stdout, new RegExp(`back in the inbox as Gentrack event ${unknown.envelope.eventId}`));
  await eventually(
    'the retried event applied',
    () => e2e.relay.gentrackEvents!.inbox.record(unknown.envelope.eventId)?.state === 'applied',
  );
  const [late] = org.query(`SELECT Quote_Reference__c FROM Account WHERE Gentrack_External_Id__c = 'A99999999'`)
    .records as Record<string, unknown>[];
  assert.equal(late!.Quote_Reference__c, 'Q-X');

  // /readyz reports the inbox: ready (no breaker open), with what is pending and dead-lettered.
  const health = e2e.relay.gentrackEvents!.health();
  assert.equal(health.healthy, true);
  assert.deepEqual(Object.keys(health.detail as object), ['listening', 'pending', 'deadLetters']);
  assert.ok((health.detail as { deadLetters: number }).deadLetters >= 2, 'the two dead letters left are counted');
});

test('the inbound direction is observable: accepted, applied, dead-lettered and refused events are reported', async () => {
  const { number } = await account();
  const applied = await send('quote-created', { accountNumber: number, quoteId: 'Q-M1' });
  await settled(applied.envelope.eventId);
  const unmapped = await send('switch-gain-started', { accountNumber: number });
  await settled(unmapped.envelope.eventId);
  const unsigned = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  assert.equal(unsigned.status, 401);
  for (const line of [
    'accepted quote-created',
    'applied quote-created',
    'accepted switch-gain-started',
    'dead_lettered switch-gain-started NO_MAPPING',
    'refused SIGNATURE_MISSING',
  ]) {
    assert.ok(observed.includes(line), `reported: ${line} (got ${observed.join('; ')})`);
  }
});
