/**
 * The org's records: one table per object, secondary indexes for the lookups that must be O(1) (unique and External
 * ID values, and the reference fields relationship rules follow), and an undo journal so a DML call can be rolled
 * back as a whole.
 */
import { keyPrefixOf, mintedSequence } from './ids.js';
import type { FieldSchema, FieldValue, OrgSchema, SObjectRecord, SObjectSchema } from './schema.js';
import { SequenceTable } from './sequence-table.js';

interface UndoEntry {
  readonly objectType: string;
  readonly id: string;
  readonly previous: SObjectRecord | undefined;
}

/**
 * Value -> ids of the live (not deleted) records holding it. Most values (External IDs, unique fields) belong to one
 * record, so a value maps to its id itself, and to a list only when several records share it.
 */
class FieldIndex {
  private readonly byText = new Map<string, string | string[]>();
  /** Values that are minted ids, by their sequence number. */
  private readonly byNumber = new SequenceTable<string | string[]>();
  /** Ids and case-sensitive fields compare exactly; other values ignoring case. */
  private readonly exact: boolean;
  /**
   * Ids are keyed by their minted sequence number, as the tables are (see Table). Every id a reference field holds is
   * a record's exact id, one per number, so the number stands for it; RecordStore.findBy confirms the whole id.
   */
  readonly bySequence: boolean;

  constructor(readonly field: FieldSchema) {
    this.bySequence = field.type === 'reference' || field.type === 'id';
    this.exact = field.caseSensitive || this.bySequence;
  }

  /** The last value lower-cased: a record's External ID is looked up, then indexed, one after the other. */
  private lastText = '';
  private lastKey = '';

  key(value: FieldValue): IndexKey | undefined {
    if (value === null || value === '') return undefined;
    const text = typeof value === 'string' ? value : String(value);
    if (this.bySequence) return mintedSequence(text) ?? text;
    if (this.exact) return text;
    if (text !== this.lastText) {
      this.lastText = text;
      this.lastKey = text.toLowerCase();
    }
    return this.lastKey;
  }

  /**
   * The last key find() found no record for, while still true: an upsert looks its External ID up, then the insert
   * that follows indexes that same value, and the second lookup in a table of millions is not free.
   */
  private absentKey: IndexKey | undefined;

  find(value: FieldValue): readonly string[] {
    const key = this.key(value);
    const found = key === undefined ? undefined : this.get(key);
    if (found === undefined) {
      this.absentKey = key;
      return EMPTY;
    }
    return typeof found === 'string' ? [found] : [...found];
  }

  add(record: SObjectRecord): void {
    const key = this.key(record[this.field.name] ?? null);
    if (key === undefined) return;
    if (key === this.absentKey) {
      // Only add() puts a key in the index, so it is still absent.
      this.absentKey = undefined;
      this.set(key, record.Id);
      return;
    }
    const found = this.get(key);
    if (found === undefined) this.set(key, record.Id);
    else if (typeof found === 'string') {
      if (found !== record.Id) this.set(key, [found, record.Id]);
    } else if (!found.includes(record.Id)) found.push(record.Id);
  }

  remove(record: SObjectRecord): void {
    const key = this.key(record[this.field.name] ?? null);
    if (key === undefined) return;
    const found = this.get(key);
    if (found === record.Id) this.delete(key);
    else if (Array.isArray(found)) {
      const rest = found.filter((id) => id !== record.Id);
      if (rest.length === 0) this.delete(key);
      else this.set(key, rest.length === 1 ? rest[0]! : rest);
    }
  }

  private get(key: IndexKey): string | string[] | undefined {
    return typeof key === 'number' ? this.byNumber.get(key) : this.byText.get(key);
  }

  private set(key: IndexKey, ids: string | string[]): void {
    if (typeof key === 'number') this.byNumber.set(key, ids);
    else this.byText.set(key, ids);
  }

  private delete(key: IndexKey): void {
    if (typeof key === 'number') this.byNumber.delete(key);
    else this.byText.delete(key);
  }
}

const EMPTY: readonly string[] = Object.freeze([]);

/** A value as an index holds it: lower-cased text, exact text, or an id's sequence number. */
type IndexKey = string | number;

/**
 * One object's records by the sequence number minted into their ids (ids.ts mintedSequence), in minting order: a
 * lookup reads an array slot instead of hashing an 18-character id in a table of millions of records. Every record's
 * id is minted by the org, so every record has one; a lookup confirms the whole id.
 */
type Table = SequenceTable<SObjectRecord>;

/** An object's records as a query reads them. */
export interface RecordTable {
  get(id: string): SObjectRecord | undefined;
  values(): IterableIterator<SObjectRecord>;
}

/** The record of `table` behind exactly `id`. */
function lookup(table: Table | undefined, id: string): SObjectRecord | undefined {
  const sequence = mintedSequence(id);
  const record = sequence === undefined ? undefined : table?.get(sequence);
  return record !== undefined && record.Id === id ? record : undefined;
}

function sequenceOf(id: string): number {
  const sequence = mintedSequence(id);
  if (sequence === undefined) throw new Error(`the record store keeps records whose ids the org minted, not ${id}`);
  return sequence;
}

export class RecordStore {
  private readonly tables = new Map<string, Table>();
  private readonly indexes = new Map<string, Map<string, FieldIndex>>();
  /** The same indexes as lists, for the per-write loops. */
  private readonly indexLists = new Map<string, readonly FieldIndex[]>();
  private readonly journal: UndoEntry[] = [];
  /** Only writes made inside a transaction are journaled (setup writes such as users are not). */
  private journaling = false;

  /** `indexedReferences`: reference fields to index per object, beyond the unique and External ID fields. */
  constructor(
    private readonly schema: OrgSchema,
    indexedReferences: Readonly<Record<string, readonly string[]>> = {},
  ) {
    for (const object of schema.objects) {
      this.tables.set(object.name, new SequenceTable());
      const fields = object.fields.filter(
        (field) => field.unique || field.externalId || indexedReferences[object.name]?.includes(field.name),
      );
      const indexes = fields.map((field) => new FieldIndex(field));
      this.indexes.set(object.name, new Map(indexes.map((index) => [index.field.name, index])));
      this.indexLists.set(object.name, indexes);
    }
  }

  /** Every record of an object, deleted ones included, in the order their ids were minted. */
  table(objectType: string): RecordTable {
    const table = this.requireTable(objectType);
    return { get: (id) => lookup(table, id), values: () => table.values() };
  }

  get(objectType: string, id: string): SObjectRecord | undefined {
    return lookup(this.tables.get(objectType), id);
  }

  /** The record behind an 18-character id, whatever its object. */
  find(id: string): { object: SObjectSchema; record: SObjectRecord } | undefined {
    const object = this.schema.objectForKeyPrefix(keyPrefixOf(id));
    const record = object && lookup(this.tables.get(object.name), id);
    return object && record ? { object, record } : undefined;
  }

  /** The record behind an 18-character id, whatever its object (find without its object, for hot paths). */
  findRecord(id: string): SObjectRecord | undefined {
    const object = this.schema.objectForKeyPrefix(keyPrefixOf(id));
    return object && lookup(this.tables.get(object.name), id);
  }

  /** Ids of the live records whose indexed `field` holds `value` (case-insensitively unless the field says otherwise). */
  findBy(objectType: string, field: string, value: FieldValue): readonly string[] {
    const index = this.indexes.get(objectType)?.get(field);
    if (!index) throw new Error(`${objectType}.${field} is not indexed`);
    const ids = index.find(value);
    // An id keyed by its sequence number: the records found hold exactly this id, or another with its number.
    if (index.bySequence && ids.length > 0 && this.get(objectType, ids[0]!)?.[field] !== value) return EMPTY;
    return ids;
  }

  isIndexed(objectType: string, field: string): boolean {
    return this.indexes.get(objectType)?.has(field) ?? false;
  }

  /** Inserts or replaces a record (stored frozen), keeping indexes and the undo journal current. */
  put(objectType: string, record: SObjectRecord): void {
    const table = this.requireTable(objectType);
    const previous = table.get(sequenceOf(record.Id));
    if (previous !== undefined && previous.Id !== record.Id)
      throw new Error(`${record.Id} and ${previous.Id} have one sequence number: ids must come from one IdSequence`);
    if (this.journaling) this.journal.push({ objectType, id: record.Id, previous });
    this.write(objectType, table, previous, Object.isFrozen(record) ? record : Object.freeze(record));
  }

  /**
   * Stores a record whose id was just minted, so no version of it can exist yet: a bulk load adds millions, and the
   * lookup put makes for the previous version is a sizeable share of each.
   */
  add(objectType: string, record: SObjectRecord): void {
    const table = this.requireTable(objectType);
    if (this.journaling) this.journal.push({ objectType, id: record.Id, previous: undefined });
    this.write(objectType, table, undefined, Object.isFrozen(record) ? record : Object.freeze(record));
  }

  /** Removes a record for good (objects without a Recycle Bin). */
  remove(objectType: string, id: string): void {
    const table = this.requireTable(objectType);
    const previous = lookup(table, id);
    if (!previous) return;
    if (this.journaling) this.journal.push({ objectType, id, previous });
    this.write(objectType, table, previous, undefined);
  }

  /** Starts journaling writes: the outermost transaction begins. */
  begin(): void {
    this.journaling = true;
  }

  /** A point to roll back to. */
  mark(): number {
    return this.journal.length;
  }

  rollbackTo(mark: number): void {
    while (this.journal.length > mark) {
      const entry = this.journal.pop()!;
      const table = this.requireTable(entry.objectType);
      this.write(entry.objectType, table, lookup(table, entry.id), entry.previous);
    }
  }

  /** Forgets the undo journal once the outermost transaction has committed. */
  commit(): void {
    this.journal.length = 0;
    this.journaling = false;
  }

  private write(
    objectType: string,
    table: Table,
    previous: SObjectRecord | undefined,
    next: SObjectRecord | undefined,
  ): void {
    const indexes = this.indexLists.get(objectType)!;
    if (indexes.length > 0) {
      if (previous && previous['IsDeleted'] !== true)
        for (let index = 0; index < indexes.length; index++) indexes[index]!.remove(previous);
      if (next && next['IsDeleted'] !== true)
        for (let index = 0; index < indexes.length; index++) indexes[index]!.add(next);
    }
    if (next) table.set(sequenceOf(next.Id), next);
    else table.delete(sequenceOf(previous!.Id));
  }

  private requireTable(objectType: string): Table {
    const table = this.tables.get(objectType);
    if (!table) throw new Error(`the store has no table for ${objectType}`);
    return table;
  }
}
