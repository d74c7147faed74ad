/**
 * Checks a parsed query against the schema (unknown objects and fields, literals of the wrong type: the errors
 * Salesforce reports) and turns it into closures: a row filter, a row order and the selected paths. Given what
 * the querying user may read (Apex `WITH USER_MODE`), objects and fields they cannot read do not exist for the
 * query, in every clause: Salesforce reports them as it reports unknown ones.
 */
import { SalesforceError, invalidType } from '../errors.js';
import { formatDate, formatDateTime } from '../org/datetime.js';
import { toId18 } from '../org/ids.js';
import type { RecordStore } from '../org/record-store.js';
import {
  isNumberType,
  isTextType,
  type FieldSchema,
  type FieldValue,
  type OrgSchema,
  type SObjectRecord,
  type SObjectSchema,
} from '../org/schema.js';
import type { Condition, FieldPath, Literal, SoqlQuery } from './ast.js';
import { dateLiteralRange } from './date-literals.js';
import { resolvePath, type ReadAccess, type ResolvedPath } from './field-paths.js';

export type { ReadAccess };

export interface CompiledQuery {
  readonly object: SObjectSchema;
  /** `SELECT COUNT()`: only the number of rows is returned. */
  readonly count: boolean;
  readonly columns: readonly ResolvedPath[];
  readonly where?: (record: SObjectRecord) => boolean;
  /** Ids the WHERE clause limits the rows to, when it pins an indexed field: spares a table scan. */
  readonly candidates?: (includeDeleted: boolean) => Iterable<string> | undefined;
  readonly compare?: (a: SObjectRecord, b: SObjectRecord) => number;
  readonly limit?: number;
  readonly offset?: number;
}

type Predicate = (record: SObjectRecord) => boolean;

/** A comparable form of a stored value: text lower-cased, dates and datetimes as their (sortable) ISO strings. */
type Comparable = string | number | boolean;

export function compileQuery(
  query: SoqlQuery,
  schema: OrgSchema,
  store: RecordStore,
  now: number,
  readable?: ReadAccess,
): CompiledQuery {
  const object = schema.object(query.from);
  if (!object || object.kind === 'platformEvent' || (readable && !readable.canRead(object)))
    throw invalidType(query.from);
  const resolve = (path: FieldPath) => resolvePath(path, object, schema, store, readable);
  const count = query.select.some((item) => item.kind === 'count');
  const columns: ResolvedPath[] = [];
  for (const item of query.select) {
    if (item.kind !== 'field') continue;
    const column = resolve(item.path);
    if (
      columns.some(
        (existing) => existing.outputNames.join('.').toLowerCase() === column.outputNames.join('.').toLowerCase(),
      )
    ) {
      throw new SalesforceError('MALFORMED_QUERY', `duplicate field selected: ${item.path.text}`);
    }
    columns.push(column);
  }
  const compiler = new ConditionCompiler(resolve, now);
  const orderings = query.orderBy.map((order) => ({
    descending: order.descending,
    nullsLast: order.nullsLast,
    path: resolve(order.path),
  }));
  for (const ordering of orderings) {
    if (
      ordering.path.field.type === 'multipicklist' ||
      (ordering.path.field.type === 'textarea' && ordering.path.field.length > 255)
    ) {
      throw new SalesforceError('INVALID_FIELD', `field '${ordering.path.text}' can not be sorted in a query call`);
    }
  }
  if (query.offset !== undefined && query.offset > 2000) {
    throw new SalesforceError('NUMBER_OUTSIDE_VALID_RANGE', `Maximum SOQL offset allowed is 2000`);
  }
  return {
    object,
    count,
    columns,
    ...(query.where
      ? { where: compiler.compile(query.where), candidates: indexCandidates(query.where, object, store) }
      : {}),
    ...(orderings.length > 0
      ? {
          compare: (a: SObjectRecord, b: SObjectRecord) => {
            for (const { path, descending, nullsLast } of orderings) {
              const left = comparable(path.field, path.read(a));
              const right = comparable(path.field, path.read(b));
              if (left === right) continue;
              if (left === null) return nullsLast ? 1 : -1;
              if (right === null) return nullsLast ? -1 : 1;
              return (left < right ? -1 : 1) * (descending ? -1 : 1);
            }
            return 0;
          },
        }
      : {}),
    ...(query.limit === undefined ? {} : { limit: query.limit }),
    ...(query.offset === undefined ? {} : { offset: query.offset }),
  };
}

function comparable(field: FieldSchema, value: FieldValue): Comparable | null {
  if (value === null) return null;
  return typeof value === 'string' && isTextType(field.type) ? value.toLowerCase() : value;
}

/** `Id = '...'`, `Id IN (...)` or an indexed field (External ID, unique) pinned the same way, at the top level. */
function indexCandidates(where: Condition, object: SObjectSchema, store: RecordStore): CompiledQuery['candidates'] {
  const pinned =
    where.kind === 'and'
      ? where.conditions.find((condition) => pins(condition, object, store))
      : pins(where, object, store)
        ? where
        : undefined;
  if (!pinned || pinned.kind !== 'comparison') return undefined;
  const field = object.field(pinned.path.parts[0]!)!;
  const values = (Array.isArray(pinned.value) ? pinned.value : [pinned.value]) as Literal[];
  return (includeDeleted) => {
    if (field.name === 'Id') {
      return values
        .map((literal) => (literal.kind === 'string' ? toId18(literal.value) : undefined))
        .filter((id): id is string => id !== undefined);
    }
    // The indexes hold live records only.
    if (includeDeleted) return undefined;
    const ids = new Set<string>();
    for (const literal of values)
      if (literal.kind === 'string') for (const id of store.findBy(object.name, field.name, literal.value)) ids.add(id);
    return ids;
  };
}

function pins(condition: Condition, object: SObjectSchema, store: RecordStore): boolean {
  if (condition.kind !== 'comparison' || condition.path.parts.length !== 1) return false;
  if (condition.operator !== '=' && condition.operator !== 'IN') return false;
  const field = object.field(condition.path.parts[0]!);
  if (!field || !(field.name === 'Id' || store.isIndexed(object.name, field.name))) return false;
  const values = Array.isArray(condition.value) ? condition.value : [condition.value];
  return (values as Literal[]).every((literal) => literal.kind === 'string');
}

class ConditionCompiler {
  constructor(
    private readonly resolve: (path: FieldPath) => ResolvedPath,
    private readonly now: number,
  ) {}

  compile(condition: Condition): Predicate {
    switch (condition.kind) {
      case 'and': {
        const parts = condition.conditions.map((inner) => this.compile(inner));
        return (record) => parts.every((part) => part(record));
      }
      case 'or': {
        const parts = condition.conditions.map((inner) => this.compile(inner));
        return (record) => parts.some((part) => part(record));
      }
      case 'not': {
        const inner = this.compile(condition.condition);
        return (record) => !inner(record);
      }
      case 'comparison':
        return this.comparison(condition);
    }
  }

  private comparison(condition: Extract<Condition, { kind: 'comparison' }>): Predicate {
    const path = this.resolve(condition.path);
    const field = path.field;
    const read = (record: SObjectRecord) => comparable(field, path.read(record));
    const { operator } = condition;
    if (operator === 'IN' || operator === 'NOT IN') {
      const literals = condition.value as readonly Literal[];
      const values = new Set(literals.flatMap((literal) => this.values(field, literal, condition.path.text)));
      const includesNull = literals.some((literal) => literal.kind === 'null');
      return operator === 'IN'
        ? (record) => {
            const value = read(record);
            return value === null ? includesNull : values.has(value);
          }
        : (record) => {
            const value = read(record);
            return value === null ? !includesNull : !values.has(value);
          };
    }
    if (operator === 'INCLUDES' || operator === 'EXCLUDES') {
      if (field.type !== 'multipicklist') throw invalidOperator(operator, field);
      const wanted = (condition.value as readonly Literal[]).map((literal) => {
        if (literal.kind !== 'string') throw wrongType(field, condition.path.text);
        return literal.value
          .toLowerCase()
          .split(';')
          .map((part) => part.trim());
      });
      const includes = (record: SObjectRecord) => {
        const value = read(record);
        if (value === null) return false;
        const chosen = new Set(String(value).split(';'));
        return wanted.some((set) => set.every((part) => chosen.has(part)));
      };
      return operator === 'INCLUDES' ? includes : (record) => !includes(record);
    }
    const literal = condition.value as Literal;
    if (operator === 'LIKE') {
      if (!isTextType(field.type) && field.type !== 'id' && field.type !== 'reference')
        throw invalidOperator('LIKE', field);
      if (literal.kind !== 'string') throw wrongType(field, condition.path.text);
      const pattern = likePattern(literal.value);
      return (record) => {
        const value = path.read(record);
        return value !== null && pattern.test(String(value));
      };
    }
    if (literal.kind === 'null') {
      if (operator === '=') return (record) => path.read(record) === null;
      if (operator === '!=') return (record) => path.read(record) !== null;
      return () => false;
    }
    if (literal.kind === 'dateLiteral') {
      if (field.type !== 'date' && field.type !== 'datetime') throw wrongType(field, condition.path.text);
      const range = dateLiteralRange(literal.name, literal.n, this.now);
      const format = field.type === 'date' ? formatDate : formatDateTime;
      const start = format(range.start);
      const end = format(range.end);
      const test = rangeTest(operator, start, end);
      return (record) => {
        const value = read(record);
        return value === null ? operator === '!=' : test(value as string);
      };
    }
    const [value] = this.values(field, literal, condition.path.text);
    switch (operator) {
      case '=':
        return (record) => read(record) === value;
      case '!=':
        return (record) => read(record) !== value;
      case '<':
        return (record) => compareWith(read(record), value!, (a, b) => a < b);
      case '>':
        return (record) => compareWith(read(record), value!, (a, b) => a > b);
      case '<=':
        return (record) => compareWith(read(record), value!, (a, b) => a <= b);
      case '>=':
        return (record) => compareWith(read(record), value!, (a, b) => a >= b);
    }
  }

  /** The literal as a comparable value of the field's type, or the error Salesforce reports for a mismatch. */
  private values(field: FieldSchema, literal: Literal, pathText: string): Comparable[] {
    if (literal.kind === 'null') return [];
    if (field.type === 'id' || field.type === 'reference') {
      if (literal.kind !== 'string') throw wrongType(field, pathText);
      const id = toId18(literal.value);
      if (!id) throw new SalesforceError('INVALID_QUERY_FILTER_OPERATOR', `invalid ID field: ${literal.value}`);
      return [id];
    }
    if (isTextType(field.type)) {
      if (literal.kind !== 'string') throw wrongType(field, pathText);
      return [literal.value.toLowerCase()];
    }
    if (isNumberType(field.type)) {
      if (literal.kind !== 'number') throw wrongType(field, pathText);
      return [literal.value];
    }
    if (field.type === 'boolean') {
      if (literal.kind !== 'boolean') throw wrongType(field, pathText);
      return [literal.value];
    }
    if (field.type === 'date') {
      if (literal.kind !== 'date') throw wrongType(field, pathText);
      return [literal.text];
    }
    if (field.type === 'datetime') {
      if (literal.kind !== 'datetime') throw wrongType(field, pathText);
      return [formatDateTime(literal.epochMs)];
    }
    throw wrongType(field, pathText);
  }
}

function compareWith(
  value: Comparable | null,
  literal: Comparable,
  test: (a: Comparable, b: Comparable) => boolean,
): boolean {
  return value !== null && test(value, literal);
}

/** A date literal names a range: `= TODAY` is "within today", `> TODAY` "after today"... */
function rangeTest(operator: string, start: string, end: string): (value: string) => boolean {
  switch (operator) {
    case '=':
      return (value) => value >= start && value < end;
    case '!=':
      return (value) => value < start || value >= end;
    case '<':
      return (value) => value < start;
    case '<=':
      return (value) => value < end;
    case '>':
      return (value) => value >= end;
    default:
      return (value) => value >= start;
  }
}

/** `%` any run, `_` one character, `\%` and `\_` literal; case-insensitive, anchored. */
function likePattern(pattern: string): RegExp {
  let source = '';
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index]!;
    if (char === '\\' && (pattern[index + 1] === '%' || pattern[index + 1] === '_')) {
      source += pattern[++index];
    } else if (char === '%') source += '[\\s\\S]*';
    else if (char === '_') source += '[\\s\\S]';
    else source += char.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 'i');
}

const TYPE_NAMES: Partial<Record<FieldSchema['type'], string>> = {
  datetime: 'dateTime',
  int: 'integer',
  currency: 'currency',
  percent: 'double',
  double: 'double',
  boolean: 'boolean',
  date: 'date',
  id: 'id',
  reference: 'id',
};

function wrongType(field: FieldSchema, pathText: string): SalesforceError {
  const typeName = TYPE_NAMES[field.type] ?? 'string';
  const quoted = isTextType(field.type) || field.type === 'id' || field.type === 'reference';
  return new SalesforceError(
    'INVALID_FIELD',
    `value of filter criterion for field '${pathText}' must be of type ${typeName} and should ${quoted ? '' : 'not '}be enclosed in quotes`,
  );
}

function invalidOperator(operator: string, field: FieldSchema): SalesforceError {
  return new SalesforceError(
    'INVALID_QUERY_FILTER_OPERATOR',
    `invalid operator ${operator} on field ${field.name} of type ${field.type}`,
  );
}
