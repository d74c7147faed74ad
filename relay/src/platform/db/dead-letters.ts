/**
 * The relay's one dead-letter store: what either flow could not deliver, with its error, kept until an operator
 * retries or discards it (`gentrack-sf dlq`). The outbox (Salesforce -> Gentrack) files rejected events and changes
 * that kept failing; the inbox (Gentrack -> Salesforce) files webhook events it could not apply.
 *
 * Retrying is the flow's business (a change goes back into the outbox, an event into the inbox): each flow reads
 * and deletes the letter here inside its own transaction, on the connection it was given.
 */
import { RelayError } from '../errors.js';
import type { RelayDatabase } from './relay-database.js';

/** Who filed a letter: 'event' and 'change' are the outbox's, 'gentrack-event' the inbox's. */
export type DeadLetterSource = 'event' | 'change' | 'gentrack-event';

export const GENTRACK_EVENT_SOURCE = 'gentrack-event' satisfies DeadLetterSource;

export interface DeadLetter {
  readonly id: number;
  readonly source: DeadLetterSource;
  /** The Salesforce transaction id of an event or change; the eventId of a Gentrack event. */
  readonly transactionId: string | null;
  readonly entityKey: string | null;
  readonly reasonCode: string;
  readonly reason: string;
  /** The event payload or the change, as JSON, so it can be retried after a fix. */
  readonly payload: string;
  readonly attempts: number;
  readonly createdAt: number;
}

/** One letter with the outbox change it was filed for (null for events), which a retry revives. */
export interface StoredDeadLetter extends DeadLetter {
  readonly changeSeq: number | null;
}

export type NewDeadLetter = Omit<StoredDeadLetter, 'id'>;

/** What an operator narrows a list of letters to; every condition given must hold. */
export interface DeadLetterFilter {
  readonly source?: DeadLetterSource;
  readonly reasonCode?: string;
  /** Part of the record (entity key) or the transaction id / Gentrack eventId. */
  readonly search?: string;
}

export class DeadLetterNotFoundError extends RelayError {
  readonly code = 'DEAD_LETTER_NOT_FOUND';
}

interface DeadLetterRow {
  id: number;
  source: DeadLetterSource;
  transaction_id: string | null;
  entity_key: string | null;
  change_seq: number | null;
  reason_code: string;
  reason: string;
  payload: string;
  attempts: number;
  created_at: number;
}

const COLUMNS =
  'id, source, transaction_id, entity_key, change_seq, reason_code, reason, payload, attempts, created_at';

export class DeadLetters {
  private readonly statements;

  constructor(private readonly db: RelayDatabase) {
    this.statements = {
      insert: db.prepare(
        `INSERT INTO dead_letters (source, transaction_id, entity_key, change_seq, reason_code, reason, payload, attempts, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      list: db.prepare(`SELECT ${COLUMNS} FROM dead_letters ORDER BY id LIMIT ? OFFSET ?`),
      byId: db.prepare(`SELECT ${COLUMNS} FROM dead_letters WHERE id = ?`),
      remove: db.prepare(`DELETE FROM dead_letters WHERE id = ?`),
      count: db.prepare(`SELECT COUNT(*) AS count FROM dead_letters`),
      reasonCodes: db.prepare(`SELECT DISTINCT reason_code FROM dead_letters ORDER BY reason_code`),
      filedSince: db.prepare(
        `SELECT source, reason_code AS reasonCode, COUNT(*) AS count FROM dead_letters WHERE created_at >= ?
         GROUP BY source, reason_code ORDER BY count DESC, source, reason_code`,
      ),
      latestReasonOfChange: db.prepare(
        `SELECT reason_code FROM dead_letters WHERE change_seq = ? ORDER BY id DESC LIMIT 1`,
      ),
    };
  }

  /** Files a letter; returns its id. */
  add(letter: NewDeadLetter): number {
    const result = this.statements.insert.run(
      letter.source,
      letter.transactionId,
      letter.entityKey,
      letter.changeSeq,
      letter.reasonCode,
      letter.reason,
      letter.payload,
      letter.attempts,
      letter.createdAt,
    );
    return Number(result.lastInsertRowid);
  }

  /** Letters of both flows, oldest first. */
  list(limit = 100, offset = 0): DeadLetter[] {
    return (this.statements.list.all(limit, offset) as DeadLetterRow[]).map((row) => {
      const { changeSeq: _changeSeq, ...letter } = toDeadLetter(row);
      return letter;
    });
  }

  /** Letters matching `filter`, oldest first. */
  find(filter: DeadLetterFilter, limit = 100, offset = 0): DeadLetter[] {
    const { where, values } = whereClause(filter);
    return (
      this.db
        .prepare(`SELECT ${COLUMNS} FROM dead_letters ${where} ORDER BY id LIMIT ? OFFSET ?`)
        .all(...values, limit, offset) as DeadLetterRow[]
    ).map((row) => {
      const { changeSeq: _changeSeq, ...letter } = toDeadLetter(row);
      return letter;
    });
  }

  countMatching(filter: DeadLetterFilter): number {
    const { where, values } = whereClause(filter);
    return (this.db.prepare(`SELECT COUNT(*) AS count FROM dead_letters ${where}`).get(...values) as { count: number })
      .count;
  }

  /** Ids of the letters matching `filter`, oldest first. */
  idsMatching(filter: DeadLetterFilter, limit: number): number[] {
    const { where, values } = whereClause(filter);
    return (
      this.db.prepare(`SELECT id FROM dead_letters ${where} ORDER BY id LIMIT ?`).all(...values, limit) as {
        id: number;
      }[]
    ).map((row) => row.id);
  }

  /** The reason codes letters are filed under now, for choosing among them. */
  reasonCodes(): string[] {
    return (this.statements.reasonCodes.all() as { reason_code: string }[]).map((row) => row.reason_code);
  }

  get(id: number): StoredDeadLetter | undefined {
    const row = this.statements.byId.get(id) as DeadLetterRow | undefined;
    return row && toDeadLetter(row);
  }

  /** Deletes a letter (discarded, or taken back by a retry); false when there was none with this id. */
  remove(id: number): boolean {
    return this.statements.remove.run(id).changes > 0;
  }

  count(): number {
    return (this.statements.count.get() as { count: number }).count;
  }

  /** How many letters still here were filed at or after `since` (epoch ms), by source and reason code, most first. */
  filedSince(since: number): { source: DeadLetterSource; reasonCode: string; count: number }[] {
    return this.statements.filedSince.all(since) as { source: DeadLetterSource; reasonCode: string; count: number }[];
  }

  /** The reason code of the latest letter filed for an outbox change, if it was dead-lettered. */
  latestReasonCodeOfChange(changeSeq: number): string | undefined {
    return (this.statements.latestReasonOfChange.get(changeSeq) as { reason_code: string } | undefined)?.reason_code;
  }
}

function whereClause(filter: DeadLetterFilter): { where: string; values: unknown[] } {
  const conditions: string[] = [];
  const values: unknown[] = [];
  if (filter.source) {
    conditions.push('source = ?');
    values.push(filter.source);
  }
  if (filter.reasonCode) {
    conditions.push('reason_code = ?');
    values.push(filter.reasonCode);
  }
  if (filter.search) {
    // A literal substring: LIKE's wildcards in what the operator typed match only themselves.
    const pattern = `%${filter.search.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
    conditions.push(`(entity_key LIKE ? ESCAPE '\\' OR transaction_id LIKE ? ESCAPE '\\')`);
    values.push(pattern, pattern);
  }
  return { where: conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '', values };
}

function toDeadLetter(row: DeadLetterRow): StoredDeadLetter {
  return {
    id: row.id,
    source: row.source,
    transactionId: row.transaction_id,
    entityKey: row.entity_key,
    reasonCode: row.reason_code,
    reason: row.reason,
    payload: row.payload,
    attempts: row.attempts,
    createdAt: row.created_at,
    changeSeq: row.change_seq,
  };
}
