/**
 * The benchmark's workload: accounts that exist on both sides (a Salesforce record carrying the Gentrack account
 * number, the same account in Gentrack), and UPDATE events of them, so each event becomes one `update-account` call.
 *
 * The events go straight onto the sandbox's event bus, not through the Apex triggers: the interpreted triggers
 * publish far slower than an org does and would make the publisher, not the relay, the bottleneck. They have the
 * shape the generated GentrackCallout publishes; `assertSameShapeAsTriggers` checks that against the real triggers
 * at the start of every run.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { EVENT_FIELDS, EXTERNAL_ID_FIELD } from '../../model/connector-fields.js';
import { findObject, trackedFields } from '../../model/connector-model.js';
import { connectorModel } from '../../relay/src/platform/connector-model.generated.js';
import type { Sandbox } from '../../sandbox/start-sandbox.js';
import { REFERENCES_KEY } from '../../model/connector-fields.js';

export interface BenchAccount {
  readonly recordId: string;
  readonly accountNumber: string;
  /** Updates published so far; each one renames the account to a new version. */
  version: number;
}

/** One published event: what the latency phase matches against Gentrack's call log. */
export interface BenchEvent {
  readonly transactionId: string;
  readonly values: Record<string, unknown>;
}

const account = findObject(connectorModel, 'Account')!;
const TRACKED = trackedFields(account).map((field) => field.name);
const LOOKUPS = account.fields.filter((field) => field.references).map((field) => field.name);

/**
 * Creates `count` accounts in the Salesforce org (as the integration user, whose bypass permission keeps the
 * triggers quiet) and seeds the same accounts in Gentrack. Write-backs of the relay then land on real records.
 */
export async function seedAccounts(sandbox: Sandbox, count: number): Promise<BenchAccount[]> {
  const org = sandbox.salesforce.org;
  const accounts: BenchAccount[] = [];
  const chunk = 200;
  for (let start = 0; start < count; start += chunk) {
    const size = Math.min(chunk, count - start);
    const numbers = Array.from({ length: size }, (_, i) => `BENCH${String(start + i + 1).padStart(7, '0')}`);
    const results = await org.insert(
      'Account',
      numbers.map((accountNumber) => ({ Name: nameOf(accountNumber, 0), [EXTERNAL_ID_FIELD]: accountNumber })),
      { as: org.users.integration },
    );
    results.forEach((result, i) => {
      if (!result.success || !result.id)
        throw new Error(`seeding Salesforce account ${numbers[i]} failed: ${JSON.stringify(result)}`);
      const accountNumber = numbers[i]!;
      sandbox.gentrack.state.seedAccount({
        accountNumber,
        status: 'Active',
        account: { name: nameOf(accountNumber, 0) },
        salesforceId: result.id,
      });
      accounts.push({ recordId: result.id, accountNumber, version: 0 });
    });
  }
  return accounts;
}

/** The next UPDATE event of `target` (its Name changes), as GentrackCallout would publish it. */
export function nextUpdateEvent(target: BenchAccount, changedBy: string): BenchEvent {
  const before = payloadOf(target, target.version);
  target.version += 1;
  const after = payloadOf(target, target.version);
  const oldPayload = JSON.stringify(before);
  const newPayload = JSON.stringify(after);
  // One part per change: the bench's payloads stay far below the field length, so GentrackCallout would not split.
  assert.ok(Math.max(oldPayload.length, newPayload.length) <= connectorModel.event.payloadFieldLength);
  const transactionId = randomUUID();
  const values: Record<string, unknown> = {
    [EVENT_FIELDS.operationType]: 'UPDATE',
    [EVENT_FIELDS.objectType]: 'Account',
    [EVENT_FIELDS.recordId]: target.recordId,
    [EVENT_FIELDS.transactionId]: transactionId,
    [EVENT_FIELDS.partNumber]: 1,
    [EVENT_FIELDS.partTotal]: 1,
    [EVENT_FIELDS.oldPayload]: oldPayload,
    [EVENT_FIELDS.newPayload]: newPayload,
    [EVENT_FIELDS.changedFields]: 'Name',
    [EVENT_FIELDS.changedBy]: changedBy,
    [EVENT_FIELDS.changedAt]: Date.now(),
  };
  return { transactionId, values };
}

/**
 * Renames one bench account through the org as the admin, so the interpreted Apex trigger publishes its event, and
 * checks the bench's own event for that change has the same fields and payload keys. Run before the relay starts:
 * the event stays on the bus and the relay delivers it like the others.
 */
export async function assertSameShapeAsTriggers(sandbox: Sandbox, target: BenchAccount): Promise<void> {
  const org = sandbox.salesforce.org;
  const published = new Promise<Record<string, unknown>>((resolve) => {
    const stop = org.onEventPublished((batch) => {
      stop();
      resolve(batch.events[0]!);
    });
  });
  const expected = nextUpdateEvent({ ...target }, org.users.admin.username).values;
  target.version += 1;
  const [result] = await org.update(
    'Account',
    [{ Id: target.recordId, Name: nameOf(target.accountNumber, target.version) }],
    { as: org.users.admin },
  );
  assert.ok(result?.success, `updating bench account ${target.accountNumber} failed: ${JSON.stringify(result)}`);
  const actual = await published;
  const fieldsOf = (event: Record<string, unknown>) =>
    Object.keys(event)
      .filter((name) => name.endsWith('__c'))
      .sort();
  assert.deepEqual(fieldsOf(actual), fieldsOf(expected), 'the bench publishes the fields the Apex trigger publishes');
  const keysOf = (payload: unknown) => Object.keys(JSON.parse(String(payload)) as object).sort();
  for (const field of [EVENT_FIELDS.oldPayload, EVENT_FIELDS.newPayload]) {
    assert.deepEqual(keysOf(actual[field]), keysOf(expected[field]), `the bench's ${field} has the trigger's keys`);
  }
  assert.equal(actual[EVENT_FIELDS.changedFields], expected[EVENT_FIELDS.changedFields]);
}

function payloadOf(target: BenchAccount, version: number): Record<string, unknown> {
  const payload: Record<string, unknown> = { Id: target.recordId, [EXTERNAL_ID_FIELD]: target.accountNumber };
  for (const name of TRACKED) payload[name] = null;
  payload.Name = nameOf(target.accountNumber, version);
  payload.BillingCity = 'Wellington';
  payload.BillingCountry = 'New Zealand';
  if (LOOKUPS.length > 0) payload[REFERENCES_KEY] = Object.fromEntries(LOOKUPS.map((name) => [name, null]));
  return payload;
}

function nameOf(accountNumber: string, version: number): string {
  return `Bench ${accountNumber} v${version}`;
}
