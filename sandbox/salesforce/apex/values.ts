/**
 * Apex values at run time. Integer and Long are JS numbers; Decimal and Double keep their scale (ApexDecimal), so
 * integer division truncates and `1.10` prints as `1.10` (Apex Developer Guide, "Primitive Data Types"). String and
 * Id are JS strings; Boolean is boolean; null is null. Everything else is a class below.
 */
import { toId18 } from '../org/ids.js';
import type { ClassDecl, TypeRef } from './ast.js';

export type Value =
  | null
  | string
  | number
  | boolean
  | ApexDecimal
  | ApexDate
  | ApexDatetime
  | ApexBlob
  | ApexList
  | ApexSet
  | ApexMap
  | ApexSObject
  | ApexObject
  | ApexEnum
  | NativeObject
  | ApexTypeValue;

export class ApexDecimal {
  constructor(
    readonly value: number,
    readonly scale: number,
    readonly double = false,
  ) {}
  static of(value: number, scale?: number): ApexDecimal {
    return new ApexDecimal(value, scale ?? scaleOf(value));
  }
  static parse(text: string): ApexDecimal {
    const trimmed = text.trim();
    if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(trimmed)) throw new TypeError(`Invalid decimal: ${text}`);
    const fraction = /\.(\d*)/.exec(trimmed.replace(/[eE].*$/, ''));
    return new ApexDecimal(Number(trimmed), fraction ? fraction[1]!.length : 0);
  }
  toString(): string {
    return this.double ? String(this.value) : this.value.toFixed(Math.min(this.scale, 20));
  }
}

function scaleOf(value: number): number {
  const text = String(value);
  const dot = text.indexOf('.');
  return dot < 0 || text.includes('e') ? 0 : text.length - dot - 1;
}

/** A calendar day: days since 1970-01-01. */
export class ApexDate {
  constructor(readonly epochDay: number) {}
  static of(year: number, month: number, day: number): ApexDate {
    return new ApexDate(Math.floor(Date.UTC(year, month - 1, day) / 86_400_000));
  }
  get parts(): { year: number; month: number; day: number } {
    const date = new Date(this.epochDay * 86_400_000);
    return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
  }
  toString(): string {
    return new Date(this.epochDay * 86_400_000).toISOString().slice(0, 10);
  }
}

/** An instant in milliseconds; Apex prints it in GMT as `yyyy-MM-dd HH:mm:ss` through String.valueOf. */
export class ApexDatetime {
  constructor(readonly epochMs: number) {}
  toString(): string {
    return new Date(this.epochMs).toISOString().slice(0, 19).replace('T', ' ');
  }
  toIso(): string {
    return new Date(this.epochMs).toISOString();
  }
}

export class ApexBlob {
  constructor(readonly bytes: Buffer) {}
}

export class ApexList {
  private elements: Value[] | undefined;
  private makeElements: (() => Value[]) | undefined;

  /** `items` may be a function making them: a trigger chunk's Trigger.new is made when Apex first reads it. */
  constructor(
    readonly elementType: TypeRef,
    items: Value[] | (() => Value[]),
  ) {
    if (typeof items === 'function') this.makeElements = items;
    else this.elements = items;
  }

  get items(): Value[] {
    if (!this.elements) {
      this.elements = this.makeElements!();
      this.makeElements = undefined;
    }
    return this.elements;
  }
}

/** A Set keeps insertion order; String members are case-sensitive, Ids compare as 18 characters. */
export class ApexSet {
  readonly members = new Map<string, Value>();
  constructor(readonly elementType: TypeRef) {}
}

export class ApexMap {
  readonly entries = new Map<string, [Value, Value]>();
  constructor(
    readonly keyType: TypeRef,
    readonly valueType: TypeRef,
  ) {}
}

/** An sObject: its type and the fields set on it (queried or assigned), by lower-cased name. */
export type SObjectFields = Map<string, { name: string; value: Value }>;

export class ApexSObject {
  private assignedFields: Set<string> | undefined;
  private fieldValues: SObjectFields | undefined;
  constructor(
    readonly objectName: string,
    /** Rows from SOQL refuse fields that were not queried (SObjectException). */
    readonly queried = false,
    /** Trigger.new and Trigger.old records of an after trigger cannot be changed (FinalException). */
    readonly readOnly = false,
    /** Converts an immutable stored row on first use: a trigger chunk hands Apex 200 records it may never read. */
    private convert?: () => SObjectFields,
  ) {}

  /** Fields Apex code set (lower-cased): what an update writes. Made on first use, as most records are only read. */
  get assigned(): Set<string> {
    return (this.assignedFields ??= new Set());
  }

  /** Field values by lower-cased name. */
  get fields(): SObjectFields {
    if (!this.fieldValues) {
      this.fieldValues = this.convert?.() ?? new Map();
      this.convert = undefined;
    }
    return this.fieldValues;
  }
}

/** An instance of a class declared in Apex (exceptions included). */
export class ApexObject {
  readonly fields = new Map<string, Value>();
  /** Set for exceptions: the message, cause and where it was thrown. */
  exception?: { message: string | null; cause: Value; line: number; file: string };
  constructor(readonly cls: ClassDecl) {}
}

export class ApexEnum {
  constructor(
    readonly typeName: string,
    readonly name: string,
    readonly ordinal: number,
  ) {}
}

/** A value of a system class (HttpRequest, Database.SaveResult, Pattern, ...), implemented in TypeScript. */
export class NativeObject {
  readonly properties = new Map<string, Value>();
  constructor(
    readonly typeName: string,
    readonly state: Record<string, unknown> = {},
  ) {}
}

/** `Foo.class`, `Account.SObjectType`, `Account.Name` (a field token): type-like values. */
export class ApexTypeValue {
  constructor(
    readonly kind: 'type' | 'sObjectType' | 'sObjectField',
    readonly name: string,
    readonly field?: string,
  ) {}
}

export const typeRef = (name: string, ...args: TypeRef[]): TypeRef => ({ name, args });
export const OBJECT_TYPE = typeRef('Object');
export const STRING_TYPE = typeRef('String');

export function isNumber(value: Value): value is number | ApexDecimal {
  return typeof value === 'number' || value instanceof ApexDecimal;
}

export function numeric(value: number | ApexDecimal): number {
  return typeof value === 'number' ? value : value.value;
}

/** The key under which Sets and Maps hold a value (Apex: hashCode/equals; Strings case-sensitive). */
export function keyOf(value: Value, asId = false): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return `s:${asId ? (toId18(value) ?? value) : value}`;
  if (typeof value === 'number') return `n:${value}`;
  if (typeof value === 'boolean') return `b:${value}`;
  if (value instanceof ApexDecimal) return `n:${value.value}`;
  if (value instanceof ApexDate) return `d:${value.epochDay}`;
  if (value instanceof ApexDatetime) return `t:${value.epochMs}`;
  if (value instanceof ApexEnum) return `e:${value.typeName}.${value.name}`;
  if (value instanceof ApexSObject)
    return `o:${value.objectName}:${[...value.fields.entries()].map(([key, field]) => `${key}=${keyOf(field.value)}`).join(',')}`;
  if (value instanceof ApexTypeValue) return `y:${value.kind}:${value.name}:${value.field ?? ''}`;
  return `r:${identity(value)}`;
}

const identities = new WeakMap<object, number>();
let nextIdentity = 1;
/** Gives `copy` the identity of `original` (hashCode(), identity-keyed Set and Map members), as a deep copy must. */
export function copyIdentity(original: object, copy: object): void {
  const id = identities.get(original);
  if (id !== undefined) identities.set(copy, id);
}

function identity(value: object): number {
  let id = identities.get(value);
  if (id === undefined) identities.set(value, (id = nextIdentity++));
  return id;
}
