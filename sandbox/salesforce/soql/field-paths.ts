/**
 * Resolves SOQL field paths (`Name`, `Account.Gentrack_External_Id__c`, `Who.Name`) against the schema (or the part
 * of it a user may read) and reads them from stored records, following references through the store.
 */
import { SalesforceError } from '../errors.js';
import type { RecordStore } from '../org/record-store.js';
import type { FieldSchema, FieldValue, OrgSchema, SObjectRecord, SObjectSchema } from '../org/schema.js';
import type { FieldPath } from './ast.js';

export interface ResolvedPath {
  readonly text: string;
  /** The reference fields followed, in order (empty for a field of the queried object). */
  readonly hops: readonly FieldSchema[];
  /** The field read at the end; for a polymorphic hop, its schema on the first object that has it. */
  readonly field: FieldSchema;
  /** Canonical names of the relationships and the final field, as the result records carry them. */
  readonly outputNames: readonly string[];
  /** The value, or null when a reference on the way is empty or points at a deleted record. */
  read(record: SObjectRecord): FieldValue;
  /** The record reached after `depth` hops (depth 0: the record itself). */
  recordAt(record: SObjectRecord, depth: number): { object: SObjectSchema; record: SObjectRecord } | undefined;
}

/** What a user may read, when a query runs in user mode: the rest does not exist for it. */
export interface ReadAccess {
  canRead(object: SObjectSchema): boolean;
  canReadField(object: SObjectSchema, field: FieldSchema): boolean;
}

export function resolvePath(
  path: FieldPath,
  from: SObjectSchema,
  schema: OrgSchema,
  store: RecordStore,
  readable?: ReadAccess,
): ResolvedPath {
  const hops: FieldSchema[] = [];
  const outputNames: string[] = [];
  let candidates: SObjectSchema[] = [from];
  const fieldOf = (object: SObjectSchema, name: string, lookup: (name: string) => FieldSchema | undefined) => {
    const field = lookup(name);
    return field && (!readable || readable.canReadField(object, field)) ? field : undefined;
  };
  for (const [index, part] of path.parts.entries()) {
    const last = index === path.parts.length - 1;
    if (last) {
      const found = candidates
        .map((object) => fieldOf(object, part, (name) => object.field(name)))
        .find((field) => field !== undefined);
      if (!found) {
        if (hops.length === 0) throw unknownColumn(part, from.name);
        throw unknownColumn(path.text, from.name);
      }
      outputNames.push(found.name);
      return makePath(path.text, hops, found, outputNames, from, store);
    }
    const reference = candidates
      .map((object) => fieldOf(object, part, (name) => object.relationship(name)))
      .find((field) => field !== undefined);
    if (!reference) throw unknownRelationship(part);
    hops.push(reference);
    outputNames.push(reference.relationshipName!);
    candidates = reference.referenceTo
      .map((name) => schema.object(name))
      .filter((object): object is SObjectSchema => object !== undefined && (!readable || readable.canRead(object)));
  }
  throw unknownColumn(path.text, from.name);
}

function makePath(
  text: string,
  hops: readonly FieldSchema[],
  field: FieldSchema,
  outputNames: readonly string[],
  from: SObjectSchema,
  store: RecordStore,
): ResolvedPath {
  const recordAt = (
    record: SObjectRecord,
    depth: number,
  ): { object: SObjectSchema; record: SObjectRecord } | undefined => {
    let current: { object: SObjectSchema; record: SObjectRecord } | undefined = { object: from, record };
    for (let hop = 0; hop < depth && current; hop++) {
      const id: FieldValue | undefined = current.record[hops[hop]!.name];
      const next: { object: SObjectSchema; record: SObjectRecord } | undefined =
        typeof id === 'string' ? store.find(id) : undefined;
      current = next && next.record['IsDeleted'] !== true ? next : undefined;
    }
    return current;
  };
  const fieldName = field.name;
  const read =
    hops.length === 0
      ? (record: SObjectRecord) => record[fieldName] ?? null
      : (record: SObjectRecord) => {
          const target = recordAt(record, hops.length);
          // A polymorphic hop may land on an object without the field.
          return target ? (target.record[target.object.field(fieldName)?.name ?? fieldName] ?? null) : null;
        };
  return { text, hops, field, outputNames, read, recordAt };
}

function unknownColumn(field: string, objectName: string): SalesforceError {
  return new SalesforceError(
    'INVALID_FIELD',
    `No such column '${field}' on entity '${objectName}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
  );
}

function unknownRelationship(name: string): SalesforceError {
  return new SalesforceError(
    'INVALID_FIELD',
    `Didn't understand relationship '${name}' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`,
  );
}
