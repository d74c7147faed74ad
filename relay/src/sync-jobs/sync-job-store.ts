/**
 * On-demand sync jobs, persisted so their state survives a restart (a running job is resumed) and so every job
 * records who asked for it. Finished jobs are kept for JOB_RETENTION_MS, then pruned.
 */
import type { RelayDatabase } from '../platform/db/relay-database.js';
import type { SyncJob, SyncJobError, SyncJobRequest, SyncJobResult, SyncJobState } from './sync-job.js';

export const JOB_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

interface JobRow {
  id: string;
  source: SyncJob['source'];
  destination: SyncJob['destination'];
  entity_type: string;
  entity_id: string;
  state: SyncJobState;
  client_id: string;
  on_behalf_of: string;
  transaction_id: string | null;
  error_code: string | null;
  error_message: string | null;
  result_json: string | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
}

export class SyncJobStore {
  private readonly statements;

  constructor(db: RelayDatabase) {
    this.statements = {
      insert: db.prepare(
        `INSERT INTO sync_jobs (id, source, destination, entity_type, entity_id, state, client_id, on_behalf_of, created_at)
         VALUES (?, ?, ?, ?, ?, 'queued', ?, ?, ?)`,
      ),
      byId: db.prepare(`SELECT * FROM sync_jobs WHERE id = ?`),
      start: db.prepare(
        `UPDATE sync_jobs SET state = 'running', started_at = COALESCE(started_at, ?), transaction_id = ? WHERE id = ?`,
      ),
      succeed: db.prepare(
        `UPDATE sync_jobs SET state = 'succeeded', result_json = ?, error_code = NULL, error_message = NULL, finished_at = ? WHERE id = ?`,
      ),
      fail: db.prepare(
        `UPDATE sync_jobs SET state = 'failed', error_code = ?, error_message = ?, finished_at = ? WHERE id = ?`,
      ),
      unfinished: db.prepare(`SELECT * FROM sync_jobs WHERE state IN ('queued', 'running') ORDER BY created_at, id`),
      finishedSince: db.prepare(
        `SELECT * FROM sync_jobs WHERE state IN ('succeeded', 'failed') AND finished_at >= ? ORDER BY finished_at, id LIMIT ?`,
      ),
      prune: db.prepare(`DELETE FROM sync_jobs WHERE state IN ('succeeded', 'failed') AND finished_at < ?`),
    };
  }

  insert(id: string, request: SyncJobRequest, now = Date.now()): SyncJob {
    const { source, destination, entityType, entityId, clientId, onBehalfOf } = request;
    this.statements.insert.run(id, source, destination, entityType, entityId, clientId, onBehalfOf, now);
    return this.get(id)!;
  }

  get(id: string): SyncJob | undefined {
    const row = this.statements.byId.get(id) as JobRow | undefined;
    return row && toJob(row);
  }

  markRunning(id: string, transactionId: string | undefined, now = Date.now()): void {
    this.statements.start.run(now, transactionId ?? null, id);
  }

  markSucceeded(id: string, result: SyncJobResult, now = Date.now()): void {
    this.statements.succeed.run(JSON.stringify(result), now, id);
  }

  markFailed(id: string, error: SyncJobError, now = Date.now()): void {
    this.statements.fail.run(error.code, error.message.slice(0, 4000), now, id);
  }

  /** Jobs a stopped relay left queued or running, oldest first: what a restart resumes. */
  unfinished(): SyncJob[] {
    return (this.statements.unfinished.all() as JobRow[]).map(toJob);
  }

  /**
   * The history of on-demand syncs: jobs that finished at or after `since` (epoch ms), oldest first. For reports
   * and for the initial synchronisation's sync history, which may list on-demand syncs beside its own runs.
   */
  finishedSince(since: number, limit = 1_000): SyncJob[] {
    return (this.statements.finishedSince.all(since, limit) as JobRow[]).map(toJob);
  }

  prune(olderThan: number): number {
    return this.statements.prune.run(olderThan).changes;
  }
}

function toJob(row: JobRow): SyncJob {
  return {
    id: row.id,
    source: row.source,
    destination: row.destination,
    entityType: row.entity_type,
    entityId: row.entity_id,
    clientId: row.client_id,
    onBehalfOf: row.on_behalf_of,
    state: row.state,
    transactionId: row.transaction_id ?? undefined,
    error: row.error_code === null ? undefined : { code: row.error_code, message: row.error_message ?? '' },
    result: row.result_json === null ? undefined : (JSON.parse(row.result_json) as SyncJobResult),
    createdAt: row.created_at,
    startedAt: row.started_at ?? undefined,
    finishedAt: row.finished_at ?? undefined,
  };
}
