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

test('pages of 10,000 runs: keyset pages in both directions, every filter, each page one index range', () => {
  const history = SyncHistory.open(':memory:');
  const insert = () => {
    for (let index = 0; index < 10_000; index++) {
      const id = history.recordSyncStart({
        kind: index % 10 === 0 ? 'initial' : 'on-demand',
        subject: `run ${index}`,
        initiatedBy: index % 3 === 0 ? 'otto (portal)' : 'jane@example.com (API client grc_1)',
        // Pairs of runs share a millisecond: the rowid orders them.
        startedAt: 1_000_000 + Math.floor(index / 2),
      });
      if (index % 7 !== 0) history.recordSyncEnd(id, { outcome: index % 5 === 0 ? 'failed' : 'completed' });
    }
  };
  (history as unknown as { db: { transaction(fn: () => void): () => void } }).db.transaction(insert)();

  const seen: string[] = [];
  let page = history.page({}, { limit: 50 });
  assert.equal(page.matching, 10_000);
  assert.equal(page.newer, undefined, 'the first page has nothing newer');
  while (true) {
    seen.push(...page.runs.map((run) => run.subject));
    if (!page.older) break;
    page = history.page({}, { limit: 50, before: page.older });
  }
  assert.equal(seen.length, 10_000);
  assert.equal(new Set(seen).size, 10_000, 'no run twice, none left out');
  assert.deepEqual(seen.slice(0, 3), ['run 9999', 'run 9998', 'run 9997'], 'newest first');

  // Back one page from the second: the first page again.
  const first = history.page({}, { limit: 50 });
  const second = history.page({}, { limit: 50, before: first.older! });
  const back = history.page({}, { limit: 50, after: second.newer! });
  assert.deepEqual(
    back.runs.map((run) => run.id),
    first.runs.map((run) => run.id),
  );
  assert.equal(back.newer, undefined);

  const initialFailed = history.page({ kind: 'initial', outcome: 'failed' }, { limit: 1000 });
  assert.ok(initialFailed.runs.length > 0);
  assert.ok(initialFailed.runs.every((run) => run.kind === 'initial' && run.outcome === 'failed'));
  assert.equal(initialFailed.matching, initialFailed.runs.length);
  const unfinished = history.page({ outcome: 'unfinished' }, { limit: 2000 });
  assert.equal(unfinished.matching, Math.ceil(10_000 / 7));
  assert.ok(unfinished.runs.every((run) => run.outcome === undefined));
  const otto = history.page({ who: 'OTTO' }, { limit: 10 });
  assert.equal(otto.matching, Math.ceil(10_000 / 3), 'who matches any case');
  assert.equal(history.page({ who: '100%_' }, { limit: 10 }).matching, 0, 'LIKE wildcards are taken literally');
  const range = history.page({ from: 1_000_100, until: 1_000_110 }, { limit: 100 });
  assert.equal(range.matching, 20);
  assert.ok(range.runs.every((run) => run.startedAt >= 1_000_100 && run.startedAt < 1_000_110));

  // Each page's query is a range of an index, never a scan of the table with a sort.
  const db = (history as unknown as { db: import('./relay-database.js').RelayDatabase }).db;
  for (const [condition, values] of [
    ['1 = 1', []],
    ['kind = ?', ['initial']],
    ['outcome = ?', ['failed']],
    ['outcome IS NULL', []],
    ['started_at >= ? AND started_at < ?', [1, 2]],
  ] as const) {
    const plan = (
      db
        .prepare(
          `EXPLAIN QUERY PLAN SELECT rowid AS seq, * FROM sync_history WHERE ${condition} AND (started_at, rowid) < (?, ?)
           ORDER BY started_at DESC, rowid DESC LIMIT 51`,
        )
        .all(...values, 5, 5) as { detail: string }[]
    )
      .map((row) => row.detail)
      .join('; ');
    assert.match(plan, /USING INDEX sync_history_by_/, `${condition}: ${plan}`);
    assert.doesNotMatch(plan, /TEMP B-TREE/, `${condition}: no sort (${plan})`);
  }
  history.close();
});
