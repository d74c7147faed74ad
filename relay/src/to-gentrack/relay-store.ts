/**
 * The Salesforce -> Gentrack flow's durable state, in the relay's store file (platform/db/relay-database.ts): the
 * outbox of changes to deliver, parts of split payloads waiting for their siblings, the Gentrack references learnt
 * from write-backs, the write-backs still to apply in Salesforce, and the subscription checkpoint. What cannot be
 * delivered goes to the dead-letter store both flows share (platform/db/dead-letters.ts).
 *
 * The invariant the whole relay rests on: a batch of events and the replay id after it are committed in ONE
 * transaction, so a replay id is never stored for an event that is not.
 *
 * Durability: only commits that acknowledge something to the outside (events and their replay id, a change put in
 * the outbox for a sync job, an operator's dead-letter retry or discard) are made durable at the configured
 * `synchronous` level; ingested batches through WalSync, off the event loop, before their changes are delivered.
 * The bookkeeping that follows (deliveries, retries, dead letters, write-backs) commits with NORMAL: a crash can
 * lose at most its latest commits, never tear one, and every one of them is recovered by an idempotent redelivery;
 * the next acknowledging commit syncs the write-ahead log, and them with it.
 */
import type { ObjectChange } from './reassemble.js';
import type { ObjectEventPart } from './object-event.js';
import {
  DeadLetterNotFoundError,
  DeadLetters,
  type DeadLetter,
  type DeadLetterSource,
  type StoredDeadLetter,
} from '../platform/db/dead-letters.js';
import { openRelayDatabase, type RelayDatabase } from '../platform/db/relay-database.js';
import { WalCheckpointer } from '../platform/db/wal-checkpointer.js';
import { WalSync } from '../platform/db/wal-sync.js';
import { isRelayError } from '../platform/errors.js';
import { plannedFromOldValues } from './gentrack-calls.js';
import { GentrackReferences } from './gentrack-references.js';
import { ReplayCheckpoints } from './replay-checkpoints.js';
import { WriteBackQueue, type WriteBack } from './write-back-queue.js';

export interface OutboxOptions {
  /** For acknowledging commits: FULL survives power loss; NORMAL (WAL) survives process crashes only. */
  readonly synchronous?: 'FULL' | 'NORMAL';
  /**
   * Checkpoint the write-ahead log on a worker thread instead of inside commits (see wal-checkpointer.ts): for the
   * long-running relay. Off by default, for short-lived users such as the dlq commands.
   */
  readonly checkpointInBackground?: boolean;
  /** Told when background checkpoints stop working (SQLite's own take over again). */
  readonly onCheckpointFailure?: (reason: string) => void;
}

export interface StoreOptions extends OutboxOptions {
  /** Database file; ':memory:' for throwaway stores in tests. */
  readonly path: string;
}

/** SQLite's default: checkpoint inside the commit that grows the log past this many pages. */
const AUTOCHECKPOINT_PAGES = 1000;

export interface PendingChange {
  readonly seq: number;
  /** 0 at first; bumped by each retry of a change Gentrack rejected (see transactionIdOf). */
  readonly generation: number;
  readonly entityKey: string;
  /** As delivery needs it: the old values only for a DELETE (see forDelivery); the store has the whole change. */
  readonly change: ObjectChange;
  readonly attempts: number;
  readonly nextAttemptAt: number;
  readonly traceId: string;
}

/** What happened to one event of an ingested batch. */
export type IngestOutcome = 'stored' | 'duplicate' | 'part-waiting' | 'rejected';

export interface IncomingEvent {
  readonly replayId: string;
  /** The decoded part, or the reason it could not be read. */
  readonly part: ObjectEventPart | { readonly error: { code: string; message: string }; readonly raw: string };
}

export interface DeliveredChange {
  readonly seq: number;
  readonly writeBack?: { objectType: string; recordId: string; fields: Record<string, string | null> };
  readonly learntReference?: { objectType: string; recordId: string; reference: string };
}

export type Assembler = (parts: ObjectEventPart[]) => ObjectChange;

/** What identifies a change in the outbox: its transaction id and its time of change. */
export type ChangeKey = Pick<ObjectChange, 'transactionId' | 'changedAt'>;

export interface ChangeState {
  readonly state: 'pending' | 'delivered' | 'dead';
  /** The latest failure (a retry's reason, or why it was dead-lettered). */
  readonly lastError: string | undefined;
  /** Set once dead-lettered: the dead letter's reason code. */
  readonly reasonCode: string | undefined;
}

/**
 * Errors by which Gentrack refused a call outright: it had no effect, and Gentrack remembers the refusal for that
 * transaction id, so a retry after a fix must go out under a new one. A change that failed any other way (timeouts,
 * 5xx until attempts ran out) may have taken effect, so its retry keeps its id and Gentrack's de-duplication.
 */
export const REJECTION_CODES: ReadonlySet<string> = new Set([
  'BAD_REQUEST',
  'CLIENT_ERROR',
  'NOT_FOUND',
  'NOT_ACCEPTABLE',
  'UNSUPPORTED_MEDIA_TYPE',
  'UNAUTHORIZED',
]);

/** X-Transaction-Id of a change: the Salesforce transaction id, with the generation after rejected retries. */
export function transactionIdOf(pending: Pick<PendingChange, 'generation' | 'change'>): string {
  return pending.generation === 0
    ? pending.change.transactionId
    : `${pending.change.transactionId}-retry${pending.generation}`;
}

export function entityKeyOf(change: Pick<ObjectChange, 'objectType' | 'recordId'>): string {
  return `${change.objectType}:${change.recordId}`;
}

export class RelayStore {
  /** The dead-letter store both flows share; the outbox files its letters here, in its own transactions. */
  private readonly letters: DeadLetters;
  private readonly references: GentrackReferences;
  private readonly writeBacks: WriteBackQueue;
  private readonly checkpoints: ReplayCheckpoints;
  private readonly statements;
  private readonly acknowledgingSync: 'FULL' | 'NORMAL';
  private readonly checkpointer?: WalCheckpointer;
  /** Syncs ingested batches off the event loop, when the acknowledging level is FULL and the store is a file. */
  private readonly walSync?: WalSync;

  /** Opens the store file at `options.path` on a connection of the store's own, which close() closes. */
  static open(options: StoreOptions): RelayStore {
    return new RelayStore(openRelayDatabase(options.path), options);
  }

  /**
   * `db`: a connection from openRelayDatabase, for the outbox alone (it changes the connection's `synchronous`
   * level per commit); the store closes it on close().
   */
  constructor(
    private readonly db: RelayDatabase,
    options: OutboxOptions = {},
  ) {
    this.acknowledgingSync = options.synchronous ?? 'FULL';
    // Bookkeeping commits; acknowledging ones raise the level for their commit (see acknowledging()).
    db.pragma('synchronous = NORMAL');
    this.letters = new DeadLetters(db);
    this.references = new GentrackReferences(db);
    this.writeBacks = new WriteBackQueue(db);
    this.checkpoints = new ReplayCheckpoints(db);
    const file = db.memory ? undefined : db.name;
    if (this.acknowledgingSync === 'FULL' && file) this.walSync = new WalSync(file);
    if (options.checkpointInBackground && file) {
      db.pragma('wal_autocheckpoint = 0');
      this.checkpointer = new WalCheckpointer({
        path: file,
        onFailure: (reason) => {
          if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
          options.onCheckpointFailure?.(reason);
        },
      });
    }
    this.statements = {
      insertChange: db.prepare(
        `INSERT INTO changes (transaction_id, changed_at, entity_key, change_json, trace_id, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (changed_at, transaction_id) DO NOTHING`,
      ),
      insertPart: db.prepare(
        `INSERT INTO event_parts (transaction_id, part_number, part_total, replay_id, part_json, received_at)
         VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      ),
      partsOf: db.prepare(`SELECT part_json FROM event_parts WHERE transaction_id = ? ORDER BY part_number`),
      deleteParts: db.prepare(`DELETE FROM event_parts WHERE transaction_id = ?`),
      pending: db.prepare(
        `SELECT seq, entity_key, change_json, attempts, next_attempt_at, trace_id, generation FROM changes WHERE state = 'pending' ORDER BY seq`,
      ),
      markDelivered: db.prepare(`UPDATE changes SET state = 'delivered', updated_at = ? WHERE seq = ?`),
      scheduleRetry: db.prepare(
        `UPDATE changes SET attempts = ?, next_attempt_at = ?, last_error = ?, updated_at = ? WHERE seq = ?`,
      ),
      markDead: db.prepare(`UPDATE changes SET state = 'dead', last_error = ?, updated_at = ? WHERE seq = ?`),
      changeBySeq: db.prepare(`SELECT transaction_id, entity_key, change_json, attempts FROM changes WHERE seq = ?`),
      revive: db.prepare(
        `UPDATE changes SET state = 'pending', attempts = 0, next_attempt_at = 0, last_error = NULL, revived = 1,
           generation = generation + ?, updated_at = ? WHERE seq = ? RETURNING generation, trace_id`,
      ),
      markRevived: db.prepare(`UPDATE changes SET revived = 1 WHERE seq = ?`),
      revived: db.prepare(
        `SELECT seq, entity_key, change_json, attempts, next_attempt_at, trace_id, generation FROM changes WHERE state = 'pending' AND revived = 1 ORDER BY seq`,
      ),
      clearRevived: db.prepare(`UPDATE changes SET revived = 0 WHERE revived = 1`),
      stalePartTransactions: db.prepare(
        `SELECT transaction_id, MIN(received_at) AS first_at, COUNT(*) AS parts, MAX(part_total) AS total
         FROM event_parts GROUP BY transaction_id HAVING first_at < ?`,
      ),
      pruneDelivered: db.prepare(`DELETE FROM changes WHERE state = 'delivered' AND updated_at < ?`),
      changeState: db.prepare(`SELECT seq, state, last_error FROM changes WHERE changed_at = ? AND transaction_id = ?`),
      counts: db.prepare(
        `SELECT (SELECT COUNT(*) FROM changes WHERE state = 'pending') AS pending,
                (SELECT COUNT(*) FROM event_parts) AS parts`,
      ),
    };
  }

  /**
   * Stores a batch of events and the checkpoint after it in one transaction. Returns the outcome per event, the
   * changes that became complete, in arrival order, for the dispatcher to queue once `durable` resolves: the batch
   * is then on disk as the `synchronous` level promises. At FULL the commit itself does not wait for the disk; the
   * write-ahead log is synced off the event loop, once for all the batches committed meanwhile (see wal-sync.ts).
   * Both the batch and its checkpoint are in the same commit, so until it is durable a crash loses both together and
   * the events are simply received again.
   */
  ingest(
    topic: string,
    events: readonly IncomingEvent[],
    checkpointReplayId: string,
    assemble: Assembler,
    now = Date.now(),
  ): { outcomes: IngestOutcome[]; stored: PendingChange[]; durable: Promise<void> } {
    const run = this.db.transaction(() => {
      const outcomes: IngestOutcome[] = [];
      const stored: PendingChange[] = [];
      for (const event of events) {
        const { part } = event;
        if ('error' in part) {
          this.insertDeadLetter('event', null, null, null, part.error.code, part.error.message, part.raw, 0, now);
          outcomes.push('rejected');
          continue;
        }
        let parts: ObjectEventPart[] = [part];
        if (part.partTotal > 1) {
          this.statements.insertPart.run(
            part.transactionId,
            part.partNumber,
            part.partTotal,
            event.replayId,
            JSON.stringify(part),
            now,
          );
          const rows = this.statements.partsOf.all(part.transactionId) as { part_json: string }[];
          if (rows.length < part.partTotal) {
            outcomes.push('part-waiting');
            continue;
          }
          parts = rows.map((row) => JSON.parse(row.part_json) as ObjectEventPart);
          this.statements.deleteParts.run(part.transactionId);
        }
        let change: ObjectChange;
        try {
          change = assemble(parts);
        } catch (error) {
          const { code, message } = describe(error);
          this.insertDeadLetter('event', part.transactionId, null, null, code, message, JSON.stringify(parts), 0, now);
          outcomes.push('rejected');
          continue;
        }
        const pending = this.insertPending(change, now);
        if (!pending) {
          outcomes.push('duplicate');
          continue;
        }
        outcomes.push('stored');
        stored.push(pending);
      }
      this.checkpoints.save(topic, checkpointReplayId, now);
      return { outcomes, stored };
    });
    if (!this.walSync) return { ...this.acknowledging(() => run.immediate()), durable: Promise.resolve() };
    const result = run.immediate();
    const durable = this.walSync.sync();
    // Callers that do not wait for durability (tools, tests) must not turn a failure after close into a crash.
    durable.catch(() => undefined);
    return { ...result, durable };
  }

  /**
   * Puts a change that did not come from the event stream (an on-demand sync) into the outbox, de-duplicated like
   * events, by transaction id and time of change. Returns it for the dispatcher, or undefined when it is already
   * there.
   */
  enqueueChange(change: ObjectChange, now = Date.now()): PendingChange | undefined {
    return this.acknowledging(() => this.insertPending(change, now));
  }

  /** Inserts a new change into the outbox, as the dispatcher takes it; undefined when it is there already (same key). */
  private insertPending(change: ObjectChange, now: number): PendingChange | undefined {
    const traceId = crypto.randomUUID();
    const entityKey = entityKeyOf(change);
    const result = this.statements.insertChange.run(
      change.transactionId,
      change.changedAt,
      entityKey,
      JSON.stringify(change),
      traceId,
      now,
      now,
    );
    if (result.changes === 0) return undefined;
    return {
      seq: Number(result.lastInsertRowid),
      generation: 0,
      entityKey,
      change: forDelivery(change),
      attempts: 0,
      nextAttemptAt: 0,
      traceId,
    };
  }

  /**
   * Where a change stands, by its transaction id and time of change (the outbox's key); undefined when the outbox has
   * no such change (or pruned it).
   */
  changeState(change: ChangeKey): ChangeState | undefined {
    const row = this.statements.changeState.get(change.changedAt, change.transactionId) as
      { seq: number; state: ChangeState['state']; last_error: string | null } | undefined;
    if (!row) return undefined;
    return {
      state: row.state,
      lastError: row.last_error ?? undefined,
      reasonCode: this.letters.latestReasonCodeOfChange(row.seq),
    };
  }

  checkpoint(topic: string): string | undefined {
    return this.checkpoints.of(topic);
  }

  /** Every change still to deliver, in arrival order: what the dispatcher reloads after a restart. */
  pendingChanges(): PendingChange[] {
    return this.db.transaction(() => {
      this.statements.clearRevived.run();
      return (this.statements.pending.all() as ChangeRow[]).map(toPendingChange);
    })();
  }

  /** Changes an operator put back into the outbox (dead-letter retry) since the last call. */
  takeRevivedChanges(): PendingChange[] {
    return this.db.transaction(() => {
      const rows = this.statements.revived.all() as ChangeRow[];
      if (rows.length > 0) this.statements.clearRevived.run();
      return rows.map(toPendingChange);
    })();
  }

  /** Records deliveries in one transaction; losing this batch in a crash only causes idempotent redelivery. */
  recordDelivered(delivered: readonly DeliveredChange[], now = Date.now()): void {
    this.db.transaction(() => {
      for (const item of delivered) {
        this.statements.markDelivered.run(now, item.seq);
        if (item.learntReference) {
          const { objectType, recordId, reference } = item.learntReference;
          this.references.remember(objectType, recordId, reference);
        }
        if (item.writeBack) this.writeBacks.add(item.writeBack);
      }
    })();
  }

  scheduleRetry(seq: number, attempts: number, nextAttemptAt: number, error: string, now = Date.now()): void {
    this.statements.scheduleRetry.run(attempts, nextAttemptAt, error, now, seq);
  }

  /** Moves a change to the dead-letter store, with the write-back telling Salesforce users it failed. */
  deadLetterChange(
    seq: number,
    reasonCode: string,
    reason: string,
    writeBack: DeliveredChange['writeBack'],
    now = Date.now(),
  ): void {
    this.db.transaction(() => {
      const row = this.statements.changeBySeq.get(seq) as
        { transaction_id: string; entity_key: string; change_json: string; attempts: number } | undefined;
      if (!row) return;
      this.statements.markDead.run(reason, now, seq);
      this.insertDeadLetter(
        'change',
        row.transaction_id,
        row.entity_key,
        seq,
        reasonCode,
        reason,
        row.change_json,
        row.attempts,
        now,
      );
      if (writeBack) this.writeBacks.add(writeBack);
    })();
  }

  /** The dead letters of both flows, oldest first (see dead-letters.ts). */
  deadLetters(limit = 100, offset = 0): DeadLetter[] {
    return this.letters.list(limit, offset);
  }

  deadLetter(id: number): StoredDeadLetter | undefined {
    return this.letters.get(id);
  }

  /**
   * Puts a dead-lettered change back into the outbox (after the cause was fixed), or re-ingests a rejected event's
   * payload through `assemble`. Returns the revived change, or throws when it still cannot be read.
   */
  retryDeadLetter(id: number, assemble: Assembler, now = Date.now()): PendingChange {
    const retry = this.db.transaction(() => {
      const letter = this.letters.get(id);
      if (!letter) throw new DeadLetterNotFoundError(`no dead letter ${id}`);
      let pending: PendingChange;
      if (letter.changeSeq !== null) {
        const bump = REJECTION_CODES.has(letter.reasonCode) ? 1 : 0;
        const revived = this.statements.revive.get(bump, now, letter.changeSeq) as {
          generation: number;
          trace_id: string;
        };
        const change = JSON.parse(letter.payload) as ObjectChange;
        pending = {
          seq: letter.changeSeq,
          generation: revived.generation,
          entityKey: letter.entityKey!,
          change,
          attempts: 0,
          nextAttemptAt: 0,
          traceId: revived.trace_id,
        };
      } else {
        const parts = JSON.parse(letter.payload) as ObjectEventPart[];
        const change = assemble(Array.isArray(parts) ? parts : [parts]);
        const inserted = this.insertPending(change, now);
        if (!inserted)
          throw new DeadLetterNotFoundError(`transaction ${change.transactionId} is already in the outbox`);
        this.statements.markRevived.run(inserted.seq);
        pending = inserted;
      }
      this.letters.remove(id);
      return pending;
    });
    return this.acknowledging(() => retry());
  }

  discardDeadLetter(id: number): boolean {
    return this.acknowledging(() => this.letters.remove(id));
  }

  referenceOf(objectType: string, recordId: string): string | undefined {
    return this.references.of(objectType, recordId);
  }

  dueWriteBacks(limit: number, now = Date.now()): WriteBack[] {
    return this.writeBacks.due(limit, now);
  }

  completeWriteBacks(ids: readonly number[]): void {
    this.writeBacks.complete(ids);
  }

  retryWriteBacks(ids: readonly number[], nextAttemptAt: number): void {
    this.writeBacks.retry(ids, nextAttemptAt);
  }

  /** Parts whose siblings never arrived within `timeoutMs` become dead letters naming what is missing. */
  expireIncompleteParts(timeoutMs: number, now = Date.now()): number {
    return this.db.transaction(() => {
      const stale = this.statements.stalePartTransactions.all(now - timeoutMs) as {
        transaction_id: string;
        parts: number;
        total: number;
      }[];
      for (const transaction of stale) {
        const parts = (this.statements.partsOf.all(transaction.transaction_id) as { part_json: string }[]).map((row) =>
          JSON.parse(row.part_json),
        );
        this.insertDeadLetter(
          'event',
          transaction.transaction_id,
          null,
          null,
          'PARTS_MISSING',
          `transaction ${transaction.transaction_id}: only ${transaction.parts} of ${transaction.total} parts arrived within ${Math.round(timeoutMs / 1000)} s`,
          JSON.stringify(parts),
          0,
          now,
        );
        this.statements.deleteParts.run(transaction.transaction_id);
      }
      return stale.length;
    })();
  }

  /** Delivered changes are kept as long as Salesforce may redeliver them (72 h), to recognise duplicates. */
  pruneDelivered(olderThan: number): number {
    return this.statements.pruneDelivered.run(olderThan).changes;
  }

  /** `dead` counts the letters of both flows. */
  counts(): { pending: number; parts: number; dead: number; writeBacks: number } {
    const counts = this.statements.counts.get() as { pending: number; parts: number };
    return {
      pending: counts.pending,
      parts: counts.parts,
      dead: this.letters.count(),
      writeBacks: this.writeBacks.count(),
    };
  }

  close(): void {
    this.checkpointer?.stop();
    this.walSync?.close();
    if (this.db.open) this.db.close();
  }

  /**
   * Runs one commit at the acknowledging `synchronous` level. The level applies when a transaction commits and
   * cannot change inside one; a PRAGMA takes effect when it is prepared, so it is executed afresh each time.
   */
  private acknowledging<T>(commit: () => T): T {
    if (this.acknowledgingSync === 'NORMAL') return commit();
    this.db.exec(`PRAGMA synchronous = ${this.acknowledgingSync}`);
    try {
      return commit();
    } finally {
      this.db.exec('PRAGMA synchronous = NORMAL');
    }
  }

  private insertDeadLetter(
    source: DeadLetterSource,
    transactionId: string | null,
    entityKey: string | null,
    changeSeq: number | null,
    reasonCode: string,
    reason: string,
    payload: string,
    attempts: number,
    now: number,
  ): void {
    this.letters.add({
      source,
      transactionId,
      entityKey,
      changeSeq,
      reasonCode,
      reason,
      payload,
      attempts,
      createdAt: now,
    });
  }
}

interface ChangeRow {
  seq: number;
  generation: number;
  entity_key: string;
  change_json: string;
  attempts: number;
  next_attempt_at: number;
  trace_id: string;
}

function toPendingChange(row: ChangeRow): PendingChange {
  return {
    seq: row.seq,
    generation: row.generation,
    entityKey: row.entity_key,
    change: forDelivery(JSON.parse(row.change_json) as ObjectChange),
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    traceId: row.trace_id,
  };
}

/**
 * A change as the dispatcher holds it until it is delivered: the old values only when its calls are planned from
 * them (a DELETE). Thousands of changes can wait in memory, and an update's old values were half of each; the
 * stored change keeps them all.
 */
function forDelivery(change: ObjectChange): ObjectChange {
  return change.oldValues === null || plannedFromOldValues(change) ? change : { ...change, oldValues: null };
}

function describe(error: unknown): { code: string; message: string } {
  if (error instanceof Error) return { code: isRelayError(error) ? error.code : 'BAD_EVENT', message: error.message };
  return { code: 'BAD_EVENT', message: String(error) };
}
