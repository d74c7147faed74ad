/**
 * `gentrack-sf validate-org`: the seeds' "Validate Data Model" against the org the relay configuration points at,
 * as the integration user. Exit code 0 when the org has everything the connector needs, 1 otherwise.
 */
import { loadRelayConfig } from '../platform/config/relay-config.js';
import { loadRelaySecrets } from '../platform/config/relay-secrets.js';
import { connectorModel } from '../platform/connector-model.generated.js';
import { createLogger } from '../platform/ops/logger.js';
import { integrationSession } from '../platform/salesforce/integration-session.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { destructiveChangesXml } from './apex-conflicts.js';
import { formatOrgValidation, validateOrg } from './check-org.js';

export interface RunValidateOrgOptions {
  readonly configFile?: string;
  readonly json?: boolean;
  /** Where to write destructiveChanges.xml when Gentrack's sample connector is found. */
  readonly migrationDir?: string;
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
  const validation = await validateOrg(session.connection, connectorModel, options.migrationDir);
  const print = options.print ?? ((text: string) => console.log(text));
  print(options.json ? JSON.stringify(validation, null, 2) : formatOrgValidation(validation));
  if (options.migrationDir) {
    const migration = validation.sampleMigration;
    if (migration.classes.length + migration.triggers.length === 0) {
      process.stderr.write(`No Gentrack sample connector in the org: nothing written to ${options.migrationDir}.\n`);
    } else {
      mkdirSync(options.migrationDir, { recursive: true });
      const file = path.join(options.migrationDir, 'destructiveChanges.xml');
      writeFileSync(file, destructiveChangesXml(migration, connectorModel.apiVersion));
      process.stderr.write(
        `Wrote ${file}: it removes ${[...migration.classes, ...migration.triggers].join(', ')}. Deploy the connector and ` +
          `remove the sample in one deploy:\n  sf project deploy start --manifest manifest/package.xml --pre-destructive-changes ${file}\n`,
      );
    }
  }
  return validation.problems.length === 0 ? 0 : 1;
}
