/**
 * An estimate of the Apex heap a transaction holds: the values reachable from its static variables and from the
 * frames running now (locals, `this`, trigger context variables), each object counted once.
 *
 * Salesforce does not publish how it sizes the heap, so the figure is a model, not the platform's own: 2 bytes a
 * String character, 8 bytes a number, Boolean, Date or Datetime, 8 bytes a reference, plus each collection's elements
 * and each sObject's field values; a long String reached twice is counted once. Limits.getHeapSize() reads it, and the runtime checks it against the 6 MB
 * synchronous limit where the connector's own peak is (each EventBus.publish), raising `System.LimitException: Apex
 * heap size too large: <bytes>` as the platform does (Apex Developer Guide, "Execution Governors and Limits").
 */
import {
  ApexBlob,
  ApexList,
  ApexMap,
  ApexObject,
  ApexSet,
  ApexSObject,
  NativeObject,
  type SObjectFields,
  type Value,
} from './values.js';

export const HEAP_LIMIT_BYTES = 6_000_000;

const REFERENCE = 8;
const SCALAR = 8;
const SHARED_STRING_LENGTH = 32;

export function estimateHeap(roots: Iterable<Value>): number {
  const seen = new Set<object>();
  const seenStrings = new Set<string>();
  let bytes = 0;
  const pending: unknown[] = [...roots];
  while (pending.length > 0) {
    const value = pending.pop();
    if (value === null || value === undefined) continue;
    if (typeof value === 'string') {
      // A JavaScript string has no identity: a long one met again is taken to be the same String object (a payload
      // held by the change, the event and a local), as the platform would count it once.
      if (value.length >= SHARED_STRING_LENGTH) {
        if (seenStrings.has(value)) {
          bytes += REFERENCE;
          continue;
        }
        seenStrings.add(value);
      }
      bytes += 2 * value.length;
      continue;
    }
    if (typeof value !== 'object') {
      bytes += SCALAR;
      continue;
    }
    if (seen.has(value)) {
      bytes += REFERENCE;
      continue;
    }
    seen.add(value);
    bytes += REFERENCE;
    if (value instanceof ApexList) pending.push(...value.items);
    else if (value instanceof ApexSet) pending.push(...value.members.values());
    else if (value instanceof ApexMap) for (const [key, entry] of value.entries.values()) pending.push(key, entry);
    else if (value instanceof ApexSObject) pending.push(...fieldValues(value));
    else if (value instanceof ApexObject) pending.push(...value.fields.values());
    else if (value instanceof NativeObject) pending.push(...value.properties.values());
    else if (value instanceof ApexBlob) bytes += value.bytes.length;
    else if (value instanceof Map) pending.push(...value.values());
    else bytes += SCALAR;
  }
  return bytes;
}

function fieldValues(record: ApexSObject): Value[] {
  const fields: SObjectFields = record.fields;
  return [...fields.values()].map((entry) => entry.value);
}
