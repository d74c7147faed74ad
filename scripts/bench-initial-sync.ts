/**
 * `npm run bench:initial-sync`: how fast the initial synchronisation loads a Gentrack extract into the sandbox org,
 * and how much memory the loader needs, at two sizes.
 *
 * Per size: a synthetic extract (N accounts, one contact each, one relationship each: 3N records, JSON Lines) is
 * written to disk; the sandbox runs in one child process and the loader (`gentrack-sf initial-sync`'s code) in
 * another, so each process's peak RSS is its own (the sandbox holds every record it receives; the loader should hold
 * almost nothing). Printed: records/s per stage and end to end, and both peak RSS figures, for the full size and for
 * the comparison size. It is a benchmark, not a test: it prints the table and exits 0.
 *
 * In the same run, per size, the raw ceiling: the sandbox org alone taking the same extract through its ingest jobs in
 * process (scripts/bench-initial-sync/ceiling-child.ts), so the end-to-end rate can be read as a share of what the
 * sandbox can absorb at all on this machine.
 *
 * Options: --accounts N (default 1,000,000), --compare-accounts N (default 100,000; 0 skips the comparison run), --skip-ceiling,
 * --sandbox-heap-mb N (the sandbox child's V8 heap, default 16,384), --loader-heap-mb N (cap the loader's V8 heap, as
 * NODE_OPTIONS=--max-old-space-size=N would for `gentrack-sf initial-sync`; default: Node's own limit), --keep (keep the extracts in var/), --cpu-prof DIR
 * (V8 CPU profiles of both children, in DIR/sandbox and DIR/loader), --no-triggers (the org fires no Apex triggers: by
 * default the connector's triggers run on every chunk and find publishing disabled; compare the two to see their cost).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { writeSyntheticExtract } from '../sandbox/gentrack/synthetic-extract.js';
import { cliNodeOptions } from './cli-node-options.js';

const TARGETS = { recordsPerSecond: 50_000, loaderRssMB: 300, rssRatio: 1.3 };
const HERE = path.dirname(fileURLToPath(import.meta.url));
const WORK = path.join(HERE, '..', 'var', 'bench-initial-sync');

const { values: args } = parseArgs({
  options: {
    accounts: { type: 'string', default: '1000000' },
    'compare-accounts': { type: 'string', default: '100000' },
    'sandbox-heap-mb': { type: 'string', default: '16384' },
    'loader-heap-mb': { type: 'string' },
    keep: { type: 'boolean', default: false },
    'skip-ceiling': { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
    'no-triggers': { type: 'boolean', default: false },
  },
});
const ACCOUNTS = Number(args.accounts);
const COMPARE = Number(args['compare-accounts']);

const TRIGGER_ARGS = args['no-triggers'] ? ['--no-triggers'] : [];

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);
/**
 * A large young generation: the sandbox allocates a record's worth of garbage per row, and scavenges dominate
 * otherwise. Every record survives, and a scavenge's pause grew with the heap (about 14 ms at the start of a 1M-account
 * load, 35-40 ms at its end, --trace-gc), so fewer, larger ones cost less: the ceiling child at 1M accounts took
 * 28.5-31.0 s with 128 MB semi-spaces (four runs) against 33.1-35.4 s with 64 MB (three) and 31.1-33.8 s with 256 MB
 * (two); end to end, two alternated pairs gave 65,788 and 69,451 records/s against 62,896 and 68,871. No allocation-site pretenuring: every record the org keeps survives, so V8 soon allocates records straight
 * into the old generation (the profile showed about 2 µs a record in the literal that creates one, against 50 ns in the
 * young generation), and each field written into them afterwards costs a write barrier. At 1M accounts, runs
 * alternated: the ceiling child took 39.6 and 42.5 s without it against 52.3 and 47.5 s with it; end to end, 48,001 and
 * 56,898 records/s against 44,860 and 47,061. One V8 background thread, as gentrack-sf has (bin/gentrack-sf.js): the
 * scavenges are a third of the org's time, and with node's four helpers they competed with the loader for the second
 * core. With it on the sandbox and the loader started with gentrack-sf's node options, three alternated pairs at 1M
 * accounts: 58,360, 61,959 and 51,850 records/s end to end against 51,920, 58,654 and 53,736 (sandbox CPU 60.5-70.9 s
 * against 63.5-71.7 s).
 */
const SANDBOX_NODE_ARGS = (name: string) => [
  '--import',
  'tsx',
  `--max-old-space-size=${args['sandbox-heap-mb']}`,
  '--max-semi-space-size=128',
  '--no-allocation-site-pretenuring',
  '--v8-pool-size=1',
  ...profiling(name),
];

interface StageFigures {
  readonly name: string;
  readonly records: number;
  readonly seconds: number;
}

interface SizeResult {
  readonly accounts: number;
  readonly records: number;
  readonly outcome: string;
  readonly seconds: number;
  readonly loadSeconds: number;
  readonly stages: readonly StageFigures[];
  readonly loaderPeakRssBytes: number;
  readonly sandboxPeakRssBytes: number;
  readonly loaderCpuSeconds: number;
  readonly sandboxCpuSeconds: number;
  readonly generateSeconds: number;
  /** The sandbox org alone, in process, on the same extract: what no loader can exceed here. */
  readonly ceiling?: CeilingOutput;
}

interface CeilingOutput {
  readonly records: number;
  readonly seconds: number;
  readonly failed: number;
  readonly stages: readonly { name: string; records: number; seconds: number }[];
}

async function main(): Promise<void> {
  if (!Number.isInteger(ACCOUNTS) || ACCOUNTS < 1)
    throw new Error(`--accounts must be a positive whole number, got ${args.accounts}`);
  const sizes = [...(COMPARE > 0 && COMPARE !== ACCOUNTS ? [COMPARE] : []), ACCOUNTS];
  const results: SizeResult[] = [];
  for (const accounts of sizes) results.push(await runSize(accounts));
  process.stdout.write(render(results));
}

async function runSize(accounts: number): Promise<SizeResult> {
  const dir = path.join(WORK, String(accounts));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  log(`${accounts.toLocaleString('en-US')} accounts: writing the synthetic extract`);
  const generateStart = Date.now();
  const extract = await writeSyntheticExtract(path.join(dir, 'extract'), accounts);
  const generateSeconds = (Date.now() - generateStart) / 1000;
  log(`  ${(extract.bytes / 1024 / 1024).toFixed(0)} MB in ${generateSeconds.toFixed(1)} s; starting the sandbox`);

  try {
    const loaded = await loadIntoSandbox(dir, extract.dir);
    let ceiling: CeilingOutput | undefined;
    if (!args['skip-ceiling']) {
      log('  raw ceiling: the sandbox org alone, in process, on the same extract');
      ceiling = await runCeiling(extract.dir);
      log(`  ${Math.round(ceiling.records / ceiling.seconds).toLocaleString('en-US')} records/s`);
    }
    return {
      ...loaded,
      accounts,
      records: extract.records.accounts + extract.records.contacts + extract.records.relations,
      generateSeconds,
      ...(ceiling ? { ceiling } : {}),
    };
  } finally {
    if (!args.keep) rmSync(dir, { recursive: true, force: true });
  }
}

type LoadFigures = Omit<SizeResult, 'accounts' | 'records' | 'generateSeconds' | 'ceiling'>;

/** The sandbox in one process, the loader in another: the benchmark proper. */
async function loadIntoSandbox(dir: string, extractDir: string): Promise<LoadFigures> {
  const sandbox = fork(path.join(HERE, 'bench-initial-sync', 'sandbox-child.ts'), TRIGGER_ARGS, {
    execArgv: SANDBOX_NODE_ARGS('sandbox'),
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    const ready = (await nextMessage(sandbox, 'ready')) as {
      configInput: Record<string, unknown>;
      secretsEnv: Record<string, string>;
    };
    const configFile = path.join(dir, 'relay.json');
    const store = path.join(dir, 'relay.db');
    writeFileSync(configFile, JSON.stringify({ ...ready.configInput, store: { path: store } }));
    log('  loading (the loader is a process of its own)');
    const loaded = await runLoader(configFile, extractDir, path.join(dir, 'reports'), store, ready.secretsEnv);
    sandbox.send({ type: 'rss' });
    const sandboxRss = (await nextMessage(sandbox, 'rss')) as { peakRssBytes: number; cpuSeconds: number };
    const stages = (loaded.stages ?? []).map((stage) => ({
      name: stage.name,
      records: stage.counts ? stage.counts.read : 0,
      seconds: ((stage.endedAt ?? stage.startedAt) - stage.startedAt) / 1000,
    }));
    const loadSeconds = stages.filter((stage) => stage.records > 0).reduce((sum, stage) => sum + stage.seconds, 0);
    log(
      `  ${loaded.outcome} in ${loaded.seconds.toFixed(1)} s; loader memory peaks (MB): ${Object.entries(
        loaded.peaks ?? {},
      )
        .map(([name, bytes]) => `${name} ${Math.round(bytes / 1024 / 1024)}`)
        .join(', ')}`,
    );
    return {
      outcome: loaded.outcome ?? `exit ${loaded.code}`,
      seconds: loaded.seconds,
      loadSeconds,
      stages,
      loaderPeakRssBytes: loaded.peakRssBytes,
      sandboxPeakRssBytes: sandboxRss.peakRssBytes,
      loaderCpuSeconds: loaded.cpuSeconds,
      sandboxCpuSeconds: sandboxRss.cpuSeconds,
    };
  } finally {
    sandbox.send({ type: 'stop' });
    await Promise.race([once(sandbox, 'exit'), new Promise((resolve) => setTimeout(resolve, 5_000))]);
    if (sandbox.exitCode === null) sandbox.kill('SIGKILL');
  }
}

/** The raw ceiling, after the sandbox of the load has stopped (each holds every record in memory). */
async function runCeiling(extractDir: string): Promise<CeilingOutput> {
  const child = fork(path.join(HERE, 'bench-initial-sync', 'ceiling-child.ts'), [extractDir, ...TRIGGER_ARGS], {
    execArgv: SANDBOX_NODE_ARGS('ceiling'),
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  let stdout = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  const line = stdout.trim().split('\n').pop() ?? '';
  if (code !== 0 || !line.startsWith('{'))
    throw new Error(`the ceiling run exited with ${String(code)}: ${stdout.slice(-500)}`);
  return JSON.parse(line) as CeilingOutput;
}

interface LoaderOutput {
  code: number;
  seconds: number;
  outcome?: string;
  stages?: { name: string; startedAt: number; endedAt?: number; counts?: { read: number } }[];
  peakRssBytes: number;
  cpuSeconds: number;
  peaks?: Record<string, number>;
}

async function runLoader(
  configFile: string,
  extract: string,
  reportDir: string,
  store: string,
  secretsEnv: Record<string, string>,
): Promise<LoaderOutput> {
  const child = fork(
    path.join(HERE, 'bench-initial-sync', 'loader-child.ts'),
    [configFile, extract, reportDir, store],
    {
      // gentrack-sf's own node options, as `gentrack-sf initial-sync` starts with them.
      execArgv: [
        ...cliNodeOptions(),
        '--import',
        'tsx',
        ...(args['loader-heap-mb'] ? [`--max-old-space-size=${args['loader-heap-mb']}`] : []),
        ...profiling('loader'),
      ],
      env: { ...process.env, ...secretsEnv },
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    },
  );
  let stdout = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  const line = stdout.trim().split('\n').pop() ?? '';
  if (code !== 0 || !line.startsWith('{'))
    throw new Error(`the loader exited with ${String(code)}: ${stdout.slice(-500)}`);
  return JSON.parse(line) as LoaderOutput;
}

function profiling(name: string): string[] {
  return args['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(args['cpu-prof'], name)}`] : [];
}

async function nextMessage(child: ChildProcess, type: string): Promise<unknown> {
  for (;;) {
    const [message] = (await Promise.race([
      once(child, 'message'),
      once(child, 'exit').then(([code]) => {
        throw new Error(`the sandbox exited (${String(code)}) before sending "${type}"`);
      }),
    ])) as [{ type: string }];
    if (message.type === type) return message;
  }
}

function render(results: readonly SizeResult[]): string {
  const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;
  const rate = (records: number, seconds: number) =>
    seconds > 0 ? Math.round(records / seconds).toLocaleString('en-US') : '-';
  const lines = ['', 'Initial synchronisation into the sandbox (loader and sandbox in separate processes)', ''];
  const rows: string[][] = [['accounts', 'stage', 'records', 'seconds', 'records/s']];
  for (const result of results) {
    for (const stage of result.stages) {
      rows.push([
        result.accounts.toLocaleString('en-US'),
        stage.name,
        stage.records ? stage.records.toLocaleString('en-US') : '',
        stage.seconds.toFixed(1),
        stage.records ? rate(stage.records, stage.seconds) : '',
      ]);
    }
    rows.push([
      result.accounts.toLocaleString('en-US'),
      'END TO END (whole run)',
      result.records.toLocaleString('en-US'),
      result.seconds.toFixed(1),
      rate(result.records, result.seconds),
    ]);
    if (result.ceiling) {
      for (const stage of result.ceiling.stages) {
        rows.push([
          result.accounts.toLocaleString('en-US'),
          `  raw ceiling: ${stage.name}`,
          stage.records.toLocaleString('en-US'),
          stage.seconds.toFixed(1),
          rate(stage.records, stage.seconds),
        ]);
      }
      rows.push([
        result.accounts.toLocaleString('en-US'),
        'RAW CEILING (sandbox org alone)',
        result.ceiling.records.toLocaleString('en-US'),
        result.ceiling.seconds.toFixed(1),
        rate(result.ceiling.records, result.ceiling.seconds),
      ]);
    }
  }
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  lines.push(
    ...rows.map((row) =>
      row
        .map((cell, column) => (column >= 2 ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!)))
        .join('  '),
    ),
  );
  lines.push(
    '',
    'accounts     records  outcome                 loader peak RSS  sandbox peak RSS  loader CPU  sandbox CPU  extract written in',
  );
  for (const result of results) {
    lines.push(
      `${result.accounts.toLocaleString('en-US').padEnd(11)}  ${result.records.toLocaleString('en-US').padStart(9)}  ${result.outcome.padEnd(22)}  ${mb(result.loaderPeakRssBytes).padStart(15)}  ${mb(result.sandboxPeakRssBytes).padStart(16)}  ${`${result.loaderCpuSeconds.toFixed(1)} s`.padStart(10)}  ${`${result.sandboxCpuSeconds.toFixed(1)} s`.padStart(11)}  ${result.generateSeconds.toFixed(1)} s`,
    );
  }
  const load = os.loadavg()[0]!;
  lines.push(
    `(2 cores; 1-minute load average at the end ${load.toFixed(1)}: above ~2 the run competed with other work and the rates are low)`,
  );
  lines.push(
    "Raw ceiling: the same extract through the sandbox org's Bulk API ingest jobs in process (no HTTP, no loader; CSV built before",
  );
  lines.push("each job's clock starts): the most any loader can reach against this sandbox on this machine.");
  lines.push(
    args['no-triggers']
      ? 'The org fired no Apex triggers (--no-triggers).'
      : "The org ran the connector's Apex triggers on every chunk of 200 (they find publishing disabled and return).",
  );
  const full = results[results.length - 1]!;
  const small = results.length > 1 ? results[0] : undefined;
  const endToEnd = full.records / full.seconds;
  lines.push('', 'Targets:');
  lines.push(
    `  >= ${TARGETS.recordsPerSecond.toLocaleString('en-US')} records/s end to end: ${Math.round(endToEnd).toLocaleString('en-US')} (${endToEnd >= TARGETS.recordsPerSecond ? 'met' : 'NOT met'})`,
  );
  if (full.ceiling) {
    const ceiling = full.ceiling.records / full.ceiling.seconds;
    lines.push(
      `     raw ceiling of the sandbox org alone: ${Math.round(ceiling).toLocaleString('en-US')} records/s; end to end reaches ${Math.round((endToEnd / ceiling) * 100)} % of it`,
    );
  }
  lines.push(
    `  loader peak RSS < ${TARGETS.loaderRssMB} MB: ${mb(full.loaderPeakRssBytes)} (${full.loaderPeakRssBytes < TARGETS.loaderRssMB * 1024 * 1024 ? 'met' : 'NOT met'})`,
  );
  if (small) {
    const ratio = full.loaderPeakRssBytes / small.loaderPeakRssBytes;
    lines.push(
      `  loader peak RSS within ${TARGETS.rssRatio}x between ${small.accounts.toLocaleString('en-US')} and ${full.accounts.toLocaleString('en-US')} accounts: ${ratio.toFixed(2)}x (${ratio <= TARGETS.rssRatio ? 'met' : 'NOT met'})`,
    );
  }
  return `${lines.join('\n')}\n`;
}

await main();
