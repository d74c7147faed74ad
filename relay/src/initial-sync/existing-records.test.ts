import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareRow } from './existing-records.js';
import type { ColumnPlan } from './load-plan.js';

const column = (header: string, type: ColumnPlan['type'], references?: string): ColumnPlan => ({
  header,
  field: header,
  gentrackPath: header,
  type,
  required: false,
  createOnly: false,
  ...(references ? { references } : {}),
});
const columns = [
  column('Name', 'string'),
  column('Account.Gentrack_External_Id__c', 'reference', 'Account'),
  column('Amount__c', 'double'),
  column('Kind__c', 'picklist'),
  column('At__c', 'datetime'),
];

test('a row is new, unchanged or changed against the record Salesforce holds', () => {
  const existing = { id: '001', values: ['Acme', 'A-1', '12', 'Business', '2024-01-01T00:00:00.000+0000'] };
  assert.equal(
    compareRow(columns, ['Acme', 'a-1', '12.0', 'business', '2024-01-01T00:00:00Z'], existing),
    'unchanged',
    'references and picklists ignore case; numbers and times compare by value',
  );
  assert.equal(compareRow(columns, ['Acme', '', '', '', ''], existing), 'unchanged', 'empty cells leave fields alone');
  assert.equal(compareRow(columns, ['acme', '', '', '', ''], existing), 'changed', 'text compares exactly');
  assert.equal(compareRow(columns, ['Acme', 'A-2', '', '', ''], existing), 'changed');
  assert.equal(
    compareRow(columns, ['', '', '13', '', ''], { id: '001', values: ['Acme', '', '', '', ''] }),
    'changed',
    'a value where there was none',
  );
  assert.equal(compareRow(columns, ['Acme'], undefined), 'new');
});
