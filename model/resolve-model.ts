/**
 * Turns a model that has the right shape (schema.ts) into a resolved ConnectorModel, checking every rule that
 * involves more than one value: standard fields must exist, references must point at synced objects, operation rules
 * must name real fields, names must be unique regardless of case (Salesforce API names are case-insensitive).
 */
import {
  isCustomName,
  DML_OPERATIONS,
  type ConnectorModelInput,
  type DmlOperation,
  type FieldInput,
  type ObjectInput,
  type OperationRuleInput,
  type RelayInput,
} from './schema.js';
import { CONNECTOR_FIELDS, EXTERNAL_ID_FIELD } from './connector-fields.js';
import { resolveGentrackApi } from './resolve-gentrack-api.js';
import { resolveInbound } from './resolve-inbound.js';
import { findStandardField, STANDARD_OBJECTS, type DescribeFieldType } from './standard-objects.js';
import {
  GENTRACK_OPERATIONS,
  GENTRACK_READ_OPERATIONS,
  operationNeedsReference,
  type GentrackOperationName,
  type GentrackReadOperationName,
} from './gentrack-operations.js';
import type {
  ConnectorModel,
  CustomFieldSpec,
  MappedField,
  OperationRule,
  RelayEndpoint,
  SyncedObject,
} from './connector-model.js';

export type ModelPath = readonly (string | number)[];

export interface ModelProblem {
  readonly path: ModelPath;
  readonly message: string;
}

/** How describe reports each custom field type the model may declare. */
export const DESCRIBE_TYPE_OF_CUSTOM: Record<CustomFieldSpec['type'], DescribeFieldType> = {
  Text: 'string',
  TextArea: 'textarea',
  LongTextArea: 'textarea',
  Number: 'double',
  Currency: 'currency',
  Percent: 'percent',
  Checkbox: 'boolean',
  Date: 'date',
  DateTime: 'datetime',
  Email: 'email',
  Phone: 'phone',
  Url: 'url',
  Picklist: 'picklist',
};

const CUSTOM_ONLY_ATTRIBUTES = [
  'type',
  'label',
  'description',
  'length',
  'precision',
  'scale',
  'visibleLines',
  'values',
  'defaultValue',
] as const;

/** Gentrack's own sample uses the bare names (TriggerHandler, AccountTrigger); ours never take them over. */
export const DEFAULT_APEX_NAME_PREFIX = 'Gentrack';

export function resolveModel(
  input: ConnectorModelInput,
  sourcePath: string,
): { model?: ConnectorModel; problems: ModelProblem[] } {
  const problems: ModelProblem[] = [];
  const report = (path: ModelPath, message: string) => problems.push({ path, message });

  const objectNames = Object.keys(input.objects);
  reportCaseInsensitiveDuplicates(objectNames, ['objects'], report);
  const objects: SyncedObject[] = [];
  for (const [name, object] of Object.entries(input.objects)) {
    const resolved = resolveObject(name, object, objectNames, report);
    if (resolved) objects.push(resolved);
  }
  const relay = input.relay ? resolveRelay(input.relay, objects, report) : undefined;
  const inbound = input.inbound ? resolveInbound(input.inbound, objects, report) : undefined;
  const gentrackApi = input.gentrackApi
    ? resolveGentrackApi(
        input.gentrackApi,
        { hasRelay: relay !== undefined, syncsAccount: objects.some((object) => object.name === 'Account') },
        report,
      )
    : undefined;
  if (problems.length > 0) return { problems };
  return {
    problems,
    model: {
      sourcePath,
      apiVersion: input.apiVersion,
      event: input.event,
      objects,
      apex: { namePrefix: input.apex?.namePrefix ?? DEFAULT_APEX_NAME_PREFIX },
      ...(relay ? { relay } : {}),
      ...(inbound ? { inbound } : {}),
      ...(gentrackApi ? { gentrackApi } : {}),
    },
  };
}

/**
 * On-demand sync reads a record and sends it as an insert or an update (Salesforce -> Gentrack), or reads the entity
 * from Gentrack (Gentrack -> Salesforce), so each object needs insert and update rules besides its read operation.
 */
function resolveRelay(input: RelayInput, objects: readonly SyncedObject[], report: Report): RelayEndpoint {
  const onDemandSync: RelayEndpoint['onDemandSync'][number][] = [];
  for (const [name, entry] of Object.entries(input.onDemandSync)) {
    const at: ModelPath = ['relay', 'onDemandSync', name];
    const object = objects.find((candidate) => candidate.name === name);
    if (!object) {
      report(at, `${name} is not a synced object of this model (synced: ${objects.map((o) => o.name).join(', ')})`);
      continue;
    }
    const missing = (['insert', 'update'] as const).filter((dml) => object.operations[dml] === undefined);
    if (missing.length > 0) {
      report(
        at,
        `syncing ${name} to Gentrack on demand sends it as an insert or an update: map operations.${missing.join(' and operations.')} of ${name}`,
      );
    }
    const operation = entry.read as GentrackReadOperationName;
    const { method, path } = GENTRACK_READ_OPERATIONS[operation];
    onDemandSync.push({ object: name, read: { operation, method, path } });
  }
  return { baseUrl: input.baseUrl, tenantId: input.tenantId, onDemandSync };
}

type Report = (path: ModelPath, message: string) => void;

function resolveObject(
  name: string,
  input: ObjectInput,
  syncedObjectNames: readonly string[],
  report: Report,
): SyncedObject | undefined {
  const at: ModelPath = ['objects', name];
  const standard = STANDARD_OBJECTS[name];
  if (!standard) {
    report(at, `unknown object "${name}"; the connector can sync ${Object.keys(STANDARD_OBJECTS).join(', ')}`);
    return undefined;
  }
  reportCaseInsensitiveDuplicates(Object.keys(input.fields), [...at, 'fields'], report);
  const fields = Object.entries(input.fields).flatMap(([fieldName, field]) => {
    const resolved = resolveField(name, fieldName, field, syncedObjectNames, [...at, 'fields', fieldName], report);
    return resolved ? [resolved] : [];
  });
  reportDuplicateGentrackPaths(fields, at, report);

  const operations: Partial<Record<DmlOperation, OperationRule[]>> = {};
  for (const dml of DML_OPERATIONS) {
    const rules = input.operations[dml];
    if (rules === undefined) continue;
    if (dml === 'undelete' && !standard.supportsUndelete) {
      report([...at, 'operations', dml], `${name} records cannot be undeleted, so undelete cannot be mapped`);
      continue;
    }
    const list = Array.isArray(rules) ? rules : [rules];
    operations[dml] = list.map((rule, index) =>
      resolveRule(dml, rule, fields, [...at, 'operations', dml, ...(Array.isArray(rules) ? [index] : [])], report),
    );
  }

  return {
    name,
    label: standard.label,
    pluralLabel: standard.pluralLabel,
    externalId: {
      field: EXTERNAL_ID_FIELD,
      label: input.externalId.label,
      length: input.externalId.length,
      description: input.externalId.description ?? `The reference of this ${standard.label} in Gentrack.`,
      ...(input.externalId.gentrack === undefined ? {} : { gentrackPath: input.externalId.gentrack }),
    },
    fields,
    operations,
    triggerEvents: DML_OPERATIONS.filter((dml) => operations[dml] !== undefined),
  };
}

function resolveField(
  objectName: string,
  name: string,
  input: FieldInput,
  syncedObjectNames: readonly string[],
  at: ModelPath,
  report: Report,
): MappedField | undefined {
  if ((CONNECTOR_FIELDS as readonly string[]).some((reserved) => reserved.toLowerCase() === name.toLowerCase())) {
    report(at, `${name} is created by the connector on every synced object; remove it from the model`);
    return undefined;
  }
  let describeType: DescribeFieldType;
  let custom: CustomFieldSpec | undefined;
  if (isCustomName(name)) {
    if (!input.type || !input.label) {
      report(at, `custom field ${name} needs a type and a label`);
      return undefined;
    }
    describeType = DESCRIBE_TYPE_OF_CUSTOM[input.type];
    custom = definedOnly({
      type: input.type,
      label: input.label,
      description: input.description,
      length: input.length,
      precision: input.precision,
      scale: input.scale,
      visibleLines: input.visibleLines,
      values: input.values,
      defaultValue: input.defaultValue,
    });
  } else {
    const standard = findStandardField(objectName, name);
    if (!standard) {
      report(at, `${objectName} has no standard field "${name}" (custom fields end in __c)`);
      return undefined;
    }
    if (standard.name !== name) {
      report(at, `write the field as Salesforce names it: ${standard.name}`);
      return undefined;
    }
    const misplaced = CUSTOM_ONLY_ATTRIBUTES.filter((key) => input[key] !== undefined);
    if (misplaced.length > 0) {
      report(at, `${misplaced.join(', ')} apply only to custom fields; ${name} is a standard field`);
    }
    if (input.master === 'Gentrack' && !standard.updateable) {
      report(at, `${name} is set by Salesforce itself, so Gentrack cannot master it`);
    }
    describeType = standard.type;
  }

  let references: MappedField['references'];
  if (input.references) {
    references = input.references;
    const standard = findStandardField(objectName, name);
    if (standard?.type !== 'reference') {
      report([...at, 'references'], `only lookup fields can carry a reference; ${name} is not a lookup`);
    } else if (standard.referenceTo !== input.references.object) {
      report(
        [...at, 'references', 'object'],
        `${name} looks up ${standard.referenceTo}, not ${input.references.object}`,
      );
    }
    if (!syncedObjectNames.includes(input.references.object)) {
      report([...at, 'references', 'object'], `${input.references.object} is not a synced object of this model`);
    }
    if (input.references.field !== EXTERNAL_ID_FIELD) {
      report([...at, 'references', 'field'], `a reference must use the External ID field ${EXTERNAL_ID_FIELD}`);
    }
  } else if (findStandardField(objectName, name)?.type === 'reference') {
    report(
      at,
      `${name} is a lookup: add references: { object, field: ${EXTERNAL_ID_FIELD} } so Gentrack gets a reference it knows, not a Salesforce Id`,
    );
  }

  return definedOnly({
    name,
    master: input.master,
    tracked: input.master === 'Salesforce',
    gentrackPath: input.gentrack,
    describeType,
    references,
    custom,
  });
}

function resolveRule(
  dml: DmlOperation,
  input: OperationRuleInput,
  fields: readonly MappedField[],
  at: ModelPath,
  report: Report,
): OperationRule {
  const operation = input.operation as GentrackOperationName;
  const definition = GENTRACK_OPERATIONS[operation];
  const fieldNamed = (name: string) => fields.find((field) => field.name === name);

  if (input.whenChanged) {
    if (dml !== 'update') report([...at, 'whenChanged'], 'whenChanged applies to update rules only');
    input.whenChanged.forEach((name, index) => {
      const field = fieldNamed(name);
      if (!field) report([...at, 'whenChanged', index], `${name} is not a mapped field of this object`);
      else if (!field.tracked) {
        report(
          [...at, 'whenChanged', index],
          `${name} is mastered by Gentrack, so its Salesforce changes are not sent`,
        );
      }
    });
  }

  let ref = input.ref;
  if (operationNeedsReference(operation)) {
    if (ref === undefined) {
      if (dml === 'insert') {
        report(
          at,
          `${operation} needs a reference ({ref} in ${definition.path}), but a new record has no External ID yet: set ref to a lookup field with references`,
        );
      }
      ref = EXTERNAL_ID_FIELD;
    } else if (ref !== EXTERNAL_ID_FIELD && !fieldNamed(ref)?.references) {
      report(
        [...at, 'ref'],
        `ref must be ${EXTERNAL_ID_FIELD} or a mapped lookup field with references; ${ref} is neither`,
      );
    }
  } else if (ref !== undefined) {
    report([...at, 'ref'], `${operation} (${definition.method} ${definition.path}) takes no reference`);
  }

  const writeBack = input.writeBack ?? {};
  for (const target of Object.keys(writeBack)) {
    const field = fieldNamed(target);
    if (target !== EXTERNAL_ID_FIELD && (!field || field.tracked)) {
      report(
        [...at, 'writeBack', target],
        `write-back targets must be ${EXTERNAL_ID_FIELD} or a Gentrack-mastered field; ${target} is not`,
      );
    }
  }

  return definedOnly({
    operation,
    method: definition.method,
    path: definition.path,
    whenChanged: input.whenChanged,
    ref,
    writeBack,
  });
}

function reportCaseInsensitiveDuplicates(names: readonly string[], at: ModelPath, report: Report): void {
  const seen = new Map<string, string>();
  for (const name of names) {
    const first = seen.get(name.toLowerCase());
    if (first !== undefined) {
      report(
        [...at, name],
        `duplicate name: "${name}" and "${first}" are the same to Salesforce (API names ignore case)`,
      );
    } else {
      seen.set(name.toLowerCase(), name);
    }
  }
}

function reportDuplicateGentrackPaths(fields: readonly MappedField[], at: ModelPath, report: Report): void {
  const owner = new Map<string, string>();
  for (const field of fields) {
    const first = owner.get(field.gentrackPath);
    if (first !== undefined) {
      report([...at, 'fields', field.name, 'gentrack'], `${field.name} and ${first} both map to ${field.gentrackPath}`);
    } else {
      owner.set(field.gentrackPath, field.name);
    }
    const nested = [...owner.keys()].find(
      (other) =>
        other !== field.gentrackPath &&
        (other.startsWith(`${field.gentrackPath}.`) || field.gentrackPath.startsWith(`${other}.`)),
    );
    if (nested !== undefined) {
      report(
        [...at, 'fields', field.name, 'gentrack'],
        `${field.gentrackPath} and ${nested} overlap: one is inside the other`,
      );
    }
  }
}

/** Drops undefined properties so resolved objects stay clean under exactOptionalPropertyTypes-style readers. */
function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
