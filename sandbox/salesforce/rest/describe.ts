/**
 * The describe answers (`sobjects/`, `sobjects/{Type}`, `sobjects/{Type}/describe`) built from the org schema, with
 * the keys jsforce and the connector's validate-org checks read. Computed once per object and API version.
 */
import type { FieldSchema, OrgSchema, SObjectSchema } from '../org/schema.js';
import { isPermissionable } from '../org/permissions.js';
import { isTextType } from '../org/schema.js';

const SOAP_TYPES: Readonly<Record<FieldSchema['type'], string>> = {
  id: 'tns:ID',
  reference: 'tns:ID',
  string: 'xsd:string',
  textarea: 'xsd:string',
  email: 'xsd:string',
  phone: 'xsd:string',
  url: 'xsd:string',
  picklist: 'xsd:string',
  multipicklist: 'xsd:string',
  boolean: 'xsd:boolean',
  date: 'xsd:date',
  datetime: 'xsd:dateTime',
  double: 'xsd:double',
  currency: 'xsd:double',
  percent: 'xsd:double',
  int: 'xsd:int',
};

/** Names of the child relationships Salesforce gives the standard lookups (the sandbox has no subqueries). */
const CHILD_RELATIONSHIP_NAMES: Readonly<Record<string, string>> = {
  'Contact.AccountId': 'Contacts',
  'Account.ParentId': 'ChildAccounts',
  'Opportunity.AccountId': 'Opportunities',
  'AccountContactRelation.AccountId': 'AccountContactRelations',
  'AccountContactRelation.ContactId': 'AccountContactRelations',
  'Quote.OpportunityId': 'Quotes',
  'Order.AccountId': 'Orders',
  'Task.WhatId': 'Tasks',
  'Task.WhoId': 'Tasks',
};

const AUDIT = new Set([
  'Id',
  'IsDeleted',
  'CreatedDate',
  'CreatedById',
  'LastModifiedDate',
  'LastModifiedById',
  'SystemModstamp',
]);

export class DescribeCache {
  private readonly cache = new Map<string, unknown>();

  constructor(private readonly schema: OrgSchema) {}

  global(apiVersion: string): unknown {
    const objects = this.schema.availableObjects();
    // Keyed by what is available: turning a feature on in the org's settings shows its object at once.
    const key = `global@${apiVersion}:${objects.map((object) => object.name).join(',')}`;
    return this.cached(key, () => ({
      encoding: 'UTF-8',
      maxBatchSize: 200,
      sobjects: objects.map((object) => objectSummary(object, apiVersion)),
    }));
  }

  basic(object: SObjectSchema, apiVersion: string): unknown {
    return this.cached(`basic:${object.name}@${apiVersion}`, () => ({
      objectDescribe: objectSummary(object, apiVersion),
      recentItems: [],
    }));
  }

  full(object: SObjectSchema, apiVersion: string): unknown {
    return this.cached(`full:${object.name}@${apiVersion}`, () => ({
      ...objectSummary(object, apiVersion),
      fields: object.fields.map((field) => describeField(object, field)),
      childRelationships: this.childRelationships(object),
      recordTypeInfos: [],
      supportedScopes: [],
      namedLayoutInfos: [],
      actionOverrides: [],
      networkScopeFieldName: null,
      sobjectDescribeOption: 'FULL',
    }));
  }

  private childRelationships(parent: SObjectSchema): unknown[] {
    return this.schema.availableObjects().flatMap((child) =>
      child.fields
        .filter(
          (field) =>
            field.type === 'reference' &&
            field.referenceTo.includes(parent.name) &&
            !AUDIT.has(field.name) &&
            field.name !== 'OwnerId',
        )
        .map((field) => ({
          cascadeDelete: child.name === 'Contact' && field.name === 'AccountId',
          childSObject: child.name,
          deprecatedAndHidden: false,
          field: field.name,
          junctionIdListNames: [],
          junctionReferenceTo: [],
          relationshipName:
            CHILD_RELATIONSHIP_NAMES[`${child.name}.${field.name}`] ??
            (field.custom ? `${child.name.replace(/__c$/, '')}s__r` : null),
          restrictedDelete: false,
        })),
    );
  }

  private cached(key: string, build: () => unknown): unknown {
    let value = this.cache.get(key);
    if (value === undefined) this.cache.set(key, (value = build()));
    return value;
  }
}

function objectSummary(object: SObjectSchema, apiVersion: string): Record<string, unknown> {
  const base = `/services/data/v${apiVersion}/sobjects/${object.name}`;
  const event = object.kind === 'platformEvent';
  const setupOnly = object.name === 'Organization' || object.name === 'User';
  return {
    activateable: false,
    associateEntityType: null,
    associateParentEntity: null,
    createable: !setupOnly,
    custom: object.custom,
    customSetting: object.kind === 'customSetting',
    deepCloneable: false,
    deletable: !event && !setupOnly,
    deprecatedAndHidden: false,
    feedEnabled: false,
    hasSubtypes: false,
    isInterface: false,
    isSubtype: false,
    keyPrefix: object.keyPrefix,
    label: object.label,
    labelPlural: object.labelPlural,
    layoutable: !event,
    mergeable: object.name === 'Account' || object.name === 'Contact',
    mruEnabled: !event,
    name: object.name,
    queryable: !event,
    replicateable: !event,
    retrieveable: !event,
    searchable: !event,
    triggerable: true,
    undeletable: object.supportsUndelete,
    updateable: !event && !setupOnly,
    urls: {
      sobject: base,
      describe: `${base}/describe`,
      rowTemplate: `${base}/{ID}`,
    },
  };
}

function describeField(object: SObjectSchema, field: FieldSchema): Record<string, unknown> {
  const text = isTextType(field.type);
  const autoNumber = field.autoNumberFormat !== undefined;
  const defaultedOnCreate =
    AUDIT.has(field.name) ||
    field.name === 'OwnerId' ||
    field.type === 'boolean' ||
    field.defaultValue !== null ||
    autoNumber ||
    (field.name === 'Name' && object.kind === 'custom');
  return {
    aggregatable: field.type !== 'textarea' || field.length <= 255,
    autoNumber,
    byteLength: text ? field.length * 3 : field.type === 'id' || field.type === 'reference' ? 18 : 0,
    calculated: field.derive !== undefined,
    calculatedFormula: null,
    cascadeDelete: false,
    caseSensitive: field.caseSensitive,
    compoundFieldName: null,
    controllerName: null,
    createable: field.createable,
    custom: field.custom,
    defaultValue: field.type === 'boolean' || field.type === 'picklist' ? field.defaultValue : null,
    defaultValueFormula: null,
    defaultedOnCreate,
    dependentPicklist: false,
    deprecatedAndHidden: false,
    digits: field.type === 'int' ? 9 : 0,
    externalId: field.externalId,
    extraTypeInfo: field.type === 'textarea' ? (field.length > 255 ? 'plaintextarea' : null) : null,
    filterable: field.type !== 'textarea' || field.length <= 255,
    groupable:
      field.type !== 'textarea' &&
      field.type !== 'datetime' &&
      field.type !== 'double' &&
      field.type !== 'currency' &&
      field.type !== 'percent',
    htmlFormatted: false,
    idLookup:
      field.name === 'Id' ||
      field.externalId ||
      (field.name === 'Name' && object.kind !== 'platformEvent') ||
      field.name === 'Username',
    inlineHelpText: null,
    label: field.label,
    length: text ? field.length : 0,
    name: field.name,
    nameField: field.nameField,
    namePointing: field.referenceTo.length > 1,
    nillable: field.nillable,
    permissionable: isPermissionable(field),
    picklistValues: field.picklistValues.map((value) => ({
      active: value.active,
      defaultValue: value.defaultValue,
      label: value.label,
      validFor: null,
      value: value.value,
    })),
    polymorphicForeignKey: field.referenceTo.length > 1,
    precision: field.precision,
    referenceTargetField: null,
    referenceTo: field.referenceTo,
    relationshipName: field.relationshipName,
    relationshipOrder: null,
    restrictedDelete: false,
    restrictedPicklist: field.restrictedPicklist,
    scale: field.scale,
    soapType: SOAP_TYPES[field.type],
    sortable: field.type !== 'multipicklist' && (field.type !== 'textarea' || field.length <= 255),
    type: field.type,
    unique: field.unique,
    updateable: field.updateable,
    writeRequiresMasterRead: false,
  };
}
