import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Connection } from 'jsforce';
import pino from 'pino';
import { RelayStore } from './relay-store.js';
import { WriteBackFlusher } from './write-back-flusher.js';

const RECORD = '001000000000001AAA';
const OTHER = '001000000000002AAA';

type Update = Record<string, unknown>;
type Result = { success: boolean; errors?: { errorCode: string; message: string }[] };

/** A jsforce connection whose sObject Collections update records what it was sent and answers as told. */
function fakeConnection(answer: (records: Update[]) => Result[] | Error): {
  connection: Connection;
  calls: Update[][];
  /** The sObject type of each call. */
  objects: string[];
} {
  const calls: Update[][] = [];
  const objects: string[] = [];
  const connection = {
    sobject: (objectType: string) => ({
      update: async (records: Update[]) => {
        calls.push(records);
        objects.push(objectType);
        const result = answer(records);
        if (result instanceof Error) throw result;
        return result;
      },
    }),
  } as unknown as Connection;
  return { connection, calls, objects };
}

function withStore(run: (store: RelayStore) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'write-backs-'));
  const store = RelayStore.open({ path: path.join(dir, 'relay.db') });
  return run(store).finally(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });
}

function storeWriteBacks(
  store: RelayStore,
  ...writeBacks: { recordId: string; fields: Record<string, string | null> }[]
): void {
  store.recordDelivered(
    writeBacks.map((writeBack, index) => ({ seq: index + 1, writeBack: { objectType: 'Account', ...writeBack } })),
  );
}

const inserted = {
  Gentrack_External_Id__c: 'A00000001',
  Gentrack_Sync_Status__c: 'Synced',
  Gentrack_Last_Synced__c: '2026-11-23T10:00:00.000Z',
};
const updated = {
  Gentrack_Sync_Status__c: 'Synced',
  Gentrack_Last_Synced__c: '2026-11-23T10:00:01.000Z',
  Gentrack_Last_Error__c: null,
};

test("a record's write-backs are applied as one update that keeps every field, the later value winning", async () => {
  await withStore(async (store) => {
    storeWriteBacks(
      store,
      { recordId: RECORD, fields: inserted },
      { recordId: OTHER, fields: updated },
      { recordId: RECORD, fields: updated },
    );
    const { connection, calls } = fakeConnection((records) => records.map(() => ({ success: true })));
    const applied: number[] = [];
    await new WriteBackFlusher({
      store,
      connection: async () => connection,
      logger: pino({ level: 'silent' }),
      onApplied: (count) => applied.push(count),
    }).flushOnce();

    assert.equal(calls.length, 1);
    assert.deepEqual(calls[0], [
      {
        Id: RECORD,
        Gentrack_External_Id__c: 'A00000001',
        Gentrack_Sync_Status__c: 'Synced',
        Gentrack_Last_Synced__c: '2026-11-23T10:00:01.000Z',
        Gentrack_Last_Error__c: null,
      },
      { Id: OTHER, ...updated },
    ]);
    assert.deepEqual(applied, [2]);
    assert.deepEqual(store.dueWriteBacks(10, Date.now() + 3_600_000), [], 'every write-back is done');
  });
});

test('write-backs of several objects go out in one update per object, each in the order they were stored', async () => {
  await withStore(async (store) => {
    const CONTACT = '003000000000001AAA';
    const OTHER_CONTACT = '003000000000002AAA';
    store.recordDelivered(
      [
        { objectType: 'Account', recordId: RECORD },
        { objectType: 'Contact', recordId: CONTACT },
        { objectType: 'Account', recordId: OTHER },
        { objectType: 'Contact', recordId: OTHER_CONTACT },
      ].map((writeBack, index) => ({ seq: index + 1, writeBack: { ...writeBack, fields: updated } })),
    );
    const { connection, calls, objects } = fakeConnection((records) => records.map(() => ({ success: true })));
    await new WriteBackFlusher({
      store,
      connection: async () => connection,
      logger: pino({ level: 'silent' }),
    }).flushOnce();

    assert.deepEqual(objects, ['Account', 'Contact']);
    assert.deepEqual(
      calls.map((records) => records.map((record) => record.Id)),
      [
        [RECORD, OTHER],
        [CONTACT, OTHER_CONTACT],
      ],
    );
    assert.deepEqual(store.dueWriteBacks(10, Date.now() + 3_600_000), [], 'every write-back is done');
  });
});

test('when the update fails, all write-backs of the record stay stored for the retry, which merges them again', async () => {
  await withStore(async (store) => {
    storeWriteBacks(store, { recordId: RECORD, fields: inserted }, { recordId: RECORD, fields: updated });
    const failing = fakeConnection(() => new Error('socket hang up'));
    const flusher = new WriteBackFlusher({
      store,
      connection: async () => failing.connection,
      logger: pino({ level: 'silent' }),
    });
    await flusher.flushOnce();

    assert.equal(failing.calls.length, 1);
    assert.deepEqual(store.dueWriteBacks(10), [], 'nothing is due before the retry delay');
    const kept = store.dueWriteBacks(10, Date.now() + 3_600_000);
    assert.deepEqual(
      kept.map((w) => [w.fields, w.attempts]),
      [
        [inserted, 1],
        [updated, 1],
      ],
    );

    // A record that rejects the update for good (deleted meanwhile) ends its write-backs instead of retrying them.
    const gone = fakeConnection((records) =>
      records.map(() => ({ success: false, errors: [{ errorCode: 'ENTITY_IS_DELETED', message: 'deleted' }] })),
    );
    store.retryWriteBacks(
      kept.map((w) => w.id),
      0,
    );
    await new WriteBackFlusher({
      store,
      connection: async () => gone.connection,
      logger: pino({ level: 'silent' }),
    }).flushOnce();
    assert.equal(
      gone.calls[0]![0]!.Gentrack_External_Id__c,
      'A00000001',
      'the retry merged the stored write-backs again',
    );
    assert.deepEqual(store.dueWriteBacks(10, Date.now() + 3_600_000), []);
  });
});
