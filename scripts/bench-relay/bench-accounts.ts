/**
 * The benchmark's workload: accounts that exist on both sides (a Salesforce record carrying the Gentrack account
 * number, the same account in Gentrack), and UPDATE events of them shaped exactly as the simulated triggers publish
 * them (`toEvents`), so each event becomes one `update-account` call.
 */
import { EVENT_FIELDS, EXTERNAL_ID_FIELD } from '../../model/connector-fields.js';
import { findObject, trackedFields } from '../../model/connector-model.js';
import { connectorModel } from '../../relay/src/platform/connector-model.generated.js';
import type { Sandbox } from '../../sandbox/start-sandbox.js';
import { REFERENCES_KEY } from '../../model/connector-fields.js';
import { toEvents } from '../../sandbox/salesforce/trigger-simulation.js';

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
  const [values] = toEvents(connectorModel.event.payloadFieldLength, {
    objectType: 'Account',
    operationType: 'UPDATE',
    recordId: target.recordId,
    oldJson: JSON.stringify(before),
    newJson: JSON.stringify(after),
    changedFields: ['Name'],
    changedBy,
    changedAt: Date.now(),
  });
  return { transactionId: values![EVENT_FIELDS.transactionId] as string, values: values! };
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
