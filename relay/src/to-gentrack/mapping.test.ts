import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectorModel } from '../platform/connector-model.generated.js';
import { BadEventError, readObjectEvent, type ObjectEventPart } from './object-event.js';
import { reassemble, type ObjectChange } from './reassemble.js';
import { callTransactionId, MissingReferenceError, planGentrackCalls } from './gentrack-calls.js';
import { parseConnectorModel } from '../../../model/load-model.js';
import { DEFAULT_MODEL, edit } from '../../../model/model-test-fixture.js';
import { failureWriteBack, successWriteBack } from './write-back.js';

const ACCOUNT_ID = '001000000000001AAA';
const CONTACT_ID = '003000000000001AAA';
const noReferences = () => undefined;

function event(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    CreatedDate: Date.parse('2026-11-23T10:00:00Z'),
    Object_Type__c: 'Account',
    Operation_Type__c: 'INSERT',
    Record_Id__c: ACCOUNT_ID,
    Transaction_Id__c: 'tx-1',
    Part_Number__c: 1,
    Part_Total__c: 1,
    Old_Payload__c: null,
    New_Payload__c: JSON.stringify({ Id: ACCOUNT_ID, Name: 'Acme Energy' }),
    Changed_Fields__c: null,
    Changed_By__c: 'admin@example.com',
    Changed_At__c: Date.parse('2026-11-23T09:59:59.123Z'),
    ...overrides,
  };
}

function change(overrides: Partial<ObjectChange>): ObjectChange {
  return {
    transactionId: 'tx-1',
    objectType: 'Account',
    operationType: 'INSERT',
    recordId: ACCOUNT_ID,
    oldValues: null,
    newValues: null,
    changedFields: [],
    changedBy: 'admin@example.com',
    changedAt: '2026-11-23T09:59:59.123Z',
    ...overrides,
  };
}

test('an event is read with its change time and changed fields', () => {
  const part = readObjectEvent(event({ Changed_Fields__c: 'Name,Phone' }), 'replay-1');
  assert.equal(part.changedAt, '2026-11-23T09:59:59.123Z');
  assert.deepEqual(part.changedFields, ['Name', 'Phone']);
  assert.equal(part.transactionId, 'tx-1');
  assert.equal(readObjectEvent(event({ Transaction_Id__c: null }), 'replay-1').transactionId, 'replay-1');
});

test('a corrupt event is refused with every reason', () => {
  assert.throws(
    () => readObjectEvent(event({ Operation_Type__c: 'MERGE', Record_Id__c: 'not-an-id' }), 'r'),
    (error: unknown) =>
      error instanceof BadEventError &&
      /Operation_Type__c/.test(error.message) &&
      /Record_Id__c: a Salesforce record id/.test(error.message),
  );
  assert.throws(() => readObjectEvent(event({ Part_Number__c: 3, Part_Total__c: 2 }), 'r'), /exceeds the total/);
});

test('split payloads are joined in part order, whatever order the parts arrive in', () => {
  const json = JSON.stringify({ Id: ACCOUNT_ID, Name: 'A'.repeat(100), Description: 'é😀'.repeat(50) });
  const cuts = [0, 40, 41, 150, json.length];
  const parts: ObjectEventPart[] = cuts.slice(0, -1).map((start, index) =>
    readObjectEvent(
      event({
        Part_Number__c: index + 1,
        Part_Total__c: cuts.length - 1,
        New_Payload__c: json.slice(start, cuts[index + 1]),
      }),
      'r',
    ),
  );
  const whole = reassemble([parts[2]!, parts[0]!, parts[3]!, parts[1]!]);
  assert.deepEqual(whole.newValues, JSON.parse(json));
  assert.equal(whole.oldValues, null);
});

test('incomplete, mixed or malformed parts are refused', () => {
  const part = (n: number, total: number, extra: Record<string, unknown> = {}) =>
    readObjectEvent(event({ Part_Number__c: n, Part_Total__c: total, New_Payload__c: '{"a":', ...extra }), 'r');
  assert.throws(() => reassemble([part(1, 3), part(3, 3)]), /do not make a whole/);
  assert.throws(() => reassemble([part(1, 2), part(2, 2, { Record_Id__c: CONTACT_ID })]), /different changes/);
  assert.throws(() => reassemble([part(1, 1)]), /New_Payload__c is not valid JSON/);
});

test('an Account insert becomes customer-sync with the mapped body and a write-back of the account number', () => {
  const calls = planGentrackCalls(
    connectorModel,
    change({
      newValues: {
        Id: ACCOUNT_ID,
        Name: 'Acme Energy',
        Phone: null,
        BillingCity: 'Auckland',
        ParentId: null,
        Trading_Name__c: 'Acme',
        _references: { ParentId: null },
      },
    }),
    noReferences,
  );
  assert.equal(calls.length, 1);
  assert.deepEqual(calls[0], {
    operation: 'customer-sync',
    method: 'POST',
    path: '/customer-sync',
    body: {
      salesforceId: ACCOUNT_ID,
      account: { name: 'Acme Energy', phone: null, billingAddress: { city: 'Auckland' }, tradingName: 'Acme' },
      parentAccountNumber: null,
    },
    key: 'customer-sync',
    writeBack: { Gentrack_External_Id__c: 'accountNumber' },
  });
});

test('an update fires only the rules whose fields changed, each a transaction of its own keyed by its operation', () => {
  const values = {
    Id: ACCOUNT_ID,
    Gentrack_External_Id__c: 'A00000001',
    Name: 'New',
    ParentId: '001000000000002AAA',
    _references: { ParentId: 'A00000002' },
  };
  const both = planGentrackCalls(
    connectorModel,
    change({ operationType: 'UPDATE', newValues: values, changedFields: ['Name', 'ParentId'] }),
    noReferences,
  );
  assert.deepEqual(
    both.map((c) => [c.operation, c.path, callTransactionId('tx-1', c)]),
    [
      ['update-account', '/accounts/A00000001', 'tx-1:update-account'],
      ['update-account-parent', '/accounts/A00000001/parent', 'tx-1:update-account-parent'],
    ],
  );
  assert.deepEqual(both[1]!.body, { salesforceId: ACCOUNT_ID, parentAccountNumber: 'A00000002' });
  const nameOnly = planGentrackCalls(
    connectorModel,
    change({ operationType: 'UPDATE', newValues: values, changedFields: ['Name'] }),
    noReferences,
  );
  assert.deepEqual(
    nameOnly.map((c) => c.operation),
    ['update-account'],
  );
  assert.equal(nameOnly[0]!.body.parentAccountNumber, undefined, 'fields of other rules are not sent');
});

test('a change that calls one operation twice gives each call its own key and transaction id', () => {
  const model = parseConnectorModel(
    edit(
      DEFAULT_MODEL,
      '        - operation: update-account-parent\n          whenChanged: [ParentId]',
      '        - operation: update-account\n          whenChanged: [ParentId]',
    ),
    'model.yaml',
  );
  const calls = planGentrackCalls(
    model,
    change({
      operationType: 'UPDATE',
      newValues: { Id: ACCOUNT_ID, Gentrack_External_Id__c: 'A1', Name: 'N', _references: { ParentId: 'A2' } },
      changedFields: ['Name', 'ParentId'],
    }),
    noReferences,
  );
  assert.deepEqual(
    calls.map((call) => callTransactionId('tx-1', call)),
    ['tx-1:update-account', 'tx-1:update-account-2'],
  );
});

test('references missing from the payload come from what the relay learnt, or wait', () => {
  const values = { Id: CONTACT_ID, LastName: 'Ngata', AccountId: ACCOUNT_ID, _references: { AccountId: null } };
  const learnt = (objectType: string, id: string) =>
    objectType === 'Account' && id === ACCOUNT_ID ? 'A00000009' : undefined;
  const [create] = planGentrackCalls(
    connectorModel,
    change({ objectType: 'Contact', recordId: CONTACT_ID, newValues: values }),
    learnt,
  );
  assert.equal(create!.body.accountNumber, 'A00000009');
  assert.throws(
    () =>
      planGentrackCalls(
        connectorModel,
        change({ objectType: 'Contact', recordId: CONTACT_ID, newValues: values }),
        noReferences,
      ),
    (error: unknown) =>
      error instanceof MissingReferenceError && /AccountId points at Account 001000000000001AAA/.test(error.message),
  );
  const update = change({
    objectType: 'Contact',
    recordId: CONTACT_ID,
    operationType: 'UPDATE',
    changedFields: ['LastName'],
    newValues: { ...values, _references: { AccountId: 'A1' } },
  });
  assert.throws(
    () => planGentrackCalls(connectorModel, update, noReferences),
    /update-contact needs its Gentrack reference/,
  );
  const ownLearnt = (objectType: string, id: string) =>
    objectType === 'Contact' && id === CONTACT_ID ? 'C00000004' : undefined;
  assert.equal(planGentrackCalls(connectorModel, update, ownLearnt)[0]!.path, '/contacts/C00000004');
});

test('an insert of a record Gentrack already has is sent as an update of every field, never as a second create', () => {
  const values = {
    Id: ACCOUNT_ID,
    Gentrack_External_Id__c: null,
    Name: 'Acme Energy',
    ParentId: null,
    _references: { ParentId: null },
  };
  const learnt = (objectType: string, id: string) =>
    objectType === 'Account' && id === ACCOUNT_ID ? 'A00000001' : undefined;
  // E.g. an on-demand sync queued while the record's insert event was still on its way: that insert created it.
  const again = planGentrackCalls(connectorModel, change({ newValues: values }), learnt);
  assert.deepEqual(
    again.map((call) => [call.operation, call.path, call.key]),
    [
      ['update-account', '/accounts/A00000001', 'update-account'],
      ['update-account-parent', '/accounts/A00000001/parent', 'update-account-parent'],
    ],
  );
  assert.equal(again[0]!.body.account && (again[0]!.body.account as { name: string }).name, 'Acme Energy');
  // The payload's own External ID says the same.
  const linked = planGentrackCalls(
    connectorModel,
    change({ newValues: { ...values, Gentrack_External_Id__c: 'A00000007' } }),
    noReferences,
  );
  assert.deepEqual(
    linked.map((call) => call.path),
    ['/accounts/A00000007', '/accounts/A00000007/parent'],
  );
  // Not known anywhere: a create, as before.
  assert.deepEqual(
    planGentrackCalls(connectorModel, change({ newValues: values }), noReferences).map((call) => call.operation),
    ['customer-sync'],
  );
});

test('a relationship delete removes it from the contact, with the old values', () => {
  const [call] = planGentrackCalls(
    connectorModel,
    change({
      objectType: 'AccountContactRelation',
      recordId: '07k000000000001AAA',
      operationType: 'DELETE',
      oldValues: {
        Id: '07k000000000001AAA',
        AccountId: ACCOUNT_ID,
        ContactId: CONTACT_ID,
        Roles: 'Payer;Owner',
        _references: { AccountId: 'A1', ContactId: 'C 1/2' },
      },
    }),
    noReferences,
  );
  assert.equal(call!.path, '/contacts/C%201%2F2/relationships/remove', 'references are URL-encoded');
  assert.deepEqual((call!.body as { relationship: unknown }).relationship, {
    accountNumber: 'A1',
    customerNumber: 'C 1/2',
    roles: 'Payer;Owner',
  });
  assert.equal(
    String(call!.body.reason),
    'AccountContactRelation deleted in Salesforce by admin@example.com (Salesforce change tx-1)',
  );
});

test('unknown objects and payload-less changes are bad events; unmapped operations plan nothing', () => {
  assert.throws(
    () => planGentrackCalls(connectorModel, change({ objectType: 'Lead' }), noReferences),
    /Lead is not an object of the connector model/,
  );
  assert.throws(() => planGentrackCalls(connectorModel, change({}), noReferences), /carries no new values/);
  assert.deepEqual(
    planGentrackCalls(
      connectorModel,
      change({ objectType: 'AccountContactRelation', operationType: 'UNDELETE', newValues: {} }),
      noReferences,
    ),
    [],
  );
});

test('write-back takes the references Gentrack returned and records the sync status', () => {
  const at = new Date('2026-11-23T10:00:00Z');
  assert.deepEqual(successWriteBack({ Gentrack_External_Id__c: 'accountNumber' }, { accountNumber: 'A00000001' }, at), {
    Gentrack_Sync_Status__c: 'Synced',
    Gentrack_Last_Synced__c: '2026-11-23T10:00:00.000Z',
    Gentrack_Last_Error__c: null,
    Gentrack_External_Id__c: 'A00000001',
  });
  assert.deepEqual(failureWriteBack('x'.repeat(5000)).Gentrack_Last_Error__c?.length, 4000);
});
