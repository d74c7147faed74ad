/**
 * Turns a value given for a field (from REST JSON or the code API) into what the org stores, or raises the error
 * Salesforce raises for it. Reference existence is checked later, by the DML engine, which can see the records.
 */
import { SalesforceError, jsonParserError, malformedId } from '../errors.js';
import { formatDate, formatDateTime, parseDate, parseDateTime } from './datetime.js';
import { keyPrefixOf, toId18 } from './ids.js';
import {
  isNumberType,
  isTextType,
  type FieldSchema,
  type FieldValue,
  type OrgSchema,
  type PicklistValue,
} from './schema.js';

// The HTML5 rule, close to what Salesforce accepts.
const EMAIL =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

const JSON_TOKEN = (raw: unknown): string =>
  Array.isArray(raw)
    ? 'START_ARRAY'
    : typeof raw === 'object'
      ? 'START_OBJECT'
      : typeof raw === 'string'
        ? 'VALUE_STRING'
        : typeof raw === 'boolean'
          ? `VALUE_${String(raw).toUpperCase()}`
          : Number.isInteger(raw)
            ? 'VALUE_NUMBER_INT'
            : 'VALUE_NUMBER_FLOAT';

const JAVA_TYPE: Partial<Record<FieldSchema['type'], string>> = {
  boolean: 'boolean',
  int: 'int',
  double: 'double',
  currency: 'double',
  percent: 'double',
  date: 'date',
  datetime: 'datetime',
};

function cannotDeserialize(field: FieldSchema, raw: unknown): SalesforceError {
  const shown = typeof raw === 'object' && raw !== null ? (Array.isArray(raw) ? '[' : '{') : String(raw);
  return jsonParserError(
    `Cannot deserialize instance of ${JAVA_TYPE[field.type] ?? 'string'} from ${JSON_TOKEN(raw)} value ${shown} or request may be missing a required field`,
  );
}

function notOfRequiredType(field: FieldSchema, raw: unknown): SalesforceError {
  return new SalesforceError(
    'INVALID_TYPE_ON_FIELD_IN_RECORD',
    `${field.label}: value not of required type: ${String(raw)}`,
    [field.name],
  );
}

export function coerceFieldValue(field: FieldSchema, raw: unknown, schema: OrgSchema): FieldValue {
  if (raw === null || raw === undefined || raw === '') return null;
  if (typeof raw === 'object') throw cannotDeserialize(field, raw);
  if (isTextType(field.type)) return coerceText(field, raw as string | number | boolean);
  if (isNumberType(field.type)) return coerceNumber(field, raw as string | number | boolean);
  switch (field.type) {
    case 'boolean':
      if (typeof raw === 'boolean') return raw;
      if (typeof raw === 'string' && /^(true|false)$/i.test(raw)) return raw.toLowerCase() === 'true';
      throw cannotDeserialize(field, raw);
    case 'date': {
      if (typeof raw !== 'string') throw notOfRequiredType(field, raw);
      const epoch = parseDate(raw.slice(0, 10));
      if (epoch === undefined || (raw.length > 10 && parseDateTime(raw) === undefined))
        throw cannotDeserialize(field, raw);
      // A valid YYYY-MM-DD is already in the stored form.
      return raw.length === 10 ? raw : formatDate(epoch);
    }
    case 'datetime': {
      if (typeof raw !== 'string') throw notOfRequiredType(field, raw);
      const epoch = parseDateTime(raw);
      if (epoch === undefined) throw cannotDeserialize(field, raw);
      return formatDateTime(epoch);
    }
    case 'reference':
    case 'id':
      return coerceId(field, String(raw), schema);
    default:
      throw notOfRequiredType(field, raw);
  }
}

function coerceText(field: FieldSchema, raw: string | number | boolean): string {
  const value = String(raw);
  if (field.type === 'picklist' || field.type === 'multipicklist') return coercePicklist(field, value);
  if (value.length > field.length) {
    throw new SalesforceError(
      'STRING_TOO_LONG',
      `${field.label}: data value too large: ${value.length > 80 ? `${value.slice(0, 77)}...` : value} (max length=${field.length})`,
      [field.name],
    );
  }
  if (field.type === 'email' && !EMAIL.test(value)) {
    throw new SalesforceError('INVALID_EMAIL_ADDRESS', `${field.label}: invalid email address: ${value}`, [field.name]);
  }
  return value;
}

function coercePicklist(field: FieldSchema, value: string): string {
  const stored =
    field.type === 'multipicklist'
      ? value
          .split(';')
          .map((part) => part.trim())
          .filter(Boolean)
          .map((choice) => canonicalChoice(field, choice))
          .join(';')
      : canonicalChoice(field, value);
  if (stored.length > field.length) {
    throw new SalesforceError(
      'STRING_TOO_LONG',
      `${field.label}: data value too large: ${stored} (max length=${field.length})`,
      [field.name],
    );
  }
  return stored;
}

/** The value as the picklist defines it (matched exactly, else ignoring case), or as given on an unrestricted picklist. */
function canonicalChoice(field: FieldSchema, choice: string): string {
  const known = picklistEntry(field.picklistValues, choice);
  if (known?.active) return known.value;
  if (field.restrictedPicklist) {
    throw new SalesforceError(
      'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
      `${field.label}: bad value for restricted picklist field: ${choice}`,
      [field.name],
    );
  }
  return choice;
}

function picklistEntry(entries: readonly PicklistValue[], choice: string): PicklistValue | undefined {
  for (const entry of entries) if (entry.value === choice) return entry;
  const lower = choice.toLowerCase();
  for (const entry of entries) if (entry.value.toLowerCase() === lower) return entry;
  return undefined;
}

function coerceNumber(field: FieldSchema, raw: string | number | boolean): number {
  if (typeof raw === 'boolean') throw notOfRequiredType(field, raw);
  const value = typeof raw === 'number' ? raw : raw.trim() === '' ? Number.NaN : Number(raw);
  if (!Number.isFinite(value)) throw cannotDeserialize(field, raw);
  if (field.type === 'int') {
    if (!Number.isInteger(value)) throw cannotDeserialize(field, raw);
    return value;
  }
  const factor = 10 ** field.scale;
  const rounded = Math.round(value * factor) / factor;
  if (field.precision > 0 && Math.abs(Math.trunc(rounded)).toString().length > field.precision - field.scale) {
    throw new SalesforceError(
      'NUMBER_OUTSIDE_VALID_RANGE',
      `${field.label}: value outside of valid range on numeric field: ${value}`,
      [field.name],
    );
  }
  return rounded;
}

function coerceId(field: FieldSchema, raw: string, schema: OrgSchema): string {
  const id = toId18(raw);
  if (!id) throw malformedId(raw, field.label, [field.name]);
  if (field.type === 'reference') {
    const target = schema.objectForKeyPrefix(keyPrefixOf(id));
    if (!target || !field.referenceTo.includes(target.name)) {
      throw new SalesforceError('FIELD_INTEGRITY_EXCEPTION', `${field.label}: id value of incorrect type: ${raw}`, [
        field.name,
      ]);
    }
  }
  return id;
}
