/**
 * Gentrack entity -> Salesforce fields, the pure part shared by the webhook path (events that read an entity) and
 * the on-demand sync: which Salesforce fields an entity read from Gentrack sets. Only Gentrack-mastered fields are
 * taken (Salesforce-mastered ones are Salesforce's to change). The record's sync status, which only the on-demand
 * sync writes, is here too, so the record page shows when it was last synced.
 */
import { LAST_ERROR_FIELD, LAST_SYNCED_FIELD, SYNC_STATUS_FIELD } from '../../../model/connector-fields.js';
import type { SyncedObject } from '../../../model/connector-model.js';
import { getAtPath } from '../../../model/property-path.js';

/** The Gentrack-mastered fields the entity has a value for (null clears the field). */
export function fieldsFromEntity(object: SyncedObject, entity: unknown): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const field of object.fields) {
    if (field.master !== 'Gentrack') continue;
    const value = getAtPath(entity, field.gentrackPath);
    // Absent from the answer means "not told", not "empty": leave the Salesforce value alone.
    if (value !== undefined) fields[field.name] = value;
  }
  return fields;
}

/** The record's sync status after a successful sync at `syncedAt`. */
export function syncedStatusFields(syncedAt: Date): Record<string, string | null> {
  return { [SYNC_STATUS_FIELD]: 'Synced', [LAST_SYNCED_FIELD]: syncedAt.toISOString(), [LAST_ERROR_FIELD]: null };
}
