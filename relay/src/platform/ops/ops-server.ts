/**
 * The operations HTTP server: `GET /healthz` (liveness: is the process able to work at all; a restart would help
 * only when it is not), `GET /readyz` (readiness: are Salesforce and Gentrack reachable, so the relay carries
 * changes now), each 200 with a JSON report or 503, and `GET /metrics` (Prometheus text). A probe's failure is logged
 * when it starts and when it ends, not at every probe. It has no authentication, so it binds to loopback by default
 * (config `http.host`). Request logging is off: probes and scrapes every few seconds would drown the relay's logs.
 */
import Fastify, {
  LogController,
  type FastifyInstance,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from 'fastify';
import { componentLogger, type Logger } from './logger.js';
import type { HealthReport } from './health.js';
import type { RelayMetrics } from './metrics.js';
import { RelayError } from '../errors.js';
import { listenOrExplain } from '../http/listen.js';

/** The fastify instance extra routes are registered on. */
export type OpsServerApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  Logger
>;

export interface OpsServerOptions {
  readonly host: string;
  /** 0 picks a free port; `OpsServer.port` tells which. */
  readonly port: number;
  readonly metrics: RelayMetrics;
  /** Liveness, usually `() => livenessChecks.report()`. */
  readonly health: () => HealthReport | Promise<HealthReport>;
  /** Readiness; without it /readyz answers as /healthz. */
  readonly readiness?: () => HealthReport | Promise<HealthReport>;
  readonly logger: Logger;
  /** More operator routes (e.g. dead-letter administration), registered before listening. */
  readonly routes?: (app: OpsServerApp) => void | Promise<void>;
}

export interface OpsServer {
  readonly host: string;
  readonly port: number;
  /** e.g. http://127.0.0.1:8787 */
  readonly url: string;
  /** Stops accepting connections and waits for in-flight requests; safe to call twice. */
  close(): Promise<void>;
}

export class OpsServerError extends RelayError {
  constructor(
    readonly code: 'OPS_SERVER_LISTEN_FAILED',
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'OpsServerError';
  }
}

export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const logger = componentLogger(options.logger, 'ops-server');
  const app: OpsServerApp = Fastify({
    // Fastify's own info lines ("Server listening at ...", one per address) would repeat the relay's announcement.
    loggerInstance: logger.child({}, { level: 'warn' }),
    logController: new LogController({ disableRequestLogging: true }),
  });

  const probe = (path: string, report: () => HealthReport | Promise<HealthReport>) => {
    let lastStatus: HealthReport['status'] = 'ok';
    app.get(path, async (_request, reply) => {
      let result: HealthReport;
      try {
        result = await report();
      } catch (error) {
        logger.error({ err: error }, `the ${path} report failed`);
        result = { status: 'unhealthy', checkedAt: new Date().toISOString(), components: {} };
      }
      if (result.status !== lastStatus) {
        if (result.status === 'ok') logger.info({ probe: path }, `${path} is ok again`);
        else logger.warn({ probe: path, health: result }, `${path} reports unhealthy`);
        lastStatus = result.status;
      }
      return reply
        .code(result.status === 'ok' ? 200 : 503)
        .header('cache-control', 'no-store')
        .send(result);
    });
  };
  probe('/healthz', options.health);
  probe('/readyz', options.readiness ?? options.health);

  app.get('/metrics', async (_request, reply) =>
    reply
      .type(options.metrics.contentType)
      .header('cache-control', 'no-store')
      .send(await options.metrics.render()),
  );

  await options.routes?.(app);

  const { port, urlHost } = await listenOrExplain(
    app,
    {
      host: options.host,
      port: options.port,
      hostSetting: 'http.host (GENTRACK_RELAY_HTTP_HOST)',
      portSetting: 'http.port (GENTRACK_RELAY_HTTP_PORT)',
    },
    (reason, cause) => new OpsServerError('OPS_SERVER_LISTEN_FAILED', `the ops server ${reason}`, { cause }),
  );

  let closing: Promise<void> | undefined;
  return {
    host: options.host,
    port,
    url: `http://${urlHost}:${port}`,
    close: () => (closing ??= app.close()),
  };
}
