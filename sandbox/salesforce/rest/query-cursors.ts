/**
 * Query locators for queryMore: a query's rows beyond the first batch wait here until the client asks for them
 * through `nextRecordsUrl` (`/services/data/vXX.X/query/<locator>-<offset>`). A cursor is dropped once read to the
 * end, or after 15 minutes unread, as Salesforce does.
 */
import { randomBytes } from 'node:crypto';
import { SalesforceError } from '../errors.js';

export const DEFAULT_BATCH_SIZE = 2000;
const MIN_BATCH_SIZE = 200;
const IDLE_TIMEOUT_MS = 15 * 60_000;

interface Cursor {
  readonly rows: readonly unknown[];
  readonly batchSize: number;
  readonly totalSize: number;
  lastUsed: number;
}

export interface QueryPage {
  readonly totalSize: number;
  readonly done: boolean;
  readonly nextRecordsUrl?: string;
  readonly records: readonly unknown[];
}

export class QueryCursors {
  private readonly cursors = new Map<string, Cursor>();

  /** The first page of a result; opens a cursor when more rows remain. */
  firstPage(rows: readonly unknown[], totalSize: number, batchSize: number, apiVersion: string): QueryPage {
    this.evictIdle();
    if (rows.length <= batchSize) return { totalSize, done: true, records: rows };
    const locator = `01g${randomBytes(8).toString('hex').slice(0, 15)}`;
    this.cursors.set(locator, { rows, batchSize, totalSize, lastUsed: Date.now() });
    return this.page(locator, 0, apiVersion);
  }

  /** The page a `nextRecordsUrl` asks for. */
  nextPage(locatorWithOffset: string, apiVersion: string): QueryPage {
    const match = /^(01g[0-9a-zA-Z]+)-(\d+)$/.exec(locatorWithOffset);
    const cursor = match ? this.cursors.get(match[1]!) : undefined;
    if (!match || !cursor) throw new SalesforceError('INVALID_QUERY_LOCATOR', 'invalid query locator');
    return this.page(match[1]!, Number(match[2]), apiVersion);
  }

  private page(locator: string, offset: number, apiVersion: string): QueryPage {
    const cursor = this.cursors.get(locator)!;
    cursor.lastUsed = Date.now();
    const end = offset + cursor.batchSize;
    const records = cursor.rows.slice(offset, end);
    if (end >= cursor.rows.length) {
      this.cursors.delete(locator);
      return { totalSize: cursor.totalSize, done: true, records };
    }
    return {
      totalSize: cursor.totalSize,
      done: false,
      nextRecordsUrl: `/services/data/v${apiVersion}/query/${locator}-${end}`,
      records,
    };
  }

  private evictIdle(): void {
    const cutoff = Date.now() - IDLE_TIMEOUT_MS;
    for (const [locator, cursor] of this.cursors) if (cursor.lastUsed < cutoff) this.cursors.delete(locator);
  }
}

/** The `Sforce-Query-Options: batchSize=N` header (200 to 2000; Salesforce may return more than asked). */
export function batchSizeOf(header: string | string[] | undefined): number {
  const match = /batchSize\s*=\s*(\d+)/i.exec(Array.isArray(header) ? header.join(',') : (header ?? ''));
  if (!match) return DEFAULT_BATCH_SIZE;
  return Math.min(DEFAULT_BATCH_SIZE, Math.max(MIN_BATCH_SIZE, Number(match[1])));
}
