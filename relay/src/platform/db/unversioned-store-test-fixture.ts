/**
 * A store file exactly as the last release before schema versions (commit f973e2a) left it: its owners' DDL, copied
 * verbatim from that release's relay-store.ts/schema.ts, inbox-store.ts, api-database.ts and sync-history.ts, run
 * the way each opened the file (user_version stays 0), with one row in every table. For the migration tests.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

/** platform/db/schema.ts at f973e2a: the outbox's tables, run by RelayStore and InboxStore on every open. */
export const UNVERSIONED_OUTBOX_SCHEMA = `
CREATE TABLE IF NOT EXISTS changes (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  transaction_id TEXT NOT NULL UNIQUE,
  entity_key TEXT NOT NULL,
  change_json TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'dead')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  trace_id TEXT NOT NULL,
  -- Set when an operator retries a dead letter, so a running relay picks the change up.
  revived INTEGER NOT NULL DEFAULT 0,
  -- Bumped when a change Gentrack rejected is retried: it goes out under a new X-Transaction-Id.
  generation INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
-- Partial indexes: what is pending, in order (small, appended to), and what was delivered, by time, for pruning
-- (delivered rows are kept 72 hours: without this index every prune scanned all of them).
DROP INDEX IF EXISTS changes_by_state;
CREATE INDEX IF NOT EXISTS changes_pending ON changes (seq) WHERE state = 'pending';
CREATE INDEX IF NOT EXISTS changes_delivered_by_time ON changes (updated_at) WHERE state = 'delivered';

CREATE TABLE IF NOT EXISTS event_parts (
  transaction_id TEXT NOT NULL,
  part_number INTEGER NOT NULL,
  part_total INTEGER NOT NULL,
  replay_id TEXT NOT NULL,
  part_json TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  PRIMARY KEY (transaction_id, part_number)
);

CREATE TABLE IF NOT EXISTS dead_letters (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  -- 'gentrack-event': a Gentrack webhook event that could not be applied in Salesforce (see inbox-store.ts).
  source TEXT NOT NULL CHECK (source IN ('event', 'change', 'gentrack-event')),
  transaction_id TEXT,
  entity_key TEXT,
  change_seq INTEGER,
  reason_code TEXT NOT NULL,
  reason TEXT NOT NULL,
  payload TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS gentrack_references (
  object_type TEXT NOT NULL,
  record_id TEXT NOT NULL,
  reference TEXT NOT NULL,
  PRIMARY KEY (object_type, record_id)
);

CREATE TABLE IF NOT EXISTS write_backs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  object_type TEXT NOT NULL,
  record_id TEXT NOT NULL,
  fields_json TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  next_attempt_at INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS checkpoints (
  topic TEXT PRIMARY KEY,
  replay_id TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);
`;

/** to-salesforce/inbox-store.ts at f973e2a. */
export const UNVERSIONED_INBOX_SCHEMA = `
CREATE TABLE IF NOT EXISTS inbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id TEXT NOT NULL UNIQUE,
  event_type TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  -- The body exactly as signed and received.
  raw_body TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'applied', 'superseded', 'dead')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  -- What processing did: the record, the fields applied and the fields a newer event had already set.
  outcome_json TEXT,
  received_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS inbox_due ON inbox (state, next_attempt_at, seq);

CREATE TABLE IF NOT EXISTS inbound_field_versions (
  object_type TEXT NOT NULL,
  reference TEXT NOT NULL,
  field TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  event_id TEXT NOT NULL,
  PRIMARY KEY (object_type, reference, field)
);
`;

/** platform/db/api-database.ts at f973e2a. */
export const UNVERSIONED_API_SCHEMA = `
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

/** platform/db/sync-history.ts at f973e2a. */
export const UNVERSIONED_HISTORY_SCHEMA = `
CREATE TABLE IF NOT EXISTS sync_history (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('initial', 'on-demand')),
  -- What was synchronised, for people: an extract directory, or "Account 001... Salesforce -> Gentrack".
  subject TEXT NOT NULL,
  initiated_by TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  ended_at INTEGER,
  stages_json TEXT NOT NULL DEFAULT '[]',
  counts_json TEXT NOT NULL DEFAULT '{}',
  outcome TEXT CHECK (outcome IN ('completed', 'completed with errors', 'failed')),
  failed_stage TEXT,
  error TEXT,
  report_location TEXT
);
CREATE INDEX IF NOT EXISTS sync_history_by_start ON sync_history (started_at);
`;

/** The rows writeUnversionedStore puts in, for the tests to read back. */
export const UNVERSIONED_ROWS = {
  topic: '/event/Gentrack_Object_Event__e',
  replayId: 'AAAAAAAAAA8=',
  pendingTransaction: 't-pending',
  deadTransaction: 't-dead',
  /** The changedAt of both changes. */
  changedAt: '2026-11-23T10:00:00.000Z',
  partTransaction: 't-split',
  recordId: '001000000000001AAA',
  reference: 'A00000001',
  inboxEvent: 'e-applied',
  apiClient: 'client-1',
  syncJob: 'job-1',
  syncRun: 'run-1',
} as const;

/** Creates `file` as the release at f973e2a did when the relay, a sync and `credentials` had run on it. */
export function writeUnversionedStore(file: string): void {
  const rows = UNVERSIONED_ROWS;
  mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  try {
    // RelayStore's open, then InboxStore's (the outbox schema again, then its own), the API's and the history's.
    db.pragma('journal_mode = WAL');
    db.exec(UNVERSIONED_OUTBOX_SCHEMA);
    db.exec(UNVERSIONED_OUTBOX_SCHEMA);
    db.exec(UNVERSIONED_INBOX_SCHEMA);
    db.exec(UNVERSIONED_API_SCHEMA);
    db.exec(UNVERSIONED_HISTORY_SCHEMA);
    const change = (transactionId: string) =>
      JSON.stringify({
        transactionId,
        objectType: 'Account',
        operationType: 'INSERT',
        recordId: rows.recordId,
        oldValues: null,
        newValues: { Name: 'Acme' },
        changedFields: ['Name'],
        changedBy: 'a@example.com',
        changedAt: rows.changedAt,
      });
    const insertChange = db.prepare(
      `INSERT INTO changes (transaction_id, entity_key, change_json, state, attempts, last_error, trace_id, generation, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1000, 2000)`,
    );
    insertChange.run(
      rows.pendingTransaction,
      `Account:${rows.recordId}`,
      change(rows.pendingTransaction),
      'pending',
      0,
      null,
      'trace-1',
      0,
    );
    const dead = insertChange.run(
      rows.deadTransaction,
      `Account:${rows.recordId}`,
      change(rows.deadTransaction),
      'dead',
      3,
      'no',
      'trace-2',
      0,
    );
    db.prepare(
      `INSERT INTO event_parts (transaction_id, part_number, part_total, replay_id, part_json, received_at) VALUES (?, 1, 2, 'r1', '{}', 1000)`,
    ).run(rows.partTransaction);
    db.prepare(
      `INSERT INTO dead_letters (source, transaction_id, entity_key, change_seq, reason_code, reason, payload, attempts, created_at)
       VALUES ('change', ?, ?, ?, 'BAD_REQUEST', 'Gentrack refused it', ?, 3, 3000)`,
    ).run(rows.deadTransaction, `Account:${rows.recordId}`, dead.lastInsertRowid, change(rows.deadTransaction));
    db.prepare(`INSERT INTO gentrack_references (object_type, record_id, reference) VALUES ('Account', ?, ?)`).run(
      rows.recordId,
      rows.reference,
    );
    db.prepare(
      `INSERT INTO write_backs (object_type, record_id, fields_json, attempts, next_attempt_at) VALUES ('Account', ?, ?, 0, 0)`,
    ).run(rows.recordId, JSON.stringify({ Gentrack_External_Id__c: rows.reference }));
    db.prepare(`INSERT INTO checkpoints (topic, replay_id, updated_at) VALUES (?, ?, 4000)`).run(
      rows.topic,
      rows.replayId,
    );
    db.prepare(
      `INSERT INTO inbox (event_id, event_type, created_at_ms, raw_body, state, outcome_json, received_at, updated_at)
       VALUES (?, 'quote-created', 5000, '{}', 'applied', '{"record":"Quote:Q1"}', 5000, 5000)`,
    ).run(rows.inboxEvent);
    db.prepare(
      `INSERT INTO inbound_field_versions (object_type, reference, field, created_at_ms, event_id) VALUES ('Account', ?, 'Name', 5000, ?)`,
    ).run(rows.reference, rows.inboxEvent);
    db.prepare(
      `INSERT INTO api_clients (client_id, secret_hash, status, created_at, secret_set_at) VALUES (?, 'scrypt$hash', 'active', 6000, 6000)`,
    ).run(rows.apiClient);
    db.prepare(
      `INSERT INTO sync_jobs (id, source, destination, entity_type, entity_id, state, client_id, on_behalf_of, created_at)
       VALUES (?, 'Salesforce', 'Gentrack', 'Account', ?, 'queued', ?, 'user@example.com', 7000)`,
    ).run(rows.syncJob, rows.recordId, rows.apiClient);
    db.prepare(
      `INSERT INTO sync_history (id, kind, subject, initiated_by, started_at) VALUES (?, 'initial', 'extract/', 'ops', 8000)`,
    ).run(rows.syncRun);
  } finally {
    db.close();
  }
}
