/**
 * `gentrack-sf credentials create | rotate | revoke`: the relay API's client credentials (what Salesforce's Named
 * Credential Gentrack_Relay uses to get tokens). Create and rotate print the new secret once and push it into the
 * External Credential in Salesforce; revoke stops every secret from getting tokens (and removes it from Salesforce).
 */
import type { Command } from 'commander';

interface CredentialsOptions {
  store?: string;
  config?: string;
  push: boolean;
}

const ACTIONS = {
  create: 'Register the API client and print its secret once; push it to Salesforce',
  rotate: 'Give the client a new secret (the old one stops getting tokens at once); push it to Salesforce',
  revoke: 'Stop every secret of the client from getting tokens; remove it from Salesforce',
} as const;

export function registerCredentialsCommand(program: Command): void {
  const credentials = program
    .command('credentials')
    .description("The relay API's client credentials, used by Salesforce's Named Credential Gentrack_Relay")
    .option('--config <file>', 'relay configuration file (default: $GENTRACK_RELAY_CONFIG_FILE)')
    .option('--store <path>', 'the relay store file (default: store.path of the relay configuration)')
    .option('--no-push', 'change the relay only; enter the credentials in Salesforce Setup by hand');

  for (const [action, description] of Object.entries(ACTIONS) as [keyof typeof ACTIONS, string][]) {
    credentials
      .command(action)
      .description(description)
      .action(async () => {
        const options = credentials.opts<CredentialsOptions>();
        const { loadRelayConfig } = await import('../../relay/src/platform/config/relay-config.js');
        const { manageCredentials } = await import('../../relay/src/platform/api-auth/manage-credentials.js');
        const config = loadRelayConfig(options.config ? { file: options.config } : {});
        const salesforce = options.push ? await salesforceConnection(config) : undefined;
        const { exitCode } = await manageCredentials(action, {
          config,
          ...(options.store ? { storePath: options.store } : {}),
          ...(salesforce ? { salesforce } : {}),
          print: (line) => console.log(line),
        });
        process.exitCode = exitCode;
      });
  }
}

/** The relay's own Salesforce session (its integration user), opened only when needed. */
async function salesforceConnection(
  config: import('../../relay/src/platform/config/relay-config-schema.js').RelayConfig,
) {
  const [{ loadRelaySecrets }, { integrationSession }, { default: pino }] = await Promise.all([
    import('../../relay/src/platform/config/relay-secrets.js'),
    import('../../relay/src/platform/salesforce/integration-session.js'),
    import('pino'),
  ]);
  // Secrets are read before anything changes: a missing one stops the command with nothing done.
  const secrets = loadRelaySecrets({ config });
  return async () => {
    const session = integrationSession(config, secrets, pino({ level: 'silent' }));
    await session.session();
    return session.connection;
  };
}
