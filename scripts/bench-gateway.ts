/**
 * `npm run bench:gateway`: what the relay's Gentrack API gateway adds to a GET, against calling the Gentrack
 * stand-in directly, in the same run. The stand-in and the relay API (token endpoint, bearer check, rate limit, the
 * model's gentrackApi, the call record and metrics, the relay's Gentrack client and typed API) run in this process;
 * the load runs in a child process (scripts/bench-gateway/load-generator.mjs) at a fixed offered rate, one direct and
 * one gateway GET per tick of get-account-balance (never cached: every gateway call is forwarded). Overhead is the
 * gateway's percentile minus the direct one. A benchmark, not a test: it prints the table and exits 0.
 *
 * Options: --rate N (GETs per second on each path, default 200), --seconds N (default 20), --warmup-seconds N
 * (default 3, not measured).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { AccessTokenSigner } from '../relay/src/platform/api-auth/access-tokens.js';
import { ApiClientStore } from '../relay/src/platform/api-auth/api-client-store.js';
import { createCredentials } from '../relay/src/platform/api-auth/credential-lifecycle.js';
import { Secret } from '../relay/src/platform/config/secret.js';
import { connectorModel } from '../relay/src/platform/connector-model.generated.js';
import { openRelayDatabase } from '../relay/src/platform/db/relay-database.js';
import { createGentrackApi } from '../relay/src/platform/gentrack/gentrack-api.js';
import { createGentrackClient } from '../relay/src/platform/gentrack/gentrack-client.js';
import { createRelayMetrics } from '../relay/src/platform/ops/metrics.js';
import { GatewayCallLog } from '../relay/src/gentrack-gateway/gateway-call-log.js';
import { registerGentrackGateway } from '../relay/src/gentrack-gateway/gateway-routes.js';
import { startApiServer } from '../relay/src/sync-jobs/api-server.js';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, startGentrackSandbox } from '../sandbox/gentrack/index.js';
import { machineBusyMs, schedulerTime, since } from './bench-relay/cpu-accounting.js';
import { formatNumber, renderReport } from './bench-relay/report.js';
import { percentile } from './bench-statistics.js';

const TARGET_P99_OVERHEAD_MS = 2;
/** Above this share of the machine's CPU used by other processes, the run competed with other work. */
const CONTENDED = 0.1;
const AGENT = 'bench.agent@utility.example';

const { values: args } = parseArgs({
  options: {
    rate: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '20' },
    'warmup-seconds': { type: 'string', default: '3' },
  },
});
const RATE = Number(args.rate);
const SECONDS = Number(args.seconds);
const WARMUP_SECONDS = Number(args['warmup-seconds']);
const run = promisify(execFile);
const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gentrack-bench-gateway-'));
  const tenant = await startGentrackSandbox({ recordCalls: false });
  const account = tenant.state.seedAccount({ account: { name: 'Bench Cafe' }, status: 'Active' }).accountNumber;
  tenant.state.seedBillingHistory(account, { unpaidBills: 2 });
  const gentrack = createGentrackClient({
    baseUrl: tenant.baseUrl,
    tokenUrl: tenant.tokenUrl,
    clientId: DEFAULT_CLIENT_ID,
    clientSecret: DEFAULT_CLIENT_SECRET,
  });
  const storePath = path.join(dir, 'relay.db');
  const clients = new ApiClientStore(openRelayDatabase(storePath));
  const signer = new AccessTokenSigner({ key: new Secret('b'.repeat(32)), audience: 'bench', ttlSeconds: 3600 });
  const callLog = GatewayCallLog.open(storePath);
  const server = await startApiServer({
    host: '127.0.0.1',
    port: 0,
    tenantId: 'bench',
    model: connectorModel,
    runner: { submit: () => assertNever('sync jobs'), get: () => undefined },
    clients,
    signer,
    rateLimit: { burst: 1_000, perMinute: 60_000 },
    logger: pino({ level: 'silent' }),
    mount: (app, authenticate) =>
      registerGentrackGateway(app, {
        access: connectorModel.gentrackApi,
        api: createGentrackApi(gentrack),
        authenticate,
        limits: {
          requestBodyBytes: 65_536,
          responseBytes: 6 * 1024 * 1024,
          // The load is one client at a fixed rate: the limit must not be what is measured.
          rateLimit: { max: 1_000_000, windowMs: 60_000 },
          cache: { maxEntries: 5_000, maxBytes: 64 * 1024 * 1024 },
        },
        callLog,
        metrics: createRelayMetrics({ defaultMetrics: false }),
      }),
  });
  const { client } = await createCredentials(clients);
  const gentrackToken = await fetch(tenant.tokenUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${DEFAULT_CLIENT_ID}:${DEFAULT_CLIENT_SECRET}`).toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: 'client_credentials' }),
  }).then(async (response) => ((await response.json()) as { access_token: string }).access_token);
  const load = (rate: number, seconds: number) =>
    JSON.stringify({
      rate,
      seconds,
      direct: {
        url: `${tenant.baseUrl}/accounts/${account}/balance`,
        headers: { authorization: `Bearer ${gentrackToken}`, 'x-on-behalf-of': AGENT, 'x-trace-id': 'bench' },
      },
      gateway: {
        url: `${server.url}/v1/gentrack/accounts/${account}/balance`,
        headers: { authorization: `Bearer ${signer.issue(client.clientId).token}`, 'x-on-behalf-of': AGENT },
      },
    });
  const generator = path.join(import.meta.dirname, 'bench-gateway', 'load-generator.mjs');

  try {
    log(`warming up for ${WARMUP_SECONDS} s`);
    await run(process.execPath, [generator, load(RATE, WARMUP_SECONDS)], { maxBuffer: 64 * 1024 * 1024 });
    log(`measuring ${RATE} GETs/s on each path for ${SECONDS} s`);
    const ownBefore = schedulerTime(process.pid);
    const busyBefore = machineBusyMs();
    const wallBefore = performance.now();
    const child = run(process.execPath, [generator, load(RATE, SECONDS)], { maxBuffer: 64 * 1024 * 1024 });
    const childPid = child.child.pid!;
    let childCpu = { runMs: 0, waitMs: 0 };
    const sampler = setInterval(() => {
      try {
        childCpu = schedulerTime(childPid);
      } catch {
        // the load generator ended
      }
    }, 250);
    const { stdout } = await child;
    clearInterval(sampler);
    const wallMs = performance.now() - wallBefore;
    const own = since(ownBefore, schedulerTime(process.pid));
    const busyMs = machineBusyMs() - busyBefore;
    const result = JSON.parse(stdout) as {
      direct: number[];
      gateway: number[];
      failures: { direct: number; gateway: number };
      lateStarts: number;
    };
    const direct = [...result.direct].sort((a, b) => a - b);
    const gateway = [...result.gateway].sort((a, b) => a - b);
    const row = (label: string, p: number) => ({
      direct: percentile(direct, p),
      gateway: percentile(gateway, p),
      label,
    });
    const p50 = row('p50', 50);
    const p99 = row('p99', 99);
    const overhead99 = p99.gateway - p99.direct;
    const cores = os.cpus().length;
    const othersShare = Math.max(0, busyMs - own.runMs - childCpu.runMs) / (wallMs * cores);
    const ms = (value: number) => `${formatNumber(value, 2)} ms`;
    process.stdout.write(
      renderReport(
        `Gentrack API gateway: GET get-account-balance at ${RATE}/s on each path, ${SECONDS} s, ${direct.length} + ${gateway.length} answers`,
        [
          { metric: 'direct to the stand-in p50', measured: ms(p50.direct) },
          { metric: 'through the gateway p50', measured: ms(p50.gateway) },
          { metric: 'gateway overhead p50', measured: ms(p50.gateway - p50.direct) },
          { metric: 'direct to the stand-in p99', measured: ms(p99.direct) },
          { metric: 'through the gateway p99', measured: ms(p99.gateway) },
          {
            metric: 'gateway overhead p99',
            measured: ms(overhead99),
            target: `< ${TARGET_P99_OVERHEAD_MS} ms`,
            met: overhead99 < TARGET_P99_OVERHEAD_MS,
          },
          {
            metric: 'failed calls (direct / gateway)',
            measured: `${result.failures.direct} / ${result.failures.gateway}`,
          },
        ],
        [
          `The stand-in and the relay API share this process; the load runs in its own. Relay process CPU: ${formatNumber(own.runMs)} ms, waiting for a CPU ${formatNumber(own.waitMs)} ms.`,
          `Requests that left more than one interval late: ${result.lateStarts}.`,
          othersShare > CONTENDED
            ? `WARNING: other processes used ${formatNumber(othersShare * 100)} % of the machine's ${cores} CPUs during the run: the figures include their interference.`
            : `Other processes used ${formatNumber(othersShare * 100)} % of the machine's ${cores} CPUs during the run.`,
        ],
      ),
    );
  } finally {
    await server.close();
    callLog.close();
    await gentrack.close();
    await tenant.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function assertNever(what: string): never {
  throw new Error(`the benchmark makes no ${what}`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench:gateway failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
