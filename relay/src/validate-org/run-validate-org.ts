/**
 * `validate-org` (gentrack-sf and `sf gentrack validate-org`): the seeds' "Validate Data Model" on a connection, the
 * findings as a table or JSON, and the migration manifest when Gentrack's sample connector is found. Exit code 0
 * when the org has everything the connector needs, 1 otherwise.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { connectorModel } from '../platform/connector-model.generated.js';
import type { OrgConnection } from '../platform/salesforce/org-connection.js';
import { relayOrgConnection } from '../platform/salesforce/relay-org-connection.js';
import { destructiveChangesXml } from './apex-conflicts.js';
import { formatOrgValidation, validateOrg, type OrgValidation } from './check-org.js';

export interface ValidateOrgOutcome {
  readonly validation: OrgValidation;
  /** The destructiveChanges.xml written, when a migration directory was given and the sample is in the org. */
  readonly migrationFile?: string;
  readonly exitCode: 0 | 1;
}

/** `notice` gets what is said about the migration manifest (stderr for gentrack-sf, a warning for sf). */
export async function validateOrgOn(
  connection: OrgConnection,
  options: { readonly migrationDir?: string; readonly notice: (text: string) => void },
): Promise<ValidateOrgOutcome> {
  const validation = await validateOrg(connection, connectorModel, options.migrationDir);
  const exitCode = validation.problems.length === 0 ? 0 : 1;
  if (!options.migrationDir) return { validation, exitCode };
  const migration = validation.sampleMigration;
  if (migration.classes.length + migration.triggers.length === 0) {
    options.notice(`No Gentrack sample connector in the org: nothing written to ${options.migrationDir}.`);
    return { validation, exitCode };
  }
  mkdirSync(options.migrationDir, { recursive: true });
  const file = path.join(options.migrationDir, 'destructiveChanges.xml');
  writeFileSync(file, destructiveChangesXml(migration, connectorModel.apiVersion));
  options.notice(
    `Wrote ${file}: it removes ${[...migration.classes, ...migration.triggers].join(', ')}. Deploy the connector and ` +
      `remove the sample in one deploy:\n  sf project deploy start --manifest manifest/package.xml --pre-destructive-changes ${file}`,
  );
  return { validation, migrationFile: file, exitCode };
}

export interface RunValidateOrgOptions {
  readonly configFile?: string;
  readonly json?: boolean;
  /** Where to write destructiveChanges.xml when Gentrack's sample connector is found. */
  readonly migrationDir?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly print?: (text: string) => void;
}

/** gentrack-sf's validate-org: as the relay's integration user. */
export async function runValidateOrg(options: RunValidateOrgOptions = {}): Promise<number> {
  const { connection } = await relayOrgConnection({
    ...(options.configFile ? { configFile: options.configFile } : {}),
    ...(options.env ? { env: options.env } : {}),
  });
  const outcome = await validateOrgOn(connection, {
    ...(options.migrationDir ? { migrationDir: options.migrationDir } : {}),
    notice: (text) => process.stderr.write(`${text}\n`),
  });
  const print = options.print ?? ((text: string) => console.log(text));
  print(options.json ? JSON.stringify(outcome.validation, null, 2) : formatOrgValidation(outcome.validation));
  return outcome.exitCode;
}
