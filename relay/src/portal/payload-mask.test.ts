import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectorModel } from '../platform/connector-model.generated.js';
import { formatPayload, MASK, payloadMask } from './payload-mask.js';

const mask = payloadMask(connectorModel);

test("a change's record values are masked; its identifiers, keys and shape stay", () => {
  const change = {
    transactionId: 't-1',
    objectType: 'Contact',
    operationType: 'UPDATE',
    recordId: '003000000000001AAA',
    oldValues: { Id: '003000000000001AAA', LastName: 'Old', Gentrack_External_Id__c: 'C1' },
    newValues: {
      Id: '003000000000001AAA',
      LastName: 'Customer',
      Email: 'jane@example.com',
      Birthdate: '1980-01-01',
      Gentrack_External_Id__c: 'C1',
      _references: { AccountId: 'A100' },
    },
    changedFields: ['LastName', 'Email'],
    changedBy: 'jane.admin@example.com',
    changedAt: '2026-12-01T10:00:00.000Z',
  };
  const masked = JSON.parse(mask.mask(JSON.stringify(change)));
  assert.deepEqual(masked.newValues, {
    Id: '003000000000001AAA',
    LastName: MASK,
    Email: MASK,
    Birthdate: MASK,
    Gentrack_External_Id__c: 'C1',
    _references: { AccountId: 'A100' },
  });
  assert.equal(masked.oldValues.LastName, MASK);
  assert.equal(masked.changedBy, MASK, 'who made the change is a person');
  assert.deepEqual(masked.changedFields, ['LastName', 'Email']);
  assert.equal(masked.transactionId, 't-1');
});

test("a Salesforce event's payload text is masked inside, and a Gentrack event's data but its reference", () => {
  const parts = [
    {
      objectType: 'Account',
      recordId: '001000000000001AAA',
      newPayload: JSON.stringify({ Id: '001000000000001AAA', Name: 'Acme', Phone: '555' }),
      oldPayload: null,
      changedBy: null,
    },
  ];
  const [part] = JSON.parse(mask.mask(JSON.stringify(parts)));
  assert.deepEqual(JSON.parse(part.newPayload), { Id: '001000000000001AAA', Name: MASK, Phone: MASK });
  assert.equal(part.oldPayload, null);

  const event = {
    eventId: 'e1',
    eventType: 'switch-loss-started',
    data: { accountNumber: 'A1', switchDate: '2026-12-24', customer: { name: 'Jane' } },
  };
  const masked = JSON.parse(mask.mask(JSON.stringify(event)));
  assert.deepEqual(masked.data, { accountNumber: 'A1', switchDate: MASK, customer: { name: MASK } });
  assert.equal(masked.eventType, 'switch-loss-started');
});

test('what the mask does not understand is masked whole', () => {
  assert.equal(mask.mask('not json: Jane Customer'), MASK);
  assert.equal(JSON.parse(mask.mask('{"New_Payload__c":"{\\"Name\\":\\"Jane\\"}"}')).New_Payload__c, MASK);
  assert.equal(
    JSON.parse(mask.mask(JSON.stringify([{ oldPayload: 'not json', newPayload: null }])))[0].oldPayload,
    MASK,
  );
  assert.equal(formatPayload('{"a":1}'), '{\n  "a": 1\n}');
  assert.equal(formatPayload('plain text'), 'plain text');
});
