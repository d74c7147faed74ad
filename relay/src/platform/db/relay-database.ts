/**
 * The one place the relay's SQLite store file is opened. Every connection to it (the outbox's, the inbox's, the API
 * tables', a CLI command's) comes from here with the same pragmas, and finds the schema at the version this release
 * knows: the numbered migrations (migrations.ts) are applied on open, under `PRAGMA user_version`.
 *
 * Each owner keeps a connection of its own (WAL lets several share the file, and the CLI share it with a running
 * relay): the outbox switches its connection's `synchronous` level per commit (relay-store.ts), which must not
 * change the durability of the inbox's or the API's commits.
 */
import Database from 'better-sqlite3';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { migrate, schemaVersion, StoreFileError } from './migrate.js';
import { MIGRATIONS } from './migrations.js';
import { otherRelayHolding } from './store-lock.js';

/** A connection to the relay's store file, opened by openRelayDatabase. */
export type RelayDatabase = Database.Database;

export interface RelayDatabaseOptions {
  /**
   * Durability of this connection's commits (default FULL): FULL survives power loss; NORMAL (WAL) survives process
   * crashes only. The outbox lowers it to NORMAL for its bookkeeping and raises it for acknowledging commits.
   */
  readonly synchronous?: 'FULL' | 'NORMAL';
  /** False for commands that only read an existing store (dlq, history): a missing file is an error, not a new store. */
  readonly create?: boolean;
}

/** The store holds webhook bodies with personal data and the API clients' hashes: its owner only. */
const STORE_FILE_MODE = 0o600;

/** How long a connection waits for another one's write lock before SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5000;
/** After a checkpoint the log file is reused from its start; keep at most this much of it on disk. */
const WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;
/**
 * Page cache per connection, in KiB: SQLite's own default. better-sqlite3 builds SQLite with 16 MB instead, and the
 * outbox connection filled all of it under load (pages it writes once and never reads again: the tail of the
 * outbox), 16 MB of the relay's peak RSS for no speed (bench:relay and a store micro-benchmark: the same CPU per
 * event). A relay holds three or four connections to the store file.
 */
const PAGE_CACHE_KIB = 2000;

/**
 * Opens (creating it and its directory if missing) the store file at `file`, or a throwaway database for ':memory:',
 * and brings its schema up to date. Throws a StoreFileError naming the file, with the connection closed, when the
 * file was written by a newer release, a migration fails, or it cannot be opened (not a database, no permission).
 */
export function openRelayDatabase(file: string, options: RelayDatabaseOptions = {}): RelayDatabase {
  let db: RelayDatabase;
  if (file !== ':memory:' && options.create === false && !existsSync(file)) {
    throw new StoreFileError(
      'STORE_NOT_FOUND',
      `there is no relay store at ${path.resolve(file)}: check --store, or store.path of the relay configuration`,
    );
  }
  try {
    if (file !== ':memory:') {
      mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
      // Created 0600 before SQLite opens it: SQLite gives the -wal and -shm files the mode of the database file.
      closeSync(openSync(file, 'a', STORE_FILE_MODE));
      for (const suffix of ['', '-wal', '-shm'])
        if (existsSync(`${file}${suffix}`)) chmodSync(`${file}${suffix}`, STORE_FILE_MODE);
    }
    db = new Database(file);
  } catch (error) {
    throw cannotOpen(file, error);
  }
  try {
    // First: the pragmas below and the migrations may wait for another connection's lock.
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
    db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
    db.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
    if (file !== ':memory:') refuseMigratingUnderARelay(db, file);
    migrate(db, MIGRATIONS, file);
    return db;
  } catch (error) {
    db.close();
    throw error instanceof StoreFileError ? error : cannotOpen(file, error);
  }
}

/**
 * A store a running relay holds is not migrated underneath it: that relay, of an older release, would go on using the
 * schema it knows (after migration 6 its outbox inserts fail). Upgrading means stopping the relay, then starting the
 * new release, which migrates the store on its first start; until then a newer CLI command refuses the store.
 */
function refuseMigratingUnderARelay(db: RelayDatabase, file: string): void {
  const version = schemaVersion(db);
  if (version >= MIGRATIONS.length) return;
  const holder = otherRelayHolding(file);
  if (!holder) return;
  throw new StoreFileError(
    'STORE_IN_USE',
    `store ${path.resolve(file)} has schema version ${version}, which this release would migrate to ${MIGRATIONS.length}, but the relay with pid ${holder.pid} on ${holder.host} has used it since ${holder.since}: stop that relay before upgrading, then start this release (it migrates the store), or use the release that relay runs`,
  );
}

function cannotOpen(file: string, error: unknown): StoreFileError {
  const reason = error instanceof Error ? error.message : String(error);
  return new StoreFileError('STORE_OPEN_FAILED', `store ${file} could not be opened: ${reason} (check store.path)`, {
    cause: error,
  });
}
