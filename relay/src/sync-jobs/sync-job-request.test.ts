import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectorModel } from '../platform/connector-model.generated.js';
import { readSyncJobRequest, SyncJobRequestError } from './sync-job-request.js';

const caller = { clientId: 'grc_1', onBehalfOf: 'ana@example.com' };

function problems(body: unknown): readonly string[] {
  try {
    readSyncJobRequest(connectorModel, body, caller);
  } catch (error) {
    assert.ok(error instanceof SyncJobRequestError, String(error));
    return error.problems;
  }
  assert.fail('accepted');
}

test('a request names the direction, an on-demand object and an id from the source system', () => {
  assert.deepEqual(
    readSyncJobRequest(
      connectorModel,
      {
        direction: { source: 'Salesforce', destination: 'Gentrack' },
        entityType: 'Account',
        entityId: '001000000000001AAA',
      },
      caller,
    ),
    {
      source: 'Salesforce',
      destination: 'Gentrack',
      entityType: 'Account',
      entityId: '001000000000001AAA',
      clientId: 'grc_1',
      onBehalfOf: 'ana@example.com',
    },
  );
  assert.equal(
    readSyncJobRequest(
      connectorModel,
      { direction: { source: 'Gentrack', destination: 'Salesforce' }, entityType: 'Contact', entityId: 'C00000001' },
      caller,
    ).entityId,
    'C00000001',
  );
});

test('every problem of a bad request is named', () => {
  assert.deepEqual(
    problems({
      direction: { source: 'Salesforce', destination: 'Salesforce' },
      entityType: 'AccountContactRelation',
      entityId: 'x',
    }),
    [
      'direction: source and destination are both Salesforce; sync from Salesforce to Gentrack or back',
      'entityType: AccountContactRelation cannot be synced on demand; use one of Account, Contact',
      'entityId: "x" is not a Salesforce record id (15 or 18 letters and digits)',
    ],
  );
  assert.deepEqual(
    problems({
      direction: { source: 'Gentrack', destination: 'Salesforce' },
      entityType: 'Account',
      entityId: '../accounts',
    }),
    ['entityId: "../accounts" is not a Gentrack reference (letters, digits, ".", "_" and "-", at most 64)'],
  );
  const shape = problems({ direction: 'up', entityType: 'Account', extra: 1 });
  assert.ok(
    shape.some((p) => p.startsWith('direction:')),
    shape.join('\n'),
  );
  assert.ok(
    shape.some((p) => p.startsWith('entityId:')),
    shape.join('\n'),
  );
  assert.ok(
    shape.some((p) => /extra/.test(p)),
    shape.join('\n'),
  );
});
