import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GentrackEnvelope } from './webhooks/gentrack-envelope.js';
import { connectorModel } from '../platform/connector-model.generated.js';
import { InboundEventError, planInboundEvent } from './inbound-plan.js';

function envelope(
  eventType: string,
  data: Record<string, unknown>,
  createdAt = '2024-06-01T22:30:00.000Z',
): GentrackEnvelope {
  return {
    appId: 'app',
    createdAt,
    createdAtMs: Date.parse(createdAt),
    data,
    eventId: `evt-${eventType}`,
    eventType,
    tenantId: 'tenant',
    version: '1',
    eventSource: 'gentrack',
  };
}

test('switch-loss-started: the account by its number, the constant and the data field, and a filled-in owner Task', () => {
  const plan = planInboundEvent(
    connectorModel,
    envelope('switch-loss-started', { accountNumber: 'A00000007', switchDate: '2024-07-01', customerName: 'ignored' }),
  );
  assert.deepEqual(plan, {
    eventId: 'evt-switch-loss-started',
    eventType: 'switch-loss-started',
    createdAtMs: Date.parse('2024-06-01T22:30:00.000Z'),
    objectType: 'Account',
    externalIdField: 'Gentrack_External_Id__c',
    reference: 'A00000007',
    recordKey: 'Account:A00000007',
    fields: { Switch_Status__c: 'Loss Started', Switch_Loss_Date__c: '2024-07-01' },
    tasks: [
      {
        Subject: 'Customer switching away: account A00000007',
        Description:
          'Gentrack reports that this customer is switching to another retailer on 2024-07-01. Consider a retention call.',
        Priority: 'High',
        ActivityDate: '2024-06-03',
      },
    ],
  });
});

test('a value absent from the event data leaves the field alone; null from a constant clears it', () => {
  assert.deepEqual(planInboundEvent(connectorModel, envelope('switch-loss-started', { accountNumber: 'A1' })).fields, {
    Switch_Status__c: 'Loss Started',
  });
  assert.deepEqual(
    planInboundEvent(connectorModel, envelope('switch-loss-cancelled', { accountNumber: 'A1' })).fields,
    {
      Switch_Status__c: 'Loss Cancelled',
      Switch_Loss_Date__c: null,
    },
  );
});

test('events that read from Gentrack name the GET with the reference encoded', () => {
  const plan = planInboundEvent(
    connectorModel,
    envelope('switch-loss-finished', { accountNumber: 'A 1/2', switchDate: '2024-08-01' }),
  );
  assert.deepEqual(plan.read, { operation: 'get-account', path: '/accounts/A%201%2F2' });
});

test('an unmapped event type or a missing reference cannot be applied: typed errors that say what to do', () => {
  assert.throws(
    () => planInboundEvent(connectorModel, envelope('switch-gain-started', { accountNumber: 'A1' })),
    (error: unknown) =>
      error instanceof InboundEventError &&
      error.code === 'NO_MAPPING' &&
      /no inbound rule for Gentrack event type "switch-gain-started" in config\/connector.yaml .*add one under inbound.events/.test(
        error.message,
      ),
  );
  for (const data of [
    {},
    { accountNumber: '' },
    { accountNumber: { nested: true } },
    { accountNumber: 'A'.repeat(31) },
  ]) {
    assert.throws(
      () => planInboundEvent(connectorModel, envelope('quote-created', data)),
      (error: unknown) =>
        error instanceof InboundEventError &&
        error.code === 'REFERENCE_MISSING' &&
        /data.accountNumber/.test(error.message),
      JSON.stringify(data),
    );
  }
  assert.equal(
    planInboundEvent(connectorModel, envelope('quote-created', { accountNumber: 12345678 })).reference,
    '12345678',
    'numbers are references too',
  );
  assert.throws(
    () =>
      planInboundEvent({ ...connectorModel, inbound: undefined }, envelope('quote-created', { accountNumber: 'A1' })),
    /mapped: none/,
  );
});
