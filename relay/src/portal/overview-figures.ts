/**
 * The overview's figures, read from the relay's Prometheus registry: the very series `/metrics` exposes, after the
 * same scrape-time refreshers, so the portal and a scrape can never disagree.
 */
import type { Registry } from 'prom-client';
import { METRIC_PREFIX, type BreakerState, type SubscriptionState } from '../platform/ops/metrics.js';

/** What the portal needs of the relay's metrics (RelayMetrics has it). */
export interface MetricsSource {
  readonly registry: Registry;
  /** Brings the store-derived gauges up to date, as a scrape does. */
  refresh(): Promise<void>;
}

export interface OverviewFigures {
  readonly subscription: SubscriptionState | 'unknown';
  /** When the last event was stored (its replay id committed), epoch ms; null before the first. */
  readonly lastEventAt: number | null;
  readonly changesPending: number;
  readonly partsPending: number;
  readonly writeBacksPending: number;
  readonly deadLetters: number;
  readonly breaker: BreakerState | 'unknown';
  /** Since the relay started, summed over Gentrack operations. */
  readonly deliveries: { readonly delivered: number; readonly retried: number; readonly deadLettered: number };
  readonly eventsReceived: { readonly stored: number; readonly duplicate: number; readonly rejected: number };
  /** Gentrack webhook events since the relay started, by outcome, summed over event types. */
  readonly gentrackEvents: Readonly<
    Record<'accepted' | 'applied' | 'superseded' | 'retried' | 'dead_lettered', number>
  >;
  readonly webhookRefusals: number;
}

type Sample = { value: number; labels: Record<string, string | number> };

/** The samples of one series family, or none when the registry does not have it. */
export async function samplesOf(registry: Registry, name: string): Promise<Sample[]> {
  const metric = registry.getSingleMetric(METRIC_PREFIX + name);
  if (!metric) return [];
  return (await metric.get()).values as Sample[];
}

/** The sum of a family's samples whose `label` is `value` (all of them without a label). */
export function sumWhere(samples: readonly Sample[], label?: string, value?: string): number {
  return samples
    .filter((sample) => label === undefined || sample.labels[label] === value)
    .reduce((sum, sample) => sum + sample.value, 0);
}

function current<T extends string>(samples: readonly Sample[], where?: [string, string]): T | 'unknown' {
  const on = samples.find(
    (sample) => sample.value === 1 && (where === undefined || sample.labels[where[0]] === where[1]),
  );
  return (on?.labels.state as T | undefined) ?? 'unknown';
}

export async function readOverviewFigures(metrics: MetricsSource): Promise<OverviewFigures> {
  await metrics.refresh();
  const { registry } = metrics;
  const [subscription, lastCommit, pending, parts, writeBacks, dead, breaker, deliveries, events, gentrack, refusals] =
    await Promise.all(
      [
        'subscription_state',
        'last_replay_id_commit_timestamp_seconds',
        'changes_pending',
        'parts_pending',
        'write_backs_pending',
        'dead_letters',
        'circuit_breaker_state',
        'deliveries_total',
        'events_received_total',
        'gentrack_events_total',
        'webhook_refusals_total',
      ].map((name) => samplesOf(registry, name)),
    );
  const lastCommitSeconds = sumWhere(lastCommit!);
  return {
    subscription: current<SubscriptionState>(subscription!),
    lastEventAt: lastCommitSeconds > 0 ? Math.round(lastCommitSeconds * 1000) : null,
    changesPending: sumWhere(pending!),
    partsPending: sumWhere(parts!),
    writeBacksPending: sumWhere(writeBacks!),
    deadLetters: sumWhere(dead!),
    breaker: current<BreakerState>(breaker!, ['breaker', 'gentrack']),
    deliveries: {
      delivered: sumWhere(deliveries!, 'outcome', 'delivered'),
      retried: sumWhere(deliveries!, 'outcome', 'retried'),
      deadLettered: sumWhere(deliveries!, 'outcome', 'dead_lettered'),
    },
    eventsReceived: {
      stored: sumWhere(events!, 'outcome', 'stored'),
      duplicate: sumWhere(events!, 'outcome', 'duplicate'),
      rejected: sumWhere(events!, 'outcome', 'rejected'),
    },
    gentrackEvents: {
      accepted: sumWhere(gentrack!, 'outcome', 'accepted'),
      applied: sumWhere(gentrack!, 'outcome', 'applied'),
      superseded: sumWhere(gentrack!, 'outcome', 'superseded'),
      retried: sumWhere(gentrack!, 'outcome', 'retried'),
      dead_lettered: sumWhere(gentrack!, 'outcome', 'dead_lettered'),
    },
    webhookRefusals: sumWhere(refusals!),
  };
}
