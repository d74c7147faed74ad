/**
 * sObject fields in Apex: reading and writing them by name (case-insensitive), and converting between the store's
 * REST-shaped values (ISO date strings) and Apex values (Date, Datetime, Decimal for Number fields).
 */
import { formatDate, formatDateTime, parseDate, parseDateTime } from '../org/datetime.js';
import type { FieldSchema, FieldValue, OrgSchema } from '../org/schema.js';
import { EXTRA_SETUP_FIELDS } from './setup-objects.js';
import type { Interpreter } from './interpreter.js';
import type { Site } from './ast.js';
import { ApexDate, ApexDatetime, ApexDecimal, ApexSObject, type SObjectFields, type Value } from './values.js';

const DAY_MS = 86_400_000;

/** A field of an sObject type: the schema's, or a setup field the runtime models (User.ProfileId). */
export function fieldOf(
  schema: OrgSchema,
  objectName: string,
  name: string,
): { name: string; type: FieldSchema['type']; schema?: FieldSchema } | undefined {
  const field = schema.object(objectName)?.field(name);
  if (field) return { name: field.name, type: field.type, schema: field };
  const extra = EXTRA_SETUP_FIELDS[objectName.toLowerCase()];
  const key = extra && Object.keys(extra).find((candidate) => candidate.toLowerCase() === name.toLowerCase());
  return key ? { name: key, type: extra[key] === 'id' ? 'id' : 'string' } : undefined;
}

export function toApexFieldValue(type: FieldSchema['type'], value: unknown): Value {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'date': {
      const epoch = typeof value === 'string' ? parseDate(value.slice(0, 10)) : undefined;
      return epoch === undefined ? null : new ApexDate(Math.floor(epoch / DAY_MS));
    }
    case 'datetime': {
      const epoch = typeof value === 'string' ? parseDateTime(value) : typeof value === 'number' ? value : undefined;
      return epoch === undefined ? null : new ApexDatetime(epoch);
    }
    case 'double':
    case 'currency':
    case 'percent':
      return typeof value === 'number' ? ApexDecimal.of(value) : null;
    default:
      return value as Value;
  }
}

export function toStoreValue(value: Value): FieldValue {
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return value;
  if (value instanceof ApexDecimal) return value.value;
  if (value instanceof ApexDate) return formatDate(value.epochDay * DAY_MS);
  if (value instanceof ApexDatetime) return formatDateTime(value.epochMs);
  throw new TypeError(`a ${value.constructor.name} cannot be stored in a field`);
}

/**
 * A record from the store or a query row as an Apex sObject (nested relationship rows become sObjects too). A frozen
 * row (the store's records, as triggers get them) is converted when Apex first reads the record.
 */
export function sObjectFromRow(
  schema: OrgSchema,
  objectName: string,
  row: Readonly<Record<string, unknown>>,
  queried: boolean,
  readOnly = false,
): ApexSObject {
  // An inline arrow: a named one costs a helper call per record under tsx, and triggers make 400 of these a chunk.
  if (Object.isFrozen(row))
    return new ApexSObject(objectName, queried, readOnly, () => fieldsOfRow(schema, objectName, row, queried));
  const record = new ApexSObject(objectName, queried, readOnly);
  for (const [key, entry] of fieldsOfRow(schema, objectName, row, queried)) record.fields.set(key, entry);
  return record;
}

function fieldsOfRow(
  schema: OrgSchema,
  objectName: string,
  row: Readonly<Record<string, unknown>>,
  queried: boolean,
): SObjectFields {
  const fields: SObjectFields = new Map();
  const object = schema.object(objectName);
  for (const [key, raw] of Object.entries(row)) {
    if (key === 'attributes') continue;
    const field = object?.field(key);
    if (field) {
      fields.set(field.name.toLowerCase(), { name: field.name, value: toApexFieldValue(field.type, raw) });
      continue;
    }
    const relationship = object?.relationship(key);
    if (relationship && raw && typeof raw === 'object') {
      const type = ((raw as { attributes?: { type?: string } }).attributes?.type ?? relationship.referenceTo[0])!;
      fields.set(key.toLowerCase(), {
        name: key,
        value: sObjectFromRow(schema, type, raw as Record<string, unknown>, queried),
      });
    } else if (relationship) {
      fields.set(key.toLowerCase(), { name: key, value: null });
    }
  }
  return fields;
}

export function readField(
  interpreter: Interpreter,
  schema: OrgSchema,
  record: ApexSObject,
  name: string,
  site: Site,
): Value {
  const lower = name.toLowerCase();
  const held = record.fields.get(lower);
  if (held) return held.value;
  const field = fieldOf(schema, record.objectName, name);
  const relationship = field ? undefined : schema.object(record.objectName)?.relationship(name);
  if (!field && !relationship)
    interpreter.fail('SObjectException', `Invalid field ${name} for ${record.objectName}`, site);
  if (record.queried && lower !== 'id') {
    interpreter.fail(
      'SObjectException',
      `SObject row was retrieved via SOQL without querying the requested field: ${record.objectName}.${field?.name ?? name}`,
      site,
    );
  }
  return null;
}

export function writeField(
  interpreter: Interpreter,
  schema: OrgSchema,
  record: ApexSObject,
  name: string,
  value: Value,
  site: Site,
): void {
  const field = fieldOf(schema, record.objectName, name);
  if (!field) interpreter.fail('SObjectException', `Invalid field ${name} for ${record.objectName}`, site);
  // Apex Developer Guide, "Trigger Context Variables": records in after triggers are read-only.
  if (record.readOnly) interpreter.fail('FinalException', 'Record is read-only', site);
  let stored = value;
  if (value !== null) {
    if ((field.type === 'id' || field.type === 'reference') && typeof value === 'string')
      stored = interpreter.toId(value, site);
    else if (
      (field.type === 'double' || field.type === 'currency' || field.type === 'percent') &&
      typeof value === 'number'
    )
      stored = new ApexDecimal(value, 0);
    else if (field.type === 'date' && !(value instanceof ApexDate))
      interpreter.fail(
        'SObjectException',
        `Illegal assignment from ${interpreter.runtimeTypeName(value)} to Date`,
        site,
      );
    else if (field.type === 'datetime' && !(value instanceof ApexDatetime))
      interpreter.fail(
        'SObjectException',
        `Illegal assignment from ${interpreter.runtimeTypeName(value)} to Datetime`,
        site,
      );
  }
  const lower = field.name.toLowerCase();
  record.fields.set(lower, { name: field.name, value: stored });
  record.assigned.add(lower);
}
