/**
 * Assembles the org's schema: the standard objects, then what a force-app tree deploys (custom objects, settings,
 * platform events, custom fields), then what a test asks for (objects and fields defined in code, fields dropped or
 * altered, so validate-org tests can build an org that drifted from the model).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { customKeyPrefix } from './ids.js';
import { readForceAppMetadata, type ForceAppMetadata, type ObjectMetadata } from './force-app-metadata.js';
import {
  defineField,
  OrgSchema,
  SObjectSchema,
  type FieldInit,
  type FieldSchema,
  type ObjectDefinition,
  type ObjectKind,
  type PublishBehavior,
} from './schema.js';
import { auditFieldSchemas, standardObjectDefinitions } from './standard-schema.js';

export interface CustomObjectInit {
  /** Ends in `__c` (custom object or setting) or `__e` (platform event). */
  readonly name: string;
  readonly label?: string;
  readonly labelPlural?: string;
  readonly customSettingsType?: 'Hierarchy' | 'List';
  /** Platform events; Setup's default for a new event is PublishAfterCommit. */
  readonly publishBehavior?: PublishBehavior;
  readonly nameField?: {
    readonly label?: string;
    readonly type: 'Text' | 'AutoNumber';
    readonly displayFormat?: string;
  };
  readonly fields: readonly FieldInit[];
}

export interface SchemaOptions {
  /**
   * The force-app directory whose objects, fields and permission sets the org has "deployed". Default: `force-app`
   * in the current directory when it exists. `false`: standard objects only.
   */
  readonly forceAppDir?: string | false;
  /** Custom objects defined in code, added after force-app. */
  readonly objects?: readonly CustomObjectInit[];
  /** Extra fields per object name, e.g. `{ Account: [{ name: 'Region__c', type: 'string', length: 40 }] }`. */
  readonly fields?: Readonly<Record<string, readonly FieldInit[]>>;
  /** `Object.Field` names to leave out, e.g. `['Account.Gentrack_External_Id__c']`. */
  readonly dropFields?: readonly string[];
  /** Changes to fields, by `Object.Field`, e.g. `{ 'Account.Gentrack_External_Id__c': { type: 'double' } }`. */
  readonly alterFields?: Readonly<Record<string, Partial<FieldInit>>>;
  readonly dropObjects?: readonly string[];
}

export class SchemaOptionError extends Error {
  override readonly name = 'SchemaOptionError';
  readonly code = 'INVALID_SCHEMA_OPTION';
}

export function loadForceApp(options: SchemaOptions): ForceAppMetadata {
  const dir = options.forceAppDir === undefined ? resolve('force-app') : options.forceAppDir;
  if (dir === false || (options.forceAppDir === undefined && !existsSync(dir)))
    return { objects: [], permissionSets: [], triggers: [], classes: [] };
  if (!existsSync(dir)) throw new SchemaOptionError(`forceAppDir ${dir} does not exist`);
  return readForceAppMetadata(dir);
}

export function buildOrgSchema(metadata: ForceAppMetadata, options: SchemaOptions): OrgSchema {
  const definitions = new Map<string, MutableDefinition>();
  for (const standard of standardObjectDefinitions())
    definitions.set(standard.name, { ...standard, fields: [...standard.fields] });

  const customs: CustomObjectInit[] = [];
  for (const object of metadata.objects) {
    if (definitions.has(object.name)) addFields(definitions.get(object.name)!, object.fields);
    else if (object.object || /__[ce]$/.test(object.name)) customs.push(fromMetadata(object));
    else {
      throw new SchemaOptionError(
        `force-app has fields on the standard object ${object.name}, which the sandbox org does not model; add it to sandbox/salesforce/org/standard-schema.ts`,
      );
    }
  }
  customs.push(...(options.objects ?? []));

  const prefixCounters = { object: 0, event: 0 };
  for (const custom of [...customs].sort((a, b) => a.name.localeCompare(b.name))) {
    if (definitions.has(custom.name)) throw new SchemaOptionError(`object ${custom.name} is defined twice`);
    const kind = kindOf(custom);
    const prefixKind = kind === 'platformEvent' ? 'event' : 'object';
    definitions.set(
      custom.name,
      customObjectDefinition(custom, kind, customKeyPrefix(prefixKind, prefixCounters[prefixKind]++)),
    );
  }

  for (const [objectName, fields] of Object.entries(options.fields ?? {})) {
    addFields(requireDefinition(definitions, objectName), fields.map(defineField));
  }
  for (const path of options.dropFields ?? []) {
    const { definition, field } = locateField(definitions, path);
    definition.fields.splice(definition.fields.indexOf(field), 1);
  }
  for (const [path, changes] of Object.entries(options.alterFields ?? {})) {
    const { definition, field } = locateField(definitions, path);
    definition.fields[definition.fields.indexOf(field)] = defineField({ ...field, ...changes, name: field.name });
  }
  for (const name of options.dropObjects ?? []) {
    requireDefinition(definitions, name);
    definitions.delete(name);
  }
  return new OrgSchema([...definitions.values()].map((definition) => new SObjectSchema(definition)));
}

type MutableDefinition = Omit<ObjectDefinition, 'fields'> & { fields: FieldSchema[] };

function addFields(definition: MutableDefinition, fields: readonly FieldSchema[]): void {
  for (const field of fields) {
    const existing = definition.fields.findIndex(
      (candidate) => candidate.name.toLowerCase() === field.name.toLowerCase(),
    );
    if (existing >= 0) definition.fields[existing] = field;
    else definition.fields.push(field);
  }
}

function requireDefinition(definitions: Map<string, MutableDefinition>, name: string): MutableDefinition {
  const definition = definitions.get(name);
  if (!definition) throw new SchemaOptionError(`the org has no object ${name}`);
  return definition;
}

function locateField(
  definitions: Map<string, MutableDefinition>,
  path: string,
): { definition: MutableDefinition; field: FieldSchema } {
  const [objectName, fieldName, extra] = path.split('.');
  if (!objectName || !fieldName || extra !== undefined)
    throw new SchemaOptionError(`"${path}" is not of the form Object.Field`);
  const definition = requireDefinition(definitions, objectName);
  const field = definition.fields.find((candidate) => candidate.name.toLowerCase() === fieldName.toLowerCase());
  if (!field) throw new SchemaOptionError(`the org has no field ${path}`);
  return { definition, field };
}

function fromMetadata(object: ObjectMetadata): CustomObjectInit {
  return {
    name: object.name,
    ...object.object,
    ...(object.object?.pluralLabel ? { labelPlural: object.object.pluralLabel } : {}),
    fields: object.fields,
  };
}

function kindOf(object: CustomObjectInit): ObjectKind {
  if (object.name.endsWith('__e')) return 'platformEvent';
  if (object.customSettingsType) return 'customSetting';
  if (object.name.endsWith('__c')) return 'custom';
  throw new SchemaOptionError(`custom object ${object.name} must end in __c or __e`);
}

function customObjectDefinition(object: CustomObjectInit, kind: ObjectKind, keyPrefix: string): MutableDefinition {
  const label = object.label ?? object.name.replace(/__[ce]$/, '').replace(/_/g, ' ');
  const base = { name: object.name, label, labelPlural: object.labelPlural ?? `${label}s`, keyPrefix, kind };
  const custom = object.fields.map(defineField);
  if (kind === 'platformEvent') {
    return {
      ...base,
      supportsUndelete: false,
      publishBehavior: object.publishBehavior ?? 'PublishAfterCommit',
      fields: [
        defineField({ name: 'ReplayId', label: 'Replay ID', type: 'string', createable: false, updateable: false }),
        defineField({
          name: 'CreatedDate',
          label: 'Created Date',
          type: 'datetime',
          createable: false,
          updateable: false,
        }),
        defineField({
          name: 'CreatedById',
          label: 'Created By ID',
          type: 'reference',
          referenceTo: ['User'],
          relationshipName: 'CreatedBy',
          createable: false,
          updateable: false,
        }),
        defineField({
          name: 'EventUuid',
          label: 'Event UUID',
          type: 'string',
          length: 36,
          createable: false,
          updateable: false,
        }),
        ...custom,
      ],
    };
  }
  if (kind === 'customSetting') {
    const hierarchy = object.customSettingsType === 'Hierarchy';
    return {
      ...base,
      customSettingsType: object.customSettingsType!,
      supportsUndelete: false,
      fields: [
        ...auditFieldSchemas(),
        defineField({
          name: 'Name',
          label: 'Name',
          type: 'string',
          length: 38,
          nameField: true,
          required: !hierarchy,
          nillable: hierarchy,
        }),
        ...(hierarchy
          ? [
              defineField({
                name: 'SetupOwnerId',
                label: 'Location ID',
                type: 'reference',
                referenceTo: ['Organization', 'Profile', 'User'],
                nillable: false,
                required: false,
              }),
            ]
          : []),
        ...custom,
      ],
    };
  }
  const autoNumber = object.nameField?.type === 'AutoNumber';
  const detail = custom.some(
    (field) => field.type === 'reference' && field.required && field.custom && !field.updateable,
  );
  return {
    ...base,
    supportsUndelete: true,
    fields: [
      ...auditFieldSchemas(),
      defineField({
        name: 'Name',
        label: object.nameField?.label ?? `${label} Name`,
        type: 'string',
        length: 80,
        nameField: true,
        ...(autoNumber
          ? { createable: false, updateable: false, autoNumberFormat: object.nameField?.displayFormat ?? '{0}' }
          : { required: false }),
      }),
      ...(detail
        ? []
        : [
            defineField({
              name: 'OwnerId',
              label: 'Owner ID',
              type: 'reference',
              referenceTo: ['User'],
              nillable: false,
              required: false,
            }),
          ]),
      ...custom,
    ],
  };
}
