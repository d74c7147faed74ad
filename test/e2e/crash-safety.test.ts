/**
 * Crash safety: the relay process is killed with SIGKILL while a stream of changes flows through it, and started
 * again on the same store each time. Afterwards Gentrack must have applied every change exactly once (no loss, no
 * second effect) and each record's changes in the order they were made.
 *
 * A kill only proves something if it hurts, so the test makes sure each one does, and asserts it:
 * - mid-stream: kill k is due when the stream reaches k/(KILLS+1) of its rounds, so the kills are spread over the
 *   whole stream, and changes are still being made after every one of them;
 * - mid-call: the Gentrack stand-in holds each call a moment before processing it (delayMs) and a moment between
 *   its effect and its answer (answerDelayMs), and a kill waits for calls to be in the second window. The relay
 *   never hears of those effects, so it must send each of those calls again, and Gentrack must answer it as a
 *   replay (asserted call by call).
 * The stream runs at most about two rounds ahead of Gentrack's effects, so the relay always has work when it dies.
 *
 * The stream mixes the shapes a change can take: an account inserted (customer-sync), renamed (update-account), or
 * renamed and moved to another parent (update-account + update-account-parent: two calls, each a Gentrack
 * transaction of its own, with ids derived from the change's), all published by the org's real Apex triggers; and renames whose payloads exceed the event's payload
 * fields, published in numbered parts (split-changes.ts says why these go onto the bus directly).
 *
 * Size: CRASH_ACCOUNTS accounts are inserted, then renamed in CRASH_VERSIONS rounds (a fifth of them also change
 * parent in each round), and one split change is published per round: CRASH_ACCOUNTS x (CRASH_VERSIONS + 1) +
 * CRASH_VERSIONS changes, with CRASH_KILLS kills. The full run is
 *   CRASH_ACCOUNTS=200 CRASH_VERSIONS=99 CRASH_KILLS=20 (20,099 changes, 20 kills).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EVENT_FIELDS } from '../../model/connector-fields.js';
import { startSandbox, type Sandbox } from '../../sandbox/start-sandbox.js';
import type { RecordedCall } from '../../sandbox/gentrack/index.js';
import { METRIC_PREFIX } from '../../relay/src/platform/ops/metrics.js';
import { callTransactionId } from '../../relay/src/to-gentrack/gentrack-calls.js';
import { RelayStore } from '../../relay/src/to-gentrack/relay-store.js';
import { eventually } from './harness.js';
import { startRelayProcess, writeRelayConfig, type RelayProcess } from './relay-process.js';
import { assertSameShapeAsTrigger, nameOf, nextSplitChange, seedLinkedAccounts } from './split-changes.js';

const ACCOUNTS = Number(process.env.CRASH_ACCOUNTS ?? 40);
const VERSIONS = Number(process.env.CRASH_VERSIONS ?? 20);
const KILLS = Number(process.env.CRASH_KILLS ?? 5);
/** In each round, every PARENT_EVERY-th account (a different set each round) also moves to the other parent. */
const PARENT_EVERY = 5;
const SPLIT_ACCOUNTS = 3;
/** How long the Gentrack stand-in holds every call before processing it, and between its effect and its answer. */
const GENTRACK_HOLDS = { delayMs: 5, answerDelayMs: 20 };
/** The stream runs at most this many Gentrack calls ahead of Gentrack's effects: about two rounds. */
const AHEAD = 2 * (ACCOUNTS + 1);
const TOTAL_CHANGES = ACCOUNTS * (VERSIONS + 1) + VERSIONS;

let sandbox: Sandbox;
let dir: string;
/** The relay process running now: a failing test must not leave it running after the suite. */
let running: RelayProcess | undefined;

before(async () => {
  sandbox = await startSandbox({ keepaliveIntervalMs: 500 });
  dir = mkdtempSync(path.join(os.tmpdir(), 'gentrack-crash-'));
});

after(async () => {
  await running?.kill('SIGKILL'); // a no-op when it already exited
  await sandbox?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** What the test saw of one kill. */
interface Kill {
  /** The round of the stream under way (VERSIONS + 1 once it ended), and the changes made so far. */
  readonly round: number;
  readonly changesMade: number;
  /** Calls Gentrack had applied and not yet answered: the relay died without hearing of their effect. */
  readonly answersLost: readonly RecordedCall[];
  /** Calls Gentrack held unprocessed: they had no effect, and the relay died waiting for them. */
  readonly unprocessed: number;
  readonly restartMs: number;
}

/** One change of the stream, as its events on the bus describe it. */
interface StreamChange {
  readonly recordId: string;
  readonly version: number;
  /** The Gentrack operations it must become, in part order. */
  readonly operations: readonly string[];
  readonly parts: number;
}

test(
  'SIGKILL mid-stream and mid-call loses no change, applies none twice, and keeps per-record order',
  { timeout: 240_000 + TOTAL_CHANGES * 40 },
  async (t) => {
    assert.ok(KILLS < VERSIONS, 'CRASH_KILLS must be below CRASH_VERSIONS: each kill needs rounds of its own');
    const org = sandbox.salesforce.org;
    const admin = org.users.admin;
    const gentrack = sandbox.gentrack;

    const parents = await seedLinkedAccounts(sandbox, ['Crash Parent 0', 'Crash Parent 1']);
    const splitAccounts = await seedLinkedAccounts(
      sandbox,
      Array.from({ length: SPLIT_ACCOUNTS }, (_, i) => `Crash Split ${i}`),
    );
    await assertSameShapeAsTrigger(sandbox, splitAccounts[0]!);
    const streamStart = sandbox.bus.latestReplayId(sandbox.topic);

    gentrack.faults.set(GENTRACK_HOLDS);
    const configFile = writeRelayConfig(sandbox, dir, { delivery: { concurrency: 16 } });
    let relay: RelayProcess = (running = startRelayProcess(sandbox, configFile));
    await relay.healthy();
    // The test runs the relay an operator runs: the compiled one (`npm run build`), and it says so.
    await eventually('the relay saying where it runs from', () =>
      relay.output.some((line) => line.includes('"runsFrom":"dist"')),
    );
    assert.ok(
      !relay.output.some((line) => line.includes('runs from its TypeScript sources')),
      'no warning about running from source',
    );

    const inserted = await org.insert(
      'Account',
      Array.from({ length: ACCOUNTS }, (_, i) => ({ Name: nameOf(`Crash Test ${i}`, 0) })),
      { as: admin },
    );
    const ids = inserted.map((result) => result.id!);
    /** Index into `parents` of each account's parent, null before its first move. */
    const parentOf: (number | null)[] = ids.map(() => null);
    let round = 0;
    let changesMade = ACCOUNTS;
    let callsDue = ACCOUNTS;

    // Kill k is due at the start of round milestones[k]; the next one waits until the relay is back.
    const milestones = Array.from({ length: KILLS }, (_, k) => Math.ceil(((k + 1) * VERSIONS) / (KILLS + 1)));
    const kills: Kill[] = [];
    let killsDue = 0;
    const killMidCall = async () => {
      // Checked, then killed in the same turn of the event loop: none of these calls can be answered in between.
      const held = await eventually(
        `a Gentrack call applied and not answered yet, for kill ${killsDue}`,
        () => {
          const now = gentrack.heldCalls();
          return now.some((hold) => hold.reason === 'answer') && now;
        },
        60_000,
      );
      const kill = {
        round,
        changesMade,
        answersLost: held.flatMap((hold) => (hold.reason === 'answer' && hold.call ? [hold.call] : [])),
        unprocessed: held.filter((hold) => hold.reason === 'latency').length,
      };
      const started = performance.now();
      await relay.kill('SIGKILL');
      relay = running = startRelayProcess(sandbox, configFile);
      await relay.healthy();
      kills.push({ ...kill, restartMs: Math.round(performance.now() - started) });
    };
    let relayBack: Promise<void> = Promise.resolve();

    for (let version = 1; version <= VERSIONS; version++) {
      round = version;
      if (version === milestones[killsDue]) {
        killsDue += 1;
        await relayBack;
        relayBack = killMidCall();
      }
      // Flow control, not a pause: the stream keeps the relay busy without running ahead of it (the org's Apex,
      // the Pub/Sub server and the Gentrack stand-in share this process's event loop).
      await eventually(
        `Gentrack to be within ${AHEAD} calls of the stream`,
        () => callsDue - gentrack.calls.counters.effectiveWrites < AHEAD,
        120_000,
      );
      let moves = 0;
      await org.update(
        'Account',
        ids.map((Id, i) => {
          const update: Record<string, unknown> = { Id, Name: nameOf(`Crash Test ${i}`, version) };
          if ((i + version) % PARENT_EVERY === 0) {
            parentOf[i] = parentOf[i] === 0 ? 1 : 0;
            update.ParentId = parents[parentOf[i]!]!.recordId;
            moves += 1;
          }
          return update;
        }),
        { as: admin },
      );
      const split = nextSplitChange(splitAccounts[version % SPLIT_ACCOUNTS]!, admin.username);
      sandbox.bus.publish(sandbox.topic, split.events, { createdById: admin.id });
      changesMade += ACCOUNTS + 1;
      callsDue += ACCOUNTS + moves + 1;
    }
    round = VERSIONS + 1; // the stream has ended
    await relayBack;

    const stream = streamChanges(streamStart);
    const expectedWrites = [...stream.values()].reduce((sum, change) => sum + change.operations.length, 0);
    await eventually(
      `${expectedWrites} effective Gentrack writes`,
      () => gentrack.calls.counters.effectiveWrites >= expectedWrites,
      Math.max(180_000, expectedWrites * 20),
    ).catch(async (error: Error) => {
      const store = RelayStore.open({ path: path.join(dir, 'relay.db') });
      const detail = {
        counters: gentrack.calls.counters,
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

    const counters = gentrack.calls.counters;
    const calls = gentrack.calls.list();
    const shapes = {
      changes: stream.size,
      multiCall: [...stream.values()].filter((change) => change.operations.length > 1).length,
      split: [...stream.values()].filter((change) => change.parts > 1).length,
    };
    t.diagnostic(`Gentrack counters after ${kills.length} kills: ${JSON.stringify(counters)}`);
    t.diagnostic(`stream: ${JSON.stringify(shapes)}, milestones ${milestones.join(',')} of ${VERSIONS} rounds`);
    for (const [k, { answersLost, ...kill }] of kills.entries())
      t.diagnostic(`kill ${k + 1}: ${JSON.stringify({ ...kill, answersLost: answersLost.length })}`);

    // The stream is what the test made: every change published, in every shape.
    assert.equal(stream.size, TOTAL_CHANGES, 'every change of the stream is on the bus');
    assert.ok(shapes.multiCall > 0 && shapes.split > 0, 'the stream has multi-call and split changes');

    // Every kill hurt: mid-stream, in its own share of it, and mid-call.
    assert.equal(kills.length, KILLS);
    kills.forEach((kill, k) => {
      assert.ok(kill.changesMade < TOTAL_CHANGES, `kill ${k + 1} happened while changes were still being made`);
      assert.ok(
        kill.round >= milestones[k]! && kill.round < (milestones[k + 1] ?? VERSIONS + 1),
        `kill ${k + 1} happened in its share of the stream (round ${kill.round})`,
      );
      assert.ok(kill.answersLost.length > 0, `kill ${k + 1} happened while a call awaited its answer`);
      // The relay never heard of these effects: it must have sent each call again, and Gentrack replayed it.
      for (const lost of kill.answersLost) {
        const replayed = calls.some((call) => call.replay && call.seq > lost.seq && keyOf(call) === keyOf(lost));
        assert.ok(replayed, `kill ${k + 1}: ${keyOf(lost)}, applied but not answered, was redelivered`);
      }
    });
    assert.ok(counters.replays > 0, 'the relay redelivered calls Gentrack had applied, and Gentrack replayed them');
    // A redelivery under the same transaction id with another request would have been refused (400).
    const refused = calls.filter((call) => call.status >= 300).map((call) => `${keyOf(call)}: ${call.status}`);
    assert.deepEqual(refused.slice(0, 10), [], `${refused.length} calls were not answered with a success`);

    // Exactly one effect per call of every change: counted from Gentrack's effects, not from the relay's requests.
    // Each call is a transaction of its own, whole (part 1 of 1).
    const effects = new Map<string, RecordedCall[]>();
    for (const call of calls) {
      if (!call.effective) continue;
      const key = keyOf(call);
      effects.set(key, [...(effects.get(key) ?? []), call]);
    }
    const expectedCalls = callsOf(stream);
    const lost = [...expectedCalls.keys()].filter((key) => !effects.has(key));
    const wrongOperation = [...expectedCalls]
      .filter(([key, { operation }]) => effects.has(key) && effects.get(key)![0]!.operation !== operation)
      .map(([key]) => `${key}: ${effects.get(key)![0]!.operation}`);
    const twice = [...effects].filter(([, effect]) => effect.length > 1).map(([key]) => key);
    const unexpected = [...effects.keys()].filter((key) => !expectedCalls.has(key));
    const fragmented = calls
      .filter((call) => call.transactionId !== undefined && call.headers['x-transaction-part-total'] !== '1')
      .map(keyOf);
    assert.deepEqual(fragmented.slice(0, 10), [], 'every call was sent whole, as part 1 of 1');
    assert.deepEqual(lost.slice(0, 10), [], `${lost.length} calls never took effect`);
    assert.deepEqual(twice.slice(0, 10), [], `${twice.length} calls took effect twice`);
    assert.deepEqual(unexpected.slice(0, 10), [], `${unexpected.length} effects belong to no change`);
    assert.deepEqual(wrongOperation.slice(0, 10), [], 'each call is the operation its change needs');
    assert.equal(counters.effectiveWrites, expectedWrites, 'every call had exactly one effect in Gentrack');

    // Per record, the effects came in the order the changes were made (and a change's calls in the model's order).
    assert.equal(counters.outOfOrder, 0, 'no record received an older change after a newer one');
    const lastByEntity = new Map<string, { version: number; call: number; key: string }>();
    const misordered: string[] = [];
    for (const call of calls) {
      if (!call.effective || !call.entity) continue;
      const expected = expectedCalls.get(keyOf(call))!;
      const at = { version: expected.change.version, call: expected.index, key: keyOf(call) };
      const last = lastByEntity.get(call.entity);
      if (last && (at.version < last.version || (at.version === last.version && at.call <= last.call)))
        misordered.push(`${call.entity}: ${at.key} (v${at.version}) after ${last.key} (v${last.version})`);
      lastByEntity.set(call.entity, at);
    }
    assert.deepEqual(misordered.slice(0, 10), [], `${misordered.length} effects came out of order`);

    // Each account ends in its last version and parent, so nothing was lost at the end of the stream either.
    const byRecordId = new Map(gentrack.state.accounts().map((account) => [account.salesforceId, account]));
    ids.forEach((id, i) => {
      const account = byRecordId.get(id);
      assert.ok(account, `account ${i} reached Gentrack`);
      assert.equal(account.account.name, nameOf(`Crash Test ${i}`, VERSIONS));
      const parent = parentOf[i] ?? null;
      assert.equal(account.parentAccountNumber, parent === null ? null : parents[parent]!.accountNumber);
    });
    for (const split of splitAccounts) {
      assert.equal(gentrack.state.account(split.accountNumber)?.account.name, nameOf(split.label, split.version));
    }

    const store = RelayStore.open({ path: path.join(dir, 'relay.db') });
    try {
      assert.deepEqual(store.deadLetters(), [], 'nothing was dead-lettered');
      assert.deepEqual([store.counts().pending, store.counts().parts], [0, 0]);
    } finally {
      store.close();
    }
  },
);

/** What Gentrack de-duplicates a call by: its transaction id. */
const keyOf = (call: RecordedCall): string => call.transactionId!;

/** The Gentrack calls the stream's changes must make, by the transaction id each call must carry. */
function callsOf(
  stream: ReadonlyMap<string, StreamChange>,
): Map<string, { change: StreamChange; operation: string; index: number }> {
  const calls = new Map<string, { change: StreamChange; operation: string; index: number }>();
  for (const [transactionId, change] of stream) {
    change.operations.forEach((operation, index) =>
      calls.set(callTransactionId(transactionId, { key: operation }), { change, operation, index }),
    );
  }
  return calls;
}

/** The changes published after `position`, by transaction id, read back from their events (parts joined). */
function streamChanges(position: number): Map<string, StreamChange> {
  const parts = new Map<string, Record<string, unknown>[]>();
  for (const stored of sandbox.bus.readAfter(sandbox.topic, position, Number.MAX_SAFE_INTEGER)) {
    const event = sandbox.bus.decode(stored);
    const transactionId = String(event[EVENT_FIELDS.transactionId]);
    parts.set(transactionId, [...(parts.get(transactionId) ?? []), event]);
  }
  const changes = new Map<string, StreamChange>();
  for (const [transactionId, events] of parts) {
    const first = events[0]!;
    const newValues = JSON.parse(events.map((event) => event[EVENT_FIELDS.newPayload] ?? '').join('')) as {
      Name: string;
    };
    const changed = String(first[EVENT_FIELDS.changedFields] ?? '').split(',');
    // config/connector.yaml: an Account insert is customer-sync; an update is update-account when Name (or another
    // account field) changed and update-account-parent when ParentId did, in that order.
    const operations =
      first[EVENT_FIELDS.operationType] === 'INSERT'
        ? ['customer-sync']
        : ['update-account', ...(changed.includes('ParentId') ? ['update-account-parent'] : [])];
    changes.set(transactionId, {
      recordId: String(first[EVENT_FIELDS.recordId]),
      version: Number(/ v(\d+)$/.exec(newValues.Name)![1]),
      operations,
      parts: events.length,
    });
  }
  return changes;
}
