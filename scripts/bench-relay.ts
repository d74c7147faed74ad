/**
 * `npm run bench:relay`: how fast the relay carries Salesforce changes to Gentrack on this machine.
 *
 * The sandbox runs in this process; the relay runs as its own process (`gentrack-sf relay`), so the RSS is the
 * relay's own and the two do not share an event loop. Events are published straight into the sandbox event bus,
 * with the shape the generated triggers publish (checked against them at the start, see bench-accounts.ts): UPDATEs
 * of accounts that exist in both systems, one Gentrack call each. Phases:
 *   1. the relay with the durable outbox (store.synchronous FULL) starts and warms up on untimed events; then the raw
 *      ceiling, with the relay idle: a bare keep-alive undici loop (own process, same request shape, headers, token,
 *      concurrency);
 *   2. throughput of that relay, publish -> Gentrack receipt, in rounds, each followed by the raw ceiling again with
 *      the relay idle: this machine's speed drifts by tens of percent within a minute, so each round's relay / raw is
 *      to the mean of the ceilings either side of it, and the ratio reported is the median of the rounds';
 *   3. latency at a fixed offered rate (500 events/s), publish -> receipt from the Gentrack call log;
 *   4. throughput with synchronous NORMAL, for comparison, then the raw ceiling once more: its ratio is to the mean
 *      of that ceiling and the last FULL round's.
 * Each phase checks the outcome too: every event exactly one effective write, none out of order, nothing
 * dead-lettered, every write-back applied. It is a benchmark, not a test: it prints the table and exits 0.
 *
 * Options: --events N (throughput phases, default 50000, split over the FULL rounds), --rounds N (default 5: the
 * median of five is steadier on a drifting machine than the median of three),
 * --accounts N (default 2000), --latency-seconds N (default 10), --rate N (latency phase, default 500), --skip-normal,
 * --cpu-prof DIR (V8 CPU profiles of the relays, in DIR/full and DIR/normal),
 * --relay-node-args="ARGS" (node options for the relay processes, e.g. --relay-node-args="--max-old-space-size=96" to
 * see memory against CPU; written with "=", as the value starts with a dash), --portal (the relay runs its portal,
 * listening with nobody signed in: compare the relay / raw ratio and RSS against a run without).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { distIsCurrent } from '../bin/source-fingerprint.js';
import { PROJECT_ROOT } from '../model/project-root.js';
import { resolveRelayConfig } from '../relay/src/platform/config/relay-config.js';
import { startSandbox, type Sandbox } from '../sandbox/start-sandbox.js';
import { assertSameShapeAsTriggers, seedAccounts } from './bench-relay/bench-accounts.js';
import { measureLatency, measureThroughput, type ThroughputResult, type Workload } from './bench-relay/phases.js';
import { machineBusyMs, schedulerTime, since } from './bench-relay/cpu-accounting.js';
import { runRawCeiling, type RawCeilingJob, type RawCeilingResult } from './bench-relay/raw-ceiling.js';
import { startRelayChild, type RelayChild } from './bench-relay/relay-child.js';
import { formatNumber, renderReport, type ReportRow } from './bench-relay/report.js';
import { median } from './bench-statistics.js';

const TARGETS = { eventsPerSecond: 3_000, rawRatio: 0.5, p99Ms: 50, rssMB: 160 };
const FROM_SOURCES =
  "dist/ does not match the sources, so the relay runs from its TypeScript sources through tsx, not as an operator's relay does: its memory and CPU figures come out higher. Run npm run build first.";
/** Above this share of the machine's CPU time used by other processes, the run competed with other work. */
const CONTENDED = 0.1;
/** Events (raw requests) each relay (raw loop) makes before its clock starts: JIT compilation, pools, caches. */
const WARMUP = 2_000;
/** Above this spread of the raw ceilings (fastest minus slowest, a share of their mean), the speed changed. */
const DRIFT = 0.15;

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '50000' },
    rounds: { type: 'string', default: '5' },
    accounts: { type: 'string', default: '2000' },
    'latency-seconds': { type: 'string', default: '10' },
    rate: { type: 'string', default: '500' },
    'skip-normal': { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
    'relay-node-args': { type: 'string' },
    portal: { type: 'boolean', default: false },
  },
});
const EVENTS = Number(args.events);
const ROUNDS = Number(args.rounds);
for (const name of ['events', 'rounds'] as const) {
  const value = Number(args[name]);
  if (!Number.isInteger(value) || value < 1) usageError(`--${name} must be a positive whole number, got ${args[name]}`);
}
if (EVENTS < ROUNDS) usageError(`--events (${EVENTS}) must be at least --rounds (${ROUNDS})`);
const ROUND_EVENTS = Math.floor(EVENTS / ROUNDS);
const ACCOUNTS = Number(args.accounts);
const LATENCY_SECONDS = Number(args['latency-seconds']);
const RATE = Number(args.rate);

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

function usageError(message: string): never {
  process.stderr.write(`bench:relay: ${message}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  // What `gentrack-sf relay` runs: dist/ when it matches the sources, else the sources through tsx (heavier).
  const relayFromSources = !distIsCurrent(PROJECT_ROOT);
  if (relayFromSources) log(`WARNING: ${FROM_SOURCES}`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gentrack-bench-'));
  const sandbox = await startSandbox({ keepaliveIntervalMs: 1_000, gentrack: { recordCalls: false } });
  let relay: RelayChild | undefined;
  // The configuration the relay child resolves: the raw loop uses the same concurrency and pool size.
  const relayConfig = resolveRelayConfig({ text: JSON.stringify(sandbox.relayConfigInput()), env: {} });
  const concurrency = relayConfig.delivery.concurrency;
  const connections = relayConfig.gentrack.connections;
  try {
    log(`seeding ${ACCOUNTS} accounts in Salesforce and Gentrack`);
    const workload: Workload = { sandbox, accounts: await seedAccounts(sandbox, ACCOUNTS), cursor: 0 };
    // Before any relay subscribes (a new store starts at the newest event), so the check's event is never delivered.
    await assertSameShapeAsTriggers(sandbox, workload.accounts[0]!);
    log("the bench's events have the shape the Apex trigger publishes (checked on one update through the org)");

    const rawJob = {
      requests: ROUND_EVENTS,
      warmup: WARMUP,
      concurrency: concurrency,
      connections: connections,
      changedBy: sandbox.salesforce.org.users.admin.username,
      accounts: workload.accounts,
    };
    log(`relay with store.synchronous FULL: throughput in ${ROUNDS} rounds, each between two raw ceilings`);
    relay = await startRelayChild(sandbox, { dir, name: 'full', synchronous: 'FULL', ...relayRunOptions('full') });
    await warmUp(sandbox, workload, relay);
    // Every ceiling in the same state: the relay started, warmed up and idle (the first was once taken before the relay
    // started, and was 12-32 % above the one after round 1 in 13 of 15 runs).
    const raws = [await rawCeiling(sandbox, rawJob, 'before round 1, the relay idle')];
    const rounds: ThroughputPhase[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      rounds.push(await throughputPhase(sandbox, workload, relay, ROUND_EVENTS));
      raws.push(await rawCeiling(sandbox, rawJob, `after round ${round}, the relay idle`));
    }
    const full = combinedPhases(rounds);
    const roundRatios = rounds.map(
      (round, index) => round.perSecond / ((raws[index]!.perSecond + raws[index + 1]!.perSecond) / 2),
    );
    const ratio = median(roundRatios);
    log(`relay with store.synchronous FULL: latency at ${RATE} events/s for ${LATENCY_SECONDS} s`);
    const latency = await measureLatency(workload, RATE, LATENCY_SECONDS);
    await settle(sandbox, relay, latency.events);
    const rssMB = relay.peakRssMiB() * 1.048576;
    await relay.stop();
    relay = undefined;
    const raw = meanOfRawCeilings(raws);

    let normal: { result: ThroughputPhase; rssMB: number; ratio: number } | undefined;
    if (!args['skip-normal']) {
      log('relay with store.synchronous NORMAL: throughput');
      relay = await startRelayChild(sandbox, {
        dir,
        name: 'normal',
        synchronous: 'NORMAL',
        ...relayRunOptions('normal'),
      });
      await warmUp(sandbox, workload, relay);
      const result = await throughputPhase(sandbox, workload, relay, EVENTS);
      const rssMB = relay.peakRssMiB() * 1.048576;
      await relay.stop();
      relay = undefined;
      // Like a FULL round: to the mean of the ceilings either side of it.
      const rawAfter = await rawCeiling(sandbox, rawJob, 'after the NORMAL relay');
      const ratio = result.perSecond / ((raws.at(-1)!.perSecond + rawAfter.perSecond) / 2);
      normal = { result, rssMB, ratio };
    }

    const rows: ReportRow[] = [
      {
        metric: 'throughput, durable outbox (synchronous FULL)',
        measured: `${formatNumber(full.perSecond)} events/s`,
        target: `>= ${formatNumber(TARGETS.eventsPerSecond)} events/s`,
        met: full.perSecond >= TARGETS.eventsPerSecond,
      },
      ...(normal
        ? [{ metric: 'throughput, synchronous NORMAL', measured: `${formatNumber(normal.result.perSecond)} events/s` }]
        : []),
      {
        metric: 'raw ceiling (bare undici loop, same requests), mean',
        measured: `${formatNumber(raw.perSecond)} requests/s`,
      },
      {
        metric: 'raw ceiling before round 1, after each round',
        measured: raws.map((each) => formatNumber(each.perSecond)).join(' / '),
      },
      {
        metric: `relay / raw (FULL), median of ${ROUNDS} rounds`,
        measured: `${formatNumber(ratio * 100)} %`,
        target: `>= ${TARGETS.rawRatio * 100} %`,
        met: ratio >= TARGETS.rawRatio,
      },
      {
        metric: 'relay / raw (FULL) by round',
        measured: `${roundRatios.map((each) => formatNumber(each * 100)).join(' / ')} %`,
      },
      ...(normal
        ? [
            {
              metric: 'relay / raw (NORMAL), to the ceilings either side',
              measured: `${formatNumber(normal.ratio * 100)} %`,
            },
          ]
        : []),
      { metric: `latency p50 at ${RATE} events/s`, measured: `${formatNumber(latency.p50Ms)} ms` },
      {
        metric: `latency p99 at ${RATE} events/s`,
        measured: `${formatNumber(latency.p99Ms)} ms`,
        target: `< ${TARGETS.p99Ms} ms`,
        met: latency.p99Ms < TARGETS.p99Ms,
      },
      {
        metric: 'peak RSS of the relay (VmHWM, FULL run)',
        measured: `${formatNumber(rssMB)} MB`,
        target: `< ${TARGETS.rssMB} MB`,
        met: rssMB < TARGETS.rssMB,
      },
      ...(normal
        ? [{ metric: 'peak RSS of the relay (VmHWM, NORMAL run)', measured: `${formatNumber(normal.rssMB)} MB` }]
        : []),
      {
        metric: 'relay CPU per event (FULL): all threads / event loop',
        measured: `${formatNumber(full.relayUsPerEvent)} / ${formatNumber(full.relayLoopUsPerEvent)} µs`,
      },
      { metric: 'sandbox + publisher CPU per event (FULL)', measured: `${formatNumber(full.sandboxUsPerEvent)} µs` },
      {
        metric: 'raw loop CPU per request: client / sandbox',
        measured: `${formatNumber(raw.clientUsPerRequest)} / ${formatNumber(raw.sandboxUsPerRequest)} µs`,
      },
      { metric: 'relay + sandbox waiting for a CPU, FULL run', measured: `${formatNumber(full.waitedForCpu * 100)} %` },
      {
        metric: "other processes' share of the machine, FULL run",
        measured: `${formatNumber(full.otherLoad * 100)} %`,
      },
    ];
    const notes = [
      ...(relayFromSources ? [`WARNING: ${FROM_SOURCES}`] : []),
      `FULL: ${ROUNDS} rounds of ${formatNumber(ROUND_EVENTS)} events, NORMAL: ${formatNumber(EVENTS)} events, over ${formatNumber(ACCOUNTS)} accounts, each relay and raw loop after ${formatNumber(WARMUP)} untimed; raw rounds of ${formatNumber(ROUND_EVENTS)} requests; latency: ${formatNumber(latency.events)} events, max ${formatNumber(latency.maxMs)} ms.`,
      `Relay defaults: delivery.concurrency ${concurrency}, gentrack.connections ${connections}; ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), node ${process.version}${args.portal ? '; the portal on (listening, nobody signed in)' : ''}.`,
      `Throughput = events / (first publish -> last Gentrack receipt); latency = publish -> Gentrack receipt (call log, ms clock).`,
      `CPU per event is run time from the scheduler (all threads); waiting = time runnable without a CPU / time run.`,
      `The relay and the sandbox need more than the 2 cores together, so some waiting is their own; other processes' share says whether the machine was quiet.`,
      ...(raw.spread > DRIFT * raw.perSecond
        ? [
            `Note: the raw ceiling moved by over ${DRIFT * 100} % between its measurements: the machine's speed changed during the run; each round is compared with the ceilings either side of it.`,
          ]
        : []),
      ...[full, ...(normal ? [normal.result] : [])]
        .filter((phase) => phase.otherLoad > CONTENDED)
        .slice(0, 1)
        .map(
          () =>
            `WARNING: other processes used over ${CONTENDED * 100} % of the machine's CPU time during a throughput phase: its figures are low.`,
        ),
    ];
    process.stdout.write(
      renderReport('Relay benchmark (sandbox in this process, relay as a child process)', rows, notes),
    );
  } finally {
    await relay?.stop();
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One raw ceiling measurement; its Gentrack calls are forgotten after, like any phase's. */
async function rawCeiling(
  sandbox: Sandbox,
  job: Omit<RawCeilingJob, 'baseUrl' | 'tokenUrl' | 'clientId'>,
  when: string,
): Promise<RawCeilingResult> {
  log(`raw ceiling ${when}: ${job.requests} requests, ${job.concurrency} in flight`);
  const raw = await runRawCeiling(sandbox, job);
  if (raw.failures > 0) log(`WARNING: ${raw.failures} raw requests failed`);
  log(
    `  ${formatNumber(raw.perSecond)} requests/s; CPU per request: loop ${formatNumber(raw.clientUsPerRequest)} µs, sandbox ${formatNumber(raw.sandboxUsPerRequest)} µs`,
  );
  sandbox.gentrack.calls.clear();
  return raw;
}

/** The raw ceilings' figures as their means, with the spread between the fastest and the slowest. */
function meanOfRawCeilings(
  raws: readonly RawCeilingResult[],
): Pick<RawCeilingResult, 'perSecond' | 'clientUsPerRequest' | 'sandboxUsPerRequest'> & { readonly spread: number } {
  const mean = (figure: 'perSecond' | 'clientUsPerRequest' | 'sandboxUsPerRequest') =>
    raws.reduce((sum, each) => sum + each[figure], 0) / raws.length;
  const rates = raws.map((each) => each.perSecond);
  return {
    perSecond: mean('perSecond'),
    clientUsPerRequest: mean('clientUsPerRequest'),
    sandboxUsPerRequest: mean('sandboxUsPerRequest'),
    spread: Math.max(...rates) - Math.min(...rates),
  };
}

interface ThroughputPhase extends ThroughputResult {
  /** CPU time per event while events flowed: the relay process, and this process (the sandbox and the publisher). */
  readonly relayUsPerEvent: number;
  /** The relay's event loop thread alone: one event at a time passes through it, so it bounds the throughput. */
  readonly relayLoopUsPerEvent: number;
  readonly sandboxUsPerEvent: number;
  /** Time the relay and the sandbox waited for a CPU, relative to the time they ran (they also compete with each other). */
  readonly waitedForCpu: number;
  /** CPU time of every other process during the phase, as a share of all the machine's CPU time. */
  readonly otherLoad: number;
}

/**
 * Per relay run: with --cpu-prof DIR its V8 CPU profile goes to DIR/<run>; --relay-node-args adds node options;
 * --portal starts the relay's portal too.
 */
function relayRunOptions(run: string): { cpuProfileDir?: string; nodeArgs?: string[]; portal: boolean } {
  return {
    portal: args.portal,
    ...(args['cpu-prof'] ? { cpuProfileDir: path.resolve(args['cpu-prof'], run) } : {}),
    ...(args['relay-node-args'] ? { nodeArgs: args['relay-node-args'].split(/\s+/).filter(Boolean) } : {}),
  };
}

/** Throughput, then a check that the run was correct and the relay has caught up (write-backs applied). */
async function throughputPhase(
  sandbox: Sandbox,
  workload: Workload,
  relay: RelayChild,
  events: number,
): Promise<ThroughputPhase> {
  const before = sandbox.gentrack.calls.counters;
  const relayBefore = schedulerTime(relay.pid);
  const loopBefore = schedulerTime(relay.pid, true);
  const sandboxBefore = schedulerTime(process.pid);
  const busyBefore = machineBusyMs();
  const result = await measureThroughput(workload, events);
  const busyMs = machineBusyMs() - busyBefore;
  const relayTime = since(relayBefore, schedulerTime(relay.pid));
  const loopTime = since(loopBefore, schedulerTime(relay.pid, true));
  const sandboxTime = since(sandboxBefore, schedulerTime(process.pid));
  // The relay's event loop neither ran nor waited for a CPU: it waited for I/O (events, answers, the disk).
  const loopIdle = Math.max(0, 1 - (loopTime.runMs + loopTime.waitMs) / (result.seconds * 1000));
  const cpu = {
    relayUsPerEvent: (relayTime.runMs * 1000) / events,
    relayLoopUsPerEvent: (loopTime.runMs * 1000) / events,
    sandboxUsPerEvent: (sandboxTime.runMs * 1000) / events,
    waitedForCpu: (relayTime.waitMs + sandboxTime.waitMs) / (relayTime.runMs + sandboxTime.runMs),
    otherLoad: Math.max(0, busyMs - relayTime.runMs - sandboxTime.runMs) / (result.seconds * 1000 * os.cpus().length),
  };
  log(
    `  ${formatNumber(result.perSecond)} events/s (${result.seconds.toFixed(2)} s); CPU per event: relay ${formatNumber(cpu.relayUsPerEvent)} µs ` +
      `(event loop ${formatNumber(cpu.relayLoopUsPerEvent)} µs), ` +
      `sandbox ${formatNumber(cpu.sandboxUsPerEvent)} µs; waited for a CPU ${formatNumber(cpu.waitedForCpu * 100)} % of the time they ran; ` +
      `relay event loop idle ${formatNumber(loopIdle * 100)} %; other processes ${formatNumber(cpu.otherLoad * 100)} % of the machine`,
  );
  await settle(sandbox, relay, before.effectiveWrites + events, before.outOfOrder);
  return { ...result, ...cpu };
}

/** Rounds of one relay as one phase: their events over their time; per-event figures weighted by events. */
function combinedPhases(rounds: readonly ThroughputPhase[]): ThroughputPhase {
  const events = rounds.reduce((sum, round) => sum + round.events, 0);
  const seconds = rounds.reduce((sum, round) => sum + round.seconds, 0);
  const weighted = (figure: 'relayUsPerEvent' | 'relayLoopUsPerEvent' | 'sandboxUsPerEvent' | 'waitedForCpu') =>
    rounds.reduce((sum, round) => sum + round[figure] * round.events, 0) / events;
  return {
    events,
    seconds,
    perSecond: events / seconds,
    relayUsPerEvent: weighted('relayUsPerEvent'),
    relayLoopUsPerEvent: weighted('relayLoopUsPerEvent'),
    sandboxUsPerEvent: weighted('sandboxUsPerEvent'),
    waitedForCpu: weighted('waitedForCpu'),
    otherLoad: Math.max(...rounds.map((round) => round.otherLoad)),
  };
}

/** Events through a new relay before any clock starts, so no round is mostly the relay's JIT compilation. */
async function warmUp(sandbox: Sandbox, workload: Workload, relay: RelayChild): Promise<void> {
  const before = sandbox.gentrack.calls.counters;
  await measureThroughput(workload, WARMUP);
  await settle(sandbox, relay, before.effectiveWrites + WARMUP, before.outOfOrder);
}

/** Waits until the relay has nothing pending, then checks exactly-once, order and dead letters. */
async function settle(
  sandbox: Sandbox,
  relay: RelayChild,
  expectedWrites: number,
  outOfOrderBefore = 0,
): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const gauges = await relay.gauges();
    if (gauges.changesPending === 0 && gauges.writeBacksPending === 0) {
      if (gauges.deadLetters !== 0)
        throw new Error(
          `the relay dead-lettered ${gauges.deadLetters} changes:\n${relay.output.slice(-10).join('\n')}`,
        );
      break;
    }
    if (Date.now() > deadline) throw new Error(`the relay did not settle: ${JSON.stringify(gauges)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const counters = sandbox.gentrack.calls.counters;
  if (counters.effectiveWrites !== expectedWrites)
    throw new Error(`Gentrack has ${counters.effectiveWrites} effective writes, expected ${expectedWrites}`);
  if (counters.outOfOrder !== outOfOrderBefore)
    throw new Error(`${counters.outOfOrder - outOfOrderBefore} writes arrived out of order`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
