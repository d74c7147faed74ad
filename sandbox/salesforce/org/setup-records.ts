/**
 * Setup records an org lists for its deployed metadata: one PermissionSet per permission set, one ApexClass per class
 * and one ApexTrigger per trigger in force-app (with their source in Body), plus the Apex an org had before
 * (`SandboxOrgOptions.existingApex`, e.g. Gentrack's sample connector), so clients can query what is deployed
 * (`SELECT Name, Body FROM ApexTrigger WHERE ...`) as they would in an org. Written directly into the store (setup,
 * not DML: no trigger sees them). Only force-app's Apex runs (the Apex runtime); the existing Apex is listed only.
 */
import { formatDateTime } from './datetime.js';
import type { ApexClassMetadata, ForceAppMetadata, TriggerMetadata } from './force-app-metadata.js';
import type { IdSequence } from './ids.js';
import type { RecordStore } from './record-store.js';
import type { FieldValue, OrgSchema, SObjectRecord } from './schema.js';

const EXISTING_API_VERSION = 62;

/** Apex an org already has, outside force-app. */
export interface ExistingApex {
  readonly classes?: readonly Pick<ApexClassMetadata, 'name' | 'body'>[];
  readonly triggers?: readonly Pick<TriggerMetadata, 'name' | 'object' | 'body'>[];
}

export function writeSetupRecords(
  metadata: ForceAppMetadata,
  existing: ExistingApex,
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
  // A force-app component replaces an existing one of the same name, as a deploy does.
  const deployed = (names: readonly { name: string }[]) => new Set(names.map((item) => item.name.toLowerCase()));
  const deployedClasses = deployed(metadata.classes);
  const deployedTriggers = deployed(metadata.triggers);
  const classes: ApexClassMetadata[] = [
    ...(existing.classes ?? [])
      .filter((cls) => !deployedClasses.has(cls.name.toLowerCase()))
      .map((cls) => ({ apiVersion: EXISTING_API_VERSION, ...cls })),
    ...metadata.classes,
  ];
  const triggers: TriggerMetadata[] = [
    ...(existing.triggers ?? [])
      .filter((trigger) => !deployedTriggers.has(trigger.name.toLowerCase()))
      .map((trigger) => ({
        status: 'Active' as const,
        apiVersion: EXISTING_API_VERSION,
        events: eventsDeclaredBy(trigger.body),
        ...trigger,
      })),
    ...metadata.triggers,
  ];
  for (const cls of classes) {
    put('ApexClass', { Name: cls.name, Body: cls.body, Status: 'Active', ApiVersion: cls.apiVersion, IsValid: true });
  }
  for (const trigger of triggers) {
    const on = (event: string) => trigger.events.includes(event);
    put('ApexTrigger', {
      Name: trigger.name,
      TableEnumOrId: trigger.object,
      Body: trigger.body,
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

/** The events a trigger's header declares, as `after insert` and the like. */
function eventsDeclaredBy(body: string): string[] {
  const header = /\btrigger\s+\w+\s+on\s+\w+\s*\(([^)]*)\)/i.exec(body);
  return header ? header[1]!.split(',').map((event) => event.trim().toLowerCase().replace(/\s+/g, ' ')) : [];
}
