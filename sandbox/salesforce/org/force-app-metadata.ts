/**
 * Reads the parts of a Salesforce DX source tree (force-app) that shape an org's schema and permissions: custom
 * objects, custom settings and platform events with their fields, custom fields on standard objects, what each
 * permission set grants (custom permissions, object permissions, field-level security), and the Apex triggers
 * (which the org lists as ApexTrigger records).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { DESCRIBE_TYPE_OF_CUSTOM } from '../../../model/resolve-model.js';
import type { FieldPermissionGrant, ObjectPermissionGrant, PermissionSetGrants } from './permissions.js';
import {
  defineField,
  relationshipNameOf,
  type FieldInit,
  type FieldSchema,
  type FieldValue,
  type PicklistValue,
  type PublishBehavior,
} from './schema.js';

export class ForceAppMetadataError extends Error {
  override readonly name = 'ForceAppMetadataError';
  readonly code = 'INVALID_FORCE_APP_METADATA';

  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
  }
}

export interface ObjectMetadata {
  readonly name: string;
  /** From `<Name>.object-meta.xml`; absent for a standard object that only gets custom fields. */
  readonly object?: {
    readonly label?: string;
    readonly pluralLabel?: string;
    readonly nameField?: {
      readonly label: string;
      readonly type: 'Text' | 'AutoNumber';
      readonly displayFormat?: string;
    };
    readonly customSettingsType?: 'Hierarchy' | 'List';
    /** Platform events: when a published message reaches subscribers. */
    readonly publishBehavior?: PublishBehavior;
  };
  readonly fields: readonly FieldSchema[];
}

export interface PermissionSetMetadata extends PermissionSetGrants {
  readonly name: string;
  readonly label: string;
}

export interface TriggerMetadata {
  readonly name: string;
  /** The object the trigger is on. */
  readonly object: string;
  /** The trigger's source, as ApexTrigger.Body lists it. */
  readonly body: string;
  /** `after insert` and the like, as the trigger declares them. */
  readonly events: readonly string[];
  readonly apiVersion: number;
  readonly status: 'Active' | 'Inactive' | 'Deleted';
}

export interface ApexClassMetadata {
  readonly name: string;
  /** The class's source, as ApexClass.Body lists it. */
  readonly body: string;
  readonly apiVersion: number;
}

export interface ForceAppMetadata {
  readonly objects: readonly ObjectMetadata[];
  readonly permissionSets: readonly PermissionSetMetadata[];
  readonly triggers: readonly TriggerMetadata[];
  readonly classes: readonly ApexClassMetadata[];
}

const LIST_ELEMENTS = new Set([
  'CustomField.valueSet.valueSetDefinition.value',
  'PermissionSet.customPermissions',
  'PermissionSet.objectPermissions',
  'PermissionSet.fieldPermissions',
]);

const xml = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  isArray: (_name, jpath) => LIST_ELEMENTS.has(String(jpath)),
});

type XmlNode = Record<string, unknown>;

/**
 * `dir` is a package directory (`force-app`, whose metadata sits under `main/default`) or a directory that holds
 * `objects/` and `permissionsets/` itself (test fixtures).
 */
export function readForceAppMetadata(dir: string): ForceAppMetadata {
  const root = existsSync(join(dir, 'main', 'default')) ? join(dir, 'main', 'default') : dir;
  return {
    objects: readObjects(join(root, 'objects')),
    permissionSets: readPermissionSets(join(root, 'permissionsets')),
    triggers: readTriggers(join(root, 'triggers')),
    classes: readClasses(join(root, 'classes')),
  };
}

function readClasses(dir: string): ApexClassMetadata[] {
  return listDir(dir)
    .filter((file) => file.endsWith('.cls'))
    .map((file) => {
      const path = join(dir, file);
      const metaFile = `${path}-meta.xml`;
      const apiVersion = existsSync(metaFile) ? Number(text(parseFile(metaFile, 'ApexClass'), 'apiVersion') ?? '0') : 0;
      return { name: basename(file, '.cls'), body: readFileSync(path, 'utf8'), apiVersion };
    });
}

function listDir(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

function parseFile(file: string, rootElement: string): XmlNode {
  let parsed: XmlNode;
  try {
    parsed = xml.parse(readFileSync(file, 'utf8')) as XmlNode;
  } catch (error) {
    throw new ForceAppMetadataError(file, `not well-formed XML: ${(error as Error).message}`);
  }
  const node = parsed[rootElement];
  if (!node || typeof node !== 'object')
    throw new ForceAppMetadataError(file, `expected a <${rootElement}> root element`);
  return node as XmlNode;
}

function readObjects(objectsDir: string): ObjectMetadata[] {
  return listDir(objectsDir).map((name) => {
    const objectFile = join(objectsDir, name, `${name}.object-meta.xml`);
    const fieldsDir = join(objectsDir, name, 'fields');
    const fields = listDir(fieldsDir)
      .filter((file) => file.endsWith('.field-meta.xml'))
      .map((file) => readField(join(fieldsDir, file)));
    if (!existsSync(objectFile)) return { name, fields };
    const node = parseFile(objectFile, 'CustomObject');
    const nameFieldNode = node['nameField'] as XmlNode | undefined;
    const settingsType = text(node, 'customSettingsType');
    const publishBehavior = text(node, 'publishBehavior');
    return {
      name,
      object: {
        ...optional('label', text(node, 'label')),
        ...optional('pluralLabel', text(node, 'pluralLabel')),
        ...(nameFieldNode
          ? {
              nameField: {
                label: text(nameFieldNode, 'label') ?? `${name} Name`,
                type: text(nameFieldNode, 'type') === 'AutoNumber' ? ('AutoNumber' as const) : ('Text' as const),
                ...optional('displayFormat', text(nameFieldNode, 'displayFormat')),
              },
            }
          : {}),
        ...(settingsType === 'Hierarchy' || settingsType === 'List' ? { customSettingsType: settingsType } : {}),
        ...(publishBehavior === 'PublishImmediately' || publishBehavior === 'PublishAfterCommit'
          ? { publishBehavior }
          : {}),
      },
      fields,
    };
  });
}

function readPermissionSets(dir: string): PermissionSetMetadata[] {
  return listDir(dir)
    .filter((file) => file.endsWith('.permissionset-meta.xml'))
    .map((file) => {
      const node = parseFile(join(dir, file), 'PermissionSet');
      const name = basename(file, '.permissionset-meta.xml');
      const list = (key: string) => (node[key] as XmlNode[] | undefined) ?? [];
      const granted = list('customPermissions')
        .filter((permission) => text(permission, 'enabled') === 'true')
        .map((permission) => text(permission, 'name'))
        .filter((permission): permission is string => permission !== undefined);
      const objectPermissions = list('objectPermissions').flatMap((grant): ObjectPermissionGrant[] => {
        const object = text(grant, 'object');
        if (object === undefined) return [];
        const flag = (key: string) => text(grant, key) === 'true';
        return [
          {
            object,
            allowRead: flag('allowRead'),
            allowCreate: flag('allowCreate'),
            allowEdit: flag('allowEdit'),
            allowDelete: flag('allowDelete'),
            viewAllRecords: flag('viewAllRecords'),
            modifyAllRecords: flag('modifyAllRecords'),
          },
        ];
      });
      const fieldPermissions = list('fieldPermissions').flatMap((grant): FieldPermissionGrant[] => {
        const field = text(grant, 'field');
        if (field === undefined) return [];
        return [{ field, readable: text(grant, 'readable') === 'true', editable: text(grant, 'editable') === 'true' }];
      });
      return {
        name,
        label: text(node, 'label') ?? name,
        customPermissions: granted,
        objectPermissions,
        fieldPermissions,
      };
    });
}

const TRIGGER_HEADER = /\btrigger\s+(\w+)\s+on\s+(\w+)\s*\(([^)]*)\)/i;

function readTriggers(dir: string): TriggerMetadata[] {
  return listDir(dir)
    .filter((file) => file.endsWith('.trigger'))
    .map((file) => {
      const path = join(dir, file);
      const body = readFileSync(path, 'utf8');
      const header = TRIGGER_HEADER.exec(body);
      if (!header) throw new ForceAppMetadataError(path, 'no `trigger <Name> on <Object>(<events>)` declaration');
      const metaFile = `${path}-meta.xml`;
      if (!existsSync(metaFile)) throw new ForceAppMetadataError(path, `has no ${basename(metaFile)}`);
      const meta = parseFile(metaFile, 'ApexTrigger');
      const status = text(meta, 'status') ?? 'Active';
      if (status !== 'Active' && status !== 'Inactive' && status !== 'Deleted') {
        throw new ForceAppMetadataError(metaFile, `<status> must be Active, Inactive or Deleted, got ${status}`);
      }
      return {
        name: basename(file, '.trigger'),
        object: header[2]!,
        body,
        events: header[3]!.split(',').map((event) => event.trim().toLowerCase().replace(/\s+/g, ' ')),
        apiVersion: Number(text(meta, 'apiVersion') ?? '0'),
        status,
      };
    });
}

/** Metadata type -> how describe reports it: the model's custom field types, and the others a force-app may hold. */
const FIELD_TYPES: Readonly<Record<string, FieldInit['type']>> = {
  ...DESCRIBE_TYPE_OF_CUSTOM,
  Html: 'textarea',
  EncryptedText: 'string',
  MultiselectPicklist: 'multipicklist',
  Lookup: 'reference',
  MasterDetail: 'reference',
  AutoNumber: 'string',
};

function readField(file: string): FieldSchema {
  const node = parseFile(file, 'CustomField');
  const name = text(node, 'fullName') ?? basename(file, '.field-meta.xml');
  const metadataType = text(node, 'type');
  const type = metadataType === undefined ? undefined : FIELD_TYPES[metadataType];
  if (!type) {
    throw new ForceAppMetadataError(
      file,
      `field ${name} has type ${metadataType ?? '(none)'}, which the sandbox org does not support`,
    );
  }
  const masterDetail = metadataType === 'MasterDetail';
  const required = text(node, 'required') === 'true' || masterDetail;
  const init: FieldInit = {
    name,
    type,
    label: text(node, 'label') ?? name,
    custom: true,
    externalId: text(node, 'externalId') === 'true',
    unique: text(node, 'unique') === 'true',
    caseSensitive: text(node, 'caseSensitive') === 'true',
    ...(required ? { required: true, nillable: false } : {}),
  };
  const length = integer(node, 'length', file);
  if (length !== undefined) Object.assign(init, { length });
  if (metadataType === 'TextArea') Object.assign(init, { length: 255 });
  if (type === 'double' || type === 'currency' || type === 'percent') {
    Object.assign(init, {
      precision: integer(node, 'precision', file) ?? 18,
      scale: integer(node, 'scale', file) ?? 0,
    });
  }
  if (type === 'picklist' || type === 'multipicklist') Object.assign(init, picklistFacts(node));
  if (type === 'reference') {
    const referenceTo = text(node, 'referenceTo');
    if (!referenceTo) throw new ForceAppMetadataError(file, `lookup field ${name} has no <referenceTo>`);
    const relationshipName = text(node, 'relationshipName');
    Object.assign(init, {
      referenceTo: [referenceTo],
      relationshipName: relationshipName ? `${relationshipName}__r` : relationshipNameOf(name),
      ...(masterDetail ? { updateable: text(node, 'reparentableMasterDetail') === 'true' } : {}),
    });
  }
  if (metadataType === 'AutoNumber') {
    Object.assign(init, {
      createable: false,
      updateable: false,
      autoNumberFormat: text(node, 'displayFormat') ?? '{0}',
    });
  }
  if (node['formula'] !== undefined) Object.assign(init, { createable: false, updateable: false });
  const defaultValue = parseDefault(text(node, 'defaultValue'), type);
  if (defaultValue !== null) Object.assign(init, { defaultValue });
  return defineField(init);
}

function picklistFacts(node: XmlNode): Partial<FieldInit> {
  const valueSet = node['valueSet'] as XmlNode | undefined;
  const definition = valueSet?.['valueSetDefinition'] as XmlNode | undefined;
  const values: PicklistValue[] = ((definition?.['value'] as XmlNode[] | undefined) ?? []).map((value) => {
    const fullName = text(value, 'fullName') ?? '';
    return {
      value: fullName,
      label: text(value, 'label') ?? fullName,
      defaultValue: text(value, 'default') === 'true',
      active: text(value, 'isActive') !== 'false',
    };
  });
  const defaultEntry = values.find((value) => value.defaultValue);
  return {
    picklistValues: values,
    restrictedPicklist: valueSet !== undefined && text(valueSet, 'restricted') === 'true',
    ...(defaultEntry ? { defaultValue: defaultEntry.value } : {}),
  };
}

/** `<defaultValue>` holds a formula; the sandbox understands the literal ones. */
function parseDefault(formula: string | undefined, type: FieldInit['type']): FieldValue {
  if (formula === undefined) return null;
  if (type === 'boolean') return formula.toLowerCase() === 'true';
  const quoted = /^(["'])(.*)\1$/.exec(formula);
  if (quoted) return quoted[2]!;
  if (/^-?\d+(\.\d+)?$/.test(formula)) return Number(formula);
  return null;
}

function text(node: XmlNode, key: string): string | undefined {
  const value = node[key];
  return typeof value === 'string' ? value : value === undefined || value === null ? undefined : String(value);
}

function integer(node: XmlNode, key: string, file: string): number | undefined {
  const value = text(node, key);
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0)
    throw new ForceAppMetadataError(file, `<${key}> must be a whole number, got ${value}`);
  return number;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
