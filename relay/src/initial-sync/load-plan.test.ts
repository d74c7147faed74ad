import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectorModel } from '../platform/connector-model.generated.js';
import type { ConnectorModel } from '../../../model/connector-model.js';
import { jsonRecord, loadPlan, LoadPlanError, mapRow, salesforceValue, type ObjectPlan } from './load-plan.js';

const plans = loadPlan(connectorModel);
const plan = (object: string): ObjectPlan => plans.find((candidate) => candidate.object === object)!;

test('objects load parents first, with stage names and columns from the model', () => {
  assert.deepEqual(
    plans.map((candidate) => [candidate.object, candidate.stage]),
    [
      ['Account', 'accounts'],
      ['Contact', 'contacts'],
      ['AccountContactRelation', 'relations'],
    ],
  );
  const account = plan('Account');
  assert.equal(account.externalIdPath, 'accountNumber');
  assert.equal(account.columns[0]!.header, 'Gentrack_External_Id__c');
  assert.ok(
    account.columns.some(
      (column) => column.header === 'BillingCity' && column.gentrackPath === 'account.billingAddress.city',
    ),
  );
  assert.deepEqual(
    account.selfReferences.map((column) => column.header),
    ['Parent.Gentrack_External_Id__c'],
    'the self-lookup waits for a second pass',
  );
  assert.ok(
    plan('Contact').columns.some(
      (column) => column.header === 'Account.Gentrack_External_Id__c' && column.references === 'Account',
    ),
  );
  const relation = plan('AccountContactRelation');
  assert.deepEqual(
    relation.columns.filter((column) => column.createOnly).map((column) => column.header),
    ['Account.Gentrack_External_Id__c', 'Contact.Gentrack_External_Id__c'],
  );
});

test('a row maps to Bulk API cells: nested paths, lists as multi-select values, booleans, dates; empty cells leave fields alone', () => {
  const mapped = mapRow(
    plan('AccountContactRelation'),
    jsonRecord({
      relationship: {
        relationshipId: 'R-1',
        accountNumber: 'A-1',
        customerNumber: 'C-1',
        roles: ['Billing', 'Owner'],
        active: true,
        startDate: '2024-02-29',
      },
    }),
  );
  assert.ok(mapped.ok);
  const byHeader = Object.fromEntries(
    plan('AccountContactRelation').columns.map((column, index) => [column.header, mapped.row.cells[index]]),
  );
  assert.deepEqual(byHeader, {
    Gentrack_External_Id__c: 'R-1',
    'Account.Gentrack_External_Id__c': 'A-1',
    'Contact.Gentrack_External_Id__c': 'C-1',
    Roles: 'Billing;Owner',
    IsActive: 'true',
    StartDate: '2024-02-29',
    EndDate: '',
  });
  assert.equal(mapped.row.key, 'r-1', 'keys ignore case, as External IDs do');
});

test('rows that cannot be mapped say why: no or too long an External ID, wrong types, a missing junction parent', () => {
  const reason = (object: string, value: unknown) => {
    const mapped = mapRow(plan(object), jsonRecord(value));
    assert.ok(!mapped.ok, 'expected the row to be refused');
    return mapped.reason;
  };
  assert.match(
    reason('Account', { account: { name: 'x' } }),
    /accountNumber \(the Gentrack_External_Id__c of Account\) is missing/,
  );
  assert.match(reason('Account', { accountNumber: 'A'.repeat(31) }), /longer than the 30 characters/);
  assert.match(reason('Account', { accountNumber: { nested: true } }), /not text/);
  assert.match(
    reason('Contact', { customerNumber: 'C-1', contact: { dateOfBirth: '2023-02-29' } }),
    /contact\.dateOfBirth \(Contact\.Birthdate\): "2023-02-29" is not a date/,
  );
  assert.match(
    reason('AccountContactRelation', { relationship: { relationshipId: 'R', accountNumber: 'A', active: 'maybe' } }),
    /relationship\.customerNumber .* is missing: it names the Contact.*; relationship\.active .*"maybe" is not true or false/,
  );
});

test('values take the form Salesforce reads', () => {
  assert.equal(salesforceValue('boolean', 'TRUE'), 'true');
  assert.equal(salesforceValue('boolean', 0), 'false');
  assert.equal(salesforceValue('double', '12.50'), '12.5');
  assert.equal(salesforceValue('datetime', '2024-05-01T10:00:00+12:00'), '2024-04-30T22:00:00.000Z');
  assert.equal(salesforceValue('string', 42), '42');
  assert.deepEqual(salesforceValue('string', ['a']), { problem: '["a"] is not text' });
  assert.equal(salesforceValue('date', null), '');
});

test('an object without externalId.gentrack cannot be planned', () => {
  const account = connectorModel.objects[0];
  const model = {
    ...connectorModel,
    objects: [{ ...account, externalId: { ...account.externalId, gentrackPath: undefined } }],
  } as unknown as ConnectorModel;
  assert.throws(
    () => loadPlan(model),
    (error: LoadPlanError) => error.code === 'INITIAL_SYNC_PLAN' && /externalId\.gentrack/.test(error.message),
  );
});
