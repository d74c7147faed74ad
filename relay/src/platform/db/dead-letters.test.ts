import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DeadLetters } from './dead-letters.js';
import { openRelayDatabase } from './relay-database.js';
import { reassemble } from '../../to-gentrack/reassemble.js';
import type { ObjectEventPart } from '../../to-gentrack/object-event.js';
import { RelayStore, transactionIdOf } from '../../to-gentrack/relay-store.js';
import { InboxStore } from '../../to-salesforce/inbox-store.js';

const TOPIC = '/event/Gentrack_Object_Event__e';

const part = (transactionId: string, recordId: string): ObjectEventPart => ({
  objectType: 'Account',
  operationType: 'INSERT',
  recordId,
  transactionId,
  partNumber: 1,
  partTotal: 1,
  oldPayload: null,
  newPayload: `{"Id":"${recordId}","Name":"A"}`,
  changedFields: [],
  changedBy: 'a@example.com',
  changedAt: '2026-11-23T10:00:00.000Z',
});

function withFile(run: (file: string) => void): void {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dead-letters-'));
  try {
    run(path.join(dir, 'relay.db'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('one dead-letter store serves both flows, each on its own connection, and an operator on a third', () => {
  withFile((file) => {
    const outbox = RelayStore.open({ path: file });
    const inbox = InboxStore.open(file);
    const operator = openRelayDatabase(file);
    try {
      // The outbox files an unreadable event and a change Gentrack refused; the inbox a Gentrack event.
      const bad = { replayId: '1', part: { error: { code: 'CORRUPT_EVENT', message: 'bad avro' }, raw: 'AAEC' } };
      const { stored } = outbox.ingest(
        TOPIC,
        [bad, { replayId: '2', part: part('t1', '001000000000001AAA') }],
        '2',
        reassemble,
        10,
      );
      outbox.deadLetterChange(stored[0]!.seq, 'BAD_REQUEST', '400 account.name is required', undefined, 20);
      inbox.receive({ eventId: 'e1', eventType: 'quote-created', createdAtMs: 1 }, '{"eventId":"e1"}', 25);
      inbox.deadLetter(1, 'NO_MAPPING', 'no inbound rule for quote-created', 'Quote:Q1', 30);

      const letters = new DeadLetters(operator);
      const listed = letters.list();
      assert.deepEqual(
        listed.map((letter) => [letter.source, letter.transactionId, letter.reasonCode, letter.createdAt]),
        [
          ['event', null, 'CORRUPT_EVENT', 10],
          ['change', 't1', 'BAD_REQUEST', 20],
          ['gentrack-event', 'e1', 'NO_MAPPING', 30],
        ],
      );
      const [eventLetter, changeLetter, gentrackLetter] = listed;
      assert.equal(letters.get(changeLetter!.id)?.changeSeq, stored[0]!.seq, 'a change letter knows its outbox row');
      assert.equal(letters.get(gentrackLetter!.id)?.changeSeq, null);
      assert.equal(letters.count(), 3);
      assert.equal(outbox.counts().dead, 3, "the relay's health counts both flows' letters");
      assert.equal(inbox.counts().dead, 1, 'the inbox row stays, marked dead');
      assert.deepEqual(letters.list(1, 1), [changeLetter], 'limit and offset');
      assert.equal(outbox.changeState(stored[0]!.change)?.reasonCode, 'BAD_REQUEST');

      // Each flow retries its own letters: a refused change goes out under a new transaction id.
      assert.equal(inbox.retryDeadLetter(changeLetter!.id), undefined, 'not an inbox letter');
      const revived = outbox.retryDeadLetter(changeLetter!.id, reassemble);
      assert.equal(transactionIdOf(revived), 't1-retry1');
      assert.equal(inbox.retryDeadLetter(gentrackLetter!.id), 'e1');
      assert.equal(inbox.record('e1')?.state, 'pending');
      assert.deepEqual(
        letters.list().map((letter) => letter.id),
        [eventLetter!.id],
      );

      assert.equal(letters.remove(eventLetter!.id), true, 'discarded');
      assert.equal(letters.remove(eventLetter!.id), false, 'already gone');
      assert.equal(letters.count(), 0);
    } finally {
      operator.close();
      inbox.close();
      outbox.close();
    }
  });
});
