/**
 * One DML call runs as one transaction: calls are serialised (the store is shared, and a trigger listener may be
 * asynchronous), DML made from inside a trigger listener joins the running transaction (as DML in an Apex trigger
 * does), and the outermost transaction commits or rolls back the store as a whole.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { RecordStore } from './record-store.js';

/** What a transaction accumulates until it commits: handed to the change feed and the event bus afterwards. */
export interface TransactionLog<Change, Event> {
  readonly changes: Change[];
  readonly events: Event[];
}

export interface TransactionMark {
  readonly store: number;
  readonly changes: number;
  readonly events: number;
}

interface RunningTransaction<Change, Event> extends TransactionLog<Change, Event> {
  /** False once the outermost transaction ended: work scheduled from inside it (timers, callbacks) starts anew. */
  open: boolean;
}

export class Transactions<Change, Event> {
  private readonly current = new AsyncLocalStorage<RunningTransaction<Change, Event>>();
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: RecordStore,
    private readonly onCommit: (log: TransactionLog<Change, Event>) => void,
  ) {}

  /**
   * Runs `work` inside the current transaction, or in a new one (queued behind any running one). `work` gets the
   * log to append to; if it throws, everything it wrote is rolled back.
   */
  async run<T>(work: (log: TransactionLog<Change, Event>) => Promise<T>): Promise<T> {
    const joined = this.current.getStore();
    if (joined?.open) return this.nested(joined, work);
    const turn = this.tail.then(() => this.outermost(work));
    this.tail = turn.catch(() => undefined);
    return turn;
  }

  /** The log of the transaction running here, or undefined outside one (the Apex runtime keys its state on it). */
  currentLog(): TransactionLog<Change, Event> | undefined {
    const running = this.current.getStore();
    return running?.open ? running : undefined;
  }

  /** Where the store and the log stand, to roll back to (a savepoint without the allocation, for per-record use). */
  mark(log: TransactionLog<Change, Event>): TransactionMark {
    return { store: this.store.mark(), changes: log.changes.length, events: log.events.length };
  }

  rollbackTo(log: TransactionLog<Change, Event>, mark: TransactionMark): void {
    this.store.rollbackTo(mark.store);
    log.changes.length = mark.changes;
    log.events.length = mark.events;
  }

  /** A savepoint: the store and the log can be rolled back to it. */
  savepoint(log: TransactionLog<Change, Event>): { rollback(): void } {
    const mark = this.store.mark();
    const changes = log.changes.length;
    const events = log.events.length;
    return {
      rollback: () => {
        this.store.rollbackTo(mark);
        log.changes.length = changes;
        log.events.length = events;
      },
    };
  }

  private async nested<T>(
    log: TransactionLog<Change, Event>,
    work: (log: TransactionLog<Change, Event>) => Promise<T>,
  ): Promise<T> {
    const savepoint = this.savepoint(log);
    try {
      return await work(log);
    } catch (error) {
      savepoint.rollback();
      throw error;
    }
  }

  private async outermost<T>(work: (log: TransactionLog<Change, Event>) => Promise<T>): Promise<T> {
    const log: RunningTransaction<Change, Event> = { changes: [], events: [], open: true };
    this.store.begin();
    let result: T;
    try {
      result = await this.current.run(log, () => work(log));
    } catch (error) {
      this.store.rollbackTo(0);
      this.store.commit();
      throw error;
    } finally {
      log.open = false;
    }
    this.store.commit();
    this.onCommit(log);
    return result;
  }
}
