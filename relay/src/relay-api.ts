/**
 * Starts a relay's API server from its configuration: the signing key (RELAY_API_SIGNING_KEY, or a random one per
 * start), the token lifetime and rate limits of config `api`, and the relay's own job runner and client store.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { ConnectorModel } from '../../model/connector-model.js';
import { AccessTokenSigner } from './platform/api-auth/access-tokens.js';
import type { RelayConfig } from './platform/config/relay-config-schema.js';
import type { RelaySecrets } from './platform/config/relay-secrets.js';
import { Secret } from './platform/config/secret.js';
import { connectorModel } from './platform/connector-model.generated.js';
import type { Relay } from './relay.js';
import { startApiServer, type ApiServer } from './sync-jobs/api-server.js';

export interface RelayApiOptions {
  readonly relay: Pick<Relay, 'syncJobs' | 'apiClients'>;
  readonly config: RelayConfig;
  readonly secrets: Pick<RelaySecrets, 'apiSigningKey'>;
  readonly logger: Logger;
  readonly model?: ConnectorModel;
  /** Epoch milliseconds, for tokens and rate limits (tests). */
  readonly clock?: () => number;
}

/** The running API server, or undefined when `api.enabled` is false. */
export async function startRelayApi(options: RelayApiOptions): Promise<ApiServer | undefined> {
  const { config, logger } = options;
  if (!config.api.enabled) return undefined;
  const key = options.secrets.apiSigningKey ?? new Secret(randomBytes(32).toString('base64url'));
  if (!options.secrets.apiSigningKey) {
    logger.warn(
      'RELAY_API_SIGNING_KEY is not set: access tokens are signed with a random key and stop working at restart',
    );
  }
  const clock = options.clock ? { clock: options.clock } : {};
  const server = await startApiServer({
    host: config.api.host,
    port: config.api.port,
    tenantId: config.tenantId,
    model: options.model ?? connectorModel,
    runner: options.relay.syncJobs,
    clients: options.relay.apiClients,
    signer: new AccessTokenSigner({ key, audience: config.tenantId, ttlSeconds: config.api.tokenTtlSeconds, ...clock }),
    rateLimit: { burst: config.api.rateLimit.burst, perMinute: config.api.rateLimit.perMinute, ...clock },
    logger,
  });
  logger.info(
    { url: server.url, instance: config.tenantId },
    'API server listening (POST /oauth/token, /v1/salesforce/instances/:id/sync-jobs)',
  );
  return server;
}
