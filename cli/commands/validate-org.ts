/**
 * `gentrack-sf validate-org`: checks that the org has what the connector model and the generated metadata need
 * (fields with their types, lengths and External ID flags, the platform event, the kill-switch setting, permission
 * sets, triggers, Contacts to Multiple Accounts and Quotes, and Apex already in the org that a deploy would collide
 * with, Gentrack's sample connector included) and prints what is right and what to fix.
 */
import type { Command } from 'commander';

export function registerValidateOrgCommand(program: Command): void {
  program
    .command('validate-org')
    .description(
      'Validate Data Model: check the org has every field, object, permission set and trigger the connector needs (exit 1 if not)',
    )
    .option('--config <file>', 'relay configuration file (default: $GENTRACK_RELAY_CONFIG_FILE)')
    .option('--json', 'print the findings as JSON')
    .option(
      '--write-migration <dir>',
      "when Gentrack's sample connector is in the org, write <dir>/destructiveChanges.xml that removes it in the connector's deploy",
    )
    .addHelpText(
      'after',
      `
Examples:
  gentrack-sf validate-org --config relay.yaml
  gentrack-sf validate-org --config relay.yaml --write-migration manifest/migration
  sf project deploy start --manifest manifest/package.xml --pre-destructive-changes manifest/migration/destructiveChanges.xml`,
    )
    .action(async (options: { config?: string; json?: boolean; writeMigration?: string }) => {
      const { runValidateOrg } = await import('../../relay/src/validate-org/run-validate-org.js');
      process.exitCode = await runValidateOrg({
        ...(options.config ? { configFile: options.config } : {}),
        ...(options.json ? { json: true } : {}),
        ...(options.writeMigration ? { migrationDir: options.writeMigration } : {}),
      });
    });
}
