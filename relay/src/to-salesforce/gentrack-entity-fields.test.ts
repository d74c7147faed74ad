import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findObject } from '../../../model/connector-model.js';
import { connectorModel } from '../platform/connector-model.generated.js';
import { fieldsFromEntity, syncedStatusFields } from './gentrack-entity-fields.js';

test('only Gentrack-mastered fields are taken from the entity', () => {
  const account = findObject(connectorModel, 'Account')!;
  const entity = {
    accountNumber: 'A1',
    account: { name: 'Renamed in Gentrack', accountClass: 'Business', status: 'Active' },
  };
  assert.deepEqual(
    fieldsFromEntity(account, entity),
    { Account_Class__c: 'Business', Gentrack_Account_Status__c: 'Active' },
    'not Name: Salesforce masters it',
  );
  assert.deepEqual(
    fieldsFromEntity(account, {
      accountNumber: 'A1',
      status: 'Final',
      account: { name: 'Not mastered by Gentrack', status: 'Final', accountClass: 'Business' },
    }),
    { Account_Class__c: 'Business', Gentrack_Account_Status__c: 'Final' },
  );
});

test('a value Gentrack did not send leaves the field alone; an explicit null clears it', () => {
  const contact = findObject(connectorModel, 'Contact')!;
  assert.deepEqual(fieldsFromEntity(contact, { contact: {} }), {});
  assert.deepEqual(fieldsFromEntity(contact, { contact: { segment: null } }), { Customer_Segment__c: null });
});

test('a synced record shows when it was synced, with no error', () => {
  assert.deepEqual(syncedStatusFields(new Date('2025-01-02T03:04:05Z')), {
    Gentrack_Sync_Status__c: 'Synced',
    Gentrack_Last_Synced__c: '2025-01-02T03:04:05.000Z',
    Gentrack_Last_Error__c: null,
  });
});
