/**
 * `setup` against a sandbox org that has the connector deployed but nothing set up: Contacts to Multiple Accounts
 * and Quotes off, the integration user without its permission set, the Named Credential pointing at the model's
 * placeholder relay, no principal credentials, no kill-switch org default. One run does every step and verifies it;
 * a second run changes nothing; a user without Customize Application gets failures that say what to do.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import jsforce from 'jsforce';
import { ApiClientStore } from '../../relay/src/platform/api-auth/api-client-store.js';
import { createCredentials } from '../../relay/src/platform/api-auth/credential-lifecycle.js';
import { openRelayDatabase } from '../../relay/src/platform/db/relay-database.js';
import { connectorModel } from '../../relay/src/platform/connector-model.generated.js';
import { formatSetupReport, setupOrg, type SetupReport } from '../../relay/src/org-setup/setup-org.js';
import { startSalesforceSandbox, type RunningSalesforceSandbox } from '../../sandbox/salesforce/index.js';

const FORCE_APP = fileURLToPath(new URL('../../force-app', import.meta.url));
const RELAY_URL = 'https://relay.acme.test';
const CLI = fileURLToPath(new URL('../../bin/gentrack-sf.js', import.meta.url));

async function freshOrg(): Promise<RunningSalesforceSandbox> {
  const sandbox = await startSalesforceSandbox({
    forceAppDir: FORCE_APP,
    features: { contactsToMultipleAccounts: false, quotes: false },
    integration: { permissionSets: [] },
  });
  sandbox.org.users.create({ username: 'agent@acme.test', lastName: 'Agent' });
  return sandbox;
}

async function login(sandbox: RunningSalesforceSandbox, who: 'admin' | 'integration'): Promise<jsforce.Connection> {
  const connection = new jsforce.Connection({ loginUrl: sandbox.loginUrl, version: '62.0' });
  const { username, password, securityToken } = sandbox.org.credentials[who];
  await connection.login(username, password + securityToken);
  return connection;
}

const statusOf = (report: SetupReport, step: string) => {
  const found = report.steps.find((candidate) => candidate.step === step);
  assert.ok(found, `step ${step} in ${report.steps.map((candidate) => candidate.step).join(', ')}`);
  return found.status;
};

test('setup does every step an API can do, verifies it, and a second run changes nothing', async (t) => {
  const sandbox = await freshOrg();
  const storeDir = mkdtempSync(path.join(os.tmpdir(), 'gentrack-setup-'));
  t.after(async () => {
    await sandbox.close();
    rmSync(storeDir, { recursive: true, force: true });
  });
  const { org } = sandbox;
  const database = openRelayDatabase(path.join(storeDir, 'relay.db'));
  t.after(() => database.close());
  const clients = new ApiClientStore(database);
  const issued: string[] = [];
  const options = {
    model: connectorModel,
    relayUrl: `${RELAY_URL}/`,
    integrationUser: org.credentials.integration.username,
    connectorUsers: ['agent@acme.test', 'nobody@acme.test'],
    issueCredentials: async () => {
      const credentials = await createCredentials(clients);
      issued.push(credentials.client.clientId);
      return credentials;
    },
  };
  const connection = await login(sandbox, 'admin');
  assert.ok(!(await connection.describeGlobal()).sobjects.some((object) => object.name === 'AccountContactRelation'));

  const first = await setupOrg(connection, options);
  assert.equal(first.ok, true, formatSetupReport(first));
  assert.deepEqual(
    first.steps.map((step) => [step.step, step.status]),
    [
      ['Contacts to Multiple Accounts', 'done'],
      ['Quotes', 'done'],
      [`permission set Gentrack_Integration_User for ${org.credentials.integration.username}`, 'done'],
      ['permission set Gentrack_Connector_User for agent@acme.test', 'done'],
      ['permission set Gentrack_Connector_User for nobody@acme.test', 'manual'],
      ['Named Credential Gentrack_Relay URL', 'done'],
      ['External Credential Gentrack_Relay token URL', 'done'],
      ['External Credential principal Gentrack_Relay_Client', 'done'],
      ['kill switch Gentrack_Connector_Settings__c.Disable_Publishing__c (org default)', 'done'],
    ],
  );
  // What the org holds now, read from the org itself.
  const objects = (await connection.describeGlobal()).sobjects.map((object) => object.name);
  assert.ok(objects.includes('AccountContactRelation') && objects.includes('Quote'));
  assert.ok(
    org.users.integration.hasCustomPermission('Gentrack_Bypass_Publishing'),
    'the relay user bypasses triggers',
  );
  assert.ok(org.users.findByUsername('agent@acme.test')!.hasPermissionSet('Gentrack_Connector_User'));
  const named = org.namedCredentials.namedCredential('Gentrack_Relay');
  assert.equal(named.calloutUrl, `${RELAY_URL}/v1`);
  const external = org.namedCredentials.externalCredential('Gentrack_Relay');
  assert.equal(
    external.parameters.find((parameter) => parameter.parameterType === 'AuthProviderUrl')?.parameterValue,
    `${RELAY_URL}/oauth/token`,
  );
  assert.equal(
    external.parameters.find((parameter) => parameter.parameterType === 'AuthProtocolVariant')?.parameterValue,
    'ClientCredentialsClientSecret',
    'the other parameters are kept',
  );
  const pushed = org.namedCredentials.credential('Gentrack_Relay', 'Gentrack_Relay_Client');
  assert.equal(pushed?.values['clientId']?.value, issued[0]);
  assert.equal(clients.active()?.clientId, issued[0]);
  assert.equal(org.customSettings.getOrgDefaults('Gentrack_Connector_Settings__c')['Disable_Publishing__c'], false);
  assert.match(first.todo.join('\n'), /create the user nobody@acme.test/);
  assert.match(first.todo.at(-1)!, /connected app/);
  assert.doesNotMatch(
    formatSetupReport(first),
    new RegExp(
      org.namedCredentials.credential('Gentrack_Relay', 'Gentrack_Relay_Client')!.values['clientSecret']!.value,
    ),
  );

  const changesBefore = {
    settings: org.settings.history().length,
    definitions: org.namedCredentials.definitionHistory().length,
    credentials: org.namedCredentials.history().length,
    assignments: org.query('SELECT Id FROM PermissionSetAssignment').totalSize,
  };
  const second = await setupOrg(connection, options);
  assert.equal(second.ok, true);
  assert.deepEqual(
    second.steps.filter((step) => step.status !== 'already').map((step) => [step.step, step.status]),
    [['permission set Gentrack_Connector_User for nobody@acme.test', 'manual']],
  );
  assert.deepEqual(
    {
      settings: org.settings.history().length,
      definitions: org.namedCredentials.definitionHistory().length,
      credentials: org.namedCredentials.history().length,
      assignments: org.query('SELECT Id FROM PermissionSetAssignment').totalSize,
    },
    changesBefore,
  );
  assert.equal(issued.length, 1, 'no second client is issued');
});

test('setup as a user without Customize Application fails the settings steps and says what to do', async (t) => {
  const sandbox = await freshOrg();
  t.after(() => sandbox.close());
  // The integration user's profile cannot change org settings in this org.
  const user = sandbox.org.users.create({
    username: 'limited@acme.test',
    lastName: 'Limited',
    password: 'Limited-1',
    securityToken: 'T',
    profile: 'Minimum Access - Salesforce',
  });
  const connection = new jsforce.Connection({ loginUrl: sandbox.loginUrl, version: '62.0' });
  await connection.login(user.username, 'Limited-1T');
  const report = await setupOrg(connection, { model: connectorModel });
  assert.equal(report.ok, false);
  const settings = report.steps.find((step) => step.step === 'Contacts to Multiple Accounts')!;
  assert.equal(settings.status, 'failed');
  assert.match(settings.detail, /Customize Application/);
  assert.match(settings.todo!, /Setup > Account Settings/);
  assert.equal(statusOf(report, 'permission set Gentrack_Integration_User'), 'manual');
  assert.equal(statusOf(report, 'External Credential principal Gentrack_Relay_Client'), 'manual');
  assert.equal(sandbox.org.settings.history().length, 0);
  assert.match(formatSetupReport(report), /FAILED/);
});

test("gentrack-sf setup runs as the relay configuration's user and takes the principal's client from its store", async (t) => {
  const sandbox = await freshOrg();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gentrack-setup-cli-'));
  t.after(async () => {
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const { org } = sandbox;
  const config = path.join(dir, 'relay.json');
  writeFileSync(
    config,
    JSON.stringify({
      tenantId: 'my-tenant',
      salesforce: { loginUrl: sandbox.loginUrl, auth: 'client_credentials', clientId: org.connectedApp.clientId },
      gentrack: { baseUrl: 'http://127.0.0.1:9/v1', clientId: 'unused' },
      store: { path: path.join(dir, 'relay.db') },
    }),
  );
  const secrets = path.join(dir, 'relay.secrets');
  writeFileSync(secrets, `SALESFORCE_CLIENT_SECRET=${org.connectedApp.clientSecret}\nGENTRACK_CLIENT_SECRET=unused\n`);
  chmodSync(secrets, 0o600);
  const args = [CLI, 'setup', '--config', config, '--relay-url', RELAY_URL, '--integration-user'];
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [...args, org.credentials.integration.username, '--connector-user', 'agent@acme.test', '--json'],
    { env: { ...process.env, GENTRACK_RELAY_SECRETS_FILE: secrets } },
  );
  const report = JSON.parse(stdout) as SetupReport;
  assert.equal(report.ok, true, stdout);
  assert.equal(statusOf(report, 'External Credential principal Gentrack_Relay_Client'), 'done');
  const database = openRelayDatabase(path.join(dir, 'relay.db'));
  try {
    assert.equal(
      org.namedCredentials.credential('Gentrack_Relay', 'Gentrack_Relay_Client')?.values['clientId']?.value,
      new ApiClientStore(database).active()?.clientId,
    );
  } finally {
    database.close();
  }
  await assert.rejects(
    promisify(execFile)(process.execPath, [...args.slice(0, 5), 'ftp://relay.acme.test']),
    /--relay-url.*must be an https URL/s,
  );
});
