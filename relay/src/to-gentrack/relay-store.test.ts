import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { RelayStore, type IncomingEvent, type PendingChange } from './relay-store.js';
import { migrate } from '../platform/db/migrate.js';
import { MIGRATIONS } from '../platform/db/migrations.js';
import { UNVERSIONED_OUTBOX_SCHEMA } from '../platform/db/unversioned-store-test-fixture.js';
import { reassemble } from './reassemble.js';
import type { ObjectEventPart } from './object-event.js';

const TOPIC = '/event/Gentrack_Object_Event__e';

function part(
  transactionId: string,
  partNumber = 1,
  partTotal = 1,
  newPayload = '{"Id":"001000000000001AAA","Name":"A"}',
): ObjectEventPart {
  return {
    objectType: 'Account',
    operationType: 'INSERT',
    recordId: '001000000000001AAA',
    transactionId,
    partNumber,
    partTotal,
    oldPayload: null,
    newPayload,
    changedFields: [],
    changedBy: 'a@example.com',
    changedAt: '2026-11-23T10:00:00.000Z',
  };
}

const incoming = (replayId: number, eventPart: ObjectEventPart): IncomingEvent => ({
  replayId: String(replayId),
  part: eventPart,
});

function withStore(run: (store: RelayStore, file: string) => void): void {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'relay-store-'));
  const file = path.join(dir, 'relay.db');
  const store = RelayStore.open({ path: file });
  try {
    run(store, file);
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a batch and its checkpoint are committed together, and survive reopening', () => {
  withStore((store, file) => {
    const result = store.ingest(TOPIC, [incoming(1, part('t1')), incoming(2, part('t2'))], '2', reassemble);
    assert.deepEqual(result.outcomes, ['stored', 'stored']);
    store.close();
    const reopened = RelayStore.open({ path: file });
    try {
      assert.equal(reopened.checkpoint(TOPIC), '2');
      assert.deepEqual(
        reopened.pendingChanges().map((p) => p.change.transactionId),
        ['t1', 't2'],
      );
    } finally {
      reopened.close();
    }
  });
});

test('a redelivered transaction is recognised and stored once', () => {
  withStore((store) => {
    store.ingest(TOPIC, [incoming(1, part('t1'))], '1', reassemble);
    const again = store.ingest(TOPIC, [incoming(1, part('t1'))], '1', reassemble);
    assert.deepEqual(again.outcomes, ['duplicate']);
    assert.equal(store.pendingChanges().length, 1);
  });
});

test('the outbox key is the transaction id with its time of change: each redelivery carries both unchanged', () => {
  withStore((store) => {
    store.ingest(TOPIC, [incoming(1, part('t1'))], '1', reassemble);
    const later = { ...part('t1'), changedAt: '2026-11-23T10:00:00.001Z' };
    assert.deepEqual(store.ingest(TOPIC, [incoming(2, later)], '2', reassemble).outcomes, ['stored']);
    assert.equal(store.changeState({ transactionId: 't1', changedAt: '2026-11-23T10:00:00.000Z' })?.state, 'pending');
    assert.equal(store.changeState({ transactionId: 't1', changedAt: '2026-11-23T10:00:01.000Z' }), undefined);
  });
});

/** A store file at schema version 5, filled by `fill`, then opened by this release (which migrates it). */
function withVersion5Store(fill: (db: Database.Database) => void, run: (store: RelayStore) => void): void {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'relay-store-'));
  const file = path.join(dir, 'relay.db');
  try {
    const old = new Database(file);
    migrate(old, MIGRATIONS.slice(0, 5), file);
    fill(old);
    old.close();
    const store = RelayStore.open({ path: file });
    try {
      run(store);
    } finally {
      store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const insertVersion5Change = (db: Database.Database, transactionId: string, change: object) =>
  db
    .prepare(
      `INSERT INTO changes (transaction_id, entity_key, change_json, trace_id, created_at, updated_at)
       VALUES (?, 'Account:001000000000001AAA', ?, 'trace', 1, 1)`,
    )
    .run(transactionId, JSON.stringify(change));

test('a store of schema version 5 keeps its changes, their redeliveries still recognised, numbers never reused', () => {
  withVersion5Store(
    (old) => {
      for (const transactionId of ['t1', 't2', 't3'])
        insertVersion5Change(old, transactionId, reassemble([part(transactionId)]));
      // t3 was the newest and was pruned: its number must not come back.
      old.prepare(`DELETE FROM changes WHERE transaction_id = 't3'`).run();
    },
    (store) => {
      const next = store.ingest(TOPIC, [incoming(7, part('t4'))], '7', reassemble);
      assert.equal(next.stored[0]!.seq, 4, 'numbered after the highest number ever given, not the highest kept');
      assert.deepEqual(store.ingest(TOPIC, [incoming(8, part('t1'))], '8', reassemble).outcomes, ['duplicate']);
      assert.deepEqual(
        store.pendingChanges().map((pending) => [pending.seq, pending.change.transactionId]),
        [
          [1, 't1'],
          [2, 't2'],
          [4, 't4'],
        ],
      );
      assert.equal(store.changeState(part('t2'))?.state, 'pending');
    },
  );
});

test('an on-demand job left running across migration 6 finds its change under the key the resumed job uses', () => {
  const startedAt = Date.parse('2026-11-23T10:00:00.000Z');
  // The previous release stamped the change when it had read the record, after the job started.
  const readAt = { ...reassemble([part('job-j1')]), changedAt: '2026-11-23T10:00:00.250Z' };
  withVersion5Store(
    (old) => {
      old
        .prepare(
          `INSERT INTO sync_jobs (id, source, destination, entity_type, entity_id, state, client_id, on_behalf_of,
             transaction_id, created_at, started_at)
           VALUES ('j1', 'Salesforce', 'Gentrack', 'Account', '001000000000001AAA', 'running', 'c', 'u', 'job-j1', ?, ?)`,
        )
        .run(startedAt, startedAt);
      insertVersion5Change(old, 'job-j1', readAt);
    },
    (store) => {
      const resumed = { ...readAt, changedAt: new Date(startedAt).toISOString() };
      assert.equal(store.enqueueChange(resumed), undefined, 'already in the outbox: not stored or sent twice');
      assert.equal(store.changeState(resumed)?.state, 'pending');
      assert.equal(store.pendingChanges().length, 1);
    },
  );
});

test('parts wait for their siblings across batches, then become one change', () => {
  withStore((store) => {
    const json = '{"Id":"001000000000001AAA","Name":"' + 'x'.repeat(30) + '"}';
    const first = store.ingest(TOPIC, [incoming(1, part('t9', 2, 2, json.slice(20)))], '1', reassemble);
    assert.deepEqual(first.outcomes, ['part-waiting']);
    assert.equal(store.counts().parts, 1);
    const second = store.ingest(TOPIC, [incoming(2, part('t9', 1, 2, json.slice(0, 20)))], '2', reassemble);
    assert.deepEqual(second.outcomes, ['stored']);
    assert.deepEqual(second.stored[0]!.change.newValues, JSON.parse(json));
    assert.equal(store.counts().parts, 0);
  });
});

test('parts that never complete become a dead letter naming what is missing', () => {
  withStore((store) => {
    store.ingest(TOPIC, [incoming(1, part('t5', 1, 3, '{"a"'))], '1', reassemble, 1_000);
    assert.equal(store.expireIncompleteParts(60_000, 30_000), 0, 'not yet timed out');
    assert.equal(store.expireIncompleteParts(60_000, 62_000), 1);
    const [letter] = store.deadLetters();
    assert.equal(letter!.reasonCode, 'PARTS_MISSING');
    assert.match(letter!.reason, /only 1 of 3 parts arrived within 60 s/);
    assert.equal(store.counts().parts, 0);
  });
});

test('undecodable events and unassemblable changes are dead-lettered in the same commit as the checkpoint', () => {
  withStore((store) => {
    const bad: IncomingEvent = {
      replayId: '1',
      part: { error: { code: 'CORRUPT_EVENT', message: 'bad avro' }, raw: 'AAEC' },
    };
    const result = store.ingest(TOPIC, [bad, incoming(2, part('t2', 1, 1, '{not json'))], '2', reassemble);
    assert.deepEqual(result.outcomes, ['rejected', 'rejected']);
    assert.deepEqual(
      store.deadLetters().map((l) => l.reasonCode),
      ['CORRUPT_EVENT', 'BAD_EVENT'],
    );
    assert.match(store.deadLetters()[1]!.reason, /New_Payload__c is not valid JSON/);
    assert.equal(store.checkpoint(TOPIC), '2');
  });
});

test('a dead-lettered change can be retried into the outbox, or discarded', () => {
  withStore((store) => {
    const { stored } = store.ingest(
      TOPIC,
      [incoming(1, part('t1')), incoming(2, { ...part('t2'), recordId: '001000000000002AAA' })],
      '2',
      reassemble,
    );
    store.deadLetterChange(stored[0]!.seq, 'BAD_REQUEST', '400 account.name is required', {
      objectType: 'Account',
      recordId: '001000000000001AAA',
      fields: { Gentrack_Sync_Status__c: 'Failed' },
    });
    store.deadLetterChange(stored[1]!.seq, 'NOT_FOUND', 'gone', undefined);
    assert.equal(store.pendingChanges().length, 0);
    assert.equal(store.dueWriteBacks(10).length, 1, 'the failure is written back to Salesforce');
    const [first, second] = store.deadLetters();
    const revived = store.retryDeadLetter(first!.id, reassemble);
    assert.equal(revived.change.transactionId, 't1');
    assert.deepEqual(
      store.takeRevivedChanges().map((p) => p.change.transactionId),
      ['t1'],
      'a running relay picks it up',
    );
    assert.deepEqual(store.takeRevivedChanges(), [], 'once');
    assert.deepEqual(
      store.pendingChanges().map((p) => p.change.transactionId),
      ['t1'],
    );
    assert.equal(store.discardDeadLetter(second!.id), true);
    assert.equal(store.deadLetters().length, 0);
  });
});

test('an update waits for delivery without its old values, a delete with them; the store keeps both', () => {
  withStore((store, file) => {
    const withOld = (transactionId: string, operationType: 'UPDATE' | 'DELETE'): ObjectEventPart => ({
      ...part(transactionId),
      operationType,
      oldPayload: '{"Id":"001000000000001AAA","Name":"Before"}',
    });
    const { stored } = store.ingest(
      TOPIC,
      [incoming(1, withOld('t-update', 'UPDATE')), incoming(2, withOld('t-delete', 'DELETE'))],
      '2',
      reassemble,
    );
    const oldValuesOf = (changes: readonly PendingChange[]) => changes.map((pending) => pending.change.oldValues);
    const before = { Id: '001000000000001AAA', Name: 'Before' };
    assert.deepEqual(oldValuesOf(stored), [null, before]);
    assert.deepEqual(oldValuesOf(store.pendingChanges()), [null, before], 'the same after a restart');
    assert.deepEqual(stored[0]!.change.newValues, { Id: '001000000000001AAA', Name: 'A' });

    const db = new Database(file, { readonly: true });
    try {
      const rows = db.prepare('SELECT change_json FROM changes ORDER BY seq').all() as { change_json: string }[];
      assert.deepEqual(
        rows.map((row) => (JSON.parse(row.change_json) as { oldValues: unknown }).oldValues),
        [before, before],
      );
    } finally {
      db.close();
    }
  });
});

test('deliveries record learnt references and write-backs; old deliveries are pruned', () => {
  withStore((store) => {
    const { stored } = store.ingest(TOPIC, [incoming(1, part('t1'))], '1', reassemble, 1_000);
    store.recordDelivered(
      [
        {
          seq: stored[0]!.seq,
          learntReference: { objectType: 'Account', recordId: '001000000000001AAA', reference: 'A00000001' },
          writeBack: {
            objectType: 'Account',
            recordId: '001000000000001AAA',
            fields: { Gentrack_External_Id__c: 'A00000001' },
          },
        },
      ],
      2_000,
    );
    assert.equal(store.referenceOf('Account', '001000000000001AAA'), 'A00000001');
    assert.equal(store.pendingChanges().length, 0);
    const [writeBack] = store.dueWriteBacks(10);
    assert.deepEqual(writeBack!.fields, { Gentrack_External_Id__c: 'A00000001' });
    store.completeWriteBacks([writeBack!.id]);
    assert.equal(store.pruneDelivered(1_500), 0, 'kept while within the redelivery window');
    assert.equal(store.pruneDelivered(3_000), 1);
  });
});

test('the outbox queries use their indexes: pending changes in order, and pruning only reaches old deliveries', () => {
  withStore((_store, file) => {
    const db = new Database(file, { readonly: true });
    const plan = (sql: string) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((row) => row.detail).join('; ');
    assert.match(
      plan(`SELECT seq FROM changes WHERE state = 'pending' ORDER BY seq`),
      /USING (COVERING )?INDEX changes_pending/,
    );
    assert.match(
      plan(`SELECT COUNT(*) FROM changes WHERE state = 'pending'`),
      /USING (COVERING )?INDEX changes_pending/,
    );
    assert.match(
      plan(`DELETE FROM changes WHERE state = 'delivered' AND updated_at < 1`),
      /USING (COVERING )?INDEX changes_delivered_by_time \(updated_at<\?\)/,
    );
    assert.match(
      plan(`SELECT seq, state, last_error FROM changes WHERE changed_at = 'x' AND transaction_id = 'y'`),
      /USING INDEX changes_by_time_and_transaction \(changed_at=\? AND transaction_id=\?\)/,
    );
    db.close();
  });
});

test('a store made before the partial indexes gets them, and loses the old one', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'relay-store-'));
  const file = path.join(dir, 'relay.db');
  const old = new Database(file);
  old.exec(
    UNVERSIONED_OUTBOX_SCHEMA.replace(
      /DROP INDEX[\s\S]*?WHERE state = 'delivered';/,
      'CREATE INDEX changes_by_state ON changes (state, seq);',
    ),
  );
  old.close();
  RelayStore.open({ path: file }).close();
  const db = new Database(file, { readonly: true });
  const indexes = (
    db
      .prepare(
        `SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'changes' AND sql IS NOT NULL ORDER BY name`,
      )
      .all() as { name: string }[]
  ).map((row) => row.name);
  assert.deepEqual(indexes, ['changes_by_time_and_transaction', 'changes_delivered_by_time', 'changes_pending']);
  db.close();
});
