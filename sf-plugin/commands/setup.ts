/** `sf gentrack setup`: gentrack-sf setup on an sf org alias (an admin already logged in with sf org login). */
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import { relayStorePath, setupOn } from '../../relay/src/org-setup/run-setup.js';
import { formatSetupReport, type SetupReport } from '../../relay/src/org-setup/setup-org.js';
import { httpsUrlFlag } from '../https-url-flag.js';
import { orgConnection, targetOrgFlags } from '../target-org.js';

export default class Setup extends SfCommand<SetupReport> {
  public static override readonly summary =
    'Do the post-deploy setup an API can do, verify each step, and list what is left to do by hand.';
  public static override readonly description =
    'Turns on Contacts to Multiple Accounts and Quotes, assigns the permission sets to the named users, points the ' +
    "Named Credential and the External Credential at the relay, gives the External Credential's principal the " +
    "relay's client credentials (with --config), and creates the kill switch's org default with publishing on. " +
    'Each step is read back. Running it again changes only what is not right. Exits 1 when a step failed.';
  public static override readonly examples = [
    '<%= config.bin %> <%= command.id %> --target-org acme --relay-url https://relay.acme.com --integration-user relay@acme.com --connector-user ana@acme.com --config relay.yaml',
  ];
  public static override readonly flags = {
    ...targetOrgFlags,
    'relay-url': httpsUrlFlag({
      summary: "The relay's public base URL (default: relay.baseUrl of config/connector.yaml).",
    }),
    'integration-user': Flags.string({
      summary: "Username of the relay's integration user: gets Gentrack_Integration_User.",
    }),
    'connector-user': Flags.string({
      summary: 'Username of a person working with synced records: gets Gentrack_Connector_User.',
      multiple: true,
    }),
    config: Flags.file({
      summary: "Relay configuration file: the principal gets a client id and secret from the relay's store.",
      exists: true,
    }),
  };

  public async run(): Promise<SetupReport> {
    const { flags } = await this.parse(Setup);
    const report = await setupOn(orgConnection(flags['target-org'], flags['api-version']), {
      ...(flags['relay-url'] ? { relayUrl: flags['relay-url'] } : {}),
      ...(flags['integration-user'] ? { integrationUser: flags['integration-user'] } : {}),
      ...(flags['connector-user'] ? { connectorUsers: flags['connector-user'] } : {}),
      ...(flags.config ? { storePath: relayStorePath(flags.config) } : {}),
    });
    this.log(formatSetupReport(report));
    process.exitCode = report.ok ? 0 : 1;
    return report;
  }
}
