import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { InboxStore } from './inbox-store.js';
import { RelayStore } from '../to-gentrack/relay-store.js';

const event = (eventId: string, createdAtMs = 1_000) => ({ eventId, eventType: 'quote-created', createdAtMs });

function withFile(run: (file: string) => void): void {
  const dir = mkdtempSync(path.join(tmpdir(), 'inbox-store-'));
  try {
    run(path.join(dir, 'relay.db'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('an event is stored once per eventId and is due until it is finished', () => {
  const inbox = InboxStore.open(':memory:');
  assert.equal(inbox.receive(event('e1'), '{"a":1}', 10), 'stored');
  assert.equal(inbox.receive(event('e1'), '{"a":2}', 11), 'duplicate');
  assert.deepEqual(inbox.due(10, 20), [
    { seq: 1, eventId: 'e1', eventType: 'quote-created', createdAtMs: 1_000, rawBody: '{"a":1}', attempts: 0 },
  ]);
  inbox.scheduleRetry(1, 1, 500, 'SERVER_UNAVAILABLE: busy', 20);
  assert.deepEqual(inbox.due(10, 499), [], 'not before its retry time');
  assert.equal(inbox.nextDueAt(), 500);
  assert.equal(inbox.due(10, 500)[0]!.attempts, 1);
  inbox.finish(
    [{ seq: 1, state: 'applied', outcome: { record: 'Account:A1', applied: ['Quote_Status__c'], superseded: [] } }],
    600,
  );
  assert.deepEqual(inbox.due(10, 1_000), []);
  assert.deepEqual(inbox.record('e1'), {
    eventId: 'e1',
    eventType: 'quote-created',
    state: 'applied',
    attempts: 1,
    lastError: undefined,
    outcome: { record: 'Account:A1', applied: ['Quote_Status__c'], superseded: [] },
  });
  assert.equal(inbox.receive(event('e1'), '{"a":1}'), 'duplicate', 'still known after it was applied');
  inbox.close();
});

test('field versions only move forward', () => {
  const inbox = InboxStore.open(':memory:');
  inbox.receive(event('new', 2_000), '{}');
  inbox.receive(event('old', 1_000), '{}');
  const versions = (eventId: string, createdAtMs: number, fields: string[]) => ({
    objectType: 'Account',
    reference: 'A1',
    fields,
    createdAtMs,
    eventId,
  });
  inbox.finish([{ seq: 1, state: 'applied', outcome: {}, versions: versions('new', 2_000, ['Switch_Status__c']) }]);
  inbox.finish([
    {
      seq: 2,
      state: 'applied',
      outcome: {},
      versions: versions('old', 1_000, ['Switch_Status__c', 'Quote_Status__c']),
    },
  ]);
  assert.deepEqual(
    inbox.fieldVersions('Account', 'A1'),
    new Map([
      ['Switch_Status__c', 2_000],
      ['Quote_Status__c', 1_000],
    ]),
  );
  assert.deepEqual(inbox.fieldVersions('Account', 'A2'), new Map());
  // An on-demand sync's read records versions outside an event, by the same only-forward rule.
  inbox.recordFieldVersions(versions('sync-job-1', 1_500, ['Switch_Status__c', 'Quote_Status__c']));
  assert.deepEqual(
    inbox.fieldVersions('Account', 'A1'),
    new Map([
      ['Switch_Status__c', 2_000],
      ['Quote_Status__c', 1_500],
    ]),
  );
  inbox.close();
});

test('a dead-lettered event lands in the shared dead-letter store and can be retried into the inbox', () => {
  withFile((file) => {
    const outbox = RelayStore.open({ path: file });
    const inbox = InboxStore.open(file);
    inbox.receive(event('e1'), '{"eventId":"e1"}', 10);
    inbox.deadLetter(1, 'NO_MAPPING', 'no inbound rule for quote-created', 'Account:A1', 20);
    assert.equal(inbox.record('e1')?.state, 'dead');
    assert.equal(inbox.counts().dead, 1);
    const [letter] = outbox.deadLetters();
    assert.deepEqual(
      { ...letter, id: undefined },
      {
        id: undefined,
        source: 'gentrack-event',
        transactionId: 'e1',
        entityKey: 'Account:A1',
        reasonCode: 'NO_MAPPING',
        reason: 'no inbound rule for quote-created',
        payload: '{"eventId":"e1"}',
        attempts: 0,
        createdAt: 20,
      },
    );
    assert.equal(outbox.counts().dead, 1, 'counted with the other dead letters');
    assert.equal(inbox.retryDeadLetter(letter!.id), 'e1');
    assert.equal(inbox.record('e1')?.state, 'pending');
    assert.equal(inbox.due(10).length, 1);
    assert.equal(outbox.deadLetters().length, 0);
    assert.equal(inbox.retryDeadLetter(letter!.id), undefined, 'gone');
    inbox.close();
    outbox.close();
  });
});

test('a store made before Gentrack events existed is migrated: its dead letters are kept', () => {
  withFile((file) => {
    const old = new Database(file);
    old.exec(`CREATE TABLE dead_letters (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      source TEXT NOT NULL CHECK (source IN ('event', 'change')),
      transaction_id TEXT, entity_key TEXT, change_seq INTEGER, reason_code TEXT NOT NULL, reason TEXT NOT NULL,
      payload TEXT NOT NULL, attempts INTEGER NOT NULL, created_at INTEGER NOT NULL
    )`);
    old
      .prepare(
        `INSERT INTO dead_letters (source, transaction_id, entity_key, change_seq, reason_code, reason, payload, attempts, created_at)
      VALUES ('change', 't1', 'Account:001', 7, 'BAD_REQUEST', 'no', '{}', 3, 5)`,
      )
      .run();
    assert.throws(
      () =>
        old
          .prepare(
            `INSERT INTO dead_letters (source, reason_code, reason, payload, attempts, created_at) VALUES ('gentrack-event', 'X', 'x', '{}', 0, 0)`,
          )
          .run(),
      /CHECK constraint/,
    );
    old.close();

    const inbox = InboxStore.open(file);
    inbox.receive(event('e9'), '{}');
    inbox.deadLetter(1, 'REFERENCE_MISSING', 'no account number', null);
    inbox.close();
    const outbox = RelayStore.open({ path: file });
    assert.deepEqual(
      outbox.deadLetters().map((letter) => [letter.source, letter.transactionId, letter.reasonCode]),
      [
        ['change', 't1', 'BAD_REQUEST'],
        ['gentrack-event', 'e9', 'REFERENCE_MISSING'],
      ],
    );
    outbox.close();
  });
});

test('finished events are pruned after the retention, pending and dead ones are kept', () => {
  const inbox = InboxStore.open(':memory:');
  for (const id of ['a', 'b', 'c']) inbox.receive(event(id), '{}', 0);
  inbox.finish([{ seq: 1, state: 'applied', outcome: {} }], 100);
  inbox.deadLetter(2, 'NO_MAPPING', 'x', null, 100);
  assert.equal(inbox.pruneFinished(101), 1);
  assert.deepEqual(
    ['a', 'b', 'c'].map((id) => inbox.record(id)?.state),
    [undefined, 'dead', 'pending'],
  );
  inbox.close();
});
