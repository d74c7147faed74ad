/**
 * The portal's Initial Data Synchronisation page as an operator uses it, in real headless Chromium against the
 * sandbox org: an extract chosen under the configured root, the checks shown first, Start only after confirming the
 * outage window, the run followed live until its outcome, the org really loaded, and the outcome emailed through a
 * real SMTP server in this process. Also: a path outside the root (typed, or through a symbolic link) is refused, a
 * viewer can follow but not start, a second Start is refused while a run is running, and Cancel stops the load with
 * publishing re-enabled. axe-core checks each page at 1280 and 375 px.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { KILL_SWITCH_FIELD, SETTINGS_OBJECT } from '../../model/connector-fields.js';
import { resolveRelayConfig } from '../../relay/src/platform/config/relay-config.js';
import { Secret } from '../../relay/src/platform/config/secret.js';
import { SyncHistory } from '../../relay/src/platform/db/sync-history.js';
import { InitialSyncLease } from '../../relay/src/platform/db/initial-sync-lease.js';
import { openRelayDatabase, type RelayDatabase } from '../../relay/src/platform/db/relay-database.js';
import { createLogger } from '../../relay/src/platform/ops/logger.js';
import { createRelayMetrics } from '../../relay/src/platform/ops/metrics.js';
import { AuditLog } from '../../relay/src/portal/audit-log.js';
import { PASSWORDS, USERNAMES } from '../../relay/src/portal/portal-test-harness.js';
import { PortalUsers } from '../../relay/src/portal/portal-users.js';
import type { Role } from '../../relay/src/portal/roles.js';
import { startRelayPortal, type RelayPortal } from '../../relay/src/relay-portal.js';
import { startSandbox, type Sandbox } from '../../sandbox/start-sandbox.js';
import { eventually } from '../eventually.js';
import { startSmtpInbox, type SmtpInbox } from '../smtp-inbox.js';
import { assertUsableAtBothWidths, launchChromium, type Chromium } from './chromium.js';
import { jsonl, MIXED } from './initial-sync-extracts.js';
import { screenshotForDocs } from './portal-screenshots.js';

const RECIPIENT = 'billing-ops@acme.example';

let chromium: Chromium;
let sandbox: Sandbox;
let inbox: SmtpInbox;
let portal: RelayPortal;
let db: RelayDatabase;
let page: Page;
let dir: string;
let extractRoot: string;

/** Account jobs read as InProgress while this is set: a load that takes long enough to cancel. */
let holdAccountJobs = false;

before(async () => {
  chromium = await launchChromium();
  sandbox = await startSandbox();
  inbox = await startSmtpInbox();
  dir = mkdtempSync(path.join(os.tmpdir(), 'portal-initial-sync-'));
  extractRoot = path.join(dir, 'extracts');
  const write = (folder: string, files: Record<string, string>) => {
    mkdirSync(path.join(extractRoot, folder), { recursive: true });
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(extractRoot, folder, name), text);
  };
  write('march', MIXED);
  write('slow', {
    'accounts.jsonl': jsonl(
      ...Array.from({ length: 6 }, (_, index) => ({
        accountNumber: `SLOW-${index}`,
        account: { name: `Slow ${index}` },
      })),
    ),
  });
  mkdirSync(path.join(dir, 'elsewhere'));
  writeFileSync(path.join(dir, 'elsewhere', 'accounts.jsonl'), MIXED['accounts.jsonl']);
  symlinkSync(path.join(dir, 'elsewhere'), path.join(extractRoot, 'shortcut'));

  const storePath = path.join(dir, 'relay.db');
  const config = resolveRelayConfig({
    text: JSON.stringify({
      ...sandbox.relayConfigInput({ storePath }),
      portal: { port: 0, initialSync: { extractRoot, reportDir: path.join(dir, 'reports') } },
      email: {
        smtp: { host: '127.0.0.1', port: inbox.port, user: inbox.user, rejectUnauthorizedTls: false },
        from: 'Gentrack relay <relay@acme.example>',
        to: [RECIPIENT],
      },
    }),
    env: {},
  });
  portal = (await startRelayPortal({
    config,
    metrics: createRelayMetrics({ defaultMetrics: false }),
    logger: createLogger({ level: 'silent' }),
    env: { ...sandbox.relaySecretsEnv(), SMTP_PASSWORD: inbox.password },
    // One row per job, one job at a time: a held job holds the load at its next rows.
    bulk: { pollIntervalMs: 10, pollMaxIntervalMs: 50, maxRecordsPerJob: 1, jobConcurrency: 1 },
  }))!;
  db = openRelayDatabase(storePath);
  const users = new PortalUsers(db);
  for (const role of ['viewer', 'operator'] as const) {
    await users.add(USERNAMES[role], new Secret(PASSWORDS[role]), role);
  }
  const jobs = sandbox.salesforce.org.bulkIngest;
  const info = jobs.info.bind(jobs);
  jobs.info = (id) => {
    const current = info(id);
    return holdAccountJobs && current.object === 'Account' && current.state === 'JobComplete'
      ? { ...current, state: 'InProgress' }
      : current;
  };
  page = await chromium.newPage();
});

after(async () => {
  await chromium?.close();
  await portal?.close();
  db?.close();
  await inbox?.close();
  await sandbox?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const url = (pathname: string) => new URL(pathname, portal.url).toString();
const org = () => sandbox.salesforce.org;
const killSwitch = () => org().customSettings.getOrgDefaults(SETTINGS_OBJECT)[KILL_SWITCH_FIELD];

async function signIn(role: Role): Promise<void> {
  await page.context().clearCookies();
  await page.goto(url('/login?next=%2Finitial-sync'));
  await page.getByLabel('User name').fill(USERNAMES[role]);
  await page.getByLabel('Password').fill(PASSWORDS[role]);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(url('/initial-sync'));
}

/** A form POST made by hand from the signed-in page, with its CSRF token: what a crafted request can do. */
function postFromPage(action: string, fields: Record<string, string>): Promise<{ status: number; text: string }> {
  return page.evaluate(
    async ({ action, fields }) => {
      const token = (document.querySelector('input[name="_csrf"]') as HTMLInputElement).value;
      const response = await fetch(action, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: token, ...fields }),
      });
      return { status: response.status, text: await response.text() };
    },
    { action, fields },
  );
}

const audit = () => new AuditLog(db).list({}, 200);

test('a viewer follows the page but has no form, and the server refuses a hand-made start', async () => {
  await signIn('viewer');
  await page.getByRole('heading', { name: 'Initial Data Synchronisation' }).waitFor();
  await page.getByText('No initial synchronisation has run yet.').waitFor();
  assert.equal(await page.getByRole('button', { name: 'Check the extract' }).count(), 0);
  await page.getByText('Your role (viewer) can follow runs here').waitFor();
  await assertUsableAtBothWidths(page, 'the initial sync page for a viewer');
  for (const action of ['/initial-sync/preflight', '/initial-sync/start', '/initial-sync/cancel']) {
    const answer = await postFromPage(action, { extract: 'march', confirm: 'yes' });
    assert.equal(answer.status, 403, action);
  }
  assert.equal(new SyncHistory(db).list({ kind: 'initial' }).length, 0, 'nothing ran');
  assert.ok(
    audit().some(
      (entry) =>
        entry.actor === USERNAMES.viewer && entry.outcome === 'refused' && /run-initial-sync/.test(entry.detail ?? ''),
    ),
  );
  chromium.assertNoPageErrors();
});

test('a folder outside the root is refused, typed or through a symbolic link, and nothing is checked', async () => {
  await signIn('operator');
  for (const [typed, why] of [
    ['../elsewhere', /"\.\.\/elsewhere" is outside the extract folder .*extracts: only folders under it can be loaded/],
    ['shortcut', /"shortcut" leads outside the extract folder .*\(through a symbolic link/],
    [path.join(dir, 'elsewhere'), /is an absolute path/],
  ] as const) {
    await page.getByLabel(/Extract folder/).fill(typed);
    await page.getByRole('button', { name: 'Check the extract' }).click();
    await page.getByRole('alert').getByText(why).waitFor();
    assert.equal(await page.getByLabel(/Extract folder/).getAttribute('aria-invalid'), 'true');
  }
  await assertUsableAtBothWidths(page, 'a refused extract');
  // A crafted start with the confirmation is refused the same way.
  const crafted = await postFromPage('/initial-sync/start', { extract: '../elsewhere', confirm: 'yes' });
  assert.equal(crafted.status, 400);
  assert.match(crafted.text, /is outside the extract folder/);
  assert.equal(new SyncHistory(db).list({ kind: 'initial' }).length, 0, 'nothing ran');
  const refused = audit().filter((entry) => entry.action.startsWith('initial-sync.') && entry.outcome === 'refused');
  assert.ok(refused.some((entry) => entry.target === 'extract shortcut'));
  assert.ok(refused.some((entry) => entry.action === 'initial-sync.start' && entry.target === 'extract ../elsewhere'));
  chromium.assertNoPageErrors();
});

test('an operator checks an extract, confirms the outage window, and the run loads the org and emails the outcome', async () => {
  await signIn('operator');
  await page.getByLabel(/Extract folder/).fill('march');
  await page.getByRole('button', { name: 'Check the extract' }).click();
  await page.getByRole('heading', { name: 'Check of march' }).waitFor();
  await page.getByText('The checks passed').waitFor();
  const files = await page.locator('table.extract-files').textContent();
  for (const name of ['accounts.jsonl', 'contacts.csv', 'relations.jsonl']) assert.ok(files?.includes(name), name);
  const outage = (await page.locator('#outage').textContent()) ?? '';
  assert.match(outage, /Outage window:/);
  assert.match(outage, /Gentrack_Connector_Settings__c\.Disable_Publishing__c/);
  assert.match(outage, new RegExp(`emailed to ${RECIPIENT}`));
  await assertUsableAtBothWidths(page, 'the checks and the confirmation');
  await screenshotForDocs(page, 'initial-sync-check');
  assert.equal(org().query('SELECT Id FROM Account').totalSize, 0, 'the checks loaded nothing');

  // Start without the confirmation: the browser will not send it, and the server would refuse it.
  await page.getByRole('button', { name: 'Start the initial synchronisation' }).click();
  assert.equal(new URL(page.url()).pathname, '/initial-sync/preflight', 'not sent without the confirmation');
  const unconfirmed = await postFromPage('/initial-sync/start', { extract: 'march' });
  assert.match(unconfirmed.text, /Nothing was started: confirm the outage window first/);

  await page.getByLabel(/I understand that publishing is disabled/).check();
  await page.getByRole('button', { name: 'Start the initial synchronisation' }).click();
  await page.getByRole('status').getByText('The initial synchronisation of march has started').waitFor();
  // The outcome arrives in place, without reloading.
  const outcome = page.locator('#run-outcome');
  await outcome.waitFor({ timeout: 60_000 });
  assert.match((await outcome.textContent()) ?? '', /Completed with errors: 11 rows did not load\./);
  const reportUrl = await page.locator('#report-link').getAttribute('href');
  assert.match(reportUrl ?? '', /\/lightning\/r\/ContentDocument\/\w+\/view$/);
  assert.equal(new URL(page.url()).pathname, '/initial-sync');
  const stages = (await page.locator('table.stages').textContent()) ?? '';
  for (const stage of [
    'preflight',
    'disable publishing',
    'accounts',
    'contacts',
    'relations',
    're-enable publishing',
    'report',
  ])
    assert.ok(stages.includes(stage), stage);

  // The org is loaded, publishing is back as it was.
  assert.deepEqual(
    org()
      .query('SELECT Gentrack_External_Id__c FROM Account ORDER BY Gentrack_External_Id__c')
      .records.map((record) => record['Gentrack_External_Id__c']),
    ['A-1', 'A-2', 'A-3'],
  );
  assert.equal(org().query(`SELECT Id FROM ${SETTINGS_OBJECT}`).totalSize, 0, 'the org default the run made is gone');

  // The email: subject, outcome, counts per object, who, the report link.
  const email = await inbox.message(1);
  assert.equal(email.subject, '[sandbox] Gentrack initial synchronisation completed with errors: 11 rows did not load');
  assert.deepEqual(email.envelopeTo, [RECIPIENT]);
  const text = email.text ?? '';
  assert.match(text, /completed with errors\./);
  assert.match(text, /Started by: otto \(portal\)/);
  assert.match(text, /^accounts\s+completed with errors\s+7\s+3\s+0\s+0\s+4\s/m);
  assert.match(text, /^contacts\s+completed with errors\s+7\s+2\s+0\s+0\s+5\s/m);
  assert.ok(text.includes(reportUrl!), 'the report link');
  await page.locator('#run-email').getByText(`The outcome was emailed to ${RECIPIENT}.`).waitFor();
  await assertUsableAtBothWidths(page, 'the outcome of a run');
  await screenshotForDocs(page, 'initial-sync-outcome');

  // The history the CLI reads, with who started it; the audit log.
  const [run] = new SyncHistory(db).list({ kind: 'initial' });
  assert.equal(run!.initiatedBy, 'otto (portal)');
  assert.equal(run!.outcome, 'completed with errors');
  const actions = audit().map((entry) => `${entry.action} ${entry.outcome}`);
  for (const expected of [
    'initial-sync.preflight succeeded',
    'initial-sync.start succeeded',
    'initial-sync.start refused',
    'initial-sync.end succeeded',
  ])
    assert.ok(actions.includes(expected), expected);
  chromium.assertNoPageErrors();
});

test('while a run is running a second Start is refused, and Cancel stops it with publishing re-enabled', async () => {
  // Publishing on through an org default of its own: the run must put exactly that back.
  await org().insert(SETTINGS_OBJECT, { [KILL_SWITCH_FIELD]: false });
  holdAccountJobs = true;
  try {
    await signIn('operator');
    await page.getByLabel(/Extract folder/).fill('slow');
    await page.getByRole('button', { name: 'Check the extract' }).click();
    await page.getByLabel(/I understand that publishing is disabled/).check();
    await page.getByRole('button', { name: 'Start the initial synchronisation' }).click();
    await page.locator('table.stages tr.stage.running').getByText('accounts').waitFor({ timeout: 20_000 });
    assert.equal(killSwitch(), true, 'publishing is off during the load');
    await page.getByText('Running: publishing to Gentrack is disabled until the run ends.').waitFor();
    await assertUsableAtBothWidths(page, 'a running initial synchronisation');

    const second = await postFromPage('/initial-sync/start', { extract: 'march', confirm: 'yes' });
    assert.match(second.text, /An initial synchronisation is already running \(started by otto \(portal\)/);

    await page.getByRole('button', { name: 'Cancel the run' }).click();
    await page.getByRole('status').getByText('Cancelling: the load stops at its next row').waitFor();
  } finally {
    holdAccountJobs = false;
  }
  const outcome = page.locator('#run-outcome');
  await outcome.getByText(/Failed at stage “accounts”: interrupted by the operator/).waitFor({ timeout: 30_000 });
  await eventually('publishing re-enabled', () => killSwitch() === false);
  assert.equal(org().query(`SELECT Id FROM ${SETTINGS_OBJECT}`).totalSize, 1, 'the same org default, kept');
  const loaded = org().query("SELECT Id FROM Account WHERE Gentrack_External_Id__c LIKE 'SLOW-%'").totalSize;
  assert.ok(loaded < 6, `stopped before the end: ${loaded} of 6 accounts loaded`);
  const email = await inbox.message(2);
  assert.equal(email.subject, '[sandbox] Gentrack initial synchronisation FAILED at stage "accounts"');
  const actions = audit().map((entry) => `${entry.actor} ${entry.action} ${entry.outcome}`);
  assert.ok(actions.includes('otto initial-sync.cancel succeeded'));
  assert.ok(actions.includes('otto initial-sync.start refused'));
  assert.ok(actions.includes('otto (portal) initial-sync.end failed'));
  chromium.assertNoPageErrors();
});

test('a run of gentrack-sf initial-sync in another process, sharing the store, refuses Start and names that run', async () => {
  const before = killSwitch();
  const runsBefore = new SyncHistory(db).list({ kind: 'initial', limit: 100 }).length;
  const elsewhere = new InitialSyncLease(db, { holder: 'ops-host.example:4242', pidNamespace: '' });
  elsewhere.claim('cli-run-1', 'ops@ops-host.example');
  try {
    await signIn('operator');
    const refused = await postFromPage('/initial-sync/start', { extract: 'march', confirm: 'yes' });
    assert.match(
      refused.text,
      /An initial synchronisation is already running: run cli-run-1, started by ops@ops-host\.example at .* in process ops-host\.example:4242/,
    );
    assert.equal(new SyncHistory(db).list({ kind: 'initial', limit: 100 }).length, runsBefore, 'no run recorded');
    assert.equal(killSwitch(), before, 'publishing untouched');
    const last = audit().find((entry) => entry.action === 'initial-sync.start');
    assert.equal(last?.outcome, 'refused');
  } finally {
    elsewhere.release('cli-run-1');
  }
  chromium.assertNoPageErrors();
});
