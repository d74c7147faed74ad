/**
 * The SQLite connection for the relay's API state (its registered clients and on-demand sync jobs). It opens the
 * relay's store file with a connection of its own, so the CLI (`gentrack-sf credentials`) and the running relay
 * share it safely under WAL, and the outbox's hot path (relay-store.ts) is untouched by it.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

const API_SCHEMA = `
CREATE TABLE IF NOT EXISTS api_clients (
  client_id TEXT PRIMARY KEY,
  -- scrypt hash of the client secret (never the secret); NULL once revoked.
  secret_hash TEXT,
  status TEXT NOT NULL CHECK (status IN ('active', 'revoked')),
  created_at INTEGER NOT NULL,
  secret_set_at INTEGER NOT NULL,
  revoked_at INTEGER
);

CREATE TABLE IF NOT EXISTS sync_jobs (
  id TEXT PRIMARY KEY,
  source TEXT NOT NULL,
  destination TEXT NOT NULL,
  entity_type TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed')),
  -- Audit: the API client that asked, and the Salesforce user it asked for (X-On-Behalf-Of).
  client_id TEXT NOT NULL,
  on_behalf_of TEXT NOT NULL,
  -- Salesforce -> Gentrack: the outbox transaction that carries the record.
  transaction_id TEXT,
  error_code TEXT,
  error_message TEXT,
  result_json TEXT,
  created_at INTEGER NOT NULL,
  started_at INTEGER,
  finished_at INTEGER
);
CREATE INDEX IF NOT EXISTS sync_jobs_by_state ON sync_jobs (state, created_at);
`;

export type ApiDatabase = Database.Database;

/** `file` is the relay's store path (store.path); ':memory:' gives a throwaway database for tests. */
export function openApiDatabase(file: string): ApiDatabase {
  if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  db.exec(API_SCHEMA);
  return db;
}
