/**
 * The org the org suite runs against: a real Salesforce org when GENTRACK_TEST_ORG names an sf CLI alias
 * (`npm run test:org`), else the sandbox org, so the suite itself is run by `npm test` on every commit and only the
 * real org's side is left to teams with one.
 *
 * A real org needs, besides force-app deployed: a Connected App with the client credentials flow whose run-as user
 * is the integration user (Gentrack_Connector_Integration permission set), its key and secret in
 * GENTRACK_TEST_ORG_CLIENT_ID and GENTRACK_TEST_ORG_CLIENT_SECRET. The alias's own user makes the changes, as a
 * person would; it must not hold the integration permission set, or its changes publish nothing.
 * The Gentrack side is always the local stand-in: the relay calls it, the org never does.
 */
import { execFileSync } from 'node:child_process';
import jsforce, { type Connection } from 'jsforce';
import { startGentrackSandbox, type GentrackSandbox } from '../../sandbox/gentrack/start.js';
import { startSandbox, type Sandbox } from '../../sandbox/start-sandbox.js';

export interface OrgTarget {
  /** `sandbox`, or the sf CLI alias of the real org. */
  readonly name: string;
  /** A person's session in the org: the user whose changes the triggers publish. */
  readonly admin: Connection;
  /** Username the relay must name in X-On-Behalf-Of for the admin's changes. */
  readonly adminUsername: string;
  readonly gentrack: GentrackSandbox;
  /** The relay configuration (as a config file holds it) for this org and the Gentrack stand-in. */
  relayConfigInput(storePath: string): Record<string, unknown>;
  relaySecretsEnv(): Record<string, string>;
  close(): Promise<void>;
}

export const TEST_ORG_ALIAS = process.env.GENTRACK_TEST_ORG;

export async function startOrgTarget(): Promise<OrgTarget> {
  return TEST_ORG_ALIAS ? startRealOrgTarget(TEST_ORG_ALIAS) : startSandboxTarget();
}

async function startSandboxTarget(): Promise<OrgTarget> {
  const sandbox: Sandbox = await startSandbox({ keepaliveIntervalMs: 300 });
  const admin = new jsforce.Connection({ loginUrl: sandbox.salesforce.loginUrl, version: '62.0' });
  const { username, password, securityToken } = sandbox.salesforce.org.credentials.admin;
  await admin.login(username, password + securityToken);
  return {
    name: 'sandbox',
    admin,
    adminUsername: username,
    gentrack: sandbox.gentrack,
    relayConfigInput: (storePath) => sandbox.relayConfigInput({ storePath }),
    relaySecretsEnv: () => sandbox.relaySecretsEnv(),
    close: () => sandbox.close(),
  };
}

interface SfOrgDisplay {
  result?: { accessToken?: string; instanceUrl?: string; username?: string; apiVersion?: string };
}

async function startRealOrgTarget(alias: string): Promise<OrgTarget> {
  const clientId = requiredEnv('GENTRACK_TEST_ORG_CLIENT_ID');
  const clientSecret = requiredEnv('GENTRACK_TEST_ORG_CLIENT_SECRET');
  const display = JSON.parse(
    execFileSync('sf', ['org', 'display', '--target-org', alias, '--json'], { encoding: 'utf8' }),
  ) as SfOrgDisplay;
  const { accessToken, instanceUrl, username } = display.result ?? {};
  if (!accessToken || !instanceUrl || !username) {
    throw new Error(`sf org display --target-org ${alias} gave no access token, instance URL and username`);
  }
  const admin = new jsforce.Connection({ instanceUrl, accessToken, version: '62.0' });
  const gentrack = await startGentrackSandbox();
  return {
    name: alias,
    admin,
    adminUsername: username,
    gentrack,
    relayConfigInput: (storePath) => ({
      tenantId: `test-org-${alias}`,
      // The client credentials flow is served by the org's My Domain, which is its instance URL.
      salesforce: { loginUrl: instanceUrl, auth: 'client_credentials', clientId },
      gentrack: { baseUrl: gentrack.baseUrl, tokenUrl: gentrack.tokenUrl, clientId: gentrack.clientId },
      store: { path: storePath },
      http: { host: '127.0.0.1', port: 0 },
      api: { host: '127.0.0.1', port: 0 },
    }),
    relaySecretsEnv: () => ({ SALESFORCE_CLIENT_SECRET: clientSecret, GENTRACK_CLIENT_SECRET: gentrack.clientSecret }),
    close: () => gentrack.close(),
  };
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value)
    throw new Error(`${name} is not set: the org suite against a real org needs it (see test/org/org-target.ts)`);
  return value;
}
