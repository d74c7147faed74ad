/**
 * Replay ids on the wire: 8 bytes, big-endian, unsigned. Salesforce documents them as opaque; the real
 * `salesforce-pubsub-api-client` nevertheless reads them with `readBigUInt64BE`, so this is the encoding a client
 * can decode. Inside the sandbox they are plain integers (a log position), always below 2^53.
 */

export const REPLAY_ID_BYTES = 8;

export class InvalidReplayIdError extends Error {
  readonly code = 'INVALID_REPLAY_ID';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidReplayIdError';
  }
}

export function encodeReplayId(replayId: number): Buffer {
  if (!Number.isSafeInteger(replayId) || replayId < 0) {
    throw new InvalidReplayIdError(`A replay id must be a non-negative safe integer, got ${replayId}`);
  }
  const bytes = Buffer.alloc(REPLAY_ID_BYTES);
  bytes.writeBigUInt64BE(BigInt(replayId));
  return bytes;
}

export function decodeReplayId(bytes: Uint8Array): number {
  if (bytes.length !== REPLAY_ID_BYTES) {
    throw new InvalidReplayIdError(`A replay id is ${REPLAY_ID_BYTES} bytes, got ${bytes.length}`);
  }
  const value = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).readBigUInt64BE();
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new InvalidReplayIdError(`Replay id ${value} was never issued by this event bus`);
  }
  return Number(value);
}
