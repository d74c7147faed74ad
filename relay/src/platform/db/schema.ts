/** Tables of the relay store. Created idempotently at open; see relay-store.ts for what each is for. */
export const SCHEMA = `
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
