/**
 * Static members of System classes: System, Math, Limits, UserInfo, Test, Assert, FeatureManagement, Database,
 * EventBus, JSON, the primitive types' valueOf/newInstance, Pattern, Trigger, RestContext, custom settings, and the
 * System enums. Each either does what the Apex Reference Guide says or is absent (and then unsupported).
 */
import { HEAP_LIMIT_BYTES } from '../heap-estimate.js';
import { randomUUID } from 'node:crypto';
import type { Site, TypeRef } from '../ast.js';
import type { Frame, Interpreter, ResolvedType } from '../interpreter.js';
import type { OrgBridge } from '../org-bridge.js';
import { sObjectFromRow } from '../sobject-fields.js';
import { LIMITS, GovernorLimits } from '../governor-limits.js';
import type { AccessMode } from '../user-mode.js';
import {
  ApexBlob,
  ApexDate,
  ApexDatetime,
  ApexDecimal,
  ApexEnum,
  ApexList,
  ApexObject,
  ApexSObject,
  ApexTypeValue,
  NativeObject,
  isNumber,
  numeric,
  typeRef,
  type Value,
} from '../values.js';
import { deserializeTyped, deserializeUntyped, saveResult, serialize } from './json.js';
import { compilePattern } from './patterns.js';
import { NOT_FOUND, stringStatic } from './strings.js';

const DAY_MS = 86_400_000;

export const SYSTEM_ENUMS: Readonly<Record<string, readonly string[]>> = {
  triggeroperation: [
    'BEFORE_INSERT',
    'BEFORE_UPDATE',
    'BEFORE_DELETE',
    'AFTER_INSERT',
    'AFTER_UPDATE',
    'AFTER_DELETE',
    'AFTER_UNDELETE',
  ],
  logginglevel: ['NONE', 'ERROR', 'WARN', 'INFO', 'DEBUG', 'FINE', 'FINER', 'FINEST'],
  sobjectdescribeoptions: ['DEFAULT', 'DEFERRED', 'FULL'],
  accesslevel: ['SYSTEM_MODE', 'USER_MODE'],
};

const ENUM_TYPE_NAMES: Readonly<Record<string, string>> = {
  triggeroperation: 'System.TriggerOperation',
  logginglevel: 'System.LoggingLevel',
  sobjectdescribeoptions: 'System.SObjectDescribeOptions',
  accesslevel: 'System.AccessLevel',
};

export const SYSTEM_TYPES = new Set([
  'system',
  'json',
  'string',
  'integer',
  'long',
  'decimal',
  'double',
  'boolean',
  'date',
  'datetime',
  'blob',
  'id',
  'math',
  'limits',
  'userinfo',
  'encodingutil',
  'test',
  'assert',
  'featuremanagement',
  'schema',
  'database',
  'database.saveresult',
  'database.error',
  'database.deleteresult',
  'database.undeleteresult',
  'database.upsertresult',
  'eventbus',
  'eventbus.eventpublishfailurecallback',
  'eventbus.failureresult',
  'eventbus.eventpublishsuccesscallback',
  'eventbus.successresult',
  'eventbus.testbroker',
  'http',
  'httprequest',
  'httpresponse',
  'httpcalloutmock',
  'restcontext',
  'restrequest',
  'restresponse',
  'pattern',
  'matcher',
  'triggeroperation',
  'logginglevel',
  'sobjectdescribeoptions',
  'accesslevel',
  'trigger',
  'type',
  'object',
  'sobject',
  'list',
  'set',
  'map',
  'statuscode',
  'schema.sobjecttype',
  'schema.describefieldresult',
  'schema.describesobjectresult',
  'schema.sobjectfield',
  'sobjecttype',
  'sobjectfield',
]);

export type Ref = { value: Value } | { type: ResolvedType };

export function systemStatic(interpreter: Interpreter, typeName: string, member: string): Ref | undefined {
  if (SYSTEM_TYPES.has(`${typeName}.${member}`)) return { type: { kind: 'system', name: `${typeName}.${member}` } };
  if (typeName === 'system' && SYSTEM_TYPES.has(member)) return { type: { kind: 'system', name: member } };
  const values = SYSTEM_ENUMS[typeName];
  if (values) {
    const ordinal = values.findIndex((value) => value.toLowerCase() === member);
    if (ordinal >= 0) return { value: new ApexEnum(ENUM_TYPE_NAMES[typeName]!, values[ordinal]!, ordinal) };
  }
  if (typeName === 'trigger') {
    const variables = interpreter.context.triggerStack.at(-1);
    if (!variables) return { value: member === 'isexecuting' ? false : null };
    const value = variables.get(member);
    return value === undefined ? undefined : { value };
  }
  if (typeName === 'restcontext' && (member === 'request' || member === 'response'))
    return { value: interpreter.context.restContext.get(member) ?? null };
  return undefined;
}

export function setSystemStatic(interpreter: Interpreter, typeName: string, member: string, value: Value): boolean {
  if (typeName === 'restcontext' && (member === 'request' || member === 'response')) {
    interpreter.context.restContext.set(member, value);
    return true;
  }
  return false;
}

function arg(args: Value[], index: number): Value {
  return args[index] ?? null;
}

function requireString(interpreter: Interpreter, value: Value, site: Site): string {
  if (value === null) interpreter.nullDereference(site);
  if (typeof value !== 'string')
    return interpreter.unsupported(`a ${interpreter.runtimeTypeName(value)} where a String is expected`, site);
  return value;
}

function requireInteger(interpreter: Interpreter, value: Value, site: Site): number {
  if (value === null) interpreter.nullDereference(site);
  if (typeof value !== 'number')
    return interpreter.unsupported(`a ${interpreter.runtimeTypeName(value)} where an Integer is expected`, site);
  return value;
}

function found(
  interpreter: Interpreter,
  result: Value | typeof NOT_FOUND,
  typeName: string,
  method: string,
  site: Site,
) {
  if (result === NOT_FOUND) return interpreter.unsupported(`${typeName}.${method}()`, site);
  return result;
}

export class SystemStatics {
  constructor(private readonly bridge: OrgBridge) {}

  /** A static method's result; a promise only where the method waits for the org (DML, publish, Test.stopTest). */
  call(
    interpreter: Interpreter,
    typeName: string,
    method: string,
    args: Value[],
    site: Site,
    frame: Frame,
  ): Value | Promise<Value> {
    const result = this.dispatch(interpreter, typeName, method, args, site, frame);
    if (result instanceof Promise) return result.then((settled) => found(interpreter, settled, typeName, method, site));
    return found(interpreter, result, typeName, method, site);
  }

  private dispatch(
    interpreter: Interpreter,
    typeName: string,
    method: string,
    args: Value[],
    site: Site,
    frame: Frame,
  ): Value | typeof NOT_FOUND | Promise<Value | typeof NOT_FOUND> {
    if (typeName.startsWith('sobject:')) return this.sObjectStatic(interpreter, typeName.slice(8), method, args, site);
    const org = this.bridge.org;
    const context = interpreter.context;
    switch (typeName) {
      case 'system':
        switch (method) {
          case 'debug':
            context.debugLog.push(interpreter.toApexString(arg(args, args.length - 1)));
            return null;
          case 'now':
            return new ApexDatetime(org.now());
          case 'today':
            return new ApexDate(Math.floor(org.now() / DAY_MS));
          case 'currenttimemillis':
            return org.now();
          case 'assert':
            if (arg(args, 0) !== true)
              this.assertionFailed(
                interpreter,
                args.length > 1 ? interpreter.toApexString(arg(args, 1)) : null,
                null,
                site,
              );
            return null;
          case 'assertequals':
          case 'assertnotequals': {
            const equal = interpreter.equalsExact(arg(args, 0), arg(args, 1));
            if (equal !== (method === 'assertequals'))
              this.assertionFailed(
                interpreter,
                args.length > 2 ? interpreter.toApexString(arg(args, 2)) : null,
                this.expectedActual(interpreter, method === 'assertequals', arg(args, 0), arg(args, 1)),
                site,
              );
            return null;
          }
          default:
            return NOT_FOUND;
        }
      case 'assert':
        return this.assertMethod(interpreter, method, args, site, frame);
      case 'math':
        return this.math(interpreter, method, args, site);
      case 'limits':
        return this.limits(interpreter, method);
      case 'userinfo':
        switch (method) {
          case 'getusername':
            return context.runningUser.username;
          case 'getuserid':
            return context.runningUser.id;
          case 'getname':
            return context.runningUser.name;
          case 'getuseremail':
            return context.runningUser.email;
          case 'getorganizationid':
            return org.id;
          case 'getorganizationname':
            return org.name;
          case 'getprofileid':
            return org.users.profileId(context.runningUser.profile);
          default:
            return NOT_FOUND;
        }
      case 'encodingutil':
        return this.encodingUtil(interpreter, method, args, site);
      case 'featuremanagement':
        if (method === 'checkpermission')
          return context.runningUser.hasCustomPermission(requireString(interpreter, arg(args, 0), site));
        return NOT_FOUND;
      case 'test':
        return this.test(interpreter, method, args, site);
      case 'json':
        switch (method) {
          case 'serialize':
            return serialize(interpreter, arg(args, 0), site, arg(args, 1) === true);
          case 'deserializeuntyped':
            return deserializeUntyped(interpreter, requireString(interpreter, arg(args, 0), site), site);
          case 'deserialize': {
            const type = arg(args, 1);
            if (!(type instanceof ApexTypeValue) || type.kind !== 'type')
              return interpreter.unsupported('JSON.deserialize without a Type', site);
            return deserializeTyped(
              interpreter,
              requireString(interpreter, arg(args, 0), site),
              typeRef(type.name),
              site,
            );
          }
          default:
            return NOT_FOUND;
        }
      case 'string':
        return stringStatic(interpreter, method, args, site);
      case 'integer':
      case 'long':
        if (method !== 'valueof') return NOT_FOUND;
        return this.integerOf(interpreter, arg(args, 0), typeName, site);
      case 'decimal':
      case 'double':
        if (method !== 'valueof') return NOT_FOUND;
        return this.decimalOf(interpreter, arg(args, 0), typeName === 'double', site);
      case 'boolean':
        if (method !== 'valueof') return NOT_FOUND;
        return typeof arg(args, 0) === 'boolean'
          ? arg(args, 0)
          : typeof arg(args, 0) === 'string'
            ? (arg(args, 0) as string).toLowerCase() === 'true'
            : false;
      case 'date':
        return this.dateStatic(interpreter, method, args, site);
      case 'datetime':
        return this.datetimeStatic(interpreter, method, args, site);
      case 'id':
        if (method !== 'valueof') return NOT_FOUND;
        return interpreter.toId(requireString(interpreter, arg(args, 0), site), site);
      case 'blob':
        if (method !== 'valueof') return NOT_FOUND;
        return new ApexBlob(Buffer.from(requireString(interpreter, arg(args, 0), site), 'utf8'));
      case 'pattern':
        if (method === 'compile') return compilePattern(requireString(interpreter, arg(args, 0), site));
        if (method === 'matches')
          return new RegExp(`^(?:${requireString(interpreter, arg(args, 0), site)})$`).test(
            requireString(interpreter, arg(args, 1), site),
          );
        return NOT_FOUND;
      case 'database':
        return this.database(interpreter, method, args, site);
      case 'eventbus':
        if (method === 'publish') return this.publish(interpreter, arg(args, 0), arg(args, 1), site);
        return NOT_FOUND;
      default:
        return NOT_FOUND;
    }
  }

  // ---- Assert ------------------------------------------------------------------------------------------------

  /** Assert class (Apex Reference Guide, "Assert Class"): failures are System.AssertException, "Assertion Failed: ...". */
  private assertMethod(
    interpreter: Interpreter,
    method: string,
    args: Value[],
    site: Site,
    frame: Frame,
  ): Value | typeof NOT_FOUND {
    const message = (index: number) => (args.length > index ? interpreter.toApexString(arg(args, index)) : null);
    switch (method) {
      case 'areequal':
      case 'arenotequal': {
        const equal = interpreter.equalsExact(arg(args, 0), arg(args, 1));
        if (equal !== (method === 'areequal'))
          this.assertionFailed(
            interpreter,
            message(2),
            this.expectedActual(interpreter, method === 'areequal', arg(args, 0), arg(args, 1)),
            site,
          );
        return null;
      }
      case 'istrue':
      case 'isfalse':
        if (arg(args, 0) !== (method === 'istrue'))
          this.assertionFailed(
            interpreter,
            message(1),
            `Expected: ${method === 'istrue'}, Actual: ${interpreter.toApexString(arg(args, 0))}`,
            site,
          );
        return null;
      case 'isnull':
        if (arg(args, 0) !== null)
          this.assertionFailed(
            interpreter,
            message(1),
            `Expected: null, Actual: ${interpreter.toApexString(arg(args, 0))}`,
            site,
          );
        return null;
      case 'isnotnull':
        if (arg(args, 0) === null)
          this.assertionFailed(interpreter, message(1), 'Expected: not null, Actual: null', site);
        return null;
      case 'fail':
        return this.assertionFailed(interpreter, message(0), null, site);
      case 'isinstanceoftype':
      case 'isnotinstanceoftype': {
        const type = arg(args, 1);
        if (!(type instanceof ApexTypeValue))
          return interpreter.unsupported('Assert.isInstanceOfType without a Type', site);
        const is = interpreter.isInstance(arg(args, 0), typeRef(type.name), frame);
        if (is !== (method === 'isinstanceoftype'))
          this.assertionFailed(
            interpreter,
            message(2),
            `Expected instance of ${type.name}, Actual: ${interpreter.runtimeTypeName(arg(args, 0))}`,
            site,
          );
        return null;
      }
      default:
        return NOT_FOUND;
    }
  }

  private expectedActual(interpreter: Interpreter, wantEqual: boolean, expected: Value, actual: Value): string {
    return `Expected: ${wantEqual ? '' : 'not '}${interpreter.toApexString(expected)}, Actual: ${interpreter.toApexString(actual)}`;
  }

  private assertionFailed(interpreter: Interpreter, message: string | null, detail: string | null, site: Site): never {
    const parts = [message, detail].filter((part): part is string => part !== null && part !== '');
    return interpreter.fail(
      'AssertException',
      `Assertion Failed${parts.length > 0 ? `: ${parts.join(': ')}` : ''}`,
      site,
    );
  }

  /**
   * EncodingUtil.urlEncode/urlDecode: application/x-www-form-urlencoded as Java's URLEncoder writes it (Apex
   * Reference, "EncodingUtil Class"): letters, digits and . - * _ stay, a space is +, every other byte of the UTF-8
   * form is %XX. Only the UTF-8 scheme is modelled.
   */
  private encodingUtil(interpreter: Interpreter, method: string, args: Value[], site: Site): Value | typeof NOT_FOUND {
    if (method !== 'urlencode' && method !== 'urldecode') return NOT_FOUND;
    const text = arg(args, 0);
    if (text === null) interpreter.nullDereference(site);
    const scheme = requireString(interpreter, arg(args, 1), site);
    if (scheme.toUpperCase() !== 'UTF-8') return interpreter.unsupported(`EncodingUtil.${method} with ${scheme}`, site);
    const value = requireString(interpreter, text, site);
    if (method === 'urldecode') return decodeURIComponent(value.replace(/\+/g, ' '));
    return encodeURIComponent(value)
      .replace(/[!'()~]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`)
      .replace(/%20/g, '+');
  }

  // ---- Math, Limits, numbers, dates --------------------------------------------------------------------------

  private math(interpreter: Interpreter, method: string, args: Value[], site: Site): Value | typeof NOT_FOUND {
    const numbers = args.map((value) => {
      if (value === null) interpreter.nullDereference(site);
      if (!isNumber(value))
        return interpreter.unsupported(`Math.${method} of ${interpreter.runtimeTypeName(value)}`, site);
      return value;
    });
    const decimal = numbers.some((value) => value instanceof ApexDecimal);
    const wrap = (value: number, scale = 0) => (decimal ? new ApexDecimal(value, scale) : value);
    const [a, b] = numbers.map(numeric) as [number, number];
    switch (method) {
      case 'max':
        return a >= b ? numbers[0]! : numbers[1]!;
      case 'min':
        return a <= b ? numbers[0]! : numbers[1]!;
      case 'abs':
        return wrap(Math.abs(a), numbers[0] instanceof ApexDecimal ? numbers[0].scale : 0);
      case 'ceil':
        return new ApexDecimal(Math.ceil(a), 0);
      case 'floor':
        return new ApexDecimal(Math.floor(a), 0);
      case 'round':
        // Math.round rounds half up toward positive infinity (HALF_EVEN for Decimal.round); Integer result.
        return Math.round(a);
      case 'roundtolong':
        return Math.round(a);
      case 'mod':
        if (b === 0) interpreter.fail('MathException', 'Divide by 0', site);
        return a % b;
      case 'pow':
        return new ApexDecimal(Math.pow(a, b), 0, true);
      case 'sqrt':
        return new ApexDecimal(Math.sqrt(a), 0, true);
      default:
        return NOT_FOUND;
    }
  }

  private limits(interpreter: Interpreter, method: string): Value | typeof NOT_FOUND {
    const limits = interpreter.context.limits;
    const names: Record<string, keyof typeof LIMITS> = {
      queries: 'queries',
      queryrows: 'queryRows',
      dmlstatements: 'dmlStatements',
      dmlrows: 'dmlRows',
      publishimmediatedml: 'publishImmediateDml',
      callouts: 'callouts',
    };
    const match = /^get(limit)?(.*)$/.exec(method);
    if (!match) return NOT_FOUND;
    const name = names[match[2]!];
    if (name) return match[1] ? LIMITS[name].limit : limits.get(name);
    if (match[2] === 'heapsize') return match[1] ? HEAP_LIMIT_BYTES : interpreter.heapBytes();
    // CPU time is not measured: usage reads 0 (see README).
    if (match[2] === 'cputime') return match[1] ? 10_000 : 0;
    return NOT_FOUND;
  }

  private integerOf(interpreter: Interpreter, value: Value, typeName: string, site: Site): Value {
    if (value === null) interpreter.nullDereference(site);
    if (typeof value === 'number') return value;
    if (value instanceof ApexDecimal) return Math.trunc(value.value);
    const text = requireString(interpreter, value, site).trim();
    if (!/^[+-]?\d+$/.test(text)) interpreter.fail('TypeException', `Invalid ${typeName}: ${text}`, site);
    return Number(text);
  }

  private decimalOf(interpreter: Interpreter, value: Value, double: boolean, site: Site): Value {
    if (value === null) interpreter.nullDereference(site);
    if (typeof value === 'number') return new ApexDecimal(value, 0, double);
    if (value instanceof ApexDecimal) return value;
    const text = requireString(interpreter, value, site);
    try {
      const parsed = ApexDecimal.parse(text);
      return double ? new ApexDecimal(parsed.value, parsed.scale, true) : parsed;
    } catch {
      return interpreter.fail('TypeException', `Invalid ${double ? 'double' : 'decimal'}: ${text}`, site);
    }
  }

  private dateStatic(interpreter: Interpreter, method: string, args: Value[], site: Site): Value | typeof NOT_FOUND {
    switch (method) {
      case 'newinstance':
        return ApexDate.of(
          requireInteger(interpreter, arg(args, 0), site),
          requireInteger(interpreter, arg(args, 1), site),
          requireInteger(interpreter, arg(args, 2), site),
        );
      case 'today':
        return new ApexDate(Math.floor(this.bridge.org.now() / DAY_MS));
      case 'valueof': {
        const value = arg(args, 0);
        if (value instanceof ApexDatetime) return new ApexDate(Math.floor(value.epochMs / DAY_MS));
        const text = requireString(interpreter, value, site);
        const match = /^(\d{4})-(\d{1,2})-(\d{1,2})( \d{1,2}:\d{2}:\d{2})?$/.exec(text.trim());
        const date = match ? ApexDate.of(Number(match[1]), Number(match[2]), Number(match[3])) : undefined;
        if (!match || !date || date.parts.month !== Number(match[2]) || date.parts.day !== Number(match[3]))
          interpreter.fail('TypeException', `Invalid date: ${text}`, site);
        return date;
      }
      case 'isleapyear': {
        const year = requireInteger(interpreter, arg(args, 0), site);
        return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
      }
      case 'daysinmonth':
        return new Date(
          Date.UTC(requireInteger(interpreter, arg(args, 0), site), requireInteger(interpreter, arg(args, 1), site), 0),
        ).getUTCDate();
      default:
        return NOT_FOUND;
    }
  }

  /** The sandbox's users all live in GMT: Datetime.newInstance and newInstanceGmt agree (see README). */
  private datetimeStatic(
    interpreter: Interpreter,
    method: string,
    args: Value[],
    site: Site,
  ): Value | typeof NOT_FOUND {
    switch (method) {
      case 'newinstance':
      case 'newinstancegmt': {
        if (args[0] instanceof ApexDate) return new ApexDatetime(args[0].epochDay * DAY_MS);
        const [year, month, day, hour, minute, second] = args.map((value) => requireInteger(interpreter, value, site));
        return new ApexDatetime(Date.UTC(year!, month! - 1, day!, hour ?? 0, minute ?? 0, second ?? 0));
      }
      case 'now':
        return new ApexDatetime(this.bridge.org.now());
      case 'valueof':
      case 'valueofgmt': {
        const text = requireString(interpreter, arg(args, 0), site);
        const match = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text.trim());
        if (!match) interpreter.fail('TypeException', `Invalid date/time: ${text}`, site);
        return new ApexDatetime(
          Date.UTC(
            Number(match[1]),
            Number(match[2]) - 1,
            Number(match[3]),
            Number(match[4]),
            Number(match[5]),
            Number(match[6]),
          ),
        );
      }
      default:
        return NOT_FOUND;
    }
  }

  // ---- Test --------------------------------------------------------------------------------------------------

  private test(
    interpreter: Interpreter,
    method: string,
    args: Value[],
    site: Site,
  ): Value | typeof NOT_FOUND | Promise<Value> {
    const context = interpreter.context;
    switch (method) {
      case 'isrunningtest':
        return context.isTest;
      case 'starttest':
        if (context.testStarted) interpreter.fail('FinalException', 'Testing already started', site);
        context.testStarted = true;
        context.outerLimits = context.limits;
        context.limits = new GovernorLimits();
        context.testBlockLimits = context.limits;
        // "Performing DML Operations and Mock Callouts": DML before Test.startTest() does not block a callout after it.
        context.uncommittedWork = false;
        return null;
      case 'stoptest':
        if (!context.testStarted || !context.outerLimits)
          interpreter.fail('FinalException', 'Testing has not started', site);
        return this.deliverPublishes(interpreter, 'success', site).then(() => {
          context.limits = context.outerLimits!;
          context.outerLimits = null;
          return null;
        });
      case 'setmock': {
        const mock = arg(args, 1);
        if (!(mock instanceof ApexObject))
          return interpreter.unsupported('Test.setMock with a mock that is not an Apex object', site);
        const type = arg(args, 0);
        if (
          !(type instanceof ApexTypeValue) ||
          type.name.toLowerCase().replace(/^system\./, '') !== 'httpcalloutmock'
        ) {
          return interpreter.unsupported(
            `Test.setMock of ${type instanceof ApexTypeValue ? type.name : 'an unknown type'}`,
            site,
          );
        }
        context.calloutMock = mock;
        return null;
      }
      case 'geteventbus':
        return new NativeObject('EventBus.TestBroker');
      default:
        return NOT_FOUND;
    }
  }

  /**
   * Test.getEventBus().deliver()/fail() and Test.stopTest(): in a test, published events wait for these, and the
   * publish callbacks run then (Platform Events Developer Guide, "Test Platform Event Publish Callbacks").
   */
  async deliverPublishes(interpreter: Interpreter, outcome: 'success' | 'failure', site: Site): Promise<void> {
    const pending = interpreter.context.pendingPublishes.splice(0);
    for (const publish of pending) {
      if (!publish.callback) continue;
      const method = outcome === 'success' ? 'onsuccess' : 'onfailure';
      const implemented = publish.callback.cls.methods.some((candidate) => candidate.name.toLowerCase() === method);
      if (!implemented) continue;
      const result = new NativeObject(outcome === 'success' ? 'EventBus.SuccessResult' : 'EventBus.FailureResult', {
        eventUuids: publish.eventUuids,
      });
      await interpreter.callOn(publish.callback, method, [result], site);
    }
  }

  // ---- Database, EventBus ------------------------------------------------------------------------------------

  private async database(
    interpreter: Interpreter,
    method: string,
    args: Value[],
    site: Site,
  ): Promise<Value | typeof NOT_FOUND> {
    if (!['insert', 'update', 'delete', 'undelete', 'upsert'].includes(method)) return NOT_FOUND;
    const operation = method as 'insert' | 'update' | 'delete' | 'undelete' | 'upsert';
    const target = arg(args, 0);
    let externalIdField: string | null = null;
    let rest = args.slice(1);
    if (operation === 'upsert' && rest[0] instanceof ApexTypeValue) {
      externalIdField = rest[0].field ?? null;
      rest = rest.slice(1);
    }
    // (records), (records, allOrNone), (records, accessLevel), (records, allOrNone, accessLevel).
    let allOrNone = true;
    let mode: AccessMode = 'system';
    for (const option of rest) {
      if (typeof option === 'boolean') allOrNone = option;
      else if (option instanceof ApexEnum && option.typeName === 'System.AccessLevel')
        mode = option.name === 'USER_MODE' ? 'user' : 'system';
      else interpreter.unsupported(`Database.${method} with a ${interpreter.runtimeTypeName(option)} argument`, site);
    }
    const single = !(target instanceof ApexList);
    const records = this.bridge.recordsOf(interpreter, target, site);
    if (allOrNone) {
      await this.bridge.dml(interpreter, operation, target, site, externalIdField, mode);
      return this.resultsOf(
        records.map((record) => ({
          id: (record.fields.get('id')?.value as string | null) ?? null,
          success: true,
          errors: [],
        })),
        operation,
        single,
      );
    }
    const results = await this.bridge.execute(interpreter, operation, records, false, site, externalIdField, mode);
    return this.resultsOf(results, operation, single);
  }

  private resultsOf(
    results: readonly {
      id: string | null;
      success: boolean;
      created?: boolean;
      errors: readonly { statusCode: string; message: string; fields: readonly string[] }[];
    }[],
    operation: string,
    single: boolean,
  ): Value {
    const typeName = `Database.${operation === 'delete' ? 'Delete' : operation === 'undelete' ? 'Undelete' : operation === 'upsert' ? 'Upsert' : 'Save'}Result`;
    const converted = results.map((result) =>
      saveResult(result.id, result.success, result.errors, typeName, result.created),
    );
    return single ? converted[0]! : new ApexList(typeRef(typeName), converted);
  }

  /**
   * EventBus.publish (Apex Reference Guide, "EventBus Class"): never throws for a refused event, returns a
   * SaveResult per event. A call for PublishImmediately events counts against the publish-immediate limit
   * (Limits.getPublishImmediateDML), one for PublishAfterCommit events against the DML statement limit (Execution
   * Governors and Limits; Platform Events Developer Guide, "Platform Event Publish Behavior").
   */
  private async publish(interpreter: Interpreter, target: Value, callback: Value, site: Site): Promise<Value> {
    const single = !(target instanceof ApexList);
    const events = this.bridge.recordsOf(interpreter, target, site);
    const eventType = events[0] && this.bridge.org.schema.object(events[0].objectName);
    const immediate = eventType?.publishBehavior === 'PublishImmediately';
    interpreter.spendLimit(immediate ? 'publishImmediateDml' : 'dmlStatements', 1, site);
    for (const event of events) {
      if (!event.fields.get('eventuuid')?.value)
        event.fields.set('eventuuid', { name: 'EventUuid', value: randomUUID() });
    }
    // The publisher's peak: the changes, their payload JSON and the events all held at once.
    interpreter.checkHeap(site);
    const results = await this.bridge.publishEvents(interpreter, events, site);
    if (interpreter.context.isTest) {
      interpreter.context.pendingPublishes.push({
        eventUuids: events
          .filter((_, index) => results[index]!.success)
          .map((event) => event.fields.get('eventuuid')!.value as string),
        callback: callback instanceof ApexObject ? callback : null,
      });
    }
    return this.resultsOf(results, 'insert', single);
  }

  // ---- custom settings ---------------------------------------------------------------------------------------

  private sObjectStatic(
    interpreter: Interpreter,
    objectName: string,
    method: string,
    args: Value[],
    site: Site,
  ): Value | typeof NOT_FOUND {
    const settings = this.bridge.org.customSettings;
    const row = (values: Readonly<Record<string, unknown>>) =>
      sObjectFromRow(this.bridge.org.schema, objectName, values, false);
    try {
      switch (method) {
        case 'getinstance':
          return row(
            settings.getInstance(
              objectName,
              typeof arg(args, 0) === 'string' ? (arg(args, 0) as string) : interpreter.context.runningUser,
            ),
          );
        case 'getorgdefaults':
          return row(settings.getOrgDefaults(objectName));
        case 'getvalues':
          return row(settings.getInstance(objectName, requireString(interpreter, arg(args, 0), site)));
        default:
          return NOT_FOUND;
      }
    } catch (error) {
      if (error instanceof Error && 'code' in error)
        return interpreter.unsupported(`${objectName}.${method}(): ${error.message}`, site);
      throw error;
    }
  }
}

export function isTypeArgument(value: Value): value is ApexTypeValue {
  return value instanceof ApexTypeValue;
}

export type { TypeRef, ApexSObject };
