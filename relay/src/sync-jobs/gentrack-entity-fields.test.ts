import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findObject } from '../../../model/connector-model.js';
import { connectorModel } from '../platform/connector-model.generated.js';
import { salesforceUpdateFromEntity } from './gentrack-entity-fields.js';

test('only Gentrack-mastered fields are taken from the entity, with the sync status', () => {
  const account = findObject(connectorModel, 'Account')!;
  const entity = { accountNumber: 'A1', account: { name: 'Renamed in Gentrack', accountClass: 'Business', status: 'Active' } };
  const update = salesforceUpdateFromEntity(account, entity, new Date('2025-01-02T03:04:05Z'));
  assert.deepEqual(update.fields, { Account_Class__c: 'Business', Gentrack_Account_Status__c: 'Active' }, 'not Name: Salesforce masters it');
  assert.deepEqual(update.syncStatus, {
    Gentrack_Sync_Status__c: 'Synced',
    Gentrack_Last_Synced__c: '2025-01-02T03:04:05.000Z',
    Gentrack_Last_Error__c: null,
  });
});

test('a value Gentrack did not send leaves the field alone; an explicit null clears it', () => {
  const contact = findObject(connectorModel, 'Contact')!;
  assert.deepEqual(salesforceUpdateFromEntity(contact, { contact: {} }, new Date()).fields, {});
  assert.deepEqual(salesforceUpdateFromEntity(contact, { contact: { segment: null } }, new Date()).fields, { Customer_Segment__c: null });
});
