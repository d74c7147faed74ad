/**
 * `gentrack-sf validate-org`: checks that the org has what the connector model and the generated metadata need
 * (fields with their types, lengths and External ID flags, the platform event, the kill-switch setting, permission
 * sets, triggers, Contacts to Multiple Accounts and Quotes) and prints what is right and what to fix.
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
    .action(async (options: { config?: string; json?: boolean }) => {
      const { runValidateOrg } = await import('../../relay/src/validate-org/run-validate-org.js');
      process.exitCode = await runValidateOrg({
        ...(options.config ? { configFile: options.config } : {}),
        ...(options.json ? { json: true } : {}),
      });
    });
}
