/**
 * What the relay writes into a Salesforce record after Gentrack answered: the references the model's write-back
 * rules name (e.g. the new account number), and the sync status fields.
 */
import {
  EXTERNAL_ID_FIELD,
  LAST_ERROR_FIELD,
  LAST_SYNCED_FIELD,
  SYNC_STATUS_FIELD,
} from '../../../model/connector-fields.js';
import { getAtPath } from '../../../model/property-path.js';

export type FieldUpdates = Record<string, string | null>;

export function successWriteBack(
  writeBack: Readonly<Record<string, string>>,
  response: unknown,
  syncedAt: Date,
): FieldUpdates {
  const updates: FieldUpdates = {
    [SYNC_STATUS_FIELD]: 'Synced',
    [LAST_SYNCED_FIELD]: syncedAt.toISOString(),
    [LAST_ERROR_FIELD]: null,
  };
  for (const [field, path] of Object.entries(writeBack)) {
    const value = getAtPath(response, path);
    if (typeof value === 'string' || typeof value === 'number') updates[field] = String(value);
  }
  return updates;
}

export function failureWriteBack(message: string): FieldUpdates {
  return { [SYNC_STATUS_FIELD]: 'Failed', [LAST_ERROR_FIELD]: message.slice(0, 4000) };
}

/** The Gentrack reference a successful call taught us, to resolve later changes of the same record. */
export function learntReference(updates: FieldUpdates): string | undefined {
  return updates[EXTERNAL_ID_FIELD] ?? undefined;
}
