import assert from 'node:assert/strict';
import { fdatasync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { RelayStore, type IncomingEvent } from '../../to-gentrack/relay-store.js';
import { WalSync } from './wal-sync.js';
import { reassemble } from '../../to-gentrack/reassemble.js';
import { eventually } from '../../../../test/eventually.js';

function walDatabase(): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'wal-sync-')), 'store.db');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE t (x)');
  db.close();
  // Closing deleted the log; a connection that writes creates it again and keeps it.
  const writer = new Database(file);
  writer.prepare('INSERT INTO t VALUES (1)').run();
  return file;
}

test('calls made while a sync runs share the next one, which starts only after the running one ends', async () => {
  const started: number[] = [];
  let release: (() => void)[] = [];
  const sync = new WalSync(walDatabase(), ((fd: number, callback: (error: NodeJS.ErrnoException | null) => void) => {
    started.push(fd);
    release.push(() => fdatasync(fd, callback));
  }) as typeof fdatasync);

  const first = sync.sync();
  // The first sync opens the log and syncs its directory before it reaches fdatasync.
  await eventually('the first fdatasync to start', () => started.length === 1, 5_000);
  const during = Array.from({ length: 50 }, () => sync.sync());
  assert.equal(started.length, 1, 'no second sync while one runs');

  let firstDone = false;
  void first.then(() => (firstDone = true));
  const pending = release;
  release = [];
  pending.forEach((go) => go());
  await first;
  assert.ok(firstDone);
  await eventually('the second fdatasync to start', () => started.length === 2, 5_000);
  let duringDone = false;
  void Promise.all(during).then(() => (duringDone = true));
  // Barrier: the fake fdatasync holds its callback, so nothing but promise jobs can settle the fifty; a macrotask
  // turn runs them all. Had the fifty shared the first sync, they would have settled with it, above.
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(started.length, 2, 'one more sync for all fifty');
  assert.equal(duringDone, false, 'they wait for the sync that started after them');
  release.forEach((go) => go());
  await Promise.all(during);
  sync.close();
});

test('a closed sync and a log that cannot be opened are refused', async () => {
  const file = walDatabase();
  const sync = new WalSync(file);
  await sync.sync();
  sync.close();
  await assert.rejects(sync.sync(), /the store is closed/);

  const missing = new WalSync(path.join(os.tmpdir(), 'no-such-dir', 'store.db'));
  await assert.rejects(missing.sync(), /ENOENT/);
});

test('an ingested batch is durable only after the log is synced; a refused sync rejects it', async () => {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'wal-sync-')), 'relay.db');
  const store = RelayStore.open({ path: file, synchronous: 'FULL' });
  const event: IncomingEvent = {
    replayId: '1',
    part: {
      objectType: 'Account',
      operationType: 'INSERT',
      recordId: '001000000000001AAA',
      transactionId: 't1',
      partNumber: 1,
      partTotal: 1,
      oldPayload: null,
      newPayload: '{"Id":"001000000000001AAA","Name":"A"}',
      changedFields: [],
      changedBy: 'a@example.com',
      changedAt: '2026-11-23T10:00:00.000Z',
    },
  };
  const first = store.ingest('/event/T', [event], '1', reassemble);
  assert.equal(first.stored.length, 1);
  await first.durable;

  store.close();
  const afterClose = RelayStore.open({ path: file, synchronous: 'FULL' });
  rmSync(`${file}-wal`, { force: true });
  const second = afterClose.ingest(
    '/event/T',
    [{ ...event, replayId: '2', part: { ...event.part, transactionId: 't2' } as IncomingEvent['part'] }],
    '2',
    reassemble,
  );
  await assert.rejects(second.durable, /ENOENT/);
  afterClose.close();

  const normal = RelayStore.open({ path: path.join(path.dirname(file), 'normal.db'), synchronous: 'NORMAL' });
  await normal.ingest('/event/T', [event], '1', reassemble).durable;
  normal.close();
});
