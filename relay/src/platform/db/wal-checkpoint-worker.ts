/**
 * Worker thread of WalCheckpointer: its own connection to the store file, copying the write-ahead log back into the
 * database (PASSIVE: never waits for, nor blocks, the relay's writer) whenever the log has grown, and reporting each
 * round to the relay thread.
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';

export interface CheckpointWorkerData {
  readonly path: string;
  readonly intervalMs: number;
}

/** What the worker tells the relay thread. */
export type CheckpointReport =
  | { readonly kind: 'checkpointed'; readonly logFrames: number; readonly copiedFrames: number; readonly ms: number }
  | { readonly kind: 'failed'; readonly message: string };

const { path, intervalMs } = workerData as CheckpointWorkerData;
const port = parentPort!;
const db = new Database(path);
db.pragma('busy_timeout = 5000');
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');

function round(): void {
  const started = performance.now();
  try {
    const { log, checkpointed } = checkpoint.get() as { busy: number; log: number; checkpointed: number };
    if (log > 0)
      port.postMessage({
        kind: 'checkpointed',
        logFrames: log,
        copiedFrames: checkpointed,
        ms: performance.now() - started,
      } satisfies CheckpointReport);
  } catch (error) {
    port.postMessage({
      kind: 'failed',
      message: error instanceof Error ? error.message : String(error),
    } satisfies CheckpointReport);
  }
}

const timer = setInterval(round, intervalMs);
port.on('message', (message: unknown) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  db.close();
  port.close();
});
