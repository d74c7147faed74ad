/**
 * Standard objects as the sandbox org describes them: the connector's catalogue (model/standard-objects.ts)
 * plus what a real org has that the catalogue does not need to list: IsDeleted everywhere, compound names, the
 * objects behind users and activities, and the platform's own rules on who may write which field.
 */
import { STANDARD_OBJECTS, type StandardField, type StandardObject } from '../../../model/standard-objects.js';
import { defineField, type FieldInit, type FieldSchema, type FieldValue, type ObjectDefinition } from './schema.js';

/** Fields the platform maintains; no API call may set them. */
export const AUDIT_FIELDS = [
  'CreatedDate',
  'CreatedById',
  'LastModifiedDate',
  'LastModifiedById',
  'SystemModstamp',
] as const;

const systemField = (
  name: string,
  label: string,
  type: FieldInit['type'],
  extra: Partial<FieldInit> = {},
): FieldSchema => defineField({ name, label, type, createable: false, updateable: false, ...extra });

export const auditFieldSchemas = (): FieldSchema[] => [
  systemField('Id', 'Record ID', 'id'),
  systemField('IsDeleted', 'Deleted', 'boolean'),
  systemField('CreatedDate', 'Created Date', 'datetime', { nillable: false }),
  systemField('CreatedById', 'Created By ID', 'reference', {
    referenceTo: ['User'],
    relationshipName: 'CreatedBy',
    nillable: false,
  }),
  systemField('LastModifiedDate', 'Last Modified Date', 'datetime', { nillable: false }),
  systemField('LastModifiedById', 'Last Modified By ID', 'reference', {
    referenceTo: ['User'],
    relationshipName: 'LastModifiedBy',
    nillable: false,
  }),
  systemField('SystemModstamp', 'System Modstamp', 'datetime', { nillable: false }),
];

const fullName = (record: Readonly<Record<string, FieldValue>>): FieldValue =>
  [record['FirstName'], record['LastName']].filter((part) => typeof part === 'string' && part !== '').join(' ') || null;

/** Facts the catalogue leaves out, per object and field. */
const FIELD_FACTS: Readonly<Record<string, Readonly<Record<string, Partial<FieldInit>>>>> = {
  Account: { Name: { nameField: true } },
  // Which account and contact a relationship joins is fixed once it exists.
  AccountContactRelation: {
    AccountId: { updateable: false },
    ContactId: { updateable: false },
    IsActive: { defaultValue: true },
  },
  Opportunity: { Name: { nameField: true } },
  Quote: { Name: { nameField: true } },
  Order: { Name: { nameField: true } },
};

/** Fields a real org has on catalogue objects that the catalogue does not list. */
const EXTRA_FIELDS: Readonly<Record<string, readonly FieldInit[]>> = {
  Contact: [{ name: 'Name', label: 'Full Name', type: 'string', length: 121, nameField: true, derive: fullName }],
};

function fromCatalogueField(objectName: string, field: StandardField): FieldSchema | undefined {
  // The catalogue's audit fields are replaced by auditFieldSchemas(), which says they are read-only.
  if (field.name === 'Id' || (AUDIT_FIELDS as readonly string[]).includes(field.name)) return undefined;
  const init: FieldInit = {
    name: field.name,
    label: field.label,
    type: field.type,
    ...(field.length === undefined ? {} : { length: field.length }),
    ...(field.referenceTo === undefined ? {} : { referenceTo: [field.referenceTo] }),
    ...(field.updateable ? {} : { createable: false, updateable: false }),
    ...(field.required ? { required: true, nillable: false } : {}),
    ...FIELD_FACTS[objectName]?.[field.name],
  };
  return defineField(init);
}

function fromCatalogue(object: StandardObject): ObjectDefinition {
  const fields = [
    ...auditFieldSchemas(),
    ...object.fields.map((field) => fromCatalogueField(object.name, field)).filter((field) => field !== undefined),
    ...(EXTRA_FIELDS[object.name] ?? []).map(defineField),
  ];
  return {
    name: object.name,
    label: object.label,
    labelPlural: object.pluralLabel,
    keyPrefix: object.keyPrefix,
    kind: 'standard',
    supportsUndelete: object.supportsUndelete,
    fields,
  };
}

const picklist = (...values: string[]) =>
  values.map((value, index) => ({ value, label: value, defaultValue: index === 0, active: true }));

/** Objects the sandbox needs that the connector never syncs, so they stay out of the catalogue. */
const SANDBOX_ONLY_OBJECTS: readonly ObjectDefinition[] = [
  {
    name: 'User',
    label: 'User',
    labelPlural: 'Users',
    keyPrefix: '005',
    kind: 'standard',
    supportsUndelete: false,
    fields: [
      ...auditFieldSchemas(),
      defineField({
        name: 'Username',
        label: 'Username',
        type: 'string',
        length: 80,
        unique: true,
        required: true,
        nillable: false,
      }),
      defineField({ name: 'FirstName', label: 'First Name', type: 'string', length: 40 }),
      defineField({
        name: 'LastName',
        label: 'Last Name',
        type: 'string',
        length: 80,
        required: true,
        nillable: false,
      }),
      defineField({ name: 'Name', label: 'Full Name', type: 'string', length: 121, nameField: true, derive: fullName }),
      defineField({ name: 'Email', label: 'Email', type: 'email', required: true, nillable: false }),
      defineField({ name: 'IsActive', label: 'Active', type: 'boolean', defaultValue: true }),
    ],
  },
  {
    name: 'Task',
    label: 'Task',
    labelPlural: 'Tasks',
    keyPrefix: '00T',
    kind: 'standard',
    supportsUndelete: true,
    fields: [
      ...auditFieldSchemas(),
      defineField({ name: 'Subject', label: 'Subject', type: 'string', length: 255 }),
      defineField({
        name: 'WhatId',
        label: 'Related To ID',
        type: 'reference',
        referenceTo: ['Account', 'Opportunity', 'Quote', 'Order'],
      }),
      defineField({ name: 'WhoId', label: 'Name ID', type: 'reference', referenceTo: ['Contact'] }),
      defineField({
        name: 'OwnerId',
        label: 'Assigned To ID',
        type: 'reference',
        referenceTo: ['User'],
        nillable: false,
      }),
      defineField({
        name: 'Status',
        label: 'Status',
        type: 'picklist',
        length: 40,
        nillable: false,
        defaultValue: 'Not Started',
        picklistValues: picklist('Not Started', 'In Progress', 'Completed', 'Waiting on someone else', 'Deferred'),
      }),
      defineField({
        name: 'Priority',
        label: 'Priority',
        type: 'picklist',
        length: 40,
        nillable: false,
        defaultValue: 'Normal',
        picklistValues: picklist('Normal', 'High', 'Low'),
      }),
      defineField({ name: 'Description', label: 'Description', type: 'textarea', length: 32000 }),
      defineField({ name: 'ActivityDate', label: 'Due Date Only', type: 'date' }),
    ],
  },
  // Setup objects the connector's validate-org queries: records come from force-app when the org is built (read-only).
  {
    name: 'ApexTrigger',
    label: 'Apex Trigger',
    labelPlural: 'Apex Triggers',
    keyPrefix: '01q',
    kind: 'standard',
    supportsUndelete: false,
    fields: [
      ...auditFieldSchemas(),
      systemField('Name', 'Name', 'string', { length: 255, nameField: true }),
      systemField('TableEnumOrId', 'Custom Object Definition ID', 'string', { length: 255 }),
      systemField('Status', 'Status', 'picklist', {
        length: 40,
        picklistValues: picklist('Active', 'Inactive', 'Deleted'),
      }),
      systemField('ApiVersion', 'Api Version', 'double', { precision: 18, scale: 1 }),
      systemField('IsValid', 'Is Valid', 'boolean'),
      systemField('UsageAfterInsert', 'After Insert', 'boolean'),
      systemField('UsageAfterUpdate', 'After Update', 'boolean'),
      systemField('UsageAfterDelete', 'After Delete', 'boolean'),
      systemField('UsageAfterUndelete', 'After Undelete', 'boolean'),
      systemField('Body', 'Body', 'textarea', { length: 1_000_000 }),
      systemField('NamespacePrefix', 'Namespace Prefix', 'string', { length: 15 }),
    ],
  },
  {
    name: 'ApexClass',
    label: 'Apex Class',
    labelPlural: 'Apex Classes',
    keyPrefix: '01p',
    kind: 'standard',
    supportsUndelete: false,
    fields: [
      ...auditFieldSchemas(),
      systemField('Name', 'Name', 'string', { length: 255, nameField: true }),
      systemField('Status', 'Status', 'picklist', {
        length: 40,
        picklistValues: picklist('Active', 'Inactive', 'Deleted'),
      }),
      systemField('ApiVersion', 'Api Version', 'double', { precision: 18, scale: 1 }),
      systemField('IsValid', 'Is Valid', 'boolean'),
      systemField('Body', 'Body', 'textarea', { length: 1_000_000 }),
      systemField('NamespacePrefix', 'Namespace Prefix', 'string', { length: 15 }),
    ],
  },
  {
    name: 'PermissionSet',
    label: 'Permission Set',
    labelPlural: 'Permission Sets',
    keyPrefix: '0PS',
    kind: 'standard',
    supportsUndelete: false,
    fields: [
      ...auditFieldSchemas(),
      systemField('Name', 'Name', 'string', { length: 80, nameField: true }),
      systemField('Label', 'Label', 'string', { length: 80 }),
      systemField('IsCustom', 'Custom', 'boolean'),
      systemField('IsOwnedByProfile', 'Is Owned By Profile', 'boolean'),
    ],
  },
  // Who holds which permission set; REST inserts grant it (the org's commit hook), as Setup's "Manage Assignments".
  {
    name: 'PermissionSetAssignment',
    label: 'Permission Set Assignment',
    labelPlural: 'Permission Set Assignments',
    keyPrefix: '0Pa',
    kind: 'standard',
    supportsUndelete: false,
    fields: [
      ...auditFieldSchemas(),
      defineField({
        name: 'AssigneeId',
        label: 'Assignee ID',
        type: 'reference',
        referenceTo: ['User'],
        relationshipName: 'Assignee',
        required: true,
        nillable: false,
        updateable: false,
      }),
      defineField({
        name: 'PermissionSetId',
        label: 'Permission Set ID',
        type: 'reference',
        referenceTo: ['PermissionSet'],
        relationshipName: 'PermissionSet',
        required: true,
        nillable: false,
        updateable: false,
      }),
    ],
  },
  // The standard profiles users hold (org/permissions.ts): Apex tests pick one by name for the users they create.
  {
    name: 'Profile',
    label: 'Profile',
    labelPlural: 'Profiles',
    keyPrefix: '00e',
    kind: 'standard',
    supportsUndelete: false,
    fields: [...auditFieldSchemas(), systemField('Name', 'Name', 'string', { length: 255, nameField: true })],
  },
  // Files, minimally: enough for a client to upload a report (ContentVersion) and find its document.
  {
    name: 'ContentVersion',
    label: 'Content Version',
    labelPlural: 'Content Versions',
    keyPrefix: '068',
    kind: 'standard',
    supportsUndelete: false,
    fields: [
      ...auditFieldSchemas(),
      defineField({
        name: 'Title',
        label: 'Title',
        type: 'string',
        length: 255,
        nameField: true,
        required: true,
        nillable: false,
      }),
      defineField({
        name: 'PathOnClient',
        label: 'Path On Client',
        type: 'string',
        length: 500,
        required: true,
        nillable: false,
      }),
      defineField({ name: 'Description', label: 'Description', type: 'textarea', length: 1000 }),
      // base64 in an org; the sandbox keeps the base64 text as given.
      defineField({
        name: 'VersionData',
        label: 'Version Data',
        type: 'textarea',
        length: 2 ** 30,
        required: true,
        nillable: false,
      }),
      defineField({
        name: 'FirstPublishLocationId',
        label: 'First Publish Location ID',
        type: 'reference',
        referenceTo: ['User', 'Account', 'Contact'],
      }),
      systemField('ContentDocumentId', 'Content Document ID', 'reference', { referenceTo: ['ContentDocument'] }),
      defineField({ name: 'OwnerId', label: 'Owner ID', type: 'reference', referenceTo: ['User'], nillable: false }),
    ],
  },
  {
    name: 'ContentDocument',
    label: 'Content Document',
    labelPlural: 'Content Documents',
    keyPrefix: '069',
    kind: 'standard',
    supportsUndelete: false,
    fields: [
      ...auditFieldSchemas(),
      systemField('Title', 'Title', 'string', { length: 255, nameField: true }),
      systemField('LatestPublishedVersionId', 'Latest Published Version ID', 'reference', {
        referenceTo: ['ContentVersion'],
      }),
      systemField('OwnerId', 'Owner ID', 'reference', { referenceTo: ['User'] }),
    ],
  },
  {
    // The target of a hierarchy custom setting's org-wide default (SetupOwnerId = the org id).
    name: 'Organization',
    label: 'Organization',
    labelPlural: 'Organizations',
    keyPrefix: '00D',
    kind: 'standard',
    supportsUndelete: false,
    fields: [
      ...auditFieldSchemas(),
      defineField({ name: 'Name', label: 'Name', type: 'string', length: 80, nameField: true }),
    ],
  },
];

export function standardObjectDefinitions(): ObjectDefinition[] {
  return [...Object.values(STANDARD_OBJECTS).map(fromCatalogue), ...SANDBOX_ONLY_OBJECTS];
}
