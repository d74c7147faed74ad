/**
 * Salesforce -> Gentrack on demand, the pure part: the SOQL that reads a record with what the triggers would publish
 * (tracked fields, the External ID, and each lookup's Gentrack reference), and the change it becomes in the outbox.
 * The change has the same shape as one the generated GentrackTriggerHandler publishes, so it
 * takes the same mapping, delivery, ordering, idempotency and dead-letter path.
 */
import { EXTERNAL_ID_FIELD, REFERENCES_KEY } from '../../../model/connector-fields.js';
import { trackedFields, type MappedField, type SyncedObject } from '../../../model/connector-model.js';
import type { ObjectChange } from '../to-gentrack/reassemble.js';

const SALESFORCE_ID = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;

export function isSalesforceId(value: string): boolean {
  return SALESFORCE_ID.test(value);
}

/** The relationship a lookup is queried through: ParentId -> Parent, Owner__c -> Owner__r. */
export function relationshipNameOf(lookup: Pick<MappedField, 'name'>): string {
  if (lookup.name.endsWith('__c')) return `${lookup.name.slice(0, -3)}__r`;
  return lookup.name.replace(/Id$/, '');
}

/** SOQL for one record by id; the id is checked first, since it is put into the query text. */
export function recordQuery(object: SyncedObject, recordId: string): string {
  if (!isSalesforceId(recordId)) throw new Error(`"${recordId}" is not a Salesforce record id`);
  const lookups = object.fields.filter((field) => field.references);
  const columns = [
    'Id',
    EXTERNAL_ID_FIELD,
    ...trackedFields(object).map((field) => field.name),
    ...lookups.map((field) => `${relationshipNameOf(field)}.${field.references!.field}`),
  ];
  return `SELECT ${[...new Set(columns)].join(', ')} FROM ${object.name} WHERE Id = '${recordId}'`;
}

export interface ChangeOptions {
  readonly transactionId: string;
  /** The Salesforce user the sync was asked for: X-On-Behalf-Of at Gentrack. */
  readonly requestedBy: string;
  readonly changedAt: Date;
  /** A Gentrack reference the relay learnt for the record whose write-back may not have reached Salesforce yet. */
  readonly learntReference?: string | undefined;
}

/**
 * The record as a change: an UPDATE of every tracked field when it has a Gentrack reference, an INSERT otherwise,
 * exactly as the triggers would have published it.
 */
export function changeFromRecord(
  object: SyncedObject,
  record: Record<string, unknown>,
  options: ChangeOptions,
): ObjectChange {
  const own =
    typeof record[EXTERNAL_ID_FIELD] === 'string' && record[EXTERNAL_ID_FIELD] !== ''
      ? (record[EXTERNAL_ID_FIELD] as string)
      : undefined;
  const reference = own ?? options.learntReference;
  const tracked = trackedFields(object);
  const lookups = object.fields.filter((field) => field.references);
  const values: Record<string, unknown> = { Id: record.Id, [EXTERNAL_ID_FIELD]: reference ?? null };
  for (const field of tracked) values[field.name] = record[field.name] ?? null;
  if (lookups.length > 0) {
    values[REFERENCES_KEY] = Object.fromEntries(
      lookups.map((field) => {
        const parent = record[relationshipNameOf(field)] as Record<string, unknown> | null | undefined;
        const parentReference = parent?.[field.references!.field];
        return [field.name, typeof parentReference === 'string' && parentReference !== '' ? parentReference : null];
      }),
    );
  }
  const update = reference !== undefined;
  return {
    transactionId: options.transactionId,
    objectType: object.name,
    operationType: update ? 'UPDATE' : 'INSERT',
    recordId: String(record.Id),
    oldValues: null,
    newValues: values,
    // An on-demand sync sends the whole record: every update rule of the model fires.
    changedFields: update ? tracked.map((field) => field.name) : [],
    changedBy: options.requestedBy,
    changedAt: options.changedAt.toISOString(),
  };
}

/** What the change sends, keyed by Gentrack property path (lookups as their Gentrack references). */
export function gentrackValuesOf(object: SyncedObject, change: ObjectChange): Record<string, unknown> {
  const values = change.newValues ?? {};
  const references = (values[REFERENCES_KEY] ?? {}) as Record<string, unknown>;
  return Object.fromEntries(
    trackedFields(object).map((field) => [
      field.gentrackPath,
      field.references ? (references[field.name] ?? null) : (values[field.name] ?? null),
    ]),
  );
}
