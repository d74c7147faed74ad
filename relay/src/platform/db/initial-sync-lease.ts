/**
 * One initial synchronisation at a time per relay store, across processes: the portal's runs and `gentrack-sf
 * initial-sync` runs share the store file, and two loads at once would each switch publishing off and on under the
 * other and load the same rows twice. The run holds a lease (one row) while it works and renews it; another run that
 * finds the lease held is refused with who holds it. A holder on this host (same host name and process namespace) is
 * asked directly: alive, it keeps the lease however late its renewal; gone, its lease is free at once. A holder
 * elsewhere loses its lease once it has not renewed it for LEASE_STALE_MS; a run stops itself before that
 * (LEASE_GIVE_UP_MS) when it cannot renew.
 */
import { readlinkSync } from 'node:fs';
import os from 'node:os';
import { RelayError } from '../errors.js';
import type { RelayDatabase } from './relay-database.js';

/** A lease not renewed for this long belongs to a run that stopped without releasing it. */
export const LEASE_STALE_MS = 60_000;
/** How often a running run renews its lease: several renewals fit in LEASE_STALE_MS. */
export const LEASE_RENEW_MS = 15_000;
/** A run that could not renew its lease for this long stops, before another process may take the lease over. */
export const LEASE_GIVE_UP_MS = 45_000;

export interface LeaseHolder {
  readonly runId: string;
  /** `host:pid` of the process running it. */
  readonly holder: string;
  readonly initiatedBy: string;
  readonly acquiredAt: number;
  readonly renewedAt: number;
}

export class InitialSyncRunningError extends RelayError {
  readonly code = 'INITIAL_SYNC_RUNNING';

  constructor(
    readonly running: LeaseHolder,
    now = Date.now(),
  ) {
    super(describeHolder(running, now));
    this.name = 'InitialSyncRunningError';
  }
}

/** The refusal's words, for the CLI and the portal alike. */
function describeHolder(running: LeaseHolder, now = Date.now()): string {
  const seen = Math.max(0, Math.round((now - running.renewedAt) / 1000));
  return (
    `An initial synchronisation is already running: run ${running.runId}, started by ${running.initiatedBy} at ` +
    `${new Date(running.acquiredAt).toISOString()} in process ${running.holder} (last seen ${seen} s ago). Wait for ` +
    `it to end or cancel it; if that process is gone, its claim lapses at once on its host, ` +
    `${LEASE_STALE_MS / 1000} s after it was last seen elsewhere.`
  );
}

interface LeaseRow {
  run_id: string;
  holder: string;
  pid_namespace: string;
  initiated_by: string;
  acquired_at: number;
  renewed_at: number;
}

/** A process, as a lease names it: host name and pid, and the pid namespace the pid means something in. */
export interface LeaseHolderProcess {
  readonly holder: string;
  readonly pidNamespace: string;
}

/** This process. Containers sharing the host's name (host networking) have their own pid namespace. */
export function thisProcess(): LeaseHolderProcess {
  let pidNamespace = '';
  try {
    pidNamespace = readlinkSync('/proc/self/ns/pid');
  } catch {
    // Not Linux: the host name alone says which processes can be asked.
  }
  return { holder: `${os.hostname()}:${process.pid}`, pidNamespace };
}

/** Whether the holder is a process this one can ask about: true alive, false gone, undefined when it cannot tell. */
function holderAlive(row: LeaseRow, self: LeaseHolderProcess): boolean | undefined {
  const colon = row.holder.lastIndexOf(':');
  if (row.holder.slice(0, colon) !== os.hostname() || row.pid_namespace !== self.pidNamespace) return undefined;
  const pid = Number(row.holder.slice(colon + 1));
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

export class InitialSyncLease {
  private readonly statements;

  constructor(
    private readonly db: RelayDatabase,
    private readonly self: LeaseHolderProcess = thisProcess(),
  ) {
    this.statements = {
      current: db.prepare(`SELECT * FROM initial_sync_lease WHERE id = 1`),
      claim: db.prepare(
        `INSERT INTO initial_sync_lease (id, run_id, holder, pid_namespace, initiated_by, acquired_at, renewed_at)
         VALUES (1, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET run_id = excluded.run_id, holder = excluded.holder,
           pid_namespace = excluded.pid_namespace, initiated_by = excluded.initiated_by,
           acquired_at = excluded.acquired_at, renewed_at = excluded.renewed_at`,
      ),
      renew: db.prepare(`UPDATE initial_sync_lease SET renewed_at = ? WHERE id = 1 AND run_id = ?`),
      release: db.prepare(`DELETE FROM initial_sync_lease WHERE id = 1 AND run_id = ?`),
    };
  }

  /** The run holding the lease now, unless it lapsed (or there is none). */
  holderNow(now = Date.now()): LeaseHolder | undefined {
    const row = this.statements.current.get() as LeaseRow | undefined;
    if (!row) return undefined;
    const alive = holderAlive(row, this.self);
    if (alive === false || (alive === undefined && now - row.renewed_at > LEASE_STALE_MS)) return undefined;
    return {
      runId: row.run_id,
      holder: row.holder,
      initiatedBy: row.initiated_by,
      acquiredAt: row.acquired_at,
      renewedAt: row.renewed_at,
    };
  }

  /**
   * Takes the lease for `runId`, or throws InitialSyncRunningError naming the run that holds it. The check and the
   * claim are one write transaction, so two processes starting together cannot both get it.
   */
  claim(runId: string, initiatedBy: string, now = Date.now()): void {
    this.db
      .transaction(() => {
        const running = this.holderNow(now);
        if (running) throw new InitialSyncRunningError(running, now);
        this.statements.claim.run(runId, this.self.holder, this.self.pidNamespace, initiatedBy, now, now);
      })
      .immediate();
  }

  /** Tells others the run is alive; false when its lease was taken over meanwhile (it had lapsed). */
  renew(runId: string, now = Date.now()): boolean {
    return this.statements.renew.run(now, runId).changes === 1;
  }

  /** Gives the lease up; a lease another run took over is left alone. */
  release(runId: string): void {
    this.statements.release.run(runId);
  }
}
