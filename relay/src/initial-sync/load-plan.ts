/**
 * How a Gentrack extract row becomes a Bulk API 2.0 CSV row, from the connector model alone: the External ID and
 * every mapped field are read at their Gentrack property paths (`gentrackPath`, as model/property-path.ts reads them), lookups become relationship
 * columns resolved by the parent's External ID (`Account.Gentrack_External_Id__c`), and values are put in the form
 * Salesforce reads. Pure: no I/O, so every rule is unit-tested.
 */
import { EXTERNAL_ID_FIELD } from '../../../model/connector-fields.js';
import type { ConnectorModel, MappedField, SyncedObject } from '../../../model/connector-model.js';
import { STANDARD_OBJECTS, type DescribeFieldType } from '../../../model/standard-objects.js';
import { RelayError } from '../platform/errors.js';

/** The stage (and extract file) name of each object the brief names; other objects use their plural label. */
const STAGE_NAMES: Readonly<Record<string, string>> = {
  Account: 'accounts',
  Contact: 'contacts',
  AccountContactRelation: 'relations',
};

export interface ColumnPlan {
  /** The Bulk API CSV header: a field name, or `Relationship.Gentrack_External_Id__c` for a lookup. */
  readonly header: string;
  readonly field: string;
  readonly gentrackPath: string;
  readonly type: DescribeFieldType;
  /** Set for lookups: the parent object, found by its External ID. */
  readonly references?: string;
  /** Salesforce refuses the record without it. */
  readonly required: boolean;
  /** Salesforce lets it be set on insert only (AccountContactRelation's AccountId and ContactId). */
  readonly createOnly: boolean;
}

export interface ObjectPlan {
  readonly object: string;
  /** The stage name, also the extract file's base name. */
  readonly stage: string;
  /** Property path of the External ID in Gentrack records. */
  readonly externalIdPath: string;
  readonly externalIdLength: number;
  /** Columns loaded in the object's main pass; the External ID column comes first. */
  readonly columns: readonly ColumnPlan[];
  /** Lookups to the object itself (Account.ParentId): loaded in a second pass, once every record exists. */
  readonly selfReferences: readonly ColumnPlan[];
}

export class LoadPlanError extends RelayError {
  readonly code = 'INITIAL_SYNC_PLAN';
}

/** The objects in load order (parents before children), each with its columns. */
export function loadPlan(model: ConnectorModel): ObjectPlan[] {
  const plans = model.objects.map(objectPlan);
  return orderByDependencies(plans);
}

function objectPlan(object: SyncedObject): ObjectPlan {
  if (!object.externalId.gentrackPath) {
    throw new LoadPlanError(
      `${object.name} has no externalId.gentrack in config/connector.yaml: the initial synchronisation cannot tell which property of a Gentrack record is its reference`,
    );
  }
  const externalId: ColumnPlan = {
    header: EXTERNAL_ID_FIELD,
    field: EXTERNAL_ID_FIELD,
    gentrackPath: object.externalId.gentrackPath,
    type: 'string',
    required: true,
    createOnly: false,
  };
  const columns = object.fields.map((field) => columnOf(object.name, field));
  return {
    object: object.name,
    stage: STAGE_NAMES[object.name] ?? object.pluralLabel.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
    externalIdPath: object.externalId.gentrackPath,
    externalIdLength: object.externalId.length,
    columns: [externalId, ...columns.filter((column) => column.references !== object.name)],
    selfReferences: columns.filter((column) => column.references === object.name),
  };
}

function columnOf(objectName: string, field: MappedField): ColumnPlan {
  const standard = STANDARD_OBJECTS[objectName]?.fields.find((candidate) => candidate.name === field.name);
  const createOnly =
    objectName === 'AccountContactRelation' && (field.name === 'AccountId' || field.name === 'ContactId');
  const base = {
    field: field.name,
    gentrackPath: field.gentrackPath,
    type: field.describeType,
    required: standard?.required === true,
    createOnly,
  };
  if (!field.references) return { ...base, header: field.name };
  return {
    ...base,
    header: `${relationshipNameOf(field.name)}.${field.references.field}`,
    references: field.references.object,
  };
}

/** Salesforce's relationship name of a lookup: AccountId -> Account, Parent_Account__c -> Parent_Account__r. */
function relationshipNameOf(field: string): string {
  if (field.endsWith('__c')) return `${field.slice(0, -3)}__r`;
  return field.endsWith('Id') ? field.slice(0, -2) : field;
}

function orderByDependencies(plans: ObjectPlan[]): ObjectPlan[] {
  const ordered: ObjectPlan[] = [];
  const placed = new Set<string>();
  const remaining = [...plans];
  while (remaining.length > 0) {
    const index = remaining.findIndex((plan) =>
      plan.columns.every(
        (column) =>
          !column.references ||
          placed.has(column.references) ||
          !plans.some((other) => other.object === column.references),
      ),
    );
    if (index < 0)
      throw new LoadPlanError(
        `the synced objects reference each other in a cycle: ${remaining.map((plan) => plan.object).join(', ')}`,
      );
    const [plan] = remaining.splice(index, 1);
    ordered.push(plan!);
    placed.add(plan!.object);
  }
  return ordered;
}

export interface MappedRow {
  /** The External ID as given. */
  readonly externalId: string;
  /** Case-insensitive key of the External ID (Salesforce compares External IDs ignoring case). */
  readonly key: string;
  /** Cells in `plan.columns` order; '' leaves the field as it is in Salesforce. */
  readonly cells: string[];
  /** Cells in `plan.selfReferences` order. */
  readonly selfCells: string[];
}

export type RowMapping =
  { readonly ok: true; readonly row: MappedRow } | { readonly ok: false; readonly reason: string };

/** A record of the extract: `get` reads a property path (JSON Lines) or a column named by one (CSV). */
export interface GentrackRecord {
  get(path: string): unknown;
}

export function jsonRecord(value: unknown): GentrackRecord {
  return new JsonRecord(value);
}

/** A class, not an object with a closure: one is made per extract row. */
class JsonRecord implements GentrackRecord {
  constructor(private readonly value: unknown) {}

  get(path: string): unknown {
    return readPath(this.value, path);
  }
}

const SPLIT_PATHS = new Map<string, readonly string[]>();

/** getAtPath with the model's few paths split once, not once per row. */
function readPath(source: unknown, path: string): unknown {
  let keys = SPLIT_PATHS.get(path);
  if (!keys) SPLIT_PATHS.set(path, (keys = path.split('.')));
  let node = source;
  for (const key of keys) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

export function mapRow(plan: ObjectPlan, record: GentrackRecord): RowMapping {
  const rawId = record.get(plan.externalIdPath);
  const externalId = typeof rawId === 'string' ? rawId.trim() : typeof rawId === 'number' ? String(rawId) : undefined;
  if (!externalId) {
    return {
      ok: false,
      reason: `${plan.externalIdPath} (the ${EXTERNAL_ID_FIELD} of ${plan.object}) is ${rawId === undefined || rawId === null || rawId === '' ? 'missing' : `not text: ${shown(rawId)}`}`,
    };
  }
  if (externalId.length > plan.externalIdLength) {
    return {
      ok: false,
      reason: `${plan.externalIdPath} "${externalId}" is longer than the ${plan.externalIdLength} characters of ${plan.object}.${EXTERNAL_ID_FIELD}`,
    };
  }
  const problems: string[] = [];
  const cells = cellsOf(plan, plan.columns, record, externalId, problems);
  const selfCells =
    plan.selfReferences.length === 0 ? [] : cellsOf(plan, plan.selfReferences, record, externalId, problems);
  if (problems.length > 0) return { ok: false, reason: problems.join('; ') };
  return { ok: true, row: { externalId, key: externalId.toLowerCase(), cells, selfCells } };
}

function cellsOf(
  plan: ObjectPlan,
  columns: readonly ColumnPlan[],
  record: GentrackRecord,
  externalId: string,
  problems: string[],
): string[] {
  const cells = new Array<string>(columns.length);
  for (let index = 0; index < columns.length; index++) {
    const column = columns[index]!;
    if (column.header === EXTERNAL_ID_FIELD) {
      cells[index] = externalId;
      continue;
    }
    const value = salesforceValue(column.type, record.get(column.gentrackPath));
    if (typeof value === 'object') {
      problems.push(`${column.gentrackPath} (${plan.object}.${column.field}): ${value.problem}`);
      cells[index] = '';
      continue;
    }
    if (value === '' && column.required && column.references) {
      problems.push(
        `${column.gentrackPath} (${plan.object}.${column.field}) is missing: it names the ${column.references} this record belongs to`,
      );
    }
    cells[index] = value;
  }
  return cells;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The CSV text Salesforce reads for a value of a field of `type`, or the reason it cannot be one. */
export function salesforceValue(type: DescribeFieldType, raw: unknown): string | { problem: string } {
  if (raw === undefined || raw === null || raw === '') return '';
  switch (type) {
    case 'boolean':
      if (typeof raw === 'boolean') return String(raw);
      if (typeof raw === 'string' && /^(true|false)$/i.test(raw.trim())) return raw.trim().toLowerCase();
      if (raw === 1 || raw === 0 || raw === '1' || raw === '0') return String(raw === 1 || raw === '1');
      return { problem: `${shown(raw)} is not true or false` };
    case 'date': {
      const text = typeof raw === 'string' ? raw.trim() : '';
      const match = DATE.exec(text);
      if (!match || !isRealDate(Number(match[1]), Number(match[2]), Number(match[3])))
        return { problem: `${shown(raw)} is not a date (YYYY-MM-DD)` };
      return text;
    }
    case 'datetime': {
      const epoch = typeof raw === 'string' ? Date.parse(raw) : Number.NaN;
      if (Number.isNaN(epoch)) return { problem: `${shown(raw)} is not a date and time (ISO 8601)` };
      return new Date(epoch).toISOString();
    }
    case 'double':
    case 'currency':
    case 'percent':
    case 'int': {
      const number =
        typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
      if (!Number.isFinite(number) || (type === 'int' && !Number.isInteger(number)))
        return { problem: `${shown(raw)} is not a number` };
      return String(number);
    }
    case 'multipicklist':
      if (Array.isArray(raw) && raw.every((item) => typeof item === 'string')) return raw.join(';');
      return typeof raw === 'string' ? raw : { problem: `${shown(raw)} is not text or a list of texts` };
    case 'id':
      return { problem: 'record ids cannot be loaded' };
    default:
      if (typeof raw === 'string') return raw;
      if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
      return { problem: `${shown(raw)} is not text` };
  }
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isRealDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!);
}

function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
