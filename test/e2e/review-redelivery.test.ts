/**
 * An account review survives a crash between the call and its acknowledgement without a second review.
 *
 * Deleting an Account in Salesforce asks Gentrack for a review (POST /accounts/{ref}/review, create-account-review).
 * The connector reference lists that operation without transaction headers, so Gentrack (and its stand-in) does not
 * de-duplicate it: a second POST opens a second review. The relay is SIGKILLed while Gentrack has opened the review
 * and not yet answered; the restarted relay delivers the change again, reads the account's latest review first, finds
 * the one its first attempt opened (its reason names the Salesforce change) and does not post again.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startSandbox, type Sandbox } from '../../sandbox/start-sandbox.js';
import { RelayStore } from '../../relay/src/to-gentrack/relay-store.js';
import { eventually } from './harness.js';
import { startRelayProcess, writeRelayConfig, type RelayProcess } from './relay-process.js';
import { seedLinkedAccounts } from './split-changes.js';

/** Long enough to kill the relay while Gentrack holds the review's answer, short enough to keep the test quick. */
const ANSWER_DELAY_MS = 2_000;

let sandbox: Sandbox;
let dir: string;
let running: RelayProcess | undefined;

before(async () => {
  sandbox = await startSandbox({ keepaliveIntervalMs: 500 });
  dir = mkdtempSync(path.join(os.tmpdir(), 'gentrack-review-'));
});

after(async () => {
  await running?.kill('SIGKILL');
  await sandbox?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('SIGKILL after Gentrack opened the review and before the relay heard of it: one review, not two', async () => {
  const org = sandbox.salesforce.org;
  const gentrack = sandbox.gentrack;
  const [account] = await seedLinkedAccounts(sandbox, ['Review Crash']);
  const reviewPath = `/v1/accounts/${account!.accountNumber}/review`;
  const configFile = writeRelayConfig(sandbox, dir);
  running = startRelayProcess(sandbox, configFile);
  await running.healthy();

  gentrack.faults.set({ answerDelayMs: ANSWER_DELAY_MS });
  await org.delete('Account', account!.recordId, { as: org.users.admin });
  // Checked, then killed in the same turn of the event loop: the review's answer cannot get out in between.
  await eventually(
    'Gentrack holding the answer of the review it opened',
    () =>
      gentrack
        .heldCalls()
        .some((hold) => hold.reason === 'answer' && hold.call?.method === 'POST' && hold.call.path === reviewPath),
    30_000,
  );
  await running.kill('SIGKILL');
  assert.equal(gentrack.state.reviews(account!.accountNumber).length, 1, 'the first attempt opened the review');
  gentrack.faults.clear();

  const before = gentrack.calls.list().length;
  running = startRelayProcess(sandbox, configFile);
  await running.healthy();
  const reread = await eventually('the redelivered change to read the review', () =>
    gentrack.calls
      .list()
      .slice(before)
      .find((call) => call.path === reviewPath && call.method === 'GET'),
  );
  assert.equal(reread.status, 200, 'the review the first attempt opened');
  await eventually('the relay to log that Gentrack has the review already', () =>
    running!.output.some((line) => line.includes('Gentrack already has the effect of this call')),
  );
  await running.kill('SIGTERM');

  const reviews = gentrack.state.reviews(account!.accountNumber);
  assert.equal(reviews.length, 1, 'no second review');
  assert.match(String(reviews[0]!.reason), /^Account deleted in Salesforce by \S+ \(Salesforce change [\w-]+\)$/);
  const sinceRestart = gentrack.calls
    .list()
    .slice(before)
    .filter((call) => call.path === reviewPath);
  assert.deepEqual(
    sinceRestart.map((call) => `${call.method} ${call.status}`),
    ['GET 200'],
    'read, found, not posted again',
  );
  const store = RelayStore.open({ path: path.join(dir, 'relay.db') });
  try {
    assert.deepEqual([store.counts().pending, store.deadLetters().length], [0, 0], 'delivered, nothing dead-lettered');
  } finally {
    store.close();
  }
});
