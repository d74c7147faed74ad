/**
 * The portal's audit log (`portal_audit`): every action taken in the portal or on its accounts, with who took it,
 * on what, when and how it ended, including refusals (a role that may not, a missing CSRF token, a wrong password).
 * Entries are only ever added.
 */
import type { RelayDatabase } from '../platform/db/relay-database.js';

export type AuditOutcome = 'succeeded' | 'failed' | 'refused';

export interface AuditEntry {
  readonly id: number;
  readonly at: number;
  /** The portal user, `cli:<os user>` for account commands, or `anonymous` before sign-in. */
  readonly actor: string;
  /** e.g. sign-in, dead-letter.retry, user.add */
  readonly action: string;
  /** What it was taken on, e.g. `dead letter 12`. */
  readonly target: string | null;
  readonly outcome: AuditOutcome;
  /** Why it failed or was refused, or what it did; never a secret. */
  readonly detail: string | null;
}

export type NewAuditEntry = Omit<AuditEntry, 'id' | 'at' | 'target' | 'detail'> & {
  readonly target?: string;
  readonly detail?: string;
};

export interface AuditFilter {
  readonly actor?: string;
  readonly action?: string;
  readonly outcome?: AuditOutcome;
}

interface AuditRow {
  id: number;
  at: number;
  actor: string;
  action: string;
  target: string | null;
  outcome: AuditOutcome;
  detail: string | null;
}

export class AuditLog {
  private readonly insert;

  constructor(
    private readonly db: RelayDatabase,
    private readonly clock: () => number = Date.now,
  ) {
    this.insert = db.prepare(
      `INSERT INTO portal_audit (at, actor, action, target, outcome, detail) VALUES (?, ?, ?, ?, ?, ?)`,
    );
  }

  record(entry: NewAuditEntry): void {
    this.insert.run(this.clock(), entry.actor, entry.action, entry.target ?? null, entry.outcome, entry.detail ?? null);
  }

  /** Newest first. */
  list(filter: AuditFilter = {}, limit = 100, offset = 0): AuditEntry[] {
    const conditions: string[] = [];
    const values: unknown[] = [];
    if (filter.actor) {
      conditions.push('actor = ?');
      values.push(filter.actor);
    }
    if (filter.action) {
      conditions.push('action = ?');
      values.push(filter.action);
    }
    if (filter.outcome) {
      conditions.push('outcome = ?');
      values.push(filter.outcome);
    }
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    return this.db
      .prepare(`SELECT * FROM portal_audit ${where} ORDER BY id DESC LIMIT ? OFFSET ?`)
      .all(...values, limit, offset) as AuditRow[];
  }
}
