import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { PROJECT_ROOT } from '../../../../model/project-root.js';
import { RelayStore } from '../../to-gentrack/relay-store.js';
import { WalCheckpointer } from './wal-checkpointer.js';

type Checkpointed = { logFrames: number; copiedFrames: number };

function databaseWithLog(): { file: string; db: Database.Database } {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'wal-checkpointer-')), 'store.db');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('wal_autocheckpoint = 0');
  db.exec('CREATE TABLE rows (id INTEGER PRIMARY KEY, body TEXT)');
  const insert = db.prepare('INSERT INTO rows (body) VALUES (?)');
  db.transaction(() => {
    for (let i = 0; i < 500; i++) insert.run('x'.repeat(500));
  })();
  return { file, db };
}

async function firstCheckpoint(Checkpointer: typeof WalCheckpointer, file: string): Promise<Checkpointed> {
  let checkpointer: WalCheckpointer | undefined;
  try {
    return await new Promise<Checkpointed>((resolve, reject) => {
      checkpointer = new Checkpointer({
        path: file,
        intervalMs: 20,
        onCheckpoint: resolve,
        onFailure: (reason) => reject(new Error(reason)),
      });
    });
  } finally {
    checkpointer?.stop();
  }
}

test('the worker copies the whole log into the database while the writer stays free', async () => {
  const { file, db } = databaseWithLog();
  const report = await firstCheckpoint(WalCheckpointer, file);
  assert.ok(report.logFrames > 50, `log frames: ${report.logFrames}`);
  assert.equal(report.copiedFrames, report.logFrames);
  // Everything was copied, so the next write starts the log over instead of growing it.
  const walBytes = statSync(`${file}-wal`).size;
  db.prepare('INSERT INTO rows (body) VALUES (?)').run('after');
  assert.equal(statSync(`${file}-wal`).size, walBytes);
  assert.equal(
    (db.pragma('wal_checkpoint(PASSIVE)') as { log: number }[])[0]!.log,
    1,
    'only the new write is in the log',
  );
  db.close();
});

test('the compiled worker in dist/ runs too (that is what the relay service uses)', async () => {
  const compiled = path.join(PROJECT_ROOT, 'dist/relay/src/platform/db/wal-checkpointer.js');
  const { WalCheckpointer: Compiled } = (await import(compiled)) as { WalCheckpointer: typeof WalCheckpointer };
  const { file, db } = databaseWithLog();
  const report = await firstCheckpoint(Compiled, file);
  assert.equal(report.copiedFrames, report.logFrames);
  db.close();
});

test('a worker that cannot open the database reports it, and the store checkpoints in its commits again', async () => {
  await assert.rejects(
    firstCheckpoint(WalCheckpointer, '/nonexistent/dir/store.db'),
    /background WAL checkpoint worker crashed: .*directory does not exist/,
  );

  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'wal-checkpointer-')), 'store.db');
  const reasons: string[] = [];
  const store = RelayStore.open({
    path: file,
    checkpointInBackground: true,
    onCheckpointFailure: (reason) => reasons.push(reason),
  });
  const internals = store as unknown as {
    db: Database.Database;
    checkpointer: { worker: import('node:worker_threads').Worker };
  };
  assert.equal(
    internals.db.pragma('wal_autocheckpoint', { simple: true }),
    0,
    'background checkpoints replace SQLite own',
  );
  await internals.checkpointer.worker.terminate();
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(reasons, ['background WAL checkpoint worker exited with code 0']);
  assert.equal(internals.db.pragma('wal_autocheckpoint', { simple: true }), 1000);
  store.close();
});

test('stopping the store is not a failure', async () => {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'wal-checkpointer-')), 'store.db');
  const reasons: string[] = [];
  const store = RelayStore.open({
    path: file,
    checkpointInBackground: true,
    onCheckpointFailure: (reason) => reasons.push(reason),
  });
  const { worker } = (store as unknown as { checkpointer: { worker: import('node:worker_threads').Worker } })
    .checkpointer;
  const exited = once(worker, 'exit');
  worker.ref(); // the store unrefs its worker; this test waits for it to exit
  store.close();
  // Barrier: the worker's exit is what a failure report would follow; the checkpointer's own 'exit' listener,
  // registered first, has run by the time ours does.
  await exited;
  assert.deepEqual(reasons, []);
});
