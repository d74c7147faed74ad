import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecordLocks } from './record-locks.js';

/** A holder that runs until the test lets it finish. */
function holder(log: string[], name: string) {
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  return {
    finish,
    run: async () => {
      log.push(`${name} runs`);
      await finished;
      log.push(`${name} done`);
      return name;
    },
  };
}

test('holders of a shared record run one after another, in the order they asked; others run at once', async () => {
  const locks = new RecordLocks();
  const log: string[] = [];
  const batch = holder(log, 'batch');
  const sync = holder(log, 'sync');
  const other = holder(log, 'other');
  const batchDone = locks.hold(['Account:A1', 'Account:A2'], batch.run);
  const syncDone = locks.hold(['Account:A2'], sync.run);
  const otherDone = locks.hold(['Account:A3'], other.run);
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(log, ['batch runs', 'other runs'], 'the sync of A2 waits for the batch that holds it');
  batch.finish();
  assert.equal(await batchDone, 'batch');
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(log, ['batch runs', 'other runs', 'batch done', 'sync runs']);
  sync.finish();
  other.finish();
  assert.deepEqual(await Promise.all([syncDone, otherDone]), ['sync', 'other']);
  assert.equal(locks.size, 0, 'nothing is left held');
});

test('a holder that fails releases its records', async () => {
  const locks = new RecordLocks();
  await assert.rejects(
    locks.hold(['Account:A1'], async () => Promise.reject(new Error('Salesforce refused'))),
    /Salesforce refused/,
  );
  assert.equal(await locks.hold(['Account:A1'], async () => 'next'), 'next');
  assert.equal(locks.size, 0);
});
