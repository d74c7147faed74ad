/**
 * Runs a compiled query over the store: pick rows (through an index when the WHERE clause allows), filter, sort,
 * page, and shape each row as the REST API returns it (selected fields in order, relationships as nested records).
 */
import type { RecordStore } from '../org/record-store.js';
import type { SObjectRecord } from '../org/schema.js';
import { recordAttributes } from '../record-attributes.js';
import type { CompiledQuery } from './compile.js';

export interface QueryRows {
  readonly totalSize: number;
  readonly records: readonly Record<string, unknown>[];
}

export interface RunOptions {
  /** queryAll: include records in the Recycle Bin. */
  readonly includeDeleted?: boolean;
  readonly apiVersion?: string;
}

export function runQuery(query: CompiledQuery, store: RecordStore, options: RunOptions = {}): QueryRows {
  const includeDeleted = options.includeDeleted ?? false;
  const table = store.table(query.object.name);
  const candidateIds = query.candidates?.(includeDeleted);
  const candidates: Iterable<SObjectRecord | undefined> = candidateIds
    ? mapIds(candidateIds, (id) => table.get(id))
    : table.values();
  let rows: SObjectRecord[] = [];
  for (const record of candidates) {
    if (!record || (!includeDeleted && record['IsDeleted'] === true)) continue;
    if (query.where && !query.where(record)) continue;
    rows.push(record);
  }
  if (query.compare) rows.sort(query.compare);
  if (query.offset !== undefined || query.limit !== undefined) {
    const start = query.offset ?? 0;
    rows = rows.slice(start, query.limit === undefined ? undefined : start + query.limit);
  }
  if (query.count) return { totalSize: rows.length, records: [] };
  return { totalSize: rows.length, records: rows.map((record) => shape(query, record, options.apiVersion)) };
}

function* mapIds<T>(ids: Iterable<string>, lookup: (id: string) => T): Iterable<T> {
  for (const id of ids) yield lookup(id);
}

function shape(query: CompiledQuery, record: SObjectRecord, apiVersion: string | undefined): Record<string, unknown> {
  const row: Record<string, unknown> = { attributes: recordAttributes(query.object.name, record.Id, apiVersion) };
  for (const column of query.columns) {
    let target: Record<string, unknown> | null = row;
    for (let depth = 0; depth < column.hops.length && target; depth++) {
      const name = column.outputNames[depth]!;
      if (!(name in target)) {
        const reached = column.recordAt(record, depth + 1);
        target[name] = reached
          ? { attributes: recordAttributes(reached.object.name, reached.record.Id, apiVersion) }
          : null;
      }
      target = target[name] as Record<string, unknown> | null;
    }
    if (target) target[column.outputNames.at(-1)!] = column.read(record);
  }
  return row;
}
