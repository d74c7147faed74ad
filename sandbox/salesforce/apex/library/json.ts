/**
 * System.JSON (Apex Reference Guide, "JSON Class"): serialize keeps map insertion order and writes nulls;
 * Datetimes as `2024-06-01T10:00:00.000Z`, Dates as `2024-06-01`; deserializeUntyped gives Map<String, Object>,
 * List<Object>, String, Integer (or Long), Decimal, Boolean; malformed JSON throws System.JSONException.
 */
import type { Site, TypeRef } from '../ast.js';
import type { Interpreter } from '../interpreter.js';
import {
  ApexBlob,
  ApexDate,
  ApexDatetime,
  ApexDecimal,
  ApexEnum,
  ApexList,
  ApexMap,
  ApexObject,
  ApexSet,
  ApexSObject,
  NativeObject,
  OBJECT_TYPE,
  STRING_TYPE,
  keyOf,
  type Value,
} from '../values.js';
import { parseDateTime } from '../../org/datetime.js';

export function serialize(interpreter: Interpreter, value: Value, site: Site, suppressNulls = false): string {
  return write(interpreter, value, site, suppressNulls);
}

function write(interpreter: Interpreter, value: Value, site: Site, suppressNulls: boolean): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof ApexDecimal) return value.toString();
  if (value instanceof ApexDate) return JSON.stringify(value.toString());
  if (value instanceof ApexDatetime) return JSON.stringify(value.toIso());
  if (value instanceof ApexEnum) return JSON.stringify(value.name);
  if (value instanceof ApexBlob) return JSON.stringify(value.bytes.toString('base64'));
  if (value instanceof ApexList)
    return `[${value.items.map((item) => write(interpreter, item, site, suppressNulls)).join(',')}]`;
  if (value instanceof ApexSet)
    return `[${[...value.members.values()].map((item) => write(interpreter, item, site, suppressNulls)).join(',')}]`;
  if (value instanceof ApexMap) {
    const entries = [...value.entries.values()].filter(([, item]) => !(suppressNulls && item === null));
    return `{${entries.map(([key, item]) => `${JSON.stringify(interpreter.toApexString(key))}:${write(interpreter, item, site, suppressNulls)}`).join(',')}}`;
  }
  if (value instanceof ApexSObject) {
    const fields = [...value.fields.values()].filter((field) => !(suppressNulls && field.value === null));
    const attributes = `"attributes":{"type":${JSON.stringify(value.objectName)}}`;
    return `{${[attributes, ...fields.map((field) => `${JSON.stringify(field.name)}:${write(interpreter, field.value, site, suppressNulls)}`)].join(',')}}`;
  }
  if (value instanceof ApexObject) {
    const names = new Map<string, string>();
    for (let cls: ApexObject['cls'] | null = value.cls; cls; cls = interpreter.superclass(cls)) {
      for (const field of cls.fields) if (!field.isStatic) names.set(field.name.toLowerCase(), field.name);
    }
    const entries = [...value.fields.entries()].filter(([, item]) => !(suppressNulls && item === null));
    return `{${entries.map(([key, item]) => `${JSON.stringify(names.get(key) ?? key)}:${write(interpreter, item, site, suppressNulls)}`).join(',')}}`;
  }
  return interpreter.unsupported(`JSON.serialize of ${interpreter.runtimeTypeName(value)}`, site);
}

/** JSON text -> untyped Apex values. */
export function deserializeUntyped(interpreter: Interpreter, text: string, site: Site): Value {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    interpreter.fail('JSONException', jsonErrorMessage(text), site);
  }
  return untyped(parsed, text);
}

function untyped(value: unknown, text: string): Value {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    // A number written without a fraction or exponent is an Integer (or a Long when it does not fit 32 bits).
    return Number.isInteger(value) && !/[.eE]/.test(String(value)) ? value : ApexDecimal.of(value);
  }
  if (Array.isArray(value))
    return new ApexList(
      OBJECT_TYPE,
      value.map((item) => untyped(item, text)),
    );
  const map = new ApexMap(STRING_TYPE, OBJECT_TYPE);
  for (const [key, item] of Object.entries(value as Record<string, unknown>))
    map.entries.set(keyOf(key), [key, untyped(item, text)]);
  return map;
}

/** JSON.deserialize(json, Type): the types the generated Apex deserializes into. */
export function deserializeTyped(interpreter: Interpreter, text: string, type: TypeRef, site: Site): Value {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    interpreter.fail('JSONException', jsonErrorMessage(text), site);
  }
  const name = type.name.toLowerCase().replace(/^system\./, '');
  if (parsed === null) return null;
  switch (name) {
    case 'datetime': {
      const epoch = typeof parsed === 'string' ? parseIsoDatetime(parsed) : undefined;
      if (epoch === undefined)
        interpreter.fail(
          'JSONException',
          `Cannot deserialize instance of datetime from VALUE_STRING value ${String(parsed)} or request may be missing a required field at [line:1, column:${text.length}]`,
          site,
        );
      return new ApexDatetime(epoch);
    }
    case 'string':
      if (typeof parsed !== 'string')
        interpreter.fail('JSONException', `Cannot deserialize instance of string from ${tokenOf(parsed)} value`, site);
      return parsed;
    case 'database.saveresult': {
      const result = parsed as {
        id?: string;
        success?: boolean;
        errors?: { message?: string; statusCode?: string; fields?: string[] }[];
      };
      return saveResult(
        result.id ?? null,
        result.success === true,
        (result.errors ?? []).map((error) => ({
          statusCode: error.statusCode ?? 'UNKNOWN_EXCEPTION',
          message: error.message ?? '',
          fields: error.fields ?? [],
        })),
      );
    }
    case 'object':
      return untyped(parsed, text);
    default:
      return interpreter.unsupported(`JSON.deserialize into ${type.name}`, site);
  }
}

/** Salesforce reads ISO-8601 date-times with an offset or Z (and a plain date as midnight GMT). */
function parseIsoDatetime(text: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(text)) return undefined;
  const epoch = parseDateTime(text) ?? Date.parse(text.length === 10 ? `${text}T00:00:00Z` : text);
  return Number.isNaN(epoch) ? undefined : epoch;
}

function tokenOf(value: unknown): string {
  return Array.isArray(value)
    ? 'START_ARRAY'
    : typeof value === 'object'
      ? 'START_OBJECT'
      : typeof value === 'number'
        ? 'VALUE_NUMBER_INT'
        : 'VALUE_STRING';
}

function jsonErrorMessage(text: string): string {
  const trimmed = text.trimStart();
  if (trimmed === '') return 'No content to map due to end-of-input at [line:1, column:0]';
  const char = trimmed[0]!;
  return `Unexpected character ('${char}' (code ${char.charCodeAt(0)})): expected a valid value (number, String, array, object, 'true', 'false' or 'null') at input location [line:1, column:${text.length - trimmed.length + 2}]`;
}

export interface SaveResultError {
  readonly statusCode: string;
  readonly message: string;
  readonly fields: readonly string[];
}

/** Database.SaveResult (also DeleteResult, UndeleteResult, UpsertResult: same methods). */
export function saveResult(
  id: string | null,
  success: boolean,
  errors: readonly SaveResultError[],
  typeName = 'Database.SaveResult',
  created?: boolean,
): NativeObject {
  return new NativeObject(typeName, { id, success, errors, created });
}
