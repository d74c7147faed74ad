/**
 * The org's schema: every sObject the sandbox knows, with the field facts Salesforce's describe reports and the
 * validation and SOQL layers need. Built once per org (see build-schema.ts); immutable afterwards.
 */
import type { DescribeFieldType } from '../../../model/standard-objects.js';

export type { DescribeFieldType };

/** A field value as the REST API carries it: dates and datetimes are ISO strings. */
export type FieldValue = string | number | boolean | null;

/** A stored record: every field of its object, null when unset. Frozen once stored. */
export interface SObjectRecord {
  readonly Id: string;
  readonly [field: string]: FieldValue;
}

export interface PicklistValue {
  readonly value: string;
  readonly label: string;
  readonly defaultValue: boolean;
  readonly active: boolean;
}

export interface FieldSchema {
  readonly name: string;
  readonly label: string;
  readonly type: DescribeFieldType;
  /** Maximum characters of text fields; 0 for other types. */
  readonly length: number;
  readonly precision: number;
  readonly scale: number;
  /** Objects a reference field may point at (several for polymorphic fields such as Task.WhatId). */
  readonly referenceTo: readonly string[];
  /** `Account` for AccountId, `Foo__r` for Foo__c; null for non-reference fields. */
  readonly relationshipName: string | null;
  readonly externalId: boolean;
  readonly unique: boolean;
  readonly caseSensitive: boolean;
  readonly nillable: boolean;
  /** A value must be given on create (describe: nillable false, createable, not defaulted on create). */
  readonly required: boolean;
  readonly createable: boolean;
  readonly updateable: boolean;
  readonly custom: boolean;
  readonly picklistValues: readonly PicklistValue[];
  readonly restrictedPicklist: boolean;
  /** Applied on create when the field is not given. */
  readonly defaultValue: FieldValue;
  readonly nameField: boolean;
  /** Display format of an Auto Number field, e.g. `SE-{00000}`. */
  readonly autoNumberFormat?: string;
  /** Compound or calculated fields (Contact.Name) are derived from the record instead of stored from input. */
  readonly derive?: (record: Readonly<Record<string, FieldValue>>) => FieldValue;
}

/** What a field definition must say; everything else has Salesforce's usual default. */
export type FieldInit = Pick<FieldSchema, 'name' | 'type'> & Partial<Omit<FieldSchema, 'name' | 'type'>>;

const TEXT_TYPES: ReadonlySet<DescribeFieldType> = new Set([
  'string',
  'textarea',
  'email',
  'phone',
  'url',
  'picklist',
  'multipicklist',
]);

export function isTextType(type: DescribeFieldType): boolean {
  return TEXT_TYPES.has(type);
}

export function isNumberType(type: DescribeFieldType): boolean {
  return type === 'double' || type === 'currency' || type === 'percent' || type === 'int';
}

export function defineField(init: FieldInit): FieldSchema {
  const reference = init.type === 'reference';
  const system = init.createable === false && init.updateable === false;
  const nillable = init.nillable ?? (init.type !== 'boolean' && init.type !== 'id' && !init.required);
  return {
    label: init.name,
    length: defaultLength(init.type),
    precision: init.type === 'currency' || init.type === 'double' || init.type === 'percent' ? 18 : 0,
    scale: init.type === 'currency' ? 2 : 0,
    referenceTo: [],
    relationshipName: reference ? relationshipNameOf(init.name) : null,
    externalId: false,
    unique: false,
    caseSensitive: false,
    createable: !system && init.type !== 'id' && !init.derive,
    updateable: !system && init.type !== 'id' && !init.derive,
    custom: init.name.endsWith('__c'),
    picklistValues: [],
    restrictedPicklist: false,
    defaultValue: init.type === 'boolean' ? false : null,
    nameField: false,
    ...init,
    nillable,
    required:
      init.required ??
      (!nillable &&
        init.type !== 'boolean' &&
        init.type !== 'id' &&
        !system &&
        !init.derive &&
        init.defaultValue == null),
  };
}

function defaultLength(type: DescribeFieldType): number {
  switch (type) {
    case 'string':
    case 'url':
    case 'picklist':
      return 255;
    case 'textarea':
      return 255;
    case 'email':
      return 80;
    case 'phone':
      return 40;
    case 'multipicklist':
      return 4099;
    case 'id':
    case 'reference':
      return 18;
    default:
      return 0;
  }
}

/** Salesforce's naming rule for relationships: AccountId -> Account, Parent_Account__c -> Parent_Account__r. */
export function relationshipNameOf(fieldName: string): string | null {
  if (fieldName.endsWith('__c')) return `${fieldName.slice(0, -3)}__r`;
  if (fieldName.length > 2 && fieldName.endsWith('Id')) return fieldName.slice(0, -2);
  return null;
}

export type ObjectKind = 'standard' | 'custom' | 'customSetting' | 'platformEvent';

/**
 * When a platform event message reaches subscribers (Platform Events Developer Guide, "Platform Event Publish
 * Behavior"): PublishImmediately at once, outside the transaction, so a rollback cannot take it back;
 * PublishAfterCommit only when the transaction commits, and not at all when it (or the savepoint) rolls back.
 */
export type PublishBehavior = 'PublishImmediately' | 'PublishAfterCommit';

export interface ObjectDefinition {
  readonly name: string;
  readonly label: string;
  readonly labelPlural: string;
  readonly keyPrefix: string;
  readonly kind: ObjectKind;
  /** Deleted records go to the Recycle Bin and can be undeleted. */
  readonly supportsUndelete: boolean;
  readonly customSettingsType?: 'Hierarchy' | 'List';
  /** Platform events only. */
  readonly publishBehavior?: PublishBehavior;
  readonly fields: readonly FieldSchema[];
}

export class SObjectSchema implements ObjectDefinition {
  readonly name: string;
  readonly label: string;
  readonly labelPlural: string;
  readonly keyPrefix: string;
  readonly kind: ObjectKind;
  readonly supportsUndelete: boolean;
  readonly customSettingsType?: 'Hierarchy' | 'List';
  readonly publishBehavior?: PublishBehavior;
  readonly fields: readonly FieldSchema[];
  /** Fields that identify a record for upsert and foreign-key resolution. */
  readonly externalIdFields: readonly FieldSchema[];
  readonly uniqueFields: readonly FieldSchema[];
  readonly derivedFields: readonly FieldSchema[];
  // Precomputed for the DML engine's per-record work (bulk loads run it millions of times).
  readonly autoNumberFields: readonly FieldSchema[];
  /** Fields a save must not leave empty (not nillable, and writable by someone). */
  readonly requiredFields: readonly FieldSchema[];
  /** Reference fields a save may set, whose targets must exist. */
  readonly writableReferenceFields: readonly FieldSchema[];
  /** Every field at its default value (null for most): the start of a new record. */
  readonly blankRecord: Readonly<Record<string, FieldValue>>;
  /** A new, unfrozen copy of blankRecord, made fast (see recordFactory). */
  readonly newRecord: () => Record<string, FieldValue>;
  private readonly fieldsByName: ReadonlyMap<string, FieldSchema>;
  private readonly fieldsByLowerName: ReadonlyMap<string, FieldSchema>;
  private readonly relationshipsByName: ReadonlyMap<string, FieldSchema>;
  private readonly relationshipsByLowerName: ReadonlyMap<string, FieldSchema>;

  constructor(definition: ObjectDefinition) {
    this.name = definition.name;
    this.label = definition.label;
    this.labelPlural = definition.labelPlural;
    this.keyPrefix = definition.keyPrefix;
    this.kind = definition.kind;
    this.supportsUndelete = definition.supportsUndelete;
    if (definition.customSettingsType) this.customSettingsType = definition.customSettingsType;
    if (definition.publishBehavior) this.publishBehavior = definition.publishBehavior;
    this.fields = definition.fields;
    this.fieldsByName = new Map(definition.fields.map((field) => [field.name, field]));
    this.fieldsByLowerName = new Map(definition.fields.map((field) => [field.name.toLowerCase(), field]));
    const references = definition.fields.filter((field) => field.relationshipName !== null);
    this.relationshipsByName = new Map(references.map((field) => [field.relationshipName!, field]));
    this.relationshipsByLowerName = new Map(references.map((field) => [field.relationshipName!.toLowerCase(), field]));
    this.externalIdFields = definition.fields.filter((field) => field.externalId);
    this.uniqueFields = definition.fields.filter((field) => field.unique);
    this.derivedFields = definition.fields.filter((field) => field.derive);
    this.autoNumberFields = definition.fields.filter((field) => field.autoNumberFormat !== undefined);
    this.requiredFields = definition.fields.filter(
      (field) => !field.nillable && (field.createable || field.updateable),
    );
    this.writableReferenceFields = definition.fields.filter(
      (field) => field.type === 'reference' && (field.createable || field.updateable),
    );
    this.blankRecord = Object.freeze(
      Object.fromEntries(definition.fields.map((field) => [field.name, field.defaultValue])),
    );
    this.newRecord = recordFactory(this.blankRecord);
  }

  get custom(): boolean {
    return this.kind !== 'standard';
  }

  /** Field names are case-insensitive in every API. */
  field(name: string): FieldSchema | undefined {
    return this.fieldsByName.get(name) ?? this.fieldsByLowerName.get(name.toLowerCase());
  }

  /** The reference field behind a relationship name (`Account` -> AccountId). */
  relationship(name: string): FieldSchema | undefined {
    return this.relationshipsByName.get(name) ?? this.relationshipsByLowerName.get(name.toLowerCase());
  }
}

const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

/**
 * A function returning a copy of `blank`, compiled from an object literal of its field names. Records made by one
 * literal share a hidden class, and freezing them stays cheap: a spread copy of a 40-field record costs about six
 * times as much once frozen, which a bulk load of millions of records pays on every row. The literal's keys are the
 * schema's field names (API names, checked against FIELD_NAME) and its values come from an array, so no data is
 * ever compiled.
 */
function recordFactory(blank: Readonly<Record<string, FieldValue>>): () => Record<string, FieldValue> {
  const names = Object.keys(blank);
  if (!names.every((name) => FIELD_NAME.test(name))) return () => ({ ...blank });
  const defaults = names.map((name) => blank[name]);
  const literal = names.map((name, index) => `${JSON.stringify(name)}: defaults[${index}]`).join(', ');
  return new Function('defaults', `return () => ({ ${literal} });`)(defaults) as () => Record<string, FieldValue>;
}

export class OrgSchema {
  private readonly byName: ReadonlyMap<string, SObjectSchema>;
  private readonly byLowerName: ReadonlyMap<string, SObjectSchema>;
  private readonly byKeyPrefix: ReadonlyMap<string, SObjectSchema>;

  /** Whether an object exists for the APIs now (an org setting can turn a feature's object off). */
  private available: (objectName: string) => boolean = () => true;

  /** Every object the org can have, available or not: the store keeps a table for each. */
  constructor(readonly objects: readonly SObjectSchema[]) {
    this.byName = new Map(objects.map((object) => [object.name, object]));
    this.byLowerName = new Map(objects.map((object) => [object.name.toLowerCase(), object]));
    this.byKeyPrefix = new Map(objects.map((object) => [object.keyPrefix, object]));
  }

  /** From now on, objects for which `available` says false do not exist for describe, SOQL and DML. */
  restrictTo(available: (objectName: string) => boolean): void {
    this.available = available;
  }

  /** The objects the APIs see now (describeGlobal). */
  availableObjects(): SObjectSchema[] {
    return this.objects.filter((object) => this.available(object.name));
  }

  object(name: string): SObjectSchema | undefined {
    const object = this.byName.get(name) ?? this.byLowerName.get(name.toLowerCase());
    return object && this.available(object.name) ? object : undefined;
  }

  objectForKeyPrefix(keyPrefix: string): SObjectSchema | undefined {
    const object = this.byKeyPrefix.get(keyPrefix);
    return object && this.available(object.name) ? object : undefined;
  }
}
