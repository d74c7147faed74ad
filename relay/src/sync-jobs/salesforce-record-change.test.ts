import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findObject } from '../../../model/connector-model.js';
import { connectorModel } from '../platform/connector-model.generated.js';
import { planGentrackCalls } from '../to-gentrack/gentrack-calls.js';
import { changeFromRecord, gentrackValuesOf, recordQuery, relationshipNameOf } from './salesforce-record-change.js';

const account = findObject(connectorModel, 'Account')!;
const contact = findObject(connectorModel, 'Contact')!;
const options = {
  transactionId: 'sync-job-1',
  requestedBy: 'ana@example.com',
  changedAt: new Date('2025-01-02T03:04:05Z'),
};

test('the record is read with its tracked fields, External ID and the Gentrack references of its lookups', () => {
  assert.equal(
    recordQuery(contact, '003000000000001AAA'),
    "SELECT Id, Gentrack_External_Id__c, Salutation, FirstName, LastName, Email, Phone, MobilePhone, Birthdate, AccountId, Preferred_Name__c, Account.Gentrack_External_Id__c FROM Contact WHERE Id = '003000000000001AAA'",
  );
  assert.throws(
    () => recordQuery(account, "001' OR Name != '"),
    /not a Salesforce record id/,
    'nothing else reaches the SOQL text',
  );
  assert.equal(relationshipNameOf({ name: 'ParentId' }), 'Parent');
  assert.equal(relationshipNameOf({ name: 'Billing_Account__c' }), 'Billing_Account__r');
});

test('a record without a Gentrack reference becomes an INSERT with the payload the triggers would publish', () => {
  const record = {
    Id: '001000000000001AAA',
    Gentrack_External_Id__c: null,
    Name: 'Kauri',
    BillingCity: 'Auckland',
    ParentId: '001000000000002AAA',
    Parent: { Gentrack_External_Id__c: 'A00000002' },
  };
  const change = changeFromRecord(account, record, options);
  assert.equal(change.operationType, 'INSERT');
  assert.equal(change.transactionId, 'sync-job-1');
  assert.equal(change.changedBy, 'ana@example.com');
  assert.equal(change.changedAt, '2025-01-02T03:04:05.000Z');
  assert.deepEqual(change.changedFields, []);
  assert.equal(change.newValues?.Name, 'Kauri');
  assert.equal(change.newValues?.Phone, null, 'every tracked field, null when empty');
  assert.equal(change.newValues?.Account_Class__c, undefined, 'Gentrack-mastered fields are not sent');
  assert.deepEqual(change.newValues?._references, { ParentId: 'A00000002' });

  const [call] = planGentrackCalls(connectorModel, change, () => undefined);
  assert.equal(call?.operation, 'customer-sync');
  assert.equal((call?.body as { parentAccountNumber: string }).parentAccountNumber, 'A00000002');
  assert.deepEqual(gentrackValuesOf(account, change)['account.billingAddress.city'], 'Auckland');
});

test('a record with a Gentrack reference (its own or one the relay learnt) becomes an UPDATE of every tracked field', () => {
  const record = {
    Id: '001000000000001AAA',
    Gentrack_External_Id__c: 'A00000001',
    Name: 'Kauri',
    ParentId: null,
    Parent: null,
  };
  const change = changeFromRecord(account, record, options);
  assert.equal(change.operationType, 'UPDATE');
  const calls = planGentrackCalls(connectorModel, change, () => undefined);
  assert.deepEqual(
    calls.map((c) => `${c.method} ${c.path}`),
    ['PUT /accounts/A00000001', 'PUT /accounts/A00000001/parent'],
    'every update rule fires',
  );
  assert.deepEqual(calls[1]?.body, { salesforceId: '001000000000001AAA', parentAccountNumber: null });

  const learnt = changeFromRecord(
    account,
    { ...record, Gentrack_External_Id__c: null },
    { ...options, learntReference: 'A00000009' },
  );
  assert.equal(learnt.operationType, 'UPDATE', 'not a second customer-sync while the write-back is on its way');
  assert.equal(learnt.newValues?.Gentrack_External_Id__c, 'A00000009');
});
