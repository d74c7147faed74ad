import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SyncHistory, SyncRunNotFoundError } from './sync-history.js';
import { RelayStore } from '../../to-gentrack/relay-store.js';

test('a run is recorded from start to end, with its stages, counts, outcome and report', () => {
  const history = SyncHistory.open(':memory:');
  const id = history.recordSyncStart({
    kind: 'initial',
    subject: 'extract /data/x',
    initiatedBy: 'ops',
    startedAt: 1_000,
  });
  assert.equal(history.get(id)!.outcome, undefined, 'running: no outcome yet');
  history.recordSyncStage(id, {
    name: 'accounts',
    startedAt: 1_100,
    endedAt: 1_200,
    outcome: 'completed',
    counts: { created: 3 },
  });
  history.recordSyncStage(id, { name: 'contacts', startedAt: 1_200 });
  history.recordSyncStage(id, {
    name: 'contacts',
    startedAt: 1_200,
    endedAt: 1_300,
    outcome: 'failed',
    error: 'job failed',
  });
  assert.deepEqual(
    history.get(id)!.stages.map((stage) => [stage.name, stage.outcome]),
    [
      ['accounts', 'completed'],
      ['contacts', 'failed'],
    ],
    'a stage recorded again replaces the earlier record',
  );
  history.recordSyncEnd(id, {
    outcome: 'failed',
    failedStage: 'contacts',
    error: 'job failed',
    counts: { created: 3, failed: 0 },
    reportLocation: '/tmp/report.csv',
    endedAt: 2_000,
  });
  const run = history.get(id)!;
  assert.deepEqual(
    [
      run.kind,
      run.initiatedBy,
      run.startedAt,
      run.endedAt,
      run.outcome,
      run.failedStage,
      run.reportLocation,
      run.counts,
    ],
    ['initial', 'ops', 1_000, 2_000, 'failed', 'contacts', '/tmp/report.csv', { created: 3, failed: 0 }],
  );
  history.close();
});

test('runs are listed latest first, optionally by kind; ending an unknown run is an error', () => {
  const history = SyncHistory.open(':memory:');
  const first = history.recordSyncStart({ kind: 'initial', subject: 'a', initiatedBy: 'ops', startedAt: 1 });
  const second = history.recordSyncStart({
    kind: 'on-demand',
    subject: 'Account 001 Salesforce -> Gentrack',
    initiatedBy: 'jo@example.com',
    startedAt: 2,
  });
  history.recordSyncEnd(second, { outcome: 'completed' });
  assert.deepEqual(
    history.list().map((run) => run.id),
    [second, first],
  );
  assert.deepEqual(
    history.list({ kind: 'initial' }).map((run) => run.id),
    [first],
  );
  assert.deepEqual(
    history.list({ limit: 1 }).map((run) => run.id),
    [second],
  );
  assert.throws(() => history.recordSyncEnd('nope', { outcome: 'completed' }), SyncRunNotFoundError);
  assert.throws(() => history.recordSyncEnd(first, { outcome: 'done' as never }), /CHECK constraint/);
  history.close();
});

test('the history shares the relay store file with a running relay', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sync-history-'));
  try {
    const file = path.join(dir, 'relay.db');
    const store = RelayStore.open({ path: file });
    const history = SyncHistory.open(file);
    const id = history.recordSyncStart({ kind: 'initial', subject: 'x', initiatedBy: 'ops' });
    history.close();
    const reopened = SyncHistory.open(file);
    assert.equal(reopened.get(id)!.subject, 'x');
    assert.equal(store.checkpoint('/event/Gentrack_Object_Event__e'), undefined, 'the outbox still opens');
    reopened.close();
    store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
