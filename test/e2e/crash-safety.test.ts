/**
 * Crash safety: the relay process is killed with SIGKILL at random points while thousands of changes stream
 * through it, and started again on the same store each time. Afterwards Gentrack must have applied every change
 * exactly once (no loss, no second effect) and each record's changes in the order they were made.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSandbox, type Sandbox } from '../../sandbox/start-sandbox.js';
import { METRIC_PREFIX } from '../../relay/src/platform/ops/metrics.js';
import { RelayStore } from '../../relay/src/to-gentrack/relay-store.js';
import { eventually } from './harness.js';
import { startRelayProcess, writeRelayConfig, type RelayProcess } from './relay-process.js';

const ACCOUNTS = Number(process.env.CRASH_ACCOUNTS ?? 40);
const VERSIONS = Number(process.env.CRASH_VERSIONS ?? 50); // updates per account: 40 inserts + 2,000 updates by default
const KILLS = Number(process.env.CRASH_KILLS ?? 5);

let sandbox: Sandbox;
let dir: string;

before(async () => {
  sandbox = await startSandbox({ keepaliveIntervalMs: 500 });
  dir = mkdtempSync(path.join(os.tmpdir(), 'gentrack-crash-'));
});

after(async () => {
  await sandbox?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A deterministic PRNG so a failing run can be reproduced. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

test(
  'SIGKILL at random points loses no change, applies none twice, and keeps per-record order',
  { timeout: 240_000 },
  async (t) => {
    const org = sandbox.salesforce.org;
    const admin = org.users.admin;
    const next = random(Number(process.env.CRASH_SEED ?? 20261123));
    const configFile = writeRelayConfig(sandbox, dir, { delivery: { concurrency: 16 } });
    let relay: RelayProcess = startRelayProcess(sandbox, configFile);
    await relay.healthy();
    // npm test builds dist/ first: the relay an operator runs is the compiled one, and it says so.
    await eventually('the relay saying where it runs from', () =>
      relay.output.some((line) => line.includes('"runsFrom":"dist"')),
    );
    assert.ok(
      !relay.output.some((line) => line.includes('runs from its TypeScript sources')),
      'no warning about running from source',
    );

    const inserted = await org.insert(
      'Account',
      Array.from({ length: ACCOUNTS }, (_, i) => ({ Name: `Crash Test ${i} v0` })),
      { as: admin },
    );
    const ids = inserted.map((result) => result.id!);

    let kills = 0;
    const killer = (async () => {
      while (kills < KILLS) {
        // Kept: a random moment to kill at is the point of the test (seeded, so a failing run can be reproduced).
        await new Promise((resolve) => setTimeout(resolve, 300 + next() * 1500));
        await relay.kill('SIGKILL');
        kills++;
        relay = startRelayProcess(sandbox, configFile);
        await relay.healthy();
      }
    })();

    for (let version = 1; version <= VERSIONS; version++) {
      await org.update(
        'Account',
        ids.map((Id, i) => ({ Id, Name: `Crash Test ${i} v${version}` })),
        { as: admin },
      );
      // Kept: paces the producer so the changes stream through the kills; nothing is asserted after it.
      await new Promise((resolve) => setTimeout(resolve, 20 + next() * 40));
    }
    await killer;

    const expectedWrites = ACCOUNTS * (VERSIONS + 1);
    await eventually(
      `${expectedWrites} effective Gentrack writes`,
      () => sandbox.gentrack.calls.counters.effectiveWrites >= expectedWrites,
      180_000,
    ).catch(async (error: Error) => {
      const store = RelayStore.open({ path: path.join(dir, 'relay.db') });
      const detail = {
        counters: sandbox.gentrack.calls.counters,
        store: store.counts(),
        deadLetters: store.deadLetters(5),
        pending: store
          .pendingChanges()
          .slice(0, 3)
          .map((p) => ({ attempts: p.attempts, next: p.nextAttemptAt - Date.now(), change: p.change.transactionId })),
      };
      store.close();
      throw new Error(`${error.message}\n${JSON.stringify(detail, null, 1)}\n${relay.output.slice(-10).join('\n')}`);
    });
    // Barrier: the relay has nothing left to deliver (its /metrics reads the store's counts at scrape time), so a
    // redelivery that would take effect a second time has been made by now; then it stops gracefully.
    const opsUrl = await relay.healthy();
    const nothingPending = (text: string, name: string) =>
      new RegExp(`^${METRIC_PREFIX}${name}(\\{[^}]*\\})? 0$`, 'm').test(text);
    await eventually(
      'the relay to have no change or part left to deliver',
      async () => {
        const text = await (await fetch(`${opsUrl}/metrics`)).text();
        return nothingPending(text, 'changes_pending') && nothingPending(text, 'parts_pending');
      },
      60_000,
    );
    await relay.kill('SIGTERM');

    const counters = sandbox.gentrack.calls.counters;
    t.diagnostic(`Gentrack counters after ${kills} kills: ${JSON.stringify(counters)}`);
    assert.equal(kills, KILLS);
    assert.equal(counters.effectiveWrites, expectedWrites, 'every change had exactly one effect in Gentrack');
    assert.equal(counters.outOfOrder, 0, 'no record received an older change after a newer one');

    // Every transaction was applied once: redeliveries after the kills were answered as idempotent replays.
    const effective = new Map<string, number>();
    for (const call of sandbox.gentrack.calls.list()) {
      if (call.operation === 'token' || call.status >= 300 || call.replay) continue;
      const key = `${call.headers['x-transaction-id']}#${call.headers['x-transaction-part-number'] ?? 1}`;
      effective.set(key, (effective.get(key) ?? 0) + 1);
    }
    assert.equal(effective.size, expectedWrites, 'one effective call per change');
    assert.ok([...effective.values()].every((count) => count === 1));

    // Each account ends in its last version, so nothing was lost at the end of the stream either.
    for (let i = 0; i < ACCOUNTS; i++) {
      const record = org.get('Account', ids[i]!) as { Gentrack_External_Id__c?: string };
      const accountNumber =
        record.Gentrack_External_Id__c ??
        sandbox.gentrack.state.accounts().find((account) => account.salesforceId === ids[i])?.accountNumber;
      assert.ok(accountNumber, `account ${i} reached Gentrack`);
      assert.equal(sandbox.gentrack.state.account(accountNumber)?.account.name, `Crash Test ${i} v${VERSIONS}`);
    }

    const store = RelayStore.open({ path: path.join(dir, 'relay.db') });
    try {
      assert.deepEqual(store.deadLetters(), [], 'nothing was dead-lettered');
      assert.equal(store.counts().pending, 0);
    } finally {
      store.close();
    }
  },
);
