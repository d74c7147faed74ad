/**
 * Makes the store's latest commits durable without blocking the event loop: fdatasync of the write-ahead log on
 * libuv's thread pool, shared by every commit made meanwhile (group commit). A commit made with
 * `synchronous = NORMAL` is complete in the log but may sit in the OS cache; once a sync that started after it has
 * finished, it is on disk exactly as `synchronous = FULL` would have put it there, without the event loop waiting
 * for the disk once per commit.
 */
import { closeSync, fdatasync, fsync, openSync, type PathLike } from 'node:fs';
import path from 'node:path';

export class WalSync {
  private fd?: number;
  private running?: Promise<void>;
  /** The sync that starts when the running one ends: it covers commits made while that one ran. */
  private next?: Promise<void>;
  private closed = false;

  constructor(
    private readonly databaseFile: string,
    /** fs.fdatasync; replaceable to observe how syncs are shared. */
    private readonly datasync: typeof fdatasync = fdatasync,
  ) {}

  /** Resolves once every commit made before this call is on disk; rejects if the disk refused. */
  sync(): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the store is closed'));
    if (!this.running) {
      this.running = this.syncOnce().finally(() => {
        this.running = undefined;
      });
      return this.running;
    }
    // The running sync may have started before the caller's commit: it needs the following one.
    this.next ??= this.running.then(
      () => this.startNext(),
      () => this.startNext(),
    );
    return this.next;
  }

  close(): void {
    this.closed = true;
    const fd = this.fd;
    this.fd = undefined;
    if (fd === undefined) return;
    // A sync still running on the thread pool keeps its descriptor until it ends.
    if (this.running) void this.running.catch(() => undefined).finally(() => closeSync(fd));
    else closeSync(fd);
  }

  private startNext(): Promise<void> {
    this.next = undefined;
    return this.sync();
  }

  private async syncOnce(): Promise<void> {
    if (this.fd === undefined) {
      const wal = `${this.databaseFile}-wal`;
      this.fd = openSync(wal, 'r');
      // The log's directory entry must be durable too, once: SQLite syncs it only when it syncs the log itself.
      await syncPath(path.dirname(wal), fsync);
    }
    const fd = this.fd;
    await new Promise<void>((resolve, reject) => this.datasync(fd, (error) => (error ? reject(error) : resolve())));
  }
}

async function syncPath(target: PathLike, sync: typeof fsync): Promise<void> {
  const fd = openSync(target, 'r');
  try {
    await new Promise<void>((resolve, reject) => sync(fd, (error) => (error ? reject(error) : resolve())));
  } finally {
    closeSync(fd);
  }
}
