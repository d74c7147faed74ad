/**
 * `setup` (gentrack-sf and `sf gentrack setup`): the post-deploy steps on a connection, with the relay's store at
 * hand when a relay configuration (or store) is given, so the External Credential's principal can get credentials
 * the relay issues. gentrack-sf runs it as the relay configuration's Salesforce user; the sf plugin as an org alias.
 */
import { ApiClientStore } from '../platform/api-auth/api-client-store.js';
import { createCredentials, rotateCredentials } from '../platform/api-auth/credential-lifecycle.js';
import { loadRelayConfig } from '../platform/config/relay-config.js';
import { connectorModel } from '../platform/connector-model.generated.js';
import { openRelayDatabase } from '../platform/db/relay-database.js';
import type { OrgConnection } from '../platform/salesforce/org-connection.js';
import { relayOrgConnection } from '../platform/salesforce/relay-org-connection.js';
import { formatSetupReport, setupOrg, type SetupReport } from './setup-org.js';

export interface SetupCommandOptions {
  readonly relayUrl?: string;
  readonly integrationUser?: string;
  readonly connectorUsers?: readonly string[];
  /** The relay store whose API client the principal gets (a new client, or a new secret for the existing one). */
  readonly storePath?: string;
}

export async function setupOn(connection: OrgConnection, options: SetupCommandOptions): Promise<SetupReport> {
  const { storePath } = options;
  return setupOrg(connection, {
    model: connectorModel,
    ...(options.relayUrl ? { relayUrl: options.relayUrl } : {}),
    ...(options.integrationUser ? { integrationUser: options.integrationUser } : {}),
    ...(options.connectorUsers ? { connectorUsers: options.connectorUsers } : {}),
    ...(storePath ? { issueCredentials: () => issueFromStore(storePath) } : {}),
  });
}

/** The relay keeps only a hash of a secret: a client whose secret Salesforce lacks gets a new one. */
async function issueFromStore(storePath: string) {
  const database = openRelayDatabase(storePath);
  try {
    const clients = new ApiClientStore(database);
    return clients.active() ? await rotateCredentials(clients) : await createCredentials(clients);
  } finally {
    database.close();
  }
}

/** The store of a relay configuration file (for the sf plugin's --config). */
export function relayStorePath(configFile: string, env: NodeJS.ProcessEnv = process.env): string {
  return loadRelayConfig({ env, file: configFile }).store.path;
}

export interface RunSetupOptions extends Omit<SetupCommandOptions, 'storePath'> {
  readonly configFile?: string;
  readonly storePath?: string;
  readonly json?: boolean;
  readonly env?: NodeJS.ProcessEnv;
  readonly print?: (text: string) => void;
}

/** gentrack-sf's setup: as the Salesforce user of the relay configuration (it needs an admin's permissions). */
export async function runSetup(options: RunSetupOptions): Promise<number> {
  const { connection, config } = await relayOrgConnection({
    ...(options.configFile ? { configFile: options.configFile } : {}),
    ...(options.env ? { env: options.env } : {}),
  });
  const report = await setupOn(connection, { ...options, storePath: options.storePath ?? config.store.path });
  const print = options.print ?? ((text: string) => console.log(text));
  print(options.json ? JSON.stringify(report, null, 2) : formatSetupReport(report));
  return report.ok ? 0 : 1;
}
