/**
 * The real triggers, interpreted, publish what trigger-simulation.ts publishes for the same changes: the same
 * events in the same order with the same fields, except the random transaction ids.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { PLATFORM_EVENT } from '../../../model/connector-fields.js';
import { connectorModel } from '../../../relay/src/platform/connector-model.generated.js';
import { SandboxOrg } from '../org/sandbox-org.js';
import { simulateConnectorTriggers } from '../trigger-simulation.js';
import { createApexRuntime } from './apex-runtime.js';
import { runApexTriggers } from './apex-triggers.js';

const forceAppDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../force-app');
const NOW = Date.UTC(2026, 0, 15, 9, 30, 0);

type Published = { user: string; events: Record<string, unknown>[] };

/** The same changes, made through the org's code API (the path REST takes), with the triggers under test. */
async function changes(
  attach: (org: SandboxOrg, sink: (events: Record<string, unknown>[], user: { username: string }) => void) => void,
): Promise<Published[]> {
  const org = new SandboxOrg({ forceAppDir, clock: () => NOW });
  const published: Published[] = [];
  attach(org, (events, user) => published.push({ user: user.username, events }));
  const [parent] = await org.insert('Account', { Name: 'Parent', Gentrack_External_Id__c: 'GT-PARENT' });
  const accounts = await org.insert(
    'Account',
    Array.from({ length: 201 }, (_, index) => ({
      Name: `Account ${index}`,
      ParentId: index % 2 === 0 ? parent!.id : null,
    })),
  );
  await org.update('Account', [
    { Id: accounts[0]!.id, Name: 'account 0' },
    { Id: accounts[1]!.id, Gentrack_Sync_Status__c: 'Synced' },
  ]);
  const [contact] = await org.insert('Contact', {
    LastName: 'Contact',
    AccountId: parent!.id,
    Birthdate: '1990-05-17',
  });
  await org.update('Contact', { Id: contact!.id, Email: 'contact@example.com' });
  await org.insert('Account', { Name: 'By the relay' }, { as: org.users.integration });
  await org.delete(
    'Account',
    accounts.slice(0, 3).map((result) => result.id!),
  );
  await org.undelete(
    'Account',
    accounts.slice(0, 3).map((result) => result.id!),
  );
  return published;
}

/**
 * Record ids as the order they first appear in: the interpreted triggers' platform event messages take ids from the
 * org's sequence too, so the same records get other ids than with the simulation.
 */
function canonicalIds(events: Record<string, unknown>[]): unknown {
  const seen = new Map<string, string>();
  return JSON.parse(
    JSON.stringify(events).replace(/\b[0-9a-zA-Z]{18}\b/g, (id) => {
      if (!seen.has(id)) seen.set(id, `id-${seen.size + 1}`);
      return seen.get(id)!;
    }),
  );
}

function withoutTransactionIds(published: Published[]): Published[] {
  return published.map((batch) => ({
    user: batch.user,
    events: batch.events.map((event) => {
      assert.equal(typeof event['Transaction_Id__c'], 'string', 'every event carries a transaction id');
      const { Transaction_Id__c: _transactionId, ...rest } = event;
      // The bus stores a Datetime as epoch milliseconds whether it arrives as a number or ISO text.
      return {
        ...rest,
        Changed_At__c:
          typeof rest['Changed_At__c'] === 'string' ? Date.parse(rest['Changed_At__c']) : rest['Changed_At__c'],
      };
    }),
  }));
}

describe('interpreted triggers and the simulation', () => {
  it('publish the same events for the same inserts, updates, deletes and undeletes', async () => {
    const simulated = await changes((org, sink) => simulateConnectorTriggers(org, connectorModel, sink));
    const apex = await changes((org, sink) =>
      runApexTriggers(org, createApexRuntime(org, forceAppDir), PLATFORM_EVENT, sink),
    );

    // Parent, 201 accounts (2 chunks), 1 tracked update, the contact and its direct AccountContactRelation, the
    // contact's update, 3 deletes, 3 undeletes; nothing for the untracked update or the integration user's insert.
    assert.equal(simulated.flatMap((batch) => batch.events).length, 1 + 201 + 1 + 2 + 1 + 3 + 3);
    assert.deepEqual(
      canonicalIds(withoutTransactionIds(apex).flatMap((batch) => batch.events)),
      canonicalIds(withoutTransactionIds(simulated).flatMap((batch) => batch.events)),
    );
    // The org hands a committed transaction's events to the bus together; the simulation publishes per trigger
    // chunk. Subscribers see single events either way: compare the publishing user per event.
    const users = (published: Published[]) => published.flatMap((batch) => batch.events.map(() => batch.user));
    assert.deepEqual(users(apex), users(simulated), 'published as the same users');
  });
});
