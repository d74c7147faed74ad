/**
 * The gateway's record of calls (table `gateway_calls`, store migration 2): who called (the API client and the
 * Salesforce user), which operation and path, and the outcome. Rows are kept in memory and written in one
 * transaction every FLUSH_INTERVAL_MS (or FLUSH_ROWS rows), on a connection of their own at synchronous=NORMAL: an
 * fsync per GET would cost the callers more than the call, and a power loss may lose the last moment of the record,
 * never the store. Rows older than the retention are pruned as new ones are written.
 */
import { openRelayDatabase, type RelayDatabase } from '../platform/db/relay-database.js';

export const GATEWAY_CALL_RETENTION_MS = 90 * 24 * 60 * 60 * 1000;
const FLUSH_INTERVAL_MS = 200;
const FLUSH_ROWS = 500;
const PRUNE_EVERY_FLUSHES = 1000;

export interface GatewayCall {
  readonly at: number;
  readonly clientId: string;
  readonly onBehalfOf: string | undefined;
  readonly operation: string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly outcome: string;
  readonly errorType: string | undefined;
  readonly traceId: string;
  readonly transactionId: string | undefined;
  readonly durationMs: number;
}

interface CallRow {
  at: number;
  client_id: string;
  on_behalf_of: string | null;
  operation: string;
  method: string;
  path: string;
  status: number;
  outcome: string;
  error_type: string | null;
  trace_id: string;
  transaction_id: string | null;
  duration_ms: number;
}

export class GatewayCallLog {
  private pending: GatewayCall[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushes = 0;
  private readonly statements;

  private constructor(
    private readonly db: RelayDatabase,
    private readonly clock: () => number,
  ) {
    this.statements = {
      insert: db.prepare(
        `INSERT INTO gateway_calls (at, client_id, on_behalf_of, operation, method, path, status, outcome, error_type, trace_id, transaction_id, duration_ms)
         VALUES (@at, @clientId, @onBehalfOf, @operation, @method, @path, @status, @outcome, @errorType, @traceId, @transactionId, @durationMs)`,
      ),
      recent: db.prepare(`SELECT * FROM gateway_calls ORDER BY id DESC LIMIT ?`),
      prune: db.prepare(`DELETE FROM gateway_calls WHERE at < ?`),
    };
  }

  static open(storePath: string, clock: () => number = Date.now): GatewayCallLog {
    return new GatewayCallLog(openRelayDatabase(storePath, { synchronous: 'NORMAL' }), clock);
  }

  record(call: GatewayCall): void {
    this.pending.push(call);
    if (this.pending.length >= FLUSH_ROWS) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), FLUSH_INTERVAL_MS).unref();
  }

  /** Writes what is waiting; called by the timer, and by tests and close() to see every call. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    const rows = this.pending;
    this.pending = [];
    this.db.transaction(() => {
      for (const call of rows) {
        this.statements.insert.run({
          ...call,
          onBehalfOf: call.onBehalfOf ?? null,
          errorType: call.errorType ?? null,
          transactionId: call.transactionId ?? null,
        });
      }
      if (++this.flushes % PRUNE_EVERY_FLUSHES === 1)
        this.statements.prune.run(this.clock() - GATEWAY_CALL_RETENTION_MS);
    })();
  }

  /** The newest calls first (written ones only: flush() first to see the latest). */
  recent(limit = 100): GatewayCall[] {
    return (this.statements.recent.all(limit) as CallRow[]).map((row) => ({
      at: row.at,
      clientId: row.client_id,
      onBehalfOf: row.on_behalf_of ?? undefined,
      operation: row.operation,
      method: row.method,
      path: row.path,
      status: row.status,
      outcome: row.outcome,
      errorType: row.error_type ?? undefined,
      traceId: row.trace_id,
      transactionId: row.transaction_id ?? undefined,
      durationMs: row.duration_ms,
    }));
  }

  close(): void {
    this.flush();
    this.db.close();
  }
}
