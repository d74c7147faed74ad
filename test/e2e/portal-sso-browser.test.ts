/**
 * Single sign-on to the portal as a person does it, in real headless Chromium: "Sign in with <provider>" on the
 * sign-in page, the provider's own login form (oidc-provider, a real OpenID Connect provider run in this process),
 * and back on the overview with the role the provider's groups map to. An operator retries a dead letter; a viewer
 * is refused an operator's action even by a hand-made request; a user no role maps to is told so. Sessions end as
 * configured: after the idle time for a single sign-on user, after the lifetime for anyone, however active, each
 * sending the person to sign in with a message. Every page is checked with axe-core at desktop and phone widths.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { DeadLetters } from '../../relay/src/platform/db/dead-letters.js';
import {
  fileRefusedChange,
  PASSWORDS,
  startPortalHarness,
  USERNAMES,
  type PortalHarness,
} from '../../relay/src/portal/portal-test-harness.js';
import { AuditLog } from '../../relay/src/portal/audit-log.js';
import { startOidcTestProvider, type OidcTestProvider } from '../oidc-test-provider.js';
import { assertUsableAtBothWidths, launchChromium, type Chromium } from './chromium.js';
import { postWithPageToken } from './portal-page.js';
import { screenshotForDocs } from './portal-screenshots.js';

let provider: OidcTestProvider;
let harness: PortalHarness;
let chromium: Chromium;
let page: Page;

before(async () => {
  chromium = await launchChromium();
  provider = await startOidcTestProvider();
  const { oidc, env } = provider.portalSettings();
  harness = await startPortalHarness({ portal: { sessionHours: 1, idleMinutes: 30, oidc }, env });
  provider.registerClient(`${harness.url}/login/oidc/callback`);
  provider.accounts.set('olivia', { email: 'olivia@example.com', groups: ['staff', 'relay-operators'] });
  provider.accounts.set('victor', { email: 'victor@example.com', groups: ['staff'] });
  provider.accounts.set('carl', { email: 'carl@example.com', groups: ['contractors'] });
  page = await chromium.newPage();
});

after(async () => {
  await chromium?.close();
  await harness?.close();
  await provider?.close();
});

const url = (pathname: string) => new URL(pathname, harness.url).toString();

const checkPage = (what: string) => assertUsableAtBothWidths(page, what);

/** From the portal's sign-in page through the provider's login form; returns where the browser ends up. */
async function signInWithProvider(login: string, from = '/login'): Promise<void> {
  await page.context().clearCookies();
  await page.goto(url(from));
  await page.getByRole('link', { name: 'Sign in with Acme SSO' }).click();
  await page.waitForURL((address) => address.origin === provider.issuer);
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('any password');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  await page.waitForURL((address) => address.origin === new URL(harness.url).origin);
}

const who = () => page.locator('header .who').textContent();

test("the sign-in page offers single sign-on by the provider's name, and it lands on the overview as an operator", async () => {
  await page.goto(url('/'));
  assert.equal(new URL(page.url()).pathname, '/login');
  await page.getByRole('link', { name: 'Sign in with Acme SSO' }).waitFor();
  await page.getByRole('heading', { name: 'Or with a local account' }).waitFor();
  await checkPage('the sign-in page with single sign-on');
  await screenshotForDocs(page, 'sign-in-sso');

  await signInWithProvider('olivia');
  assert.equal(new URL(page.url()).pathname, '/', 'on the overview');
  await page.getByRole('heading', { name: 'Overview' }).waitFor();
  assert.equal(await who(), 'oidc:olivia@example.com (operator)');
  await checkPage('the overview of a single sign-on user');

  const id = fileRefusedChange(harness.storePath, 1);
  await page.goto(url(`/dead-letters/${id}`));
  await page.getByRole('button', { name: 'Retry' }).click();
  await page.getByRole('status').getByText(`Dead letter ${id} is back in the outbox`).waitFor();
  assert.equal(new DeadLetters(harness.db).get(id), undefined);
  const [retry] = new AuditLog(harness.db).list({ actor: 'oidc:olivia@example.com', action: 'dead-letter.retry' });
  assert.equal(retry?.outcome, 'succeeded', 'the audit log names the single sign-on user');

  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(url('/login'));
  await page.goto(url('/'));
  assert.equal(new URL(page.url()).pathname, '/login', 'signed out of the portal');
  chromium.assertNoPageErrors();
});

test("a viewer signed in through the provider is refused an operator's action, even by a hand-made request", async () => {
  const id = fileRefusedChange(harness.storePath, 2);
  await signInWithProvider('victor', `/login?next=${encodeURIComponent(`/dead-letters/${id}`)}`);
  assert.equal(new URL(page.url()).pathname, `/dead-letters/${id}`, 'back on the page asked for');
  assert.equal(await who(), 'oidc:victor@example.com (viewer)');
  assert.equal(await page.getByRole('button', { name: 'Retry' }).count(), 0);
  assert.equal(await postWithPageToken(page, `/dead-letters/${id}/retry`), 403);
  assert.ok(new DeadLetters(harness.db).get(id), 'still there');
  const [refusal] = new AuditLog(harness.db).list({ actor: 'oidc:victor@example.com', outcome: 'refused' });
  assert.match(refusal?.detail ?? '', /role viewer may not act-on-dead-letters/);
  chromium.assertNoPageErrors();
});

test('a user none of whose groups maps to a role is told so, and not signed in', async () => {
  await signInWithProvider('carl');
  await page.getByRole('heading', { name: 'No access to the portal' }).waitFor();
  await page.getByText('none of your groups gives a role in this portal').waitFor();
  await checkPage('the single sign-on refusal');
  await screenshotForDocs(page, 'sso-refused');
  await page.goto(url('/'));
  assert.equal(new URL(page.url()).pathname, '/login');
  chromium.assertNoPageErrors();
});

test('a single sign-on session ends after the idle time, and the next page asks to sign in with a message', async () => {
  await signInWithProvider('olivia');
  assert.equal(await who(), 'oidc:olivia@example.com (operator)');
  harness.advance(31 * 60_000);
  await page.goto(url('/dead-letters'));
  assert.equal(new URL(page.url()).pathname, '/login');
  await page.getByText('Your session ended after a time without activity: sign in again.').waitFor();
  await checkPage('the sign-in page after a session ended');
  chromium.assertNoPageErrors();
});

test('a session ends at its lifetime however active its user is, and the next page asks to sign in', async () => {
  await page.context().clearCookies();
  await page.goto(url('/login'));
  await page.getByLabel('User name').fill(USERNAMES.operator);
  await page.getByLabel('Password').fill(PASSWORDS.operator);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL(url('/'));
  // Active every 25 minutes (under the 30-minute idle time) until the hour of portal.sessionHours has passed.
  for (let step = 0; step < 2; step++) {
    harness.advance(25 * 60_000);
    await page.goto(url('/dead-letters'));
    assert.equal(new URL(page.url()).pathname, '/dead-letters', `still signed in after ${(step + 1) * 25} minutes`);
  }
  harness.advance(25 * 60_000);
  await page.goto(url('/dead-letters'));
  assert.equal(new URL(page.url()).pathname, '/login');
  await page.getByText('Your session has ended: sign in again.').waitFor();
  chromium.assertNoPageErrors();
});
