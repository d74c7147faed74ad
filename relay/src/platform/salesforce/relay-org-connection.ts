/**
 * The org connection of `gentrack-sf`'s org commands: the relay's integration user, from the relay configuration and
 * secrets (the sf plugin's commands use an sf org alias instead). Logs go to stderr so stdout stays the command's.
 */
import { loadRelayConfig } from '../config/relay-config.js';
import type { RelayConfig } from '../config/relay-config-schema.js';
import { loadRelaySecrets } from '../config/relay-secrets.js';
import { createLogger } from '../ops/logger.js';
import { integrationSession } from './integration-session.js';
import type { OrgConnection } from './org-connection.js';

export async function relayOrgConnection(
  options: { readonly configFile?: string; readonly env?: NodeJS.ProcessEnv } = {},
): Promise<{ connection: OrgConnection; config: RelayConfig }> {
  const env = options.env ?? process.env;
  const config = loadRelayConfig({ env, ...(options.configFile ? { file: options.configFile } : {}) });
  const secrets = loadRelaySecrets({ config, env });
  const logger = createLogger({ level: 'warn', destination: process.stderr, base: { tenantId: config.tenantId } });
  const session = integrationSession(config, secrets, logger);
  await session.session();
  return { connection: session.connection, config };
}
