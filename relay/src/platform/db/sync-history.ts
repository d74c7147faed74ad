/**
 * The synchronisation history: one row per initial synchronisation and per on-demand sync, with who started it, its
 * stages, counts, outcome and where its report is. It lives in the relay's store file on a connection of its own
 * (WAL lets the CLI and a running relay share the file), so the outbox's hot path is untouched by it.
 *
 * Writers call recordSyncStart when a run begins, recordSyncStage as stages end (optional), and recordSyncEnd once;
 * a run without an end was interrupted (the process died) and is listed as unfinished.
 */
import { randomUUID } from 'node:crypto';
import { RelayError } from '../errors.js';
import { InitialSyncLease } from './initial-sync-lease.js';
import { openRelayDatabase, type RelayDatabase } from './relay-database.js';

export type SyncKind = 'initial' | 'on-demand';
/** The outcomes the seeds name, word for word. */
export const SYNC_OUTCOMES = ['completed', 'completed with errors', 'failed'] as const;
export type SyncOutcome = (typeof SYNC_OUTCOMES)[number];
export type SyncCounts = Readonly<Record<string, number>>;

export interface SyncStage {
  readonly name: string;
  readonly startedAt: number;
  readonly endedAt?: number;
  readonly outcome?: SyncOutcome | 'skipped';
  readonly counts?: SyncCounts;
  readonly error?: string;
}

export interface SyncStart {
  readonly kind: SyncKind;
  readonly subject: string;
  /** Who started it: an operator (OS user) for the CLI, the Salesforce user an on-demand sync was asked for. */
  readonly initiatedBy: string;
  /** Defaults to a new UUID; an on-demand sync may reuse its job id. */
  readonly id?: string;
  readonly startedAt?: number;
}

export interface SyncEnd {
  readonly outcome: SyncOutcome;
  readonly counts?: SyncCounts;
  /** The stage a failed run stopped at. */
  readonly failedStage?: string;
  readonly error?: string;
  /** Where the report of failed rows is: a file path, a Salesforce URL, or both (one per line). */
  readonly reportLocation?: string;
  /** The full stage list; replaces what recordSyncStage recorded. */
  readonly stages?: readonly SyncStage[];
  readonly endedAt?: number;
}

export interface SyncRun {
  readonly id: string;
  readonly kind: SyncKind;
  readonly subject: string;
  readonly initiatedBy: string;
  readonly startedAt: number;
  /** Undefined while running, or when the process died before the end was recorded. */
  readonly endedAt?: number;
  readonly stages: readonly SyncStage[];
  readonly counts: SyncCounts;
  readonly outcome?: SyncOutcome;
  readonly failedStage?: string;
  readonly error?: string;
  readonly reportLocation?: string;
}

/** What the history's list can be narrowed to; every field is optional. */
export interface SyncHistoryFilter {
  readonly kind?: SyncKind;
  /** `unfinished`: no end recorded (running, or the process died). */
  readonly outcome?: SyncOutcome | 'unfinished';
  /** Started at or after (epoch ms). */
  readonly from?: number;
  /** Started before (epoch ms). */
  readonly until?: number;
  /** Part of who started it (any case). */
  readonly who?: string;
}

/** A place in the list, newest first: the run's start and its rowid (which orders runs of the same millisecond). */
export interface SyncHistoryCursor {
  readonly startedAt: number;
  readonly seq: number;
}

export interface SyncHistoryPage {
  readonly runs: readonly (SyncRun & { readonly cursor: SyncHistoryCursor })[];
  /** Where the next older page starts, when there is one. */
  readonly older?: SyncHistoryCursor;
  /** Where the next newer page ends, when there is one. */
  readonly newer?: SyncHistoryCursor;
  /** How many runs match the filter, all pages together. */
  readonly matching: number;
}

export class SyncRunNotFoundError extends RelayError {
  readonly code = 'SYNC_RUN_NOT_FOUND';
}

interface RunRow {
  seq?: number;
  id: string;
  kind: SyncKind;
  subject: string;
  initiated_by: string;
  started_at: number;
  ended_at: number | null;
  stages_json: string;
  counts_json: string;
  outcome: SyncOutcome | null;
  failed_stage: string | null;
  error: string | null;
  report_location: string | null;
}

export class SyncHistory {
  private readonly statements;
  /** Which initial synchronisation runs now, across every process sharing the store file. */
  readonly initialSyncLease: InitialSyncLease;

  /** `db`: a connection to the relay's store file (e.g. the API tables'), which close() leaves open unless owned. */
  constructor(
    private readonly db: RelayDatabase,
    private readonly ownsConnection = false,
  ) {
    this.initialSyncLease = new InitialSyncLease(db);
    this.statements = {
      insert: db.prepare(
        `INSERT INTO sync_history (id, kind, subject, initiated_by, started_at) VALUES (?, ?, ?, ?, ?)`,
      ),
      stages: db.prepare(`SELECT stages_json FROM sync_history WHERE id = ?`),
      setStages: db.prepare(`UPDATE sync_history SET stages_json = ? WHERE id = ?`),
      end: db.prepare(
        `UPDATE sync_history SET ended_at = ?, outcome = ?, counts_json = ?, failed_stage = ?, error = ?, report_location = ?,
           stages_json = COALESCE(?, stages_json) WHERE id = ?`,
      ),
      byId: db.prepare(`SELECT * FROM sync_history WHERE id = ?`),
      latest: db.prepare(`SELECT * FROM sync_history ORDER BY started_at DESC, rowid DESC LIMIT ?`),
      latestOfKind: db.prepare(
        `SELECT * FROM sync_history WHERE kind = ? ORDER BY started_at DESC, rowid DESC LIMIT ?`,
      ),
    };
  }

  /** Opens the history in the store file at `file` (':memory:' for tests) on a connection it closes itself. */
  /** `create: false` for a reader (gentrack-sf history): a missing store is an error naming the path, not a new one. */
  static open(file: string, options: { create?: boolean } = {}): SyncHistory {
    return new SyncHistory(openRelayDatabase(file, options), true);
  }

  /** Records that a run began; returns its id. */
  recordSyncStart(start: SyncStart): string {
    const id = start.id ?? randomUUID();
    this.statements.insert.run(id, start.kind, start.subject, start.initiatedBy, start.startedAt ?? Date.now());
    return id;
  }

  /** Records a stage (replacing an earlier record of the same name), so an interrupted run still shows its progress. */
  recordSyncStage(id: string, stage: SyncStage): void {
    this.db.transaction(() => {
      const stages = this.stagesOf(id).filter((existing) => existing.name !== stage.name);
      this.statements.setStages.run(JSON.stringify([...stages, stage]), id);
    })();
  }

  recordSyncEnd(id: string, end: SyncEnd): void {
    const result = this.statements.end.run(
      end.endedAt ?? Date.now(),
      end.outcome,
      JSON.stringify(end.counts ?? {}),
      end.failedStage ?? null,
      end.error ?? null,
      end.reportLocation ?? null,
      end.stages ? JSON.stringify(end.stages) : null,
      id,
    );
    if (result.changes === 0)
      throw new SyncRunNotFoundError(`no synchronisation run ${id} in the history: record its start first`);
  }

  get(id: string): SyncRun | undefined {
    const row = this.statements.byId.get(id) as RunRow | undefined;
    return row && toRun(row);
  }

  /** The latest runs first. */
  list(options: { limit?: number; kind?: SyncKind } = {}): SyncRun[] {
    const limit = options.limit ?? 20;
    const rows = (
      options.kind ? this.statements.latestOfKind.all(options.kind, limit) : this.statements.latest.all(limit)
    ) as RunRow[];
    return rows.map(toRun);
  }

  /**
   * One page of the runs matching `filter`, newest first, by keyset: `before` gives the page of runs older than a
   * cursor, `after` the page of runs newer than one (still listed newest first). Each page is a range of one index
   * (sync_history_by_start, _by_kind or _by_outcome), so it costs the same on the first page and the 500th.
   */
  page(
    filter: SyncHistoryFilter,
    options: { readonly limit: number; readonly before?: SyncHistoryCursor; readonly after?: SyncHistoryCursor },
  ): SyncHistoryPage {
    const where = historyConditions(filter);
    const newerThan = options.after;
    const keyset = (cursor: SyncHistoryCursor | undefined, direction: '<' | '>') =>
      cursor ? { sql: `(started_at, rowid) ${direction} (?, ?)`, values: [cursor.startedAt, cursor.seq] } : undefined;
    const query = (extra: { sql: string; values: unknown[] } | undefined, order: 'ASC' | 'DESC', limit: number) => {
      const conditions = [...where.sql, ...(extra ? [extra.sql] : [])];
      return this.db
        .prepare(
          `SELECT rowid AS seq, * FROM sync_history ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}
           ORDER BY started_at ${order}, rowid ${order} LIMIT ?`,
        )
        .all(...where.values, ...(extra?.values ?? []), limit) as RunRow[];
    };
    let rows: RunRow[];
    let moreOlder: boolean;
    let moreNewer: boolean;
    if (newerThan) {
      rows = query(keyset(newerThan, '>'), 'ASC', options.limit + 1);
      moreNewer = rows.length > options.limit;
      rows = rows.slice(0, options.limit).reverse();
      moreOlder = true;
    } else {
      rows = query(keyset(options.before, '<'), 'DESC', options.limit + 1);
      moreOlder = rows.length > options.limit;
      rows = rows.slice(0, options.limit);
      moreNewer = options.before !== undefined;
    }
    const runs = rows.map((row) => ({ ...toRun(row), cursor: { startedAt: row.started_at, seq: row.seq! } }));
    const first = runs[0]?.cursor;
    const last = runs.at(-1)?.cursor;
    // A cursor from a page that has since emptied (runs are never deleted, but a filter may change) asks once more.
    if (moreNewer && first) moreNewer = query(keyset(first, '>'), 'ASC', 1).length > 0;
    if (moreOlder && last) moreOlder = query(keyset(last, '<'), 'DESC', 1).length > 0;
    const matching = (
      this.db
        .prepare(`SELECT COUNT(*) AS n FROM sync_history ${where.sql.length ? `WHERE ${where.sql.join(' AND ')}` : ''}`)
        .get(...where.values) as { n: number }
    ).n;
    return {
      runs,
      ...(moreOlder && last ? { older: last } : {}),
      ...(moreNewer && first ? { newer: first } : {}),
      matching,
    };
  }

  close(): void {
    if (this.ownsConnection && this.db.open) this.db.close();
  }

  private stagesOf(id: string): SyncStage[] {
    const row = this.statements.stages.get(id) as { stages_json: string } | undefined;
    if (!row) throw new SyncRunNotFoundError(`no synchronisation run ${id} in the history: record its start first`);
    return JSON.parse(row.stages_json) as SyncStage[];
  }
}

function historyConditions(filter: SyncHistoryFilter): { sql: string[]; values: unknown[] } {
  const sql: string[] = [];
  const values: unknown[] = [];
  if (filter.kind) {
    sql.push('kind = ?');
    values.push(filter.kind);
  }
  if (filter.outcome === 'unfinished') sql.push('outcome IS NULL');
  else if (filter.outcome) {
    sql.push('outcome = ?');
    values.push(filter.outcome);
  }
  if (filter.from !== undefined) {
    sql.push('started_at >= ?');
    values.push(filter.from);
  }
  if (filter.until !== undefined) {
    sql.push('started_at < ?');
    values.push(filter.until);
  }
  if (filter.who) {
    sql.push(`initiated_by LIKE ? ESCAPE '\\'`);
    values.push(`%${filter.who.replace(/[\\%_]/g, (character) => `\\${character}`)}%`);
  }
  return { sql, values };
}

function toRun(row: RunRow): SyncRun {
  return {
    id: row.id,
    kind: row.kind,
    subject: row.subject,
    initiatedBy: row.initiated_by,
    startedAt: row.started_at,
    ...(row.ended_at === null ? {} : { endedAt: row.ended_at }),
    stages: JSON.parse(row.stages_json) as SyncStage[],
    counts: JSON.parse(row.counts_json) as SyncCounts,
    ...(row.outcome === null ? {} : { outcome: row.outcome }),
    ...(row.failed_stage === null ? {} : { failedStage: row.failed_stage }),
    ...(row.error === null ? {} : { error: row.error }),
    ...(row.report_location === null ? {} : { reportLocation: row.report_location }),
  };
}
