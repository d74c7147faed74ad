/**
 * The real `sf` binary (@salesforce/cli, a devDependency) with this project linked as a plugin, in a home of its own
 * (HOME, XDG_* and the sf state under a temp dir: the user's sf config and orgs are never read or touched). The
 * sandbox org serves HTTPS with its self-signed certificate, which the sf processes trust through
 * NODE_EXTRA_CA_CERTS alone (no check is turned off), and is registered as an sf org alias with
 * `sf org login access-token`, as an admin would log in. Then `sf gentrack setup | validate-org | credentials`
 * run against that alias with --json, and what they did is read back from the org.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../../model/project-root.js';
import { localhostCertificate } from '../../sandbox/salesforce/pubsub/tls-certificate.js';
import { startGentrackSandbox, type GentrackSandbox } from '../../sandbox/gentrack/index.js';
import { startSalesforceSandbox, type RunningSalesforceSandbox } from '../../sandbox/salesforce/index.js';

const run = promisify(execFile);
const SF = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'sf');
const ALIAS = 'gentrack-sandbox';

let home: string;
let sandbox: RunningSalesforceSandbox;
let gentrack: GentrackSandbox;
let env: NodeJS.ProcessEnv;
/** The relay configuration: the store the principal's credentials come from, the Gentrack tenant to check. */
let configFile: string;

interface SfJson<T> {
  readonly status: number;
  readonly result: T;
  readonly warnings?: readonly string[];
}

/** Runs sf; resolves with its exit code and output whatever the code (sf exits non-zero on purpose). */
async function sf(args: readonly string[], extraEnv: NodeJS.ProcessEnv = {}) {
  try {
    const { stdout, stderr } = await run(SF, args, { env: { ...env, ...extraEnv }, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failure.code ?? -1, stdout: failure.stdout ?? '', stderr: failure.stderr ?? '' };
  }
}

async function sfJson<T>(args: readonly string[]): Promise<{ code: number; json: SfJson<T>; stderr: string }> {
  const { code, stdout, stderr } = await sf([...args, '--json']);
  let json: SfJson<T>;
  try {
    json = JSON.parse(stdout) as SfJson<T>;
  } catch {
    assert.fail(`sf ${args.join(' ')} --json printed no JSON (exit ${code}):\n${stdout}\n${stderr}`);
  }
  return { code, json, stderr };
}

before(async () => {
  home = mkdtempSync(path.join(os.tmpdir(), 'gentrack-sf-home-'));
  const caFile = path.join(home, 'sandbox-ca.pem');
  writeFileSync(caFile, localhostCertificate().cert);
  env = {
    PATH: `${path.join(PROJECT_ROOT, 'node_modules', '.bin')}${path.delimiter}${process.env.PATH ?? ''}`,
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_DATA_HOME: path.join(home, '.local', 'share'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    SF_DISABLE_TELEMETRY: 'true',
    SF_AUTOUPDATE_DISABLE: 'true',
    SF_SKIP_NEW_VERSION_CHECK: 'true',
    SF_USE_GENERIC_UNIX_KEYCHAIN: 'true',
    OCLIF_DISABLE_LINKED_ESM_WARNING: 'true',
    NODE_EXTRA_CA_CERTS: caFile,
  };
  sandbox = await startSalesforceSandbox({
    forceAppDir: path.join(PROJECT_ROOT, 'force-app'),
    tls: true,
    features: { contactsToMultipleAccounts: false, quotes: false },
    integration: { permissionSets: [] },
  });
  gentrack = await startGentrackSandbox({ host: '127.0.0.1' });
  const relayDir = path.join(home, 'relay');
  mkdirSync(relayDir);
  configFile = path.join(relayDir, 'relay.yaml');
  writeFileSync(
    configFile,
    JSON.stringify({
      tenantId: 'my-tenant',
      salesforce: { loginUrl: sandbox.url, auth: 'client_credentials', clientId: sandbox.org.connectedApp.clientId },
      gentrack: { baseUrl: gentrack.baseUrl, tokenUrl: gentrack.tokenUrl, clientId: gentrack.clientId },
      store: { path: path.join(relayDir, 'relay.db') },
    }),
  );
  const link = await sf(['plugins', 'link', PROJECT_ROOT, '--no-install']);
  assert.equal(link.code, 0, `sf plugins link failed:\n${link.stdout}\n${link.stderr}`);
  const { org } = sandbox;
  const login = await sf(
    ['org', 'login', 'access-token', '--instance-url', sandbox.url, '--alias', ALIAS, '--no-prompt', '--json'],
    { SF_ACCESS_TOKEN: org.sessions.issue(org.users.admin.id) },
  );
  assert.equal(login.code, 0, `sf org login access-token failed:\n${login.stdout}\n${login.stderr}`);
});

after(async () => {
  await sandbox?.close();
  await gentrack?.close();
  if (home) rmSync(home, { recursive: true, force: true });
});

test('sf gentrack --help lists the plugin commands', async () => {
  const { code, stdout } = await sf(['gentrack', '--help']);
  assert.equal(code, 0);
  for (const command of ['generate', 'verify', 'validate-org', 'setup', 'initial-sync', 'credentials']) {
    assert.match(stdout, new RegExp(`gentrack ${command}\\b`), `${command} is listed`);
  }
  const setupHelp = await sf(['gentrack', 'setup', '--help']);
  assert.match(setupHelp.stdout, /--target-org/);
  assert.match(setupHelp.stdout, /--json/);
});

test('the sandbox org is an sf alias in the test home only, over HTTPS', async () => {
  const { json } = await sfJson<{ instanceUrl: string; username: string }>(['org', 'display', '--target-org', ALIAS]);
  assert.equal(json.status, 0);
  assert.match(json.result.instanceUrl, /^https:\/\/127\.0\.0\.1:\d+/);
  assert.equal(json.result.username, sandbox.org.credentials.admin.username);
  assert.ok(!(json.warnings ?? []).some((warning) => /insecure protocol/i.test(warning)), 'no plain-http warning');
  assert.ok(existsSync(path.join(home, '.sfdx')), 'sf state lives under the test home');
});

test('sf gentrack setup --target-org sets the org up, verifies it, and a second run changes nothing', async () => {
  const { org } = sandbox;
  const args = [
    'gentrack',
    'setup',
    '--target-org',
    ALIAS,
    '--relay-url',
    'https://relay.acme.test',
    '--integration-user',
    org.credentials.integration.username,
    '--config',
    configFile,
  ];
  type Report = { ok: boolean; steps: { step: string; status: string }[]; todo: string[] };
  const first = await sfJson<Report>(args);
  assert.equal(first.json.status, 0, JSON.stringify(first.json, null, 2));
  assert.equal(first.code, 0);
  assert.deepEqual(
    first.json.result.steps.map((step) => step.status),
    ['done', 'done', 'done', 'done', 'done', 'done', 'done'],
    JSON.stringify(first.json.result.steps, null, 2),
  );
  assert.match(first.json.result.todo.join('\n'), /connected app/);
  assert.ok(org.users.integration.hasPermissionSet('Gentrack_Integration_User'));
  assert.equal(org.namedCredentials.namedCredential('Gentrack_Relay').calloutUrl, 'https://relay.acme.test/v1');
  assert.match(
    org.namedCredentials.credential('Gentrack_Relay', 'Gentrack_Relay_Client')?.values['clientId']?.value ?? '',
    /\S/,
    "the principal holds the relay's client id",
  );

  const second = await sfJson<Report>(args);
  assert.equal(second.json.status, 0);
  assert.deepEqual(new Set(second.json.result.steps.map((step) => step.status)), new Set(['already']));

  // Human output: the same report as gentrack-sf prints, on stdout.
  const human = await sf(args);
  assert.equal(human.code, 0);
  assert.match(human.stdout, /^ok\s+Contacts to Multiple Accounts/m);
  assert.match(human.stdout, /Left to do by hand:/);
});

test('sf gentrack validate-org --target-org passes once the org is set up, with sf exit codes', async () => {
  const { code, json } = await sfJson<{ problems: unknown[]; findings: { check: string; status: string }[] }>([
    'gentrack',
    'validate-org',
    '--target-org',
    ALIAS,
  ]);
  assert.equal(code, 0, JSON.stringify(json.result.problems, null, 2));
  assert.equal(json.status, 0);
  assert.deepEqual(json.result.problems, []);
  assert.ok(json.result.findings.some((finding) => finding.check === 'feature Quotes' && finding.status === 'ok'));
});

test('sf gentrack credentials rotate --target-org pushes the new secret into the org and shows it once', async () => {
  const { code, json } = await sfJson<{ clientId: string; clientSecret: string; salesforce: string }>([
    'gentrack',
    'credentials',
    'rotate',
    '--target-org',
    ALIAS,
    '--config',
    configFile,
  ]);
  assert.equal(code, 0, JSON.stringify(json, null, 2));
  assert.equal(json.result.salesforce, 'replaced');
  const stored = sandbox.org.namedCredentials.credential('Gentrack_Relay', 'Gentrack_Relay_Client')!;
  assert.equal(stored.values['clientSecret']?.value, json.result.clientSecret);
  assert.equal(stored.values['clientId']?.value, json.result.clientId);
  assert.equal(stored.setBy, sandbox.org.credentials.admin.username, "pushed as the alias's user");
});

test('sf gentrack initial-sync --target-org loads an extract as the alias user, with no Salesforce secret', async () => {
  // After the setup test above: the org has what the preflight's Validate Data Model asks for.
  const extract = path.join(home, 'extract');
  mkdirSync(extract);
  writeFileSync(
    path.join(extract, 'accounts.jsonl'),
    [
      { accountNumber: 'SF-1', account: { name: 'Kauri Energy', accountClass: 'Business' } },
      { accountNumber: 'SF-2', account: { name: 'Rimu Homes', accountClass: 'Residential' } },
      { account: { name: 'No number' } },
    ]
      .map((row) => JSON.stringify(row))
      .join('\n'),
  );
  const reportDir = path.join(home, 'reports');
  const { code, stdout, stderr } = await sf(
    [
      'gentrack',
      'initial-sync',
      '--target-org',
      ALIAS,
      '--config',
      configFile,
      '--extract',
      extract,
      '--report-dir',
      reportDir,
      '--json',
    ],
    // Only Gentrack's secret: the org is the alias's, the Connected App's secret is not needed.
    { GENTRACK_CLIENT_SECRET: gentrack.clientSecret },
  );
  const json = JSON.parse(stdout) as SfJson<{ outcome: string; stages: { name: string; outcome?: string }[] }>;
  assert.equal(code, 2, `completed with errors (one unmapped row):\n${stdout}\n${stderr}`);
  assert.equal(json.status, 2);
  assert.equal(json.result.outcome, 'completed with errors');
  assert.match(stderr, /STAGE\s+OUTCOME/, 'the table goes to stderr with --json');
  const loaded = sandbox.org.query(
    "SELECT Name, CreatedById FROM Account WHERE Gentrack_External_Id__c IN ('SF-1', 'SF-2') ORDER BY Name",
  ).records;
  assert.deepEqual(
    loaded.map((record) => record['Name']),
    ['Kauri Energy', 'Rimu Homes'],
  );
  assert.ok(
    loaded.every((record) => record['CreatedById'] === sandbox.org.users.admin.id),
    "loaded as the alias's user",
  );
  assert.equal(
    sandbox.org.customSettings.getOrgDefaults('Gentrack_Connector_Settings__c')['Disable_Publishing__c'],
    false,
    'publishing is on again',
  );
});

test('a command without a usable org fails the sf way, naming the alias', async () => {
  const { code, json } = await sfJson<unknown>(['gentrack', 'validate-org', '--target-org', 'no-such-org']);
  assert.notEqual(code, 0);
  assert.notEqual(json.status, 0);
  assert.match(JSON.stringify(json), /no-such-org/);
  assert.ok(!readFileSync(path.join(home, '.sfdx', 'alias.json'), 'utf8').includes('no-such-org'));
});
