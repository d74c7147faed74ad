/**
 * Setup records an org lists for its deployed metadata: one PermissionSet per permission set and one ApexTrigger per
 * trigger in force-app, so clients can query what is deployed (`SELECT Name FROM ApexTrigger WHERE ...`) as they
 * would in an org. Written directly into the store (setup, not DML: no trigger sees them).
 */
import { formatDateTime } from './datetime.js';
import type { ForceAppMetadata } from './force-app-metadata.js';
import type { IdSequence } from './ids.js';
import type { RecordStore } from './record-store.js';
import type { FieldValue, OrgSchema, SObjectRecord } from './schema.js';

export function writeSetupRecords(
  metadata: ForceAppMetadata,
  context: { schema: OrgSchema; store: RecordStore; ids: IdSequence; now: number; createdById: string },
): void {
  const { schema, store, ids } = context;
  const put = (objectType: string, values: Record<string, FieldValue>) => {
    const object = schema.object(objectType);
    if (!object) return;
    const stamp = formatDateTime(context.now);
    const record: Record<string, FieldValue> = Object.fromEntries(object.fields.map((field) => [field.name, null]));
    Object.assign(record, values, {
      Id: ids.mint(object.keyPrefix),
      IsDeleted: false,
      CreatedDate: stamp,
      CreatedById: context.createdById,
      LastModifiedDate: stamp,
      LastModifiedById: context.createdById,
      SystemModstamp: stamp,
    });
    store.put(object.name, record as SObjectRecord);
  };
  for (const set of metadata.permissionSets) {
    put('PermissionSet', { Name: set.name, Label: set.label, IsCustom: true, IsOwnedByProfile: false });
  }
  for (const trigger of metadata.triggers) {
    const on = (event: string) => trigger.events.includes(event);
    put('ApexTrigger', {
      Name: trigger.name,
      TableEnumOrId: trigger.object,
      Status: trigger.status,
      ApiVersion: trigger.apiVersion,
      IsValid: true,
      UsageAfterInsert: on('after insert'),
      UsageAfterUpdate: on('after update'),
      UsageAfterDelete: on('after delete'),
      UsageAfterUndelete: on('after undelete'),
    });
  }
}
