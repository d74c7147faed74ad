/**
 * Personal data in a dead letter's payload, masked for people whose role does not allow them to see it. The rule:
 * every value of a record (a change's old and new values, a Salesforce event's payloads, a Gentrack event's `data`)
 * is masked, except the identifiers an operator needs to find the record: the Salesforce `Id`, each object's
 * External ID field, the Gentrack references of lookups (`_references`) and the reference property of each
 * Gentrack event type. Keys stay visible, so the reader still sees which fields were involved. A payload of a
 * shape this module does not know is masked whole: unknown data is treated as personal.
 */
import type { ConnectorModel } from '../../../model/connector-model.js';

export const MASK = '[masked]';

export interface PayloadMask {
  /** The payload text with personal data masked, pretty-printed. */
  mask(payload: string): string;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export function payloadMask(model: ConnectorModel): PayloadMask {
  const recordIdentifiers = new Set(['Id', '_references', ...model.objects.map((object) => object.externalId.field)]);
  const eventReferences = new Set((model.inbound?.events ?? []).map((rule) => rule.referencePath.split('.')[0]!));

  const maskRecord = (values: Json): Json => {
    if (!isObject(values)) return values === null ? null : MASK;
    return Object.fromEntries(
      Object.entries(values).map(([key, value]) => [key, recordIdentifiers.has(key) ? value : maskLeaves(value)]),
    );
  };
  /** A record's JSON carried as text (a Salesforce event's payload fields). */
  const maskRecordText = (text: Json): Json => {
    if (typeof text !== 'string') return text === null ? null : MASK;
    const parsed = parseJson(text);
    return parsed === undefined ? MASK : JSON.stringify(maskRecord(parsed));
  };
  // Who made the change: a person.
  const maskAuthor = (author: Json | undefined): Json => (author === null || author === undefined ? null : MASK);
  const maskObjectChange = (change: JsonObject): JsonObject => ({
    ...change,
    changedBy: maskAuthor(change.changedBy),
    oldValues: maskRecord(change.oldValues ?? null),
    newValues: maskRecord(change.newValues ?? null),
  });
  const maskEventPart = (part: JsonObject): JsonObject => ({
    ...part,
    changedBy: maskAuthor(part.changedBy),
    oldPayload: maskRecordText(part.oldPayload ?? null),
    newPayload: maskRecordText(part.newPayload ?? null),
  });
  const maskGentrackEvent = (event: JsonObject): JsonObject => {
    const data = event.data;
    if (!isObject(data)) return { ...event, data: maskLeaves(data ?? null) };
    return {
      ...event,
      data: Object.fromEntries(
        Object.entries(data).map(([key, value]) => [key, eventReferences.has(key) ? value : maskLeaves(value)]),
      ),
    };
  };

  const maskValue = (value: Json): Json => {
    if (Array.isArray(value)) return value.map(maskValue);
    if (!isObject(value)) return MASK;
    if ('oldValues' in value || 'newValues' in value) return maskObjectChange(value);
    if ('oldPayload' in value || 'newPayload' in value) return maskEventPart(value);
    if ('eventType' in value && 'data' in value) return maskGentrackEvent(value);
    return maskLeaves(value);
  };

  return {
    mask(payload) {
      const parsed = parseJson(payload);
      return parsed === undefined ? MASK : JSON.stringify(maskValue(parsed), null, 2);
    },
  };
}

/** Every scalar replaced; the structure kept. */
function maskLeaves(value: Json): Json {
  if (value === null) return null;
  if (Array.isArray(value)) return value.map(maskLeaves);
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, maskLeaves(child)]));
  return MASK;
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJson(text: string): Json | undefined {
  try {
    return JSON.parse(text) as Json;
  } catch {
    return undefined;
  }
}

/** The payload as it is, pretty-printed when it is JSON. */
export function formatPayload(payload: string): string {
  const parsed = parseJson(payload);
  return parsed === undefined ? payload : JSON.stringify(parsed, null, 2);
}
