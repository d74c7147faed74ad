/**
 * Applies the relay's write-backs to Salesforce (new Gentrack references, sync status, last error) in sObject
 * Collections of up to 200 records, as the integration user: its bypass permission keeps the triggers from
 * publishing these writes back to Gentrack.
 */
import type { Logger } from 'pino';
import type { Connection } from 'jsforce';
import type { RelayStore, WriteBack } from '../store/relay-store.js';

export interface WriteBackFlusherOptions {
  readonly store: RelayStore;
  readonly connection: () => Promise<Connection>;
  readonly logger: Logger;
  readonly intervalMs?: number;
  readonly maxAttempts?: number;
  readonly onApplied?: (count: number) => void;
}

const COLLECTION_LIMIT = 200;
/** The record is gone or unreachable: writing it again can never succeed. */
const FINAL_ERRORS = new Set(['ENTITY_IS_DELETED', 'INVALID_CROSS_REFERENCE_KEY', 'NOT_FOUND', 'INVALID_ID_FIELD', 'MALFORMED_ID']);

export class WriteBackFlusher {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(private readonly options: WriteBackFlusherOptions) {}

  start(): void {
    this.timer = setInterval(() => void this.flushOnce(), this.options.intervalMs ?? 200);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
    await this.flushOnce();
  }

  /** Applies every due write-back now (used at shutdown and by tests). */
  async flushOnce(): Promise<void> {
    if (this.running) return this.running;
    this.running = this.flush().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async flush(): Promise<void> {
    for (;;) {
      const due = this.options.store.dueWriteBacks(COLLECTION_LIMIT * 5);
      if (due.length === 0) return;
      const byObject = new Map<string, WriteBack[]>();
      for (const writeBack of due) byObject.set(writeBack.objectType, [...(byObject.get(writeBack.objectType) ?? []), writeBack]);
      let connection: Connection;
      try {
        connection = await this.options.connection();
      } catch (error) {
        this.options.logger.warn({ err: error }, 'write-backs wait: no Salesforce session');
        this.options.store.retryWriteBacks(due.map((w) => w.id), Date.now() + 5_000);
        return;
      }
      for (const [objectType, writeBacks] of byObject) {
        for (let start = 0; start < writeBacks.length; start += COLLECTION_LIMIT) {
          await this.apply(connection, objectType, writeBacks.slice(start, start + COLLECTION_LIMIT));
        }
      }
      if (due.length < COLLECTION_LIMIT * 5) return;
    }
  }

  private async apply(connection: Connection, objectType: string, writeBacks: WriteBack[]): Promise<void> {
    // The latest write-back of a record wins; earlier ones in the batch are done with it.
    const latest = new Map<string, WriteBack>();
    for (const writeBack of writeBacks) latest.set(writeBack.recordId, writeBack);
    const superseded = writeBacks.filter((w) => latest.get(w.recordId) !== w).map((w) => w.id);
    const batch = [...latest.values()];
    let results: { success: boolean; errors?: { errorCode?: string; statusCode?: string; message: string }[] }[];
    try {
      const answer = await connection.sobject(objectType).update(
        batch.map((w) => ({ Id: w.recordId, ...w.fields })),
        { allOrNone: false },
      );
      results = (Array.isArray(answer) ? answer : [answer]) as typeof results;
    } catch (error) {
      this.options.logger.warn({ err: error, objectType, count: batch.length }, 'write-back call failed; will retry');
      this.retryOrDrop(batch, String((error as Error).message));
      this.options.store.completeWriteBacks(superseded);
      return;
    }
    const done: number[] = [...superseded];
    const failed: WriteBack[] = [];
    results.forEach((result, index) => {
      const writeBack = batch[index]!;
      const code = result.errors?.[0]?.errorCode ?? result.errors?.[0]?.statusCode;
      if (result.success) done.push(writeBack.id);
      else if (code && FINAL_ERRORS.has(code)) {
        this.options.logger.info({ objectType, recordId: writeBack.recordId, code }, 'write-back skipped: record no longer exists');
        done.push(writeBack.id);
      } else failed.push(writeBack);
    });
    this.options.store.completeWriteBacks(done);
    this.options.onApplied?.(done.length - superseded.length);
    if (failed.length > 0) this.retryOrDrop(failed, JSON.stringify(results.filter((r) => !r.success).map((r) => r.errors)));
  }

  private retryOrDrop(writeBacks: readonly WriteBack[], reason: string): void {
    const maxAttempts = this.options.maxAttempts ?? 10;
    const drop = writeBacks.filter((w) => w.attempts + 1 >= maxAttempts);
    for (const writeBack of drop) {
      this.options.logger.error(
        { objectType: writeBack.objectType, recordId: writeBack.recordId, fields: Object.keys(writeBack.fields), reason },
        'write-back abandoned after repeated failures',
      );
    }
    this.options.store.completeWriteBacks(drop.map((w) => w.id));
    const retry = writeBacks.filter((w) => w.attempts + 1 < maxAttempts);
    const delay = Math.min(60_000, 1_000 * 2 ** (retry[0]?.attempts ?? 0));
    this.options.store.retryWriteBacks(retry.map((w) => w.id), Date.now() + delay);
  }
}
