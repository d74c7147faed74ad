import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inReplayOrder, type ReceivedEvent } from './event-subscriber.js';

const event = (replayId: string): ReceivedEvent => ({ replayId, payload: { id: replayId } });

test('events of two responses that reached the callback interleaved are stored in replay id order', () => {
  const interleaved = ['101', '201', '102', '202', '103'].map(event);
  assert.deepEqual(
    inReplayOrder(interleaved).map((e) => e.replayId),
    ['101', '102', '103', '201', '202'],
  );
});

test('replay ids compare exactly beyond 2^53, and an event without one keeps its place', () => {
  const corrupt: ReceivedEvent = { replayId: 'undefined', error: { code: 'CORRUPT_EVENT', message: 'bad Avro' } };
  const events = [event('9007199254740995'), corrupt, event('9007199254740993'), event('99')];
  assert.deepEqual(
    inReplayOrder(events).map((e) => e.replayId),
    ['99', 'undefined', '9007199254740993', '9007199254740995'],
  );
  assert.equal(events[0]!.replayId, '9007199254740995', 'the input is left as it was');
});
