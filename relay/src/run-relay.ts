/**
 * Runs the relay as a service: configuration and secrets, logs, metrics and health on the operations server, and a
 * graceful shutdown on SIGINT/SIGTERM (a second signal exits at once). `gentrack-sf relay` calls this.
 */
import v8 from 'node:v8';
import { loadRelayConfig } from './platform/config/relay-config.js';
import { loadRelaySecrets } from './platform/config/relay-secrets.js';
import { HealthChecks } from './platform/ops/health.js';
import { createLogger } from './platform/ops/logger.js';
import { createRelayMetrics } from './platform/ops/metrics.js';
import { startOpsServer } from './platform/ops/ops-server.js';
import { Relay } from './relay.js';
import { startRelayApi } from './relay-api.js';
import { relayMetricsObserver, reportStoreCounts } from './relay-metrics.js';
import type { startDeadLetterBurstAlarm } from './dead-letter-bursts.js';
import type { RelayPortal, RelayPortalOptions } from './relay-portal.js';

export interface RunRelayOptions {
  readonly configFile?: string;
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * V8 lets the heap grow to several times its live size before collecting. The relay's live data is small and steady
 * (about 45 MB, most of it loaded code) while thousands of events a second pass through it, so that growth is garbage
 * held as RSS: grow the old generation by at most a fifth between collections instead (V8 grows it by at least 8 MB
 * whatever the percentage). bench:relay against 30 %: 10 full collections a run instead of 8, their pauses 75-90 ms
 * in all on a quiet machine, the same relay/raw ratio, peak RSS 155-158 MB against 160-161 MB.
 */
const HEAP_GROWING_PERCENT = 20;

/**
 * undici parses HTTP/1.1 responses with llhttp compiled to WebAssembly. V8 first compiles it with its baseline
 * compiler (Liftoff), then, once the relay is busy, recompiles the hot parser functions with TurboFan: tens of MB of
 * compiler memory at once (V8's peak malloced memory 46 MB against 11 MB without), which set the relay's peak RSS
 * in bench:relay. The baseline code parses a small response as fast for this workload (a bare undici loop of 20,000
 * requests: the same CPU, peak RSS 106 -> 80 MiB), so the relay keeps it. The flag must be set before the first
 * connection compiles the module; V8 reads it for every later WebAssembly compilation.
 */
const WEBASSEMBLY_TIER = '--liftoff-only';

/**
 * Resolves when the relay has stopped; the exit code says how (0 after a signal, 2 after a fatal error, 3 when it
 * could not start).
 */
export async function runRelay(options: RunRelayOptions = {}): Promise<number> {
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  v8.setFlagsFromString(WEBASSEMBLY_TIER);
  const env = options.env ?? process.env;
  const config = loadRelayConfig({ env, ...(options.configFile ? { file: options.configFile } : {}) });
  const secrets = loadRelaySecrets({ config, env });
  const logger = createLogger({ level: config.log.level, base: { tenantId: config.tenantId } });
  const metrics = createRelayMetrics({ defaultLabels: { tenant: config.tenantId } });

  let fatal: Error | undefined;
  let stopRequested: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (stopRequested = resolve));
  const relay = new Relay({
    config,
    secrets,
    logger,
    observer: relayMetricsObserver(metrics),
    onFatal: (error) => {
      fatal = error;
      stopRequested();
    },
  });

  reportStoreCounts(metrics, relay);
  // Liveness: only what a restart could mend. Readiness: what the relay needs from outside to carry changes now.
  const liveness = new HealthChecks();
  liveness.register('relay', () => {
    const { subscription } = relay.health();
    return {
      healthy: subscription !== 'failed',
      detail: subscription === 'failed' ? 'the subscription stopped for good; see the log' : 'running',
    };
  });
  liveness.register('store', () => {
    const health = relay.health();
    return {
      healthy: true,
      detail: { pending: health.pending, deadLetters: health.deadLetters, writeBacks: health.writeBacks },
    };
  });
  const readiness = new HealthChecks();
  readiness.register('subscription', () => {
    const { subscription } = relay.health();
    return { healthy: subscription === 'connected', detail: subscription };
  });
  readiness.register('gentrack', () => {
    const open = relay.health().breakerOpen;
    return { healthy: !open, detail: open ? 'circuit breaker open: Gentrack keeps failing' : 'circuit breaker closed' };
  });
  const gentrackEvents = relay.gentrackEvents;
  if (gentrackEvents) readiness.register('gentrack-events', () => gentrackEvents.health());
  const ops = await startOpsServer({
    host: config.http.host,
    port: config.http.port,
    metrics,
    health: () => liveness.report(),
    readiness: () => readiness.report(),
    logger,
  });
  logger.info({ url: ops.url }, 'operations server listening (GET /healthz, GET /readyz, GET /metrics)');

  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals > 1) {
      logger.warn({ signal }, 'second signal: exiting without waiting for calls in flight');
      process.exit(130);
    }
    logger.info({ signal }, 'stopping: finishing calls in flight');
    stopRequested();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  if (RUNS_FROM === 'source' && env.GENTRACK_SF_FROM_SOURCE !== '1') {
    logger.warn(
      'the relay runs from its TypeScript sources through tsx (dist/ is missing or was built from other sources): about 30 MB more memory; run npm run build',
    );
  }
  if (!config.salesforce.rejectUnauthorizedTls) {
    logger.warn(
      { setting: 'salesforce.rejectUnauthorizedTls' },
      'TLS CERTIFICATE CHECKS ARE OFF for the Salesforce Pub/Sub connection: anyone on the network path can read and change events. Use this only against a local sandbox.',
    );
  }

  let api: Awaited<ReturnType<typeof startRelayApi>>;
  let portal: RelayPortal | undefined;
  let bursts: ReturnType<typeof startDeadLetterBurstAlarm>;
  try {
    api = await startRelayApi({ relay, config, secrets, logger, metrics });
    portal = await startPortalWhenConfigured({ config, metrics, logger, relay, env });
    bursts = await startBurstAlarmWhenConfigured({
      config,
      smtpPassword: secrets.smtpPassword,
      logger,
      ...(portal ? { portalUrl: portal.url } : {}),
    });
    await relay.start();
  } catch (error) {
    // Close what did start, so a failed start ends the process instead of leaving it up and useless.
    logger.fatal({ err: error }, `the relay could not start: ${(error as Error).message}`);
    await portal?.close();
    await bursts?.stop();
    await relay
      .stop()
      .catch((stopError: unknown) =>
        logger.error({ err: stopError }, 'stopping the relay after a failed start failed'),
      );
    await ops.close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    return START_FAILED_EXIT_CODE;
  }
  logger.info({ runsFrom: RUNS_FROM }, 'relay started');
  await stopped;
  await portal?.close();
  await bursts?.stop();
  await api?.close();
  await relay.stop();
  await ops.close();
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  logger.info('relay stopped');
  return fatal ? 2 : 0;
}

/*
 * The portal (fastify's session, CSRF and rate-limit plugins, openid-client, nodemailer) and the dead-letter burst
 * alarm (nodemailer) are loaded only when their sections are configured: together about 20 MB of RSS a relay without
 * them would carry for nothing (issue 16's peak RSS budget).
 */
async function startPortalWhenConfigured(options: RelayPortalOptions): Promise<RelayPortal | undefined> {
  if (!options.config.portal) return undefined;
  const { startRelayPortal } = await import('./relay-portal.js');
  return startRelayPortal(options);
}

async function startBurstAlarmWhenConfigured(
  options: Parameters<typeof startDeadLetterBurstAlarm>[0],
): Promise<ReturnType<typeof startDeadLetterBurstAlarm>> {
  if (!options.config.email?.deadLetterBursts) return undefined;
  const { startDeadLetterBurstAlarm } = await import('./dead-letter-bursts.js');
  return startDeadLetterBurstAlarm(options);
}

/** Compiled (dist/, what an operator should run) or the TypeScript sources through tsx (development). */
const RUNS_FROM: 'dist' | 'source' = import.meta.url.endsWith('.js') ? 'dist' : 'source';

/** The exit code of a relay that could not start (a port in use, a bad key, an unreachable store). */
export const START_FAILED_EXIT_CODE = 3;
