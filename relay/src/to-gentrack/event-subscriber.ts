/**
 * Where events come in: a supervised Pub/Sub API subscription to Gentrack_Object_Event__e.
 *
 * salesforce-pubsub-api-client does the gRPC and Avro work but never reconnects, can stall silently, and throws if
 * a stream it was told to forget ends with an error later. This wrapper owns the lifecycle around it:
 * - flow control: at most `batchSize` events are requested and not yet stored; events that arrive are handed to
 *   `store` (which commits them and the replay id after them in one transaction) in replay id order, and only then
 *   asked for again, as soon as half a batch is free, so the next events are already on their way while these are
 *   stored and delivered; nothing is asked for while the relay is backlogged;
 * - ordering: the client handles each server response in an async loop and fetches the event schema on first use
 *   without sharing the fetch, so responses arriving during it can overtake each other. A new stream therefore asks
 *   for one event first; once the schema is known, responses that arrive together only interleave within one
 *   flush, which is stored sorted;
 * - resumption from the last committed replay id, with a clear error (or the configured fallback) when that id is
 *   past Salesforce's retention;
 * - a watchdog: no event and no keepalive for `keepaliveTimeoutMs` means the stream is dead, so it is replaced;
 * - reconnection with exponential backoff after stream errors, with a fresh session after an auth failure.
 */
import PubSubApiClient from 'salesforce-pubsub-api-client';
import type { Logger } from 'pino';
import { RelayError } from '../platform/errors.js';
import { backoffWithJitterMs } from '../platform/retry/backoff.js';

export interface SalesforceSession {
  readonly accessToken: string;
  readonly instanceUrl: string;
  readonly organizationId: string;
}

export interface ReceivedEvent {
  /** Decimal string of the replay id: opaque, only compared by the store as the resume point. */
  readonly replayId: string;
  readonly payload?: Record<string, unknown>;
  /** Set when the client could not decode the event (corrupt Avro, unknown schema). */
  readonly error?: { readonly code: string; readonly message: string };
}

export type ReplayFallback = 'fail' | 'earliest' | 'latest';

export interface EventSubscriberOptions {
  readonly topic: string;
  readonly pubSubEndpoint: string;
  readonly rejectUnauthorizedTls: boolean;
  /** A valid session; `forceRefresh` after the server refused the current one. */
  readonly session: (options: { forceRefresh: boolean }) => Promise<SalesforceSession>;
  /** The replay id to resume after, as committed by the store. */
  readonly checkpoint: () => string | undefined;
  /** Must durably store the batch and its last replay id before returning. */
  readonly store: (events: readonly ReceivedEvent[]) => void;
  /** True while the relay has too much undelivered work to accept more events. */
  readonly backlogged?: () => boolean;
  readonly replayFallback: ReplayFallback;
  readonly batchSize?: number;
  readonly keepaliveTimeoutMs?: number;
  readonly reconnectInitialDelayMs?: number;
  readonly reconnectMaxDelayMs?: number;
  readonly logger: Logger;
  readonly onStateChange?: (state: SubscriptionState) => void;
  /** Called when the subscription cannot go on (replay id past retention with replayFallback 'fail'). */
  readonly onFatal: (error: SubscriptionError) => void;
}

export type SubscriptionState = 'connecting' | 'connected' | 'reconnecting' | 'stopped' | 'failed';

export class SubscriptionError extends RelayError {
  constructor(
    readonly code: 'REPLAY_ID_UNAVAILABLE',
    message: string,
  ) {
    super(message);
    this.name = 'SubscriptionError';
  }
}

const REPLAY_ID_UNAVAILABLE = 'sfdc.platform.eventbus.grpc.subscription.fetch.replayid.corrupted';
const AUTH_ERROR = 'sfdc.platform.eventbus.grpc.service.auth.error';
const BACKLOG_RECHECK_MS = 50;
/** Events asked for when a stream opens: one, so the client fetches the event schema with one response in flight. */
const FIRST_REQUEST = 1;
/**
 * A Subscribe that Salesforce has not refused within this time is live. Salesforce refuses a bad session, topic or
 * replay id at once, but an idle topic's first keepalive comes only after 270 s: waiting for it would report a healthy
 * relay as not ready for minutes after every start.
 */
export const SUBSCRIBE_CONFIRMED_AFTER_MS = 3_000;
/**
 * The client logs every event at info level to the console: its logging is off, and the relay logs what matters
 * through pino. Our patch of the client (patches/) reads `isLevelEnabled`: unpatched, it serialises every event
 * twice to JSON for debug lines nobody sees, a fifth of the relay's CPU per event.
 */
const QUIET = { debug() {}, info() {}, warn() {}, error() {}, isLevelEnabled: () => false };

interface Connection {
  readonly client: PubSubApiClient;
  retired: boolean;
  ended: boolean;
}

export class EventSubscriber {
  private readonly options: Required<Omit<EventSubscriberOptions, 'onStateChange' | 'backlogged'>> &
    Pick<EventSubscriberOptions, 'onStateChange' | 'backlogged'>;
  private current?: Connection;
  private buffer: ReceivedEvent[] = [];
  private flushScheduled = false;
  /** Requested on the current stream and not received yet. */
  private outstanding = 0;
  /** The highest replay id stored from the current stream, to notice an event arriving after later ones. */
  private highestStored?: string;
  private recheckScheduled = false;
  private lastActivityAt = 0;
  private subscribedAt?: number;
  private state?: SubscriptionState;
  private failures = 0;
  private watchdog?: NodeJS.Timeout;
  private reconnectTimer?: NodeJS.Timeout;
  private stopped = true;
  private fallbackInUse?: 'earliest' | 'latest';
  private refreshSession = false;

  constructor(options: EventSubscriberOptions) {
    this.options = {
      batchSize: 100,
      keepaliveTimeoutMs: 300_000,
      reconnectInitialDelayMs: 1_000,
      reconnectMaxDelayMs: 60_000,
      ...options,
    };
    if (this.options.batchSize < 1 || this.options.batchSize > 100) {
      throw new RangeError('batchSize must be 1..100: Salesforce serves at most 100 events per request');
    }
  }

  async start(): Promise<void> {
    this.stopped = false;
    this.watchdog = setInterval(() => this.checkLiveness(), Math.min(1_000, this.options.keepaliveTimeoutMs / 4));
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.watchdog);
    clearTimeout(this.reconnectTimer);
    this.flush();
    if (this.current) this.retire(this.current);
    this.setState('stopped');
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    this.setState(this.failures === 0 ? 'connecting' : 'reconnecting');
    let connection: Connection | undefined;
    try {
      const session = await this.options.session({ forceRefresh: this.refreshSession });
      this.refreshSession = false;
      const client = new PubSubApiClient(
        {
          authType: 'user-supplied',
          accessToken: session.accessToken,
          instanceUrl: pubSubInstanceUrl(session.instanceUrl),
          organizationId: session.organizationId,
          pubSubEndpoint: this.options.pubSubEndpoint,
          rejectUnauthorizedSsl: this.options.rejectUnauthorizedTls,
        },
        QUIET as never,
      );
      connection = { client, retired: false, ended: false };
      await client.connect();
      if (this.stopped) return this.retire(connection);
      this.current = connection;
      this.outstanding = FIRST_REQUEST;
      this.highestStored = undefined;
      this.lastActivityAt = Date.now();
      const callback = this.callbackFor(connection);
      const resumeAfter = this.options.checkpoint();
      if (this.fallbackInUse === 'earliest')
        client.subscribeFromEarliestEvent(this.options.topic, callback, FIRST_REQUEST);
      else if (this.fallbackInUse === 'latest' || resumeAfter === undefined)
        client.subscribe(this.options.topic, callback, FIRST_REQUEST);
      else client.subscribeFromReplayId(this.options.topic, callback, FIRST_REQUEST, Number(resumeAfter));
      this.subscribedAt = Date.now();
      this.options.logger.info({ topic: this.options.topic, resumeAfter, fallback: this.fallbackInUse }, 'subscribed');
    } catch (error) {
      if (connection) this.retire(connection);
      this.options.logger.warn({ err: error }, 'could not subscribe to the Pub/Sub API');
      this.scheduleReconnect();
    }
  }

  private callbackFor(connection: Connection) {
    return (info: { lastReplayId: number | null }, type: string, data?: unknown) => {
      if (connection.retired && type !== 'end') return;
      switch (type) {
        case 'event':
          this.received(eventFrom(data));
          break;
        case 'lastEvent':
          // The client's own count restarts with every request, so flow control keeps its own (outstanding).
          this.scheduleFlush();
          break;
        case 'grpcKeepAlive':
          this.lastActivityAt = Date.now();
          this.setState('connected');
          break;
        case 'error':
          this.streamError(connection, data);
          break;
        case 'end':
          connection.ended = true;
          // Only now is close() safe: the stream has no more events to emit.
          connection.client.close();
          if (!connection.retired) this.streamLost(connection, 'the stream ended');
          break;
        default:
          break;
      }
      void info;
    };
  }

  private received(event: ReceivedEvent): void {
    this.outstanding = Math.max(0, this.outstanding - 1);
    this.lastActivityAt = Date.now();
    this.failures = 0;
    this.setState('connected');
    this.buffer.push(event);
    this.scheduleFlush();
  }

  /** Events of one server response arrive in a burst of callbacks; storing them together saves commits. */
  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
      this.requestMoreWhenReady();
    });
  }

  private flush(): void {
    if (this.buffer.length === 0) return;
    const batch = inReplayOrder(this.buffer);
    this.buffer = [];
    this.noticeLateEvents(batch);
    this.options.store(batch);
    // The checkpoint is valid again: later reconnections resume from it, not from the fallback.
    this.fallbackInUse = undefined;
  }

  /**
   * An event older than one already stored from this stream (the client let a response overtake another, e.g. when
   * the event schema changed mid-stream): it is still stored, but a change of its record may already have gone out
   * after a later one, and the checkpoint had moved past it.
   */
  private noticeLateEvents(batch: readonly ReceivedEvent[]): void {
    const numbered = batch.filter((event) => /^\d+$/.test(event.replayId));
    if (numbered.length === 0) return;
    const first = numbered[0]!.replayId;
    if (this.highestStored !== undefined && compareReplayIds(first, this.highestStored) < 0) {
      this.options.logger.error(
        { replayId: first, highestStored: this.highestStored },
        'events arrived after later ones were stored: changes of their records may reach Gentrack out of order',
      );
    }
    const last = numbered[numbered.length - 1]!.replayId;
    if (this.highestStored === undefined || compareReplayIds(last, this.highestStored) > 0) this.highestStored = last;
  }

  /**
   * Fills the request window (`batchSize` events requested and not stored) once half of it is free or nothing is
   * left in flight: fewer, larger requests, and never more than `batchSize` events unstored.
   */
  private requestMoreWhenReady(): void {
    const connection = this.current;
    const free = this.options.batchSize - this.outstanding - this.buffer.length;
    if (!connection || connection.retired || this.stopped || free <= 0) return;
    if (free < this.options.batchSize / 2 && this.outstanding > 0) return;
    if (this.options.backlogged?.()) {
      if (!this.recheckScheduled) {
        this.recheckScheduled = true;
        setTimeout(() => {
          this.recheckScheduled = false;
          this.requestMoreWhenReady();
        }, BACKLOG_RECHECK_MS);
      }
      return;
    }
    connection.client.requestAdditionalEvents(this.options.topic, free);
    this.outstanding += free;
  }

  private streamError(connection: Connection, data: unknown): void {
    const error = data as {
      code?: number;
      details?: string;
      message?: string;
      replayId?: number;
      metadata?: { get(key: string): unknown[] };
    };
    if (error?.constructor?.name === 'EventParseError' || (error?.replayId !== undefined && !error.metadata)) {
      // One event the client could not decode: keep it (as a dead letter) and carry on with the stream.
      this.received({
        replayId: String(error.replayId),
        error: {
          code: 'CORRUPT_EVENT',
          message: `event could not be decoded: ${(error as { cause?: Error }).cause?.message ?? error.message}`,
        },
      });
      return;
    }
    const code = String(error?.metadata?.get('error-code')?.[0] ?? '');
    if (code === REPLAY_ID_UNAVAILABLE) return this.replayIdUnavailable(connection);
    if (code === AUTH_ERROR || error?.code === 16) this.refreshSession = true;
    this.options.logger.warn({ code, grpcCode: error?.code, details: error?.details }, 'Pub/Sub stream error');
    this.streamLost(connection, `stream error ${code || error?.code}`);
  }

  private replayIdUnavailable(connection: Connection): void {
    const checkpoint = this.options.checkpoint();
    if (this.options.replayFallback === 'fail') {
      this.retire(connection);
      this.stopped = true;
      clearInterval(this.watchdog);
      this.setState('failed');
      this.options.onFatal(
        new SubscriptionError(
          'REPLAY_ID_UNAVAILABLE',
          `the stored replay id ${checkpoint} is no longer retained by Salesforce (events are kept 72 hours), so changes may have been missed. ` +
            'Reconcile with an initial synchronisation, then restart with salesforce.replayFallback set to "earliest" or "latest".',
        ),
      );
      return;
    }
    this.options.logger.warn(
      { checkpoint, fallback: this.options.replayFallback },
      'stored replay id is past retention: resubscribing from the configured fallback; changes may have been missed',
    );
    this.fallbackInUse = this.options.replayFallback;
    this.streamLost(connection, 'replay id past retention');
  }

  private streamLost(connection: Connection, reason: string): void {
    if (connection !== this.current || this.stopped) return;
    this.flush();
    this.retire(connection);
    this.current = undefined;
    this.options.logger.warn({ reason }, 'Pub/Sub subscription lost; reconnecting');
    this.scheduleReconnect();
  }

  private checkLiveness(): void {
    const connection = this.current;
    if (!connection || this.stopped) return;
    if (
      this.state !== 'connected' &&
      !connection.retired &&
      this.subscribedAt !== undefined &&
      Date.now() - this.subscribedAt >= SUBSCRIBE_CONFIRMED_AFTER_MS
    ) {
      this.failures = 0;
      this.setState('connected');
    }
    if (Date.now() - this.lastActivityAt > this.options.keepaliveTimeoutMs) {
      this.options.logger.warn(
        { silentForMs: Date.now() - this.lastActivityAt },
        'no events or keepalives: replacing the stream',
      );
      this.streamLost(connection, 'keepalive timeout');
    }
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    this.failures++;
    const delay = backoffWithJitterMs(
      this.failures,
      this.options.reconnectInitialDelayMs,
      this.options.reconnectMaxDelayMs,
    );
    this.setState('reconnecting');
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => void this.connect(), delay);
  }

  /**
   * Stops listening to a connection. The client's close() drops its listeners without cancelling the stream, and a
   * stream that later ends with an error would then throw; so a live stream keeps its listeners (ignored from now
   * on) and is closed when it ends.
   */
  private retire(connection: Connection): void {
    connection.retired = true;
    if (connection.ended) connection.client.close();
  }

  private setState(state: SubscriptionState): void {
    this.state = state;
    this.options.onStateChange?.(state);
  }
}

/**
 * The Pub/Sub API only passes the instance URL along as metadata, and the client refuses anything but https, which
 * every real org has. A plain-http instance URL exists only on loopback stand-ins; their scheme is normalised.
 */
function pubSubInstanceUrl(instanceUrl: string): string {
  const url = new URL(instanceUrl);
  if (
    url.protocol === 'http:' &&
    (url.hostname === 'localhost' || url.hostname.startsWith('127.') || url.hostname === '[::1]')
  ) {
    url.protocol = 'https:';
  }
  return url.toString().replace(/\/$/, '');
}

/**
 * The events in replay id order. The client handles each server response in an async loop (one await per event),
 * so two responses that arrive together reach the callback interleaved: without this, a record's later change could
 * be stored, and sent, before its earlier one. Replay ids are opaque but ordered within a topic: they are compared,
 * never computed with. Events without one (undecodable) keep their place.
 */
export function inReplayOrder(events: readonly ReceivedEvent[]): ReceivedEvent[] {
  const ordered = [...events];
  const slots = ordered.flatMap((event, index) => (/^\d+$/.test(event.replayId) ? [index] : []));
  const sorted = slots.map((index) => ordered[index]!).sort((a, b) => compareReplayIds(a.replayId, b.replayId));
  slots.forEach((index, k) => (ordered[index] = sorted[k]!));
  return ordered;
}

function compareReplayIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

function eventFrom(data: unknown): ReceivedEvent {
  const event = data as { replayId: number | bigint; payload: Record<string, unknown> };
  return { replayId: String(event.replayId), payload: event.payload };
}
