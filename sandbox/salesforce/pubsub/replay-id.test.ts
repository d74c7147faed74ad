import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeReplayId, encodeReplayId, InvalidReplayIdError } from './replay-id.js';

test('replay ids are 8 bytes big-endian, as the client decodes them (readBigUInt64BE)', () => {
  const bytes = encodeReplayId(0x0102_0304_0506);
  assert.deepEqual([...bytes], [0, 0, 1, 2, 3, 4, 5, 6]);
  assert.equal(bytes.readBigUInt64BE(), 0x0102_0304_0506n);
  assert.equal(decodeReplayId(bytes), 0x0102_0304_0506);
});

test('encoded replay ids sort like the positions they encode', () => {
  const ids = [1, 255, 256, 70_000, 2 ** 40, Number.MAX_SAFE_INTEGER];
  const sorted = ids.map(encodeReplayId).sort(Buffer.compare);
  assert.deepEqual(sorted.map(decodeReplayId), ids);
});

test('a replay id that is not 8 bytes, or beyond what the bus issues, is refused', () => {
  assert.throws(() => decodeReplayId(Buffer.alloc(0)), InvalidReplayIdError);
  assert.throws(() => decodeReplayId(Buffer.from('12345')), /8 bytes, got 5/);
  assert.throws(() => decodeReplayId(Buffer.alloc(8, 0xff)), /never issued/);
  assert.throws(() => encodeReplayId(-1), InvalidReplayIdError);
  assert.throws(() => encodeReplayId(1.5), InvalidReplayIdError);
});

test('decoding accepts a slice of a larger frame', () => {
  const frame = Buffer.concat([Buffer.from([9, 9]), encodeReplayId(42)]);
  assert.equal(decodeReplayId(frame.subarray(2)), 42);
  assert.equal(decodeReplayId(new Uint8Array(frame.buffer, frame.byteOffset + 2, 8)), 42);
});
