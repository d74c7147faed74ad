/**
 * Every committed record change, in order, for tests and the demo to assert on ("what did the relay write, as whom").
 * Bounded, so a long benchmark does not grow it without limit.
 */
import type { AppliedChange, DmlOperation } from './dml-engine.js';
import type { SObjectRecord } from './schema.js';

export interface ChangeFeedEntry {
  /** Increases by one per change, from 1. */
  readonly sequence: number;
  readonly objectType: string;
  readonly operation: DmlOperation;
  readonly recordId: string;
  readonly old?: SObjectRecord;
  readonly new?: SObjectRecord;
  /** Id and username of the user whose DML made the change. */
  readonly userId: string;
  readonly username: string;
  /** True for cascades that ran no trigger (contacts deleted with their account). */
  readonly silent: boolean;
}

export class ChangeFeed {
  private entries: ChangeFeedEntry[] = [];
  private sequence = 0;

  constructor(private readonly limit = 100_000) {}

  append(changes: readonly AppliedChange[]): void {
    for (const change of changes) {
      const record = (change.new ?? change.old)!;
      const entry: { -readonly [K in keyof ChangeFeedEntry]: ChangeFeedEntry[K] } = {
        sequence: ++this.sequence,
        objectType: change.objectType,
        operation: change.operation,
        recordId: record.Id,
        userId: change.user.id,
        username: change.user.username,
        silent: change.silent,
      };
      if (change.old) entry.old = change.old;
      if (change.new) entry.new = change.new;
      this.entries.push(entry);
    }
    // Drop the oldest half at once: amortised O(1) per change.
    if (this.entries.length > this.limit) this.entries = this.entries.slice(this.entries.length - Math.floor(this.limit / 2));
  }

  all(): readonly ChangeFeedEntry[] {
    return this.entries;
  }

  /** Changes after `sequence` (take `latestSequence` before acting, then read what the action changed). */
  since(sequence: number): readonly ChangeFeedEntry[] {
    const first = this.entries.findIndex((entry) => entry.sequence > sequence);
    return first < 0 ? [] : this.entries.slice(first);
  }

  get latestSequence(): number {
    return this.sequence;
  }

  clear(): void {
    this.entries = [];
  }
}
