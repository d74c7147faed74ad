/**
 * One Subscribe call: pull-based delivery with flow control, as Salesforce does it.
 * - The first FetchRequest names the topic and the replay start; later ones only add to the pending count (a
 *   different topic name is an error). At most 100 events are pending: Salesforce treats more as 100.
 * - Events go out as soon as they are both pending and available, several per FetchResponse, never more than pending.
 * - latest_replay_id is the subscription's position (the last event delivered, or the start point), so it is
 *   always safe to resume from.
 * - An idle stream gets an empty FetchResponse (keepalive) every `keepaliveIntervalMs`.
 * - With nothing pending for `closeWhenNothingRequestedAfterMs`, the server ends the stream (status OK).
 * - The session is re-checked on every FetchRequest and keepalive; an expired one ends the stream UNAUTHENTICATED.
 */
import * as grpc from '@grpc/grpc-js';
import { EventBusError, type EventBus, type ReplayStart } from './event-bus.js';
import { asStatusError, PubSubErrorCode, PubSubStatusError } from './pubsub-errors.js';
import { ReplayPreset, type FetchRequest, type FetchResponse } from './pubsub-proto.js';
import { decodeReplayId, encodeReplayId, InvalidReplayIdError } from './replay-id.js';

export const MAX_PENDING_EVENTS = 100;

export interface SubscribeStreamOptions {
  bus: EventBus;
  call: grpc.ServerDuplexStream<FetchRequest, FetchResponse>;
  rpcId: string;
  keepaliveIntervalMs: number;
  /** null: never end a stream for having nothing requested. */
  closeWhenNothingRequestedAfterMs: number | null;
  /** Throws the PubSubStatusError to end the stream with when the session is no longer valid. */
  reauthenticate: () => Promise<void>;
  /** Called once when the stream is over, whichever side ended it. */
  onClosed: (stream: SubscribeStream) => void;
  stalled: boolean;
}

export class SubscribeStream {
  readonly rpcId: string;
  private readonly bus: EventBus;
  private readonly call: grpc.ServerDuplexStream<FetchRequest, FetchResponse>;
  private topicName: string | undefined;
  private position = 0;
  private pending = 0;
  private stalled: boolean;
  private closed = false;
  private requests: Promise<void> = Promise.resolve();
  private stopWatching: (() => void) | undefined;
  private keepaliveTimer: NodeJS.Timeout | undefined;
  private idleCloseTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: SubscribeStreamOptions) {
    this.rpcId = options.rpcId;
    this.bus = options.bus;
    this.call = options.call;
    this.stalled = options.stalled;
    this.call.on('data', (request: FetchRequest) => {
      // Requests are handled one after another: re-authentication is asynchronous.
      this.requests = this.requests.then(() => this.onFetchRequest(request));
    });
    this.call.on('end', () => this.end()); // the client half-closed: nothing more can be requested
    this.call.on('cancelled', () => this.dispose());
    this.call.on('close', () => this.dispose());
  }

  /** Stops sending anything (events and keepalives) until `resume()`; requests are still counted. */
  stall(): void {
    this.stalled = true;
    clearTimeout(this.keepaliveTimer);
    clearTimeout(this.idleCloseTimer); // ending the stream would be sending something too
    this.idleCloseTimer = undefined;
  }

  resume(): void {
    if (!this.stalled) return;
    this.stalled = false;
    this.deliver();
    this.armKeepalive();
    if (this.topicName !== undefined && this.pending === 0) this.armIdleClose();
  }

  /** Ends the stream with an error status (what a client sees when Salesforce drops it). */
  fail(error: PubSubStatusError): void {
    if (this.closed) return;
    this.dispose();
    this.call.emit('error', error);
  }

  /** Ends the stream with status OK. */
  end(): void {
    if (this.closed) return;
    this.dispose();
    this.call.end();
  }

  private async onFetchRequest(request: FetchRequest): Promise<void> {
    if (this.closed) return;
    try {
      await this.options.reauthenticate();
      if (this.closed) return;
      if (this.topicName === undefined) this.start(request);
      else if (request.topicName && request.topicName !== this.topicName) {
        throw this.error(
          grpc.status.INVALID_ARGUMENT,
          PubSubErrorCode.SUBSCRIBE_TOPIC_MISMATCH,
          `The topic name ${request.topicName} differs from the subscription's topic ${this.topicName}.`,
        );
      }
      this.addPending(request.numRequested);
      this.deliver();
      this.armKeepalive();
    } catch (error) {
      this.fail(asStatusError(error, this.rpcId));
    }
  }

  private start(request: FetchRequest): void {
    const topicName = request.topicName;
    if (!topicName) {
      throw this.error(grpc.status.INVALID_ARGUMENT, PubSubErrorCode.TOPIC_NAME_EMPTY, 'The topic name is blank.');
    }
    if (!this.bus.hasTopic(topicName)) {
      throw this.error(
        grpc.status.NOT_FOUND,
        PubSubErrorCode.TOPIC_NOT_FOUND,
        `The topic ${topicName} does not exist.`,
      );
    }
    try {
      this.position = this.bus.startPosition(topicName, this.replayStart(request));
    } catch (error) {
      if (error instanceof EventBusError || error instanceof InvalidReplayIdError) {
        throw this.error(
          grpc.status.INVALID_ARGUMENT,
          PubSubErrorCode.REPLAY_ID_CORRUPTED,
          'The Replay ID validation failed. Ensure that the replay_id field value in FetchRequest is valid and refers to an event that is within the retention window.',
        );
      }
      throw error;
    }
    this.topicName = topicName;
    this.stopWatching = this.bus.watch(topicName, () => this.deliver());
  }

  private replayStart(request: FetchRequest): ReplayStart {
    switch (request.replayPreset) {
      case ReplayPreset.EARLIEST:
        return { preset: 'EARLIEST' };
      case ReplayPreset.CUSTOM:
        if (!request.replayId || request.replayId.length === 0) {
          throw this.error(
            grpc.status.INVALID_ARGUMENT,
            PubSubErrorCode.REPLAY_ID_MISSING,
            'The replay_id field is required when replay_preset is CUSTOM.',
          );
        }
        return { preset: 'CUSTOM', after: decodeReplayId(request.replayId) };
      default:
        return { preset: 'LATEST' };
    }
  }

  private addPending(numRequested: number): void {
    if (!Number.isInteger(numRequested) || numRequested <= 0) {
      throw this.error(
        grpc.status.INVALID_ARGUMENT,
        PubSubErrorCode.REQUESTED_EVENTS_INVALID,
        `num_requested must be greater than zero, got ${numRequested}.`,
      );
    }
    // Salesforce: "If a client requests more than 100 events, the server considers the number of requested events
    // to be 100" (across all FetchRequests of the stream).
    this.pending = Math.min(MAX_PENDING_EVENTS, this.pending + numRequested);
    clearTimeout(this.idleCloseTimer);
    this.idleCloseTimer = undefined;
  }

  private deliver(): void {
    if (this.closed || this.stalled || this.topicName === undefined || this.pending <= 0) return;
    const events = this.bus.readAfter(this.topicName, this.position, this.pending);
    const last = events.at(-1);
    if (!last) return;
    this.position = last.replayId;
    this.pending -= events.length;
    this.send(
      events.map((event) => ({
        event: { id: event.eventUuid, schemaId: event.schemaId, payload: event.payload, headers: [] },
        replayId: encodeReplayId(event.replayId),
      })),
    );
    if (this.pending === 0) this.armIdleClose();
  }

  private send(events: FetchResponse['events']): void {
    this.call.write({
      events,
      latestReplayId: encodeReplayId(this.position),
      rpcId: this.rpcId,
      pendingNumRequested: this.pending,
    });
    this.armKeepalive();
  }

  private armKeepalive(): void {
    clearTimeout(this.keepaliveTimer);
    if (this.closed || this.stalled) return;
    this.keepaliveTimer = setTimeout(() => void this.keepalive(), this.options.keepaliveIntervalMs).unref();
  }

  private async keepalive(): Promise<void> {
    try {
      await this.options.reauthenticate();
    } catch (error) {
      return this.fail(asStatusError(error, this.rpcId));
    }
    if (this.closed || this.stalled) return;
    this.send([]);
  }

  private armIdleClose(): void {
    const after = this.options.closeWhenNothingRequestedAfterMs;
    if (after === null || this.idleCloseTimer || this.stalled) return;
    this.idleCloseTimer = setTimeout(() => this.end(), after).unref();
  }

  private error(code: grpc.status, errorCode: PubSubErrorCode, description: string): PubSubStatusError {
    return new PubSubStatusError(code, errorCode, description, this.rpcId);
  }

  private dispose(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.keepaliveTimer);
    clearTimeout(this.idleCloseTimer);
    this.stopWatching?.();
    this.options.onClosed(this);
  }
}
