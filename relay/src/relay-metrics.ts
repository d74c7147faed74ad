/**
 * The relay's Prometheus metrics, fed: an observer that counts what the relay does (events, deliveries, calls,
 * breaker and subscription states, Gentrack events), and the store's counts read at scrape time. Both the relay
 * service (run-relay.ts) and the demo use it, so /metrics and the portal read one set of series.
 */
import type { RelayMetrics } from './platform/ops/metrics.js';
import type { Relay, RelayObserver } from './relay.js';

/** The store's counts (pending changes and parts, dead letters, write-backs), read when metrics are. */
export function reportStoreCounts(metrics: RelayMetrics, relay: Pick<Relay, 'health'>): void {
  metrics.onScrape(() => {
    const health = relay.health();
    metrics.changesPending.set(health.pending);
    metrics.partsPending.set(health.parts);
    metrics.deadLetters.set(health.deadLetters);
    metrics.writeBacksPending.set(health.writeBacks);
  });
}

export function relayMetricsObserver(metrics: RelayMetrics): RelayObserver {
  return {
    ingested: (outcome, count) => metrics.eventsReceived.inc(outcome === 'part-waiting' ? 'stored' : outcome, count),
    // The operation label is the Gentrack operation (update-account, customer-sync, ...), one count per call.
    delivered: (_change, operations) => {
      for (const operation of operations) metrics.deliveries.inc(operation, 'delivered');
    },
    retried: (_change, _reason, _delayMs, operation) => metrics.deliveries.inc(operation, 'retried'),
    deadLettered: (_change, _reason, operation) => metrics.deliveries.inc(operation, 'dead_lettered'),
    breakerChanged: (_open, state) => metrics.circuitBreaker.set('gentrack', state),
    called: (operation, status, seconds) => metrics.gentrackCallDuration.observe(operation, status, seconds),
    subscriptionChanged: (state) => {
      if (state === 'connected') metrics.replayIdCommitted.set();
      metrics.subscription.set(state);
    },
    gentrackEvents: {
      accepted: (eventType) => metrics.gentrackEvents.inc(eventType, 'accepted'),
      applied: (eventType) => metrics.gentrackEvents.inc(eventType, 'applied'),
      superseded: (eventType) => metrics.gentrackEvents.inc(eventType, 'superseded'),
      retried: (eventType) => metrics.gentrackEvents.inc(eventType, 'retried'),
      deadLettered: (eventType) => metrics.gentrackEvents.inc(eventType, 'dead_lettered'),
      refused: (reason) => metrics.webhookRefusals.inc(reason),
    },
  };
}
