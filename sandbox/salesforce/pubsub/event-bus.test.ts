import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventBus, EventBusError, DEFAULT_RETENTION_MS } from './event-bus.js';
import { EventPayloadError, MAX_EVENT_BYTES } from './event-payload.js';
import { readPlatformEventDefinition } from './platform-event-metadata.js';
import { decodeReplayId } from './replay-id.js';
import { FIXTURE_EVENT_DIR } from './pubsub-test-harness.js';

const TOPIC = '/event/Gentrack_Object_Event__e';
const BY = { createdById: '005000000000001AAA' };
const HOUR = 3_600_000;

function fixtureBus(clock = { now: 1_700_000_000_000 }) {
  const bus = new EventBus({ now: () => clock.now });
  bus.defineTopicFromMetadata(FIXTURE_EVENT_DIR);
  return { bus, clock };
}

function rejects(code: string, field: string | undefined) {
  return (error: unknown) => error instanceof EventPayloadError && error.code === code && error.field === field;
}

test('publish appends events with increasing replay ids, an EventUuid each and CreatedDate = publish time', () => {
  const { bus, clock } = fixtureBus();
  const published = bus.publish(
    TOPIC,
    [
      {
        Operation_Type__c: 'INSERT',
        Record_Id__c: '001000000000001AAA',
        Part_Number__c: 1,
        Part_Total__c: 2,
        Changed_At__c: '2024-05-01T10:00:00.000Z',
      },
      { Operation_Type__c: 'UPDATE', Changed_At__c: new Date(Date.UTC(2024, 4, 1)) },
    ],
    BY,
  );
  assert.equal(published.length, 2);
  assert.ok(published.every((event) => event.replayId.length === 8));
  assert.ok(decodeReplayId(published[1]!.replayId) > decodeReplayId(published[0]!.replayId));
  assert.notEqual(published[0]!.eventUuid, published[1]!.eventUuid);

  const stored = bus.readAfter(TOPIC, bus.startPosition(TOPIC, { preset: 'EARLIEST' }), 10);
  assert.deepEqual(
    stored.map((event) => event.eventUuid),
    published.map((event) => event.eventUuid),
  );
  const first = bus.decode(stored[0]!);
  assert.equal(first['CreatedDate'], clock.now);
  assert.equal(first['CreatedById'], BY.createdById);
  assert.equal(first['Operation_Type__c'], 'INSERT');
  assert.equal(first['Part_Number__c'], 1);
  assert.equal(first['Changed_At__c'], Date.parse('2024-05-01T10:00:00.000Z'));
  assert.equal(first['Old_Payload__c'], null);
  assert.equal(bus.decode(stored[1]!)['Changed_At__c'], Date.UTC(2024, 4, 1));
});

test('publish refuses what Salesforce refuses, naming the field, and publishes nothing of the batch', () => {
  const { bus } = fixtureBus();
  assert.throws(
    () => bus.publish(TOPIC, [{ Record_Id__c: '001000000000001AAAX' }], BY),
    rejects('STRING_TOO_LONG', 'Record_Id__c'),
  );
  assert.throws(
    () => bus.publish(TOPIC, [{ Part_Number__c: '1' }], BY),
    rejects('INVALID_TYPE_ON_FIELD_IN_RECORD', 'Part_Number__c'),
  );
  assert.throws(
    () => bus.publish(TOPIC, [{ Operation_Type__c: 7 }], BY),
    rejects('INVALID_TYPE_ON_FIELD_IN_RECORD', 'Operation_Type__c'),
  );
  assert.throws(
    () => bus.publish(TOPIC, [{ Changed_At__c: 'yesterday' }], BY),
    rejects('INVALID_TYPE_ON_FIELD_IN_RECORD', 'Changed_At__c'),
  );
  assert.throws(
    () => bus.publish(TOPIC, [{ Part_Total__c: 10_000 }], BY),
    rejects('NUMBER_OUTSIDE_VALID_RANGE', 'Part_Total__c'),
  );
  assert.throws(() => bus.publish(TOPIC, [{ Nope__c: 'x' }], BY), rejects('INVALID_FIELD', 'Nope__c'));
  assert.throws(
    () => bus.publish(TOPIC, [{ Operation_Type__c: 'INSERT' }, { Object_Type__c: 'x'.repeat(65) }], BY),
    /Object_Type__c: data value too large \(max length=64, got 65\)/,
  );
  assert.equal(bus.retainedCount(TOPIC), 0);
});

test('a message over 1 MB is refused', () => {
  const { bus } = fixtureBus();
  const big = 'x'.repeat(32_768);
  const event = { Old_Payload__c: big, New_Payload__c: big, Changed_Fields__c: big };
  assert.ok(3 * big.length < MAX_EVENT_BYTES); // the fixture's fields cannot reach the limit...
  bus.publish(TOPIC, [event], BY);
  const wide = readPlatformEventDefinition(FIXTURE_EVENT_DIR);
  wide.fields.forEach((field) => field.type === 'LongTextArea' && (field.length = 131_072));
  for (let n = 0; n < 6; n++)
    wide.fields.push({ name: `Extra_${n}__c`, type: 'LongTextArea', length: 131_072, required: false });
  bus.defineTopic(wide); // ...a wider event can
  const huge = Object.fromEntries(
    wide.fields.filter((f) => f.type === 'LongTextArea').map((f) => [f.name, 'y'.repeat(131_072)]),
  );
  assert.throws(() => bus.publish(TOPIC, [huge], BY), rejects('EVENT_TOO_LARGE', undefined));
});

test('Number rounds to its scale; Checkbox is never null; Date is days since the epoch', () => {
  const bus = new EventBus();
  bus.defineTopic({
    name: 'Kinds__e',
    fields: [
      { name: 'Amount__c', type: 'Number', precision: 6, scale: 2, required: false },
      { name: 'Flag__c', type: 'Checkbox', required: false, defaultValue: false },
      { name: 'On__c', type: 'Date', required: false },
      { name: 'Must__c', type: 'Text', length: 5, required: true },
    ],
  });
  bus.publish('/event/Kinds__e', [{ Amount__c: 12.345, On__c: '1970-01-03', Must__c: 'x' }], BY);
  const [event] = bus.readAfter('/event/Kinds__e', 0, 1);
  assert.deepEqual(
    { ...bus.decode(event!), CreatedDate: 0 },
    { CreatedDate: 0, CreatedById: BY.createdById, Amount__c: 12.35, Flag__c: false, On__c: 2, Must__c: 'x' },
  );
  assert.throws(() => bus.publish('/event/Kinds__e', [{}], BY), rejects('REQUIRED_FIELD_MISSING', 'Must__c'));
  assert.throws(
    () => bus.publish('/event/Kinds__e', [{ Must__c: 'x', Flag__c: 'yes' }], BY),
    rejects('INVALID_TYPE_ON_FIELD_IN_RECORD', 'Flag__c'),
  );
});

test('publishEach reports each failure and publishes the rest, like Apex SaveResults', () => {
  const { bus } = fixtureBus();
  const outcomes = bus.publishEach(TOPIC, [{ Operation_Type__c: 'INSERT' }, { Record_Id__c: 'x'.repeat(19) }], BY);
  assert.equal(outcomes[0]!.success, true);
  assert.equal(outcomes[1]!.success, false);
  assert.equal(!outcomes[1]!.success && outcomes[1]!.error.field, 'Record_Id__c');
  assert.equal(bus.retainedCount(TOPIC), 1);
});

test('an unknown topic is an EventBusError', () => {
  const { bus } = fixtureBus();
  assert.throws(
    () => bus.publish('/event/Nope__e', [{}], BY),
    (error: unknown) => error instanceof EventBusError && error.code === 'UNKNOWN_TOPIC',
  );
});

test('retention drops events older than 72 h; a replay id older than the oldest retained event is unavailable', () => {
  const { bus, clock } = fixtureBus();
  const [expired] = bus.publish(TOPIC, [{ Operation_Type__c: 'OLD' }], BY);
  clock.now += 2 * HOUR;
  const [kept] = bus.publish(TOPIC, [{ Operation_Type__c: 'NEW' }], BY);
  clock.now += DEFAULT_RETENTION_MS - HOUR; // the first is now 73 h old, the second 71 h
  assert.equal(bus.retainedCount(TOPIC), 1);
  const earliest = bus.readAfter(TOPIC, bus.startPosition(TOPIC, { preset: 'EARLIEST' }), 10);
  assert.deepEqual(
    earliest.map((event) => event.eventUuid),
    [kept!.eventUuid],
  );
  assert.throws(
    () => bus.startPosition(TOPIC, { preset: 'CUSTOM', after: decodeReplayId(expired!.replayId) }),
    (error: unknown) => error instanceof EventBusError && error.code === 'REPLAY_ID_UNAVAILABLE',
  );
  assert.equal(
    bus.startPosition(TOPIC, { preset: 'CUSTOM', after: decodeReplayId(kept!.replayId) }),
    decodeReplayId(kept!.replayId),
  );
  assert.throws(() => bus.startPosition(TOPIC, { preset: 'CUSTOM', after: 999 }), /never issued/);
  clock.now += 2 * HOUR; // everything expired: the latest id issued stays a valid place to resume from
  assert.equal(bus.retainedCount(TOPIC), 0);
  assert.equal(
    bus.startPosition(TOPIC, { preset: 'CUSTOM', after: bus.latestReplayId(TOPIC) }),
    bus.latestReplayId(TOPIC),
  );
  assert.equal(bus.startPosition(TOPIC, { preset: 'EARLIEST' }), bus.latestReplayId(TOPIC));
});

test('a long run keeps only retained events, compacted', () => {
  const { bus, clock } = fixtureBus();
  for (let minute = 0; minute < 6000; minute++) {
    bus.publish(TOPIC, [{ Operation_Type__c: 'UPDATE' }], BY);
    clock.now += 60_000;
  }
  assert.equal(bus.retainedCount(TOPIC), 72 * 60);
  assert.equal(bus.latestReplayId(TOPIC), 6000);
});

test('injected corrupt payloads and unknown schema ids are stored as given', () => {
  const { bus } = fixtureBus();
  bus.injectCorrupt(TOPIC, Buffer.alloc(16, 0xff));
  bus.injectWithSchemaId(TOPIC, 'UnknownSchemaId0000000', Buffer.alloc(4));
  const [corrupt, unknown] = bus.readAfter(TOPIC, 0, 10);
  assert.throws(() => bus.decode(corrupt!));
  assert.throws(
    () => bus.decode(unknown!),
    (error: unknown) => error instanceof EventBusError && error.code === 'UNKNOWN_SCHEMA',
  );
});

test('watchers hear once per batch of appends', async () => {
  const { bus } = fixtureBus();
  let calls = 0;
  const stop = bus.watch(TOPIC, () => calls++);
  bus.publish(TOPIC, [{}, {}, {}], BY);
  bus.publish(TOPIC, [{}], BY);
  await Promise.resolve();
  assert.equal(calls, 1);
  stop();
  bus.publish(TOPIC, [{}], BY);
  await Promise.resolve();
  assert.equal(calls, 1);
});

test('redefining a topic moves it to the new schema; old events keep theirs and still decode', () => {
  const { bus } = fixtureBus();
  bus.publish(TOPIC, [{ Operation_Type__c: 'BEFORE' }], BY);
  const oldSchemaId = bus.topic(TOPIC).schema.id;
  const evolved = readPlatformEventDefinition(FIXTURE_EVENT_DIR);
  evolved.fields.push({ name: 'Source__c', type: 'Text', length: 10, required: false });
  bus.defineTopic(evolved);
  bus.publish(TOPIC, [{ Operation_Type__c: 'AFTER', Source__c: 'gentrack' }], BY);
  const [before, after] = bus.readAfter(TOPIC, 0, 10);
  assert.equal(before!.schemaId, oldSchemaId);
  assert.notEqual(after!.schemaId, oldSchemaId);
  assert.ok(bus.schema(oldSchemaId));
  assert.equal(bus.decode(before!)['Operation_Type__c'], 'BEFORE');
  assert.equal(bus.decode(after!)['Source__c'], 'gentrack');
});
