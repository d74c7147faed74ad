/**
 * Account changes too long for one Gentrack_Object_Event__e message, published onto the sandbox's event bus as the
 * generated GentrackCallout publishes them: each JSON payload cut into parts of at most the payload field length
 * (never between the two halves of a surrogate pair), the parts numbered 1..n under one transaction id, the shorter
 * payload's later parts null.
 *
 * Why not through the Apex triggers: the default model (config/connector.yaml) cannot produce a split Account change.
 * Its payloads hold the tracked fields only, none longer than 255 characters: about 1,300 in all, under 8,000 even
 * if every character needed a JSON escape, against an event.payloadFieldLength of 32,768. These changes also carry
 * Account.Description (a standard field of 32,000 characters), as a model that tracked it would publish it; the
 * relay maps no Description and ignores it, so what reaches Gentrack is the rename they also make.
 * `assertSameShapeAsTrigger` checks them against an event the real trigger published.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { EVENT_FIELDS, EXTERNAL_ID_FIELD, REFERENCES_KEY } from '../../model/connector-fields.js';
import { findObject, trackedFields } from '../../model/connector-model.js';
import { connectorModel } from '../../relay/src/platform/connector-model.generated.js';
import type { Sandbox } from '../../sandbox/start-sandbox.js';

/** An account that exists on both sides: a Salesforce record with its Gentrack number, and the Gentrack account. */
export interface LinkedAccount {
  readonly recordId: string;
  readonly accountNumber: string;
  /** Renames so far: the account's name is `nameOf(label, version)`. */
  version: number;
  /** The account's Description (null until its first split change). */
  description: string | null;
  readonly label: string;
}

const ACCOUNT = findObject(connectorModel, 'Account')!;
const TRACKED = trackedFields(ACCOUNT).map((field) => field.name);
const LOOKUPS = ACCOUNT.fields.filter((field) => field.references).map((field) => field.name);
const PART_LENGTH = connectorModel.event.payloadFieldLength;
/** Account.Description's length in Salesforce. */
const DESCRIPTION_LENGTH = 32_000;

export const nameOf = (label: string, version: number): string => `${label} v${version}`;

/**
 * Creates accounts in the org (as the integration user, whose bypass permission keeps the triggers quiet) and the
 * same accounts in Gentrack, so changes to them need no insert first.
 */
export async function seedLinkedAccounts(sandbox: Sandbox, labels: readonly string[]): Promise<LinkedAccount[]> {
  const org = sandbox.salesforce.org;
  const numbers = labels.map((label) => label.toUpperCase().replace(/\W+/g, '-'));
  const results = await org.insert(
    'Account',
    labels.map((label, i) => ({ Name: nameOf(label, 0), [EXTERNAL_ID_FIELD]: numbers[i] })),
    { as: org.users.integration },
  );
  return results.map((result, i) => {
    assert.ok(result.success && result.id, `seeding account ${labels[i]} failed: ${JSON.stringify(result)}`);
    const label = labels[i]!;
    const accountNumber = numbers[i]!;
    sandbox.gentrack.state.seedAccount({
      accountNumber,
      status: 'Active',
      account: { name: nameOf(label, 0) },
      salesforceId: result.id,
    });
    return { recordId: result.id, accountNumber, version: 0, description: null, label };
  });
}

/**
 * The next change of `account` (a rename and a new Description of 32,000 characters) as GentrackCallout would
 * publish it: two or more parts. Advances the account's version and Description.
 */
export function nextSplitChange(
  account: LinkedAccount,
  changedBy: string,
): { transactionId: string; events: Record<string, unknown>[] } {
  const before = payloadOf(account);
  account.version += 1;
  account.description = descriptionOf(account);
  const after = payloadOf(account);
  const oldParts = splitText(JSON.stringify(before), PART_LENGTH);
  const newParts = splitText(JSON.stringify(after), PART_LENGTH);
  const partTotal = Math.max(oldParts.length, newParts.length);
  assert.ok(partTotal > 1, `the change of ${account.label} is long enough to be split`);
  const transactionId = randomUUID();
  const changedAt = Date.now();
  const events = Array.from({ length: partTotal }, (_, index) => ({
    [EVENT_FIELDS.operationType]: 'UPDATE',
    [EVENT_FIELDS.objectType]: 'Account',
    [EVENT_FIELDS.recordId]: account.recordId,
    [EVENT_FIELDS.transactionId]: transactionId,
    [EVENT_FIELDS.partNumber]: index + 1,
    [EVENT_FIELDS.partTotal]: partTotal,
    [EVENT_FIELDS.oldPayload]: oldParts[index] ?? null,
    [EVENT_FIELDS.newPayload]: newParts[index] ?? null,
    [EVENT_FIELDS.changedFields]: 'Name,Description',
    [EVENT_FIELDS.changedBy]: changedBy,
    [EVENT_FIELDS.changedAt]: changedAt,
  }));
  return { transactionId, events };
}

/** GentrackCallout.split: parts of at most `partLength` UTF-16 code units, a surrogate pair never cut in two. */
function splitText(text: string, partLength: number): string[] {
  const parts: string[] = [];
  for (let start = 0; start < text.length;) {
    let finish = Math.min(start + partLength, text.length);
    if (finish < text.length && isHighSurrogate(text.charCodeAt(finish - 1))) finish -= 1;
    parts.push(text.slice(start, finish));
    start = finish;
  }
  return parts;
}

/**
 * Renames `account` through the org as the admin, so the real trigger publishes the change, and checks that a split
 * change has the same event fields and the same payload keys (but Description). Run it before the relay subscribes:
 * the trigger's event is then never delivered, and Gentrack keeps the account's version 0.
 */
export async function assertSameShapeAsTrigger(sandbox: Sandbox, account: LinkedAccount): Promise<void> {
  const org = sandbox.salesforce.org;
  const published = new Promise<Record<string, unknown>>((resolve) => {
    const stop = org.onEventPublished((batch) => {
      stop();
      resolve(batch.events[0]!);
    });
  });
  const [result] = await org.update('Account', [{ Id: account.recordId, Name: `${account.label} shape check` }], {
    as: org.users.admin,
  });
  assert.ok(result?.success, `renaming ${account.label} failed: ${JSON.stringify(result)}`);
  const actual = await published;
  const { events } = nextSplitChange({ ...account }, org.users.admin.username);
  const fieldsOf = (event: Record<string, unknown>) =>
    Object.keys(event)
      .filter((name) => name.endsWith('__c'))
      .sort();
  assert.deepEqual(fieldsOf(actual), fieldsOf(events[0]!), 'a split change has the fields the trigger publishes');
  const keysOf = (payload: unknown) =>
    Object.keys(JSON.parse(String(payload)) as object)
      .filter((key) => key !== 'Description')
      .sort();
  for (const field of [EVENT_FIELDS.oldPayload, EVENT_FIELDS.newPayload]) {
    const joined = events.map((event) => event[field] ?? '').join('');
    assert.deepEqual(keysOf(joined), keysOf(actual[field]), `a split change's ${field} has the trigger's keys`);
  }
}

/** The record's Id, External ID and tracked fields, then Description, then its lookups' Gentrack references. */
function payloadOf(account: LinkedAccount): Record<string, unknown> {
  const payload: Record<string, unknown> = { Id: account.recordId, [EXTERNAL_ID_FIELD]: account.accountNumber };
  for (const name of TRACKED) payload[name] = null;
  payload.Name = nameOf(account.label, account.version);
  payload.Description = account.description;
  if (LOOKUPS.length > 0) payload[REFERENCES_KEY] = Object.fromEntries(LOOKUPS.map((name) => [name, null]));
  return payload;
}

/**
 * 32,000 characters of notes with quotes, line breaks and emoji (surrogate pairs): escaped in JSON they grow past
 * the payload field length, and a part boundary may fall on a pair.
 */
function descriptionOf(account: LinkedAccount): string {
  let text = '';
  for (let line = 1; text.length < DESCRIPTION_LENGTH; line++) {
    text += `Visit ${account.version}.${line}: the customer said "call me back" \u{1F4DE}\n`;
  }
  let cut = DESCRIPTION_LENGTH;
  if (isHighSurrogate(text.charCodeAt(cut - 1))) cut -= 1;
  return text.slice(0, cut);
}

function isHighSurrogate(codeUnit: number): boolean {
  return codeUnit >= 0xd800 && codeUnit <= 0xdbff;
}
