/**
 * Field updates still to apply in Salesforce after a delivery (the Gentrack reference, the sync status, a failure
 * message): queued in the commit that records the delivery, applied by the write-back flusher, retried with a delay
 * when Salesforce refuses them.
 */
import type { RelayDatabase } from '../platform/db/relay-database.js';

export interface WriteBack {
  readonly id: number;
  readonly objectType: string;
  readonly recordId: string;
  readonly fields: Record<string, string | null>;
  readonly attempts: number;
}

export type NewWriteBack = Pick<WriteBack, 'objectType' | 'recordId' | 'fields'>;

interface WriteBackRow {
  id: number;
  object_type: string;
  record_id: string;
  fields_json: string;
  attempts: number;
}

export class WriteBackQueue {
  private readonly statements;

  /** Callers run add() inside their own transaction; complete() and retry() make one of their own. */
  constructor(private readonly db: RelayDatabase) {
    this.statements = {
      insert: db.prepare(
        `INSERT INTO write_backs (object_type, record_id, fields_json, attempts, next_attempt_at) VALUES (?, ?, ?, 0, 0)`,
      ),
      due: db.prepare(
        `SELECT id, object_type, record_id, fields_json, attempts FROM write_backs WHERE next_attempt_at <= ? ORDER BY id LIMIT ?`,
      ),
      remove: db.prepare(`DELETE FROM write_backs WHERE id = ?`),
      retry: db.prepare(`UPDATE write_backs SET attempts = attempts + 1, next_attempt_at = ? WHERE id = ?`),
      count: db.prepare(`SELECT COUNT(*) AS count FROM write_backs`),
    };
  }

  add(writeBack: NewWriteBack): void {
    this.statements.insert.run(writeBack.objectType, writeBack.recordId, JSON.stringify(writeBack.fields));
  }

  /** Oldest first, those whose time has come. */
  due(limit: number, now = Date.now()): WriteBack[] {
    return (this.statements.due.all(now, limit) as WriteBackRow[]).map((row) => ({
      id: row.id,
      objectType: row.object_type,
      recordId: row.record_id,
      fields: JSON.parse(row.fields_json) as Record<string, string | null>,
      attempts: row.attempts,
    }));
  }

  /** Applied in Salesforce: forgotten. */
  complete(ids: readonly number[]): void {
    this.db.transaction(() => ids.forEach((id) => this.statements.remove.run(id)))();
  }

  /** Refused this time: tried again from `nextAttemptAt`. */
  retry(ids: readonly number[], nextAttemptAt: number): void {
    this.db.transaction(() => ids.forEach((id) => this.statements.retry.run(nextAttemptAt, id)))();
  }

  count(): number {
    return (this.statements.count.get() as { count: number }).count;
  }
}
