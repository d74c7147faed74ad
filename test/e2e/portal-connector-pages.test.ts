/**
 * The connector's portal pages as a person uses them, in real headless Chromium, against the sandbox, a running
 * relay and its API: Validate Data Model run against the org (an org missing a field, shown with its fix); Named
 * Credentials created, rotated and revoked, the secret shown once and copied, pushed into the org's External
 * Credential, the old secret really refused at /oauth/token and the new one accepted; an on-demand sync started from
 * the form and followed to its end (with script, and without: the page reloads itself), its change really reaching
 * the Gentrack stand-in; the history filtered and opened. Role refusals on the server, axe-core on every page at
 * 1280 px and 375 px.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { Page } from 'playwright-core';
import pino from 'pino';
import { RELAY_CREDENTIAL_PRINCIPAL, RELAY_EXTERNAL_CREDENTIAL } from '../../model/connector-fields.js';
import { portalSchema } from '../../relay/src/platform/config/portal-config-schema.js';
import { openRelayDatabase, type RelayDatabase } from '../../relay/src/platform/db/relay-database.js';
import { createLogger } from '../../relay/src/platform/ops/logger.js';
import { createRelayMetrics } from '../../relay/src/platform/ops/metrics.js';
import { AuditLog } from '../../relay/src/portal/audit-log.js';
import { addRoleAccounts, PASSWORDS, USERNAMES } from '../../relay/src/portal/portal-test-harness.js';
import type { Role } from '../../relay/src/portal/roles.js';
import { startRelayApi, type RelayApi } from '../../relay/src/relay-api.js';
import { startRelayPortal, type RelayPortal } from '../../relay/src/relay-portal.js';
import { assertUsableAtBothWidths, launchChromium, type Chromium } from './chromium.js';
import { postWithPageToken } from './portal-page.js';
import { screenshotForDocs } from './portal-screenshots.js';
import { eventually, startE2E, type E2E } from './harness.js';

/** Dropped from the sandbox org, so Validate Data Model has something to fix. */
const MISSING_FIELD = 'Contact.Customer_Segment__c';

let e2e: E2E;
let api: RelayApi;
let portal: RelayPortal;
let chromium: Chromium;
let db: RelayDatabase;
let page: Page;
/** Everything the portal and the relay logged: a secret must never be in it. */
const logged: string[] = [];

before(async () => {
  chromium = await launchChromium();
  e2e = await startE2E({ salesforce: { dropFields: [MISSING_FIELD] } });
  const relay = await e2e.startRelay();
  api = (await startRelayApi({
    relay,
    config: e2e.config,
    secrets: { apiSigningKey: undefined },
    logger: pino({ level: 'silent' }),
  }))!;
  const logger = createLogger({
    level: 'debug',
    destination: new Writable({
      write(chunk, _encoding, done) {
        logged.push(String(chunk));
        done();
      },
    }),
  });
  portal = (await startRelayPortal({
    config: { ...e2e.config, portal: portalSchema.parse({ port: 0, loginAttempts: { max: 100 } }) },
    metrics: createRelayMetrics({ defaultMetrics: false }),
    logger,
    relay,
  }))!;
  db = openRelayDatabase(path.join(e2e.storeDir, 'relay.db'));
  await addRoleAccounts(db);
  page = await chromium.newPage();
});

after(async () => {
  await chromium?.close();
  await portal?.close();
  await api?.close();
  db?.close();
  await e2e?.close();
});

const url = (pathname: string) => new URL(pathname, portal.url).toString();
const auditOf = (action: string) => new AuditLog(db).list({ action }, 100);

async function signIn(role: Role): Promise<void> {
  await page.context().clearCookies();
  await page.goto(url('/login'));
  await page.getByLabel('User name').fill(USERNAMES[role]);
  await page.getByLabel('Password').fill(PASSWORDS[role]);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(url('/'));
}

const checkPage = (what: string) => assertUsableAtBothWidths(page, what);

async function mintToken(clientId: string, clientSecret: string): Promise<number> {
  const response = await fetch(`${api.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }),
  });
  return response.status;
}

function orgCredentials(): { clientId: string; clientSecret: string } | undefined {
  const stored = e2e.sandbox.salesforce.org.namedCredentials.credential(
    RELAY_EXTERNAL_CREDENTIAL,
    RELAY_CREDENTIAL_PRINCIPAL,
  );
  return stored && { clientId: stored.values.clientId!.value, clientSecret: stored.values.clientSecret!.value };
}

test('Validate Data Model: an operator runs it against the org and sees the fix for what is missing', async () => {
  await signIn('operator');
  await page.getByRole('link', { name: 'Validate Data Model' }).click();
  await page.getByRole('heading', { name: 'Validate Data Model' }).waitFor();
  await checkPage('Validate Data Model before a run');
  await page.getByRole('button', { name: 'Validate the data model' }).click();
  await page
    .locator('#validation-summary')
    .getByText(/^\s*1 of \d+ checks found something missing or wrong/)
    .waitFor();
  const row = page.locator('table.validation tr', { hasText: `field ${MISSING_FIELD}` });
  assert.equal(await row.locator('.status').textContent(), 'Missing');
  assert.match((await row.locator('td.fix').textContent()) ?? '', /deploy|sf project deploy start/i, 'with its fix');
  assert.ok((await page.locator('table.validation tr.ok').count()) > 10, 'what is right is listed too');
  await checkPage('Validate Data Model with its result');
  // The top: the summary and what is missing with its fix come first, the passing checks after them.
  await screenshotForDocs(page, 'validate-data-model', { fullPage: false });
  const [entry] = auditOf('data-model.validate');
  assert.equal(entry?.actor, USERNAMES.operator, 'who ran it');
  assert.match(entry?.detail ?? '', new RegExp(`1 of \\d+ checks found a problem: field ${MISSING_FIELD}`));

  await signIn('viewer');
  await page.goto(url('/validate-data-model'));
  assert.equal(await page.getByRole('button', { name: 'Validate the data model' }).count(), 0);
  await page.getByText(`Run by ${USERNAMES.operator}`).waitFor();
  assert.equal(await postWithPageToken(page, '/validate-data-model'), 403, 'refused on the server');
  assert.equal(auditOf('data-model.validate').length, 1, 'and not run');
  chromium.assertNoPageErrors();
});

test('Named Credentials: create, rotate and revoke; the secret shown once and copied; the old secret refused, the new accepted', async () => {
  await signIn('operator');
  assert.equal(await page.getByRole('link', { name: 'Named Credentials' }).count(), 0);
  await page.goto(url('/credentials'));
  await page.getByRole('heading', { name: 'Not allowed' }).waitFor();

  await signIn('admin');
  await page.getByRole('link', { name: 'Named Credentials' }).click();
  await page.getByText('No API client yet').waitFor();
  await checkPage('Named Credentials without a client');
  await page.getByRole('button', { name: 'Create the API client' }).click();
  await page.getByRole('heading', { name: 'API client created' }).waitFor();
  const clientId = (await page.locator('#client-id').textContent())!.trim();
  const first = (await page.locator('#client-secret').textContent())!.trim();
  await page
    .locator('#salesforce-outcome')
    .getByText(`created the credentials of External Credential ${RELAY_EXTERNAL_CREDENTIAL}`)
    .waitFor();
  assert.deepEqual(orgCredentials(), { clientId, clientSecret: first }, 'pushed into the org');
  await checkPage('the new secret');

  await chromium.context.grantPermissions(['clipboard-read', 'clipboard-write'], {
    origin: new URL(portal.url).origin,
  });
  await page.getByRole('button', { name: 'Copy the secret' }).click();
  await page.getByRole('status').getByText('Copied.').waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), first, 'the copy button copies the secret');
  assert.equal(await mintToken(clientId, first), 200);

  await page.getByRole('link', { name: 'Back to Named Credentials' }).click();
  assert.equal(await page.getByText(first).count(), 0, 'shown once');
  await checkPage('Named Credentials with an active client');
  // The list after the one-time secret's page: the client and its dates, no secret.
  await screenshotForDocs(page, 'named-credentials');
  await page.getByRole('button', { name: 'Rotate the secret' }).click();
  await page.getByRole('heading', { name: 'Secret rotated' }).waitFor();
  const second = (await page.locator('#client-secret').textContent())!.trim();
  assert.notEqual(second, first);
  await page.locator('#salesforce-outcome').getByText('replaced the credentials').waitFor();
  assert.deepEqual(orgCredentials(), { clientId, clientSecret: second });
  assert.equal(await mintToken(clientId, first), 401, 'the old secret is refused at /oauth/token');
  assert.equal(await mintToken(clientId, second), 200, 'the new one is accepted');

  await page.goto(url('/credentials'));
  await page.getByRole('link', { name: 'Revoke…' }).click();
  await page.getByRole('heading', { name: `Revoke API client ${clientId}?` }).waitFor();
  await checkPage('the revoke confirmation');
  await page.getByRole('link', { name: 'Keep it' }).click();
  assert.equal(await mintToken(clientId, second), 200, 'kept when the admin does not confirm');
  await page.getByRole('link', { name: 'Revoke…' }).click();
  await page.getByRole('button', { name: 'Revoke for good' }).click();
  await page.getByRole('status').getByText(`Revoked API client ${clientId}`).waitFor();
  assert.equal(await mintToken(clientId, second), 401, 'no secret gets a token once revoked');
  assert.equal(orgCredentials(), undefined, "removed from the org's External Credential");

  assert.deepEqual(
    auditOf('credentials.create')
      .concat(auditOf('credentials.rotate'), auditOf('credentials.revoke'))
      .map((entry) => [entry.action, entry.actor, entry.outcome]),
    [
      ['credentials.create', USERNAMES.admin, 'succeeded'],
      ['credentials.rotate', USERNAMES.admin, 'succeeded'],
      ['credentials.revoke', USERNAMES.admin, 'succeeded'],
    ],
  );
  const everything = [JSON.stringify(new AuditLog(db).list({}, 10_000)), ...logged].join('\n');
  for (const secret of [first, second]) assert.ok(!everything.includes(secret), 'never in the audit log or the log');
  chromium.assertNoPageErrors();
});

test('On-demand sync: an operator starts one from the form, the page follows the job to its end, the change reaches Gentrack', async () => {
  const { id: accountId } = (await e2e.admin.sobject('Account').create({ Name: 'Portal On Demand Pty' })) as {
    id: string;
  };
  await signIn('viewer');
  assert.equal(await page.getByRole('link', { name: 'On-demand sync' }).count(), 0);
  assert.equal(
    await postWithPageToken(page, '/on-demand', { source: 'Salesforce', entityType: 'Account', entityId: accountId }),
    403,
  );

  await signIn('operator');
  await page.getByRole('link', { name: 'On-demand sync' }).click();
  await page.getByRole('heading', { name: 'On-demand synchronisation' }).waitFor();
  await checkPage('the on-demand form');
  await screenshotForDocs(page, 'on-demand');
  // A mistake first: the API's own check names it, and nothing starts.
  await page.getByLabel('Entity id').fill('not a record id');
  await page.getByRole('button', { name: 'Start' }).click();
  await page.locator('#on-demand-problems').getByText('is not a Salesforce record id').waitFor();
  await checkPage('the on-demand form with a problem');

  // With the keyboard: direction (the default, Salesforce to Gentrack), entity type, entity id, Enter.
  await page.getByLabel('Salesforce → Gentrack').check();
  await page.getByLabel('Entity type').selectOption('Account');
  await page.getByLabel('Entity id').fill('');
  await page.getByLabel('Entity id').focus();
  await page.keyboard.type(accountId);
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/on-demand\/jobs\/[0-9a-f-]{36}$/);
  const jobId = page.url().split('/').at(-1)!;
  // A mark in the page: it survives only if the page is updated in place, not reloaded.
  await page.evaluate(() => ((window as unknown as { mark: number }).mark = 1));
  await page.locator('#job-state').getByText('Succeeded').waitFor({ timeout: 20_000 });
  assert.equal(await page.evaluate(() => (window as unknown as { mark?: number }).mark), 1, 'followed in place');
  assert.match((await page.locator('#job-result').textContent()) ?? '', /updated|created in Gentrack/);
  await checkPage('a finished on-demand job');
  await screenshotForDocs(page, 'on-demand-job');
  const call = e2e.sandbox.gentrack.calls
    .list()
    .find((candidate) => String(candidate.headers['x-transaction-id'] ?? '').startsWith(`sync-job-${jobId}`));
  assert.ok(call, 'the job reached the Gentrack stand-in');
  assert.equal(call.headers['x-on-behalf-of'], USERNAMES.operator);

  const [entry] = auditOf('on-demand.start').filter((candidate) => candidate.outcome === 'succeeded');
  assert.equal(entry?.actor, USERNAMES.operator);
  assert.equal(entry?.detail, `job ${jobId}`);
  chromium.assertNoPageErrors();
});

test('without script, a job page reloads itself until the job has ended', async () => {
  const { id: accountId } = (await e2e.admin.sobject('Account').create({ Name: 'Portal No Script Ltd' })) as {
    id: string;
  };
  await signIn('operator');
  const cdp = await page.context().newCDPSession(page);
  // Gentrack answers slowly, so the job is still running when its page first shows.
  e2e.sandbox.gentrack.faults.set({ delayMs: 2_500 });
  try {
    await cdp.send('Emulation.setScriptExecutionDisabled', { value: true });
    await page.goto(url('/on-demand'));
    await page.getByLabel('Entity id').fill(accountId);
    await page.getByRole('button', { name: 'Start' }).click();
    await page.waitForURL(/\/on-demand\/jobs\//);
    assert.notEqual(await page.locator('#job-state').textContent(), 'Succeeded', 'still running at first');
    await page.locator('#job-state').getByText('Succeeded').waitFor({ timeout: 20_000 });
    assert.equal(await page.locator('#job-following').count(), 0, 'a finished job is no longer followed');
  } finally {
    e2e.sandbox.gentrack.faults.clear();
    await cdp.send('Emulation.setScriptExecutionDisabled', { value: false });
    await cdp.detach();
  }
  chromium.assertNoPageErrors();
});

test('Synchronisation history: the on-demand runs with who started them, filtered, and one in detail', async () => {
  await signIn('viewer');
  await page.getByRole('link', { name: 'Sync history' }).click();
  await page.getByRole('heading', { name: 'Synchronisation history' }).waitFor();
  await checkPage('the history');
  await screenshotForDocs(page, 'sync-history');
  await page.getByLabel('Kind').selectOption('on-demand');
  await page.getByLabel('Who').fill(`${USERNAMES.operator} (portal)`);
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.getByText('2 runs match.').waitFor();
  const rows = page.locator('table.history tbody tr');
  assert.equal(await rows.count(), 2);
  for (const row of await rows.all()) {
    assert.match((await row.textContent()) ?? '', /completed/);
    assert.match((await row.textContent()) ?? '', /Salesforce -> Gentrack/);
  }
  await checkPage('the filtered history');
  await rows.first().getByRole('link').click();
  await page.getByRole('heading', { name: 'On-demand synchronisation' }).waitFor();
  const details = (await page.locator('#run-details').textContent()) ?? '';
  assert.match(details, new RegExp(`${USERNAMES.operator} \\(portal\\)`));
  assert.match(details, /records 1, synced 1/);
  await checkPage('a run in detail');
  await screenshotForDocs(page, 'sync-run');
  await page.getByRole('link', { name: 'All runs' }).click();
  await page.getByLabel('Outcome').selectOption('failed');
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.getByText('0 runs match.').waitFor();
  await eventually('nothing else failed', async () => (await page.getByText('Nothing to show.').count()) === 1);
  chromium.assertNoPageErrors();
});
