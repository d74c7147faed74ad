/**
 * The Apex classes of the generated client GentrackApi, from the operation table's zod shapes (through JSON Schema):
 * per open operation a response class, for operations with a query a query class, for writes a request class, and
 * one class per nested object, named after the property that holds it (`bills` -> Bill). Two properties holding
 * different shapes under one name get the parent's name in front. Apex reserved words are never used as names.
 */
import { z } from 'zod';
import type { GentrackApiOperation, GentrackApiOperationName } from '../../../model/gentrack-operations.js';

export type ApexType =
  | { readonly kind: 'String' | 'Decimal' | 'Integer' | 'Boolean' | 'Object' | 'Map' }
  | { readonly kind: 'class'; readonly name: string }
  | { readonly kind: 'list'; readonly of: ApexType };

export interface ApexField {
  /** The property's name in Gentrack's JSON. */
  readonly jsonName: string;
  /** Its name in Apex: the JSON name, unless that is reserved. */
  readonly apexName: string;
  readonly type: ApexType;
  readonly required: boolean;
  /** A value the tests use (from the schema: an enum's first value, a valid date, ...). */
  readonly sample: unknown;
}

export interface ApexClassShape {
  readonly name: string;
  readonly role: 'response' | 'request' | 'query';
  readonly fields: readonly ApexField[];
}

/**
 * Apex's reserved keywords (Apex Developer Guide, "Reserved Keywords"), lower case: identifiers are case-insensitive,
 * so none of these may name a field or class in any case.
 */
const RESERVED = new Set(
  `abstract activate and any array as asc autonomous begin bigdecimal blob boolean break bulk by byte case cast catch
  char class collect commit const continue currency date datetime decimal default delete desc do double else end enum
  exception exit export extends false final finally float for from global goto group having hint if implements import
  in inner insert instanceof int integer interface into join last_90_days last_month last_n_days last_week like limit
  list long loop map merge new next_90_days next_month next_n_days next_week not null nulls number object of on or
  outer override package parallel pragma private protected public retrieve return rollback select set short sobject
  sort stat static string super switch synchronized system testmethod then this this_month this_week throw time today
  tolabel tomorrow transaction trigger true try type undelete update upsert using virtual webservice when where while
  yesterday`.split(/\s+/),
);

/** A field or class name Apex accepts: reserved words get a suffix (`currency` -> `currencyValue`). */
export function apexIdentifier(name: string, suffix = 'Value'): string {
  return RESERVED.has(name.toLowerCase()) ? `${name}${suffix}` : name;
}

/** Standard objects an inner class must not shadow (the summary controller uses them beside GentrackApi). */
const SOBJECT_NAMES = new Set(['account', 'contact', 'case', 'user', 'task', 'order', 'quote', 'contract', 'asset']);

function apexClassName(name: string): string {
  if (SOBJECT_NAMES.has(name.toLowerCase())) return `${name}Details`;
  return apexIdentifier(name, 'Record');
}

export function pascal(text: string): string {
  return text
    .split(/[-_\s]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
}

function singular(name: string): string {
  if (name.endsWith('ies')) return `${name.slice(0, -3)}y`;
  if (name.endsWith('ses')) return name.slice(0, -2);
  if (name.endsWith('s')) return name.slice(0, -1);
  return name;
}

/** `get-account-balance` -> getAccountBalance */
export function methodNameOf(operation: string): string {
  const name = pascal(operation);
  return name[0]!.toLowerCase() + name.slice(1);
}

/** GETs name what they read (AccountBalance); writes what they give back (ValidateMeterReadsResult). */
export function responseClassOf(operation: GentrackApiOperationName, definition: GentrackApiOperation): string {
  return definition.method === 'GET' ? pascal(operation.replace(/^get-/, '')) : `${pascal(operation)}Result`;
}

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  format?: string;
  additionalProperties?: unknown;
}

export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  return z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
}

/** The shapes of the classes one operation needs, added to `classes` (shared ones once). */
export class ApexShapes {
  readonly classes = new Map<string, ApexClassShape & { readonly signature: string }>();

  /** Adds the class for an object schema under `name` (or a prefixed name on a clash) and returns its name. */
  addObject(name: string, schema: JsonSchema, role: ApexClassShape['role'], parent: string): string {
    const signature = JSON.stringify([role, schema]);
    const base = apexClassName(name);
    let className = base;
    // Another shape under the same name: the parent's name in front, then a number.
    for (
      let attempt = 1;
      this.classes.has(className) && this.classes.get(className)!.signature !== signature;
      attempt++
    ) {
      className = attempt === 1 && parent !== '' ? `${parent}${base}` : `${base}${attempt}`;
    }
    if (this.classes.get(className)?.signature === signature) return className;
    // Reserve the name before the fields, so a property of the same name deeper down does not take it.
    const fields: ApexField[] = [];
    this.classes.set(className, { name: className, role, fields, signature });
    const required = new Set(schema.required ?? []);
    for (const [jsonName, property] of Object.entries(schema.properties ?? {})) {
      fields.push({
        jsonName,
        apexName: apexIdentifier(jsonName),
        type: this.typeOf(jsonName, property, role, className),
        required: required.has(jsonName),
        sample: sampleOf(jsonName, property),
      });
    }
    return className;
  }

  private typeOf(property: string, schema: JsonSchema, role: ApexClassShape['role'], parent: string): ApexType {
    const variants = (schema.anyOf ?? schema.oneOf ?? []).filter((variant) => variant.type !== 'null');
    if (variants.length === 1) return this.typeOf(property, variants[0]!, role, parent);
    if (variants.length > 1) return { kind: 'Object' };
    const type = Array.isArray(schema.type) ? schema.type.find((candidate) => candidate !== 'null') : schema.type;
    switch (type) {
      case 'string':
        return { kind: 'String' };
      case 'integer':
        return { kind: 'Integer' };
      case 'number':
        return { kind: 'Decimal' };
      case 'boolean':
        return { kind: 'Boolean' };
      case 'array':
        return { kind: 'list', of: this.typeOf(singular(property), schema.items ?? {}, role, parent) };
      case 'object':
        if (!schema.properties || Object.keys(schema.properties).length === 0) return { kind: 'Map' };
        return { kind: 'class', name: this.addObject(pascal(property), schema, role, parent) };
      default:
        return { kind: 'Object' };
    }
  }
}

const SAMPLE_DATE = '2024-06-20';

/** A valid value of the schema, for the generated tests: every optional property filled, arrays of one. */
export function sampleOf(name: string, schema: JsonSchema): unknown {
  const variants = (schema.anyOf ?? schema.oneOf ?? []).filter((variant) => variant.type !== 'null');
  if (variants.length > 0) return sampleOf(name, variants[0]!);
  if (schema.enum) return schema.enum[0];
  if (schema.const !== undefined) return schema.const;
  const type = Array.isArray(schema.type) ? schema.type.find((candidate) => candidate !== 'null') : schema.type;
  switch (type) {
    case 'string':
      if (schema.pattern?.includes('\\d{4})-(\\d{2})')) return SAMPLE_DATE;
      if (schema.format === 'base64') return 'JVBERi0xLjQ=';
      if (name === 'currency') return 'AUD';
      return `${name}-1`;
    case 'integer':
      return 2;
    case 'number':
      return 12.5;
    case 'boolean':
      return true;
    case 'array':
      return [sampleOf(singular(name), schema.items ?? {})];
    case 'object':
      return Object.fromEntries(
        Object.entries(schema.properties ?? {}).map(([property, inner]) => [property, sampleOf(property, inner)]),
      );
    default:
      return `${name}-1`;
  }
}
