/**
 * `sf gentrack credentials create | rotate | revoke`: gentrack-sf credentials, pushing to (or removing from) the
 * External Credential of an sf org alias instead of through the relay's integration user. The relay's store comes
 * from the relay configuration: only the relay can issue the client's secret, since it keeps the hash.
 */
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import type { CredentialsAction, CredentialsOutcome } from '../relay/src/platform/api-auth/manage-credentials.js';
import { manageCredentials } from '../relay/src/platform/api-auth/manage-credentials.js';
import { loadRelayConfig } from '../relay/src/platform/config/relay-config.js';
import { orgConnection, targetOrgFlags } from './target-org.js';

export const credentialsFlags = {
  ...targetOrgFlags,
  config: Flags.file({
    summary: 'Relay configuration file (default: $GENTRACK_RELAY_CONFIG_FILE).',
    exists: true,
  }),
  store: Flags.file({ summary: 'The relay store file (default: store.path of the relay configuration).' }),
  push: Flags.boolean({
    summary: 'Push the change to the org (--no-push: change the relay only; enter the credentials in Setup by hand).',
    default: true,
    allowNo: true,
  }),
};

export abstract class CredentialsCommand extends SfCommand<CredentialsOutcome> {
  protected abstract readonly action: CredentialsAction;

  public async run(): Promise<CredentialsOutcome> {
    const { flags } = await this.parse(
      this.constructor as typeof CredentialsCommand & { flags: typeof credentialsFlags },
    );
    const config = loadRelayConfig(flags.config ? { file: flags.config } : {});
    const connection = orgConnection(flags['target-org'], flags['api-version']);
    const outcome = await manageCredentials(this.action, {
      config,
      ...(flags.store ? { storePath: flags.store } : {}),
      ...(flags.push ? { salesforce: async () => connection } : {}),
      print: (line) => this.log(line),
    });
    process.exitCode = outcome.exitCode;
    return outcome;
  }
}
