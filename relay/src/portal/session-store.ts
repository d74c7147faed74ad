/**
 * Where @fastify/session keeps the portal's sessions: the relay store (`portal_sessions`), so a session survives a
 * restart, can be ended from the server, and the browser holds only a random signed id. Expired rows are removed
 * as they are found and, now and then, in bulk.
 */
import type { Session } from 'fastify';
import type { SessionStore } from '@fastify/session';
import type { RelayDatabase } from '../platform/db/relay-database.js';

type Done = (error?: unknown) => void;

/** Remove expired rows at most this often. */
const PRUNE_EVERY_MS = 60_000;
/** A session whose cookie sets no expiry is kept this long. */
const DEFAULT_LIFETIME_MS = 24 * 60 * 60 * 1000;

export class SqliteSessionStore implements SessionStore {
  private readonly statements;
  private lastPrune = 0;

  constructor(
    db: RelayDatabase,
    private readonly clock: () => number = Date.now,
  ) {
    this.statements = {
      upsert: db.prepare(
        `INSERT INTO portal_sessions (id, data_json, expires_at) VALUES (?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET data_json = excluded.data_json, expires_at = excluded.expires_at`,
      ),
      get: db.prepare(`SELECT data_json, expires_at FROM portal_sessions WHERE id = ?`),
      destroy: db.prepare(`DELETE FROM portal_sessions WHERE id = ?`),
      prune: db.prepare(`DELETE FROM portal_sessions WHERE expires_at <= ?`),
    };
  }

  set(sessionId: string, session: Session, done: Done): void {
    this.settle(done, () => {
      // The cookie's lifetime from now, on this store's clock (the session's absolute end is checked on use).
      const lifetime = (session as { cookie?: { originalMaxAge?: number | null } }).cookie?.originalMaxAge;
      const expiresAt = this.clock() + (lifetime && lifetime > 0 ? lifetime : DEFAULT_LIFETIME_MS);
      this.statements.upsert.run(sessionId, JSON.stringify(session), expiresAt);
      this.pruneNowAndThen();
    });
  }

  get(sessionId: string, done: (error: unknown, session?: Session | null) => void): void {
    try {
      const row = this.statements.get.get(sessionId) as { data_json: string; expires_at: number } | undefined;
      if (!row) return done(null, null);
      if (row.expires_at <= this.clock()) {
        this.statements.destroy.run(sessionId);
        return done(null, null);
      }
      done(null, JSON.parse(row.data_json) as Session);
    } catch (error) {
      done(error);
    }
  }

  destroy(sessionId: string, done: Done): void {
    this.settle(done, () => this.statements.destroy.run(sessionId));
  }

  private pruneNowAndThen(): void {
    const now = this.clock();
    if (now - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = now;
    this.statements.prune.run(now);
  }

  private settle(done: Done, work: () => void): void {
    try {
      work();
      done();
    } catch (error) {
      done(error);
    }
  }
}
