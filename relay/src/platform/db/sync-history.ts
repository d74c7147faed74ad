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

export class SyncRunNotFoundError extends RelayError {
  readonly code = 'SYNC_RUN_NOT_FOUND';
}

interface RunRow {
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

  /** `db`: a connection to the relay's store file (e.g. the API tables'), which close() leaves open unless owned. */
  constructor(
    private readonly db: RelayDatabase,
    private readonly ownsConnection = false,
  ) {
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

  close(): void {
    if (this.ownsConnection && this.db.open) this.db.close();
  }

  private stagesOf(id: string): SyncStage[] {
    const row = this.statements.stages.get(id) as { stages_json: string } | undefined;
    if (!row) throw new SyncRunNotFoundError(`no synchronisation run ${id} in the history: record its start first`);
    return JSON.parse(row.stages_json) as SyncStage[];
  }
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
