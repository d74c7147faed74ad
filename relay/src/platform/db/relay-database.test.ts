import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os, { hostname } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openRelayDatabase, type RelayDatabase } from './relay-database.js';
import { migrate, schemaVersion, StoreFileError, type Migration } from './migrate.js';
import { MIGRATIONS } from './migrations.js';
import { lockStore } from './store-lock.js';
import { UNVERSIONED_ROWS as ROWS, writeUnversionedStore } from './unversioned-store-test-fixture.js';
import { DeadLetters } from './dead-letters.js';
import { SyncHistory } from './sync-history.js';
import { ApiClientStore } from '../api-auth/api-client-store.js';
import { RelayStore } from '../../to-gentrack/relay-store.js';
import { InboxStore } from '../../to-salesforce/inbox-store.js';
import { SyncJobStore } from '../../sync-jobs/sync-job-store.js';

const LATEST = MIGRATIONS.length;

function withFile(run: (file: string) => void): void {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'relay-database-'));
  try {
    run(path.join(dir, 'store', 'relay.db'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The schema as SQLite keeps it, and every row of every table: what must not change when a file is reopened. */
function snapshot(file: string): { schema: unknown[]; rows: Record<string, unknown[]> } {
  const db = new Database(file, { readonly: true });
  try {
    const schema = db.prepare(`SELECT type, name, sql FROM sqlite_master ORDER BY type, name`).all();
    const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as {
      name: string;
    }[];
    const rows = Object.fromEntries(tables.map(({ name }) => [name, db.prepare(`SELECT * FROM "${name}"`).all()]));
    return { schema, rows };
  } finally {
    db.close();
  }
}

const tableNames = (db: RelayDatabase) =>
  (
    db
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
      .all() as { name: string }[]
  ).map((row) => row.name);

test('a new file gets the whole schema at the latest version, its directory created, in WAL mode', () => {
  withFile((file) => {
    const db = openRelayDatabase(file);
    try {
      assert.equal(schemaVersion(db), LATEST);
      assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
      assert.equal(db.pragma('synchronous', { simple: true }), 2, 'FULL unless asked otherwise');
      assert.deepEqual(tableNames(db), [
        'api_clients',
        'changes',
        'checkpoints',
        'dead_letters',
        'event_parts',
        'gateway_calls',
        'gentrack_references',
        'inbound_field_versions',
        'inbox',
        'initial_sync_lease',
        'portal_audit',
        'portal_sessions',
        'portal_settings',
        'portal_users',
        'sync_history',
        'sync_jobs',
        'write_backs',
      ]);
    } finally {
      db.close();
    }
    const normal = openRelayDatabase(file, { synchronous: 'NORMAL' });
    assert.equal(normal.pragma('synchronous', { simple: true }), 1);
    normal.close();
  });
});

test('a store written by the last unversioned release is migrated in place: every row is still there and readable', () => {
  withFile((file) => {
    writeUnversionedStore(file);
    const before = snapshot(file);

    const db = openRelayDatabase(file);
    assert.equal(schemaVersion(db), LATEST);
    db.close();
    const after = snapshot(file);
    // Tables later migrations add (the portal's, the gateway's, the initial-sync lease) start empty; the release's own
    // rows are untouched.
    const added = Object.keys(after.rows).filter((table) => !(table in before.rows));
    assert.deepEqual(added.sort(), [
      'gateway_calls',
      'initial_sync_lease',
      'portal_audit',
      'portal_sessions',
      'portal_settings',
      'portal_users',
    ]);
    for (const table of added) assert.deepEqual(after.rows[table], [], `${table} starts empty`);
    const kept = Object.fromEntries(Object.keys(before.rows).map((table) => [table, after.rows[table]]));
    // Migration 6 keys the outbox by time of change and transaction id: each change gains its changedAt, and nothing
    // else changes (sequence numbers and the AUTOINCREMENT high-water mark included).
    const outboxRows = (before.rows['changes'] as Record<string, unknown>[]).map((row) => ({
      ...row,
      changed_at: (JSON.parse(row['change_json'] as string) as { changedAt: string }).changedAt,
    }));
    const byName = (rows: unknown[] | undefined) =>
      [...(rows as { name: string }[])].sort((a, b) => a.name.localeCompare(b.name));
    assert.deepEqual(
      { ...kept, sqlite_sequence: byName(kept['sqlite_sequence']) },
      { ...before.rows, changes: outboxRows, sqlite_sequence: byName(before.rows['sqlite_sequence']) },
      'no row changed (the rebuilt table comes last in sqlite_sequence)',
    );

    const outbox = RelayStore.open({ path: file });
    const inbox = InboxStore.open(file);
    const api = openRelayDatabase(file);
    try {
      assert.equal(outbox.checkpoint(ROWS.topic), ROWS.replayId);
      assert.deepEqual(
        outbox
          .pendingChanges()
          .map((pending) => [pending.change.transactionId, pending.change.recordId, pending.traceId]),
        [[ROWS.pendingTransaction, ROWS.recordId, 'trace-1']],
      );
      assert.equal(outbox.counts().parts, 1);
      assert.equal(outbox.referenceOf('Account', ROWS.recordId), ROWS.reference);
      assert.deepEqual(
        outbox.dueWriteBacks(10).map((writeBack) => writeBack.fields),
        [{ Gentrack_External_Id__c: ROWS.reference }],
      );
      assert.deepEqual(outbox.changeState({ transactionId: ROWS.deadTransaction, changedAt: ROWS.changedAt }), {
        state: 'dead',
        lastError: 'no',
        reasonCode: 'BAD_REQUEST',
      });

      const [letter] = new DeadLetters(api).list();
      assert.deepEqual(
        letter && [letter.source, letter.transactionId, letter.reasonCode, letter.attempts, letter.createdAt],
        ['change', ROWS.deadTransaction, 'BAD_REQUEST', 3, 3000],
      );

      assert.deepEqual(inbox.record(ROWS.inboxEvent), {
        eventId: ROWS.inboxEvent,
        eventType: 'quote-created',
        state: 'applied',
        attempts: 0,
        lastError: undefined,
        outcome: { record: 'Quote:Q1' },
      });
      assert.deepEqual(inbox.fieldVersions('Account', ROWS.reference), new Map([['Name', 5000]]));

      assert.equal(new ApiClientStore(api).active()?.clientId, ROWS.apiClient);
      assert.deepEqual(
        new SyncJobStore(api).unfinished().map((job) => [job.id, job.entityId, job.state]),
        [[ROWS.syncJob, ROWS.recordId, 'queued']],
      );
      assert.equal(new SyncHistory(api).get(ROWS.syncRun)?.subject, 'extract/');
    } finally {
      api.close();
      inbox.close();
      outbox.close();
    }
  });
});

test('opening a migrated file again changes nothing', () => {
  withFile((file) => {
    writeUnversionedStore(file);
    openRelayDatabase(file).close();
    const once = snapshot(file);
    openRelayDatabase(file).close();
    const db = openRelayDatabase(file);
    assert.equal(schemaVersion(db), LATEST);
    db.close();
    assert.deepEqual(snapshot(file), once);
  });
});

test('a file from a newer release is refused, naming the file, and left as it was', () => {
  withFile((file) => {
    openRelayDatabase(file).close();
    const newer = new Database(file);
    newer.pragma(`user_version = ${LATEST + 1}`);
    newer.close();
    assert.throws(
      () => openRelayDatabase(file),
      (error: unknown) => {
        assert.ok(error instanceof StoreFileError);
        assert.equal(error.code, 'STORE_SCHEMA_TOO_NEW');
        assert.ok(error.message.includes(file), error.message);
        assert.match(
          error.message,
          new RegExp(`schema version ${LATEST + 1}, but this release knows versions up to ${LATEST}`),
        );
        return true;
      },
    );
    const db = new Database(file, { readonly: true });
    assert.equal(schemaVersion(db), LATEST + 1);
    db.close();
  });
});

test('a file that is not a store is refused, naming it', () => {
  withFile((file) => {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, 'store:\n  path: relay.db\n'.repeat(100));
    assert.throws(
      () => openRelayDatabase(file),
      (error: unknown) =>
        error instanceof StoreFileError &&
        error.code === 'STORE_OPEN_FAILED' &&
        error.message === `store ${file} could not be opened: file is not a database (check store.path)`,
    );
  });
});

test('migrations run in order, once each; a failing one is rolled back and named, the file kept at the version before', () => {
  const ran: number[] = [];
  const step = (version: number, up: Migration['up'] = () => undefined): Migration => ({
    version,
    description: `step ${version}`,
    up: (db) => {
      ran.push(version);
      up(db);
    },
  });
  const db = new Database(':memory:');
  migrate(db, [step(1, (d) => d.exec('CREATE TABLE a (x)')), step(2)], 'test.db');
  assert.deepEqual(ran, [1, 2]);
  assert.equal(schemaVersion(db), 2);

  migrate(db, [step(1), step(2), step(3, (d) => d.exec('CREATE TABLE b (x)'))], 'test.db');
  assert.deepEqual(ran, [1, 2, 3], 'only the new one ran');

  const failing = step(4, (d) => {
    d.exec('CREATE TABLE c (x)');
    throw new Error('boom');
  });
  assert.throws(
    () => migrate(db, [step(1), step(2), step(3), failing], 'test.db'),
    (error: unknown) =>
      error instanceof StoreFileError &&
      error.code === 'STORE_MIGRATION_FAILED' &&
      /store test\.db: migration 4 \(step 4\) failed, the file is left at version 3: boom/.test(error.message),
  );
  assert.equal(schemaVersion(db), 3);
  assert.equal(
    (db.prepare(`SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'c'`).get() as { n: number }).n,
    0,
    'rolled back',
  );

  assert.throws(() => migrate(db, [step(1), step(3)], 'test.db'), /migration at position 2 is numbered 3/);
  db.close();
});

/** A store from before Gentrack events (its dead_letters CHECK refused them) that filed letters 1-3 and kept `kept`. */
function writeStoreBeforeGentrackEvents(file: string, kept: number[]): void {
  writeUnversionedStore(file);
  const old = new Database(file);
  old.exec(`DROP TABLE dead_letters`);
  old.exec(`CREATE TABLE dead_letters (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    source TEXT NOT NULL CHECK (source IN ('event', 'change')),
    transaction_id TEXT, entity_key TEXT, change_seq INTEGER, reason_code TEXT NOT NULL, reason TEXT NOT NULL,
    payload TEXT NOT NULL, attempts INTEGER NOT NULL, created_at INTEGER NOT NULL
  )`);
  const insert = old.prepare(
    `INSERT INTO dead_letters (source, reason_code, reason, payload, attempts, created_at) VALUES ('event', 'X', 'x', '{}', 0, 0)`,
  );
  for (let i = 0; i < 3; i++) insert.run();
  old.prepare(`DELETE FROM dead_letters WHERE id NOT IN (SELECT value FROM json_each(?))`).run(JSON.stringify(kept));
  old.close();
}

const gentrackEventLetter = {
  source: 'gentrack-event',
  transactionId: 'e1',
  entityKey: null,
  changeSeq: null,
  reasonCode: 'NO_MAPPING',
  reason: 'no rule',
  payload: '{}',
  attempts: 0,
  createdAt: 1,
} as const;

for (const kept of [[1], []]) {
  test(`rebuilding an old dead_letters table for Gentrack events keeps its rows and id counter (${kept.length} kept)`, () => {
    withFile((file) => {
      writeStoreBeforeGentrackEvents(file, kept);
      const db = openRelayDatabase(file);
      try {
        const letters = new DeadLetters(db);
        assert.deepEqual(
          letters.list().map((letter) => letter.id),
          kept,
        );
        // A discarded letter's id is what an operator typed: it must not name another letter later.
        assert.equal(letters.add(gentrackEventLetter), 4);
      } finally {
        db.close();
      }
    });
  });
}

test('the store file and its -wal and -shm are readable by their owner only, also a file an older release left 0644', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'relay-db-mode-'));
  try {
    const file = path.join(dir, 'relay.db');
    const db = openRelayDatabase(file);
    db.exec('CREATE TABLE IF NOT EXISTS t (x); INSERT INTO t VALUES (1)');
    for (const name of ['relay.db', 'relay.db-wal', 'relay.db-shm']) {
      assert.equal(statSync(path.join(dir, name)).mode & 0o777, 0o600, name);
    }
    db.close();
    chmodSync(file, 0o644);
    openRelayDatabase(file).close();
    assert.equal(statSync(file).mode & 0o777, 0o600, 'tightened on open');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a reader (create: false) refuses a store that does not exist, naming the path, and creates nothing', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'relay-db-missing-'));
  try {
    const file = path.join(dir, 'typo', 'relay.db');
    assert.throws(
      () => openRelayDatabase(file, { create: false }),
      (error: StoreFileError) =>
        error.code === 'STORE_NOT_FOUND' && error.message.includes(file) && /--store/.test(error.message),
    );
    assert.equal(existsSync(path.join(dir, 'typo')), false, 'no empty store was made');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a store a running relay holds is not migrated underneath it: refused naming the holder, the file left as it was', () => {
  withFile((file) => {
    mkdirSync(path.dirname(file), { recursive: true });
    const old = new Database(file);
    migrate(old, MIGRATIONS.slice(0, LATEST - 1), file);
    old.close();
    // The test runner's own process stands for a relay of the older release that runs on this store.
    const since = '2026-12-04T09:00:00.000Z';
    writeFileSync(`${file}.lock`, JSON.stringify({ pid: process.ppid, host: hostname(), since }));
    assert.throws(
      () => openRelayDatabase(file),
      (error: StoreFileError) =>
        error.code === 'STORE_IN_USE' &&
        error.message.includes(`has schema version ${LATEST - 1}, which this release would migrate to ${LATEST}`) &&
        error.message.includes(`the relay with pid ${process.ppid} on ${hostname()} has used it since ${since}`),
    );
    const untouched = new Database(file);
    assert.equal(schemaVersion(untouched), LATEST - 1, 'not migrated');
    untouched.close();

    // This process holding the lock is the relay that is starting: it migrates the store it locked.
    writeFileSync(`${file}.lock`, JSON.stringify({ pid: process.pid, host: hostname(), since }));
    const migrated = openRelayDatabase(file);
    assert.equal(schemaVersion(migrated), LATEST);
    migrated.close();

    // A store already at this release's version opens beside the relay that holds it (the CLI's dlq, history).
    writeFileSync(`${file}.lock`, JSON.stringify({ pid: process.ppid, host: hostname(), since }));
    openRelayDatabase(file, { create: false }).close();
  });
});

test('one relay per store: a second is refused naming the holder; a lock left by a process that is gone is taken over', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'relay-db-lock-'));
  try {
    const file = path.join(dir, 'relay.db');
    const first = lockStore(file, new Date('2026-12-03T10:00:00Z'));
    assert.throws(
      () => lockStore(file),
      (error: StoreFileError) =>
        error.code === 'STORE_IN_USE' &&
        error.message.includes(`pid ${process.pid} on ${hostname()} since 2026-12-03T10:00:00.000Z`),
    );
    first.release();
    lockStore(file).release();

    // A relay killed with -9 leaves its lock: a pid that no longer runs does not hold the store.
    writeFileSync(
      `${file}.lock`,
      JSON.stringify({ pid: 2 ** 22 + 1, host: hostname(), since: '2026-12-01T00:00:00Z' }),
    );
    const taken = lockStore(file);
    assert.equal(JSON.parse(readFileSync(`${file}.lock`, 'utf8')).pid, process.pid);
    taken.release();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
