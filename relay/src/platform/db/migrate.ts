/**
 * Applies numbered schema migrations in order, recording the version reached in the file's `PRAGMA user_version`
 * (0 for a file that never had one: new, or written by a release before migrations). Each migration and the
 * version it reaches commit together, so a crash leaves the file at one version or the next, never between.
 */
import type Database from 'better-sqlite3';
import { RelayError } from '../errors.js';

export interface Migration {
  /** 1, 2, 3, ...: the user_version the file has once this migration is applied. */
  readonly version: number;
  /** What it changes, for people (and error messages). */
  readonly description: string;
  /** Runs inside the migration's transaction; must not change `user_version` itself. */
  readonly up: (db: Database.Database) => void;
}

export type StoreFileErrorCode =
  'STORE_SCHEMA_TOO_NEW' | 'STORE_MIGRATION_FAILED' | 'STORE_OPEN_FAILED' | 'STORE_NOT_FOUND' | 'STORE_IN_USE';

/** A store file the relay cannot use as it is; `code` says why. */
export class StoreFileError extends RelayError {
  constructor(
    readonly code: StoreFileErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StoreFileError';
  }
}

/** The file's schema version: PRAGMA user_version. */
export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Brings `db` to the last version of `migrations` (numbered 1..n in order). `file` names the database in errors.
 * Another process may be migrating the same file: the version is read again under the write lock, so each
 * migration runs once.
 */
export function migrate(db: Database.Database, migrations: readonly Migration[], file: string): void {
  checkNumbering(migrations);
  const latest = migrations.length;
  refuseNewer(schemaVersion(db), latest, file);
  if (schemaVersion(db) === latest) return;
  for (const migration of migrations) {
    db.transaction(() => {
      const current = schemaVersion(db);
      refuseNewer(current, latest, file);
      if (current >= migration.version) return;
      try {
        migration.up(db);
      } catch (error) {
        throw new StoreFileError(
          'STORE_MIGRATION_FAILED',
          `store ${file}: migration ${migration.version} (${migration.description}) failed, the file is left at version ${current}: ${error instanceof Error ? error.message : String(error)}`,
          { cause: error },
        );
      }
      db.pragma(`user_version = ${migration.version}`);
    }).immediate();
  }
}

function refuseNewer(version: number, latest: number, file: string): void {
  if (version <= latest) return;
  throw new StoreFileError(
    'STORE_SCHEMA_TOO_NEW',
    `store ${file} has schema version ${version}, but this release knows versions up to ${latest}: ` +
      'it was written by a newer release of the relay. Run that release, or point store.path at another file.',
  );
}

/** A list out of order would skip or repeat a migration on some files: refused before anything runs. */
function checkNumbering(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(
        `migrations.ts: migration at position ${index + 1} is numbered ${migration.version}; number them 1, 2, 3, ... in order`,
      );
    }
  });
}
