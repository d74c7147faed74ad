/**
 * The last hour of delivery counts, for the overview's chart: the relay's delivery counters sampled every few
 * seconds into a ring buffer. A sample reads three in-memory counters from the registry (no store query, nothing
 * per event), so keeping the history costs the relay nothing measurable whether or not anyone looks.
 */
import type { Registry } from 'prom-client';
import { samplesOf, sumWhere } from './overview-figures.js';

export const SAMPLE_INTERVAL_MS = 10_000;
export const HISTORY_MS = 60 * 60 * 1000;

export interface DeliverySample {
  readonly at: number;
  /** Counter values (since the relay started) at `at`. */
  readonly delivered: number;
  /** Retried and dead-lettered attempts. */
  readonly failed: number;
}

/** Deliveries per minute between two consecutive samples, stamped with the later one. */
export interface DeliveryRate {
  readonly at: number;
  readonly deliveredPerMinute: number;
  readonly failedPerMinute: number;
}

export class RateHistory {
  private readonly samples: DeliverySample[] = [];
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly registry: Registry,
    private readonly options: { intervalMs?: number; clock?: () => number } = {},
  ) {}

  start(): void {
    void this.sample();
    this.timer = setInterval(() => void this.sample(), this.options.intervalMs ?? SAMPLE_INTERVAL_MS);
    // A sampler must never keep the process alive.
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Takes one sample now (the timer calls it; tests call it to step time). */
  async sample(): Promise<void> {
    const deliveries = await samplesOf(this.registry, 'deliveries_total');
    const at = (this.options.clock ?? Date.now)();
    this.samples.push({
      at,
      delivered: sumWhere(deliveries, 'outcome', 'delivered'),
      failed: sumWhere(deliveries, 'outcome', 'retried') + sumWhere(deliveries, 'outcome', 'dead_lettered'),
    });
    while (this.samples.length > 0 && this.samples[0]!.at < at - HISTORY_MS) this.samples.shift();
  }

  /** Rates over the kept hour, oldest first. */
  rates(): DeliveryRate[] {
    return ratesOf(this.samples);
  }

  /** Deliveries and failures in the kept window (up to an hour). */
  totals(): { delivered: number; failed: number; sinceMs: number } {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (!first || !last) return { delivered: 0, failed: 0, sinceMs: 0 };
    return {
      delivered: last.delivered - first.delivered,
      failed: last.failed - first.failed,
      sinceMs: last.at - first.at,
    };
  }
}

export function ratesOf(samples: readonly DeliverySample[]): DeliveryRate[] {
  const rates: DeliveryRate[] = [];
  for (let index = 1; index < samples.length; index++) {
    const before = samples[index - 1]!;
    const after = samples[index]!;
    const minutes = (after.at - before.at) / 60_000;
    if (minutes <= 0) continue;
    rates.push({
      at: after.at,
      deliveredPerMinute: Math.max(0, after.delivered - before.delivered) / minutes,
      failedPerMinute: Math.max(0, after.failed - before.failed) / minutes,
    });
  }
  return rates;
}
