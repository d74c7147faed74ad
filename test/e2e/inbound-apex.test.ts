/**
 * Gentrack -> Salesforce end to end with `inbound.deliverTo: apex`: the relay verifies, stores and de-duplicates the
 * Gentrack sandbox's signed webhook events as with `relay`, then hands them to the generated Apex REST endpoint
 * GentrackEventEndpoint, which the sandbox org runs in its Apex interpreter as the relay's integration user. Shows:
 * an event is applied in the org by the endpoint (fields, entity read from Gentrack, the follow-up Task) and
 * nothing is published back; a redelivered event is applied once; events the endpoint refuses are dead-lettered
 * with its reason and can be retried by an operator; an endpoint answering 500 is retried until it applies.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConnectorModel } from '../../model/connector-model.js';
import { BYPASS_PERMISSION, EVENT_ENDPOINT_PATH } from '../../model/connector-fields.js';
import { connectorModel } from '../../relay/src/platform/connector-model.generated.js';
import { eventually, relayCaughtUp, startE2E, type E2E } from './harness.js';
import type { WebhookDelivery } from '../../sandbox/gentrack/index.js';

let e2e: E2E;
let url: string;
let accountSeq = 0;

const APP_ID = 'gentrack-sandbox-app';
const TENANT_ID = 'gentrack-sandbox-tenant';

/** The generated model, its Gentrack events applied by the Event Endpoint. */
const apexModel: ConnectorModel = {
  ...connectorModel,
  inbound: { ...connectorModel.inbound!, deliverTo: 'apex' },
};

/** Retries the relay scheduled for Gentrack events, as `eventType reasonCode` lines. */
const retried: string[] = [];

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
    { gentrackEvents: { retried: (eventType, reasonCode) => retried.push(`${eventType} ${reasonCode}`) } },
    { model: apexModel },
  );
  url = e2e.relay.gentrackEvents!.url!;
});

after(async () => {
  await e2e?.close();
});

/** An account that exists in both systems, owned by the admin; created without publishing (as the integration user). */
async function account(status: 'Active' | 'Final' = 'Active'): Promise<{ id: string; number: string }> {
  const number = `A88${String(++accountSeq).padStart(5, '0')}`;
  const { org } = e2e.sandbox.salesforce;
  e2e.sandbox.gentrack.state.seedAccount({
    accountNumber: number,
    account: { name: `Apex events ${number}`, accountClass: 'Business' },
    status,
  });
  const [created] = await org.insert(
    'Account',
    { Name: `Apex events ${number}`, Gentrack_External_Id__c: number, OwnerId: org.users.admin.id },
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
  assert.equal(delivery.status, 202, `${eventType} accepted (${delivery.responseBody})`);
  return delivery;
}

const settled = (eventId: string) =>
  eventually(`event ${eventId} settled`, () => {
    const record = e2e.relay.gentrackEvents!.inbox.record(eventId);
    return record && record.state !== 'pending' ? record : undefined;
  });

/** Rows of a query on the sandbox org, without their `attributes`. */
function rows(soql: string): Record<string, unknown>[] {
  return e2e.sandbox.salesforce.org
    .query(soql)
    .records.map(({ attributes: _attributes, ...fields }) => fields as Record<string, unknown>);
}

function accountRecord(id: string): Record<string, unknown> {
  return rows(
    `SELECT Switch_Status__c, Switch_Loss_Date__c, Quote_Reference__c, Quote_Status__c, Gentrack_Account_Status__c,
       Account_Class__c, LastModifiedById FROM Account WHERE Id = '${id}'`,
  )[0]!;
}

function tasksOf(id: string): Record<string, unknown>[] {
  return rows(
    `SELECT Subject, Description, Priority, ActivityDate, OwnerId, CreatedById FROM Task WHERE WhatId = '${id}'`,
  );
}

/** The Event Endpoint's answers to calls that carried this event, in order (200, or 500 for a failed call). */
function endpointCallsWith(eventId: string): number[] {
  return e2e.sandbox.apexRest.calls
    .filter((call) => call.method === 'POST' && call.path === EVENT_ENDPOINT_PATH)
    .filter((call) =>
      (JSON.parse(call.body) as { events: { eventId: string }[] }).events.some((event) => event.eventId === eventId),
    )
    .map((call) => call.status);
}

/** Every Salesforce -> Gentrack publication and Gentrack write: applying events must cause none. */
function echoes() {
  const { bus, topic, triggers, gentrack } = e2e.sandbox;
  return {
    publishes: triggers!.publishCalls,
    busLatest: bus.latestReplayId(topic),
    gentrackWrites: gentrack.calls.list().filter((call) => call.method !== 'GET' && call.operation !== 'token').length,
  };
}

test('the Event Endpoint applies an event to the account known by its External ID, with its Task, and nothing is published back', async () => {
  const before = echoes();
  const started = await account();
  const finished = await account('Final');
  const createdAt = new Date().toISOString();
  const startEvent = await send(
    'switch-loss-started',
    { accountNumber: started.number, switchDate: '2024-07-01' },
    { createdAt },
  );
  // switch-loss-finished reads the account from Gentrack: the relay hands the entity to the endpoint with the event.
  const finishEvent = await send('switch-loss-finished', { accountNumber: finished.number, switchDate: '2024-08-01' });

  for (const delivery of [startEvent, finishEvent]) {
    const outcome = await settled(delivery.envelope.eventId);
    assert.equal(outcome.state, 'applied', `${delivery.envelope.eventType}: ${outcome.lastError ?? ''}`);
    assert.deepEqual(endpointCallsWith(delivery.envelope.eventId), [200], 'posted once to the Event Endpoint');
  }
  const { org } = e2e.sandbox.salesforce;
  const integration = org.users.integration.id;
  const calls = e2e.sandbox.apexRest.calls.filter((call) => call.path === EVENT_ENDPOINT_PATH);
  assert.ok(
    calls.every((call) => call.userId === integration),
    'the relay calls the endpoint as its integration user',
  );
  assert.ok(org.users.integration.hasCustomPermission(BYPASS_PERMISSION), 'who holds the bypass permission');

  assert.deepEqual(accountRecord(started.id), {
    Switch_Status__c: 'Loss Started',
    Switch_Loss_Date__c: '2024-07-01',
    Quote_Reference__c: null,
    Quote_Status__c: null,
    Gentrack_Account_Status__c: null,
    Account_Class__c: null,
    LastModifiedById: integration,
  });
  const due = new Date(Date.parse(createdAt) + 2 * 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
  assert.deepEqual(tasksOf(started.id), [
    {
      Subject: `Customer switching away: account ${started.number}`,
      Description:
        'Gentrack reports that this customer is switching to another retailer on 2024-07-01. Consider a retention call.',
      Priority: 'High',
      ActivityDate: due,
      OwnerId: org.users.admin.id,
      CreatedById: integration,
    },
  ]);
  assert.deepEqual(accountRecord(finished.id), {
    Switch_Status__c: 'Lost',
    Switch_Loss_Date__c: '2024-08-01',
    Quote_Reference__c: null,
    Quote_Status__c: null,
    Gentrack_Account_Status__c: 'Final',
    Account_Class__c: 'Business',
    LastModifiedById: integration,
  });
  assert.deepEqual(tasksOf(finished.id), [], 'switch-loss-finished has no follow-up');

  // The barrier: had the endpoint's writes published anything, the relay would have delivered it by now. (The
  // endpoint sets Gentrack-mastered fields only, which the trigger does not track either: the bypass is the first of
  // two reasons nothing is published.)
  await relayCaughtUp(e2e);
  assert.deepEqual(echoes(), before, 'no platform event was published and no Gentrack write was made');
});

test('an event Gentrack delivers twice is applied once', async () => {
  const target = await account();
  const first = await send(
    'switch-loss-started',
    { accountNumber: target.number, switchDate: '2024-09-01' },
    { createdAt: '2024-06-01T00:00:00.000Z' },
  );
  assert.equal((await settled(first.envelope.eventId)).state, 'applied');

  const again = await e2e.sandbox.gentrack.webhooks.send(url, {
    eventType: 'switch-loss-started',
    data: { accountNumber: target.number, switchDate: '2024-09-01' },
    eventId: first.envelope.eventId,
    createdAt: '2024-06-01T00:00:00.000Z',
  });
  assert.equal(again.status, 200);
  assert.deepEqual(JSON.parse(again.responseBody), { eventId: first.envelope.eventId, status: 'duplicate' });
  // Sentinel: a later event of the same account. One record's events are applied in the order received, so had the
  // duplicate been taken in, it would have reached the endpoint before this one settles.
  const sentinel = await send('quote-created', { accountNumber: target.number, quoteId: 'Q-after-duplicate' });
  assert.equal((await settled(sentinel.envelope.eventId)).state, 'applied');

  assert.deepEqual(endpointCallsWith(first.envelope.eventId), [200], 'the endpoint got the event once');
  assert.equal(tasksOf(target.id).length, 1, 'one Task, not two');
  const record = accountRecord(target.id);
  assert.equal(record.Switch_Status__c, 'Loss Started');
  assert.equal(record.Quote_Reference__c, 'Q-after-duplicate');
});

test('events the endpoint refuses are dead-lettered with its reason, and an operator can retry them', async () => {
  const unknown = await send('quote-created', { accountNumber: 'A89999999', quoteId: 'Q-X' });
  const target = await account();
  const invalid = await send('switch-loss-started', { accountNumber: target.number, switchDate: 'next Tuesday' });

  const notFound = await settled(unknown.envelope.eventId);
  assert.equal(notFound.state, 'dead');
  assert.equal(
    notFound.lastError,
    `NOT_FOUND: the Event Endpoint refused quote-created event ${unknown.envelope.eventId} (Account A89999999): ` +
      'NOT_FOUND: No Account you can see has Gentrack_External_Id__c A89999999.',
  );
  const invalidValue = await settled(invalid.envelope.eventId);
  assert.equal(invalidValue.state, 'dead');
  assert.equal(
    invalidValue.lastError,
    `INVALID_VALUE: the Event Endpoint refused switch-loss-started event ${invalid.envelope.eventId} ` +
      `(Account ${target.number}): INVALID_VALUE: Switch_Loss_Date__c (date) cannot take the value "next Tuesday".`,
  );
  assert.deepEqual(endpointCallsWith(unknown.envelope.eventId), [200], 'refused per event, tried once');
  assert.equal(accountRecord(target.id).Switch_Status__c, null, 'the invalid event changed nothing');
  assert.deepEqual(tasksOf(target.id), []);

  const letters = e2e.relay.store.deadLetters(1000).filter((letter) => letter.source === 'gentrack-event');
  const letterOf = (delivery: WebhookDelivery) =>
    letters.find((letter) => letter.transactionId === delivery.envelope.eventId);
  assert.equal(letterOf(unknown)?.reasonCode, 'NOT_FOUND');
  assert.equal(letterOf(unknown)?.entityKey, 'Account:A89999999');
  assert.equal(letterOf(unknown)?.payload, unknown.rawBody, 'the event is kept as received');
  assert.equal(letterOf(invalid)?.reasonCode, 'INVALID_VALUE');
  assert.equal(letterOf(invalid)?.entityKey, `Account:${target.number}`);

  // After the cause is fixed (the account now exists in Salesforce), the operator's retry applies the event.
  const { org } = e2e.sandbox.salesforce;
  const [late] = await org.insert(
    'Account',
    { Name: 'Late arrival', Gentrack_External_Id__c: 'A89999999' },
    { as: org.users.integration },
  );
  assert.equal(e2e.relay.gentrackEvents!.inbox.retryDeadLetter(letterOf(unknown)!.id), unknown.envelope.eventId);
  await eventually(
    'the retried event applied',
    () => e2e.relay.gentrackEvents!.inbox.record(unknown.envelope.eventId)?.state === 'applied',
  );
  assert.equal(accountRecord(late!.id!).Quote_Reference__c, 'Q-X');
  assert.deepEqual(endpointCallsWith(unknown.envelope.eventId), [200, 200]);
});

test('an endpoint answering 500 (an Apex limit exceeded) is retried, and applies the event once', async () => {
  const target = await account();
  e2e.sandbox.apexRest.exceedLimitNext(EVENT_ENDPOINT_PATH, 2);
  retried.length = 0;
  const delivery = await send('switch-loss-started', { accountNumber: target.number, switchDate: '2024-10-01' });

  const outcome = await settled(delivery.envelope.eventId);
  assert.equal(outcome.state, 'applied', outcome.lastError ?? '');
  assert.deepEqual(endpointCallsWith(delivery.envelope.eventId), [500, 500, 200]);
  assert.deepEqual(retried, ['switch-loss-started APEX_ERROR', 'switch-loss-started APEX_ERROR']);
  assert.equal(accountRecord(target.id).Switch_Status__c, 'Loss Started');
  assert.equal(tasksOf(target.id).length, 1, 'the failed calls were rolled back: one Task');
  const letters = e2e.relay.store.deadLetters(1000);
  assert.ok(!letters.some((letter) => letter.transactionId === delivery.envelope.eventId), 'never dead-lettered');
});
