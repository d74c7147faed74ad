import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRelayMetrics } from '../platform/ops/metrics.js';
import { rateChart } from './rate-chart.js';
import { HISTORY_MS, RateHistory, SAMPLE_INTERVAL_MS } from './rate-history.js';

test('deliveries per minute come from the delivery counters, over the last hour only', async () => {
  const metrics = createRelayMetrics({ defaultMetrics: false });
  let now = 1_000_000;
  const history = new RateHistory(metrics.registry, { clock: () => now });
  await history.sample();
  metrics.deliveries.inc('update-account', 'delivered', 10);
  metrics.deliveries.inc('customer-sync', 'delivered', 5);
  metrics.deliveries.inc('update-account', 'retried', 2);
  metrics.deliveries.inc('update-account', 'dead_lettered', 1);
  now += 30_000;
  await history.sample();
  assert.deepEqual(history.rates(), [{ at: now, deliveredPerMinute: 30, failedPerMinute: 6 }]);
  assert.deepEqual(history.totals(), { delivered: 15, failed: 3, sinceMs: 30_000 });

  for (let step = 0; step < HISTORY_MS / SAMPLE_INTERVAL_MS + 5; step++) {
    now += SAMPLE_INTERVAL_MS;
    await history.sample();
  }
  assert.ok(
    history.rates().every((rate) => rate.at >= now - HISTORY_MS),
    'older samples are dropped',
  );
  assert.deepEqual(history.totals().delivered, 0, 'nothing was delivered in the last hour');
});

test('the chart is an accessible SVG whose lines follow the rates', () => {
  const now = 10 * HISTORY_MS;
  const empty = rateChart([], now).text;
  assert.match(empty, /role="img"/);
  assert.match(empty, /No delivery figures yet/);
  assert.doesNotMatch(empty, /<polyline/);
  const chart = rateChart(
    [
      { at: now - 60_000, deliveredPerMinute: 40, failedPerMinute: 0 },
      { at: now, deliveredPerMinute: 80, failedPerMinute: 5 },
    ],
    now,
  ).text;
  assert.match(chart, /<polyline class="delivered" points="[\d.]+,[\d.]+ [\d.]+,[\d.]+"\/>/);
  assert.match(chart, /now 80 delivered and 5 failed; the highest was 80/);
  const [, , y1, , y2] = /points="([\d.]+),([\d.]+) ([\d.]+),([\d.]+)"/.exec(chart)!.map(Number);
  assert.ok(y2! < y1!, 'a higher rate is drawn higher');
});
