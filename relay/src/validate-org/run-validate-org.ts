/**
 * `gentrack-sf validate-org`: the seeds' "Validate Data Model" against the org the relay configuration points at,
 * as the integration user. Exit code 0 when the org has everything the connector needs, 1 otherwise.
 */
import { loadRelayConfig } from '../platform/config/relay-config.js';
import { loadRelaySecrets } from '../platform/config/relay-secrets.js';
import { connectorModel } from '../platform/connector-model.generated.js';
import { createLogger } from '../platform/ops/logger.js';
import { integrationSession } from '../platform/salesforce/integration-session.js';
import { formatOrgValidation, validateOrg } from './check-org.js';

export interface RunValidateOrgOptions {
  readonly configFile?: string;
  readonly json?: boolean;
  readonly env?: NodeJS.ProcessEnv;
  readonly print?: (text: string) => void;
}

export async function runValidateOrg(options: RunValidateOrgOptions = {}): Promise<number> {
  const env = options.env ?? process.env;
  const config = loadRelayConfig({ env, ...(options.configFile ? { file: options.configFile } : {}) });
  const secrets = loadRelaySecrets({ config, env });
  // Logs go to stderr so the table (or JSON) on stdout stays clean.
  const logger = createLogger({ level: 'warn', destination: process.stderr, base: { tenantId: config.tenantId } });
  const session = integrationSession(config, secrets, logger);
  await session.session();
  const validation = await validateOrg(session.connection, connectorModel);
  const print = options.print ?? ((text: string) => console.log(text));
  print(options.json ? JSON.stringify(validation, null, 2) : formatOrgValidation(validation));
  return validation.problems.length === 0 ? 0 : 1;
}
