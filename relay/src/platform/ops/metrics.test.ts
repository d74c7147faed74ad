import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRelayMetrics, statusClassOf } from './metrics.js';

const RELAY_METRIC_NAMES = [
  'gentrack_relay_events_received_total',
  'gentrack_relay_parts_pending',
  'gentrack_relay_changes_pending',
  'gentrack_relay_deliveries_total',
  'gentrack_relay_gentrack_request_duration_seconds',
  'gentrack_relay_circuit_breaker_state',
  'gentrack_relay_dead_letters',
  'gentrack_relay_write_backs_pending',
  'gentrack_relay_subscription_state',
  'gentrack_relay_last_replay_id_commit_timestamp_seconds',
  'gentrack_relay_metrics_refresh_failures_total',
  'gentrack_relay_gentrack_events_total',
  'gentrack_relay_webhook_refusals_total',
];

test('the exposition holds every relay metric, documented, and the process metrics', async () => {
  const text = await createRelayMetrics().render();
  for (const name of RELAY_METRIC_NAMES) {
    assert.match(text, new RegExp(`^# HELP ${name} \\S`, 'm'), `${name} has help text`);
  }
  assert.match(text, /^process_cpu_user_seconds_total /m);
  assert.match(text, /^nodejs_eventloop_lag_seconds /m);
  assert.match(text, /^gentrack_relay_events_received_total\{outcome="duplicate"\} 0$/m, 'known series start at 0');
});

test('the typed object records what modules report', async () => {
  const metrics = createRelayMetrics({ defaultMetrics: false, defaultLabels: { tenant: 't1' } });
  metrics.eventsReceived.inc('stored', 3);
  metrics.deliveries.inc('update-account', 'retried');
  metrics.deliveries.inc('update-account', 'delivered');
  metrics.gentrackCallDuration.observe('update-account', 503, 0.2);
  metrics.gentrackCallDuration.startTimer('create-contact')('error');
  metrics.circuitBreaker.set('gentrack', 'open');
  metrics.subscription.set('connected');
  metrics.replayIdCommitted.set(new Date('2025-01-01T00:00:00Z'));
  metrics.deadLetters.set(2);
  metrics.gentrackEvents.inc('switch-loss-started', 'applied');
  metrics.webhookRefusals.inc('SIGNATURE_INVALID');
  let pending = 0;
  metrics.onScrape(() => void metrics.changesPending.set(++pending * 10));
  metrics.onScrape(() => Promise.reject(new Error('store closed')));

  const text = await metrics.render();
  const has = (line: string) => assert.ok(text.split('\n').includes(line), `missing ${line}`);
  has('gentrack_relay_events_received_total{outcome="stored",tenant="t1"} 3');
  has('gentrack_relay_deliveries_total{operation="update-account",outcome="retried",tenant="t1"} 1');
  has(
    'gentrack_relay_gentrack_request_duration_seconds_count{tenant="t1",operation="update-account",status_class="5xx"} 1',
  );
  has(
    'gentrack_relay_gentrack_request_duration_seconds_count{tenant="t1",operation="create-contact",status_class="error"} 1',
  );
  has('gentrack_relay_circuit_breaker_state{breaker="gentrack",state="open",tenant="t1"} 1');
  has('gentrack_relay_circuit_breaker_state{breaker="gentrack",state="closed",tenant="t1"} 0');
  has('gentrack_relay_subscription_state{state="connected",tenant="t1"} 1');
  has('gentrack_relay_subscription_state{state="reconnecting",tenant="t1"} 0');
  has('gentrack_relay_subscription_state{state="connecting",tenant="t1"} 0');
  has('gentrack_relay_last_replay_id_commit_timestamp_seconds{tenant="t1"} 1735689600');
  has('gentrack_relay_dead_letters{tenant="t1"} 2');
  has('gentrack_relay_changes_pending{tenant="t1"} 10');
  has('gentrack_relay_metrics_refresh_failures_total{tenant="t1"} 1');
  has('gentrack_relay_gentrack_events_total{event_type="switch-loss-started",outcome="applied",tenant="t1"} 1');
  has('gentrack_relay_webhook_refusals_total{reason="SIGNATURE_INVALID",tenant="t1"} 1');
  assert.ok(!text.includes('process_cpu'), 'default metrics can be left out');
});

test('the subscription state follows every change, whatever repeats in between', async () => {
  const metrics = createRelayMetrics({ defaultMetrics: false });
  const current = async () =>
    [...(await metrics.render()).matchAll(/^gentrack_relay_subscription_state\{state="(\w+)"\} 1$/gm)].map(
      (match) => match[1],
    );
  assert.deepEqual(await current(), ['connecting']);
  for (const state of ['connected', 'connected', 'reconnecting', 'reconnecting', 'connected'] as const)
    metrics.subscription.set(state);
  assert.deepEqual(await current(), ['connected']);
  metrics.subscription.set('connecting');
  assert.deepEqual(await current(), ['connecting']);
});

test('registries are independent, so tests can create several', async () => {
  const first = createRelayMetrics();
  const second = createRelayMetrics();
  first.eventsReceived.inc('rejected');
  assert.match(await first.render(), /outcome="rejected"\} 1/);
  assert.match(await second.render(), /outcome="rejected"\} 0/);
});

test('status classes', () => {
  assert.deepEqual([200, 201, 404, 429, 503, 'error' as const, 0].map(statusClassOf), [
    '2xx',
    '2xx',
    '4xx',
    '4xx',
    '5xx',
    'error',
    'error',
  ]);
});

test('the breaker and subscription series exist from the start: closed and connecting', async () => {
  const metrics = createRelayMetrics({ defaultMetrics: false, defaultLabels: { tenant: 't1' } });
  const text = await metrics.render();
  for (const line of [
    'gentrack_relay_circuit_breaker_state{breaker="gentrack",state="closed",tenant="t1"} 1',
    'gentrack_relay_circuit_breaker_state{breaker="gentrack",state="half_open",tenant="t1"} 0',
    'gentrack_relay_circuit_breaker_state{breaker="gentrack",state="open",tenant="t1"} 0',
    'gentrack_relay_subscription_state{state="connecting",tenant="t1"} 1',
    'gentrack_relay_subscription_state{state="connected",tenant="t1"} 0',
  ]) {
    assert.ok(text.includes(line), `${line}\n${text}`);
  }
});
