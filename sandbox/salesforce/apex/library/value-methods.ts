/**
 * Methods and properties of values that are not Apex classes: collections, sObjects, primitives, exceptions, Schema
 * describes, Database results, HTTP and REST context objects; and constructors of System types.
 */
import { randomUUID } from 'node:crypto';
import type { Site, TypeRef } from '../ast.js';
import { isSystemClass } from '../exceptions.js';
import type { Interpreter, ResolvedType } from '../interpreter.js';
import type { OrgBridge } from '../org-bridge.js';
import { CalloutFailure, UnsupportedCallout } from '../../org/named-credential-callouts.js';
import { readField, toApexFieldValue, writeField } from '../sobject-fields.js';
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
  NativeObject,
  OBJECT_TYPE,
  STRING_TYPE,
  keyOf,
  typeRef,
  type Value,
} from '../values.js';
import { matcherMethod, patternMethod } from './patterns.js';
import { blobMethod, NOT_FOUND, stringMethod } from './strings.js';
import type { SystemStatics } from './system-statics.js';

const DAY_MS = 86_400_000;
const HTTP_TYPES = new Set(['httprequest', 'httpresponse', 'http', 'restrequest', 'restresponse']);

function found(interpreter: Interpreter, result: Value | typeof NOT_FOUND, target: Value, method: string, site: Site) {
  if (result === NOT_FOUND) return interpreter.unsupported(`${interpreter.runtimeTypeName(target)}.${method}()`, site);
  return result;
}

export class ValueMethods {
  constructor(
    private readonly bridge: OrgBridge,
    private readonly statics: SystemStatics,
  ) {}

  /** A method's result; a promise only where the method waits for the org (a callout, the test event bus). */
  call(interpreter: Interpreter, target: Value, method: string, args: Value[], site: Site): Value | Promise<Value> {
    const result = this.dispatch(interpreter, target, method, args, site);
    if (result instanceof Promise) return result.then((settled) => found(interpreter, settled, target, method, site));
    return found(interpreter, result, target, method, site);
  }

  private dispatch(
    interpreter: Interpreter,
    target: Value,
    method: string,
    args: Value[],
    site: Site,
  ): Value | typeof NOT_FOUND | Promise<Value | typeof NOT_FOUND> {
    if (typeof target === 'string') {
      if (method === 'getsobjecttype') {
        const object = this.bridge.org.schema.objectForKeyPrefix(target.slice(0, 3));
        return object ? new ApexTypeValue('sObjectType', object.name) : null;
      }
      return stringMethod(interpreter, target, method, args, site);
    }
    if (typeof target === 'number') {
      if (method === 'format') return target.toLocaleString('en-US');
      if (method === 'intvalue' || method === 'longvalue') return target;
      return NOT_FOUND;
    }
    if (target instanceof ApexDecimal) return this.decimal(interpreter, target, method, args, site);
    if (target instanceof ApexDate) return this.date(interpreter, target, method, args, site);
    if (target instanceof ApexDatetime) return this.datetime(target, method, args);
    if (target instanceof ApexBlob) return blobMethod(interpreter, target, method, site);
    if (target instanceof ApexList) return this.list(interpreter, target, method, args, site);
    if (target instanceof ApexSet) return this.set(interpreter, target, method, args, site);
    if (target instanceof ApexMap) return this.map(interpreter, target, method, args, site);
    if (target instanceof ApexSObject) return this.sObject(interpreter, target, method, args, site);
    if (target instanceof ApexObject) return this.object(interpreter, target, method, args);
    if (target instanceof ApexEnum) {
      if (method === 'name') return target.name;
      if (method === 'ordinal') return target.ordinal;
      if (method === 'equals') return interpreter.equalsValue(target, args[0] ?? null);
      return NOT_FOUND;
    }
    if (target instanceof ApexTypeValue) return this.typeValue(interpreter, target, method, args, site);
    if (target instanceof NativeObject) return this.native(interpreter, target, method, args, site);
    return NOT_FOUND;
  }

  // ---- numbers and dates -------------------------------------------------------------------------------------

  private decimal(
    interpreter: Interpreter,
    value: ApexDecimal,
    method: string,
    args: Value[],
    site: Site,
  ): Value | typeof NOT_FOUND {
    switch (method) {
      case 'scale':
        return value.scale;
      case 'setscale': {
        // setScale rounds HALF_UP by default when digits are dropped (Apex Reference Guide, "Decimal Class").
        const scale = args[0] as number;
        const factor = 10 ** scale;
        return new ApexDecimal(
          (Math.sign(value.value) * Math.round(Math.abs(value.value) * factor)) / factor,
          scale,
          value.double,
        );
      }
      case 'intvalue':
      case 'longvalue':
        return Math.trunc(value.value);
      case 'doublevalue':
        return new ApexDecimal(value.value, value.scale, true);
      case 'abs':
        return new ApexDecimal(Math.abs(value.value), value.scale, value.double);
      case 'round':
        return Math.round(value.value);
      case 'tostring':
      case 'toplainstring':
        return value.toString();
      case 'format':
        return value.value.toLocaleString('en-US', {
          minimumFractionDigits: 0,
          maximumFractionDigits: Math.max(value.scale, 3),
        });
      case 'divide': {
        const divisor = args[0] as number | ApexDecimal;
        const scale = args[1] as number;
        const denominator = typeof divisor === 'number' ? divisor : divisor.value;
        if (denominator === 0) interpreter.fail('MathException', 'Divide by 0', site);
        const factor = 10 ** scale;
        return new ApexDecimal(Math.round((value.value / denominator) * factor) / factor, scale);
      }
      case 'equals':
        return interpreter.equalsExact(value, args[0] ?? null);
      default:
        return NOT_FOUND;
    }
  }

  private date(
    interpreter: Interpreter,
    value: ApexDate,
    method: string,
    args: Value[],
    site: Site,
  ): Value | typeof NOT_FOUND {
    const { year, month, day } = value.parts;
    switch (method) {
      case 'adddays':
        return new ApexDate(value.epochDay + (args[0] as number));
      case 'addmonths':
      case 'addyears': {
        const months = method === 'addmonths' ? (args[0] as number) : (args[0] as number) * 12;
        const target = new Date(Date.UTC(year, month - 1 + months, 1));
        // The day is clamped to the target month's last day (Jan 31 + 1 month = Feb 28/29).
        const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
        return ApexDate.of(target.getUTCFullYear(), target.getUTCMonth() + 1, Math.min(day, last));
      }
      case 'year':
        return year;
      case 'month':
        return month;
      case 'day':
        return day;
      case 'dayofyear':
        return value.epochDay - ApexDate.of(year, 1, 1).epochDay + 1;
      case 'daysbetween': {
        const other = args[0];
        if (!(other instanceof ApexDate)) return other === null ? interpreter.nullDereference(site) : NOT_FOUND;
        return other.epochDay - value.epochDay;
      }
      case 'issameday':
        return args[0] instanceof ApexDate && args[0].epochDay === value.epochDay;
      case 'tostartofmonth':
        return ApexDate.of(year, month, 1);
      case 'format':
        return `${month}/${day}/${year}`;
      default:
        return NOT_FOUND;
    }
  }

  private datetime(value: ApexDatetime, method: string, args: Value[]): Value | typeof NOT_FOUND {
    const date = new Date(value.epochMs);
    switch (method) {
      case 'dategmt':
      case 'date':
        return new ApexDate(Math.floor(value.epochMs / DAY_MS));
      case 'gettime':
        return value.epochMs;
      case 'adddays':
        return new ApexDatetime(value.epochMs + (args[0] as number) * DAY_MS);
      case 'addhours':
        return new ApexDatetime(value.epochMs + (args[0] as number) * 3_600_000);
      case 'addminutes':
        return new ApexDatetime(value.epochMs + (args[0] as number) * 60_000);
      case 'addseconds':
        return new ApexDatetime(value.epochMs + (args[0] as number) * 1000);
      case 'yeargmt':
      case 'year':
        return date.getUTCFullYear();
      case 'monthgmt':
      case 'month':
        return date.getUTCMonth() + 1;
      case 'daygmt':
      case 'day':
        return date.getUTCDate();
      case 'hourgmt':
      case 'hour':
        return date.getUTCHours();
      default:
        return NOT_FOUND;
    }
  }

  // ---- collections -------------------------------------------------------------------------------------------

  private list(
    interpreter: Interpreter,
    list: ApexList,
    method: string,
    args: Value[],
    site: Site,
  ): Value | typeof NOT_FOUND {
    switch (method) {
      case 'add':
        if (args.length === 2) {
          const index = args[0] as number;
          if (index < 0 || index > list.items.length)
            interpreter.fail('ListException', `List index out of bounds: ${index}`, site);
          list.items.splice(index, 0, args[1]!);
        } else {
          list.items.push(this.element(interpreter, list.elementType, args[0]!, site));
        }
        return null;
      case 'addall': {
        const source = args[0]!;
        if (source === null) interpreter.nullDereference(site);
        list.items.push(...interpreter.iterate(source, site));
        return null;
      }
      case 'get':
        return interpreter.listGet(list, args[0]!, site);
      case 'set':
        list.items[interpreter.listIndex(list, args[0]!, site)] = args[1]!;
        return null;
      case 'size':
        return list.items.length;
      case 'isempty':
        return list.items.length === 0;
      case 'clear':
        list.items.length = 0;
        return null;
      case 'remove': {
        const index = interpreter.listIndex(list, args[0]!, site);
        return list.items.splice(index, 1)[0]!;
      }
      case 'contains':
        return list.items.some((item) => interpreter.equalsExact(item, args[0]!));
      case 'indexof':
        return list.items.findIndex((item) => interpreter.equalsExact(item, args[0]!));
      case 'clone':
        return new ApexList(list.elementType, [...list.items]);
      case 'equals':
        return interpreter.equalsExact(list, args[0]!);
      case 'sort':
        list.items.sort((a, b) => compareForSort(interpreter, a, b, site));
        return null;
      default:
        return NOT_FOUND;
    }
  }

  private element(interpreter: Interpreter, type: TypeRef, value: Value, site: Site): Value {
    const name = type.name.toLowerCase();
    if ((name === 'decimal' || name === 'double') && typeof value === 'number')
      return new ApexDecimal(value, 0, name === 'double');
    if (name === 'id' && typeof value === 'string') return interpreter.toId(value, site);
    return value;
  }

  private setKey(set: ApexSet, value: Value): string {
    return keyOf(value, set.elementType.name.toLowerCase() === 'id');
  }

  private set(
    interpreter: Interpreter,
    set: ApexSet,
    method: string,
    args: Value[],
    site: Site,
  ): Value | typeof NOT_FOUND {
    switch (method) {
      case 'add': {
        const value = this.element(interpreter, set.elementType, args[0]!, site);
        const key = this.setKey(set, value);
        if (set.members.has(key)) return false;
        set.members.set(key, value);
        return true;
      }
      case 'addall': {
        const before = set.members.size;
        for (const item of interpreter.iterate(args[0]!, site)) set.members.set(this.setKey(set, item), item);
        return set.members.size !== before;
      }
      case 'contains':
        return set.members.has(this.setKey(set, args[0]!));
      case 'containsall':
        return interpreter.iterate(args[0]!, site).every((item) => set.members.has(this.setKey(set, item)));
      case 'remove':
        return set.members.delete(this.setKey(set, args[0]!));
      case 'removeall': {
        const before = set.members.size;
        for (const item of interpreter.iterate(args[0]!, site)) set.members.delete(this.setKey(set, item));
        return set.members.size !== before;
      }
      case 'retainall': {
        const keep = new Set(interpreter.iterate(args[0]!, site).map((item) => this.setKey(set, item)));
        const before = set.members.size;
        for (const key of [...set.members.keys()]) if (!keep.has(key)) set.members.delete(key);
        return set.members.size !== before;
      }
      case 'size':
        return set.members.size;
      case 'isempty':
        return set.members.size === 0;
      case 'clear':
        set.members.clear();
        return null;
      case 'clone': {
        const copy = new ApexSet(set.elementType);
        for (const [key, value] of set.members) copy.members.set(key, value);
        return copy;
      }
      case 'equals':
        return interpreter.equalsExact(set, args[0]!);
      default:
        return NOT_FOUND;
    }
  }

  private map(
    interpreter: Interpreter,
    map: ApexMap,
    method: string,
    args: Value[],
    site: Site,
  ): Value | typeof NOT_FOUND {
    switch (method) {
      case 'put': {
        const key = this.element(interpreter, map.keyType, args[0]!, site);
        const mapKey = interpreter.mapKey(map, key);
        const previous = map.entries.get(mapKey)?.[1] ?? null;
        map.entries.set(mapKey, [key, this.element(interpreter, map.valueType, args[1]!, site)]);
        return previous;
      }
      case 'get':
        return map.entries.get(interpreter.mapKey(map, args[0]!))?.[1] ?? null;
      case 'containskey':
        return map.entries.has(interpreter.mapKey(map, args[0]!));
      case 'keyset': {
        const keys = new ApexSet(map.keyType);
        for (const [key, [value]] of map.entries) keys.members.set(key, value);
        return keys;
      }
      case 'values':
        return new ApexList(
          map.valueType,
          [...map.entries.values()].map(([, value]) => value),
        );
      case 'remove': {
        const mapKey = interpreter.mapKey(map, args[0]!);
        const previous = map.entries.get(mapKey)?.[1] ?? null;
        map.entries.delete(mapKey);
        return previous;
      }
      case 'size':
        return map.entries.size;
      case 'isempty':
        return map.entries.size === 0;
      case 'clear':
        map.entries.clear();
        return null;
      case 'putall': {
        const source = args[0]!;
        if (source instanceof ApexMap) for (const [key, entry] of source.entries) map.entries.set(key, entry);
        else for (const record of interpreter.iterate(source, site)) this.putRecord(interpreter, map, record, site);
        return null;
      }
      case 'clone': {
        const copy = new ApexMap(map.keyType, map.valueType);
        for (const [key, entry] of map.entries) copy.entries.set(key, [...entry]);
        return copy;
      }
      case 'equals':
        return interpreter.equalsExact(map, args[0]!);
      default:
        return NOT_FOUND;
    }
  }

  private putRecord(interpreter: Interpreter, map: ApexMap, record: Value, site: Site): void {
    if (!(record instanceof ApexSObject))
      return interpreter.unsupported('Map from a list that is not of sObjects', site);
    const id = record.fields.get('id')?.value;
    if (typeof id !== 'string') interpreter.fail('ListException', 'Row with null Id at index: 0', site);
    map.entries.set(interpreter.mapKey(map, id), [id, record]);
  }

  // ---- sObjects ----------------------------------------------------------------------------------------------

  private sObject(
    interpreter: Interpreter,
    record: ApexSObject,
    method: string,
    args: Value[],
    site: Site,
  ): Value | typeof NOT_FOUND {
    const schema = this.bridge.org.schema;
    switch (method) {
      case 'get':
        return readField(interpreter, schema, record, this.fieldName(interpreter, args[0]!, site), site);
      case 'put': {
        const name = this.fieldName(interpreter, args[0]!, site);
        const previous = record.fields.get(name.toLowerCase())?.value ?? null;
        writeField(interpreter, schema, record, name, args[1]!, site);
        return previous;
      }
      case 'getsobjecttype':
        return new ApexTypeValue('sObjectType', record.objectName);
      case 'clone': {
        // clone(preserveId = false, isDeepClone = false, preserveReadonlyTimestamps = false, preserveAutonumber = false).
        const [preserveId, , preserveTimestamps] = [args[0] === true, args[1] === true, args[2] === true];
        // A clone of a read-only trigger record is writable.
        const copy = new ApexSObject(record.objectName, record.queried);
        for (const [key, field] of record.fields) {
          if (key === 'id' && !preserveId) continue;
          if (
            !preserveTimestamps &&
            ['createddate', 'createdbyid', 'lastmodifieddate', 'lastmodifiedbyid', 'systemmodstamp'].includes(key)
          )
            continue;
          copy.fields.set(key, { ...field });
          if (record.assigned.has(key)) copy.assigned.add(key);
        }
        return copy;
      }
      case 'getpopulatedfieldsasmap': {
        const map = new ApexMap(STRING_TYPE, OBJECT_TYPE);
        for (const field of record.fields.values()) map.entries.set(keyOf(field.name), [field.name, field.value]);
        return map;
      }
      default:
        return NOT_FOUND;
    }
  }

  private fieldName(interpreter: Interpreter, value: Value, site: Site): string {
    if (typeof value === 'string') return value;
    if (value instanceof ApexTypeValue && value.kind === 'sObjectField') return value.field!;
    if (value === null) return interpreter.nullDereference(site);
    return interpreter.unsupported(`field name of type ${interpreter.runtimeTypeName(value)}`, site);
  }

  // ---- exceptions and other objects --------------------------------------------------------------------------

  private object(
    interpreter: Interpreter,
    object: ApexObject,
    method: string,
    args: Value[],
  ): Value | typeof NOT_FOUND {
    const exception = object.exception;
    if (exception) {
      switch (method) {
        case 'getmessage':
          // AuraHandledException hides its message from getMessage() until setMessage() is called.
          if (
            object.cls.name === 'AuraHandledException' &&
            isSystemClass(object.cls) &&
            !object.fields.has('$messageset')
          )
            return 'Script-thrown exception';
          return exception.message;
        case 'setmessage':
          exception.message = args[0] === null ? null : interpreter.toApexString(args[0]!);
          object.fields.set('$messageset', true);
          return null;
        case 'getcause':
          return exception.cause;
        case 'initcause':
          exception.cause = args[0] ?? null;
          return null;
        case 'gettypename':
          return object.cls.qualifiedName;
        case 'getlinenumber':
          return exception.line;
        case 'getstacktracestring':
          return `Class.${exception.file.replace(/\.cls$/, '')}: line ${exception.line}, column 1`;
        default:
          break;
      }
    }
    switch (method) {
      case 'equals':
        return object === args[0];
      case 'hashcode':
        return Number(keyOf(object).slice(2));
      case 'tostring':
        return interpreter.toApexString(object);
      default:
        return NOT_FOUND;
    }
  }

  private typeValue(
    interpreter: Interpreter,
    value: ApexTypeValue,
    method: string,
    args: Value[],
    site: Site,
  ): Value | typeof NOT_FOUND {
    const schema = this.bridge.org.schema;
    if (value.kind === 'sObjectType') {
      const object = schema.object(value.name);
      if (!object) return interpreter.unsupported(`describe of ${value.name}`, site);
      switch (method) {
        case 'getdescribe':
          return new NativeObject('Schema.DescribeSObjectResult', { object });
        case 'newsobject': {
          const record = new ApexSObject(object.name);
          if (typeof args[0] === 'string')
            record.fields.set('id', { name: 'Id', value: interpreter.toId(args[0], site) });
          if (args[1] === true) {
            for (const field of object.fields) {
              if (field.custom && field.defaultValue !== null)
                record.fields.set(field.name.toLowerCase(), {
                  name: field.name,
                  value: toApexFieldValue(field.type, field.defaultValue),
                });
            }
            // A platform event made with loadDefaults gets its EventUuid now (Platform Events Developer Guide, "EventUuid").
            if (object.kind === 'platformEvent')
              record.fields.set('eventuuid', { name: 'EventUuid', value: randomUUID() });
          }
          return record;
        }
        case 'tostring':
          return object.name;
        default:
          return NOT_FOUND;
      }
    }
    if (value.kind === 'sObjectField') {
      const field = schema.object(value.name)?.field(value.field!);
      if (!field) return interpreter.unsupported(`describe of ${value.name}.${value.field}`, site);
      if (method === 'getdescribe') return new NativeObject('Schema.DescribeFieldResult', { field });
      return NOT_FOUND;
    }
    if (method === 'getname' || method === 'tostring') return value.name;
    return NOT_FOUND;
  }

  private native(
    interpreter: Interpreter,
    target: NativeObject,
    method: string,
    args: Value[],
    site: Site,
  ): Value | typeof NOT_FOUND | Promise<Value> {
    const state = target.state;
    switch (target.typeName) {
      case 'Schema.DescribeSObjectResult': {
        const object = state['object'] as {
          name: string;
          label: string;
          labelPlural: string;
          keyPrefix: string;
          custom: boolean;
        };
        const values: Record<string, Value> = {
          getname: object.name,
          getlabel: object.label,
          getlabelplural: object.labelPlural,
          getkeyprefix: object.keyPrefix,
          iscustom: object.custom,
        };
        return method in values ? values[method]! : NOT_FOUND;
      }
      case 'Schema.DescribeFieldResult': {
        const field = state['field'] as {
          name: string;
          label: string;
          length: number;
          precision: number;
          scale: number;
          nillable: boolean;
          createable: boolean;
          updateable: boolean;
          externalId: boolean;
        };
        const values: Record<string, Value> = {
          getname: field.name,
          getlabel: field.label,
          getlength: field.length,
          getprecision: field.precision,
          getscale: field.scale,
          isnillable: field.nillable,
          iscreateable: field.createable,
          isupdateable: field.updateable,
          isexternalid: field.externalId,
        };
        return method in values ? values[method]! : NOT_FOUND;
      }
      case 'Database.SaveResult':
      case 'Database.DeleteResult':
      case 'Database.UndeleteResult':
      case 'Database.UpsertResult': {
        const errors = state['errors'] as { statusCode: string; message: string; fields: readonly string[] }[];
        switch (method) {
          case 'issuccess':
            return state['success'] as boolean;
          case 'getid':
            return (state['id'] as string | null) ?? null;
          case 'iscreated':
            return (state['created'] as boolean | undefined) ?? false;
          case 'geterrors':
            return new ApexList(
              typeRef('Database.Error'),
              errors.map(
                (error) =>
                  new NativeObject('Database.Error', {
                    ...error,
                    toString: () =>
                      `Database.Error[getFields=(${error.fields.join(', ')});getMessage=${error.message};getStatusCode=${error.statusCode};]`,
                  }),
              ),
            );
          default:
            return NOT_FOUND;
        }
      }
      case 'Database.Error':
        if (method === 'getmessage') return state['message'] as string;
        if (method === 'getstatuscode') return new ApexEnum('System.StatusCode', state['statusCode'] as string, 0);
        if (method === 'getfields') return new ApexList(STRING_TYPE, [...(state['fields'] as string[])]);
        return NOT_FOUND;
      case 'EventBus.FailureResult':
      case 'EventBus.SuccessResult':
        if (method === 'geteventuuids') return new ApexList(STRING_TYPE, [...(state['eventUuids'] as string[])]);
        return NOT_FOUND;
      case 'EventBus.TestBroker':
        if (method !== 'deliver' && method !== 'fail') return NOT_FOUND;
        return this.statics
          .deliverPublishes(interpreter, method === 'deliver' ? 'success' : 'failure', site)
          .then(() => null);
      case 'Pattern':
        return patternMethod(interpreter, target, method, args, site) ?? NOT_FOUND;
      case 'Matcher':
        return matcherMethod(interpreter, target, method, args, site) ?? NOT_FOUND;
      case 'Http':
        if (method === 'send') return this.send(interpreter, args[0] ?? null, site);
        return NOT_FOUND;
      case 'HttpRequest':
      case 'HttpResponse':
      case 'RestRequest':
      case 'RestResponse':
        return this.httpMessage(interpreter, target, method, args, site);
      default:
        return NOT_FOUND;
    }
  }

  /** HttpRequest/HttpResponse/RestRequest/RestResponse accessors; header names are case-insensitive. */
  private httpMessage(
    interpreter: Interpreter,
    target: NativeObject,
    method: string,
    args: Value[],
    site: Site,
  ): Value | typeof NOT_FOUND {
    const headers = (target.state['headers'] ??= new Map<string, [string, string]>()) as Map<string, [string, string]>;
    const match = /^(get|set)(.*)$/.exec(method);
    if (method === 'setheader' || method === 'addheader') {
      const name = interpreter.toApexString(args[0]!);
      headers.set(name.toLowerCase(), [name, interpreter.toApexString(args[1]!)]);
      return null;
    }
    if (method === 'getheader') return headers.get(interpreter.toApexString(args[0]!).toLowerCase())?.[1] ?? null;
    if (method === 'getheaderkeys')
      return new ApexList(
        STRING_TYPE,
        [...headers.values()].map(([name]) => name),
      );
    if (!match) return NOT_FOUND;
    const property = {
      method: 'method',
      endpoint: 'endpoint',
      body: 'body',
      timeout: 'timeout',
      statuscode: 'statusCode',
      status: 'status',
    }[match[2]!];
    if (!property) return NOT_FOUND;
    if (match[1] === 'set') {
      target.properties.set(property, args[0] ?? null);
      return null;
    }
    return target.properties.get(property) ?? (property === 'statusCode' ? 0 : null);
    void site;
  }

  /**
   * Http.send. In a test the mock set with Test.setMock answers; elsewhere the callout goes out through the Named
   * Credential its endpoint names (../org/named-credential-callouts.ts). Either way DML earlier in the transaction
   * refuses the callout (Apex Developer Guide, "Callout Limits and Limitations" and "Performing DML Operations and
   * Mock Callouts").
   */
  private async send(interpreter: Interpreter, request: Value, site: Site): Promise<Value> {
    const context = interpreter.context;
    if (request === null) interpreter.nullDereference(site);
    interpreter.spendLimit('callouts', 1, site);
    if (context.uncommittedWork)
      interpreter.fail(
        'CalloutException',
        'You have uncommitted work pending. Please commit or rollback before calling out',
        site,
      );
    if (!context.isTest) return this.calloutThroughNamedCredential(interpreter, request as NativeObject, site);
    if (!context.calloutMock)
      interpreter.fail('CalloutException', 'Methods defined as TestMethod do not support Web service callouts', site);
    return interpreter.callOn(context.calloutMock, 'respond', [request], site);
  }

  private async calloutThroughNamedCredential(
    interpreter: Interpreter,
    request: NativeObject,
    site: Site,
  ): Promise<Value> {
    const headers = (request.state['headers'] ?? new Map()) as Map<string, [string, string]>;
    const text = (name: string) => {
      const value = request.properties.get(name);
      return value === null || value === undefined ? null : interpreter.toApexString(value);
    };
    const timeout = request.properties.get('timeout');
    let answer;
    try {
      answer = await this.bridge.org.callouts.send({
        method: text('method') ?? 'GET',
        endpoint: text('endpoint') ?? '',
        headers: [...headers.values()],
        body: text('body'),
        timeoutMs: typeof timeout === 'number' ? timeout : null,
      });
    } catch (error) {
      if (error instanceof UnsupportedCallout) return interpreter.unsupported(error.message, site);
      if (error instanceof CalloutFailure) return interpreter.fail('CalloutException', error.message, site);
      throw error;
    }
    const response = new NativeObject('HttpResponse');
    response.properties.set('statusCode', answer.status);
    response.properties.set('status', answer.statusText);
    response.properties.set('body', answer.body);
    response.state['headers'] = new Map(answer.headers.map(([name, value]) => [name.toLowerCase(), [name, value]]));
    return response;
  }

  // ---- properties --------------------------------------------------------------------------------------------

  getProperty(interpreter: Interpreter, target: Value, name: string, site: Site): Value {
    if (target instanceof ApexSObject) return readField(interpreter, this.bridge.org.schema, target, name, site);
    if (target instanceof NativeObject && (target.typeName === 'RestRequest' || target.typeName === 'RestResponse')) {
      const lower = name.toLowerCase();
      if (lower === 'headers') return this.headerMap(target);
      return target.properties.get(lower) ?? (lower === 'statuscode' ? null : null);
    }
    return interpreter.unsupported(`property ${name} of ${interpreter.runtimeTypeName(target)}`, site);
  }

  setProperty(interpreter: Interpreter, target: Value, name: string, value: Value, site: Site): void {
    if (target instanceof ApexSObject)
      return writeField(interpreter, this.bridge.org.schema, target, name, value, site);
    if (target instanceof NativeObject && (target.typeName === 'RestRequest' || target.typeName === 'RestResponse')) {
      target.properties.set(name.toLowerCase(), value);
      return;
    }
    return interpreter.unsupported(`assignment to ${name} of ${interpreter.runtimeTypeName(target)}`, site);
  }

  private headerMap(target: NativeObject): ApexMap {
    const map = new ApexMap(STRING_TYPE, STRING_TYPE);
    const headers = (target.state['headers'] ?? new Map()) as Map<string, [string, string]>;
    for (const [name, value] of headers.values()) map.entries.set(keyOf(name), [name, value]);
    return map;
  }

  // ---- constructors ------------------------------------------------------------------------------------------

  construct(interpreter: Interpreter, type: TypeRef, resolved: ResolvedType, args: Value[], site: Site): Value {
    if (resolved.kind === 'sobject') {
      if (args.length > 0) return interpreter.unsupported(`new ${resolved.name} with positional arguments`, site);
      return new ApexSObject(resolved.name);
    }
    if (resolved.kind !== 'system') return interpreter.unsupported(`new ${type.name}`, site);
    const name = resolved.name;
    if (name === 'list' || name === 'set' || name === 'map') {
      const [collection, source] = args as [ApexList | ApexSet | ApexMap, Value | undefined];
      if (source === undefined) return collection;
      if (source === null) interpreter.nullDereference(site);
      if (collection instanceof ApexMap) {
        if (source instanceof ApexMap)
          for (const [key, entry] of source.entries) collection.entries.set(key, [...entry]);
        else
          for (const record of interpreter.iterate(source, site)) this.putRecord(interpreter, collection, record, site);
        return collection;
      }
      if (typeof source === 'number' && collection instanceof ApexList) return collection;
      for (const item of interpreter.iterate(source, site)) {
        if (collection instanceof ApexList) collection.items.push(item);
        else collection.members.set(this.setKey(collection, item), item);
      }
      return collection;
    }
    if (HTTP_TYPES.has(name)) {
      const typeName = {
        httprequest: 'HttpRequest',
        httpresponse: 'HttpResponse',
        http: 'Http',
        restrequest: 'RestRequest',
        restresponse: 'RestResponse',
      }[name]!;
      const object = new NativeObject(typeName);
      if (typeName === 'RestRequest') object.properties.set('params', new ApexMap(STRING_TYPE, STRING_TYPE));
      return object;
    }
    return interpreter.unsupported(`new ${type.name}`, site);
  }
}

function compareForSort(interpreter: Interpreter, a: Value, b: Value, site: Site): number {
  if (a === null) return b === null ? 0 : -1;
  if (b === null) return 1;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if ((typeof a === 'number' || a instanceof ApexDecimal) && (typeof b === 'number' || b instanceof ApexDecimal)) {
    return (typeof a === 'number' ? a : a.value) - (typeof b === 'number' ? b : b.value);
  }
  if (a instanceof ApexDate && b instanceof ApexDate) return a.epochDay - b.epochDay;
  return interpreter.unsupported(`List.sort of ${interpreter.runtimeTypeName(a)}`, site);
}
