/**
 * Deep copies of a class's initialised static variables. Apex initialises statics anew in every transaction ("Static
 * and Instance Methods, Variables, and Initialization Code" in the Apex Developer Guide), and the Bulk API runs every
 * chunk of 200 records as its own transaction: a trigger handler's constant configuration (the connector model's maps
 * of synced objects) was interpreted again for each chunk. When an initialiser read nothing that can differ between
 * transactions (the interpreter decides that, see Interpreter.ensureStatics), a copy of its result is exactly what
 * running it again would give, so later transactions get a copy instead.
 */
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
  ApexTypeValue,
  type Value,
} from './values.js';

/** A value the copy cannot reproduce: a system object with native state, an exception, an identity-keyed member. */
export class Uncopyable extends Error {}

/** Copies `statics`, keeping shared references shared; throws Uncopyable for a value it cannot reproduce. */
export function copyStatics(statics: ReadonlyMap<string, Value>): Map<string, Value> {
  const copies = new Map<object, Value>();
  const copy = new Map<string, Value>();
  for (const [name, value] of statics) copy.set(name, copyValue(value, copies));
  return copy;
}

function copyValue(value: Value, copies: Map<object, Value>): Value {
  if (value === null || typeof value !== 'object' || isImmutable(value)) return value;
  const done = copies.get(value);
  if (done !== undefined) return done;
  if (value instanceof ApexList) {
    const list = new ApexList(value.elementType, []);
    copies.set(value, list);
    for (const item of value.items) list.items.push(copyValue(item, copies));
    return list;
  }
  if (value instanceof ApexSet) {
    const set = new ApexSet(value.elementType);
    copies.set(value, set);
    for (const [key, member] of value.members) set.members.set(valueKey(key), copyValue(member, copies));
    return set;
  }
  if (value instanceof ApexMap) {
    const map = new ApexMap(value.keyType, value.valueType);
    copies.set(value, map);
    for (const [key, [entryKey, entryValue]] of value.entries)
      map.entries.set(valueKey(key), [copyValue(entryKey, copies), copyValue(entryValue, copies)]);
    return map;
  }
  if (value instanceof ApexSObject) {
    const record = new ApexSObject(value.objectName, value.queried, value.readOnly);
    copies.set(value, record);
    for (const [key, field] of value.fields)
      record.fields.set(key, { name: field.name, value: copyValue(field.value, copies) });
    for (const name of value.assigned) record.assigned.add(name);
    return record;
  }
  if (value instanceof ApexObject && !value.exception) {
    const object = new ApexObject(value.cls);
    copies.set(value, object);
    for (const [key, field] of value.fields) object.fields.set(key, copyValue(field, copies));
    return object;
  }
  throw new Uncopyable();
}

/** A Set or Map key that a copy keeps: one made of the member's value, not of its identity (values.ts keyOf). */
function valueKey(key: string): string {
  if (key.startsWith('r:')) throw new Uncopyable();
  return key;
}

function isImmutable(value: object): boolean {
  return (
    value instanceof ApexDecimal ||
    value instanceof ApexDate ||
    value instanceof ApexDatetime ||
    value instanceof ApexBlob ||
    value instanceof ApexEnum ||
    value instanceof ApexTypeValue
  );
}
