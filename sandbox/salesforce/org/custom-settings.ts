/**
 * Hierarchy custom settings as Apex's `getInstance` resolves them: a value set on the user's own record wins, then the
 * org-wide default record (SetupOwnerId = the org id), then the field's default from the metadata. The records
 * themselves are ordinary records in the store, written through DML like any other.
 */
import type { RecordStore } from './record-store.js';
import type { FieldValue, OrgSchema, SObjectRecord, SObjectSchema } from './schema.js';
import type { SandboxUser } from './users.js';

export class CustomSettingError extends Error {
  override readonly name = 'CustomSettingError';
  readonly code = 'NOT_A_HIERARCHY_CUSTOM_SETTING';
}

export class CustomSettings {
  constructor(
    private readonly schema: OrgSchema,
    private readonly store: RecordStore,
    private readonly orgId: string,
  ) {}

  /** The effective values for a user (Apex `Setting__c.getInstance(userId)`). */
  getInstance(objectName: string, user: SandboxUser | string): Readonly<Record<string, FieldValue>> {
    const object = this.requireHierarchy(objectName);
    const userId = typeof user === 'string' ? user : user.id;
    return this.resolve(object, [this.recordOf(object, userId), this.recordOf(object, this.orgId)], userId);
  }

  /** The org-wide default values (Apex `Setting__c.getOrgDefaults()`). */
  getOrgDefaults(objectName: string): Readonly<Record<string, FieldValue>> {
    const object = this.requireHierarchy(objectName);
    return this.resolve(object, [this.recordOf(object, this.orgId)], this.orgId);
  }

  private resolve(
    object: SObjectSchema,
    levels: (SObjectRecord | undefined)[],
    ownerId: string,
  ): Record<string, FieldValue> {
    const present = levels.filter((record): record is SObjectRecord => record !== undefined);
    const values: Record<string, FieldValue> = {
      Id: present[0]?.Id ?? null,
      SetupOwnerId: present[0]?.['SetupOwnerId'] ?? ownerId,
    };
    for (const field of object.fields) {
      if (!field.custom) continue;
      const set = present.map((record) => record[field.name] ?? null).find((value) => value !== null);
      values[field.name] = set ?? field.defaultValue;
    }
    return values;
  }

  private recordOf(object: SObjectSchema, ownerId: string): SObjectRecord | undefined {
    const [id] = this.store.findBy(object.name, 'SetupOwnerId', ownerId);
    return id === undefined ? undefined : this.store.get(object.name, id);
  }

  private requireHierarchy(objectName: string): SObjectSchema {
    const object = this.schema.object(objectName);
    if (object?.customSettingsType !== 'Hierarchy') {
      throw new CustomSettingError(`${objectName} is not a hierarchy custom setting of this org`);
    }
    return object;
  }
}
