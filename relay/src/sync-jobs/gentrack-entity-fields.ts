/**
 * Gentrack -> Salesforce on demand, the pure part: which Salesforce fields an entity read from Gentrack sets. Only
 * Gentrack-mastered fields are written (Salesforce-mastered ones are Salesforce's to change), plus the record's
 * sync status, so the record page shows when it was last synced.
 */
import { LAST_ERROR_FIELD, LAST_SYNCED_FIELD, SYNC_STATUS_FIELD } from '../../../model/connector-fields.js';
import type { SyncedObject } from '../../../model/connector-model.js';
import { getAtPath } from '../../../model/property-path.js';

export interface SalesforceUpdate {
  /** Gentrack-mastered fields the entity has a value for (null clears the field). */
  readonly fields: Record<string, unknown>;
  readonly syncStatus: Record<string, string | null>;
}

export function salesforceUpdateFromEntity(object: SyncedObject, entity: unknown, syncedAt: Date): SalesforceUpdate {
  const fields: Record<string, unknown> = {};
  for (const field of object.fields) {
    if (field.master !== 'Gentrack') continue;
    const value = getAtPath(entity, field.gentrackPath);
    // Absent from the answer means "not told", not "empty": leave the Salesforce value alone.
    if (value !== undefined) fields[field.name] = value;
  }
  return {
    fields,
    syncStatus: { [SYNC_STATUS_FIELD]: 'Synced', [LAST_SYNCED_FIELD]: syncedAt.toISOString(), [LAST_ERROR_FIELD]: null },
  };
}
