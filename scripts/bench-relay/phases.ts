/**
 * The two ways the benchmark loads the relay, both by publishing straight into the sandbox event bus:
 * - throughput: as fast as the relay takes events (a bounded backlog ahead of Gentrack's receipts), timed from the
 *   first publish to the last receipt, with Gentrack's call recording off (its counters still count);
 * - latency: a fixed offered rate, each event's publish time matched with its receipt in Gentrack's call log.
 */
import { callTransactionId } from '../../relay/src/to-gentrack/gentrack-calls.js';
import type { Sandbox } from '../../sandbox/start-sandbox.js';
import { percentile } from '../bench-statistics.js';
import { nextUpdateEvent, type BenchAccount } from './bench-accounts.js';

/** Events per publish call: one trigger chunk of 200 records publishes up to 200 events. */
const PUBLISH_BATCH = 200;
/** Published but not yet received by Gentrack: enough that the relay never waits for the publisher. */
const MAX_AHEAD = 5_000;
/** A phase fails when Gentrack receives nothing new for this long. */
const STALL_MS = 30_000;

export interface Workload {
  readonly sandbox: Sandbox;
  readonly accounts: BenchAccount[];
  /** Round-robin over the accounts, so consecutive events are for different records. */
  cursor: number;
}

export interface ThroughputResult {
  readonly events: number;
  readonly seconds: number;
  readonly perSecond: number;
}

export interface LatencyResult {
  readonly events: number;
  readonly offeredPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

export async function measureThroughput(workload: Workload, events: number): Promise<ThroughputResult> {
  const { sandbox } = workload;
  const calls = sandbox.gentrack.calls;
  calls.recording = false;
  const base = calls.counters.effectiveWrites;
  const received = () => calls.counters.effectiveWrites - base;
  let published = 0;
  let lastProgress = { count: 0, at: Date.now() };
  const startedAt = performance.now();
  for (;;) {
    const done = received();
    if (done >= events) break;
    if (done !== lastProgress.count) lastProgress = { count: done, at: Date.now() };
    else if (Date.now() - lastProgress.at > STALL_MS)
      throw new Error(`Gentrack received ${done} of ${events} events and then nothing for ${STALL_MS / 1000} s`);
    if (published < events && published - done < MAX_AHEAD) {
      const size = Math.min(PUBLISH_BATCH, events - published);
      publish(workload, size);
      published += size;
      await new Promise((resolve) => setImmediate(resolve));
    } else {
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }
  const seconds = (performance.now() - startedAt) / 1000;
  calls.recording = true;
  return { events, seconds, perSecond: events / seconds };
}

export async function measureLatency(workload: Workload, perSecond: number, seconds: number): Promise<LatencyResult> {
  const { sandbox } = workload;
  const calls = sandbox.gentrack.calls;
  calls.recording = true;
  calls.clear();
  const total = Math.round(perSecond * seconds);
  const publishedAt = new Map<string, number>();
  const startedAt = performance.now();
  while (publishedAt.size < total) {
    const due = Math.min(total, Math.floor(((performance.now() - startedAt) / 1000) * perSecond));
    const size = due - publishedAt.size;
    if (size > 0) {
      const at = Date.now();
      // Each is one update-account call, under the call's own transaction id.
      for (const transactionId of publish(workload, size))
        publishedAt.set(callTransactionId(transactionId, { key: 'update-account' }), at);
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  let lastCount = -1;
  let lastChange = Date.now();
  for (;;) {
    const count = calls.counters.effectiveWrites;
    if (count >= total) break;
    if (count !== lastCount) [lastCount, lastChange] = [count, Date.now()];
    else if (Date.now() - lastChange > STALL_MS)
      throw new Error(`Gentrack received ${count} of ${total} events in the latency phase`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const latencies: number[] = [];
  for (const call of calls.byOperation('update-account')) {
    const sentAt = call.transactionId === undefined ? undefined : publishedAt.get(call.transactionId);
    if (sentAt !== undefined && call.effective) latencies.push(Date.parse(call.at) - sentAt);
  }
  if (latencies.length !== total)
    throw new Error(`matched ${latencies.length} of ${total} latency events in Gentrack's call log`);
  latencies.sort((a, b) => a - b);
  return {
    events: total,
    offeredPerSecond: perSecond,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    maxMs: latencies.at(-1)!,
  };
}

/** Publishes `count` UPDATE events in one call, as one trigger invocation would; returns their transaction ids. */
function publish(workload: Workload, count: number): string[] {
  const { sandbox, accounts } = workload;
  const admin = sandbox.salesforce.org.users.admin;
  const batch = [];
  for (let i = 0; i < count; i++) {
    batch.push(nextUpdateEvent(accounts[workload.cursor % accounts.length]!, admin.username));
    workload.cursor++;
  }
  sandbox.bus.publish(
    sandbox.topic,
    batch.map((event) => event.values),
    { createdById: admin.id },
  );
  return batch.map((event) => event.transactionId);
}
