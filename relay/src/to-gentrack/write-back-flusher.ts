/**
 * Applies the relay's write-backs to Salesforce (new Gentrack references, sync status, last error) in sObject
 * Collections of up to 200 records, as the integration user: its bypass permission keeps the triggers from
 * publishing these writes back to Gentrack.
 */
import type { Logger } from 'pino';
import type { Connection } from 'jsforce';
import type { RelayStore } from './relay-store.js';
import type { WriteBack } from './write-back-queue.js';

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
const FINAL_ERRORS = new Set([
  'ENTITY_IS_DELETED',
  'INVALID_CROSS_REFERENCE_KEY',
  'NOT_FOUND',
  'INVALID_ID_FIELD',
  'MALFORMED_ID',
]);

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
      for (const writeBack of due) {
        const ofObject = byObject.get(writeBack.objectType);
        if (ofObject) ofObject.push(writeBack);
        else byObject.set(writeBack.objectType, [writeBack]);
      }
      let connection: Connection;
      try {
        connection = await this.options.connection();
      } catch (error) {
        this.options.logger.warn({ err: error }, 'write-backs wait: no Salesforce session');
        this.options.store.retryWriteBacks(
          due.map((w) => w.id),
          Date.now() + 5_000,
        );
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
    const batch = mergeByRecord(writeBacks);
    let results: { success: boolean; errors?: { errorCode?: string; statusCode?: string; message: string }[] }[];
    try {
      const answer = await connection.sobject(objectType).update(
        batch.map(({ writeBack }) => ({ Id: writeBack.recordId, ...writeBack.fields })),
        { allOrNone: false },
      );
      results = (Array.isArray(answer) ? answer : [answer]) as typeof results;
    } catch (error) {
      this.options.logger.warn({ err: error, objectType, count: batch.length }, 'write-back call failed; will retry');
      this.retryOrDrop(batch, String((error as Error).message));
      return;
    }
    const done: number[] = [];
    const failed: MergedWriteBack[] = [];
    let applied = 0;
    results.forEach((result, index) => {
      const merged = batch[index]!;
      const code = result.errors?.[0]?.errorCode ?? result.errors?.[0]?.statusCode;
      if (result.success) {
        done.push(...merged.ids);
        applied++;
      } else if (code && FINAL_ERRORS.has(code)) {
        this.options.logger.info(
          { objectType, recordId: merged.writeBack.recordId, code },
          'write-back skipped: record no longer exists',
        );
        done.push(...merged.ids);
        applied++;
      } else failed.push(merged);
    });
    this.options.store.completeWriteBacks(done);
    this.options.onApplied?.(applied);
    if (failed.length > 0)
      this.retryOrDrop(failed, JSON.stringify(results.filter((r) => !r.success).map((r) => r.errors)));
  }

  private retryOrDrop(batch: readonly MergedWriteBack[], reason: string): void {
    const maxAttempts = this.options.maxAttempts ?? 10;
    const drop = batch.filter(({ writeBack }) => writeBack.attempts + 1 >= maxAttempts);
    for (const { writeBack } of drop) {
      this.options.logger.error(
        {
          objectType: writeBack.objectType,
          recordId: writeBack.recordId,
          fields: Object.keys(writeBack.fields),
          reason,
        },
        'write-back abandoned after repeated failures',
      );
    }
    this.options.store.completeWriteBacks(drop.flatMap((merged) => merged.ids));
    const retry = batch.filter(({ writeBack }) => writeBack.attempts + 1 < maxAttempts);
    const delay = Math.min(60_000, 1_000 * 2 ** (retry[0]?.writeBack.attempts ?? 0));
    this.options.store.retryWriteBacks(
      retry.flatMap((merged) => merged.ids),
      Date.now() + delay,
    );
  }
}

/** The write-backs of one record, applied as one update; all of them stay stored until it is applied. */
interface MergedWriteBack {
  readonly writeBack: WriteBack;
  readonly ids: readonly number[];
}

/**
 * One update per record, its write-backs merged in order: a later one's fields win, and an earlier one's other
 * fields (e.g. the new Gentrack reference from an insert, before an update's sync status) are still written. A
 * retry merges the same stored write-backs again.
 */
function mergeByRecord(writeBacks: readonly WriteBack[]): MergedWriteBack[] {
  const byRecord = new Map<string, MergedWriteBack>();
  for (const writeBack of writeBacks) {
    const earlier = byRecord.get(writeBack.recordId);
    byRecord.set(
      writeBack.recordId,
      earlier
        ? {
            writeBack: {
              ...writeBack,
              fields: { ...earlier.writeBack.fields, ...writeBack.fields },
              attempts: Math.max(earlier.writeBack.attempts, writeBack.attempts),
            },
            ids: [...earlier.ids, writeBack.id],
          }
        : { writeBack, ids: [writeBack.id] },
    );
  }
  return [...byRecord.values()];
}
