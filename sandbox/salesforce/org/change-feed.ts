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
  /** The committed changes themselves; entries are made from them only when read (loads append millions). */
  private changes: AppliedChange[] = [];
  /** The sequence number of changes[0]. */
  private firstSequence = 1;

  constructor(private readonly limit = 100_000) {}

  append(changes: readonly AppliedChange[]): void {
    for (let index = 0; index < changes.length; index++) this.changes.push(changes[index]!);
    // Drop the oldest half at once: amortised O(1) per change.
    if (this.changes.length > this.limit) {
      const dropped = this.changes.length - Math.floor(this.limit / 2);
      this.changes = this.changes.slice(dropped);
      this.firstSequence += dropped;
    }
  }

  all(): readonly ChangeFeedEntry[] {
    return this.changes.map((change, index) => entryOf(change, this.firstSequence + index));
  }

  /** Changes after `sequence` (take `latestSequence` before acting, then read what the action changed). */
  since(sequence: number): readonly ChangeFeedEntry[] {
    const first = Math.max(0, sequence + 1 - this.firstSequence);
    return this.changes.slice(first).map((change, index) => entryOf(change, this.firstSequence + first + index));
  }

  get latestSequence(): number {
    return this.firstSequence + this.changes.length - 1;
  }

  clear(): void {
    this.firstSequence += this.changes.length;
    this.changes = [];
  }
}

function entryOf(change: AppliedChange, sequence: number): ChangeFeedEntry {
  const record = (change.new ?? change.old)!;
  const entry: { -readonly [K in keyof ChangeFeedEntry]: ChangeFeedEntry[K] } = {
    sequence,
    objectType: change.objectType,
    operation: change.operation,
    recordId: record.Id,
    userId: change.user.id,
    username: change.user.username,
    silent: change.silent,
  };
  if (change.old) entry.old = change.old;
  if (change.new) entry.new = change.new;
  return entry;
}
