/**
 * The demo: the sandbox (a Salesforce org with the connector's metadata, running its Apex triggers, and a Gentrack
 * tenant)
 * and the relay with its embedded SQLite store, a stream of realistic changes made in the org, and a live summary of
 * them arriving in Gentrack. Runs until Ctrl-C, or for `durationSeconds`.
 */
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import jsforce from 'jsforce';
import { PROJECT_ROOT } from '../../model/project-root.js';
import { resolveRelayConfig } from '../../relay/src/platform/config/relay-config.js';
import { loadRelaySecrets } from '../../relay/src/platform/config/relay-secrets.js';
import { createLogger } from '../../relay/src/platform/ops/logger.js';
import { createRelayMetrics } from '../../relay/src/platform/ops/metrics.js';
import { Relay } from '../../relay/src/relay.js';
import { relayMetricsObserver, reportStoreCounts } from '../../relay/src/relay-metrics.js';
import { startRelayPortal, type RelayPortal } from '../../relay/src/relay-portal.js';
import { addSandboxPortalAdmin, SANDBOX_PORTAL_ADMIN } from '../../sandbox/sandbox-portal.js';
import { startSandbox } from '../../sandbox/start-sandbox.js';
import { ChangeStream } from './change-stream.js';
import { renderExplanation, renderSummary, type DemoSnapshot } from './live-summary.js';

export interface DemoOptions {
  /** Stop after this many seconds (default: run until interrupted). */
  readonly durationSeconds?: number;
  /** Changes made in Salesforce per second. Default 8. */
  readonly changesPerSecond?: number;
  /** The portal's port (0, the default: any free one). */
  readonly portalPort?: number;
  readonly output?: NodeJS.WriteStream;
}

export async function runDemo(options: DemoOptions = {}): Promise<DemoSnapshot> {
  const output = options.output ?? process.stdout;
  const workDir = path.join(PROJECT_ROOT, 'var', 'demo');
  mkdirSync(workDir, { recursive: true });
  // Each run has a new sandbox org, whose event bus never issued the replay ids of an earlier run's store.
  const storePath = path.join(workDir, 'relay.db');
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${storePath}${suffix}`, { force: true });

  output.write('Starting the sandbox (Salesforce org, Pub/Sub API, Gentrack tenant) and the relay...\n');
  const sandbox = await startSandbox({ keepaliveIntervalMs: 1_000 });
  const config = resolveRelayConfig({
    text: JSON.stringify({ ...sandbox.relayConfigInput({ storePath }), portal: { port: options.portalPort ?? 0 } }),
    env: {},
  });
  const secrets = loadRelaySecrets({ config, env: sandbox.relaySecretsEnv() });
  const logFile = path.join(workDir, 'relay.log');
  const logger = createLogger({
    level: 'info',
    destination: (await import('pino')).default.destination({ dest: logFile, sync: false }),
  });
  // The relay's metrics feed the portal's overview, as they feed /metrics in a relay service.
  const metrics = createRelayMetrics();
  const relay = new Relay({ config, secrets, logger, observer: relayMetricsObserver(metrics) });
  reportStoreCounts(metrics, relay);
  const portalPassword = await addSandboxPortalAdmin(storePath);
  let portal: RelayPortal | undefined;
  try {
    portal = await startRelayPortal({ config, metrics, logger, relay });
    await relay.start();
  } catch (error) {
    await portal?.close();
    await relay.stop().catch(() => undefined);
    await sandbox.close();
    throw error;
  }
  while (relay.health().subscription !== 'connected') await new Promise((resolve) => setTimeout(resolve, 50));

  const admin = new jsforce.Connection({ loginUrl: sandbox.salesforce.loginUrl, version: '62.0' });
  const { username, password, securityToken } = sandbox.salesforce.org.credentials.admin;
  await admin.login(username, password + securityToken);
  const stream = new ChangeStream(admin);
  output.write(
    `Salesforce (sandbox): ${sandbox.salesforce.url}  Gentrack (sandbox): ${sandbox.gentrack.baseUrl}\n` +
      `Relay store: ${path.relative(PROJECT_ROOT, storePath)}  Relay log: ${path.relative(PROJECT_ROOT, logFile)}\n` +
      `Portal: ${portal!.url}  sign in as ${SANDBOX_PORTAL_ADMIN} (admin), password ${portalPassword}\n`,
  );

  const startedAt = Date.now();
  const snapshot = (): DemoSnapshot => ({
    elapsedSeconds: (Date.now() - startedAt) / 1000,
    salesforce: stream.summary,
    eventsPublished: sandbox.triggers?.publishCalls ?? 0,
    relay: relay.health(),
    gentrack: {
      counters: sandbox.gentrack.calls.counters,
      entities: sandbox.gentrack.state.counts(),
      recent: sandbox.gentrack.calls
        .list()
        .filter((call) => call.operation !== 'token')
        .slice(-6)
        .map((call) => ({
          operation: call.operation ?? '(unknown)',
          method: call.method,
          path: call.path,
          status: call.status,
        })),
    },
  });

  let stopping = false;
  const stop = () => {
    stopping = true;
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const interactive = Boolean(output.isTTY);
  const changeInterval = 1000 / (options.changesPerSecond ?? 8);
  let lastRender = 0;
  try {
    while (
      !stopping &&
      (options.durationSeconds === undefined || Date.now() - startedAt < options.durationSeconds * 1000)
    ) {
      await stream.next();
      if (Date.now() - lastRender >= (interactive ? 500 : 5_000)) {
        lastRender = Date.now();
        output.write(renderSummary(snapshot(), { interactive }));
      }
      await new Promise((resolve) => setTimeout(resolve, changeInterval));
    }
    output.write('\nStopping: letting the relay deliver what is in flight...\n');
    // The last change's event may still be on its way from the org to the relay, so an empty outbox alone does not
    // mean done: wait until the relay has committed the bus's latest replay id and delivered what it stored.
    const publishedUpTo = sandbox.bus.latestReplayId(sandbox.topic);
    const caughtUp = () => {
      const { pending, parts } = relay.health();
      return Number(relay.store.checkpoint(sandbox.topic) ?? 0) >= publishedUpTo && pending === 0 && parts === 0;
    };
    const deadline = Date.now() + 10_000;
    while (!caughtUp() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    await relay.flushWriteBacks();
    const final = { ...snapshot(), caughtUp: caughtUp() };
    output.write(renderSummary(final, { interactive: false }));
    output.write(renderExplanation(final, { logFile: path.relative(PROJECT_ROOT, logFile) }));
    return final;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await portal?.close();
    await relay.stop();
    await sandbox.close();
  }
}
