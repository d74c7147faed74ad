import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { runCli } from '../cli-test-harness.js';
import { registerDlqCommand } from './dlq.js';
import { reassemble } from '../../relay/src/to-gentrack/reassemble.js';
import { RelayStore, transactionIdOf } from '../../relay/src/to-gentrack/relay-store.js';
import { InboxStore } from '../../relay/src/to-salesforce/inbox-store.js';

let dir: string;
let file: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'dlq-cli-'));
  file = path.join(dir, 'relay.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `gentrack-sf dlq --store <file> ...args` in this process; returns what it printed and the exit code. */
function dlq(...args: string[]): Promise<{ out: string; err: string; exitCode: number }> {
  return runCli([registerDlqCommand], ['dlq', '--store', file, ...args]);
}

/** A change Gentrack refused (outbox) and a Gentrack event that could not be applied (inbox). */
function writeLetters(): void {
  const outbox = RelayStore.open({ path: file });
  const part = {
    objectType: 'Account',
    operationType: 'INSERT' as const,
    recordId: '001000000000001AAA',
    transactionId: 't1',
    partNumber: 1,
    partTotal: 1,
    oldPayload: null,
    newPayload: '{"Id":"001000000000001AAA","Name":"A"}',
    changedFields: [],
    changedBy: 'a@example.com',
    changedAt: '2026-11-23T10:00:00.000Z',
  };
  const { stored } = outbox.ingest('/event/Gentrack_Object_Event__e', [{ replayId: '1', part }], '1', reassemble);
  outbox.deadLetterChange(stored[0]!.seq, 'BAD_REQUEST', '400 account.name is required', undefined);
  outbox.close();
  const inbox = InboxStore.open(file);
  inbox.receive({ eventId: 'e1', eventType: 'quote-created', createdAtMs: 1 }, '{"eventId":"e1"}');
  inbox.deadLetter(1, 'NO_MAPPING', 'no inbound rule for quote-created', null);
  inbox.close();
}

test('dlq lists and shows the letters of both flows', async () => {
  writeLetters();
  const listed = JSON.parse((await dlq('list', '--json')).out) as {
    id: number;
    source: string;
    transactionId: string;
  }[];
  assert.deepEqual(
    listed.map((letter) => [letter.id, letter.source, letter.transactionId]),
    [
      [1, 'change', 't1'],
      [2, 'gentrack-event', 'e1'],
    ],
  );
  assert.match(
    (await dlq('list')).out,
    /^ID\tWHEN\tCODE\tRECORD\tREASON\n1\t.*\tBAD_REQUEST\tAccount:001000000000001AAA\t400 account.name is required\n2\t.*\tNO_MAPPING\t\(event\)\t/,
  );
  assert.equal((await dlq('list', '--limit', '1', '--json')).out.includes('"e1"'), false, '--limit');
  const shown = JSON.parse((await dlq('show', '2')).out) as { reasonCode: string; payload: unknown };
  assert.deepEqual([shown.reasonCode, shown.payload], ['NO_MAPPING', { eventId: 'e1' }]);
  const missing = await dlq('show', '9');
  assert.equal(missing.exitCode, 1);
  assert.match(missing.err, /no dead letter 9 \(see gentrack-sf dlq list\)/);
});

test('dlq retry sends each letter back to its flow: a refused change under a new transaction id, an event to the inbox', async () => {
  writeLetters();
  assert.match(
    (await dlq('retry', '1')).out,
    /Dead letter 1 is back in the outbox as transaction t1 \(Account:001000000000001AAA\)/,
  );
  assert.match((await dlq('retry', '2')).out, /Dead letter 2 is back in the inbox as Gentrack event e1/);
  assert.equal((await dlq('list', '--json')).out, '[]');

  const outbox = RelayStore.open({ path: file });
  assert.deepEqual(outbox.takeRevivedChanges().map(transactionIdOf), ['t1-retry1'], 'a running relay picks it up');
  outbox.close();
  const inbox = InboxStore.open(file);
  assert.equal(inbox.record('e1')?.state, 'pending');
  inbox.close();
});

test('dlq discard deletes a letter for good', async () => {
  writeLetters();
  assert.match((await dlq('discard', '2', '--yes')).out, /Dead letter 2 discarded/);
  const again = await dlq('discard', '2', '--yes');
  assert.equal(again.exitCode, 1);
  assert.match(again.err, /no dead letter 2/);
  assert.equal((JSON.parse((await dlq('list', '--json')).out) as unknown[]).length, 1);
});

test('dlq refuses a store written by a newer release, naming the file', async () => {
  writeLetters();
  const db = new Database(file);
  db.pragma('user_version = 99');
  db.close();
  const refused = await dlq('list');
  assert.equal(refused.exitCode, 1);
  assert.ok(refused.err.includes(`store ${file} has schema version 99`), refused.err);
});

test('dlq refuses a store that does not exist, naming the path, instead of creating an empty one', async () => {
  const refused = await dlq('list');
  assert.equal(refused.exitCode, 1);
  assert.match(
    refused.err,
    new RegExp(`there is no relay store at ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: check --store`),
  );
  assert.equal(existsSync(file), false);
});
