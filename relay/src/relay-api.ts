/**
 * Starts a relay's API server from its configuration: the signing key (RELAY_API_SIGNING_KEY, or a random one per
 * start), the token lifetime and rate limits of config `api`, the relay's own job runner and client store, and the
 * Gentrack API gateway over the relay's Gentrack client (config `api.gateway`, the model's `gentrackApi`).
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { ConnectorModel } from '../../model/connector-model.js';
import { AccessTokenSigner } from './platform/api-auth/access-tokens.js';
import type { RelayConfig } from './platform/config/relay-config-schema.js';
import type { RelaySecrets } from './platform/config/relay-secrets.js';
import { Secret } from './platform/config/secret.js';
import { connectorModel } from './platform/connector-model.generated.js';
import { GatewayCallLog } from './gentrack-gateway/gateway-call-log.js';
import { registerGentrackGateway } from './gentrack-gateway/gateway-routes.js';
import { createGentrackApi } from './platform/gentrack/gentrack-api.js';
import type { RelayMetrics } from './platform/ops/metrics.js';
import type { Relay } from './relay.js';
import { startApiServer, type ApiServer } from './sync-jobs/api-server.js';

export interface RelayApiOptions {
  readonly relay: Pick<Relay, 'syncJobs' | 'apiClients' | 'gentrack'>;
  readonly config: RelayConfig;
  readonly secrets: Pick<RelaySecrets, 'apiSigningKey'>;
  readonly logger: Logger;
  readonly model?: ConnectorModel;
  /** Epoch milliseconds, for tokens and rate limits (tests). */
  readonly clock?: () => number;
  readonly metrics?: Pick<RelayMetrics, 'gatewayCalls'>;
}

export interface RelayApi extends ApiServer {
  /** The gateway's record of calls (flush() to see the latest). */
  readonly gatewayCalls: GatewayCallLog;
}

/** The running API server, or undefined when `api.enabled` is false. */
export async function startRelayApi(options: RelayApiOptions): Promise<RelayApi | undefined> {
  const { config, logger } = options;
  if (!config.api.enabled) return undefined;
  const key = options.secrets.apiSigningKey ?? new Secret(randomBytes(32).toString('base64url'));
  if (!options.secrets.apiSigningKey) {
    logger.warn(
      'RELAY_API_SIGNING_KEY is not set: access tokens are signed with a random key and stop working at restart',
    );
  }
  const clock = options.clock ? { clock: options.clock } : {};
  const model: ConnectorModel = options.model ?? connectorModel;
  const { gateway } = config.api;
  const gatewayCalls = GatewayCallLog.open(config.store.path, options.clock);
  const api = createGentrackApi(options.relay.gentrack);
  let server: ApiServer;
  try {
    server = await startApiServer({
      host: config.api.host,
      port: config.api.port,
      tenantId: config.tenantId,
      model,
      runner: options.relay.syncJobs,
      clients: options.relay.apiClients,
      signer: new AccessTokenSigner({
        key,
        audience: config.tenantId,
        ttlSeconds: config.api.tokenTtlSeconds,
        ...clock,
      }),
      rateLimit: { burst: config.api.rateLimit.burst, perMinute: config.api.rateLimit.perMinute, ...clock },
      logger,
      mount: (app, authenticate) =>
        registerGentrackGateway(app, {
          access: model.gentrackApi,
          api,
          authenticate,
          limits: {
            requestBodyBytes: gateway.requestBodyLimitBytes,
            responseBytes: gateway.responseLimitBytes,
            rateLimit: { max: gateway.rateLimit.max, windowMs: gateway.rateLimit.windowSeconds * 1000 },
            cache: gateway.cache,
          },
          callLog: gatewayCalls,
          ...(options.metrics ? { metrics: options.metrics } : {}),
          ...clock,
        }),
    });
  } catch (error) {
    gatewayCalls.close();
    throw error;
  }
  logger.info(
    { url: server.url, instance: config.tenantId },
    'API server listening (POST /oauth/token, /v1/salesforce/instances/:id/sync-jobs, /v1/gentrack/...)',
  );
  let closing: Promise<void> | undefined;
  return {
    ...server,
    gatewayCalls,
    close: () => (closing ??= server.close().finally(() => gatewayCalls.close())),
  };
}
