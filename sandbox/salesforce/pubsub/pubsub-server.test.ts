/**
 * The sandbox Pub/Sub API against the REAL salesforce-pubsub-api-client (plus a raw gRPC client where the library
 * hides what is under test). These tests also pin down how that client surfaces events, errors, keepalives and
 * stream ends, which the relay relies on.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_RETENTION_MS } from './event-bus.js';
import { loadPubSubService, type FetchResponse } from './pubsub-proto.js';
import { PubSubErrorCode } from './pubsub-errors.js';
import { decodeReplayId } from './replay-id.js';
import {
  SANDBOX_SESSION,
  startFixturePubSub,
  SubscriptionRecorder,
  type FixturePubSub,
} from './pubsub-test-harness.js';
import { eventually } from '../../../test/eventually.js';

const FAST = { keepaliveIntervalMs: 150 };
const BY = { createdById: SANDBOX_SESSION.userId };

async function withSandbox(
  options: Parameters<typeof startFixturePubSub>[0],
  body: (sandbox: FixturePubSub) => Promise<void>,
): Promise<void> {
  const sandbox = await startFixturePubSub(options);
  try {
    await body(sandbox);
  } finally {
    await sandbox.close();
  }
}

/**
 * Waits for a keepalive after the recorder's last event. An idle stream sends one every keepalive interval on the
 * same ordered stream, so an event the server sent before it (e.g. one too many) has arrived once it has.
 */
async function keepaliveAfterLastEvent(recorder: SubscriptionRecorder): Promise<void> {
  const lastEvent = recorder.entries.map((entry) => entry.type).lastIndexOf('event');
  await eventually(
    'a keepalive after the last event',
    () => recorder.entries.slice(lastEvent + 1).some((entry) => entry.type === 'grpcKeepAlive'),
    5_000,
  );
}

function errorCodeOf(error: { metadata?: grpc.Metadata }): unknown {
  return error.metadata?.get('error-code')[0];
}

/** A plain gRPC client on the same proto, for calls the library does not expose. */
function rawClient(endpoint: string, accessToken: string = SANDBOX_SESSION.accessToken) {
  const PubSub = grpc.makeGenericClientConstructor(loadPubSubService(), 'PubSub');
  const callCredentials = grpc.credentials.createFromMetadataGenerator((_params, callback) => {
    const metadata = new grpc.Metadata();
    metadata.set('accesstoken', accessToken);
    metadata.set('instanceurl', SANDBOX_SESSION.instanceUrl);
    metadata.set('tenantid', SANDBOX_SESSION.organizationId);
    callback(null, metadata);
  });
  const channel = grpc.credentials.createSsl(null, null, null, { rejectUnauthorized: false });
  return new PubSub(endpoint, grpc.credentials.combineChannelCredentials(channel, callCredentials)) as any;
}

function unaryCall(client: any, method: string, request: object): Promise<any> {
  return new Promise((resolve, reject) =>
    client[method](request, (error: Error | null, response: unknown) => (error ? reject(error) : resolve(response))),
  );
}

test('GetTopic and GetSchema describe the platform event topic', async () => {
  await withSandbox({}, async ({ server, bus, topicName }) => {
    const client = rawClient(server.endpoint);
    try {
      const topic = await unaryCall(client, 'GetTopic', { topicName });
      assert.equal(topic.topicName, topicName);
      assert.equal(topic.tenantGuid, SANDBOX_SESSION.organizationId);
      assert.equal(topic.canPublish, true);
      assert.equal(topic.canSubscribe, true);
      assert.equal(topic.schemaId, bus.topic(topicName).schema.id);
      assert.match(topic.rpcId, /^[0-9a-f-]{36}$/);
      const schema = await unaryCall(client, 'GetSchema', { schemaId: topic.schemaId });
      assert.equal(schema.schemaId, topic.schemaId);
      assert.equal(JSON.parse(schema.schemaJson).namespace, 'com.sforce.eventbus');

      await assert.rejects(
        unaryCall(client, 'GetTopic', { topicName: '/event/Nope__e' }),
        (error: grpc.ServiceError) =>
          error.code === grpc.status.NOT_FOUND &&
          errorCodeOf(error) === PubSubErrorCode.TOPIC_NOT_FOUND &&
          /rpcId: /.test(error.details),
      );
      await assert.rejects(
        unaryCall(client, 'GetSchema', { schemaId: 'nope' }),
        (error: grpc.ServiceError) => error.code === grpc.status.NOT_FOUND,
      );
    } finally {
      client.close();
    }
  });
});

test('EARLIEST delivers decoded events in replay order; replay ids are JS numbers', async () => {
  await withSandbox({ server: FAST }, async ({ bus, topicName, connectClient }) => {
    const changedAt = Date.UTC(2024, 4, 1, 10, 30);
    const published = bus.publish(
      topicName,
      [
        {
          Operation_Type__c: 'INSERT',
          Object_Type__c: 'Account',
          Record_Id__c: '001000000000001AAA',
          Transaction_Id__c: 'tx-1',
          Part_Number__c: 1,
          Part_Total__c: 1,
          New_Payload__c: '{"Name":"Acme"}',
          Changed_Fields__c: 'Name',
          Changed_By__c: 'Ada',
          Changed_At__c: changedAt,
        },
        { Operation_Type__c: 'UPDATE', Object_Type__c: 'Account' },
        { Operation_Type__c: 'DELETE', Object_Type__c: 'Account' },
      ],
      BY,
    );
    const client = await connectClient();
    const recorder = new SubscriptionRecorder();
    client.subscribeFromEarliestEvent(topicName, recorder.callback, 3);
    const events = await recorder.waitFor('event', 3);
    await recorder.waitFor('lastEvent');

    assert.deepEqual(
      events.map((entry) => entry.data.replayId),
      published.map((event) => decodeReplayId(event.replayId)),
    );
    assert.ok(events.every((entry) => typeof entry.data.replayId === 'number'));
    assert.deepEqual(
      events.map((entry) => entry.data.id),
      published.map((event) => event.eventUuid),
    );
    const [first] = events;
    assert.equal(first!.data.schemaId, bus.topic(topicName).schema.id);
    assert.deepEqual(
      { ...first!.data.payload },
      {
        CreatedDate: first!.data.payload.CreatedDate,
        CreatedById: SANDBOX_SESSION.userId,
        Changed_At__c: changedAt,
        Changed_By__c: 'Ada',
        Changed_Fields__c: 'Name',
        New_Payload__c: '{"Name":"Acme"}',
        Object_Type__c: 'Account',
        Old_Payload__c: null,
        Operation_Type__c: 'INSERT',
        Part_Number__c: 1,
        Part_Total__c: 1,
        Record_Id__c: '001000000000001AAA',
        Transaction_Id__c: 'tx-1',
      },
    );
    assert.equal(typeof first!.data.payload.CreatedDate, 'number');
  });
});

test('LATEST delivers only what is published after the subscription starts', async () => {
  await withSandbox({ server: FAST }, async ({ bus, topicName, connectClient }) => {
    bus.publish(topicName, [{ Operation_Type__c: 'BEFORE' }], BY);
    const client = await connectClient();
    const recorder = new SubscriptionRecorder();
    client.subscribe(topicName, recorder.callback, 5);
    await recorder.waitFor('grpcKeepAlive'); // the stream is established
    bus.publish(topicName, [{ Operation_Type__c: 'AFTER' }], BY);
    // AFTER is the sentinel: the stream delivers in replay order, so BEFORE would have come first.
    const [event] = await recorder.waitFor('event');
    assert.equal(event!.data.payload.Operation_Type__c, 'AFTER');
    assert.deepEqual(
      recorder.of('event').map((entry) => entry.data.payload.Operation_Type__c),
      ['AFTER'],
    );
  });
});

test('CUSTOM starts after the given replay id', async () => {
  await withSandbox({ server: FAST }, async ({ bus, topicName, connectClient }) => {
    const published = bus.publish(
      topicName,
      ['A', 'B', 'C', 'D'].map((op) => ({ Operation_Type__c: op })),
      BY,
    );
    const client = await connectClient();
    const recorder = new SubscriptionRecorder();
    client.subscribeFromReplayId(topicName, recorder.callback, 10, decodeReplayId(published[1]!.replayId));
    const events = await recorder.waitFor('event', 2);
    assert.deepEqual(
      events.map((entry) => entry.data.payload.Operation_Type__c),
      ['C', 'D'],
    );
  });
});

test('flow control: 5 requested, exactly 5 delivered, more after requestAdditionalEvents', async () => {
  await withSandbox({ server: FAST }, async ({ bus, topicName, connectClient }) => {
    bus.publish(
      topicName,
      Array.from({ length: 12 }, (_, n) => ({ Part_Number__c: n })),
      BY,
    );
    const client = await connectClient();
    const recorder = new SubscriptionRecorder();
    client.subscribeFromEarliestEvent(topicName, recorder.callback, 5);
    await recorder.waitFor('lastEvent');
    await keepaliveAfterLastEvent(recorder);
    assert.equal(recorder.of('event').length, 5);

    client.requestAdditionalEvents(topicName, 5);
    await recorder.waitFor('lastEvent', 2);
    await keepaliveAfterLastEvent(recorder);
    const numbers = recorder.of('event').map((entry) => entry.data.payload.Part_Number__c);
    assert.deepEqual(numbers, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});

test('at most 100 events are pending however many are requested; pending_num_requested counts down', async () => {
  await withSandbox({ server: FAST }, async ({ bus, topicName, server }) => {
    bus.publish(
      topicName,
      Array.from({ length: 250 }, () => ({})),
      BY,
    );
    const client = rawClient(server.endpoint);
    const responses: FetchResponse[] = [];
    const call = client.Subscribe();
    call.on('data', (response: FetchResponse) => responses.push(response));
    call.on('error', () => {});
    call.write({ topicName, replayPreset: 1, numRequested: 150 });
    const delivered = () => responses.flatMap((response) => response.events);
    // Barrier: a keepalive after the last events; an idle stream sends one, and an event sent before it came first.
    const keepaliveAfterEvents = () => {
      const lastWithEvents = responses.reduce(
        (last, response, index) => (response.events.length > 0 ? index : last),
        -1,
      );
      return (
        lastWithEvents >= 0 && responses.slice(lastWithEvents + 1).some((response) => response.events.length === 0)
      );
    };
    await eventually('a keepalive after the first events', keepaliveAfterEvents, 5_000);
    assert.equal(delivered().length, 100);
    const withEvents = responses.filter((response) => response.events.length > 0);
    assert.equal(withEvents.at(-1)!.pendingNumRequested, 0);
    const keepalive = responses.find((response) => response.events.length === 0);
    assert.ok(keepalive, 'an idle stream gets keepalives');
    assert.deepEqual(
      keepalive.latestReplayId,
      delivered().at(-1)!.replayId,
      'latest_replay_id is the subscription position',
    );

    call.write({ numRequested: 30 }); // later requests may omit the topic
    await eventually(
      '30 more events, then a keepalive',
      () => delivered().length >= 130 && keepaliveAfterEvents(),
      5_000,
    );
    assert.equal(delivered().length, 130);
    call.cancel();
    client.close();
  });
});

test('an idle stream gets keepalives: the client calls back grpcKeepAlive with NO data', async () => {
  await withSandbox({ server: FAST }, async ({ bus, topicName, connectClient }) => {
    bus.publish(topicName, [{}], BY);
    const client = await connectClient();
    const recorder = new SubscriptionRecorder();
    client.subscribe(topicName, recorder.callback, 10);
    const keepalives = await recorder.waitFor('grpcKeepAlive', 2);
    assert.equal(keepalives[0]!.data, undefined);
    // The latest replay id travels in subscription.lastReplayId, not in the callback data.
    assert.equal(keepalives[1]!.info.lastReplayId, bus.latestReplayId(topicName));
  });
});

test('publish through the client: stored with the caller as CreatedById and delivered to subscribers', async () => {
  await withSandbox({ server: FAST }, async ({ bus, topicName, connectClient }) => {
    const subscriber = await connectClient();
    const recorder = new SubscriptionRecorder();
    subscriber.subscribe(topicName, recorder.callback, 5);
    await recorder.waitFor('grpcKeepAlive');

    const publisher = await connectClient();
    const result = await publisher.publish(
      topicName,
      {
        CreatedDate: 0,
        CreatedById: 'ignored',
        Operation_Type__c: { string: 'INSERT' },
        Part_Number__c: { double: 2 },
      },
      'correlation-1',
    );
    assert.equal(result.correlationKey, 'correlation-1');
    assert.equal(typeof result.replayId, 'number');
    assert.equal(result.replayId, bus.latestReplayId(topicName));

    const [event] = await recorder.waitFor('event');
    assert.equal(event!.data.replayId, result.replayId);
    assert.equal(event!.data.id, 'correlation-1'); // the producer's id becomes the EventUuid
    assert.equal(event!.data.payload.CreatedById, SANDBOX_SESSION.userId);
    assert.ok(event!.data.payload.CreatedDate > 0);
    assert.equal(event!.data.payload.Operation_Type__c, 'INSERT');
    assert.equal(event!.data.payload.Part_Number__c, 2);
  });
});

test('an invalid event published through the client fails, but the client loses the reason', async () => {
  await withSandbox({}, async ({ server, topicName, connectClient }) => {
    const client = await connectClient();
    // The client decodes the failed result's empty replay_id and throws a TypeError instead of the publish error.
    await assert.rejects(
      client.publish(topicName, { CreatedDate: 0, CreatedById: 'x', Record_Id__c: { string: 'x'.repeat(19) } }),
      (error: Error) =>
        /Failed to publish event/.test(error.message) &&
        (error.cause as NodeJS.ErrnoException).code === 'ERR_BUFFER_OUT_OF_BOUNDS',
    );
    // The wire result carries it: a raw client sees the per-event error.
    const raw = rawClient(server.endpoint);
    const schemaId = (await unaryCall(raw, 'GetTopic', { topicName })).schemaId;
    const response = await unaryCall(raw, 'Publish', {
      topicName,
      events: [{ id: 'k1', schemaId, payload: Buffer.from([0xff]) }],
    });
    assert.equal(response.results[0].correlationKey, 'k1');
    assert.equal(response.results[0].replayId.length, 0);
    assert.match(response.results[0].error.msg, /not valid Avro/);
    raw.close();
  });
});

test('publishBatch uses PublishStream and reports one result per event', async () => {
  await withSandbox({}, async ({ bus, topicName, connectClient }) => {
    const client = await connectClient();
    const responses: Array<{ type: string; data: any }> = [];
    await client.publishBatch(
      topicName,
      [
        { id: 'a', payload: { CreatedDate: 0, CreatedById: 'x', Operation_Type__c: { string: 'A' } } },
        { id: 'b', payload: { CreatedDate: 0, CreatedById: 'x', Operation_Type__c: { string: 'B' } } },
      ],
      (_info, type, data) => responses.push({ type, data }),
    );
    await eventually('the publishResponse', () => responses.some((r) => r.type === 'publishResponse'), 5_000);
    const response = responses.find((r) => r.type === 'publishResponse')!.data;
    assert.deepEqual(
      response.results.map((r: { correlationKey: string }) => r.correlationKey),
      ['a', 'b'],
    );
    assert.equal(bus.retainedCount(topicName), 2);
  });
});

test('an unknown token is refused UNAUTHENTICATED on every call', async () => {
  await withSandbox({}, async ({ topicName, connectClient }) => {
    const client = await connectClient({ accessToken: '00D000000000001AAA!wrong' });
    await assert.rejects(
      client.publish(topicName, {}),
      (error: Error) => (error.cause as grpc.ServiceError).code === grpc.status.UNAUTHENTICATED,
    );
    const recorder = new SubscriptionRecorder();
    client.subscribe(topicName, recorder.callback, 1);
    const [error] = await recorder.waitFor('error');
    assert.equal(error!.data.code, grpc.status.UNAUTHENTICATED);
    assert.equal(errorCodeOf(error!.data), PubSubErrorCode.AUTH_ERROR);
    await recorder.waitFor('end');
  });
});

test('a session that expires while subscribed ends the stream UNAUTHENTICATED', async () => {
  let valid = true;
  const authenticate = () =>
    valid ? { userId: SANDBOX_SESSION.userId, organizationId: SANDBOX_SESSION.organizationId } : undefined;
  await withSandbox({ server: { ...FAST, authenticate } }, async ({ topicName, connectClient }) => {
    const client = await connectClient();
    const recorder = new SubscriptionRecorder();
    client.subscribe(topicName, recorder.callback, 5);
    await recorder.waitFor('grpcKeepAlive');
    valid = false;
    const [error] = await recorder.waitFor('error');
    assert.equal(error!.data.code, grpc.status.UNAUTHENTICATED);
    await recorder.waitFor('end');
  });
});

test('subscribing from a replay id past retention fails with replayid.corrupted (INVALID_ARGUMENT)', async () => {
  const clock = { now: Date.now() };
  await withSandbox({ bus: { now: () => clock.now } }, async ({ bus, topicName, connectClient }) => {
    const [old] = bus.publish(topicName, [{ Operation_Type__c: 'OLD' }], BY);
    clock.now += DEFAULT_RETENTION_MS + 1;
    bus.publish(topicName, [{ Operation_Type__c: 'NEW' }], BY);
    const client = await connectClient();
    const recorder = new SubscriptionRecorder();
    client.subscribeFromReplayId(topicName, recorder.callback, 5, decodeReplayId(old!.replayId));
    const [error] = await recorder.waitFor('error');
    assert.equal(error!.data.code, grpc.status.INVALID_ARGUMENT);
    assert.equal(errorCodeOf(error!.data), 'sfdc.platform.eventbus.grpc.subscription.fetch.replayid.corrupted');
    assert.match(error!.data.details, /Replay ID validation failed.*rpcId: /);
    await recorder.waitFor('end');

    const again = new SubscriptionRecorder(); // after 'end' the client lets the topic be subscribed again
    client.subscribeFromEarliestEvent(topicName, again.callback, 5);
    const [event] = await again.waitFor('event');
    assert.equal(event!.data.payload.Operation_Type__c, 'NEW');
  });
});

test('a broken stream surfaces as error (UNAVAILABLE), grpcStatus, then end; the topic can be resubscribed', async () => {
  await withSandbox({ server: FAST }, async ({ bus, server, topicName, connectClient }) => {
    const client = await connectClient();
    const recorder = new SubscriptionRecorder();
    client.subscribe(topicName, recorder.callback, 5);
    await recorder.waitFor('grpcKeepAlive');
    assert.equal(server.faults.breakStreams(), 1);
    await recorder.waitFor('end');
    const types = recorder.entries.map((entry) => entry.type).filter((type) => type !== 'grpcKeepAlive');
    assert.deepEqual(types, ['error', 'grpcStatus', 'end']);
    assert.equal(recorder.of('error')[0]!.data.code, grpc.status.UNAVAILABLE);
    assert.equal(errorCodeOf(recorder.of('error')[0]!.data), PubSubErrorCode.SERVICE_UNAVAILABLE);

    const again = new SubscriptionRecorder();
    client.subscribe(topicName, again.callback, 5);
    await again.waitFor('grpcKeepAlive');
    bus.publish(topicName, [{ Operation_Type__c: 'AFTER-BREAK' }], BY);
    await again.waitFor('event');
  });
});

test('stalled streams send nothing, not even keepalives, until resumed', async () => {
  await withSandbox({ server: FAST }, async ({ bus, server, topicName, connectClient }) => {
    const client = await connectClient();
    const recorder = new SubscriptionRecorder();
    client.subscribe(topicName, recorder.callback, 5);
    await recorder.waitFor('grpcKeepAlive');
    server.faults.stallStreams();
    const seen = recorder.entries.length;
    bus.publish(topicName, [{ Operation_Type__c: 'HELD' }], BY);
    // Kept, as the subject: the stream must stay silent while two keepalive intervals pass. Timers fire in order of
    // their due time, so a keepalive the server armed (before this) would have fired by then. Whether anything it
    // sent has arrived is settled by the sentinel below, not by this wait.
    await sleep(2 * FAST.keepaliveIntervalMs + 100);
    server.faults.resumeStreams();
    // Sentinel: HELD is sent on resume, on the same ordered stream: whatever was sent during the stall came first.
    const [event] = await recorder.waitFor('event');
    assert.equal(event!.data.payload.Operation_Type__c, 'HELD');
    assert.deepEqual(
      recorder.entries.slice(seen, recorder.entries.indexOf(event!)).map((entry) => entry.type),
      [],
      'nothing arrived while the stream was stalled',
    );
  });
});

test('rejectNextSubscribes refuses the next subscribes with UNAVAILABLE, then accepts', async () => {
  await withSandbox({ server: FAST }, async ({ server, topicName, connectClient }) => {
    server.faults.rejectNextSubscribes(1);
    const client = await connectClient();
    const refused = new SubscriptionRecorder();
    client.subscribe(topicName, refused.callback, 5);
    const [error] = await refused.waitFor('error');
    assert.equal(error!.data.code, grpc.status.UNAVAILABLE);
    await refused.waitFor('end');
    const accepted = new SubscriptionRecorder();
    client.subscribe(topicName, accepted.callback, 5);
    await accepted.waitFor('grpcKeepAlive');
  });
});

test('a corrupt payload reaches the callback as an EventParseError; later events still arrive', async () => {
  await withSandbox({ server: FAST }, async ({ bus, topicName, connectClient }) => {
    bus.publish(topicName, [{ Operation_Type__c: 'BEFORE' }], BY);
    const corrupt = bus.injectCorrupt(topicName, Buffer.alloc(12, 0xff)); // a varint that never ends
    const unknownSchema = bus.injectWithSchemaId(topicName, 'UnknownSchema000000000', Buffer.alloc(4));
    bus.publish(topicName, [{ Operation_Type__c: 'AFTER' }], BY);
    const client = await connectClient();
    const recorder = new SubscriptionRecorder();
    client.subscribeFromEarliestEvent(topicName, recorder.callback, 10);
    const events = await recorder.waitFor('event', 2);
    const errors = await recorder.waitFor('error', 2);
    assert.deepEqual(
      events.map((entry) => entry.data.payload.Operation_Type__c),
      ['BEFORE', 'AFTER'],
    );

    const [corruptError, schemaError] = errors.map((entry) => entry.data);
    assert.equal(corruptError.name, 'Error'); // EventParseError does not set its name
    assert.equal(corruptError.constructor.name, 'EventParseError');
    assert.equal(corruptError.replayId, decodeReplayId(corrupt.replayId));
    assert.match(corruptError.message, /Failed to parse event with replay ID/);
    assert.ok(corruptError.cause instanceof Error);
    assert.equal(schemaError.replayId, decodeReplayId(unknownSchema.replayId));
    assert.match(schemaError.cause.message, /Failed to load schema with ID UnknownSchema000000000/);
    // Counting quirk: an event whose schema cannot be loaded is not counted as received; a corrupt one is.
    assert.equal(recorder.entries.at(-1)!.info.receivedEventCount, 3);
  });
});

test('with nothing requested, the server ends the stream after the configured idle time (status OK)', async () => {
  await withSandbox(
    { server: { ...FAST, closeWhenNothingRequestedAfterMs: 200 } },
    async ({ bus, topicName, connectClient }) => {
      bus.publish(topicName, [{}, {}], BY);
      const client = await connectClient();
      const recorder = new SubscriptionRecorder();
      client.subscribeFromEarliestEvent(topicName, recorder.callback, 2);
      await recorder.waitFor('lastEvent');
      await recorder.waitFor('end');
      assert.equal(recorder.of('error').length, 0);
      assert.equal(recorder.of('grpcStatus')[0]!.data.code, grpc.status.OK);
    },
  );
});

test('close() ends open streams (UNAVAILABLE) and stops promptly', async () => {
  const sandbox = await startFixturePubSub({ server: FAST });
  const client = await sandbox.connectClient();
  const recorder = new SubscriptionRecorder();
  client.subscribe(sandbox.topicName, recorder.callback, 5);
  await recorder.waitFor('grpcKeepAlive');
  const started = Date.now();
  await sandbox.server.close();
  assert.ok(Date.now() - started < 1000);
  const [error] = await recorder.waitFor('error');
  assert.equal(error!.data.code, grpc.status.UNAVAILABLE);
  await sandbox.close();
});
