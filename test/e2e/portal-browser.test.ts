/**
 * The portal as a person uses it, in real headless Chromium, against the sandbox and a running relay: signing in,
 * every page (with axe-core at desktop and phone widths), retrying a dead letter until the change really reaches the
 * Gentrack stand-in, discarding after confirming, a bulk retry of a filtered set, what a viewer may not do (even by
 * a hand-made request), CSRF refusal, a session that ends, and sign-in limiting.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { portalSchema } from '../../relay/src/platform/config/portal-config-schema.js';
import { DeadLetters } from '../../relay/src/platform/db/dead-letters.js';
import { openRelayDatabase, type RelayDatabase } from '../../relay/src/platform/db/relay-database.js';
import { createLogger } from '../../relay/src/platform/ops/logger.js';
import { createRelayMetrics, type RelayMetrics } from '../../relay/src/platform/ops/metrics.js';
import { AuditLog } from '../../relay/src/portal/audit-log.js';
import { addRoleAccounts, PASSWORDS, USERNAMES } from '../../relay/src/portal/portal-test-harness.js';
import type { Role } from '../../relay/src/portal/roles.js';
import { relayMetricsObserver, reportStoreCounts } from '../../relay/src/relay-metrics.js';
import { startRelayPortal, type RelayPortal } from '../../relay/src/relay-portal.js';
import { assertUsableAtBothWidths, launchChromium, type Chromium } from './chromium.js';
import { postWithPageToken } from './portal-page.js';
import { screenshotForDocs } from './portal-screenshots.js';
import { eventually, startE2E, type E2E } from './harness.js';

const SIGN_IN_LIMIT = 12;

let e2e: E2E;
let metrics: RelayMetrics;
let portal: RelayPortal;
let chromium: Chromium;
let db: RelayDatabase;
let page: Page;
/** Added to the portal's clock, to age sessions without waiting. */
let clockOffset = 0;

before(async () => {
  chromium = await launchChromium();
  e2e = await startE2E();
  metrics = createRelayMetrics({ defaultMetrics: false });
  const relay = await e2e.startRelay({}, relayMetricsObserver(metrics));
  reportStoreCounts(metrics, relay);
  const clock = () => Date.now() + clockOffset;
  portal = (await startRelayPortal({
    config: { ...e2e.config, portal: portalSchema.parse({ port: 0, loginAttempts: { max: SIGN_IN_LIMIT } }) },
    metrics,
    logger: createLogger({ level: 'silent' }),
    clock,
  }))!;
  db = openRelayDatabase(path.join(e2e.storeDir, 'relay.db'));
  await addRoleAccounts(db, clock);
  page = await chromium.newPage();
});

after(async () => {
  await chromium?.close();
  await portal?.close();
  db?.close();
  await e2e?.close();
});

const url = (pathname: string) => new URL(pathname, portal.url).toString();
const letters = () => new DeadLetters(db);

/** Signs in with the keyboard only, as someone who does not use a mouse would. */
async function signIn(role: Role): Promise<void> {
  await page.context().clearCookies();
  await page.goto(url('/login'));
  await page.getByLabel('User name').focus();
  await page.keyboard.type(USERNAMES[role]);
  await page.keyboard.press('Tab');
  await page.keyboard.type(PASSWORDS[role]);
  await page.keyboard.press('Enter');
  await page.waitForURL(url('/'));
}

/** Both widths: the page's accessibility, and no sideways scrolling at a phone's width. */
const checkPage = (what: string) => assertUsableAtBothWidths(page, what);

/** A contact Gentrack does not know: its update is refused (NOT_FOUND) and dead-lettered. Returns the letter id. */
async function refusedContactChange(lastName: string, customerNumber: string): Promise<number> {
  const org = e2e.sandbox.salesforce.org;
  const [created] = await org.insert(
    'Contact',
    { LastName: lastName, Gentrack_External_Id__c: customerNumber },
    { as: org.users.integration },
  );
  await e2e.admin.sobject('Contact').update({ Id: created!.id!, LastName: `${lastName} Updated` });
  const letter = await eventually(`the dead letter of ${lastName}`, () =>
    letters()
      .list(1000)
      .find((candidate) => candidate.entityKey === `Contact:${created!.id}`),
  );
  return letter.id;
}

test('signing in: the form is accessible, a wrong password says so, the keyboard reaches everything', async () => {
  await page.goto(url('/'));
  assert.equal(new URL(page.url()).pathname, '/login', 'signed out, the portal asks to sign in');
  await checkPage('the sign-in page');
  await screenshotForDocs(page, 'sign-in');
  await page.getByLabel('User name').fill(USERNAMES.operator);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('The user name or password is wrong.').waitFor();

  await signIn('operator');
  await page.keyboard.press('Tab');
  assert.equal(
    await page.evaluate(() => document.activeElement?.textContent),
    'Skip to content',
    'the skip link comes first',
  );
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'main');
  chromium.assertNoPageErrors();
});

test('the overview shows the relay live: a change made in Salesforce appears without reloading', async () => {
  await signIn('viewer');
  await page.locator('#figure-subscription dd').getByText('connected').waitFor();
  await checkPage('the overview');
  const delivered = async () => Number(await page.locator('#total-delivered').textContent());
  const before = await delivered();
  await e2e.admin.sobject('Account').create({ Name: 'Portal Live Pty Ltd' });
  await eventually('the overview to count the new delivery', async () => (await delivered()) > before, 20_000);
  const scrape = await metrics.render();
  const fromMetrics = [...scrape.matchAll(/deliveries_total\{[^}]*outcome="delivered"[^}]*\} (\d+)/g)].reduce(
    (sum, match) => sum + Number(match[1]),
    0,
  );
  assert.equal(await delivered(), fromMetrics, 'the figure /metrics gives');
  assert.equal(new URL(page.url()).pathname, '/', 'updated in place');
  await screenshotForDocs(page, 'overview');
  chromium.assertNoPageErrors();
});

test('an operator retries a dead letter from its page and the change reaches Gentrack', async () => {
  const id = await refusedContactChange('Portal Orphan', 'C90000001');
  await signIn('operator');
  await page.getByRole('link', { name: 'Dead letters' }).click();
  await checkPage('the dead-letter list');
  await page.getByRole('link', { name: `Dead letter ${id}`, exact: true }).click();
  await page.getByRole('heading', { name: `Dead letter ${id}` }).waitFor();
  assert.match((await page.locator('#letter-reason').textContent()) ?? '', /NOT_FOUND|update-contact/);
  assert.doesNotMatch(
    (await page.locator('#payload').textContent()) ?? '',
    /Portal Orphan/,
    'personal data masked for an operator',
  );
  await checkPage('a dead letter');
  await screenshotForDocs(page, 'dead-letter');

  e2e.sandbox.gentrack.state.seedContact({ customerNumber: 'C90000001', contact: { lastName: 'Portal Orphan' } });
  await page.getByRole('button', { name: 'Retry' }).click();
  await page.getByRole('status').getByText(`Dead letter ${id} is back in the outbox`).waitFor();
  await eventually(
    'the retried update in Gentrack',
    () => e2e.sandbox.gentrack.state.contact('C90000001')?.contact.lastName === 'Portal Orphan Updated',
    20_000,
  );
  assert.equal(letters().get(id), undefined);
  chromium.assertNoPageErrors();
});

test('discarding asks to confirm, and a discarded change never reaches Gentrack', async () => {
  const id = await refusedContactChange('Portal Discard', 'C90000002');
  await signIn('operator');
  await page.goto(url(`/dead-letters/${id}`));
  await page.getByRole('link', { name: 'Discard…' }).click();
  await page.getByRole('heading', { name: `Discard dead letter ${id}?` }).waitFor();
  await checkPage('the discard confirmation');
  await screenshotForDocs(page, 'dead-letter-discard');
  await page.getByRole('link', { name: 'Keep it' }).click();
  assert.ok(letters().get(id), 'kept when the operator does not confirm');
  await page.getByRole('link', { name: 'Discard…' }).click();
  await page.getByRole('button', { name: 'Discard for good' }).click();
  await page.getByRole('status').getByText(`Dead letter ${id} discarded.`).waitFor();
  assert.equal(letters().get(id), undefined);
  assert.equal(e2e.sandbox.gentrack.state.contact('C90000002'), undefined, 'nothing was sent');
  chromium.assertNoPageErrors();
});

test('a bulk retry takes the filtered set only, and each change reaches Gentrack', async () => {
  const numbers = ['C90000011', 'C90000012'];
  const ids = [
    await refusedContactChange('Portal Bulk One', numbers[0]!),
    await refusedContactChange('Portal Bulk Two', numbers[1]!),
  ];
  // Outside the filter: a corrupt event, dead-lettered under another reason code.
  const { bus, topic } = e2e.sandbox;
  const before = letters().count();
  bus.injectCorrupt(topic, Buffer.from([0xff, 0x00, 0x13, 0x37]));
  const outside = await eventually('the corrupt event dead-lettered', () =>
    letters().count() > before ? letters().list(1000).at(-1) : undefined,
  );
  assert.notEqual(outside.reasonCode, 'NOT_FOUND');
  for (const customerNumber of numbers) {
    e2e.sandbox.gentrack.state.seedContact({ customerNumber, contact: { lastName: 'Bulk' } });
  }
  await signIn('operator');
  await page.goto(url('/dead-letters'));
  await screenshotForDocs(page, 'dead-letters');
  await page.getByLabel('Reason code').selectOption('NOT_FOUND');
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.getByText('2 dead letters match.').waitFor();
  await page.getByRole('link', { name: 'Retry all 2…' }).click();
  await page.getByRole('heading', { name: 'Retry 2 dead letters?' }).waitFor();
  await checkPage('the bulk retry confirmation');
  await page.getByRole('button', { name: 'Retry 2' }).click();
  await page.getByRole('status').getByText('2 dead letters retried.').waitFor();
  for (const id of ids) assert.equal(letters().get(id), undefined);
  assert.ok(letters().get(outside.id), 'outside the filter: kept');
  for (const customerNumber of numbers) {
    await eventually(
      `${customerNumber} updated in Gentrack`,
      () => /Updated$/.test(String(e2e.sandbox.gentrack.state.contact(customerNumber)?.contact.lastName ?? '')),
      20_000,
    );
  }
  chromium.assertNoPageErrors();
});

test('a viewer sees no actions, and the server refuses a hand-made retry even with a valid CSRF token', async () => {
  const id = await refusedContactChange('Portal Viewer', 'C90000021');
  await signIn('viewer');
  await page.goto(url(`/dead-letters/${id}`));
  assert.equal(await page.getByRole('button', { name: 'Retry' }).count(), 0);
  assert.equal(await page.getByRole('link', { name: 'Audit log' }).count(), 0);
  assert.equal(await postWithPageToken(page, `/dead-letters/${id}/retry`), 403);
  assert.ok(letters().get(id), 'still there');
  await page.goto(url('/audit'));
  await page.getByRole('heading', { name: 'Not allowed' }).waitFor();
  await checkPage('the refusal page');
  chromium.assertNoPageErrors();
});

test('a request without the CSRF token is refused, for every role', async () => {
  const id = letters().list(1000).at(-1)!.id;
  await signIn('admin');
  await page.goto(url(`/dead-letters/${id}`));
  const status = await page.evaluate(async (letterId) => {
    const response = await fetch(`/dead-letters/${letterId}/discard`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ confirm: 'yes' }),
    });
    return response.status;
  }, id);
  assert.equal(status, 403);
  assert.ok(letters().get(id), 'not discarded');
  assert.ok(
    new AuditLog(db)
      .list({ actor: USERNAMES.admin, outcome: 'refused' })
      .some((entry) => /CSRF/.test(entry.detail ?? '')),
  );
  chromium.assertNoPageErrors();
});

test('the audit log shows what was done, by whom, with its outcome', async () => {
  await signIn('admin');
  await page.getByRole('link', { name: 'Audit log' }).click();
  await page.getByRole('heading', { name: 'Audit log' }).waitFor();
  const table = await page.locator('table.audit').textContent();
  for (const expected of [
    'dead-letter.retry',
    'dead-letter.discard',
    'dead-letter.retry-all',
    'sign-in',
    USERNAMES.operator,
    'refused',
  ]) {
    assert.ok(table?.includes(expected), `${expected} is in the audit log`);
  }
  await checkPage('the audit log');
  await screenshotForDocs(page, 'audit-log');
  await page.goto(url('/no-such-page'));
  await checkPage('the not-found page');
  chromium.assertNoPageErrors();
});

test('a session ends after 30 idle minutes: the live overview says so and the next page asks to sign in', async () => {
  await signIn('viewer');
  clockOffset += 31 * 60_000;
  await page.getByRole('alert').getByText('Your session has ended.').waitFor({ timeout: 15_000 });
  await page.reload();
  assert.equal(new URL(page.url()).pathname, '/login');
  await page.getByText('Your session ended after a time without activity').waitFor();
  chromium.assertNoPageErrors();
});

test('sign-in attempts from one address are limited', async () => {
  await page.context().clearCookies();
  await page.goto(url('/login'));
  for (let attempt = 0; attempt < SIGN_IN_LIMIT + 1; attempt++) {
    await page.getByLabel('User name').fill(USERNAMES.viewer);
    await page.getByLabel('Password').fill(`guess ${attempt}`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForLoadState();
    if (await page.getByRole('heading', { name: 'Too many attempts' }).count()) break;
  }
  await page.getByText('Too many sign-in attempts from your address').waitFor();
  await page.goto(url('/login'));
  await page.getByLabel('User name').fill(USERNAMES.viewer);
  await page.getByLabel('Password').fill(PASSWORDS.viewer);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Too many attempts' }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/login', 'not signed in, even with the right password');
  chromium.assertNoPageErrors();
});
