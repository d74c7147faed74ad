/**
 * Checkpoints the store's write-ahead log on a worker thread. SQLite otherwise checkpoints inside whichever commit
 * crosses `wal_autocheckpoint` pages, on the relay's only thread: it copies the log into the database and waits for
 * two fsyncs, stalling event intake and delivery for milliseconds at a time (a store micro-benchmark: 63 -> 21 us of
 * wall time per ingested event without it). Durability is unchanged: commits still sync the log as configured; a
 * checkpoint only moves already durable pages.
 *
 * If the worker cannot run or fails, the store's own connection checkpoints again, as SQLite does by default.
 */
import { Worker } from 'node:worker_threads';
import type { CheckpointReport, CheckpointWorkerData } from './wal-checkpoint-worker.js';

export interface WalCheckpointerOptions {
  /** The database file (not ':memory:'). */
  readonly path: string;
  readonly intervalMs?: number;
  /** Called when background checkpoints stop working; the caller turns SQLite's own checkpoints back on. */
  readonly onFailure: (reason: string) => void;
  readonly onCheckpoint?: (report: Extract<CheckpointReport, { kind: 'checkpointed' }>) => void;
}

export class WalCheckpointer {
  private readonly worker: Worker;
  private stopped = false;

  constructor(options: WalCheckpointerOptions) {
    const workerData: CheckpointWorkerData = { path: options.path, intervalMs: options.intervalMs ?? 200 };
    this.worker = startWorker(new URL('./wal-checkpoint-worker.js', import.meta.url), workerData);
    // The relay's lifetime is decided elsewhere: this thread must not keep the process alive.
    this.worker.unref();
    let failed = false;
    const fail = (reason: string) => {
      if (failed || this.stopped) return;
      failed = true;
      options.onFailure(reason);
      void this.worker.terminate();
    };
    this.worker.on('message', (report: CheckpointReport) => {
      if (report.kind === 'failed') fail(`background WAL checkpoint failed: ${report.message}`);
      else options.onCheckpoint?.(report);
    });
    this.worker.on('error', (error) => fail(`background WAL checkpoint worker crashed: ${error.message}`));
    this.worker.on('exit', (code) => fail(`background WAL checkpoint worker exited with code ${code}`));
  }

  /** Lets the worker finish its round, close its connection and exit. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.worker.postMessage('stop');
  }
}

/**
 * Runs a sibling module on a worker thread. Compiled (dist/), it is plain JavaScript; from the TypeScript sources the
 * worker first registers tsx, which a worker does not inherit from the thread that started it.
 */
function startWorker(compiledUrl: URL, workerData: unknown): Worker {
  if (import.meta.url.endsWith('.js')) return new Worker(compiledUrl, { workerData });
  const sourceUrl = compiledUrl.href.replace(/\.js$/, '.ts');
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const bootstrap = `import(${tsx}).then(({ register }) => { register(); return import(${JSON.stringify(sourceUrl)}); })`;
  return new Worker(bootstrap, { eval: true, workerData });
}
