/**
 * The relay's Prometheus metrics, in a registry of their own (not prom-client's global one) so tests and several
 * relays in one process do not collide. Modules get a typed object: `metrics.deliveries.inc('update-account',
 * 'delivered')`, never a metric name or a free-form label.
 *
 * Counts that live in the store (pending parts, changes, write-backs, dead letters) are best read at scrape time:
 * register a refresher with `onScrape` rather than keeping a gauge in step by hand.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export const METRIC_PREFIX = 'gentrack_relay_';

export type EventOutcome = 'stored' | 'duplicate' | 'rejected';
export type DeliveryOutcome = 'delivered' | 'retried' | 'dead_lettered';
/** What became of a Gentrack event in Salesforce: applied, superseded (a newer event had set its fields), ... */
export type GentrackEventOutcome = 'accepted' | 'applied' | 'superseded' | 'retried' | 'dead_lettered';
export type BreakerState = 'closed' | 'half_open' | 'open';
export type SubscriptionState = 'connecting' | 'connected' | 'reconnecting' | 'stopped' | 'failed';
/** An HTTP status, or 'error' when no response came back (timeout, connection refused). */
export type CallStatus = number | 'error';
export type StatusClass = '1xx' | '2xx' | '3xx' | '4xx' | '5xx' | 'error';
/**
 * What became of a call to the Gentrack API gateway: answered by Gentrack (forwarded) or from the cache (cached),
 * refused by Gentrack (gentrack_error), refused by the relay before Gentrack (refused: a closed operation, a bad
 * request, an answer too large), or failed in the relay (error).
 */
export type GatewayOutcome = 'forwarded' | 'cached' | 'gentrack_error' | 'refused' | 'error';

const EVENT_OUTCOMES: readonly EventOutcome[] = ['stored', 'duplicate', 'rejected'];
const BREAKER_STATES: readonly BreakerState[] = ['closed', 'half_open', 'open'];
const SUBSCRIPTION_STATES: readonly SubscriptionState[] = [
  'connecting',
  'connected',
  'reconnecting',
  'stopped',
  'failed',
];
/** Gentrack's response timeout is 60 s by default; the buckets reach it. */
const CALL_DURATION_BUCKETS = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export interface LevelGauge {
  set(value: number): void;
  inc(by?: number): void;
  dec(by?: number): void;
}

export interface RelayMetrics {
  readonly registry: Registry;
  /** The Content-Type of `render()`'s text. */
  readonly contentType: string;
  /** Prometheus text exposition, after running the `onScrape` refreshers. */
  render(): Promise<string>;
  /** Runs the `onScrape` refreshers, for readers of the registry other than a scrape (the portal's overview). */
  refresh(): Promise<void>;
  /**
   * Runs before every scrape. A refresher that fails leaves its gauges at their last value and counts in
   * gentrack_relay_metrics_refresh_failures_total, so a broken store query cannot break the scrape.
   */
  onScrape(refresh: () => void | Promise<void>): void;

  /** Platform events taken from the subscription, by what the store made of them. */
  readonly eventsReceived: { inc(outcome: EventOutcome, count?: number): void };
  /** Parts of split events waiting for the rest. */
  readonly partsPending: LevelGauge;
  /** Changes stored and not yet delivered to Gentrack. */
  readonly changesPending: LevelGauge;
  /** Gentrack values waiting to be written back into Salesforce. */
  readonly writeBacksPending: LevelGauge;
  /** Entries in the dead-letter store (waiting for an operator to retry or discard). */
  readonly deadLetters: LevelGauge;
  /** Delivery attempts to Gentrack, by operation (e.g. update-account) and outcome. */
  readonly deliveries: { inc(operation: string, outcome: DeliveryOutcome, count?: number): void };
  /** Duration of Gentrack API calls. */
  readonly gentrackCallDuration: {
    observe(operation: string, status: CallStatus, seconds: number): void;
    /** Starts timing a call; the returned function records it once its status is known. */
    startTimer(operation: string): (status: CallStatus) => void;
  };
  readonly circuitBreaker: { set(breaker: string, state: BreakerState): void };
  readonly subscription: { set(state: SubscriptionState): void };
  /** When a replay id was last committed (after its event was durably stored). */
  readonly replayIdCommitted: { set(at?: Date): void };
  /** Gentrack webhook events, by event type and what became of them (accepted into the inbox, then applied, ...). */
  readonly gentrackEvents: { inc(eventType: string, outcome: GentrackEventOutcome): void };
  /** Webhook requests refused before anything was stored, by reason (e.g. SIGNATURE_INVALID). */
  readonly webhookRefusals: { inc(reason: string): void };
  /** Calls to the Gentrack API gateway (/v1/gentrack), by operation and outcome, with their time in the relay. */
  readonly gatewayCalls: { observe(operation: string, outcome: GatewayOutcome, seconds: number): void };
}

export function statusClassOf(status: CallStatus): StatusClass {
  if (status === 'error' || status < 100 || status > 599) return 'error';
  return `${Math.floor(status / 100)}xx` as StatusClass;
}

export interface CreateRelayMetricsOptions {
  /** Process and Node.js metrics (CPU, memory, event loop lag, GC); on by default. */
  readonly defaultMetrics?: boolean;
  /** Labels on every series, e.g. `{ tenant: config.tenantId }`. */
  readonly defaultLabels?: Record<string, string>;
}

export function createRelayMetrics(options: CreateRelayMetricsOptions = {}): RelayMetrics {
  const registry = new Registry();
  if (options.defaultLabels) registry.setDefaultLabels(options.defaultLabels);
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const eventsReceived = new Counter({
    name: `${METRIC_PREFIX}events_received_total`,
    help: 'Platform events received from the Salesforce subscription, by outcome: stored (new, in the outbox), duplicate (already stored, a redelivery), rejected (unreadable or invalid).',
    labelNames: ['outcome'] as const,
    registers,
  });
  // Series that exist from the start make rate() and absence alerts work before the first event.
  for (const outcome of EVENT_OUTCOMES) eventsReceived.inc({ outcome }, 0);

  const gauge = (name: string, help: string) => new Gauge({ name: METRIC_PREFIX + name, help, registers });
  const partsPending = gauge(
    'parts_pending',
    'Parts of split platform events stored and waiting for the remaining parts.',
  );
  const changesPending = gauge('changes_pending', 'Changes stored in the outbox and not yet delivered to Gentrack.');
  const writeBacksPending = gauge(
    'write_backs_pending',
    'Values from Gentrack waiting to be written back into Salesforce.',
  );
  const deadLetters = gauge(
    'dead_letters',
    'Entries in the dead-letter store, waiting for an operator to retry or discard them.',
  );

  const deliveries = new Counter({
    name: `${METRIC_PREFIX}deliveries_total`,
    help: 'Delivery attempts to Gentrack, by operation and outcome: delivered, retried (failed, will be tried again), dead_lettered (failed for good).',
    labelNames: ['operation', 'outcome'] as const,
    registers,
  });

  const callDuration = new Histogram({
    name: `${METRIC_PREFIX}gentrack_request_duration_seconds`,
    help: 'Duration of Gentrack API calls in seconds, by operation and status class (2xx, 4xx, 5xx, error when no response came back).',
    labelNames: ['operation', 'status_class'] as const,
    buckets: CALL_DURATION_BUCKETS,
    registers,
  });

  const breakerState = new Gauge({
    name: `${METRIC_PREFIX}circuit_breaker_state`,
    help: 'Circuit breaker state, one series per state: 1 for the current state, 0 for the others (closed, half_open, open).',
    labelNames: ['breaker', 'state'] as const,
    registers,
  });

  const subscriptionState = new Gauge({
    name: `${METRIC_PREFIX}subscription_state`,
    help: 'Salesforce Pub/Sub subscription state, one series per state: 1 for the current state (connecting, connected, reconnecting, stopped, failed).',
    labelNames: ['state'] as const,
    registers,
  });
  // Every series exists from the start, so an alert on `== 0` or a panel has something to read before the first change.
  let subscriptionNow: SubscriptionState = 'connecting';
  for (const state of SUBSCRIPTION_STATES) subscriptionState.set({ state }, state === subscriptionNow ? 1 : 0);

  for (const state of BREAKER_STATES) breakerState.set({ breaker: 'gentrack', state }, state === 'closed' ? 1 : 0);

  const replayIdCommitted = gauge(
    'last_replay_id_commit_timestamp_seconds',
    'Unix time when a replay id was last committed; a stale value while events flow means the relay is stuck.',
  );

  const gentrackEvents = new Counter({
    name: `${METRIC_PREFIX}gentrack_events_total`,
    help: 'Gentrack webhook events, by event type and outcome: accepted (stored in the inbox), applied (written into Salesforce), superseded (a newer event had already set its fields), retried, dead_lettered.',
    labelNames: ['event_type', 'outcome'] as const,
    registers,
  });
  const webhookRefusals = new Counter({
    name: `${METRIC_PREFIX}webhook_refusals_total`,
    help: 'Webhook requests refused before anything was stored, by reason (SIGNATURE_INVALID, TIMESTAMP_OUT_OF_TOLERANCE, TENANT_UNKNOWN, ...): forged or misconfigured senders show here.',
    labelNames: ['reason'] as const,
    registers,
  });

  const gatewayCalls = new Histogram({
    name: `${METRIC_PREFIX}gateway_request_duration_seconds`,
    help: 'Calls to the Gentrack API gateway (/v1/gentrack) from Salesforce, in seconds from request to answer, by operation and outcome: forwarded, cached, gentrack_error (Gentrack refused), refused (by the relay), error.',
    labelNames: ['operation', 'outcome'] as const,
    buckets: [0.001, 0.0025, 0.005, ...CALL_DURATION_BUCKETS],
    registers,
  });

  const refreshFailures = new Counter({
    name: `${METRIC_PREFIX}metrics_refresh_failures_total`,
    help: 'Scrape-time refreshers (e.g. store counts) that failed; the gauges they feed kept their last value.',
    registers,
  });
  const refreshers: Array<() => void | Promise<void>> = [];
  const refresh = async () => {
    const results = await Promise.allSettled(refreshers.map(async (refresher) => refresher()));
    refreshFailures.inc(results.filter((result) => result.status === 'rejected').length);
  };
  const observe = (operation: string, status: CallStatus, seconds: number) =>
    callDuration.observe({ operation, status_class: statusClassOf(status) }, seconds);

  return {
    registry,
    contentType: registry.contentType,
    async render() {
      await refresh();
      return registry.metrics();
    },
    refresh,
    onScrape: (refresh) => void refreshers.push(refresh),
    eventsReceived: { inc: (outcome, count = 1) => eventsReceived.inc({ outcome }, count) },
    partsPending: levelGauge(partsPending),
    changesPending: levelGauge(changesPending),
    writeBacksPending: levelGauge(writeBacksPending),
    deadLetters: levelGauge(deadLetters),
    deliveries: { inc: (operation, outcome, count = 1) => deliveries.inc({ operation, outcome }, count) },
    gatewayCalls: { observe: (operation, outcome, seconds) => gatewayCalls.observe({ operation, outcome }, seconds) },
    gentrackCallDuration: {
      observe,
      startTimer(operation) {
        const started = process.hrtime.bigint();
        return (status) => observe(operation, status, Number(process.hrtime.bigint() - started) / 1e9);
      },
    },
    circuitBreaker: {
      set(breaker, current) {
        for (const state of BREAKER_STATES) breakerState.set({ breaker, state }, state === current ? 1 : 0);
      },
    },
    subscription: {
      set(current) {
        // The subscriber reports 'connected' with every event: only a change of state rewrites the five series.
        if (current === subscriptionNow) return;
        subscriptionNow = current;
        for (const state of SUBSCRIPTION_STATES) subscriptionState.set({ state }, state === current ? 1 : 0);
      },
    },
    replayIdCommitted: { set: (at = new Date()) => replayIdCommitted.set(at.getTime() / 1000) },
    gentrackEvents: { inc: (eventType, outcome) => gentrackEvents.inc({ event_type: eventType, outcome }) },
    webhookRefusals: { inc: (reason) => webhookRefusals.inc({ reason }) },
  };
}

function levelGauge(gauge: Gauge): LevelGauge {
  return {
    set: (value) => gauge.set(value),
    inc: (by = 1) => gauge.inc(by),
    dec: (by = 1) => gauge.dec(by),
  };
}
