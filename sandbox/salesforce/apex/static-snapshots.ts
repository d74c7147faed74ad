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
  copyIdentity,
  type Value,
} from './values.js';

/** A value the copy cannot reproduce: a system object with native state, an exception. */
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
    remember(copies, value, list);
    for (const item of value.items) list.items.push(copyValue(item, copies));
    return list;
  }
  if (value instanceof ApexSet) {
    const set = new ApexSet(value.elementType);
    remember(copies, value, set);
    for (const [key, member] of value.members) set.members.set(key, copyValue(member, copies));
    return set;
  }
  if (value instanceof ApexMap) {
    const map = new ApexMap(value.keyType, value.valueType);
    remember(copies, value, map);
    for (const [key, [entryKey, entryValue]] of value.entries)
      map.entries.set(key, [copyValue(entryKey, copies), copyValue(entryValue, copies)]);
    return map;
  }
  if (value instanceof ApexSObject) {
    const record = new ApexSObject(value.objectName, value.queried, value.readOnly);
    remember(copies, value, record);
    for (const [key, field] of value.fields)
      record.fields.set(key, { name: field.name, value: copyValue(field.value, copies) });
    for (const name of value.assigned) record.assigned.add(name);
    return record;
  }
  if (value instanceof ApexObject && !value.exception) {
    const object = new ApexObject(value.cls);
    remember(copies, value, object);
    for (const [key, field] of value.fields) object.fields.set(key, copyValue(field, copies));
    return object;
  }
  throw new Uncopyable();
}

/**
 * A copy keeps its original's identity: Set and Map members keyed by identity stay found, and hashCode() answers as
 * the initialiser's run left it. Copies of different transactions share it, but never meet: statics do not outlive
 * their transaction.
 */
function remember(copies: Map<object, Value>, original: object, copy: Value & object): void {
  copies.set(original, copy);
  copyIdentity(original, copy);
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
