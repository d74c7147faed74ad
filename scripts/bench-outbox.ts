/**
 * `npm run bench:outbox`: what the outbox (RelayStore, as the relay opens it: synchronous FULL, checkpoints on a worker
 * thread) costs per event as its table grows: each batch of 100 events is ingested with its checkpoint, then recorded
 * delivered with a write-back, and the write-backs applied, as the relay does for every event. Prints CPU and wall time
 * per event for each slice of rows, beside the raw ceiling of the same run: the same rows appended to a table with no
 * secondary index, in transactions of 100, on a connection with the same pragmas.
 *
 * Options: --events N (default 240000), --slices N (default 10).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openRelayDatabase } from '../relay/src/platform/db/relay-database.js';
import type { ObjectEventPart } from '../relay/src/to-gentrack/object-event.js';
import { reassemble } from '../relay/src/to-gentrack/reassemble.js';
import { RelayStore } from '../relay/src/to-gentrack/relay-store.js';

const { values: args } = parseArgs({
  options: { events: { type: 'string', default: '240000' }, slices: { type: 'string', default: '10' } },
});
/** Events per ingested batch: the most one Pub/Sub fetch returns, and what the relay commits together. */
const BATCH = 100;
const EVENTS = Number(args.events);
const SLICES = Number(args.slices);
if (!Number.isInteger(EVENTS) || !Number.isInteger(SLICES) || SLICES < 1 || EVENTS < SLICES * BATCH) {
  process.stderr.write(
    `bench:outbox: --events and --slices must be whole numbers, with at least ${BATCH} events a slice\n`,
  );
  process.exit(2);
}
const PER_SLICE = Math.floor(EVENTS / SLICES / BATCH) * BATCH;
const TOPIC = '/event/Gentrack_Object_Event__e';

/** An account update as the trigger publishes it, changed `at` (ms). */
function event(index: number, at: number): ObjectEventPart {
  const recordId = `001${String(index % 2000).padStart(12, '0')}AAA`;
  return {
    objectType: 'Account',
    operationType: 'UPDATE',
    recordId,
    transactionId: randomUUID(),
    partNumber: 1,
    partTotal: 1,
    oldPayload: JSON.stringify({ Id: recordId, Name: `Account ${index - 1}` }),
    newPayload: JSON.stringify({
      Id: recordId,
      Name: `Account ${index}`,
      BillingCity: 'Wellington',
      Phone: '+64 4 5550',
    }),
    changedFields: ['Name'],
    changedBy: 'integration@example.com',
    changedAt: new Date(at).toISOString(),
  };
}

interface Slice {
  readonly rows: number;
  readonly cpuMicros: number;
  readonly wallMicros: number;
}

const cpuMicros = () => {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
};

/**
 * Runs `writeBatch` over every batch of events, in SLICES slices, and times each slice. A batch is its events, changed
 * a millisecond apart from the start of the run.
 */
async function timedSlices(writeBatch: (events: ObjectEventPart[], firstIndex: number) => unknown): Promise<Slice[]> {
  const slices: Slice[] = [];
  const start = Date.now();
  for (let slice = 0, index = 0; slice < SLICES; slice++) {
    const cpuBefore = cpuMicros();
    const wallBefore = performance.now();
    for (let done = 0; done < PER_SLICE; done += BATCH, index += BATCH) {
      const first = index;
      await writeBatch(
        Array.from({ length: BATCH }, (_, offset) => event(first + offset, start + first + offset)),
        first,
      );
    }
    slices.push({
      rows: (slice + 1) * PER_SLICE,
      cpuMicros: (cpuMicros() - cpuBefore) / PER_SLICE,
      wallMicros: ((performance.now() - wallBefore) * 1000) / PER_SLICE,
    });
  }
  return slices;
}

/** Each batch as the relay handles it: ingested with its checkpoint, delivered with a write-back, write-backs applied. */
async function outbox(file: string): Promise<Slice[]> {
  const store = RelayStore.open({ path: file, synchronous: 'FULL', checkpointInBackground: true });
  try {
    return await timedSlices(async (parts, firstIndex) => {
      const events = parts.map((part, offset) => ({ replayId: String(firstIndex + offset + 1), part }));
      const { stored, durable } = store.ingest(TOPIC, events, events.at(-1)!.replayId, reassemble);
      await durable;
      store.recordDelivered(
        stored.map((pending) => ({
          seq: pending.seq,
          writeBack: {
            objectType: 'Account',
            recordId: pending.change.recordId,
            fields: { Gentrack_Sync_Status__c: 'Synced' },
          },
        })),
      );
      store.completeWriteBacks(store.dueWriteBacks(BATCH).map((writeBack) => writeBack.id));
    });
  } finally {
    store.close();
  }
}

/** The same rows, appended in transactions of 100 to a table with no index but its rowid. */
async function rawCeiling(file: string): Promise<Slice[]> {
  const db = openRelayDatabase(file);
  db.exec(`CREATE TABLE appended (transaction_id TEXT, entity_key TEXT, change_json TEXT, created_at INTEGER)`);
  const insert = db.prepare(`INSERT INTO appended VALUES (?, ?, ?, ?)`);
  const append = db.transaction((rows: ObjectEventPart[]) => {
    for (const row of rows) insert.run(row.transactionId, `Account:${row.recordId}`, JSON.stringify(row), Date.now());
  });
  try {
    return await timedSlices((events) => append(events));
  } finally {
    db.close();
  }
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'gentrack-bench-outbox-'));
try {
  const raw = await rawCeiling(path.join(dir, 'raw.db'));
  const store = await outbox(path.join(dir, 'relay.db'));
  const format = (value: number) => value.toFixed(1).padStart(8);
  console.log('\nOutbox cost per event as the table grows (ingest + delivered + write-back applied)');
  console.log('  rows in table   outbox CPU µs   outbox wall µs   raw CPU µs   outbox / raw (CPU)');
  store.forEach((slice, index) => {
    const ceiling = raw[index]!;
    console.log(
      `  ${slice.rows.toLocaleString('en-US').padStart(13)}   ${format(slice.cpuMicros)}        ${format(slice.wallMicros)}      ${format(ceiling.cpuMicros)}   ${(slice.cpuMicros / ceiling.cpuMicros).toFixed(2).padStart(8)}x`,
    );
  });
  // The first slice also compiles the code it runs: growth is counted from the second.
  const second = store[Math.min(1, store.length - 1)]!.cpuMicros;
  const last = store.at(-1)!.cpuMicros;
  console.log(`  outbox CPU per event, second slice to last: ${((last / second - 1) * 100).toFixed(0)} %`);
  console.log(
    `  ${os.cpus().length} CPUs, node ${process.version}; CPU time counts this process's threads (the checkpoint worker's too).`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
