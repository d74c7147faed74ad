/**
 * What the org already holds of an object, so a run loads only rows that change something: before a stage, the
 * records carrying an External ID are read (SOQL, page by page) into a scratch SQLite file on disk, never into
 * memory; each extract row is then compared with its record. A second run over the same extract therefore sends
 * nothing, and no record's LastModifiedDate moves.
 *
 * An empty cell leaves a field as it is (Bulk API semantics), so it matches any value; text compares exactly,
 * picklists and References by External ID ignoring case, numbers, dates and times by value.
 */
import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Connection } from 'jsforce';
import { EXTERNAL_ID_FIELD } from '../../../model/connector-fields.js';
import type { DescribeFieldType } from '../../../model/standard-objects.js';
import type { ColumnPlan } from './load-plan.js';

export type Comparison = 'new' | 'unchanged' | 'changed';

export interface ExistingRecord {
  readonly id: string;
  /** Values in the order of the columns the object was read with. */
  readonly values: readonly string[];
}

const WRITE_BATCH = 2_000;

interface QueryPage {
  readonly done: boolean;
  readonly nextRecordsUrl?: string;
  readonly records: readonly Record<string, unknown>[];
}

export class ExistingRecords {
  private readonly db: Database.Database;
  private readonly file: string;
  private readonly counts = new Map<string, number>();
  private readonly statements;

  constructor(directory = os.tmpdir(), name = `gentrack-initial-sync-${process.pid}-${Date.now()}.db`) {
    this.file = path.join(directory, name);
    this.db = new Database(this.file);
    // Scratch data, rebuilt every run: no journal, no fsync.
    this.db.pragma('journal_mode = OFF');
    this.db.pragma('synchronous = OFF');
    this.db.exec(
      `CREATE TABLE existing (object TEXT NOT NULL, key TEXT NOT NULL, id TEXT NOT NULL, vals TEXT NOT NULL, PRIMARY KEY (object, key)) WITHOUT ROWID`,
    );
    this.statements = {
      put: this.db.prepare(`INSERT OR REPLACE INTO existing (object, key, id, vals) VALUES (?, ?, ?, ?)`),
      get: this.db.prepare(`SELECT id, vals FROM existing WHERE object = ? AND key = ?`),
    };
  }

  /** Reads the object's records that have an External ID, with the values of `columns`. */
  async load(connection: Connection, object: string, columns: readonly ColumnPlan[]): Promise<number> {
    const soql = `SELECT Id, ${columns.map((column) => column.header).join(', ')} FROM ${object} WHERE ${EXTERNAL_ID_FIELD} != null`;
    let page = (await connection.query<Record<string, unknown>>(soql, { autoFetch: false })) as QueryPage;
    let count = 0;
    const write = this.db.transaction((records: readonly Record<string, unknown>[]) => {
      for (const record of records) {
        const values = columns.map((column) => storedValue(readPath(record, column.header)));
        this.statements.put.run(
          object,
          String(record[EXTERNAL_ID_FIELD]).toLowerCase(),
          String(record['Id']),
          JSON.stringify(values),
        );
      }
    });
    for (;;) {
      for (let start = 0; start < page.records.length; start += WRITE_BATCH)
        write(page.records.slice(start, start + WRITE_BATCH));
      count += page.records.length;
      if (page.done || !page.nextRecordsUrl) break;
      page = await connection.request<QueryPage>(page.nextRecordsUrl);
    }
    this.counts.set(object, count);
    return count;
  }

  get(object: string, key: string): ExistingRecord | undefined {
    if (!this.counts.get(object)) return undefined;
    const row = this.statements.get.get(object, key) as { id: string; vals: string } | undefined;
    return row && { id: row.id, values: JSON.parse(row.vals) as string[] };
  }

  close(): void {
    if (this.db.open) this.db.close();
    rmSync(this.file, { force: true });
  }
}

/** Whether loading `cells` (in `columns` order) would change `existing`. */
export function compareRow(
  columns: readonly ColumnPlan[],
  cells: readonly string[],
  existing: ExistingRecord | undefined,
): Comparison {
  if (!existing) return 'new';
  for (let index = 0; index < columns.length; index++) {
    const cell = cells[index] ?? '';
    if (cell === '') continue;
    if (!sameValue(columns[index]!, cell, existing.values[index] ?? '')) return 'changed';
  }
  return 'unchanged';
}

function sameValue(column: ColumnPlan, cell: string, stored: string): boolean {
  if (column.references) return cell.toLowerCase() === stored.toLowerCase();
  const type: DescribeFieldType = column.type;
  switch (type) {
    case 'picklist':
    case 'multipicklist':
      return cell.toLowerCase() === stored.toLowerCase();
    case 'double':
    case 'currency':
    case 'percent':
    case 'int':
      return stored !== '' && Number(cell) === Number(stored);
    case 'datetime':
      return stored !== '' && Date.parse(cell) === Date.parse(stored);
    default:
      return cell === stored;
  }
}

function storedValue(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** `Account.Gentrack_External_Id__c` in a query row: `{ Account: { Gentrack_External_Id__c: 'A1' } }`. */
function readPath(record: Record<string, unknown>, header: string): unknown {
  let node: unknown = record;
  for (const part of header.split('.')) {
    if (node === null || typeof node !== 'object') return null;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}
