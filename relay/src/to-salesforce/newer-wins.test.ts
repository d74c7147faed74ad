import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withoutSuperseded } from './newer-wins.js';

test('fields set by a newer write are superseded; fields as new or newer apply', () => {
  const versions = new Map([
    ['Switch_Status__c', 2_000],
    ['Switch_Loss_Date__c', 1_000],
  ]);
  assert.deepEqual(
    withoutSuperseded(
      { Switch_Status__c: 'Lost', Switch_Loss_Date__c: null, Quote_Status__c: 'Ready' },
      versions,
      1_500,
    ),
    {
      apply: { Switch_Loss_Date__c: null, Quote_Status__c: 'Ready' },
      superseded: ['Switch_Status__c'],
    },
  );
  assert.deepEqual(withoutSuperseded({ Switch_Status__c: 'Lost' }, versions, 2_000), {
    apply: { Switch_Status__c: 'Lost' },
    superseded: [],
  });
});
