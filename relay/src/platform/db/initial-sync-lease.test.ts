import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hasCode } from '../errors.js';
import {
  InitialSyncLease,
  InitialSyncRunningError,
  LEASE_STALE_MS,
  thisProcess,
  type LeaseHolderProcess,
} from './initial-sync-lease.js';
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
function twoProcesses(holders: [LeaseHolderProcess | string, LeaseHolderProcess | string]) {
  const named = (holder: LeaseHolderProcess | string) =>
    typeof holder === 'string' ? { holder, pidNamespace: 'elsewhere' } : holder;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lease-'));
  const file = path.join(dir, 'relay.db');
  const first = openRelayDatabase(file);
  const second = openRelayDatabase(file);
  return {
    a: new InitialSyncLease(first, named(holders[0])),
    b: new InitialSyncLease(second, named(holders[1])),
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
        'claim lapses at once on its host, 60 s after it was last seen elsewhere.',
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

test('on this host a gone holder frees the lease at once and a live one keeps it however late; elsewhere, age decides', () => {
  const self = thisProcess();
  const host = os.hostname();
  const exited = spawnSync(process.execPath, ['-e', '']).pid!;
  const cases: { holder: LeaseHolderProcess; free: number | undefined; what: string }[] = [
    { holder: { ...self, holder: `${host}:${exited}` }, free: T0 + 1_000, what: 'a process of this host that is gone' },
    { holder: { ...self, holder: `${host}:${process.pid}` }, free: undefined, what: 'a live process of this host' },
    {
      holder: { holder: `${host}:${exited}`, pidNamespace: 'pid:[another container]' },
      free: T0 + LEASE_STALE_MS + 1,
      what: 'the same host name in another pid namespace (host networking): its pids mean nothing here',
    },
    {
      holder: { holder: `elsewhere.example:${exited}`, pidNamespace: self.pidNamespace },
      free: T0 + LEASE_STALE_MS + 1,
      what: 'another host',
    },
  ];
  for (const { holder, free, what } of cases) {
    const { a, b, close } = twoProcesses([holder, self]);
    try {
      a.claim('running', 'ops', T0);
      if (free === undefined) refusal(() => b.claim('run-b', 'otto', T0 + 10 * LEASE_STALE_MS));
      else {
        if (free > T0 + 1_000) refusal(() => b.claim('run-b', 'otto', T0 + 1_000));
        b.claim('run-b', 'otto', free);
      }
    } catch (error) {
      assert.fail(`${what}: ${String(error)}`);
    } finally {
      close();
    }
  }
});
