import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import jsforce from 'jsforce';
import { InboundWriter, SalesforceCallError } from './salesforce-writer.js';
import { InboxStore } from './inbox-store.js';

/** What a Salesforce instance is asked, and the answers a test scripts for each path. */
const requests: { method: string; url: string; body: any }[] = [];
let answer: (method: string, url: string, body: any) => { status: number; body: unknown } = () => ({
  status: 404,
  body: [],
});
let server: Server;
let writer: InboundWriter;

before(async () => {
  server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    request.on('end', () => {
      const body = text ? JSON.parse(text) : undefined;
      requests.push({ method: request.method!, url: request.url!, body });
      const reply = answer(request.method!, request.url!, body);
      response.writeHead(reply.status, { 'content-type': 'application/json' }).end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const instanceUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const connection = new jsforce.Connection({ instanceUrl, accessToken: 'token', version: '62.0' });
  writer = new InboundWriter({ connection: async () => connection });
});

after(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const saved = (index: number) => ({
  id: `001${String(index).padStart(15, '0')}`,
  success: true,
  errors: [],
  created: false,
});

test('upserts go by External ID in sObject Collections of at most 200, allOrNone false, one outcome per record', async () => {
  requests.length = 0;
  answer = (_method, _url, body) => ({
    status: 200,
    body: body.records.map((record: { Gentrack_External_Id__c: string }, index: number) =>
      record.Gentrack_External_Id__c === 'A7'
        ? {
            success: false,
            errors: [
              {
                statusCode: 'REQUIRED_FIELD_MISSING',
                message: 'Required fields are missing: [Name]',
                fields: ['Name'],
              },
            ],
          }
        : record.Gentrack_External_Id__c === 'A8'
          ? {
              success: false,
              errors: [{ statusCode: 'UNABLE_TO_LOCK_ROW', message: 'unable to obtain exclusive access', fields: [] }],
            }
          : saved(index),
    ),
  });
  const records = Array.from({ length: 250 }, (_, i) => ({ reference: `A${i}`, fields: { Quote_Status__c: 'Ready' } }));
  const outcomes = await writer.upsert('Account', 'Gentrack_External_Id__c', records);
  assert.deepEqual(
    requests.map((request) => [request.method, request.url, request.body.records.length, request.body.allOrNone]),
    [
      ['PATCH', '/services/data/v62.0/composite/sobjects/Account/Gentrack_External_Id__c', 200, false],
      ['PATCH', '/services/data/v62.0/composite/sobjects/Account/Gentrack_External_Id__c', 50, false],
    ],
  );
  assert.deepEqual(requests[0]!.body.records[0], {
    Gentrack_External_Id__c: 'A0',
    attributes: { type: 'Account' },
    Quote_Status__c: 'Ready',
  });
  assert.equal(outcomes.length, 250);
  assert.deepEqual(outcomes[7], {
    ok: false,
    code: 'REQUIRED_FIELD_MISSING',
    message: 'REQUIRED_FIELD_MISSING: Required fields are missing: [Name] (fields: Name)',
    retryable: false,
  });
  assert.equal(outcomes[8]!.ok === false && outcomes[8]!.retryable, true, 'a locked row is retried');
  assert.equal(outcomes[9]!.ok, true);
});

test('a failed call is classified: server trouble is retryable, a refused request is not', async () => {
  answer = () => ({ status: 503, body: [{ errorCode: 'SERVER_UNAVAILABLE', message: 'down for maintenance' }] });
  await assert.rejects(
    writer.upsert('Account', 'Gentrack_External_Id__c', [{ reference: 'A1', fields: {} }]),
    (error: unknown) => {
      assert.ok(error instanceof SalesforceCallError);
      assert.equal(error.errorType, 'SERVER_UNAVAILABLE');
      assert.equal(error.retryable, true);
      return true;
    },
  );
  answer = () => ({
    status: 400,
    body: [{ errorCode: 'INVALID_FIELD', message: "No such column 'Quote_Status__c' on sobject of type Account" }],
  });
  await assert.rejects(
    writer.upsert('Account', 'Gentrack_External_Id__c', [{ reference: 'A1', fields: {} }]),
    (error: unknown) => {
      assert.ok(error instanceof SalesforceCallError);
      assert.equal(error.errorType, 'INVALID_FIELD');
      assert.equal(error.retryable, false);
      assert.match(error.message, /^upsert Account by Gentrack_External_Id__c: No such column/);
      return true;
    },
  );
  const unreachable = new InboundWriter({ connection: async () => Promise.reject(new Error('token refused')) });
  await assert.rejects(
    unreachable.upsert('Account', 'Gentrack_External_Id__c', []),
    (error: unknown) => error instanceof SalesforceCallError && error.retryable,
  );
});

test('owners are read with one query per 200 ids; Tasks are created in collections', async () => {
  requests.length = 0;
  answer = (method, url, body) => {
    if (method === 'GET')
      return {
        status: 200,
        body: {
          totalSize: 1,
          done: true,
          records: [{ attributes: { type: 'Account' }, Id: '001000000000000001', OwnerId: '005000000000000001' }],
        },
      };
    return { status: 200, body: body.records.map((_: unknown, index: number) => saved(index)) };
  };
  const owners = await writer.ownersOf('Account', ['001000000000000001', "x' OR Name != '"]);
  assert.deepEqual(owners, new Map([['001000000000000001', '005000000000000001']]));
  assert.match(
    decodeURIComponent(requests[0]!.url),
    /SELECT Id, OwnerId FROM Account WHERE Id IN \('001000000000000001'\)$/,
    'only well-formed ids reach the query',
  );
  const outcomes = await writer.createTasks([
    { Subject: 'Call', WhatId: '001000000000000001', OwnerId: '005000000000000001' },
  ]);
  assert.equal(outcomes[0]!.ok, true);
  assert.equal(requests[1]!.url, '/services/data/v62.0/composite/sobjects');
  assert.deepEqual(requests[1]!.body.records[0].attributes, { type: 'Task' });
});

test('events go to the Event Endpoint; its per-event results become outcomes', async () => {
  requests.length = 0;
  answer = (_method, _url, body) => ({
    status: 200,
    body: {
      results: body.events.map((event: { eventId: string }) =>
        event.eventId === 'e2'
          ? {
              eventId: 'e2',
              status: 'failed',
              errorCode: 'NOT_FOUND',
              message: 'No Account you can see has Gentrack_External_Id__c A2.',
            }
          : { eventId: event.eventId, status: 'applied', recordId: '001000000000000001' },
      ),
    },
  });
  const event = (eventId: string) => ({
    eventId,
    eventType: 'quote-created',
    createdAt: '2024-06-01T00:00:00Z',
    data: { accountNumber: 'A1' },
    skipFields: [],
  });
  const outcomes = await writer.postEvents([event('e1'), event('e2')]);
  assert.equal(requests[0]!.method, 'POST');
  assert.equal(requests[0]!.url, '/services/apexrest/gentrack/events');
  assert.deepEqual(requests[0]!.body.events[0], event('e1'));
  assert.deepEqual(outcomes, [
    { ok: true, id: '001000000000000001', created: false },
    {
      ok: false,
      code: 'NOT_FOUND',
      message: 'NOT_FOUND: No Account you can see has Gentrack_External_Id__c A2.',
      retryable: false,
    },
  ]);

  answer = () => ({ status: 200, body: { results: [] } });
  await assert.rejects(
    writer.postEvents([event('e3')]),
    (error: unknown) => error instanceof SalesforceCallError && error.errorType === 'UNEXPECTED_ANSWER',
  );
});

test("the Event Endpoint's 500 (an unhandled Apex exception, rolled back) is retryable; its 400 is not", async () => {
  const event = {
    eventId: 'e4',
    eventType: 'quote-created',
    createdAt: '2024-06-01T00:00:00Z',
    data: { accountNumber: 'A1' },
    skipFields: [],
  };
  answer = () => ({
    status: 500,
    body: [
      {
        errorCode: 'APEX_ERROR',
        message:
          'System.LimitException: Apex CPU time limit exceeded\n\nClass.GentrackEventEndpoint.receive: line 20, column 1',
      },
    ],
  });
  await assert.rejects(writer.postEvents([event]), (error: unknown) => {
    assert.ok(error instanceof SalesforceCallError);
    assert.equal(error.errorType, 'APEX_ERROR');
    assert.equal(error.retryable, true);
    assert.match(error.message, /^POST \/services\/apexrest\/gentrack\/events: System\.LimitException: Apex CPU time/);
    return true;
  });
  answer = () => ({
    status: 400,
    body: { errorCode: 'INVALID_PAYLOAD', message: 'Send {"events": [...]} with 1 to 200 Gentrack events.' },
  });
  await assert.rejects(
    writer.postEvents([event]),
    (error: unknown) =>
      error instanceof SalesforceCallError && error.errorType === 'INVALID_PAYLOAD' && !error.retryable,
  );
});

test("one record newer-wins: a field a newer write set is left out and reported; the others move to the write's time", async () => {
  const versions = InboxStore.open(':memory:');
  versions.recordFieldVersions({
    objectType: 'Account',
    reference: 'A1',
    fields: ['Quote_Status__c'],
    createdAtMs: 2_000,
    eventId: 'evt-newer',
  });
  const write = {
    objectType: 'Account',
    externalIdField: 'Gentrack_External_Id__c',
    reference: 'A1',
    fields: { Quote_Status__c: 'Created', Account_Class__c: 'Business' },
    asOfMs: 1_000,
    writtenBy: 'sync-job-1',
    always: { Gentrack_Sync_Status__c: 'Synced' },
  };
  requests.length = 0;
  answer = (_method, _url, body) => ({
    status: 200,
    body: body.records.map((_: unknown, index: number) => saved(index)),
  });
  const result = await writer.upsertNewerWins(write, versions);
  assert.deepEqual(requests[0]!.body.records[0], {
    attributes: { type: 'Account' },
    Account_Class__c: 'Business',
    Gentrack_Sync_Status__c: 'Synced',
    Gentrack_External_Id__c: 'A1',
  });
  assert.deepEqual(result, {
    outcome: { ok: true, id: saved(0).id, created: false },
    applied: { Account_Class__c: 'Business' },
    superseded: { Quote_Status__c: 'Created' },
  });
  assert.deepEqual(
    versions.fieldVersions('Account', 'A1'),
    new Map([
      ['Quote_Status__c', 2_000],
      ['Account_Class__c', 1_000],
    ]),
  );

  answer = () => ({
    status: 200,
    body: [{ success: false, errors: [{ statusCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', message: 'no' }] }],
  });
  const refused = await writer.upsertNewerWins(
    { ...write, fields: { Account_Class__c: 'Residential' }, asOfMs: 3_000 },
    versions,
  );
  assert.equal(refused.outcome.ok, false);
  assert.equal(
    versions.fieldVersions('Account', 'A1').get('Account_Class__c'),
    1_000,
    'a write Salesforce refused moves no version',
  );
  versions.close();
});
