/**
 * The inbox: Gentrack webhook events, stored before the relay answers 2xx (so an accepted event survives a crash),
 * de-duplicated by eventId, and worked off by the inbound dispatcher. Beside it, per record and field, the createdAt
 * of the event that last set the field, so an older event that arrives late cannot overwrite a newer one.
 *
 * It works on a connection of its own to the relay's store file (WAL lets several share it), like the API tables,
 * so the outbox's hot path is untouched. Events that cannot be applied go to the relay's one dead-letter store
 * (platform/db/dead-letters.ts, source 'gentrack-event'), where `gentrack-sf dlq` lists them; retrying one puts its
 * event back into the inbox.
 */
import type { GentrackEnvelope } from './webhooks/gentrack-envelope.js';
import { DeadLetters, GENTRACK_EVENT_SOURCE } from '../platform/db/dead-letters.js';
import { openRelayDatabase, type RelayDatabase } from '../platform/db/relay-database.js';

export type InboxState = 'pending' | 'applied' | 'superseded' | 'dead';

export interface InboxEvent {
  readonly seq: number;
  readonly eventId: string;
  readonly eventType: string;
  readonly createdAtMs: number;
  readonly rawBody: string;
  readonly attempts: number;
}

export interface InboxOutcome {
  readonly record?: string;
  readonly applied?: readonly string[];
  readonly superseded?: readonly string[];
  readonly tasks?: number;
}

export interface FieldVersions {
  readonly objectType: string;
  readonly reference: string;
  readonly fields: readonly string[];
  /** The Gentrack time the values are as of: an event's createdAt, or the moment an on-demand sync read the entity. */
  readonly createdAtMs: number;
  /** Which write set them: the event's id, or an on-demand sync job's transaction id. */
  readonly eventId: string;
}

export interface InboxRecord {
  readonly eventId: string;
  readonly eventType: string;
  readonly state: InboxState;
  readonly attempts: number;
  readonly lastError: string | undefined;
  readonly outcome: InboxOutcome | undefined;
}

export class InboxStore {
  private readonly statements;
  private readonly letters: DeadLetters;

  /** Opens the relay's store file (store.path; ':memory:' for tests) on a connection the inbox closes itself. */
  static open(file: string, options: { synchronous?: 'FULL' | 'NORMAL' } = {}): InboxStore {
    return new InboxStore(openRelayDatabase(file, options));
  }

  /** `db`: a connection from openRelayDatabase, at the durability inbox commits need; close() closes it. */
  constructor(private readonly db: RelayDatabase) {
    this.letters = new DeadLetters(db);
    this.statements = {
      insert: db.prepare(
        `INSERT INTO inbox (event_id, event_type, created_at_ms, raw_body, received_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING`,
      ),
      due: db.prepare(
        `SELECT seq, event_id, event_type, created_at_ms, raw_body, attempts FROM inbox
         WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY seq LIMIT ?`,
      ),
      nextDueAt: db.prepare(`SELECT MIN(next_attempt_at) AS at FROM inbox WHERE state = 'pending'`),
      finish: db.prepare(
        `UPDATE inbox SET state = ?, outcome_json = ?, last_error = NULL, updated_at = ? WHERE seq = ?`,
      ),
      scheduleRetry: db.prepare(
        `UPDATE inbox SET attempts = ?, next_attempt_at = ?, last_error = ?, updated_at = ? WHERE seq = ?`,
      ),
      markDead: db.prepare(`UPDATE inbox SET state = 'dead', last_error = ?, updated_at = ? WHERE seq = ?`),
      eventBySeq: db.prepare(`SELECT event_id, raw_body, attempts FROM inbox WHERE seq = ?`),
      revive: db.prepare(
        `UPDATE inbox SET state = 'pending', attempts = 0, next_attempt_at = 0, last_error = NULL, updated_at = ? WHERE event_id = ?`,
      ),
      versions: db.prepare(
        `SELECT field, created_at_ms FROM inbound_field_versions WHERE object_type = ? AND reference = ?`,
      ),
      // Only ever forward: an older event finishing late must not lower a field's version.
      upsertVersion: db.prepare(
        `INSERT INTO inbound_field_versions (object_type, reference, field, created_at_ms, event_id) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (object_type, reference, field) DO UPDATE SET created_at_ms = excluded.created_at_ms, event_id = excluded.event_id
         WHERE excluded.created_at_ms >= inbound_field_versions.created_at_ms`,
      ),
      record: db.prepare(
        `SELECT event_id, event_type, state, attempts, last_error, outcome_json FROM inbox WHERE event_id = ?`,
      ),
      prune: db.prepare(`DELETE FROM inbox WHERE state IN ('applied', 'superseded') AND updated_at < ?`),
      counts: db.prepare(
        `SELECT (SELECT COUNT(*) FROM inbox WHERE state = 'pending') AS pending,
                (SELECT COUNT(*) FROM inbox WHERE state = 'dead') AS dead,
                (SELECT COUNT(*) FROM inbox) AS total`,
      ),
    };
  }

  /** Stores an accepted event durably; 'duplicate' when its eventId is already in the inbox. */
  receive(
    envelope: Pick<GentrackEnvelope, 'eventId' | 'eventType' | 'createdAtMs'>,
    rawBody: string,
    now = Date.now(),
  ): 'stored' | 'duplicate' {
    const result = this.statements.insert.run(
      envelope.eventId,
      envelope.eventType,
      envelope.createdAtMs,
      rawBody,
      now,
      now,
    );
    return result.changes === 0 ? 'duplicate' : 'stored';
  }

  /** Pending events whose time has come, oldest first. */
  due(limit: number, now = Date.now()): InboxEvent[] {
    return (this.statements.due.all(now, limit) as InboxRow[]).map((row) => ({
      seq: row.seq,
      eventId: row.event_id,
      eventType: row.event_type,
      createdAtMs: row.created_at_ms,
      rawBody: row.raw_body,
      attempts: row.attempts,
    }));
  }

  /** When the next pending event is due (epoch ms), or undefined when none is pending. */
  nextDueAt(): number | undefined {
    return (this.statements.nextDueAt.get() as { at: number | null }).at ?? undefined;
  }

  /** Finishes events in one transaction with the field versions they set. */
  finish(
    items: readonly { seq: number; state: 'applied' | 'superseded'; outcome: InboxOutcome; versions?: FieldVersions }[],
    now = Date.now(),
  ): void {
    this.db.transaction(() => {
      for (const item of items) {
        this.statements.finish.run(item.state, JSON.stringify(item.outcome), now, item.seq);
        const versions = item.versions;
        if (!versions) continue;
        for (const field of versions.fields) {
          this.statements.upsertVersion.run(
            versions.objectType,
            versions.reference,
            field,
            versions.createdAtMs,
            versions.eventId,
          );
        }
      }
    })();
  }

  scheduleRetry(seq: number, attempts: number, nextAttemptAt: number, error: string, now = Date.now()): void {
    this.statements.scheduleRetry.run(attempts, nextAttemptAt, error, now, seq);
  }

  /** Moves an event to the dead-letter store with the reason, keeping the inbox row (its eventId stays known). */
  deadLetter(seq: number, reasonCode: string, reason: string, entityKey: string | null, now = Date.now()): void {
    this.db.transaction(() => {
      const row = this.statements.eventBySeq.get(seq) as
        { event_id: string; raw_body: string; attempts: number } | undefined;
      if (!row) return;
      this.statements.markDead.run(`${reasonCode}: ${reason}`, now, seq);
      this.letters.add({
        source: GENTRACK_EVENT_SOURCE,
        transactionId: row.event_id,
        entityKey,
        changeSeq: null,
        reasonCode,
        reason,
        payload: row.raw_body,
        attempts: row.attempts,
        createdAt: now,
      });
    })();
  }

  /** The createdAt (epoch ms) of the event that last set each field of a record. */
  fieldVersions(objectType: string, reference: string): Map<string, number> {
    const rows = this.statements.versions.all(objectType, reference) as { field: string; created_at_ms: number }[];
    return new Map(rows.map((row) => [row.field, row.created_at_ms]));
  }

  /** Records the versions of fields written outside an inbox event (an on-demand sync); only ever forward. */
  recordFieldVersions(versions: FieldVersions): void {
    this.db.transaction(() => {
      for (const field of versions.fields) {
        this.statements.upsertVersion.run(
          versions.objectType,
          versions.reference,
          field,
          versions.createdAtMs,
          versions.eventId,
        );
      }
    })();
  }

  /**
   * Puts a dead-lettered Gentrack event back into the inbox (after its cause was fixed); a running relay picks it up
   * at its next poll. Returns the eventId, or undefined when the dead letter is not a Gentrack event.
   */
  retryDeadLetter(id: number, now = Date.now()): string | undefined {
    return this.db.transaction(() => {
      const letter = this.letters.get(id);
      if (!letter || letter.source !== GENTRACK_EVENT_SOURCE || !letter.transactionId) return undefined;
      this.statements.revive.run(now, letter.transactionId);
      this.letters.remove(id);
      return letter.transactionId;
    })();
  }

  /** Where an event stands (tests, operators). */
  record(eventId: string): InboxRecord | undefined {
    const row = this.statements.record.get(eventId) as
      | {
          event_id: string;
          event_type: string;
          state: InboxState;
          attempts: number;
          last_error: string | null;
          outcome_json: string | null;
        }
      | undefined;
    if (!row) return undefined;
    return {
      eventId: row.event_id,
      eventType: row.event_type,
      state: row.state,
      attempts: row.attempts,
      lastError: row.last_error ?? undefined,
      outcome: row.outcome_json ? (JSON.parse(row.outcome_json) as InboxOutcome) : undefined,
    };
  }

  /** Finished events are remembered this long to recognise Gentrack's redeliveries, then forgotten. */
  pruneFinished(olderThan: number): number {
    return this.statements.prune.run(olderThan).changes;
  }

  counts(): { pending: number; dead: number; total: number } {
    return this.statements.counts.get() as { pending: number; dead: number; total: number };
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

interface InboxRow {
  seq: number;
  event_id: string;
  event_type: string;
  created_at_ms: number;
  raw_body: string;
  attempts: number;
}
