import { afterEach, beforeEach, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import type { InitialSyncLease } from '../platform/db/initial-sync-lease.js';
import { LEASE_GIVE_UP_MS, LEASE_RENEW_MS } from '../platform/db/initial-sync-lease.js';
import type { Progress } from './progress.js';
import { keepLease } from './run-initial-sync.js';

beforeEach(() => mock.timers.enable({ apis: ['setInterval', 'Date'], now: 0 }));
afterEach(() => mock.timers.reset());

/** One renewal interval at a time: a longer tick would show every callback the clock at its end. */
function renewals(count: number): void {
  for (let index = 0; index < count; index++) mock.timers.tick(LEASE_RENEW_MS);
}

function notes(): Progress & { readonly lines: string[] } {
  const lines: string[] = [];
  return { lines, setTotal() {}, stage() {}, advance() {}, end() {}, note: (text) => void lines.push(text) };
}

/** A lease whose renewals answer from `answers` in turn: true, false, or an error to throw. */
function leaseAnswering(...answers: (boolean | Error)[]): InitialSyncLease & { readonly renewals: number[] } {
  const renewals: number[] = [];
  return {
    renewals,
    renew(_runId: string, now = Date.now()) {
      renewals.push(now);
      const answer = answers.shift() ?? true;
      if (answer instanceof Error) throw answer;
      return answer;
    },
  } as unknown as InitialSyncLease & { readonly renewals: number[] };
}

test('a run renews its lease every interval and stops when another run has taken it over', () => {
  const lease = leaseAnswering(true, true, false);
  const lost = new AbortController();
  const keeper = keepLease(lease, 'run-1', notes(), lost);
  renewals(2);
  assert.equal(lease.renewals.length, 2);
  assert.equal(lost.signal.aborted, false);
  renewals(1);
  assert.equal(lost.signal.aborted, true);
  assert.match(String(lost.signal.reason), /lost its claim in the relay store to another initial synchronisation/);
  keeper.stop();
});

test('a renewal that fails is a warning until the give-up time, then the run stops before another may take over', () => {
  const busy = new Error('database is locked');
  const failures = Math.ceil(LEASE_GIVE_UP_MS / LEASE_RENEW_MS);
  const lease = leaseAnswering(...Array.from({ length: failures + 1 }, () => busy));
  const progress = notes();
  const lost = new AbortController();
  const keeper = keepLease(lease, 'run-1', progress, lost);
  renewals(failures - 1);
  assert.equal(lost.signal.aborted, false, 'still within the give-up time');
  assert.equal(progress.lines.length, failures - 1);
  assert.match(progress.lines[0]!, /warning: could not renew this run's claim in the relay store: database is locked/);
  renewals(1);
  assert.equal(lost.signal.aborted, true);
  assert.match(
    String(lost.signal.reason),
    /could not renew its claim in the relay store for 45 s \(database is locked\)/,
  );
  keeper.stop();
});

test('a renewal that succeeds again resets the give-up time; stopped, the keeper renews no more', () => {
  const busy = new Error('database is locked');
  const lease = leaseAnswering(busy, busy, true, busy, busy);
  const lost = new AbortController();
  const keeper = keepLease(lease, 'run-1', notes(), lost);
  renewals(5);
  assert.equal(lost.signal.aborted, false, 'two failures after a success are 30 s, not 75 s');
  keeper.stop();
  renewals(10);
  assert.equal(lease.renewals.length, 5);
});
