/**
 * The two systems an initial synchronisation talks to, as the relay reaches them: Salesforce as the relay's
 * integration user (from the configuration and its secrets) and Gentrack's token endpoint (to prove it is reachable).
 * Shared by `gentrack-sf initial-sync` and runs started from the portal, so both load the org the same way.
 */
import { Pool } from 'undici';
import type { RelayConfig } from '../platform/config/relay-config-schema.js';
import type { RelaySecrets } from '../platform/config/relay-secrets.js';
import { AccessTokenSource } from '../platform/gentrack/access-token-source.js';
import type { Logger } from '../platform/ops/logger.js';
import { integrationSession } from '../platform/salesforce/integration-session.js';
import type { InitialSyncOptions } from './run-initial-sync.js';

/** The relay's integration user's session, as the org to load. */
export function relaySalesforce(
  config: RelayConfig,
  secrets: RelaySecrets,
  logger: Logger,
): InitialSyncOptions['salesforce'] {
  const session = integrationSession(config, secrets, logger);
  return {
    connection: session.connection,
    renewSession: async () => void (await session.session({ forceRefresh: true })),
    organizationId: async () => (await session.session()).organizationId,
  };
}

/** Gentrack is reachable when its token endpoint issues the relay a token. */
export async function checkGentrackReachable(
  config: RelayConfig,
  secrets: Pick<RelaySecrets, 'gentrackClientSecret'>,
  logger: Logger,
): Promise<void> {
  const tokenUrl = new URL(config.gentrack.tokenUrl);
  const pool = new Pool(tokenUrl.origin, {
    connectTimeout: config.gentrack.connectTimeoutMs,
    headersTimeout: config.gentrack.responseTimeoutMs,
    bodyTimeout: config.gentrack.responseTimeoutMs,
  });
  try {
    await new AccessTokenSource({
      tokenUrl,
      clientId: config.gentrack.clientId,
      clientSecret: secrets.gentrackClientSecret.reveal(),
      clientAuthentication: 'basic',
      dispatcher: pool,
      responseTimeoutMs: config.gentrack.responseTimeoutMs,
      logger,
    }).token();
  } finally {
    await pool.close();
  }
}
