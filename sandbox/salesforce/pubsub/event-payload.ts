/**
 * Turns publisher values into an Avro record for a platform event, refusing what Salesforce refuses at publish time
 * (unknown field, wrong type, text longer than the field, number out of range, missing required field, message over
 * 1 MB), and turns a decoded record back into plain values.
 */
import type { PlatformEventDefinition, PlatformEventField } from './platform-event-metadata.js';
import type { EventSchema } from './event-schema.js';

/** Salesforce caps one event message at 1 MB. */
export const MAX_EVENT_BYTES = 1024 * 1024;

/** Status codes as Salesforce reports them in a failed publish's SaveResult, plus the message size limit. */
export type EventPayloadErrorCode =
  | 'INVALID_FIELD'
  | 'INVALID_TYPE_ON_FIELD_IN_RECORD'
  | 'STRING_TOO_LONG'
  | 'NUMBER_OUTSIDE_VALID_RANGE'
  | 'REQUIRED_FIELD_MISSING'
  | 'EVENT_TOO_LARGE';

export class EventPayloadError extends Error {
  constructor(
    readonly code: EventPayloadErrorCode,
    /** API name of the offending field, when one field is at fault. */
    readonly field: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'EventPayloadError';
  }
}

/** Plain values keyed by field API name: strings, numbers, booleans, Dates or ISO strings for DateTime/Date, null. */
export type EventValues = Record<string, unknown>;

export interface EventHeaderValues {
  createdDate: number;
  createdById: string;
}

const DAY_MS = 86_400_000;

export function encodeEventPayload(
  definition: PlatformEventDefinition,
  schema: EventSchema,
  values: EventValues,
  header: EventHeaderValues,
): Buffer {
  const fieldsByName = new Map(definition.fields.map((field) => [field.name, field]));
  for (const name of Object.keys(values)) {
    // Publishers may echo the header fields back (the Pub/Sub client must send them); Salesforce sets them itself.
    if (name === 'CreatedDate' || name === 'CreatedById') continue;
    if (!fieldsByName.has(name)) {
      throw new EventPayloadError('INVALID_FIELD', name, `No such column '${name}' on entity '${definition.name}'`);
    }
  }
  const record: Record<string, unknown> = { CreatedDate: header.createdDate, CreatedById: header.createdById };
  for (const field of definition.fields) {
    const value = coerceFieldValue(field, values[field.name]);
    record[field.name] = value === null ? null : { [avroBranch(field)]: value };
  }
  const payload = schema.type.toBuffer(record);
  if (payload.length > MAX_EVENT_BYTES) {
    throw new EventPayloadError(
      'EVENT_TOO_LARGE',
      undefined,
      `The event message is ${payload.length} bytes; the maximum is ${MAX_EVENT_BYTES}`,
    );
  }
  return payload;
}

/** Decodes a stored or received payload into plain values (unions unwrapped); throws if it is not valid Avro. */
export function decodeEventPayload(schema: EventSchema, payload: Buffer): EventValues {
  const record = schema.type.fromBuffer(payload) as Record<string, unknown>;
  const values: EventValues = {};
  for (const [name, value] of Object.entries(record)) values[name] = unwrapUnion(value);
  return values;
}

function unwrapUnion(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return value;
  const branches = Object.keys(value);
  return branches.length === 1 ? (value as Record<string, unknown>)[branches[0]!] : value;
}

function avroBranch(field: PlatformEventField): string {
  switch (field.type) {
    case 'Text':
    case 'LongTextArea':
      return 'string';
    case 'Number':
      return 'double';
    case 'DateTime':
      return 'long';
    case 'Date':
      return 'int';
    case 'Checkbox':
      return 'boolean';
  }
}

function coerceFieldValue(field: PlatformEventField, value: unknown): string | number | boolean | null {
  if (value === undefined || value === null) {
    if (field.type === 'Checkbox') return field.defaultValue ?? false; // a checkbox is never null on Salesforce
    if (field.required) {
      throw new EventPayloadError('REQUIRED_FIELD_MISSING', field.name, `Required fields are missing: [${field.name}]`);
    }
    return null;
  }
  switch (field.type) {
    case 'Text':
    case 'LongTextArea': {
      if (typeof value !== 'string') throw wrongType(field, value, 'a string');
      if (value.length > field.length!) {
        throw new EventPayloadError(
          'STRING_TOO_LONG',
          field.name,
          `${field.name}: data value too large (max length=${field.length}, got ${value.length})`,
        );
      }
      return value;
    }
    case 'Number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) throw wrongType(field, value, 'a finite number');
      const scale = field.scale ?? 0;
      const rounded = Number(value.toFixed(scale)); // Salesforce rounds to the field's scale
      if (Math.abs(rounded) >= 10 ** (field.precision! - scale)) {
        throw new EventPayloadError(
          'NUMBER_OUTSIDE_VALID_RANGE',
          field.name,
          `${field.name}: value outside of valid range on numeric field (Number(${field.precision}, ${scale}))`,
        );
      }
      return rounded;
    }
    case 'DateTime':
      return toEpochMillis(field, value);
    case 'Date':
      return toEpochDays(field, value);
    case 'Checkbox':
      if (typeof value !== 'boolean') throw wrongType(field, value, 'a boolean');
      return value;
  }
}

function toEpochMillis(field: PlatformEventField, value: unknown): number {
  const millis =
    value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : (value as number);
  if (typeof millis !== 'number' || !Number.isSafeInteger(millis)) {
    throw wrongType(field, value, 'a Date, an ISO 8601 date-time or epoch milliseconds');
  }
  return millis;
}

function toEpochDays(field: PlatformEventField, value: unknown): number {
  if (typeof value === 'number' && Number.isInteger(value) && Math.abs(value) < 2 ** 31) return value;
  if (value instanceof Date && !Number.isNaN(value.getTime())) return Math.floor(value.getTime() / DAY_MS);
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const millis = Date.parse(`${value}T00:00:00Z`);
    if (!Number.isNaN(millis)) return millis / DAY_MS;
  }
  throw wrongType(field, value, 'a Date, a YYYY-MM-DD string or days since the epoch');
}

function wrongType(field: PlatformEventField, value: unknown, expected: string): EventPayloadError {
  const actual = value === null ? 'null' : value instanceof Date ? 'an invalid Date' : typeof value;
  return new EventPayloadError(
    'INVALID_TYPE_ON_FIELD_IN_RECORD',
    field.name,
    `${field.name}: value not of required type: expected ${expected} for ${field.type}, got ${actual}`,
  );
}
