/**
 * `gentrack-sf setup`: the post-deploy steps an API can do in the org (Contacts to Multiple Accounts, Quotes,
 * permission set assignments, the relay's Named and External Credential, the principal's credentials, the
 * kill-switch default), each verified, then what is left to do by hand. Safe to run again.
 */
import type { Command } from 'commander';
import { httpsUrlValue } from '../option-values.js';

interface SetupCliOptions {
  config?: string;
  store?: string;
  relayUrl?: string;
  integrationUser?: string;
  connectorUser?: string[];
  json?: boolean;
}

export function registerSetupCommand(program: Command): void {
  program
    .command('setup')
    .description(
      'Do the post-deploy setup an API can do, verify each step, and list what is left by hand (exit 1 if a step failed)',
    )
    .option(
      '--config <file>',
      'relay configuration file; its Salesforce user must be an admin (default: $GENTRACK_RELAY_CONFIG_FILE)',
    )
    .option(
      '--store <path>',
      'the relay store whose API client the principal gets (default: store.path of the configuration)',
    )
    .option(
      '--relay-url <url>',
      "the relay's public base URL (default: relay.baseUrl of config/connector.yaml)",
      httpsUrlValue,
    )
    .option('--integration-user <username>', "the relay's integration user: gets Gentrack_Integration_User")
    .option('--connector-user <username...>', 'people working with synced records: get Gentrack_Connector_User')
    .option('--json', 'print the steps as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  gentrack-sf setup --config relay.yaml --relay-url https://relay.acme.com --integration-user relay@acme.com --connector-user ana@acme.com\n  sf gentrack setup --target-org acme ...   the same as an sf org alias (an admin already logged in with sf org login)',
    )
    .action(async (options: SetupCliOptions) => {
      const { runSetup } = await import('../../relay/src/org-setup/run-setup.js');
      process.exitCode = await runSetup({
        ...(options.config ? { configFile: options.config } : {}),
        ...(options.store ? { storePath: options.store } : {}),
        ...(options.relayUrl ? { relayUrl: options.relayUrl } : {}),
        ...(options.integrationUser ? { integrationUser: options.integrationUser } : {}),
        ...(options.connectorUser ? { connectorUsers: options.connectorUser } : {}),
        ...(options.json ? { json: true } : {}),
      });
    });
}
