/**
 * What the platform does around a DML operation on particular objects, beyond field validation: Contacts to
 * Multiple Accounts (a contact's direct AccountContactRelation follows its AccountId; relations go with the
 * contact), cascade deletion of an account's contacts, one hierarchy custom setting record per owner, and the
 * ContentDocument behind an uploaded file.
 *
 * Side effects go through the DML engine's primitives, so they are validated, journaled and seen by the trigger hook
 * like any other change.
 */
import { SalesforceError } from '../errors.js';
import type { RecordStore } from './record-store.js';
import type { FieldValue, OrgSchema, SObjectRecord, SObjectSchema } from './schema.js';

/** The record-level operations a rule may use; `system` values bypass field-level write checks (IsDirect). */
export interface DmlPrimitives {
  readonly store: RecordStore;
  readonly orgId: string;
  /** `live`: ids the rule knows are live records (just saved in this call), whose existence need not be looked up. */
  insert(
    objectType: string,
    values: Readonly<Record<string, unknown>>,
    system?: Readonly<Record<string, FieldValue>>,
    live?: readonly string[],
  ): SObjectRecord;
  update(
    objectType: string,
    id: string,
    values: Readonly<Record<string, unknown>>,
    system?: Readonly<Record<string, FieldValue>>,
  ): SObjectRecord;
  /** `cascade`: a deletion the platform makes itself (no delete rules run; `silent` also skips the trigger hook). */
  delete(
    objectType: string,
    record: SObjectRecord,
    options?: { readonly cascade?: boolean; readonly silent?: boolean },
  ): void;
  undelete(objectType: string, record: SObjectRecord, options?: { readonly silent?: boolean }): void;
}

export interface ObjectRules {
  /** Fill defaults the field metadata cannot express, before required fields are checked. */
  applyDefaults?(draft: Record<string, FieldValue>, dml: DmlPrimitives): void;
  /** Throw a SalesforceError to refuse an insert (`old` undefined) or update. */
  validate?(next: Readonly<Record<string, FieldValue>>, old: SObjectRecord | undefined, dml: DmlPrimitives): void;
  beforeDelete?(record: SObjectRecord, dml: DmlPrimitives): void;
  afterInsert?(record: SObjectRecord, dml: DmlPrimitives): void;
  afterUpdate?(old: SObjectRecord, next: SObjectRecord, dml: DmlPrimitives): void;
  afterDelete?(record: SObjectRecord, dml: DmlPrimitives): void;
  afterUndelete?(record: SObjectRecord, dml: DmlPrimitives): void;
}

const ACR = 'AccountContactRelation';
const ASSIGNMENT = 'PermissionSetAssignment';

/** Reference fields the rules look records up by; the store indexes them. */
export function ruleIndexes(schema: OrgSchema): Record<string, string[]> {
  const indexes: Record<string, string[]> = {
    Contact: ['AccountId'],
    [ACR]: ['AccountId', 'ContactId'],
    [ASSIGNMENT]: ['AssigneeId'],
  };
  for (const object of schema.objects) {
    if (object.customSettingsType === 'Hierarchy') indexes[object.name] = ['SetupOwnerId'];
  }
  return indexes;
}

export function dmlRules(schema: OrgSchema): ReadonlyMap<string, ObjectRules> {
  const rules = new Map<string, ObjectRules>();
  if (schema.object(ACR) && schema.object('Contact') && schema.object('Account')) {
    const cascades = new CascadeMemory();
    rules.set('Contact', contactRules());
    rules.set('Account', accountRules(cascades));
    rules.set(ACR, relationRules());
  }
  for (const object of schema.objects) {
    if (object.customSettingsType === 'Hierarchy') rules.set(object.name, hierarchySettingRules(object));
  }
  if (schema.object(ASSIGNMENT)) rules.set(ASSIGNMENT, permissionSetAssignmentRules());
  if (schema.object('ContentVersion') && schema.object('ContentDocument'))
    rules.set('ContentVersion', contentVersionRules());
  return rules;
}

/** Uploading a first ContentVersion creates its ContentDocument, as Salesforce Files does. */
function contentVersionRules(): ObjectRules {
  return {
    afterInsert(version, dml) {
      if (version['ContentDocumentId'] !== null) return;
      const document = dml.insert(
        'ContentDocument',
        {},
        { Title: version['Title'] ?? null, LatestPublishedVersionId: version.Id, OwnerId: version['OwnerId'] ?? null },
      );
      dml.update('ContentVersion', version.Id, {}, { ContentDocumentId: document.Id });
    },
  };
}

function relationsOf(dml: DmlPrimitives, field: 'AccountId' | 'ContactId', id: string): SObjectRecord[] {
  return [...dml.store.findBy(ACR, field, id)].map((relationId) => dml.store.get(ACR, relationId)!);
}

function duplicateValue(field: string, existingId: string): SalesforceError {
  return new SalesforceError(
    'DUPLICATE_VALUE',
    `duplicate value found: ${field} duplicates value on record with id: ${existingId}`,
  );
}

const DIRECT_RELATION: Readonly<Record<string, FieldValue>> = Object.freeze({ IsDirect: true, IsActive: true });

function contactRules(): ObjectRules {
  const makeDirect = (contact: SObjectRecord, dml: DmlPrimitives, isNew = false): void => {
    const accountId = contact['AccountId'];
    if (typeof accountId !== 'string') return;
    // A contact just inserted has no relationships yet.
    const existing = isNew
      ? undefined
      : relationsOf(dml, 'ContactId', contact.Id).find((relation) => relation['AccountId'] === accountId);
    if (existing) dml.update(ACR, existing.Id, {}, { IsDirect: true });
    // The contact was just saved with this account, both checked then.
    else dml.insert(ACR, { AccountId: accountId, ContactId: contact.Id }, DIRECT_RELATION, [accountId, contact.Id]);
  };
  return {
    afterInsert: (contact, dml) => makeDirect(contact, dml, true),
    afterUpdate(old, next, dml) {
      if (old['AccountId'] === next['AccountId']) return;
      // The previous primary account stays related, as an indirect relationship.
      for (const relation of relationsOf(dml, 'ContactId', next.Id)) {
        if (relation['IsDirect'] === true) dml.update(ACR, relation.Id, {}, { IsDirect: false });
      }
      makeDirect(next, dml);
    },
    afterDelete(contact, dml) {
      // Relationships do not go to the Recycle Bin: they are gone with the contact.
      for (const relation of relationsOf(dml, 'ContactId', contact.Id)) dml.delete(ACR, relation, { cascade: true });
    },
    afterUndelete(contact, dml) {
      const account =
        typeof contact['AccountId'] === 'string' ? dml.store.get('Account', contact['AccountId']) : undefined;
      if (account && account['IsDeleted'] !== true) makeDirect(contact, dml);
    },
  };
}

/** Which contacts went to the Recycle Bin with which account, so undeleting the account brings them back. */
class CascadeMemory {
  private readonly contactsByAccount = new Map<string, Set<string>>();

  remember(accountId: string, contactId: string): void {
    let contacts = this.contactsByAccount.get(accountId);
    if (!contacts) this.contactsByAccount.set(accountId, (contacts = new Set()));
    contacts.add(contactId);
  }

  take(accountId: string): string[] {
    const contacts = [...(this.contactsByAccount.get(accountId) ?? [])];
    this.contactsByAccount.delete(accountId);
    return contacts;
  }
}

function accountRules(cascades: CascadeMemory): ObjectRules {
  return {
    afterDelete(account, dml) {
      // Salesforce deletes an account's contacts with it, without running their delete triggers.
      for (const contactId of [...dml.store.findBy('Contact', 'AccountId', account.Id)]) {
        dml.delete('Contact', dml.store.get('Contact', contactId)!, { cascade: true, silent: true });
        cascades.remember(account.Id, contactId);
      }
      for (const relation of relationsOf(dml, 'AccountId', account.Id)) dml.delete(ACR, relation, { cascade: true });
    },
    afterUndelete(account, dml) {
      for (const contactId of cascades.take(account.Id)) {
        const contact = dml.store.get('Contact', contactId);
        if (contact?.['IsDeleted'] === true) dml.undelete('Contact', contact, { silent: true });
      }
    },
  };
}

function relationRules(): ObjectRules {
  return {
    validate(next, old, dml) {
      if (old) return;
      const existing = relationsOf(dml, 'ContactId', String(next['ContactId'])).find(
        (relation) => relation['AccountId'] === next['AccountId'],
      );
      if (existing) throw duplicateValue('<unknown>', existing.Id);
    },
    beforeDelete(relation) {
      if (relation['IsDirect'] === true) {
        throw new SalesforceError(
          'DELETE_FAILED',
          "The relationship between a contact and its primary account can't be deleted; change the contact's AccountId instead.",
        );
      }
    },
  };
}

/** A user holds a permission set once: a second assignment is refused as Salesforce refuses it. */
function permissionSetAssignmentRules(): ObjectRules {
  return {
    validate(next, old, dml) {
      if (old) return;
      for (const id of dml.store.findBy(ASSIGNMENT, 'AssigneeId', next['AssigneeId'] ?? null)) {
        const existing = dml.store.get(ASSIGNMENT, id);
        if (existing && !existing['IsDeleted'] && existing['PermissionSetId'] === next['PermissionSetId']) {
          throw new SalesforceError('DUPLICATE_VALUE', 'Duplicate PermissionSetAssignment');
        }
      }
    },
  };
}

function hierarchySettingRules(object: SObjectSchema): ObjectRules {
  return {
    applyDefaults(draft, dml) {
      // Without an owner, the record is the org-wide default.
      if (draft['SetupOwnerId'] === null) draft['SetupOwnerId'] = dml.orgId;
    },
    validate(next, old, dml) {
      const owner = next['SetupOwnerId'] ?? null;
      if (old && old['SetupOwnerId'] === owner) return;
      for (const id of dml.store.findBy(object.name, 'SetupOwnerId', owner)) {
        if (id !== next['Id']) throw duplicateValue('SetupOwnerId', id);
      }
    },
  };
}
