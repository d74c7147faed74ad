/**
 * The store's schema, as the numbered migrations that build it: append a migration to change it, never edit one
 * that has shipped (files in the field are at its version already). Applied by migrate.ts on every open.
 *
 * What the tables are for: the outbox (`changes`, `event_parts`, `gentrack_references`, `write_backs`,
 * `checkpoints`: to-gentrack/relay-store.ts), the inbox (`inbox`, `inbound_field_versions`:
 * to-salesforce/inbox-store.ts), the dead letters of both flows (`dead_letters`: dead-letters.ts), the API's state
 * (`api_clients`: api-auth/api-client-store.ts; `sync_jobs`: sync-jobs/sync-job-store.ts) and the synchronisation
 * history and the lease that lets one initial synchronisation run at a time (`sync_history`, `initial_sync_lease`:
 * sync-history.ts, initial-sync-lease.ts), the portal's accounts, sessions and audit log (`portal_users`,
 * `portal_sessions`, `portal_audit`, `portal_settings`: relay/src/portal/), and the Gentrack API gateway's record of
 * calls (`gateway_calls`: gentrack-gateway/gateway-call-log.ts).
 */
import type Database from 'better-sqlite3';
import type { Migration } from './migrate.js';

const OUTBOX_TABLES = `
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
-- (delivered rows are kept 72 hours: without this index every prune scanned all of them). They replace an index
-- on (state, seq) that stores from before them still have.
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

const DEAD_LETTERS_TABLE = `
CREATE TABLE IF NOT EXISTS dead_letters (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  -- 'event', 'change': the outbox's (Salesforce -> Gentrack); 'gentrack-event': a Gentrack webhook event that could
  -- not be applied in Salesforce (the inbox's).
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
`;

const INBOX_TABLES = `
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

const API_TABLES = `
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

const HISTORY_TABLES = `
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

const PORTAL_TABLES = `
CREATE TABLE portal_users (
  username TEXT PRIMARY KEY COLLATE NOCASE,
  -- scrypt hash of the password (never the password).
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
  created_at INTEGER NOT NULL,
  -- Sessions started before this time are refused: a new password or role, or a removal, signs the user out.
  sessions_valid_from INTEGER NOT NULL
);

CREATE TABLE portal_sessions (
  id TEXT PRIMARY KEY,
  -- The session as @fastify/session keeps it (the user, when signed in, and the CSRF secret).
  data_json TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX portal_sessions_by_expiry ON portal_sessions (expires_at);

-- Every action taken in the portal or on its accounts: who, what, on what, when, and how it ended.
CREATE TABLE portal_audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT,
  outcome TEXT NOT NULL CHECK (outcome IN ('succeeded', 'failed', 'refused')),
  detail TEXT
);
CREATE INDEX portal_audit_by_time ON portal_audit (at);

CREATE TABLE portal_settings (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
`;

/**
 * Stores made before Gentrack events existed have a dead_letters CHECK that refuses their source. SQLite cannot
 * change a CHECK in place, so the table is rebuilt with the current definition, keeping its rows and its id
 * counter (a dead letter's id is what operators type: a discarded one's must not come back).
 */
function allowGentrackEventDeadLetters(db: Database.Database): void {
  const row = db.prepare(`SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'dead_letters'`).get() as
    { sql: string } | undefined;
  if (!row || row.sql.includes(`'gentrack-event'`)) return;
  const counter = db.prepare(`SELECT seq FROM sqlite_sequence WHERE name = 'dead_letters'`).get() as
    { seq: number } | undefined;
  db.exec(`ALTER TABLE dead_letters RENAME TO dead_letters_before_gentrack_events`);
  db.exec(DEAD_LETTERS_TABLE);
  db.exec(`INSERT INTO dead_letters SELECT * FROM dead_letters_before_gentrack_events`);
  db.exec(`DROP TABLE dead_letters_before_gentrack_events`);
  if (!counter) return;
  // The copy recreated the counter only if rows were left to copy.
  const raised = db
    .prepare(`UPDATE sqlite_sequence SET seq = MAX(seq, ?) WHERE name = 'dead_letters'`)
    .run(counter.seq);
  if (raised.changes === 0)
    db.prepare(`INSERT INTO sqlite_sequence (name, seq) VALUES ('dead_letters', ?)`).run(counter.seq);
}

/** Every call Salesforce made through the Gentrack API gateway: who (API client and user), what, and the outcome. */
const GATEWAY_CALLS_TABLE = `
CREATE TABLE IF NOT EXISTS gateway_calls (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  client_id TEXT NOT NULL,
  on_behalf_of TEXT,
  operation TEXT NOT NULL,
  method TEXT NOT NULL,
  path TEXT NOT NULL,
  status INTEGER NOT NULL,
  outcome TEXT NOT NULL,
  error_type TEXT,
  trace_id TEXT NOT NULL,
  transaction_id TEXT,
  duration_ms REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS gateway_calls_by_time ON gateway_calls (at);
`;

/**
 * The history's filters (kind, outcome) each with the newest first, so a page of the portal's history is an index
 * range however many runs the store holds. A run's rowid breaks ties between runs started in the same millisecond.
 */
const HISTORY_FILTER_INDEXES = `
CREATE INDEX IF NOT EXISTS sync_history_by_kind ON sync_history (kind, started_at);
CREATE INDEX IF NOT EXISTS sync_history_by_outcome ON sync_history (outcome, started_at);
`;

/** At most one row: the initial synchronisation running now, and when its process last said it was alive. */
const INITIAL_SYNC_LEASE_TABLE = `
CREATE TABLE initial_sync_lease (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  run_id TEXT NOT NULL,
  holder TEXT NOT NULL,
  pid_namespace TEXT NOT NULL,
  initiated_by TEXT NOT NULL,
  acquired_at INTEGER NOT NULL,
  renewed_at INTEGER NOT NULL
);
`;

/**
 * The outbox de-duplicates a change by its transaction id together with the time of the change (the event's
 * Changed_At__c, which every redelivery and every part of a transaction carries unchanged). Unique on the transaction
 * id alone, the index took each new change at a random place (Salesforce's EventUuid): every commit of 100 events
 * rewrote about 100 scattered index pages, and the cost per event grew with the table (npm run bench:outbox: 34 µs
 * of CPU at 48,000 rows, 88 µs at 1,000,000, against 23-32 µs with the time first). SQLite cannot drop an inline
 * UNIQUE, so the table is rebuilt, rows, sequence numbers and AUTOINCREMENT high-water mark kept.
 */
function dedupeChangesByTimeAndTransaction(db: Database.Database): void {
  const highWater = db.prepare(`SELECT seq FROM sqlite_sequence WHERE name = 'changes'`).get() as
    { seq: number } | undefined;
  db.exec(`
CREATE TABLE changes_by_time (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  transaction_id TEXT NOT NULL,
  -- The change's changedAt as stored in change_json (ISO 8601, UTC): with transaction_id, the de-duplication key.
  changed_at TEXT NOT NULL,
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
INSERT INTO changes_by_time (seq, transaction_id, changed_at, entity_key, change_json, state, attempts,
  next_attempt_at, last_error, trace_id, revived, generation, created_at, updated_at)
SELECT seq, transaction_id, COALESCE(json_extract(change_json, '$.changedAt'), ''), entity_key, change_json, state,
  attempts, next_attempt_at, last_error, trace_id, revived, generation, created_at, updated_at
FROM changes ORDER BY seq;
DROP TABLE changes;
ALTER TABLE changes_by_time RENAME TO changes;
CREATE UNIQUE INDEX changes_by_time_and_transaction ON changes (changed_at, transaction_id);
CREATE INDEX changes_pending ON changes (seq) WHERE state = 'pending';
CREATE INDEX changes_delivered_by_time ON changes (updated_at) WHERE state = 'delivered';
`);
  // An on-demand job the previous release left unfinished keyed its change by the time the record was read; resumed,
  // it keys it by its first start (sync-job-runner.ts). The stored change takes that key, or it would be stored and
  // sent again, and Gentrack would refuse the reused transaction id if the record had changed meanwhile.
  const unfinishedJobs = db
    .prepare(
      `SELECT transaction_id, started_at FROM sync_jobs
       WHERE state IN ('queued', 'running') AND transaction_id IS NOT NULL AND started_at IS NOT NULL`,
    )
    .all() as { transaction_id: string; started_at: number }[];
  const rekey = db.prepare(`UPDATE changes SET changed_at = ? WHERE transaction_id = ?`);
  for (const job of unfinishedJobs) rekey.run(new Date(job.started_at).toISOString(), job.transaction_id);
  // Sequence numbers of pruned changes are never handed out again, as before the rebuild.
  if (!highWater) return;
  const kept = db.prepare(`UPDATE sqlite_sequence SET seq = MAX(seq, ?) WHERE name = 'changes'`).run(highWater.seq);
  if (kept.changes === 0)
    db.prepare(`INSERT INTO sqlite_sequence (name, seq) VALUES ('changes', ?)`).run(highWater.seq);
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'the schema of the first versioned release: outbox, inbox, dead letters, API state, sync history',
    // Also upgrades a file written before user_version was kept (version 0 with some or all of these tables): every
    // statement is idempotent, and what those releases did on open (the old outbox index dropped, dead_letters
    // rebuilt for Gentrack events) is done here once.
    up: (db) => {
      db.exec(OUTBOX_TABLES);
      allowGentrackEventDeadLetters(db);
      db.exec(DEAD_LETTERS_TABLE);
      db.exec(INBOX_TABLES);
      db.exec(API_TABLES);
      db.exec(HISTORY_TABLES);
    },
  },
  {
    version: 2,
    description: "the portal's accounts, sessions, audit log and settings",
    up: (db) => db.exec(PORTAL_TABLES),
  },
  {
    version: 3,
    description: 'the Gentrack API gateway: its record of calls',
    up: (db) => db.exec(GATEWAY_CALLS_TABLE),
  },
  {
    version: 4,
    description: "the synchronisation history's filters: by kind and by outcome, newest first",
    up: (db) => db.exec(HISTORY_FILTER_INDEXES),
  },
  {
    version: 5,
    description: 'one initial synchronisation at a time across processes: the running one holds a lease',
    up: (db) => db.exec(INITIAL_SYNC_LEASE_TABLE),
  },
  {
    version: 6,
    description: "the outbox's de-duplication by time of change and transaction id (no longer by a random key alone)",
    up: dedupeChangesByTimeAndTransaction,
  },
];
