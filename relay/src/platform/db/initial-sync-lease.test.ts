import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hasCode } from '../errors.js';
import { InitialSyncLease, InitialSyncRunningError, LEASE_STALE_MS, thisProcess } from './initial-sync-lease.js';
import { openRelayDatabase } from './relay-database.js';

const T0 = Date.UTC(2026, 11, 4, 9, 0, 0);

function refusal(claim: () => void): InitialSyncRunningError {
  try {
    claim();
  } catch (error) {
    assert.ok(hasCode<InitialSyncRunningError>(error, 'INITIAL_SYNC_RUNNING'), String(error));
    return error;
  }
  assert.fail('the claim was not refused');
}

/** Two processes sharing one store file, each on a connection of its own. */
function twoProcesses(holders: [string, string]) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lease-'));
  const file = path.join(dir, 'relay.db');
  const first = openRelayDatabase(file);
  const second = openRelayDatabase(file);
  return {
    a: new InitialSyncLease(first, holders[0]),
    b: new InitialSyncLease(second, holders[1]),
    close() {
      first.close();
      second.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

test('a held lease refuses the other process, naming the run, who started it, where and when; released, it is free', () => {
  const { a, b, close } = twoProcesses(['cli-host:100', 'portal-host:200']);
  try {
    a.claim('run-a', 'ops@cli-host', T0);
    const error = refusal(() => b.claim('run-b', 'otto (portal)', T0 + 5_000));
    assert.deepEqual(error.running, {
      runId: 'run-a',
      holder: 'cli-host:100',
      initiatedBy: 'ops@cli-host',
      acquiredAt: T0,
      renewedAt: T0,
    });
    assert.equal(
      error.message,
      'An initial synchronisation is already running: run run-a, started by ops@cli-host at 2026-12-04T09:00:00.000Z ' +
        'in process cli-host:100 (last seen 5 s ago). Wait for it to end or cancel it; if that process is gone, its ' +
        'claim lapses 60 s after it was last seen.',
    );
    assert.equal(b.holderNow(T0 + 5_000)?.runId, 'run-a');

    a.release('run-a');
    assert.equal(b.holderNow(T0 + 6_000), undefined);
    b.claim('run-b', 'otto (portal)', T0 + 6_000);
    assert.equal(a.holderNow(T0 + 6_000)?.runId, 'run-b');
  } finally {
    close();
  }
});

test('renewing keeps the lease; one not renewed for the stale time is taken over, and the old run learns it', () => {
  const { a, b, close } = twoProcesses(['cli-host:100', 'portal-host:200']);
  try {
    a.claim('run-a', 'ops', T0);
    assert.equal(a.renew('run-a', T0 + LEASE_STALE_MS), true);
    refusal(() => b.claim('run-b', 'otto', T0 + 2 * LEASE_STALE_MS));

    b.claim('run-b', 'otto', T0 + 2 * LEASE_STALE_MS + 1);
    assert.equal(a.renew('run-a', T0 + 2 * LEASE_STALE_MS + 2), false, 'the lapsed run is told');
    a.release('run-a');
    assert.equal(
      b.holderNow(T0 + 2 * LEASE_STALE_MS + 3)?.runId,
      'run-b',
      "the old run's release leaves the new lease",
    );
  } finally {
    close();
  }
});

test('a lease of a process of this host that is gone is taken over at once; one of a live process is not', () => {
  const exited = spawnSync(process.execPath, ['-e', '']).pid!;
  const host = os.hostname();
  const dead = twoProcesses([`${host}:${exited}`, thisProcess()]);
  try {
    dead.a.claim('crashed-run', 'ops', T0);
    assert.equal(dead.b.holderNow(T0 + 1_000), undefined);
    dead.b.claim('run-b', 'otto', T0 + 1_000);
  } finally {
    dead.close();
  }
  // This test's own process is alive; a process of another host is never probed, only its renewals count.
  for (const holder of [`${host}:${process.pid}`, `elsewhere.example:${exited}`]) {
    const live = twoProcesses([holder, thisProcess()]);
    try {
      live.a.claim('running', 'ops', T0);
      refusal(() => live.b.claim('run-b', 'otto', T0 + 1_000));
    } finally {
      live.close();
    }
  }
});
